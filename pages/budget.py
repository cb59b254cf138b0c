"""Budget: where the pooled fund comes from, how it is allocated, and allocation against forecast and spend."""

import pandas as pd
import streamlit as st

from data_model import registers
from presentation.budget_view import LINE_KINDS, period_chart, variance_words
from presentation.rag_view import group_words, money
from presentation.safe import md
from ui.board_page import open_board_page
from ui.charts import show_chart
from ui.row_detail import whole_or_detail
from ui.tables import wrapping_table

WRAPPED_UP_TO = 40  # rows: a longer table scrolls in a data grid instead

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Budget")
lines = view.read(registers.budget_lines, filters)
if lines.empty:
    view.nothing_yet("No budget yet for this selection.", "Upload a budget (a line or scheme column and amounts: an "
                     "Allocation column, or one column per financial year or quarter)", "budget lines",
                     registers.budget_lines)
    st.stop()

warnings = view.read(registers.reconciliation_warnings, filters.board_id)
# The same mismatch in every dated version of a tracker is one problem: said once, from its newest upload.
warnings = warnings.sort_values("uploaded_at").drop_duplicates(["sheet", "row", "message"], keep="last")
for w in warnings.itertuples():
    st.warning(f"{md(w.message)} (sheet '{md(w.sheet)}', row {w.row} of {md(w.file_name)})", icon=":material/calculate:")

allocations = lines[lines["line_kind"] == "allocation"]
contributions = lines[lines["line_kind"] == "contribution"]
reserves = lines[lines["line_kind"].isin(["contingency", "risk_share"])]
# Four totals in a row where they fit whole, two and two where they do not: a metric cuts its value short
# ("£2,44…") rather than wrap it.
st.html("""<style>
.st-key-budget_totals [data-testid="stHorizontalBlock"] { flex-wrap: wrap; row-gap: 0.5rem; }
.st-key-budget_totals [data-testid="stColumn"] { min-width: 11.5rem; }
</style>""")
a, b, c, d = st.container(key="budget_totals").columns(4)
a.metric("Contributions", money(contributions["allocated"].sum()) if len(contributions) else "—")
b.metric("Allocated", money(allocations["allocated"].sum()))
c.metric("Forecast", money(allocations["forecast"].sum()) if allocations["forecast"].notna().any() else "—")
d.metric("Spent", money(allocations["spent"].sum()) if allocations["spent"].notna().any() else "—")
# A forecast or spend given for some lines only adds up those lines: beside the whole allocation it would read as an
# underspend, so the totals say which part of the allocation they cover.
partial = [f"the {name} covers {int(given.sum())} of the {len(allocations)} lines "
           f"({money(allocations.loc[given, 'allocated'].sum())} of the {money(allocations['allocated'].sum())} "
           "allocated)"
           for name, given in (("forecast", allocations["forecast"].notna()), ("spend", allocations["spent"].notna()))
           if 0 < given.sum() < len(allocations)]
if partial:
    st.caption(f"Only lines that have a figure are added up: {'; '.join(partial)}. The others are not yet reported.")

if len(contributions) or len(reserves):
    st.subheader("Pooled fund", anchor=False)
    left, right = st.columns(2)
    with left:
        st.markdown("**Contributions**")
        given = pd.DataFrame({"Contribution": contributions["line"], "Amount": contributions["allocated"].map(money)})
        if contributions["funder"].notna().any():
            given.insert(1, "From", contributions["funder"].fillna(""))
        # A few rows: a table that wraps, so every name and every pound shows whole at any width (a data grid cut
        # "£2,061,000" to "£2,061,00" in half the page).
        wrapping_table(given, name="Contributions to the pooled fund")
        st.markdown(f"**Total: {money(contributions['allocated'].sum())}**")
    with right:
        st.markdown("**Reserves, held apart**")
        if reserves.empty:
            st.write("No contingency or risk-share reserve recorded.")
        else:
            wrapping_table(pd.DataFrame({"Reserve": reserves["line"], "Kind": reserves["line_kind"].map(LINE_KINDS),
                                         "Amount": reserves["allocated"].map(money)}), name="Reserves held apart")

by_period = view.read(registers.budget_by_period, filters)
if not by_period.empty:
    by_period = group_words(by_period, "workstream")  # "Not assigned to a workstream", as the Overview says, last
    st.subheader("Allocation against forecast and spend", anchor=False)
    show_chart(period_chart, by_period)
    shown = pd.DataFrame({
        "Workstream": by_period["workstream"], "Period": by_period["period"].replace("", "Whole programme"),
        "Allocated": by_period["allocated"].map(money), "Forecast": by_period["forecast"].map(money),
        "Spent": by_period["spent"].map(money),
        "Variance (lines with a forecast or spend)": [variance_words(v, p) for v, p in zip(by_period["variance"],
                                                                              by_period["variance_pct"], strict=True)]})
    name = "Allocation against forecast and spend, by workstream and period"
    # a table that wraps while it is short: every amount whole at any width; a longer one scrolls, and the row
    # chosen in it is written out in full beneath
    whole_or_detail(shown, up_to=WRAPPED_UP_TO, key="budget_by_period", heading="Workstream", name=name)
    st.caption("The variance compares the forecast (or, where there is none, the spend) with the allocation of the "
               "same lines. Lines with no forecast or spend yet are left out of it, so it can differ from the columns "
               "beside it, which add up every line.")

st.subheader("Budget lines", anchor=False)
# The amounts straight after the line, so they show without scrolling sideways; who funds and commissions it last.
# Whole while short; a longer list scrolls, and the line chosen in it is written out in full beneath.
listed = pd.DataFrame({
    "Workstream": lines["workstream"], "Line": lines["line"],
    "Kind": lines["line_kind"].map(LINE_KINDS).fillna("Allocation"), "Allocated": lines["allocated"].map(money),
    "Forecast": lines["forecast"].map(money), "Spent": lines["spent"].map(money),
    "Funder": lines["funder"].fillna(""), "Commissioner": lines["commissioner"].fillna("")})
# Most trackers name no funder or no commissioner: a column of dashes would only push the line's words into a narrow
# strip and the last column off a 1024 px screen.
listed = listed.drop(columns=[c for c in ("Funder", "Commissioner") if not listed[c].str.strip().astype(bool).any()])
whole_or_detail(listed, up_to=WRAPPED_UP_TO, key="budget_lines", heading="Line", name="Budget lines",
                column_config={c: st.column_config.TextColumn("Line", width="large") if c == "Line" else c
                               for c in listed.columns})
