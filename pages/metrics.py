"""Metrics: each metric as an XmR chart the way NHS England's Making Data Count reads it (variation and assurance
in words, one line on what it says now), and its latest value against target, rated by the board's tolerance."""

import streamlit as st

from data_model import queries, registers
from data_model.spc import MIN_POINTS, SpcSettings
from presentation.metric_view import latest_summary, latest_table
from presentation.register_tables import drop_empty
from presentation.safe import md
from presentation.spc_view import (
    assurance_colour,
    assurance_label,
    board_series,
    spc_chart,
    summary_table,
    variation_colour,
    variation_label,
)
from ui.board_page import open_board_page
from ui.charts import cached_result, show_chart
from ui.row_detail import whole_or_detail
from ui.tables import wrapping_table

WRAPPED_UP_TO = 40  # rows of latest values shown whole; a longer list scrolls in a data grid

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Metrics")
values = view.read(registers.metric_values, filters, rules)
if values.empty:
    view.nothing_yet("No metric values yet for this selection.", "Upload a metrics return (a Metric or Measure column "
                     "with Target and Actual, by period)", "metric values", registers.metric_values, rules)
    st.stop()

spc_settings = SpcSettings.from_settings((view.read(queries.board, board["slug"]) or {}).get("settings"))
series = cached_result(board_series, values, spc_settings, cache_key=(view.version, filters, rules, spc_settings))
latest = latest_table(view.read(registers.latest_metrics, filters, rules))
a, b, c, d = st.columns(4)
a.metric("Metrics", values["name"].nunique())
# Amber is a miss too, only a small one (within the board's tolerance): the headline never reads "off target 0"
# over values that missed.
b.metric("Latest values off target (red)", int((latest["RAG"] == "Red").sum()))
c.metric("Just missing target (amber)", int((latest["RAG"] == "Amber").sum()))
d.metric("On target (green)", int((latest["RAG"] == "Green").sum()))
if len(latest) > values["name"].nunique():
    st.caption("A metric reported for each locality has a latest value for each, so the counts of values can be more "
               "than the number of metrics.")

st.subheader("Variation over time (SPC)", anchor=False)
st.caption(f"XmR charts as NHS England's Making Data Count draws them: a point beyond a process limit, a shift of "
           f"{spc_settings.run_length} or more points on one side of the mean, a trend of {spc_settings.run_length} or "
           f"more points rising or falling, or two of three points beyond a two-sigma line is special cause. Limits "
           f"and icons need {MIN_POINTS} points; a chair sets the run length, baselines and recalculations on **Board "
           "settings**.")
if series:
    wrapping_table(summary_table(series), name="Every metric's SPC variation and assurance, in words")
two_sigma = st.toggle("Show the two-sigma lines", value=False, key="spc_two_sigma")

st.subheader("Latest values against target (RAG)", anchor=False)
st.caption(f"Rated against target in each metric's own direction; amber means worse than target by up to "
           f"{rules.metric_tolerance_pct:g}% of it.")
shown = drop_empty(latest, always=("RAG", "Metric", "Period", "Latest"))  # no Locality column on a board without
# a table that wraps while it is short: whole names, and Unit and Better when on the page at 1400 px; a longer one
# scrolls, and the metric chosen in it is written out in full beneath
whole_or_detail(shown, up_to=WRAPPED_UP_TO, key="metrics_latest", heading="Metric",
                name="Latest value of each metric against its target")

by_metric: dict[int, list] = {}
for s in series:
    by_metric.setdefault(s.metric_id, []).append(s)
for (metric_id, name), _rows in values.groupby(["metric_id", "name"], sort=False):
    with st.container(border=True):
        st.markdown(f"**{md(name)}** — latest: {latest_summary(latest, name)}")
        charts = by_metric.get(int(metric_id), [])
        if not charts:
            st.caption("No dated values, so there is nothing to chart over time.")
            continue
        chosen = charts[0]
        if len(charts) > 1:
            chosen = st.selectbox("Locality", charts, format_func=lambda s: s.locality or "Area-wide",
                                  key=f"spc_place_{metric_id}")
        result = chosen.result
        st.markdown(f":{variation_colour(result)}-badge[{md(variation_label(result))}] {md(result.variation_words)}."
                    f"  \n:{assurance_colour(result)}-badge[{md(assurance_label(result))}] "
                    f"{md(result.assurance_words)}.")
        st.markdown(f"**{md(result.reading)}**")
        show_chart(spc_chart, chosen, two_sigma, width="stretch",
                   cache_key=(view.version, filters, rules, spc_settings, metric_id, chosen.locality, two_sigma))
        if chosen.direction is None:
            st.caption("The return does not say whether higher or lower is better, so special causes are shown as "
                       "neither improvement nor concern (purple) and there is no assurance icon.")
