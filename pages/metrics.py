"""Metrics: each metric against its target over time, rated by its direction and the board's tolerance."""

import streamlit as st

from data_model import registers
from presentation.metric_view import latest_summary, latest_table, run_chart
from presentation.safe import md
from ui.board_page import open_board_page
from ui.charts import show_chart

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Metrics")
values = view.read(registers.metric_values, filters, rules)
if values.empty:
    st.info("No metric values yet for this selection. Upload a metrics return (a Metric or Measure column with Target "
            "and Actual, by period) on the **Upload a tracker** page.")
    st.stop()

latest = latest_table(view.read(registers.latest_metrics, filters, rules))
a, b, c, d = st.columns(4)
a.metric("Metrics", values["name"].nunique())
b.metric("Off target (red)", int((latest["RAG"] == "Red").sum()))
c.metric("Near target (amber)", int((latest["RAG"] == "Amber").sum()))
d.metric("On target", int((latest["RAG"] == "Green").sum()))
st.caption(f"Rated against target in each metric's own direction; amber means worse than target by up to "
           f"{rules.metric_tolerance_pct:g}% of it.")
st.dataframe(latest, hide_index=True, width="stretch")

for name, group in values.groupby("name", sort=False):
    last = group.iloc[-1]
    with st.container(border=True):
        st.markdown(f"**{md(name)}** — latest: {latest_summary(latest, name)}")
        if group["period_start"].notna().sum() >= 1:
            show_chart(run_chart, group, width="stretch", cache_key=(view.version, filters, rules, name))
        if group["locality"].notna().any() and group["locality"].nunique() > 1:
            st.caption("One line per locality; points show each value's RAG in shape and colour.")
        if last["direction"] is None:
            st.caption("The return does not say whether higher or lower is better, so this metric is not rated.")
