"""Home: every board with what it tracks, and the chosen board's latest uploads."""

import streamlit as st

from data_model import queries
from data_model.permissions import visible_boards
from loaders.kinds import BY_NAME
from presentation.safe import md
from presentation.upload_report import changes_frame
from ui.auth import actor, require
from ui.context import boards, cached_read, get_engine, require_entry
from ui.tables import table

require_entry()
require("view")
st.title("Boards")
df = boards(visible_boards(actor()))
if df.empty:
    st.info("There are no boards to show yet. An administrator adds boards on **Users and boards**, then leads "
            "upload their trackers.")
    st.stop()

CARDS_UP_TO = 8  # more boards than this read better as one table than as a wall of cards

st.caption(f"{len(df)} board{'s' if len(df) != 1 else ''}. Choose one in the sidebar to work with it.")
if len(df) > CARDS_UP_TO:
    table(df[["name", "board_type", "area", "milestones", "risks", "budget_lines", "metrics", "last_upload"]],
                 hide_index=True, width="stretch", key="boards_table", column_config={
                     "name": "Board", "board_type": "Type", "area": "Area", "milestones": "Milestones",
                     "risks": "Risks", "budget_lines": "Budget lines", "metrics": "Metrics",
                     "last_upload": st.column_config.DatetimeColumn("Last upload", format="D MMM YYYY, HH:mm")})
else:
    for start in range(0, len(df), 2):
        for col, (_, b) in zip(st.columns(2), df.iloc[start:start + 2].iterrows(), strict=False):
            with col.container(border=True, key=f"board-card-{b['slug']}"):
                st.markdown(f"**{md(b['name'])}**")
                st.caption(" · ".join(md(x) for x in (b["board_type"], b["area"]) if isinstance(x, str) and x))
                m1, m2, m3, m4 = st.columns(4)
                m1.metric("Milestones", int(b["milestones"]))
                m2.metric("Risks", int(b["risks"]))
                m3.metric("Budget lines", int(b["budget_lines"]))
                m4.metric("Metrics", int(b["metrics"]))
                last = b["last_upload"]
                st.caption(f"Last upload {last:%d %b %Y, %H:%M}" if last is not None and str(last) != "NaT"
                           else "Nothing uploaded yet")

board = st.session_state.get("current_board")
if board:
    st.subheader(md(board["name"]), anchor=False)
    if board.get("description"):
        st.text(board["description"])
    version = queries.data_version(get_engine())
    history = cached_read(version, queries.uploads, int(board["id"]))
    if history.empty:
        st.info("Nothing has been uploaded for this board yet. Open **Upload a tracker** to load one.")
    else:
        st.markdown("**Recent uploads**")
        history["kind"] = history["kind"].map(lambda k: (BY_NAME[k].label if k in BY_NAME else k).capitalize())
        history["summary"] = history["changes"].map(
            lambda c: f"{c.get('added', 0)} added, {c.get('updated', 0)} updated, {c.get('removed', 0)} removed"
            if isinstance(c, dict) else "")
        table(
            history[["uploaded_at", "file_name", "kind", "uploaded_by", "row_count", "summary"]],
            hide_index=True, width="stretch",
            column_config={
                "uploaded_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
                "file_name": "File", "kind": "What", "uploaded_by": "By", "row_count": "Rows",
                "summary": "What changed",
            },
        )
        latest = int(history["id"].iloc[0])
        with st.expander("What the latest upload changed"):
            table(changes_frame(cached_read(version, queries.upload_changes, latest)))
