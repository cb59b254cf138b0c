"""Cell text cleaning: HTML debris from converted documents, odd spaces, bullets and footnote marks."""

from __future__ import annotations

import html
import re
from datetime import date, datetime, time
from functools import lru_cache
from pathlib import PurePosixPath, PureWindowsPath

_BLOCK_TAGS = re.compile(r"(?i)<\s*/?\s*(p|br|li|ul|ol|div|tr)\b[^>]*>")
# A tag as browsers read one: a letter straight after "<" or "</" ("a < b and c > d" is text, not a tag).
_ANY_TAG = re.compile(r"</?[a-zA-Z][^<>]*>|<!--.*?(?:-->|$)|<[!?][^<>]*>", re.DOTALL)
_SUP = re.compile(r"(?i)<\s*sup\s*>\s*(st|nd|rd|th|\d+|[ivx]+)\s*<\s*/\s*sup\s*>")
# Never kept: NUL and other control characters, and the bidi overrides and isolates that make text read
# differently from how it is stored ("\u202eexe.txt"). Line breaks and tabs are handled as spacing below.
_INVISIBLE = re.compile(r"[\x00-\x08\x0e-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
_LINE_FEEDS = str.maketrans({"\x0b": "\n", "\x0c": "\n"})
_SPACES = re.compile(r"[ \t\u00a0\u2000-\u200b\u202f\u3000]+")
_BLANK_LINES = re.compile(r"\s*\n\s*")
_BULLETS = "◆●▪•◦‣∙·"
_SUPERSCRIPTS = str.maketrans("", "", "⁰¹²³⁴⁵⁶⁷⁸⁹ⁱ")
_MARKDOWN = re.compile(r"\*\*|__|^#{1,6}\s+", re.MULTILINE)


def cell_text(value: object) -> str:
    """Any cell value as display text (dates in ISO form, whole floats without '.0')."""
    if value is None:
        return ""
    if isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "TRUE" if value else "FALSE"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else repr(value)
    if isinstance(value, datetime):
        return value.date().isoformat() if value.time() == time(0) else value.isoformat(sep=" ")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


def clean_text(value: object) -> str:
    """Text a person would read: markup stripped, spaces folded, bullets turned into line breaks."""
    s = value if isinstance(value, str) else cell_text(value)
    if not s:
        return ""
    # Fast path: most cells are plain ASCII text that needs nothing beyond a strip.
    if s.isascii() and not _SLOW_CHARS.search(s):
        return s.strip()
    return _clean_slow(s)


_SLOW_CHARS = re.compile(r"[<&*#\x00-\x1f\x7f]|  ")


@lru_cache(maxsize=65536)
def _clean_slow(s: str) -> str:
    s = _INVISIBLE.sub("", s.translate(_LINE_FEEDS))
    s = _strip_markup(s)
    s = _MARKDOWN.sub("", s)
    for b in _BULLETS:
        s = s.replace(b, "\n")
    s = s.translate(_SUPERSCRIPTS)
    s = s.replace("\r\n", "\n").replace("\r", "\n")
    s = _SPACES.sub(" ", s)
    s = _BLANK_LINES.sub("\n", s)
    return s.strip()


def _strip_markup(s: str) -> str:
    """Entities decoded first, then tags stripped, over and over until nothing changes.

    Decoding after stripping would turn "&lt;script&gt;" into a stored "<script>", and one pass of either leaves
    "&amp;lt;b&amp;gt;" or "<scr<b>ipt>" holding a tag. Each pass only shortens the text, so this ends.
    """
    for _ in range(20):
        before = s
        while "&" in s:
            decoded = html.unescape(s)
            if decoded == s:
                break
            s = decoded
        s = _SUP.sub(r"\1", s)
        s = _BLOCK_TAGS.sub("\n", s)
        s = _ANY_TAG.sub("", s)
        s = _INVISIBLE.sub("", s)  # an entity such as "&#x202e;" decodes to one
        if s == before:
            break
    return s


_HEADER_PUNCT = re.compile(r"[^\w£%&/+#×]+")


_CAMEL = re.compile(r"(?<=[a-z])(?=[A-Z])|(?<=[A-Z])(?=[A-Z][a-z])")
_LETTER_DIGIT = re.compile(r"(?<=[a-z])(?=\d)")


@lru_cache(maxsize=4096)
def header_key(value: str) -> str:
    """A header reduced for matching: words split as a person reads them, lower case, punctuation gone.

    "Risk_Description", "riskDescription" and "Risk description" are one key; "budget1" is "budget 1".
    """
    s = _CAMEL.sub(" ", clean_text(value)).lower().replace("\n", " ").replace("_", " ")
    s = s.replace("–", "-").replace("—", "-").replace("/", " / ")
    s = _LETTER_DIGIT.sub(" ", _HEADER_PUNCT.sub(" ", s))
    return " ".join(s.split())


def safe_file_name(name: str) -> str:
    """Only the last part of an uploaded file's name: it is a label, never a path."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "upload"
