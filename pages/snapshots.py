"""Snapshots: each frozen copy of the board's data with its hash, a link to view the board as it was, and, for the
board's chair (or an admin), the button that freezes one for a meeting."""

from datetime import date

import pandas as pd
import streamlit as st

from data_model import queries
from data_model.meetings import meeting_status_words
from data_model.permissions import Resource
from data_model.snapshots import SnapshotError, SnapshotUnchanged, list_snapshots, take_snapshot
from presentation.moments import day_words
from presentation.safe import md
from ui.auth import can
from ui.board_page import chosen_board
from ui.context import clear_caches, get_engine
from ui.tables import wrapping_table

board, who = chosen_board("view")
board_id = int(board["id"])
engine = get_engine()
st.title("Snapshots")
st.caption(f"{md(board['name'])}: each snapshot is the board's data frozen for a meeting (milestones, risks and their "
           "ratings, budget, metrics, the uploads and warnings behind them, meetings and the RAG rules in force). "
           "Nothing can change it afterwards, not even in the database; its hash (sha256) lets anyone check a copy. "
           "A correction is a new snapshot of the same meeting, and the older one is kept, marked superseded.")

done = st.session_state.pop("snapshot_taken", None)
if done:
    st.success(done, icon=":material/check_circle:")
    taken_id = str(st.session_state.pop("snapshot_taken_id", ""))
    if taken_id:  # the chair's next steps with it: what changed since the last meeting, and its pack
        next_steps = st.columns(2)
        next_steps[0].page_link("pages/what_changed.py", query_params={"board": board["slug"], "to": taken_id},
                                label="What changed up to this snapshot", icon=":material/difference:")
        next_steps[1].page_link("pages/board_pack.py", query_params={"board": board["slug"], "snapshot": taken_id},
                                label="Board pack of this snapshot", icon=":material/picture_as_pdf:")

if can("snapshot", Resource(board_id)):
    meetings = queries.meetings(engine, board_id)
    meetings = meetings[meetings["status"] != "cancelled"] if not meetings.empty else meetings
    today = date.today()
    ahead = [d for d in meetings["date"] if d >= today] if not meetings.empty else []
    options = [*(int(i) for i in meetings["id"]), 0]
    labels = {int(r.id): f"{r.date.day} {r.date:%B %Y}: {r.title} ({meeting_status_words(r.status, r.date, today)})"
              for r in meetings.itertuples()}
    labels[0] = "A meeting not on the list yet…"
    default = next((int(r.id) for r in meetings.itertuples() if ahead and r.date == ahead[0]),
                   int(meetings["id"].iloc[-1]) if not meetings.empty else 0)
    with st.container(border=True):
        st.markdown("**Freeze a snapshot for a meeting**")
        chosen = st.selectbox("Meeting", options, index=options.index(default), format_func=labels.get,
                              key=f"snapshot_meeting_{board['slug']}")
        when = (st.date_input("Meeting date", value=today, format="DD/MM/YYYY", key=f"snapshot_date_{board['slug']}")
                if chosen == 0 else meetings.loc[meetings["id"] == chosen, "date"].iloc[0])
        title = meetings.loc[meetings["id"] == chosen, "title"].iloc[0] if chosen else None
        if when < today:
            st.caption(f"This meeting was on {when.day} {when:%B %Y}. A snapshot frozen now holds the data as it is "
                       f"today, uploads since that meeting included, read as at that date: not what the board saw then.")
        earlier = [s for s in list_snapshots(engine, board_id) if s.meeting == when and not s.superseded]
        if earlier:
            st.caption(f"This meeting already has snapshot {earlier[0].id} (hash {earlier[0].short_hash}…). A new one "
                       "is a correction: it supersedes that one, which is kept as it was.")
        if st.button("Freeze a snapshot", type="primary", icon=":material/photo_camera:", key="take_snapshot"):
            try:
                info = take_snapshot(engine, board["slug"], when, who, title=title, refuse_unchanged=True)
            except SnapshotUnchanged as exc:
                st.info(md(str(exc)), icon=":material/info:")
            except SnapshotError as exc:
                st.error(md(str(exc)), icon=":material/error:")
            else:
                clear_caches()
                st.session_state["snapshot_taken_id"] = info.id
                st.session_state["snapshot_taken"] = (
                    f"Frozen: snapshot {info.id} for the meeting of {info.meeting.day} {info.meeting:%B %Y}, hash "
                    f"`{info.hash}`.")
                st.rerun()
else:
    st.caption("The board's chair (or an administrator) freezes a snapshot for each meeting.")

found = list_snapshots(engine, board_id)
if not found:
    st.info("No snapshots yet. Once one is frozen, every board view can be shown as it was: pick it under "
            "**Snapshot** in the sidebar.")
    st.stop()
st.subheader(f"Snapshots ({len(found)})", anchor=False)
table = pd.DataFrame([{
    "meeting": s.meeting, "id": s.id, "state": f"Superseded by snapshot {s.superseded_by}" if s.superseded else
    ("Current, a correction of snapshot " + str(s.supersedes_id) if s.supersedes_id else "Current"),
    "hash": s.hash, "taken_by": s.taken_by, "taken_at": s.taken_at, "milestones": s.counts.milestones,
    "risks": s.counts.risks, "budget_lines": s.counts.budget_lines, "metric_values": s.counts.metric_values,
} for s in found])
# A board freezes a few snapshots a year: listed whole, every state read in full, one Tab press to pass. The table
# gives each hash's start, as the rest of the app does ("hash 03c52d712bee…"): the whole one is a 64-character word a
# wrapping table cannot break, and it would push the counts off the page. Whole hashes are listed beneath, to copy.
wrapping_table(table.assign(taken_at=[f"{day_words(t)} {t:%H:%M}" for t in table["taken_at"]],
                            hash=[f"{h[:12]}…" for h in table["hash"]]),
               name="Snapshots", labels={
                   "meeting": "Meeting", "id": "No.", "state": "State", "hash": "Hash (sha256)", "taken_by": "Taken by",
                   "taken_at": "Taken (UTC)", "milestones": "Milestones", "risks": "Risks",
                   "budget_lines": "Budget lines", "metric_values": "Metric values"})
with st.expander("Each snapshot's whole hash, to check a copy against"):
    st.code("\n".join(f"Snapshot {s.id} ({s.meeting.day} {s.meeting:%b %Y}): {s.hash}" for s in found), language=None,
            wrap_lines=True)
st.caption("Open a snapshot to see every board view as frozen, or pick it under **Snapshot** in the sidebar of any "
           "view.")
columns = st.columns(4)
for i, s in enumerate(found):
    columns[i % 4].page_link(
        "pages/overview.py", query_params={"board": board["slug"], "snapshot": str(s.id)}, icon=":material/history:",
        label=f"Open snapshot {s.id}: {s.meeting.day} {s.meeting:%b %Y}" + (" (superseded)" if s.superseded else ""))
