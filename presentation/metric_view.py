"""Metrics as a board reads them: each one's latest value against target, periods named in words, and the date axis
the SPC charts (presentation.spc_view) draw."""

from __future__ import annotations

import re
from datetime import date

import pandas as pd

from presentation.rag_view import MISSING, WORDS
from presentation.vega import date_axis

SHORT_SPAN_DAYS = 120  # under about four months, monthly ticks would leave the axis bare or say one month thrice
MONTH_DAYS, QUARTER_DAYS = 28, 80  # the shortest month; a quarter less the odd short month


def time_axis(periods) -> dict:
    """A date axis (Vega-Lite's ``axis``) that names each tick once and ticks as often as the data come: weeks, with
    the day, for weekly points over a short span (monthly labels on weekly points said "Apr 2018" three times);
    months for monthly points (weekly ticks between three monthly points named days no value is for); quarters for
    quarterly or yearly points, whose months between would be bare ticks."""
    starts = pd.to_datetime(pd.Series(list(periods)), errors="coerce").dropna().sort_values()
    span = (starts.max() - starts.min()).days if len(starts) else 0
    gap = starts.diff().dt.days.median() if len(starts) > 1 else 0
    if span < SHORT_SPAN_DAYS and gap < MONTH_DAYS:
        return date_axis("week")
    return date_axis("quarter" if gap >= QUARTER_DAYS else "month")


def better_when(direction: pd.Series) -> pd.Series:
    """A metric's stored direction in words, as every table writes it: "Higher", "Lower", "Not stated"."""
    return direction.map({"higher": "Higher", "lower": "Lower"}).fillna("Not stated")


# A metric's stored unit in words, as every table, chart axis and the pack write it; a unit the loader does not know
# is kept as the lead wrote it.
UNIT_WORDS = {"percent": "Per cent (%)", "gbp": "Pounds (£)", "days": "Days", "minutes": "Minutes", "rate": "Rate",
              "count": "Number"}


def unit_words(unit: object) -> str:
    """"Per cent (%)" for "percent"; "" when no unit is known."""
    if unit is None or (isinstance(unit, float) and pd.isna(unit)):
        return ""
    text = str(unit)
    return UNIT_WORDS.get(text, text)


def units_in_words(units: pd.Series) -> pd.Series:
    return units.map(unit_words)


def with_unit(value: float, unit: object) -> str:
    """A value as a board reads it beside its unit's sign: "70%", "£1,200", or "25" for a count or rate. ``unit`` is
    the stored code or its words."""
    if unit in ("percent", UNIT_WORDS["percent"]):
        return f"{value:g}%"
    if unit in ("gbp", UNIT_WORDS["gbp"]):
        return f"£{value:,.0f}"
    return f"{value:g}"


_MONTHS = ("January", "February", "March", "April", "May", "June", "July", "August", "September", "October",
           "November", "December")
NO_PERIOD = "No period"  # as the change log says it (presentation.changes_view)


def month_words(d: date) -> str:
    """"March 2017": a month as the SPC readings, the schedule and the tables name it."""
    return f"{_MONTHS[d.month - 1]} {d.year}"


def _day_words(d: date) -> str:
    return f"{d.day} {_MONTHS[d.month - 1][:3]} {d.year}"  # "2 Jul 2018", as the tables' date columns write a day


_YEAR_PART = re.compile(r"(\d{4})-(\d{2})")  # "2018-07" (a month) or "2016-17" (a financial year)
_QUARTER = re.compile(r"(\d{4})-(\d{2}) Q([1-4])")
_DAY = re.compile(r"(\d{4})-(\d{2})-(\d{2})")


def period_words(label: object, start: object = None) -> str:
    """A stored period label (loaders.periods: "2018-07", "2016-17 Q2", "2016-17", "2018-07-02", "A to B") in words:
    "July 2018", "Q2 2016-17 (Jul–Sep 2016)", "Financial year 2016-17", "2 Jul 2018". ``start``, the period's first
    day, tells December 2011 ("2011-12") from the financial year 2011-12. A label of no known form shows as written;
    no period at all as "No period"."""
    if not isinstance(label, str) or not label.strip():
        return NO_PERIOD
    text = label.strip()
    if " to " in text:
        return " to ".join(period_words(part) for part in text.split(" to ", 1))
    if m := _QUARTER.fullmatch(text):
        q = int(m[3])
        first = 3 * q  # Q1 starts in April (month index 3); Q4 in January of the next year
        year = int(m[1]) + (first // 12)
        return f"Q{q} {text[:7]} ({_MONTHS[first % 12][:3]}–{_MONTHS[first % 12 + 2][:3]} {year})"
    if m := _YEAR_PART.fullmatch(text):
        year, part = int(m[1]), int(m[2])
        financial = part == (year + 1) % 100
        if financial and part <= 12 and start is not None and not pd.isna(start):
            financial = pd.Timestamp(start).month != part  # "2011-12" that starts in December is a month
        if financial:
            return f"Financial year {text}"
        if 1 <= part <= 12:
            return month_words(date(year, part, 1))
    if m := _DAY.fullmatch(text):
        try:
            return _day_words(date(int(m[1]), int(m[2]), int(m[3])))
        except ValueError:
            return text
    return text


def latest_table(latest: pd.DataFrame) -> pd.DataFrame:
    """The latest value of each metric in each locality (``registers.latest_metrics``), as the board reads it."""
    return pd.DataFrame({
        "RAG": latest["rag"].map(WORDS).fillna("Not rated"), "Metric": latest["name"],
        "Locality": latest["locality"].fillna(""), "Period": [period_words(p, s) for p, s in zip(latest["period"], latest["period_start"], strict=True)], "Target": latest["target"],
        "Latest": latest["actual"], "Unit": units_in_words(latest["unit"]),
        "Better when": better_when(latest["direction"]),
    })


def latest_summary(latest: pd.DataFrame, name: str) -> str:
    """'Red in 2 of 6 localities, Green in 4' or 'Green' for a metric's latest values."""
    rows = latest[latest["Metric"] == name]
    if len(rows) == 1:
        return rows["RAG"].iloc[0]
    counts = rows["RAG"].value_counts()
    parts = [f"{rag} in {int(counts[rag])}" for rag in ("Red", "Amber", "Green", "Not rated") if rag in counts]
    return f"{', '.join(parts)} of {len(rows)} localities"


MAX_COLUMNS = 4  # beside the row names: at 1024 px a fifth wrapped column leaves a word a line


def by_place(latest: pd.DataFrame, said: list[str]) -> list[pd.DataFrame]:
    """Each metric's latest value in each place ("25 (Green)", and its period; ``said`` is each row's SPC or RAG verdict in words),
    laid out to read without scrolling sideways: the longer list down the side (places, as in the RAG table above,
    unless there are more metrics than places) and the shorter across, in tables of at most MAX_COLUMNS columns."""
    # Which period each value is: in the metric's name when every place's latest is the same period ("…, March
    # 2019"), else in each cell.
    periods = latest.groupby("Metric", sort=False)["Period"].nunique()
    same = {m for m, n in periods.items() if n == 1}
    cells = latest.assign(
        cell=[(f"{with_unit(v, u)} ({w})" + ("" if m in same or not p else f", {p}")) if pd.notna(v) else MISSING
              for v, u, w, m, p in zip(latest["Latest"], latest["Unit"], said, latest["Metric"], latest["Period"],
                                       strict=True)],
        Metric=[f"{m}, {p}" if m in same and p else m for m, p in zip(latest["Metric"], latest["Period"], strict=True)])
    metrics, places = list(dict.fromkeys(cells["Metric"])), sorted(set(cells["Locality"]))
    down, across, names = ("Locality", "Metric", metrics) if len(metrics) <= len(places) else \
        ("Metric", "Locality", places)
    wide = cells.pivot_table(index=down, columns=across, values="cell", aggfunc="first")
    wide = wide.reindex(columns=names).fillna(MISSING)
    return [wide[names[i:i + MAX_COLUMNS]].rename_axis(columns=None).reset_index()
            for i in range(0, len(names), MAX_COLUMNS)]
