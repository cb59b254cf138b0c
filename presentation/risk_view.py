"""The risk heat map: likelihood against impact on the 1-5 scale, a count in each cell, worded colours."""

from __future__ import annotations

import altair as alt
import pandas as pd

from data_model.rag import RagRules
from presentation.rag_view import PALETTE, WORDS

LEVELS = {1: "1 Low", 2: "2", 3: "3 Medium", 4: "4", 5: "5 High"}


def heat_cells(df: pd.DataFrame, rules: RagRules) -> pd.DataFrame:
    """All 25 cells with their count and the RAG their score gives under the board's bands."""
    scored = df[df["likelihood"].notna() & df["impact"].notna() & (df["status"] == "open")]
    counts = scored.groupby(["likelihood", "impact"]).size()
    rows = []
    for likelihood in range(1, 6):
        for impact in range(1, 6):
            score = likelihood * impact
            rows.append({"likelihood": likelihood, "impact": impact, "score": score,
                         "rag": WORDS[rules.risk(score=score, given_rag=None)],
                         "count": int(counts.get((likelihood, impact), 0))})
    return pd.DataFrame(rows)


def heat_map(cells: pd.DataFrame) -> alt.LayerChart:
    order = ["Red", "Amber", "Green"]
    select = alt.selection_point(name="cell", fields=["likelihood", "impact"], on="click", empty=False)
    base = alt.Chart(cells).encode(
        x=alt.X("impact:O", title="Impact", axis=alt.Axis(labelExpr=_levels_expr(), labelAngle=0)),
        y=alt.Y("likelihood:O", title="Likelihood", sort="descending", axis=alt.Axis(labelExpr=_levels_expr())),
    )
    rect = base.mark_rect(stroke="white", strokeWidth=2).encode(
        color=alt.Color("rag:N", title="RAG from score", sort=order,
                        scale=alt.Scale(domain=order, range=[PALETTE["red"], PALETTE["amber"], PALETTE["green"]])),
        opacity=alt.condition("datum.count > 0", alt.value(1.0), alt.value(0.35)),
        tooltip=[alt.Tooltip("likelihood:O", title="Likelihood"), alt.Tooltip("impact:O", title="Impact"),
                 alt.Tooltip("score:Q", title="Score"), alt.Tooltip("rag:N", title="RAG"),
                 alt.Tooltip("count:Q", title="Risks")],
    ).add_params(select)
    text = base.mark_text(fontSize=18, fontWeight="bold", color="black", dy=-5).encode(
        text=alt.condition("datum.count > 0", alt.Text("count:Q"), alt.value("")))
    word = base.mark_text(fontSize=9, color="black", dy=12).encode(text="rag:N")  # colour is never the only carrier
    # Its text alternative: the chart's accessible name, and the line ui.charts writes under it.
    return alt.layer(rect, text, word).properties(width=380, height=330,
                                                  description=f"Risk heat map: {heat_summary(cells)}")


def _levels_expr() -> str:
    return "{'1': '1 Low', '2': '2', '3': '3 Medium', '4': '4', '5': '5 High'}[datum.value]"


def cell_words(cells: pd.DataFrame, likelihood: int, impact: int) -> str:
    """One heat-map cell in words, for the keyboard's way of choosing it."""
    # A plain scan of the 25 cells: the selectbox words every option on every run, and a frame filter per option
    # cost a tenth of the Risks page's run.
    n, rag = next((int(c), r) for li, im, c, r in zip(cells["likelihood"], cells["impact"], cells["count"],
                                                      cells["rag"], strict=True) if li == likelihood and im == impact)
    return f"Likelihood {likelihood}, impact {impact}: {n} risk{'s' if n != 1 else ''} ({rag})"


def heat_summary(cells: pd.DataFrame) -> str:
    """The heat map as a sentence (its text alternative): how many risks sit in each RAG band, and the worst cell."""
    total = int(cells["count"].sum())
    if total == 0:
        return "no open risk has both a likelihood and an impact."
    bands = cells.groupby("rag")["count"].sum()
    parts = [f"{int(bands.get(b, 0))} {b.lower()}" for b in ("Red", "Amber", "Green") if bands.get(b, 0)]
    worst = cells[cells["count"] > 0].sort_values(["score", "count"], ascending=False).iloc[0]
    n = int(worst["count"])
    return (f"{total} scored open risk{'s' if total != 1 else ''} by likelihood and impact: " + ", ".join(parts)
            + f". The highest-scoring cell holding risks is likelihood {int(worst['likelihood'])}, impact "
              f"{int(worst['impact'])} (score {int(worst['score'])}, {n} risk{'s' if n != 1 else ''}).")
