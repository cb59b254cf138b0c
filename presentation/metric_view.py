"""Run charts: a metric's actuals against its target over time, one line per locality where the data has them."""

from __future__ import annotations

import altair as alt
import pandas as pd

from presentation.rag_view import PALETTE, WORDS

# Okabe-Ito's categorical colours (black dropped: the target line is dark grey), told apart with the common forms of
# colour blindness; each line is also dashed its own way and named at its end, so no place is told by colour alone.
PLACE_COLOURS = ["#0072B2", "#D55E00", "#009E73", "#CC79A7", "#E69F00", "#56B4E9", "#F0E442"]


def run_chart(values: pd.DataFrame) -> alt.LayerChart:
    data = values[values["period_start"].notna()].copy()
    data["locality"] = data["locality"].fillna("All")
    data["status"] = data["rag"].map(WORDS).fillna("Not rated")
    order = ["Red", "Amber", "Green", "Not rated"]
    x = alt.X("period_start:T", title=None, axis=alt.Axis(**time_axis(data["period_start"])))
    places = sorted(data["locality"].unique())
    several = len(places) > 1
    place_scale = alt.Scale(domain=places, range=PLACE_COLOURS[:len(places)] or PLACE_COLOURS)
    # One legend per idea: the places by their dashes (each line is also named at its end, in its colour), and RAG
    # by colour and shape together.
    unlegended_colour = alt.Color("locality:N", sort=places, legend=None, scale=place_scale)
    line = alt.Chart(data).mark_line(**({} if several else {"color": "#0072B2"})).encode(
        x=x, y=alt.Y("actual:Q", title=values["unit"].iloc[0] or "Value"), detail="locality:N",
        **({"color": unlegended_colour, "strokeDash": alt.StrokeDash("locality:N", title="Locality", sort=places)}
           if several else {}))
    points = alt.Chart(data).mark_point(filled=True, size=80).encode(
        x=x, y="actual:Q", shape=alt.Shape("status:N", title="RAG", sort=order, scale=alt.Scale(
            domain=order, range=["circle", "square", "triangle-up", "diamond"])),
        color=alt.Color("status:N", title="RAG", sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE[k] for k in ("red", "amber", "green", "unrated")])),
        tooltip=[alt.Tooltip("period:N", title="Period"), alt.Tooltip("locality:N", title="Locality"),
                 alt.Tooltip("actual:Q", title="Actual"), alt.Tooltip("target:Q", title="Target"),
                 alt.Tooltip("status:N", title="RAG")])
    layers = [line, points]
    if several:  # each place's name at the end of its line
        ends = data.sort_values("period_start").groupby("locality").tail(1)
        layers.append(alt.Chart(ends).mark_text(align="left", dx=6, fontSize=11).encode(
            x=x, y="actual:Q", text="locality:N", color=unlegended_colour))
    targets = data[data["target"].notna()]
    if not targets.empty:
        layers.insert(0, alt.Chart(targets).mark_line(strokeDash=[6, 4], color="#444", interpolate="step-after").encode(
            x=x, y="mean(target):Q", tooltip=[alt.Tooltip("mean(target):Q", title="Target")]))
    return alt.layer(*layers).resolve_scale(color="independent", shape="independent", strokeDash="independent").properties(
        height=240, description=run_summary(data, places))


SHORT_SPAN_DAYS = 120  # under about four months, monthly ticks would leave the axis bare or say one month thrice


def time_axis(periods) -> dict:
    """A date axis (Vega-Lite's ``axis``) that names each tick once: weeks, with the day, over a short span (monthly
    labels on weekly points said "Apr 2018" three times), months over a longer one."""
    starts = pd.to_datetime(pd.Series(list(periods)), errors="coerce").dropna()
    span = (starts.max() - starts.min()).days if len(starts) else 0
    if span < SHORT_SPAN_DAYS:
        return {"format": "%d %b %Y", "tickCount": "week", "labelOverlap": True}
    return {"format": "%b %Y", "tickCount": "month", "labelOverlap": True}


def run_summary(data: pd.DataFrame, places: list[str]) -> str:
    """The run chart as a sentence (its text alternative): each place's latest value and its RAG in words."""
    latest = data.sort_values("period_start").groupby("locality").tail(1).set_index("locality")
    said = "; ".join(f"{p} {latest.loc[p, 'actual']:g} in {latest.loc[p, 'period']} ({latest.loc[p, 'status']})"
                     for p in places if pd.notna(latest.loc[p, "actual"]))
    return f"Run chart of {data['name'].iloc[0] if 'name' in data else 'the metric'}: latest {said}."


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
