"""Localities side by side: the same RAG measures for each place, and each metric's latest value per place."""

import pandas as pd
import streamlit as st

from data_model import queries, registers
from data_model.rollups import rag_matrix
from presentation.metric_view import latest_table
from presentation.rag_view import matrix_table
from ui.board_page import open_board_page

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Localities")
places = view.read(queries.localities, filters.board_id)
if places.empty:
    st.info("This board's trackers name no localities. Add a Locality (or District, Site) column to a tracker to "
            "compare places here; every other view can then be cut by locality too.")
    st.stop()
st.caption(f"{len(places)} localities. Each column counts the same things in each place, under the board's RAG rules; "
           "'(area-wide)' holds what no locality was given for.")
matrix = view.read(rag_matrix, filters, rules, "locality")
st.dataframe(matrix_table(matrix, "Locality"), hide_index=True, width="stretch", key="localities_matrix")

in_places = view.read(registers.latest_metrics, filters, rules)
in_places = in_places[in_places["locality"].notna()]
if not in_places.empty:
    st.subheader("Metrics by locality", anchor=False)
    latest = latest_table(in_places)
    side = latest.assign(cell=[f"{v:g} ({r})" if pd.notna(v) else "" for v, r in zip(latest["Latest"], latest["RAG"],
                                                                                   strict=True)])
    wide = side.pivot_table(index="Metric", columns="Locality", values="cell", aggfunc="first").fillna("")
    st.dataframe(wide.reset_index(), hide_index=True, width="stretch", key="localities_metrics")
    st.caption("Latest value in each place, with its RAG in words.")
