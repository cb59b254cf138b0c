"""Run charts: a metric's actuals against its target over time, one line per locality where the data has them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from presentation.rag_view import PALETTE, WORDS


def run_chart(values: pd.DataFrame) -> alt.LayerChart:
    data = values[values["period_start"].notna()].copy()
    data["locality"] = data["locality"].fillna("All")
    data["status"] = data["rag"].map(WORDS).fillna("Not rated")
    order = ["Red", "Amber", "Green", "Not rated"]
    x = alt.X("period_start:T", title=None, axis=alt.Axis(format="%b %Y", tickCount="month", labelOverlap=True))
    several = data["locality"].nunique() > 1
    line = alt.Chart(data).mark_line(color="#0072B2").encode(
        x=x, y=alt.Y("actual:Q", title=values["unit"].iloc[0] or "Value"),
        detail="locality:N", **({"strokeDash": alt.StrokeDash("locality:N", title="Locality")} if several else {}))
    points = alt.Chart(data).mark_point(filled=True, size=80).encode(
        x=x, y="actual:Q", shape=alt.Shape("status:N", title="RAG", sort=order),
        color=alt.Color("status:N", title="RAG", sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE[k] for k in ("red", "amber", "green", "unrated")])),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("locality:N", title="Locality"),
                 alt.Tooltip("actual:Q", title="Actual"), alt.Tooltip("target:Q", title="Target"),
                 alt.Tooltip("status:N", title="RAG")])
    layers = [line, points]
    targets = data[data["target"].notna()]
    if not targets.empty:
        layers.insert(0, alt.Chart(targets).mark_line(strokeDash=[6, 4], color="#444", interpolate="step-after").encode(
            x=x, y="mean(target):Q", tooltip=[alt.Tooltip("mean(target):Q", title="Target")]))
    return alt.layer(*layers).properties(height=240)


def latest_table(latest: pd.DataFrame) -> pd.DataFrame:
    """The latest value of each metric in each locality (``registers.latest_metrics``), as the board reads it."""
    return pd.DataFrame({
        "RAG": latest["rag"].map(WORDS).fillna("Not rated"), "Metric": latest["name"],
        "Locality": latest["locality"].fillna(""), "Period": latest["period"].fillna(""), "Target": latest["target"],
        "Latest": latest["actual"], "Unit": latest["unit"].fillna(""),
        "Better when": latest["direction"].map({"higher": "Higher", "lower": "Lower"}).fillna("Not stated"),
    })


def latest_summary(latest: pd.DataFrame, name: str) -> str:
    """'Red in 2 of 6 localities, Green in 4' or 'Green' for a metric's latest values."""
    rows = latest[latest["Metric"] == name]
    if len(rows) == 1:
        return rows["RAG"].iloc[0]
    counts = rows["RAG"].value_counts()
    parts = [f"{rag} in {int(counts[rag])}" for rag in ("Red", "Amber", "Green", "Not rated") if rag in counts]
    return f"{', '.join(parts)} of {len(rows)} localities"
