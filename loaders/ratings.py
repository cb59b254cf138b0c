"""Risk ratings and RAG statuses in every way registers write them.

Likelihood and impact go onto one ordinal scale, 1 (lowest) to 5 (highest), higher is worse:
- numbers 1-5 stay as they are;
- a three-word scale (Low/Medium/High, L/M/H) maps to 1, 3, 5, and ranges between two words to the
  midpoint: "Low - med" is 2, "Med/High" is 4;
- a five-word scale (Very low ... Very high, Rare ... Almost certain, Negligible ... Catastrophic) maps
  to 1-5. A column is read on the five-word scale when any of its cells uses a five-word term.
"""

from __future__ import annotations

import colorsys
import re
import unicodedata
from dataclasses import dataclass
from functools import lru_cache

from loaders.text import clean_text


class RatingParseError(ValueError):
    """A rating or RAG cell we cannot read."""


THREE = {
    "low": 1, "l": 1, "lo": 1, "minor": 1, "unlikely": 1,
    "medium": 3, "med": 3, "m": 3, "moderate": 3, "possible": 3, "mod": 3,
    "high": 5, "h": 5, "hi": 5, "significant": 5, "likely": 5, "major": 5, "severe": 5,
}
# A lone five-word term in a three-word column still means the extreme.
THREE.update({"very low": 1, "vl": 1, "rare": 1, "negligible": 1, "very high": 5, "vh": 5, "almost certain": 5,
              "catastrophic": 5, "extreme": 5, "critical": 5})
FIVE = {
    "very low": 1, "vl": 1, "rare": 1, "negligible": 1, "insignificant": 1, "remote": 1, "very unlikely": 1,
    "low": 2, "l": 2, "unlikely": 2, "minor": 2,
    "medium": 3, "med": 3, "m": 3, "moderate": 3, "possible": 3,
    "high": 4, "h": 4, "likely": 4, "major": 4, "significant": 4, "probable": 4,
    "very high": 5, "vh": 5, "almost certain": 5, "catastrophic": 5, "severe": 5, "extreme": 5, "critical": 5,
}
FIVE_ONLY = {"very low", "vl", "rare", "negligible", "insignificant", "remote", "very unlikely", "very high", "vh",
             "almost certain", "catastrophic", "extreme", "critical", "probable"}
NOT_RATED = {"", "n/a", "na", "not applicable", "-", "–", "tbc", "not rated", "unrated", "none", "?", "l/m/h", "h/m/l"}

_RANGE = re.compile(r"^(.+?)\s*(?:/|-|–|to)\s*(.+)$")


@dataclass(frozen=True)
class Scale:
    name: str  # "three" or "five"
    words: dict[str, int]


SCALE_THREE = Scale("three", THREE)
SCALE_FIVE = Scale("five", FIVE)


def _words(value: str) -> str:
    s = clean_text(value).lower().replace("\n", " ")
    s = re.sub(r"\(.*?\)", "", s)  # "High (4)" -> "high"
    return " ".join(re.sub(r"[^a-z0-9/\-–. ]+", " ", s).split()).strip(" .")


def choose_scale(values: list[object]) -> Scale:
    """The five-word scale when any cell uses a five-word term, else the three-word scale."""
    for v in {v for v in values if isinstance(v, str)}:
        if _words(v) in FIVE_ONLY:
            return SCALE_FIVE
    return SCALE_THREE


def parse_rating(value: object, scale: Scale = SCALE_THREE) -> int | None:
    """A likelihood or impact as 1-5, or None for a cell that gives no rating."""
    if value is None:
        return None
    if isinstance(value, bool):
        raise RatingParseError(f"{value} is not a rating")
    if isinstance(value, (int, float)):
        return _number(float(value))
    return _parse_text(str(value), scale.name)


def _number(x: float) -> int:
    if x.is_integer() and 1 <= x <= 5:
        return int(x)
    if 1 <= x <= 5:
        return int(x + 0.5)
    raise RatingParseError(f"{x:g} is outside the 1-5 scale")


def leading_rating(value: object, scale: Scale = SCALE_THREE) -> int | None:
    """The rating a cell opens with when the rest is a comment: "Medium at the beginning, gets higher with time"
    is Medium. None when it opens with no rating word."""
    s = _words(str(value)) if value is not None else ""
    words = scale.words
    for n in (2, 1):  # "very high ..." before "high ..."
        head = " ".join(s.split(" ")[:n])
        if head in words and len(s.split(" ")) > n:
            return words[head]
    return None


@lru_cache(maxsize=4096)
def _parse_text(raw: str, scale_name: str) -> int | None:
    words = SCALE_FIVE.words if scale_name == "five" else SCALE_THREE.words
    s = _words(raw)
    if s in NOT_RATED:
        return None
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _number(float(s))
    if s in words:
        return words[s]
    m = _RANGE.match(s)
    if m and m.group(1) in words and m.group(2) in words:
        a, b = words[m.group(1)], words[m.group(2)]
        return (a + b + 1) // 2  # the midpoint, rounded towards the worse
    # "High risk", "Medium impact"
    first = s.split(" ")[0]
    if first in words and len(s.split(" ")) <= 3:
        return words[first]
    raise RatingParseError(f"'{clean_text(raw)}' is not a rating we know (use High, Medium, Low or 1-5)")


THREE_WORDS = {1: "Low", 2: "Low - Medium", 3: "Medium", 4: "Medium/High", 5: "High"}


def format_rating(level: int) -> str:
    """A 1-5 level in register words; parse_rating reads it back the same."""
    return THREE_WORDS[level]


# ---------------------------------------------------------------------------------------------
# RAG
# ---------------------------------------------------------------------------------------------

RAG_ORDER = {"green": 0, "amber": 1, "red": 2}
_RAG_WORDS = {
    "red": "red", "r": "red", "amber": "amber", "a": "amber", "yellow": "amber", "orange": "amber",
    "green": "green", "g": "green", "blue": "green", "b": "green", "complete": "green", "completed": "green",
}


# Emoji whose colour is a RAG status; blue and ticks mean complete, as the word "blue" does. Black, white,
# purple and brown circles, crosses and warning signs have no agreed meaning and are refused.
_RAG_EMOJI = {
    "\U0001F534": "red", "\U0001F7E5": "red",  # red circle, red square
    "\U0001F7E0": "amber", "\U0001F7E7": "amber",  # orange circle, orange square
    "\U0001F7E1": "amber", "\U0001F7E8": "amber",  # yellow circle, yellow square
    "\U0001F7E2": "green", "\U0001F7E9": "green",  # green circle, green square
    "\U0001F535": "blue", "\U0001F7E6": "blue",  # blue circle, blue square
    "\u2705": "complete", "\u2714": "complete", "\u2713": "complete", "\u2611": "complete",  # ticks
}
_EMOJI_JOINERS = str.maketrans("", "", "\ufe0f\ufe0e\u200d")


@dataclass(frozen=True)
class ParsedRag:
    rag: str | None
    note: str | None = None  # set when the cell needed a judgement, e.g. "Red/Amber" read as red


def parse_rag(value: object) -> ParsedRag:
    if value is None:
        return ParsedRag(None)
    return _parse_rag_text(clean_text(value))


@lru_cache(maxsize=1024)
def _parse_rag_text(text: str) -> ParsedRag:
    words = _emoji_as_words(text)
    s = " ".join(re.sub(r"[^a-z/\-– ]+", " ", words.lower()).split())
    if not s and any(unicodedata.category(c) == "So" for c in words):
        # A symbol with no agreed RAG meaning (⚫, ⚪, ❌, ⚠): say so rather than leave the status blank.
        raise RatingParseError(f"'{text}' is not a RAG status (use Red, Amber or Green)")
    if s in ("", "n/a", "na", "-", "tbc", "none", "not rated"):
        return ParsedRag(None)
    if s in _RAG_WORDS:
        return ParsedRag(_RAG_WORDS[s])
    parts = [p for p in re.split(r"\s*(?:/|-|–|\bto\b|\s)\s*", s) if p]
    colours = [_RAG_WORDS[p] for p in parts if p in _RAG_WORDS]
    if colours and len(colours) == len(parts):
        worst = max(colours, key=RAG_ORDER.__getitem__)
        if len(set(colours)) > 1:
            return ParsedRag(worst, f"'{text}' read as {worst}, the worse of the two")
        return ParsedRag(worst)
    first = s.split(" ")[0]
    if first in ("red", "amber", "green"):
        return ParsedRag(first)
    raise RatingParseError(f"'{text}' is not a RAG status (use Red, Amber or Green)")


def _emoji_as_words(text: str) -> str:
    """'🔴' as ' red ', '✅' as ' complete ': the emoji a tracker uses for a status, read as its word."""
    if text.isascii():
        return text
    text = text.translate(_EMOJI_JOINERS)
    return "".join(f" {_RAG_EMOJI[c]} " if c in _RAG_EMOJI else c for c in text)


def rag_from_colour(hex_rgb: str | None) -> str | None:
    """A cell fill as a RAG colour: reds, ambers (orange and yellow) and greens; anything else is None."""
    if not hex_rgb:
        return None
    h = hex_rgb.strip().lstrip("#")
    if len(h) == 8:  # ARGB
        h = h[2:]
    if len(h) != 6:
        return None
    try:
        r, g, b = (int(h[i : i + 2], 16) / 255 for i in (0, 2, 4))
    except ValueError:
        return None
    hue, lightness, saturation = colorsys.rgb_to_hls(r, g, b)
    if saturation < 0.3 or lightness > 0.93 or lightness < 0.12:
        return None
    degrees = hue * 360
    if degrees < 16 or degrees >= 330:
        return "red"
    if degrees < 66:
        return "amber"
    if 70 <= degrees < 170:
        return "green"
    return None
