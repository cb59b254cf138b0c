"""The risk heat map: likelihood against impact on the 1-5 scale, a count in each cell, worded colours."""

from __future__ import annotations

import pandas as pd

from data_model.rag import RagRules
from presentation.rag_view import PALETTE, WORDS
from presentation.vega import SCHEMA, VIEW, PlainChart, records

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


def heat_map(cells: pd.DataFrame) -> PlainChart:
    """The 5x5 heat map: each cell coloured by the RAG its score gives, with its count and that RAG in words (colour
    is never the only carrier); a click selects a cell (the ``cell`` selection the Risks page lists).

    Plain Vega-Lite (presentation.vega): the board pack prints one per workstream."""
    order = ["Red", "Amber", "Green"]
    levels = {"labelExpr": _levels_expr()}
    position = {"x": {"field": "impact", "type": "ordinal", "title": "Impact", "axis": {**levels, "labelAngle": 0}},
                "y": {"field": "likelihood", "type": "ordinal", "title": "Likelihood", "sort": "descending",
                      "axis": levels}}
    rect = {"name": "heat_cells", "mark": {"type": "rect", "stroke": "white", "strokeWidth": 2}, "encoding": {
        **position,
        "color": {"field": "rag", "type": "nominal", "title": "RAG from score", "sort": order,
                  "scale": {"domain": order, "range": [PALETTE["red"], PALETTE["amber"], PALETTE["green"]]}},
        "opacity": {"condition": {"test": "datum.count > 0", "value": 1.0}, "value": 0.35},
        "tooltip": [{"field": "likelihood", "type": "ordinal", "title": "Likelihood"},
                    {"field": "impact", "type": "ordinal", "title": "Impact"},
                    {"field": "score", "type": "quantitative", "title": "Score"},
                    {"field": "rag", "type": "nominal", "title": "RAG"},
                    {"field": "count", "type": "quantitative", "title": "Risks"}]}}
    count = {"mark": {"type": "text", "color": "black", "dy": -5, "fontSize": 18, "fontWeight": "bold"},
             "encoding": {**position, "text": {"condition": {"test": "datum.count > 0", "field": "count",
                                                             "type": "quantitative"}, "value": ""}}}
    word = {"mark": {"type": "text", "color": "black", "dy": 12, "fontSize": 9},
            "encoding": {**position, "text": {"field": "rag", "type": "nominal"}}}
    # Its text alternative: the chart's accessible name, and the line ui.charts writes under it.
    return PlainChart({
        "$schema": SCHEMA, "config": VIEW, "layer": [rect, count, word],
        "data": {"name": "cells"}, "datasets": {"cells": records(cells)},
        "description": f"Risk heat map: {heat_summary(cells)}", "width": 380, "height": 330,
        "params": [{"name": "cell", "select": {"type": "point", "fields": ["likelihood", "impact"], "on": "click"},
                    "views": ["heat_cells"]}]})


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
