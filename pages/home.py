"""Home: every board with what it tracks, and the chosen board's latest uploads."""

import streamlit as st

from data_model import queries
from presentation.upload_report import changes_frame
from ui.context import boards, get_engine

st.title("Boards")
df = boards()
if df.empty:
    st.info("There are no boards yet. Open **Upload a tracker** and load a milestone tracker, risk register, budget or "
            "metrics return to create the first one.")
    st.stop()

st.caption(f"{len(df)} boards. Pick one in the sidebar to see its views.")
st.dataframe(
    df[["name", "board_type", "area", "milestones", "risks", "budget_lines", "metrics", "last_upload"]],
    hide_index=True,
    width="stretch",
    column_config={
        "name": st.column_config.TextColumn("Board", width="large"),
        "board_type": "Type",
        "area": "Area",
        "milestones": st.column_config.NumberColumn("Milestones", format="%d"),
        "risks": st.column_config.NumberColumn("Risks", format="%d"),
        "budget_lines": st.column_config.NumberColumn("Budget lines", format="%d"),
        "metrics": st.column_config.NumberColumn("Metrics", format="%d"),
        "last_upload": st.column_config.DatetimeColumn("Last upload", format="D MMM YYYY, HH:mm"),
    },
)

board = st.session_state.get("current_board")
if board:
    st.subheader(board["name"])
    if board.get("description"):
        st.write(board["description"])
    engine = get_engine()
    history = queries.uploads(engine, int(board["id"]))
    if history.empty:
        st.info("Nothing has been uploaded for this board yet.")
    else:
        st.markdown("**Recent uploads**")
        history["summary"] = history["changes"].map(
            lambda c: f"{c.get('added', 0)} added, {c.get('updated', 0)} updated, {c.get('removed', 0)} removed"
            if isinstance(c, dict) else "")
        st.dataframe(
            history[["uploaded_at", "file_name", "kind", "uploaded_by", "row_count", "summary"]],
            hide_index=True, width="stretch",
            column_config={
                "uploaded_at": st.column_config.DatetimeColumn("When", format="D MMM YYYY, HH:mm"),
                "file_name": "File", "kind": "Kind", "uploaded_by": "By", "row_count": "Rows",
                "summary": "What changed",
            },
        )
        latest = int(history["id"].iloc[0])
        with st.expander("What the latest upload changed"):
            st.dataframe(changes_frame(queries.upload_changes(engine, latest)), hide_index=True, width="stretch")
