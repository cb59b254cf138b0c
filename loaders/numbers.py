"""Metric values and targets as people write them: 85%, "−5%", "1.5e3", "at least 75%", "2% below predicted: 2,480".

``parse_measure`` gives (number, unit hint, direction hint). A cell with words and several numbers keeps the
number a person would call the target, by these rules, in order:

1. With one colon or "=" (outside brackets) and a number after it, only the text after it counts:
   "2% below predicted: 2,480" is 2,480.
2. Dates, years, quarters and financial years are not figures: "75% by March 2019" is 75.
3. Reference numbers are not the target: a rate's denominator ("450 per 100,000" is 450, a rate), a baseline
   ("baseline 500"), and the start of a change ("from 500 to 450" is 450).
4. Of the numbers left, a plain one beats a relative phrase ("2% below ...", "by 10%"), which beats a
   condition with a time unit ("95% within 4 hours" is 95), which beats an aside in brackets.
5. One number left is the target; two or more ("5 or 6", "5-10") are refused with a sentence naming them.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from datetime import date, datetime, time
from decimal import Decimal, InvalidOperation

from loaders.money import FORMULA_ERROR, MoneyParseError, number_text, parse_money
from loaders.text import clean_text

# Metrics are stored as floats and drawn on charts; nothing a board measures comes near this.
MAX_MEASURE = 1e15
# A value or target written in words holds a handful of numbers; a cell with more is notes, not a figure.
MAX_FIGURES = 20


class MeasureParseError(ValueError):
    """A metric value or target we cannot read."""


_NO_VALUE = {"", "-", "n/a", "na", "tbc", "not available", "n/k", "nk", "to be confirmed", "tba", "no data", "*"}

_LOWER = re.compile(r"\b(fewer|less than|no more than|not more than|under|below|reduc\w*|decreas\w*|lower|maximum|"
                    r"max|at most|minimi[sz]e|down|avoid\w*|delayed)\b|<|≤", re.I)
_HIGHER = re.compile(r"\b(at least|more than|over|above|increas\w*|improv\w*|higher|minimum|min|maximi[sz]e|up|"
                     r"grow\w*|raise)\b|>|≥", re.I)

_MONTH = r"(?:jan|feb|mar|apr|may|jun|jul|aug|sep|oct|nov|dec)[a-z]*\.?"
_YEAR = r"(?:19|20)\d{2}"
# Spans that are dates or periods, never figures; only the year group is masked when there is one.
_NOT_FIGURES = [re.compile(rf"(?<![\d.,]){p}(?![.,]?\d)", re.I) for p in (
    r"\b\d{4}-\d{1,2}-\d{1,2}(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?\b",
    r"\b\d{1,2}[/.-]\d{1,2}[/.-](?:\d{4}|\d{2})\b",
    rf"\b\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTH},?\s+(?:{_YEAR}|'?\d{{2}})\b",
    rf"\b{_MONTH}\s*(?:-|')?\s*(?:{_YEAR}|'\d{{2}})\b",
    rf"\b{_MONTH}-\d{{2}}\b",
    rf"\b(?:fy\s*)?{_YEAR}\s*[/-]\s*(?:{_YEAR}|\d{{2}})\b",
    r"\bfy\s*\d{2}(?:\s*[/-]\s*\d{2})?\b",
    r"\bq[1-4]\b",
)]
_YEAR_AFTER_WORD = re.compile(
    rf"\b(?:by|in|from|since|until|till|before|after|during|end|year|for)\s+(?:the\s+end\s+of\s+)?({_YEAR})\b", re.I)
_ASIDE = re.compile(r"\([^()]*\)")
_ONE_COLON = re.compile(r"(?<!\d)[:=](?!\d)")

_UNIT = r"%|per\s?cent\b|percent\b|days?\b|weeks?\b|minutes?\b|mins?\b|hours?\b|hrs?\b|months?\b|years?\b|yrs?\b"
_TIME_UNITS = ("day", "week", "min", "hour", "hr", "month", "year", "yr")
_MULTIPLIERS = {"k": 1000, "thousand": 1000, "million": 1_000_000, "mn": 1_000_000, "m": 1_000_000, "bn": 1_000_000_000,
                "billion": 1_000_000_000}


def _number_pattern(decimal_comma: bool) -> re.Pattern[str]:
    """A number with its sign, currency, exponent, multiplier and unit; the digits are atomic (no re-reading)."""
    group, point = (r"\.", ",") if decimal_comma else (",", r"\.")
    lone_fraction = "" if decimal_comma else rf"|{point}\d+"
    digits = (rf"(?>\d{{1,3}}(?:{group}\d{{3}})+(?:{point}\d+)?|\d{{1,3}}(?: \d{{3}})+(?:{point}\d+)?"
              rf"|\d+(?:{point}\d+)?{lone_fraction})")
    return re.compile(
        rf"(?<![\w.,#])(?:(?P<sign>[-−–])\s?)?(?P<cur>£\s?)?(?P<num>{digits})(?P<exp>e[+-]?\d{{1,3}}(?!\d))?(?!\d)"
        rf"(?:\s*(?P<mult>k|thousand|million|mn|m|bn|billion)\b)?(?:\s*(?P<unit>{_UNIT}))?",
        re.I,
    )


_NUMBER = {False: _number_pattern(False), True: _number_pattern(True)}
_RELATIVE_AFTER = re.compile(r"\s*(below|above|less|more|lower|higher|fewer|greater|increase|decrease|reduction|"
                             r"improvement|rise|fall|drop)\b", re.I)
_RELATIVE_AFTER_PERCENT = re.compile(r"\s*(under|over|up|down)\b", re.I)  # "5% over target", not "450 over 3 years"
_RELATIVE_BEFORE = re.compile(r"\bby\s*$", re.I)
_PER_BEFORE = re.compile(r"\bper\s*$", re.I)
_BASELINE_BEFORE = re.compile(r"\bbaseline\s*(?:of|was|is|:|=)?\s*$", re.I)
_FROM_BEFORE = re.compile(r"\bfrom\s*$", re.I)
_TO_BEFORE = re.compile(r"\bto\s*$", re.I)


@dataclass(frozen=True)
class _Figure:
    start: int  # where the figure starts in the cell's text
    value: float
    shown: str
    unit: str | None
    tier: int  # 0 plain, 1 relative phrase, 2 condition with a time unit, 3 aside in brackets: lower wins
    reference: bool  # a denominator, baseline or starting point: never the target
    rate: bool  # followed by "per N"


def parse_measure(value: object, *, decimal_comma: bool = False,
                  percent_format: bool = False) -> tuple[float | None, str | None, str | None]:
    """A metric value or target: (number, unit hint, direction hint), or ``MeasureParseError`` saying why not.

    ``percent_format`` says the cell's number format is a percentage: Excel stores the 90% a person sees as
    0.9, so a number is read as 90 percent. Text ("90%") carries its own sign and is read as written.
    """
    if value is None:
        return None, None, None
    if isinstance(value, bool):
        raise MeasureParseError(f"{value} is not a number")
    if isinstance(value, (datetime, date, time)):
        raise MeasureParseError(f"'{clean_text(value)}' is a date, not a figure; check that this column holds figures")
    if isinstance(value, (int, float, Decimal)):
        number = _finite(value, number_text(value))
        if percent_format:  # via the shortest repr, so 0.9 is 90 and not 90.00000000000001
            return _finite(float(Decimal(repr(number)) * 100), number_text(value)), "percent", None
        return number, None, None
    text = clean_text(value).replace("\n", " ")
    low = text.lower().strip()
    if low in _NO_VALUE:
        return None, None, None
    if FORMULA_ERROR.match(text.strip()):  # "#DIV/0!" was read as 0
        raise MeasureParseError(f"'{_shown(text)}' is a formula error saved in the spreadsheet, not a figure; mend the "
                                "formula (or type the figure) and save the file again")
    if low.lstrip("-−– ").startswith("£"):
        try:
            money = parse_money(text, decimal_comma=decimal_comma)
        except MoneyParseError as exc:
            raise MeasureParseError(str(exc)) from exc
        return (float(money.amount) if money.amount is not None else None), "gbp", None
    figure = _target(text, decimal_comma)
    direction = ("lower" if _LOWER.search(text[: figure.start] or low)
                 else "higher" if _HIGHER.search(text[: figure.start]) else None)
    return figure.value, figure.unit, direction


def _finite(value: int | float | Decimal, shown: str) -> float:
    """A number within what a metric can be, as a float."""
    if isinstance(value, Decimal):
        ok = value.is_finite() and abs(value) < Decimal(MAX_MEASURE)
    elif isinstance(value, int):
        ok = abs(value) < MAX_MEASURE
    else:
        ok = math.isfinite(value) and abs(value) < MAX_MEASURE
    if not ok:
        raise MeasureParseError(f"'{_shown(shown)}' is not a finite number below 10^15, so it cannot be a metric's "
                                "figure; check the cell for a typo or a broken formula")
    return float(value)


def _target(text: str, decimal_comma: bool) -> _Figure:
    masked = _mask_periods(text)
    outside = _ASIDE.sub(lambda m: "#" * len(m.group()), masked)
    colons = list(_ONE_COLON.finditer(outside))
    figures = _figures(text, masked, decimal_comma)
    if len(colons) == 1:
        after = [f for f in figures if f.start > colons[0].start()]
        if after:
            figures = after
    candidates = [f for f in figures if not f.reference]
    if not candidates:
        had_date = masked != text
        raise MeasureParseError(f"'{_shown(text)}' has no {'figure other than a date' if had_date else 'number'} in it")
    best = min(f.tier for f in candidates)
    chosen = [f for f in candidates if f.tier == best]
    if len(chosen) > 1:
        listed = ", ".join(f.shown for f in chosen[:-1]) + f" and {chosen[-1].shown}"
        if len(chosen) > 3:
            listed = ", ".join(f.shown for f in chosen[:3]) + f" and {len(chosen) - 3} more"
        raise MeasureParseError(f"'{_shown(text)}' holds more than one figure ({listed}) and which one is meant "
                                "cannot be told; write the one figure")
    figure = chosen[0]
    if figure.rate and figure.unit is None:
        figure = _Figure(figure.start, figure.value, figure.shown, "rate", figure.tier, False, True)
    return figure


def _mask_periods(text: str) -> str:
    """The text with dates and periods overwritten by '#', so their digits are never read as figures."""
    chars = list(text)
    for pattern in _NOT_FIGURES:
        for m in pattern.finditer(text):
            chars[m.start() : m.end()] = "#" * (m.end() - m.start())
    for m in _YEAR_AFTER_WORD.finditer(text):
        chars[m.start(1) : m.end(1)] = "#" * (m.end(1) - m.start(1))
    return "".join(chars)


def _figures(text: str, masked: str, decimal_comma: bool) -> list[_Figure]:
    asides = [(m.start(), m.end()) for m in _ASIDE.finditer(masked)]
    found = list(_NUMBER[decimal_comma].finditer(masked))
    if len(found) > MAX_FIGURES:
        raise MeasureParseError(f"'{_shown(text)}' holds {len(found)} numbers, too many to find one target or value "
                                "in; write the one figure")
    # Only the few words either side of a number decide its role; a bounded window keeps a long cell linear.
    has_to = any(_TO_BEFORE.search(masked[max(0, m.start() - 40) : m.start()]) for m in found)
    figures = []
    for i, m in enumerate(found):
        _check_after_number(text, masked, m.end("num"), m.group("num"), decimal_comma)
        before, after = masked[max(0, m.start() - 40) : m.start()], masked[m.end() : m.end() + 40]
        unit_word = (m.group("unit") or "").lower().replace(" ", "")
        unit = ("percent" if unit_word in ("%", "percent") else "days" if unit_word.startswith("day")
                else "minutes" if unit_word.startswith("min") else "gbp" if m.group("cur") else None)
        if (_RELATIVE_BEFORE.search(before) or _RELATIVE_AFTER.match(after)
                or (unit == "percent" and _RELATIVE_AFTER_PERCENT.match(after))):
            tier = 1
        elif unit_word.startswith(_TIME_UNITS):
            tier = 2
        elif any(a <= m.start() < b for a, b in asides):
            tier = 3
        else:
            tier = 0
        reference = bool(_PER_BEFORE.search(before) or _BASELINE_BEFORE.search(before)
                         or (has_to and _FROM_BEFORE.search(before)))
        nxt = found[i + 1] if i + 1 < len(found) else None
        rate = nxt is not None and bool(_PER_BEFORE.search(masked[m.end() : nxt.start()]))
        figures.append(_Figure(m.start(), _value(m, text, decimal_comma), m.group().strip(), unit, tier, reference, rate))
    return figures


def _value(m: re.Match[str], text: str, decimal_comma: bool) -> float:
    digits = m.group("num").replace(" ", "")
    digits = digits.replace(".", "").replace(",", ".") if decimal_comma else digits.replace(",", "")
    try:
        number = Decimal(digits) * Decimal(10) ** int((m.group("exp") or "e0")[1:])
    except InvalidOperation as exc:  # pragma: no cover - the pattern only lets digits through
        raise MeasureParseError(f"'{_shown(text)}' has a number we cannot read") from exc
    mult = (m.group("mult") or "").lower()
    if mult not in ("m", "mn") or m.group("cur"):  # "£5m" is millions; a bare "5m" may be minutes or metres
        number *= _MULTIPLIERS.get(mult, 1)
    return _finite(-number if m.group("sign") else number, text)


def _check_after_number(text: str, masked: str, end: int, number: str, decimal_comma: bool) -> None:
    """A point or comma straight after a number and before a digit means the number is malformed."""
    follows = masked[end : end + 2]
    if re.match(r"e[+-]?\d{4}", masked[end : end + 6], re.I):
        raise MeasureParseError(f"'{_shown(text)}' has an exponent too large for any figure")
    if len(follows) < 2 or follows[0] not in ".," or not follows[1].isdigit():
        return
    point = "," if decimal_comma else "."
    if follows[0] == point and point in number:
        raise MeasureParseError(f"'{_shown(text)}' has a number with more than one decimal "
                                f"{'comma' if decimal_comma else 'point'}; write it as e.g. "
                                f"{'1.234,5' if decimal_comma else '1,234.5'}")
    raise MeasureParseError(f"'{_shown(text)}' has a number whose digits are grouped oddly: "
                            f"{'points' if decimal_comma else 'commas'} go between groups of three digits; write it "
                            f"as e.g. {'1.234' if decimal_comma else '1,234'} or 1234")


def _shown(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
