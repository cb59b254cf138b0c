"""The milestone timeline: planned (baseline) against forecast or actual, with today and the meeting marked."""

from __future__ import annotations

from datetime import date, timedelta

import altair as alt
import pandas as pd

from presentation.rag_view import PALETTE, WORDS, status_words

MAX_BARS = 400


def timeline(df: pd.DataFrame, today: date, meeting: date | None) -> alt.LayerChart:
    """One bar per dated milestone, from its start (or a month before its due date) to its due or completion date,
    coloured by RAG and labelled in words; a tick marks the baseline date where it differs."""
    dated = df[df["due"].notna()].head(MAX_BARS).copy()
    dated["bar_start"] = dated["start"].fillna(dated["due"] - pd.Timedelta(days=30))
    dated["bar_end"] = dated["completed"].fillna(dated["due"])
    dated["status_words"] = dated["rag"].map(WORDS).fillna("Not rated")
    dated["label"] = dated["title"].str.slice(0, 70)
    order = ["Red", "Amber", "Green", "Not rated"]
    colour = alt.Color("status_words:N", title="RAG", sort=order,
                       scale=alt.Scale(domain=order, range=[PALETTE[k] for k in ("red", "amber", "green", "unrated")]))
    dated["row"] = range(len(dated))  # one row per milestone, even when two share a title
    y = alt.Y("row:O", title=None, sort=None,
              axis=alt.Axis(labelExpr=_label_expr(dated["label"]), labelLimit=320, labelOverlap=False))
    height = max(120, 24 * len(dated))
    bars = alt.Chart(dated).mark_bar(cornerRadius=2).encode(
        x=alt.X("bar_start:T", title=None, axis=alt.Axis(format="%b %Y")), x2="bar_end:T", y=y, color=colour,
        tooltip=[alt.Tooltip("title:N", title="Milestone"), alt.Tooltip("workstream:N", title="Workstream"),
                 alt.Tooltip("owner:N", title="Owner"), alt.Tooltip("due:T", title="Due", format="%d %b %Y"),
                 alt.Tooltip("baseline_due:T", title="Baseline", format="%d %b %Y"),
                 alt.Tooltip("slippage_days:Q", title="Slippage (days)"), alt.Tooltip("status_words:N", title="RAG")],
    )
    layers = [bars]
    slipped = dated[dated["baseline_due"].notna() & (dated["baseline_due"] != dated["due"])]
    if not slipped.empty:
        layers.append(alt.Chart(slipped).mark_tick(thickness=2, size=16, color="#333").encode(
            x="baseline_due:T", y=y, tooltip=[alt.Tooltip("baseline_due:T", title="Baseline", format="%d %b %Y")]))
    if meeting is not None and meeting == today:
        marks = pd.DataFrame([{"when": pd.Timestamp(today), "what": "As at and meeting"}])
    else:
        marks = pd.DataFrame([{"when": pd.Timestamp(today), "what": "As at"}]
                             + ([{"when": pd.Timestamp(meeting), "what": "Meeting"}] if meeting else []))
    layers.append(alt.Chart(marks).mark_rule(strokeDash=[4, 3], color="#444").encode(
        x="when:T", tooltip=[alt.Tooltip("what:N"), alt.Tooltip("when:T", format="%d %b %Y")]))
    layers.append(alt.Chart(marks).mark_text(align="left", dx=3, dy=-6, color="#444").encode(
        x="when:T", y=alt.value(0), text="what:N"))
    return alt.layer(*layers).properties(height=height)


def _label_expr(labels: pd.Series) -> str:
    """A Vega expression that shows each row's milestone title on the axis."""
    import json

    return f"{json.dumps(list(labels))}[datum.value]"


def undated_table(df: pd.DataFrame) -> pd.DataFrame:
    undated = df[df["due"].isna()]
    return pd.DataFrame({"Workstream": undated["workstream"], "Milestone": undated["title"], "Owner": undated["owner"],
                         "Due as written": undated["due_raw"].fillna(""), "Status": status_words(undated["status"])})


def window(as_at: date, months_before: int = 6, months_after: int = 12) -> tuple[date, date]:
    return as_at - timedelta(days=30 * months_before), as_at + timedelta(days=30 * months_after)
