"""The audit trail: sign-ins, uploads, snapshots, exports and role changes. Admins see everything; a chair sees
their own boards' events."""

import re
from datetime import date, timedelta

import streamlit as st

from data_model import audit
from data_model.audit import ACTION_NAMES, OUTCOME_NAMES
from data_model.permissions import Resource, allowed
from presentation.moments import when_words
from presentation.safe import csv_bytes
from ui.auth import require
from ui.context import boards, get_engine, require_entry
from ui.row_detail import table_with_detail
from ui.tables import wrapping_table

require_entry()
who = require("audit")
engine = get_engine()
st.title("Audit trail")
EVENTS_WHOLE_UP_TO = 40  # events listed whole; more scroll in a grid whose chosen event is written out beneath

every_board = boards()
# .loc with a boolean list: plain [] with an empty list would pick no columns, not no rows (no boards yet).
mine = every_board.loc[[who.is_admin or allowed("audit", Resource(int(i)), who) for i in every_board["id"]]]
names = dict(zip(mine["id"].astype(int), mine["name"], strict=True))
options = ([0] if who.is_admin else []) + list(names)
a, b, c = st.columns([2, 2, 1])
# Everyone starts from the board chosen in the sidebar, so the two pickers agree; an admin can widen it to everything.
current = (st.session_state.get("current_board") or {}).get("id")
board_choice = a.selectbox("Board", options, key="audit_board", index=options.index(current) if current in options else 0,
                           format_func=lambda i: "Everything: every board, sign-ins and accounts" if i == 0 else names[i])
dates = b.date_input("Between", value=(date.today() - timedelta(days=30), date.today()), format="DD/MM/YYYY",
                     key="audit_dates")
since, until = (dates[0], dates[-1]) if dates else (None, None)
action = c.selectbox("What", [""] + list(ACTION_NAMES), format_func=lambda k: ACTION_NAMES.get(k, "Everything"),
                     key="audit_action")

scope = None if board_choice == 0 else {board_choice}
events = audit.events(engine, boards=scope, since=since, until=until, action=action or None)
if not who.is_admin:
    st.caption("You see the events of the boards you chair. Sign-ins and account changes are for administrators.")
st.caption(f"{len(events):,} events, newest first." + (" Showing the newest 5,000." if len(events) >= 5000 else ""))
# Each event whole: a short list wraps; a long one scrolls in a grid (sortable by time) whose chosen event is written
# out in full beneath, its detail never cut.
labels = {"at": "When (UTC)", "actor": "Who", "action": "What", "board": "Board", "outcome": "Outcome", "detail": "Detail"}
# A snapshot's 64-character hash shown by its first 12, as the Snapshots page lists it (which also gives it whole, to
# copy; so does the CSV): unbroken, it made its cell scroll sideways, out of a keyboard's reach.
worded = events.assign(at=[when_words(t, seconds=True) for t in events["at"]],
                       outcome=events["outcome"].map(lambda o: OUTCOME_NAMES.get(o, o)),
                       detail=events["detail"].map(lambda d: re.sub(r"\b([0-9a-f]{12})[0-9a-f]{52}\b", "\\1…", d)
                                                   if isinstance(d, str) else d))
if len(events) <= EVENTS_WHOLE_UP_TO:
    wrapping_table(worded, name="Audit trail", labels=labels)
else:
    table_with_detail(events.assign(outcome=worded["outcome"]), key="audit_events", name="Audit trail", heading="action", full=worded, column_config={
        **labels, "at": st.column_config.DatetimeColumn("When (UTC)", format="D MMM YYYY, HH:mm:ss"),
        "detail": st.column_config.TextColumn("Detail", width="large")}, detail_labels=labels)

st.download_button("Download as CSV", data=csv_bytes(events), file_name=f"audit-{date.today().isoformat()}.csv",
                   mime="text/csv", icon=":material/download:", disabled=events.empty, on_click=audit.record_now,
                   args=(engine, who.email, "export"),
                   kwargs={"board_id": scope and board_choice, "detail": f"audit trail CSV, {len(events)} events"})
