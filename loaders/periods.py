"""Reporting periods for budgets and metrics: financial years, quarters and months.

A period has a canonical label ("2016-17", "2016-17 Q2", "2016-07") so that "16/17 Q2" in one
tracker and "Q2 2016/17" in the next are the same period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from loaders.dates import DateParseError, ParsedDate, parse_date
from loaders.text import clean_text


@dataclass(frozen=True)
class Period:
    label: str
    period_type: str  # year, quarter, month, day, none
    start: date | None
    end: date | None


NO_PERIOD = Period("", "none", None, None)


def fy_label(start_year: int) -> str:
    return f"{start_year}-{(start_year + 1) % 100:02d}"


def period_from_parsed(parsed: ParsedDate) -> Period:
    start, end = parsed.start, parsed.end
    if start is None or end is None:
        raise DateParseError("no period")
    if parsed.precision == "year" and start.month == 4 and start.day == 1:
        return Period(fy_label(start.year), "year", start, end)
    if parsed.precision == "year":
        return Period(str(start.year), "year", start, end)
    if parsed.precision == "quarter" and (end.month - start.month) % 12 == 2:
        fy_start = start.year if start.month >= 4 else start.year - 1
        q = ((start.month - 4) % 12) // 3 + 1
        return Period(f"{fy_label(fy_start)} Q{q}", "quarter", start, end)
    if parsed.precision == "month" and (start.year, start.month) == (end.year, end.month):
        return Period(f"{start.year}-{start.month:02d}", "month", start, end)
    if parsed.precision == "day" and start == end:
        return Period(start.isoformat(), "day", start, end)
    return Period(f"{start.isoformat()} to {end.isoformat()}", "range", start, end)


_HEADER_NOISE = re.compile(
    r"\b(financial year|fin year|fy|amount|budget|allocation|allocated|plan|planned|forecast|outturn|actual|"
    r"actuals|spend|spent|expenditure|target|funding|cost|costs|value|£k|£m|£|k)\b|[()£:]",
    re.IGNORECASE,
)


@lru_cache(maxsize=4096)
def period_in_header(header: str) -> Period | None:
    """The period a column header names, if any: '08/09 financial year £', '16/17 Q2', 'Amount 2016-17'."""
    text = clean_text(header).replace("\n", " ")
    stripped = " ".join(_HEADER_NOISE.sub(" ", text).split()).strip(" -/+")
    if not stripped or not re.search(r"\d", stripped):
        return None
    try:
        parsed = parse_date(stripped)
    except DateParseError:
        return None
    if parsed.is_blank or parsed.qualifier in ("from_text",):
        return None
    if parsed.precision == "day":
        # A real date as a column header (Excel turned "Mar-16" into 1 March 2016): a month column.
        parsed = ParsedDate(*_month_bounds(parsed.start), "month")
    return period_from_parsed(parsed)


def period_in_cell(value: object, *, month_first: bool = False) -> Period:
    """A period written in a cell of a 'Period' column; raises DateParseError when unreadable.

    Typed dates share the text limits (1900-2100); ``month_first`` is for a column written 07/14/2023.
    """
    parsed = parse_date(value, month_first=month_first)
    if parsed.is_blank:
        return NO_PERIOD
    if parsed.precision == "day" and not isinstance(value, str):
        parsed = ParsedDate(*_month_bounds(parsed.start), "month")
    return period_from_parsed(parsed)


def _month_bounds(d: date) -> tuple[date, date]:
    import calendar

    return date(d.year, d.month, 1), date(d.year, d.month, calendar.monthrange(d.year, d.month)[1])
