"""Dates as board trackers write them, read day first (UK): "10/5/16" is 10 May 2016.

A column whose dates can only be month first ("07-14-2023", "1/15/2022") is read month first when the
caller says so (``month_first=True``); ``date_order`` tells from a column's values which reading fits.

``parse_date`` turns a cell into a ``ParsedDate``: a first and last day, the precision the writer
gave (day, month, quarter, year) and a qualifier ("by", "ongoing", "tbc", ...). A start column
takes the first day; a due column takes the last ("March 2017" is due by 31 March 2017).
Anything it cannot read raises ``DateParseError``; the caller keeps the raw text and warns.
"""

from __future__ import annotations

import calendar
import difflib
import math
import re
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from decimal import Decimal
from functools import lru_cache

from loaders.money import FORMULA_ERROR
from loaders.text import clean_text

EXCEL_EPOCH = date(1899, 12, 30)


class DateParseError(ValueError):
    """A cell that holds no date we can read."""


@dataclass(frozen=True)
class ParsedDate:
    start: date | None
    end: date | None
    precision: str | None  # day, month, quarter, year
    qualifier: str | None = None  # by, ongoing, tbc, as_required, from_text, range

    @property
    def is_blank(self) -> bool:
        return self.start is None and self.end is None



MONTHS = {name.lower(): i for i, name in enumerate(calendar.month_name) if name}
MONTHS.update({name.lower(): i for i, name in enumerate(calendar.month_abbr) if name})
MONTHS["sept"] = 9
_MONTH_NAMES = list(MONTHS)

SEASONS = {"spring": (3, 5), "summer": (6, 8), "autumn": (9, 11), "fall": (9, 11), "winter": (12, 2)}

# Cells that say "no date" on purpose. The value is the qualifier recorded.
NO_DATE = {
    "tbc": "tbc", "tba": "tbc", "tbd": "tbc", "to be confirmed": "tbc", "to be agreed": "tbc",
    "to be determined": "tbc", "not yet known": "tbc", "unknown": "tbc",
    "n/a": "n/a", "na": "n/a", "not applicable": "n/a", "-": "n/a", "–": "n/a", "—": "n/a", "none": "n/a",
    "ongoing": "ongoing", "on going": "ongoing", "continuous": "ongoing", "continuing": "ongoing", "ongoing.": "ongoing",
}
# Text that names no date and needs a person to look at it.
_VAGUE = re.compile(r"\b(as required|as needed|when required|if required|various|tba|annually|quarterly|monthly)\b")

_ORDINAL = re.compile(r"(\d)\s*(st|nd|rd|th)\b")
_QUAL_BY = re.compile(r"^(by the end of|by end of|by end|by|before|no later than|end of|deadline|due|w/c|week commencing|"
                      r"from)\s+")
_QUAL_ONGOING = re.compile(r"\(?\s*(and ongoing|& ongoing|onwards|and beyond|ongoing)\s*\)?\.?$")
_SEP_RANGE = re.compile(r"\s*(?:\bto\b|\buntil\b|\band\b|–|—|-)\s*")

_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})(?:[ t]\d{1,2}:\d{2}(?::\d{2})?)?$")
_DMY = re.compile(r"^(\d{1,2})\s*[/.\-]\s*(\d{1,2})\s*[/.\-]\s*(\d{2}|\d{4})$")
_D_MON_Y = re.compile(r"^(\d{1,2})[\s\-/.]*([a-z]+)\.?[\s\-/.,']*(\d{2}|\d{4})$")
_MON_D_Y = re.compile(r"^([a-z]+)\.?\s+(\d{1,2}),?\s+(\d{4})$")
_MON_Y = re.compile(r"^([a-z]+)\.?[\s\-/.,']*'?(\d{2}|\d{4})$")
_Y_MON = re.compile(r"^(\d{4})[\s\-/]*([a-z]+)$")
_FYQ = re.compile(r"^q([1-4])\s*[-/ ]?\s*(?:fy\s*)?(\d{2}|\d{4})\s*[/\-]\s*(\d{2}|\d{4})$")
_FYQ2 = re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*[/\-]\s*(\d{2}|\d{4})\s*[-,]?\s*q([1-4])$")
_CALQ = re.compile(r"^q([1-4])\s*[-/ ]?\s*(\d{4})$")
_FY = re.compile(r"^(?:fy\s*)?(\d{2}|\d{4})\s*[/\-]\s*(\d{1,2}|\d{4})\+?(?:\s*financial year)?$")
_YEAR = re.compile(r"^(19\d{2}|20\d{2})$")
_SEASON = re.compile(r"^(spring|summer|autumn|fall|winter)\s+(\d{4}|\d{2})(?:\s*[/\-]\s*(\d{2}|\d{4}))?$")
_FIND_MONTH_YEAR = re.compile(r"\b([a-z]{3,9})\.?\s*'?(\d{4}|\d{2})\b")
_FIND_DMY = re.compile(r"\b(\d{1,2})\s*[/.]\s*(\d{1,2})\s*[/.]\s*(\d{2}|\d{4})\b")


def _year(y: str | int) -> int:
    y = int(y)
    return 2000 + y if y < 100 else y


def _month(word: str) -> int | None:
    word = word.lower().rstrip(".")
    if word in MONTHS:
        return MONTHS[word]
    if len(word) >= 4:
        match = difflib.get_close_matches(word, _MONTH_NAMES, n=1, cutoff=0.75)
        if match:
            return MONTHS[match[0]]
    return None


def _month_range(y: int, m: int) -> tuple[date, date]:
    return date(y, m, 1), date(y, m, calendar.monthrange(y, m)[1])


def _fy_start_year(a: str, b: str) -> int | None:
    """'2016', '17' -> 2016 when the two name consecutive years (a financial year)."""
    ya = _year(a)
    yb = int(b)
    if yb < 100:
        yb = (ya // 100) * 100 + yb
        if yb < ya:  # 1999/00
            yb += 100
    if yb == ya + 1 or (len(b) == 1 and (ya + 1) % 10 == yb % 10):
        return ya
    return None


def fy_quarter(start_year: int, q: int) -> tuple[date, date]:
    """Financial quarter q (1 = April-June) of the year starting April ``start_year``."""
    first_month = 4 + 3 * (q - 1)
    y = start_year + (first_month - 1) // 12
    m = (first_month - 1) % 12 + 1
    start = date(y, m, 1)
    end_m = m + 2
    return start, date(y, end_m, calendar.monthrange(y, end_m)[1])


def from_excel_serial(value: float) -> date:
    return EXCEL_EPOCH + timedelta(days=int(value))


MIN_YEAR, MAX_YEAR = 1900, 2100


def parse_date(value: object, *, month_first: bool = False) -> ParsedDate:
    """Read one cell. Blank cells give an empty ``ParsedDate``; unreadable ones raise ``DateParseError``.

    Typed dates, spreadsheet serial numbers and text all share the 1900-2100 limits: a year outside them is
    a typo, not a plan. ``month_first`` reads "07/14/2023" as 14 July 2023 (for a column written that way).
    """
    if value is None:
        return ParsedDate(None, None, None)
    if isinstance(value, datetime):
        return _typed(value.date())
    if isinstance(value, date):
        return _typed(value)
    if isinstance(value, bool):
        raise DateParseError(f"{value} is not a date")
    if isinstance(value, (int, float, Decimal)):
        return _parse_number(value)
    return _parse_text(str(value), month_first)


def _short(text: str, limit: int = 40) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _typed(d: date) -> ParsedDate:
    if not MIN_YEAR <= d.year <= MAX_YEAR:
        raise DateParseError(f"'{d.day} {calendar.month_name[d.month]} {d.year}' gives the year {d.year}, which "
                             "cannot be right (dates run from 1900 to 2100)")
    return ParsedDate(d, d, "day")


def _parse_number(value: int | float | Decimal) -> ParsedDate:
    try:
        x = float(value)
    except (OverflowError, ValueError):
        x = math.inf
    if math.isfinite(x) or isinstance(value, float):
        shown = f"{x:g}"
    elif isinstance(value, int) and value.bit_length() > 1000:  # str() refuses ints over 4,300 digits
        shown = f"of about {int(value.bit_length() * 0.30103)} digits"
    else:
        shown = _short(str(value))
    if x.is_integer() and MIN_YEAR <= x <= MAX_YEAR:
        y = int(x)
        return ParsedDate(date(y, 1, 1), date(y, 12, 31), "year")
    if 10_000 <= x <= 80_000:
        d = from_excel_serial(x)
        if not MIN_YEAR <= d.year <= MAX_YEAR:
            raise DateParseError(f"the number {shown} is a spreadsheet date in {d.year}, which cannot be right")
        return ParsedDate(d, d, "day")
    raise DateParseError(f"the number {shown} is not a date")


@lru_cache(maxsize=16384)
def _parse_text(raw: str, month_first: bool = False) -> ParsedDate:
    """Read a text cell; any date outside 1900-2100 is an error (it is a typo, not a plan)."""
    try:
        parsed = _parse_text_unchecked(raw, month_first)
    except DateParseError:
        raise
    except (ValueError, OverflowError) as exc:
        raise DateParseError(f"'{clean_text(raw)}' is not a date we can read") from exc
    for d in (parsed.start, parsed.end):
        if d is not None and not MIN_YEAR <= d.year <= MAX_YEAR:
            raise DateParseError(f"'{clean_text(raw)}' gives the year {d.year}, which cannot be right")
    return parsed


def _parse_text_unchecked(raw: str, month_first: bool) -> ParsedDate:
    s = clean_text(raw).lower().replace("\n", " ").strip()
    s = s.replace("–", "-").replace("—", "-").replace("’", "'")
    s = " ".join(s.split())
    if not s:
        return ParsedDate(None, None, None)
    if s in NO_DATE:
        return ParsedDate(None, None, None, NO_DATE[s])
    if FORMULA_ERROR.match(s):
        raise DateParseError(f"'{clean_text(raw)}' is a formula error saved in the spreadsheet, not a date; mend the "
                             "formula (or type the date) and save the file again")
    if re.fullmatch(r"\d+(\.\d+)?", s):
        return _parse_number(float(s))
    s = _ORDINAL.sub(r"\1", s)

    qualifier = None
    m = _QUAL_ONGOING.search(s)
    if m and m.start() > 0:
        s = s[: m.start()].strip()
        qualifier = "ongoing"
    m = _QUAL_BY.match(s)
    if m:
        s = s[m.end() :].strip()
        qualifier = "from" if m.group(1) == "from" else "by"

    single = _parse_single(s, month_first)
    if single is not None:
        return ParsedDate(single.start, single.end, single.precision, qualifier or single.qualifier)

    ranged = _parse_range(s, month_first)
    if ranged is not None:
        return ParsedDate(ranged.start, ranged.end, ranged.precision, qualifier or "range")

    if _VAGUE.search(s):
        raise DateParseError(f"'{clean_text(raw)}' names no date")
    found = _find_in_text(s, month_first)
    if found is not None:
        return ParsedDate(found.start, found.end, found.precision, "from_text")
    raise DateParseError(f"'{clean_text(raw)}' is not a date we can read")


def _parse_single(s: str, month_first: bool = False) -> ParsedDate | None:  # noqa: C901 - one rule per idiom
    if m := _ISO.match(s):
        return _day(int(m.group(1)), int(m.group(2)), int(m.group(3)))
    if m := _DMY.match(s):
        return _numeric_day(m, month_first)
    if m := _D_MON_Y.match(s):
        month = _month(m.group(2))
        if month:
            return _day(_year(m.group(3)), month, int(m.group(1)))
    if m := _MON_D_Y.match(s):
        month = _month(m.group(1))
        if month:
            return _day(int(m.group(3)), month, int(m.group(2)))
    if m := _FYQ.match(s):
        start_year = _fy_start_year(m.group(2), m.group(3))
        if start_year:
            a, b = fy_quarter(start_year, int(m.group(1)))
            return ParsedDate(a, b, "quarter")
    if m := _FYQ2.match(s):
        start_year = _fy_start_year(m.group(1), m.group(2))
        if start_year:
            a, b = fy_quarter(start_year, int(m.group(3)))
            return ParsedDate(a, b, "quarter")
    if m := _CALQ.match(s):
        y, q = int(m.group(2)), int(m.group(1))
        a = date(y, 3 * q - 2, 1)
        return ParsedDate(a, _month_range(y, 3 * q)[1], "quarter")
    if m := _FY.match(s):
        start_year = _fy_start_year(m.group(1), m.group(2))
        if start_year:
            return ParsedDate(date(start_year, 4, 1), date(start_year + 1, 3, 31), "year")
    if m := _YEAR.match(s):
        y = int(m.group(1))
        return ParsedDate(date(y, 1, 1), date(y, 12, 31), "year")
    if m := _MON_Y.match(s):
        month = _month(m.group(1))
        if month:
            a, b = _month_range(_year(m.group(2)), month)
            return ParsedDate(a, b, "month")
    if m := _Y_MON.match(s):
        month = _month(m.group(2))
        if month:
            a, b = _month_range(int(m.group(1)), month)
            return ParsedDate(a, b, "month")
    if m := _SEASON.match(s):
        first, last = SEASONS[m.group(1)]
        y = _year(m.group(2))
        end_year = y + 1 if first > last else y
        return ParsedDate(date(y, first, 1), _month_range(end_year, last)[1], "quarter")
    return None


def _day(y: int, m: int, d: int) -> ParsedDate | None:
    try:
        value = date(y, m, d)
    except ValueError as exc:
        raise DateParseError(f"{d}/{m}/{y} is not a real date (dates are read day first; a column written month "
                             "first, like 07/14/2023, can be read month first)") from exc
    return ParsedDate(value, value, "day")


def _numeric_day(m: re.Match[str], month_first: bool) -> ParsedDate | None:
    """'10/5/16' from a match of (first, second, year): day first, or month first when the column is."""
    first, second, y = int(m.group(1)), int(m.group(2)), _year(m.group(3))
    if not month_first:
        return _day(y, second, first)
    try:
        value = date(y, first, second)
    except ValueError as exc:
        raise DateParseError(f"{first}/{second}/{y} is not a real date (this column is read month first, "
                             "as in 07/14/2023)") from exc
    return ParsedDate(value, value, "day")


def _parse_range(s: str, month_first: bool = False) -> ParsedDate | None:
    """'Feb/Mar 18', 'Feb - Aug 18', 'Apr 18 - Mar 19', 'Sept 2011-March 2012'."""
    parts = [p for p in _SEP_RANGE.split(s) if p]
    if len(parts) != 2:
        month_pair = re.match(r"^([a-z]+)\s*/\s*([a-z]+)\.?\s*'?(\d{2}|\d{4})$", s)
        if not month_pair:
            return None
        parts = [f"{month_pair.group(1)} {month_pair.group(3)}", f"{month_pair.group(2)} {month_pair.group(3)}"]
    left, right = parts
    right_date = _parse_single(right, month_first)
    if right_date is None:
        return None
    left_date = _parse_single(left, month_first)
    if left_date is None and right_date.end is not None:
        # "Feb - Aug 18": the left side borrows the right side's year.
        month = _month(left.strip(" ./"))
        if month is None:
            return None
        y = right_date.end.year - (1 if month > right_date.end.month else 0)
        left_date = ParsedDate(*_month_range(y, month), "month")
    if left_date is None or left_date.start is None or right_date.end is None:
        return None
    if left_date.start > right_date.end:
        return None
    precision = right_date.precision if right_date.precision == left_date.precision else "month"
    return ParsedDate(left_date.start, right_date.end, precision)


def _find_in_text(s: str, month_first: bool = False) -> ParsedDate | None:
    if m := _FIND_DMY.search(s):
        try:
            return _numeric_day(m, month_first)
        except DateParseError:
            return None
    for m in _FIND_MONTH_YEAR.finditer(s):
        word = m.group(1)
        if word not in MONTHS or (word == "may" and len(m.group(2)) != 4):
            continue  # no fuzzy matching inside prose, and "may" is usually the verb
        a, b = _month_range(_year(m.group(2)), MONTHS[word])
        return ParsedDate(a, b, "month")
    return None


_NUMERIC_DATE = re.compile(r"\b(\d{1,2})\s*([/.\-])\s*(\d{1,2})\s*\2\s*(?:\d{4}|\d{2})\b")


def date_order(values: list[object]) -> str:
    """How a column writes its numeric dates: "day_first", "month_first" or "either" (nothing tells them apart).

    A value whose first number is over 12 (14/07/2023) can only be day first; one whose second number is
    over 12 (07/14/2023) can only be month first. A column with month-first evidence and no day-first
    evidence is month first. A column with both is read day first (the UK default), so that the cells that
    do not fit are refused by name rather than the whole column being guessed.
    """
    day_first = month_first = False
    for value in values:
        if not isinstance(value, str):
            continue  # typed dates and serial numbers carry no order
        for m in _NUMERIC_DATE.finditer(clean_text(value)):
            first, second = int(m.group(1)), int(m.group(3))
            if first > 12 and second <= 12:
                day_first = True
            elif second > 12 and first <= 12:
                month_first = True
    if month_first and not day_first:
        return "month_first"
    if day_first:
        return "day_first"
    return "either"


def describe(parsed: ParsedDate) -> str:
    """How a parsed date reads back to a person: '10 May 2016', 'March 2017', 'Q3 2016-17', '2016-17'."""
    if parsed.is_blank:
        return parsed.qualifier or ""
    end = parsed.end
    if parsed.precision == "day":
        return f"{end.day} {calendar.month_name[end.month]} {end.year}"
    if parsed.precision == "month" and parsed.start and (parsed.start.year, parsed.start.month) == (end.year, end.month):
        return f"{calendar.month_name[end.month]} {end.year}"
    return f"{parsed.start.isoformat()} to {end.isoformat()}"


def format_date(parsed: ParsedDate) -> str:
    """Canonical text for a parsed date, in the idioms boards use; parse_date reads it back the same."""
    start, end = parsed.start, parsed.end
    if start is None or end is None:
        return "TBC"
    if parsed.precision == "day" and start == end:
        return f"{end.day} {calendar.month_name[end.month]} {end.year}"
    whole_months = start.day == 1 and end.day == calendar.monthrange(end.year, end.month)[1]
    if parsed.precision == "month" and whole_months and (start.year, start.month) == (end.year, end.month):
        return f"{calendar.month_abbr[end.month]} {end.year}"
    if parsed.precision == "quarter" and whole_months and (end.month - start.month) % 12 == 2:
        if start.month in (4, 7, 10, 1):
            fy = start.year if start.month >= 4 else start.year - 1
            return f"Q{((start.month - 4) % 12) // 3 + 1} {fy}/{(fy + 1) % 100:02d}"
    if parsed.precision == "year" and (start.month, start.day, end.month, end.day) == (4, 1, 3, 31):
        return f"{start.year}-{end.year % 100:02d}"
    if parsed.precision == "year" and (start.month, start.day, end.month, end.day) == (1, 1, 12, 31):
        return str(start.year)
    if whole_months:
        return f"{calendar.month_abbr[start.month]} {start.year} to {calendar.month_abbr[end.month]} {end.year}"
    return (f"{start.day} {calendar.month_name[start.month]} {start.year} to "
            f"{end.day} {calendar.month_name[end.month]} {end.year}")
