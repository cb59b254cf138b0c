"""Overview: the board's RAG matrix by workstream and by locality, under the board's own RAG rules."""

import streamlit as st

from data_model import queries
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from presentation.rag_view import matrix_chart, matrix_table
from presentation.safe import md
from ui.context import get_engine, require_entry
from ui.filters import shared_filters

require_entry()
board = st.session_state.get("current_board")
if not board:
    st.info("There are no boards yet. Open **Upload a tracker** to load the first tracker.")
    st.stop()
engine = get_engine()
details = queries.board(engine, board["slug"]) or {}
rules = RagRules.from_settings(details.get("settings"))
filters = shared_filters(board)


@st.cache_data(ttl=600, max_entries=256, show_spinner=False)
def matrix(version: int, filters: Filters, rules: RagRules, by: str):
    return rag_matrix(get_engine(), filters, rules, by)


version = queries.data_version(engine)
title, rules_col = st.columns([4, 1], vertical_alignment="bottom")
title.title("Overview")
with rules_col.popover("How RAG is decided", icon=":material/info:"):
    for kind, lines in rules.explain().items():
        st.markdown(f"**{kind}**")
        for line in lines:
            st.markdown(f"- {line}")
    st.caption("Every cell says Red, Amber or Green in words; colours are chosen to be told apart with colour blindness.")
st.caption(f"{md(board['name'])}, as at {filters.as_at:%d %B %Y}.")

by_ws = matrix(version, filters, rules, "root")
if by_ws.empty:
    st.info("Nothing to show yet. Upload a milestone tracker, risk register, budget or metrics return for this board "
            "on the **Upload a tracker** page.")
    st.stop()

st.subheader("By workstream", anchor=False)
st.dataframe(matrix_table(by_ws, "Workstream"), hide_index=True, width="stretch", key="overview_matrix_ws")
st.altair_chart(matrix_chart(by_ws, "Workstream"), use_container_width=False)

tree = queries.workstreams(engine, int(board["id"]))
tops = tree[tree["level"] == 1]
for _, top in tops.iterrows():
    children = tree[(tree["root_id"] == top["id"]) & (tree["level"] > 1)]
    if children.empty or (filters.workstream_id and filters.workstream_id != top["id"]):
        continue
    with st.expander(f"{top['level_label']}: {top['name']}"):
        inner = matrix(version, Filters(filters.board_id, int(top["id"]), filters.locality_id, filters.as_at), rules,
                       "workstream")
        inner = inner.assign(group=inner["group"].str.split(" › ").str[1:].str.join(" › ").replace("", "(itself)"))
        st.dataframe(matrix_table(inner, children["level_label"].iloc[0]), hide_index=True, width="stretch")

by_loc = matrix(version, filters, rules, "locality")
if set(by_loc["group"]) - {"(area-wide)"}:
    st.subheader("By locality", anchor=False)
    st.dataframe(matrix_table(by_loc, "Locality"), hide_index=True, width="stretch", key="overview_matrix_loc")
