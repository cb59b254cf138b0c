"""Localities side by side: the same RAG measures for each place, and each metric's latest value per place."""

import streamlit as st

from data_model import queries, registers
from data_model.rollups import rag_matrix
from data_model.spc import SpcSettings
from presentation.metric_view import by_place, latest_table
from presentation.rag_view import group_words, matrix_table
from presentation.spc_view import VERDICT_NOTE, board_series, verdict, with_metric_verdicts
from ui.board_page import open_board_page
from ui.charts import cached_result
from ui.tables import wrapping_table

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Localities")
places = view.read(queries.localities, filters.board_id)
if places.empty:
    st.info("This board's trackers name no localities. Add a Locality (or District, Site) column to a tracker to "
            "compare places here; every other view can then be cut by locality too.")
    st.stop()
st.caption(f"{len(places)} localities. Each column counts the same things in each place, under the board's RAG rules; "
           "the last row, Area-wide, holds what no locality was given for.")
matrix = view.read(rag_matrix, filters, rules, "locality")
spc_settings = SpcSettings.from_settings((view.read(queries.board, board["slug"]) or {}).get("settings"))
series = cached_result(board_series, view.read(registers.metric_values, filters, rules), spc_settings,
                       cache_key=(view.version, filters, rules, spc_settings))
latest_all = view.read(registers.latest_metrics, filters, rules)
# A table that wraps: a cell such as "SPC: Common cause 4 · Concern (high) 1; RAG: Red 7" shows whole.
wrapping_table(group_words(with_metric_verdicts(matrix_table(matrix, "Locality"), "Locality", latest_all, series,
                                                "locality"), "Locality"), name="RAG by locality")
st.caption(VERDICT_NOTE)

in_places = latest_all
in_places = in_places[in_places["locality"].notna()]
if not in_places.empty:
    st.subheader("Metrics by locality", anchor=False)
    latest = latest_table(in_places)
    found = {(s.metric_id, s.locality): s for s in series}
    said = [verdict(found.get((int(m), loc)), r) for m, loc, r in zip(in_places["metric_id"], in_places["locality"],
                                                                     in_places["rag"], strict=True)]
    # Places down the side and metrics across (or the other way when there are more metrics), a few columns a
    # table, wrapping: one wide grid of every place ran off the page at 1400 px.
    for part in by_place(latest, said):
        wrapping_table(part, name="Latest value of each metric in each locality")
    st.caption("Latest value in each place, with the SPC variation (marked SPC) where the metric has 13 points or "
               "more there, and its RAG against target in words otherwise.")
