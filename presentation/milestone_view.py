"""The milestone timeline: planned (baseline) against forecast or actual, with today and the meeting marked."""

from __future__ import annotations

import json
import textwrap
from datetime import date, timedelta

import pandas as pd

from presentation.rag_view import LETTERS, PALETTE, WORDS, legend_spec, status_words
from presentation.vega import SCHEMA, VIEW, PlainChart, date_axis, records

MAX_BARS = 400
LABEL_CHARS = 48  # a title's line on the axis: about 300 px at the axis's 10 px font, leaving the bars room
LINE_HEIGHT = 13  # the axis font is 10-11 px: at 12 the lines of a four-line title touched


def label_lines(title: object, chars: int = LABEL_CHARS) -> list[str]:
    """A milestone's whole title as the lines of its axis label (Vega draws a list of strings as lines): a label
    cut at the axis's width lost the end of every long title."""
    return textwrap.wrap(str(title or ""), chars, break_long_words=True) or [""]


def timeline(df: pd.DataFrame, today: date, meeting: date | None, *, label_chars: int = LABEL_CHARS,
             width: int | None = None) -> PlainChart:
    """One bar per dated milestone, from its start (or a month before its due date) to its due or completion date,
    coloured by RAG and lettered after its end (R, A, G, N: RAG never by colour alone); a tick marks the baseline date
    where it differs.

    Plain Vega-Lite (presentation.vega): the board pack prints one per workstream, on a landscape page, so it asks
    for a wider chart (``width`` px of bars, titles wrapped at ``label_chars``) whose rows take fewer lines."""
    # In date order, whatever the tracker's (sub-workstreams interleave their dates): a timeline reads down the page.
    dated = df[df["due"].notna()].sort_values("due", kind="stable").head(MAX_BARS).copy()
    dated["bar_start"] = dated["start"].fillna(dated["due"] - pd.Timedelta(days=30))
    dated["bar_end"] = dated["completed"].fillna(dated["due"])
    dated["status_words"] = dated["rag"].map(WORDS).fillna("Not rated")
    dated["rag_letter"] = dated["status_words"].map(LETTERS)
    stated = dated["reported_rag"] if "reported_rag" in dated else pd.Series(None, index=dated.index, dtype=object)
    dated["stated_words"] = stated.map(WORDS).fillna("—")  # the lead's own RAG, which the rule does not follow
    wrapped = dated["title"].map(lambda title: label_lines(title, label_chars))  # whole, over the lines it needs
    lines = max((len(label) for label in wrapped), default=1)
    dated["label"] = [_centred(label, lines) for label in wrapped]
    order = ["Red", "Amber", "Green", "Not rated"]
    # The legend above the bars, not beside them: at 1024 px a side legend left the bars a sliver of the width.
    colour = {"field": "status_words", "type": "nominal", "sort": order, "legend": {**legend_spec("top"), "columns": 2},
              "scale": {"domain": order, "range": [PALETTE[k] for k in ("red", "amber", "green", "unrated")]}}
    dated["row"] = range(len(dated))  # one row per milestone, even when two share a title
    y = {"field": "row", "type": "ordinal", "title": None, "sort": None,
         "axis": {"labelExpr": _label_expr(dated["label"]), "labelLimit": 0, "labelOverlap": False,
                  "labelLineHeight": LINE_HEIGHT, "labelOffset": -(lines - 1) * LINE_HEIGHT / 2}}
    height = max(120, max(24, LINE_HEIGHT * lines + 16) * len(dated))  # each row fits the longest label, and a gap
    lo, hi = span(dated)
    summary = timeline_summary(dated)
    # Only what the marks and tooltips use goes into the chart's data: the browser parses every column sent.
    dated = dated[["row", "bar_start", "bar_end", "status_words", "rag_letter", "stated_words", "title", "workstream",
                   "owner", "due", "baseline_due", "slippage_days"]]
    scale = {"domain": [lo.isoformat(), hi.isoformat()]}
    day = "%d %b %Y"

    def when(field: str, title: str) -> dict:
        return {"field": field, "type": "temporal", "title": title, "format": day}

    bars = {"data": {"name": "bars"}, "mark": {"type": "bar", "cornerRadius": 2, "clip": True}, "encoding": {
        "x": {"field": "bar_start", "type": "temporal", "title": None, "axis": span_axis(lo, hi), "scale": scale},
        "x2": {"field": "bar_end"}, "y": y, "color": colour,
        "tooltip": [{"field": "title", "type": "nominal", "title": "Milestone"},
                    {"field": "workstream", "type": "nominal", "title": "Workstream"},
                    {"field": "owner", "type": "nominal", "title": "Owner"}, when("due", "Due"),
                    when("baseline_due", "Baseline"),
                    {"field": "slippage_days", "type": "quantitative", "title": "Slippage (days)"},
                    {"field": "status_words", "type": "nominal", "title": "RAG (rule)"},
                    {"field": "stated_words", "type": "nominal", "title": "Lead's RAG"}]}}
    letters = {"data": {"name": "bars"}, "mark": {"type": "text", "align": "left", "dx": 4, "fontSize": 10,
                                                  "fontWeight": "bold", "color": "#222222"}, "encoding": {
        "x": {"field": "bar_end", "type": "temporal", "scale": scale}, "y": y,
        "text": {"field": "rag_letter", "type": "nominal"},
        "tooltip": [{"field": "title", "type": "nominal", "title": "Milestone"},
                    {"field": "status_words", "type": "nominal", "title": "RAG (rule)"}]}}
    layers, datasets = [bars, letters], {"bars": records(dated)}
    slipped = dated[dated["baseline_due"].notna() & (dated["baseline_due"] != dated["due"])]
    if not slipped.empty:
        datasets["slipped"] = records(slipped)
        layers.append({"data": {"name": "slipped"}, "mark": {"type": "tick", "thickness": 2, "size": 16,
                                                             "color": "#333"}, "encoding": {
            "x": {"field": "baseline_due", "type": "temporal"}, "y": y,
            "tooltip": [when("baseline_due", "Baseline")]}})
    marks = _marks(today, meeting, lo, hi)
    if marks:
        datasets["marks"] = [{"when": m["when"].isoformat(), "what": m["what"]} for m in marks]
        layers.append({"data": {"name": "marks"}, "mark": {"type": "rule", "strokeDash": [4, 3], "color": "#444"},
                       "encoding": {"x": {"field": "when", "type": "temporal", "scale": scale},
                                    "tooltip": [{"field": "what", "type": "nominal"},
                                                {"field": "when", "type": "temporal", "format": day}]}})
        layers.append({"data": {"name": "marks"}, "mark": {"type": "text", "align": "left", "dx": 3, "dy": -6,
                                                           "color": "#444"},
                       "encoding": {"x": {"field": "when", "type": "temporal", "scale": scale}, "y": {"value": 0},
                                    "text": {"field": "what", "type": "nominal"}}})
    # ``height`` is the bars' own: on a page the chart fills the column's width, but Streamlit's theme sizes a chart
    # whole ("fit"), so a timeline of two or three rows lost most of its height to the legend and the axis.
    sized = {"width": width} if width else {"autosize": {"type": "fit-x", "contains": "padding"}}
    return PlainChart({"$schema": SCHEMA, "config": VIEW, "layer": layers, "datasets": datasets, "height": height,
                       **sized, "description": summary})


def span_axis(lo: date, hi: date) -> dict:
    """A date axis naming each tick once over ``lo`` to ``hi``: weeks (with the day) over a few months, months over
    two years, quarters over six, years beyond. Monthly labels on Vega's own ticks said "Nov 2011" twice."""
    days = (hi - lo).days
    return date_axis("week" if days < 120 else "month" if days < 2 * 366 else "quarter" if days < 6 * 366 else "year")


def timeline_summary(dated: pd.DataFrame) -> str:
    """The timeline as a sentence (its text alternative): how many bars, over which dates, their RAG and slippage."""
    if dated.empty:
        return "Milestone timeline: no dated milestones."
    counts = dated["rag"].map(WORDS).fillna("Not rated").value_counts()
    rags = ", ".join(f"{int(counts[w])} {w.lower()}" for w in ("Red", "Amber", "Green", "Not rated") if w in counts)
    moved = int((dated["baseline_due"].notna() & (dated["baseline_due"] != dated["due"])).sum())
    n = len(dated)
    return (f"Milestone timeline of {n} dated milestone{'s' if n != 1 else ''}, due from "
            f"{pd.Timestamp(dated['due'].min()):%-d %b %Y} to {pd.Timestamp(dated['due'].max()):%-d %b %Y}: {rags}; "
            f"{moved} moved from their baseline date. The table below lists them.")


def span(dated: pd.DataFrame) -> tuple[date, date]:
    """The dates the timeline shows: from the first bar's start to the last bar's end, a fortnight either side,
    so the bars fill the chart whatever the as-at date (a 2016 programme viewed in 2026 still reads)."""
    if dated.empty:
        return date.today() - timedelta(days=30), date.today() + timedelta(days=30)
    starts = pd.concat([dated["start"], dated["due"] - pd.Timedelta(days=30)]).dropna()
    ends = pd.concat([dated["completed"], dated["due"], dated["baseline_due"]]).dropna()
    lo, hi = pd.Timestamp(starts.min()).date(), pd.Timestamp(ends.max()).date()
    return lo - timedelta(days=14), hi + timedelta(days=14)


def outside(df: pd.DataFrame, when: date) -> str | None:
    """Words for where ``when`` (the as-at date) falls when it is off the timeline, else None."""
    dated = df[df["due"].notna()]
    if dated.empty:
        return None
    lo, hi = span(dated)
    if when > hi:
        return f"after the last milestone ({hi - timedelta(days=14):%-d %b %Y})"
    if when < lo:
        return f"before the first milestone starts ({lo + timedelta(days=14):%-d %b %Y})"
    return None


def _marks(today: date, meeting: date | None, lo: date, hi: date) -> list[dict]:
    """The as-at and meeting lines that fall on the timeline (one line when they are the same day)."""
    if meeting is not None and meeting == today:
        marks = [{"when": pd.Timestamp(today), "what": "As at and meeting"}]
    else:
        marks = [{"when": pd.Timestamp(today), "what": "As at"}]
        if meeting is not None:
            marks.append({"when": pd.Timestamp(meeting), "what": "Meeting"})
    return [m for m in marks if lo <= m["when"].date() <= hi]


def _centred(lines: list[str], height: int) -> list[str]:
    """``lines`` padded with blank ones to ``height``, half above and half below: Vega draws a label's first line at
    its tick and the rest below it, so labels of equal height offset by the same amount sit centred on their bars."""
    above = (height - len(lines)) // 2
    return [""] * above + lines + [""] * (height - len(lines) - above)


def _label_expr(labels: pd.Series) -> str:
    """A Vega expression that shows each row's milestone title (its lines) on the axis."""
    return f"{json.dumps(list(labels))}[datum.value]"


def undated_table(df: pd.DataFrame) -> pd.DataFrame:
    undated = df[df["due"].isna()]
    return pd.DataFrame({"Workstream": undated["workstream"], "Milestone": undated["title"], "Owner": undated["owner"],
                         "Due as written": undated["due_raw"].fillna(""), "Status": status_words(undated["status"])})


def window(as_at: date, months_before: int = 6, months_after: int = 12) -> tuple[date, date]:
    return as_at - timedelta(days=30 * months_before), as_at + timedelta(days=30 * months_after)


def due_words(days: object) -> str | None:
    """A milestone's days to its due date in words, for a board member: "12 days overdue", "Due today",
    "Due in 1 day" (a bare "-12" read as a sum to work out). None when there is no due date."""
    if days is None or pd.isna(days):
        return None
    days = int(days)
    if days == 0:
        return "Due today"
    count = f"{abs(days)} day{'s' if abs(days) != 1 else ''}"
    return f"{count} overdue" if days < 0 else f"Due in {count}"
