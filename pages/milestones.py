"""Milestones: a timeline per workstream, planned against forecast or actual, and the undated ones apart."""

import streamlit as st

from data_model import queries, registers
from presentation.counts import numbered
from presentation.milestone_view import MAX_BARS, outside, timeline, undated_table
from presentation.rag_view import NOT_ASSIGNED, status_words
from presentation.register_tables import drop_empty, workstream_under
from presentation.safe import md
from presentation.stated_rag import LEAD, RULE, differing, differing_note, with_stated
from ui.board_page import open_board_page
from ui.charts import show_chart
from ui.row_detail import table_with_detail
from ui.tables import TITLE_WIDTH, wrapping_table

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Milestones")
df = view.read(registers.milestones, filters, rules)
if df.empty:
    view.nothing_yet("No milestones yet for this selection.", "Upload a milestone tracker (a Milestone or Action "
                     "column and a Due or End date)", "milestones", registers.milestones, rules)
    st.stop()

meetings = view.read(queries.meetings, filters.board_id)
upcoming = meetings[meetings["date"] >= filters.as_at] if not meetings.empty else meetings
meeting = upcoming["date"].iloc[0] if len(upcoming) else None
a, b, c, d = st.columns(4)
a.metric("Milestones", len(df))
b.metric("Overdue", int(((df["rag"] == "red")).sum()))
c.metric("Complete", int((df["status"] == "complete").sum()))
d.metric("Undated", int(df["due"].isna().sum()))
if meeting == filters.as_at:  # the board opens as at its latest meeting: one date, said once
    lines = f"the as-at date and the meeting (both {meeting:%-d %b %Y})"
else:
    lines = f"the as-at date ({filters.as_at:%-d %b %Y})" + (f" and the next meeting ({meeting:%-d %b %Y})"
                                                             if meeting else "")
st.caption(f"Each timeline spans its milestones. Dashed lines: {lines}, where they fall within it. A black tick marks a "
           "milestone's baseline date where it has moved.")
off = outside(df, filters.as_at)
if off:
    st.info(f"The as-at date, {filters.as_at:%-d %B %Y}, is {off}, so it is not drawn on the timelines. Choose an "
            "earlier as-at date in the sidebar to see the programme as it stood.", icon=":material/info:")

# In the order a member reads a milestone: how it stands, what it is, when it is due; then who and where.
COLUMNS = {"rag": RULE, "reported_rag": LEAD, "title": st.column_config.TextColumn("Milestone", width=TITLE_WIDTH),
           "due": st.column_config.DateColumn("Due", format="D MMM YYYY"),
           "status": st.column_config.TextColumn("Status", width=100),  # "In progress" whole: sized to the first rows, it read "Comple…"
           "workstream": "Workstream", "owner": "Owner", "start": st.column_config.DateColumn("Start", format="D MMM YYYY"),
           "baseline_due": st.column_config.DateColumn("Baseline", format="D MMM YYYY"),
           "slippage_days": st.column_config.NumberColumn("Slippage (days)"), "locality": "Locality", "ref": "Ref"}
DETAIL = {"rag": RULE, "reported_rag": LEAD, "due": "Due", "status": "Status", "start": "Start",
          "baseline_due": "Baseline", "slippage_days": "Slippage (days)", "completed": "Completed",
          "workstream": "Workstream", "owner": "Owner", "dependency": "Depends on", "locality": "Locality", "ref": "Ref"}

stated_differs = differing(df)
if stated_differs:
    st.caption(differing_note(stated_differs, "milestone", "from its due date and status"))

for top, group in df.groupby(df["top"].fillna(NOT_ASSIGNED), sort=False):
    # A closed workstream draws nothing until it is opened (a rerun): a large board's page would otherwise send and
    # draw every workstream's timeline and table, hidden, on every visit.
    section = st.expander(f"{md(top)} — {numbered(len(group), 'milestones')}", expanded=len(df) <= 60, on_change="rerun",
                          key=f"milestones_open_{board['slug']}_{top}")
    with section:
        if not section.open:
            st.caption("Open to see its timeline and table.")
            continue
        show_chart(timeline, group, filters.as_at, meeting, width="stretch",
                   cache_key=(view.version, filters, rules, top, meeting))
        beyond = None if off else outside(group, filters.as_at)  # the page says it once when true of every one
        if beyond:
            st.caption(f"The as-at date, {filters.as_at:%-d %B %Y}, is {beyond}, so it is not drawn on this timeline.")
        if len(group[group["due"].notna()]) > MAX_BARS:
            st.caption(f"Showing the first {MAX_BARS} dated milestones; narrow the workstream filter to see the rest.")
        shown = with_stated(group).assign(status=status_words(group["status"]),
                                          workstream=workstream_under(group["workstream"], top))
        wanted = [c for c in COLUMNS if c != "reported_rag" or differing(group)]
        table_frame = drop_empty(shown[wanted], always=("rag", "title", "due"))
        table_with_detail(table_frame, key=f"milestones_{top}", name=f"Milestones of {top}", heading="title",
                          full=shown, column_config={c: COLUMNS[c] for c in table_frame.columns},
                          detail_labels={c: w for c, w in DETAIL.items() if c != "reported_rag" or c in table_frame})

undated = undated_table(df)
st.subheader(f"Without dates ({len(undated)})", anchor=False)
if undated.empty:
    st.write("Every milestone has a date.")
else:
    # each title and its due date as written read whole; a tracker of hundreds of undated rows is counted past forty
    wrapping_table(undated, name="Milestones without dates", cap=40, noun="milestones without dates",
                   where="each workstream's table above lists every milestone")
