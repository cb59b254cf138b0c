"""Budget charts: allocation against forecast and spend, per workstream (shared by the page and the board pack)."""

from __future__ import annotations

import altair as alt
import pandas as pd

from presentation.rag_view import PALETTE, money

MEASURES = ["Allocated", "Forecast", "Spent"]

# A budget line's kind in the words a board uses (the store keeps short names).
LINE_KINDS = {"allocation": "Allocation", "contribution": "Contribution", "contingency": "Contingency",
              "risk_share": "Risk share"}


def period_chart(by_period: pd.DataFrame) -> alt.Chart:
    """Bars of allocated, forecast and spent pounds side by side for each workstream (all periods summed)."""
    long = by_period.melt(id_vars=["workstream", "period"], value_vars=["allocated", "forecast", "spent"],
                          var_name="measure", value_name="pounds").dropna()
    long["measure"] = long["measure"].map(dict(zip(["allocated", "forecast", "spent"], MEASURES, strict=True)))
    return alt.Chart(long).mark_bar().encode(
        x=alt.X("measure:N", title=None, sort=MEASURES),
        y=alt.Y("sum(pounds):Q", title="Pounds", axis=alt.Axis(labelExpr="'£' + format(datum.value, ',.0f')")),
        color=alt.Color("measure:N", title=None, sort=MEASURES, legend=alt.Legend(orient="top"),
                        scale=alt.Scale(range=["#56B4E9", PALETTE["amber"], "#0072B2"])),
        column=alt.Column("workstream:N", title=None),
        tooltip=[alt.Tooltip("workstream:N", title="Workstream"), alt.Tooltip("measure:N", title="Measure"),
                 alt.Tooltip("sum(pounds):Q", title="£", format=",.0f")],
    ).properties(width=95, description=period_summary(by_period))  # legend on top: four workstreams fit 1024 px


def period_summary(by_period: pd.DataFrame) -> str:
    """The budget bars as a sentence (their text alternative): the totals over every workstream and period."""
    totals = [f"{m.lower()} £{by_period[c].sum():,.0f}" for m, c in zip(MEASURES, ["allocated", "forecast", "spent"],
                                                                         strict=True) if by_period[c].notna().any()]
    n = by_period["workstream"].nunique()
    return (f"Allocated, forecast and spent pounds for {n} workstream{'s' if n != 1 else ''}: in all "
            + ", ".join(totals) + ". The table gives each workstream and period.")


def variance_words(variance: float | None, pct: float | None) -> str:
    """A variance against the allocation in words: "£15,000 under (9.7%)", "£4,000 over (4.7%)", "On plan". A signed
    "-£15,000" and "-9.7%" beside whole-workstream totals read as a contradiction of them, and gave no direction."""
    if variance is None or pd.isna(variance):
        return ""
    if round(variance) == 0:
        return "On plan"
    share = "" if pct is None or pd.isna(pct) else f" ({abs(pct):.1f}%)"
    return f"{money(abs(variance))} {'over' if variance > 0 else 'under'}{share}"
