"""The RAG matrix as a board reads it: words and counts in every cell, colours that colour-blind readers can tell."""

from __future__ import annotations

import altair as alt
import pandas as pd

from data_model.rollups import NO_LOCALITY, NO_WORKSTREAM
from data_model.vocabulary import RAGS, RAID_TYPES

# Okabe-Ito colours: distinguishable with the common forms of colour blindness. Words always go with them.
PALETTE = {"red": "#D55E00", "amber": "#E69F00", "green": "#009E73", "unrated": "#BBBBBB"}
WORDS = {"red": "Red", "amber": "Amber", "green": "Green", "unrated": "Not rated"}
RAID_WORDS = {t: t.capitalize() for t in RAID_TYPES}
NOT_ASSIGNED = "Not assigned to a workstream"  # what the roll-ups count as NO_WORKSTREAM, as a board member reads it
AREA_WIDE = "Area-wide (no locality given)"  # the roll-ups' NO_LOCALITY
WHOLE_BOARD = "Whole board"  # the one group of a board with no workstreams at all
MISSING = "—"  # a value the tracker did not give, in every table: a board member reads "not given", never "None"


def group_words(table: pd.DataFrame, column: str) -> pd.DataFrame:
    """``table`` with the roll-ups' "(no workstream)" and "(area-wide)" groups in words, listed last. Done once the
    table is complete: the SPC cells (presentation.spc_view) are looked up by the roll-ups' own group names."""
    named = table.assign(**{column: table[column].replace({NO_WORKSTREAM: NOT_ASSIGNED, NO_LOCALITY: AREA_WIDE})})
    last = named[column].isin((NOT_ASSIGNED, AREA_WIDE))  # after the workstreams, not first as "(no workstream)" sorts
    return pd.concat([named[~last], named[last]], ignore_index=True)


def level_heading(level_label: str, name: str) -> str:
    """A workstream's heading with its level ("Priority: Enablers"), or its name alone when the name already says
    the level ("Phase 1", not "Phase: Phase 1")."""
    label, named = " ".join(str(level_label or "").split()), " ".join(str(name).split())
    if not label or named.casefold().startswith(label.casefold()):
        return named
    return f"{label}: {named}"


def cell_text(row) -> str:  # a Series or a dict with red, amber, green and unrated counts
    parts = [f"{WORDS[r]} {int(row[r])}" for r in RAGS if row[r]]
    if row["unrated"]:
        parts.append(f"not rated {int(row['unrated'])}")
    return " · ".join(parts) if parts else "—"


def matrix_table(matrix: pd.DataFrame, group_label: str) -> pd.DataFrame:
    """One row per group, one column per kind, each cell like 'Red 1 · Amber 2 · Green 5'."""
    kinds = ["Milestones", "Risks", "Budget", "Metrics"]
    cells: dict[str, dict[str, str]] = {}
    for row in matrix.to_dict("records"):
        cells.setdefault(row["group"], {group_label: row["group"], **dict.fromkeys(kinds, "—")})[str(row["kind"])] = \
            cell_text(row)
    return pd.DataFrame(list(cells.values()), columns=[group_label, *kinds])


LETTERS = {"Red": "R", "Amber": "A", "Green": "G", "Not rated": "N"}  # written on the charts: RAG not by colour alone


def legend_spec(orient: str = "right") -> dict:
    """The RAG legend naming each colour's letter ("Red (R)"), the letter every bar carries, as Vega-Lite."""
    letters = ", ".join(f"'{w}': '{x}'" for w, x in LETTERS.items())
    return {"title": "RAG", "orient": orient, "labelExpr": f"datum.label + ' (' + {{{letters}}}[datum.label] + ')'"}


def legend_with_letters(orient: str = "right") -> alt.Legend:
    """``legend_spec`` for an Altair chart."""
    return alt.Legend(**legend_spec(orient))


def bar_label(row) -> str:
    """The counts behind one stacked bar, by letter, in the bar's order: 'R2 A1 G5 N1'."""
    parts = [f"{LETTERS[WORDS[r]]}{int(row[r])}" for r in (*RAGS, "unrated") if row[r]]
    return " ".join(parts)


# The bars count every kind in RAG; beside a table whose Metrics column gives SPC verdicts, the metrics' bars say they
# are the RAG against target, so a board member does not read "Red 1" as the variation the table gives.
CHART_KINDS = {"Metrics": "Metrics (RAG against target)"}


def matrix_chart(matrix: pd.DataFrame, group_label: str) -> alt.FacetChart:
    """Stacked bars per group and kind. RAG is never told by colour alone: each bar ends with its counts by letter
    ("R2 A1 G5"), the legend names each colour and its letter, and the tooltip says the colour in words."""
    long = matrix.melt(id_vars=["group", "kind"], value_vars=[*RAGS, "unrated"], var_name="rag", value_name="count")
    long = long[long["count"] > 0].copy()
    long["status"] = long["rag"].map(WORDS)
    long["kind"] = long["kind"].astype(str).replace(CHART_KINDS)
    long["group"] = long["group"].replace({NO_WORKSTREAM: NOT_ASSIGNED})
    labels = {(str(r["group"]).replace(NO_WORKSTREAM, NOT_ASSIGNED), CHART_KINDS.get(str(r["kind"]), str(r["kind"]))):
              (bar_label(r), int(r["total"]))
              for r in matrix.to_dict("records") if r["total"]}
    long["label"] = [labels[(g, k)][0] for g, k in zip(long["group"], long["kind"], strict=True)]
    long["total"] = [labels[(g, k)][1] for g, k in zip(long["group"], long["kind"], strict=True)]
    long["first"] = ~long.duplicated(["group", "kind"])  # one label a bar
    order = [WORDS[r] for r in (*RAGS, "unrated")]
    most = max([t for _, t in labels.values()], default=1)
    x_scale = alt.Scale(domain=[0, most * 1.6], nice=False)  # room after the longest bar for its label
    groups = list(dict.fromkeys(matrix["group"].replace({NO_WORKSTREAM: NOT_ASSIGNED})))  # the table's order
    groups = [g for g in groups if g != NOT_ASSIGNED] + [g for g in groups if g == NOT_ASSIGNED]  # unassigned last
    y = alt.Y("group:N", title=group_label, sort=groups, axis=alt.Axis(labelLimit=240))
    bars = alt.Chart().mark_bar().encode(
        y=y, x=alt.X("sum(count):Q", title="Items", scale=x_scale, axis=alt.Axis(values=_ticks(most))),
        color=alt.Color("status:N", sort=order, legend=legend_with_letters("top"),
                        scale=alt.Scale(domain=order, range=[PALETTE[r] for r in (*RAGS, "unrated")])),
        order=alt.Order("rag_order:Q"),
        tooltip=[alt.Tooltip("group:N", title=group_label), alt.Tooltip("kind:N", title="What"),
                 alt.Tooltip("status:N", title="RAG"), alt.Tooltip("count:Q", title="Items")],
    ).transform_calculate(rag_order=f"indexof({order!r}, datum.status)")
    text = alt.Chart().mark_text(align="left", dx=3, fontSize=10, color="#222222").encode(
        y=y, x=alt.X("total:Q", scale=x_scale), text="label:N",
    ).transform_filter("datum.first")
    return (
        alt.layer(bars, text, data=long)
        .properties(width=140)  # four kinds, the labels and the legend above them fit the page at 1400 px
        .facet(column=alt.Column("kind:N", title=None,
                                 sort=[CHART_KINDS.get(k, k) for k in ("Milestones", "Risks", "Budget", "Metrics")]))
        .properties(description=matrix_summary(matrix, group_label))
    )


def _ticks(most: int) -> list[int]:
    """Whole-number ticks up to the longest bar (not into the room left for its label)."""
    step = max(1, -(-most // 4))
    return list(range(0, most + 1, step))


def matrix_summary(matrix: pd.DataFrame, group_label: str) -> str:
    """The RAG bars as a sentence (their text alternative): the counts of each kind, all groups together."""
    kinds = []
    for kind in ("Milestones", "Risks", "Budget", "Metrics"):
        rows = matrix[matrix["kind"].astype(str) == kind]
        if rows.empty:
            continue
        totals = rows[[*RAGS, "unrated"]].sum()
        kinds.append(f"{kind.lower()} {cell_text(totals).replace(' · ', ', ')}")
    groups = matrix["group"].nunique()
    return (f"RAG counts for {groups} {group_label.lower()}{'s' if groups != 1 else ''}: " + "; ".join(kinds)
            + ". The table gives each one's counts.")


def money(value: float | None) -> str:
    """£1,234 (whole pounds) for tables; blank for no figure."""
    if value is None or value != value:  # NaN
        return ""
    sign = "-" if value < 0 else ""
    return f"{sign}£{abs(value):,.0f}"


def budget_exceptions_table(df: pd.DataFrame) -> pd.DataFrame:
    return pd.DataFrame({
        "RAG": df["rag"].map(WORDS), "Workstream": df["workstream"], "Line": df["line"],
        "Funder": df["funder"].fillna(df["commissioner"]), "Plan": df["plan"].map(money), "Basis": df["basis"],
        "Forecast or spent": df["compare"].map(money), "Variance": df["variance"].map(money),
        "Variance %": df["variance_pct"].round(1),
    })


STATUS_WORDS = {"not_started": "Not started", "in_progress": "In progress", "complete": "Complete",
                "delayed": "Delayed", "on_hold": "On hold", "cancelled": "Cancelled"}


def status_words(statuses: pd.Series) -> pd.Series:
    """Milestone statuses as a board member reads them ('In progress', not 'in_progress'); a blank one as every
    table shows a missing value (MISSING), not an empty cell that reads as a gap in the page."""
    return statuses.map(STATUS_WORDS).fillna(MISSING)
