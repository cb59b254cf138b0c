"""Forward plan: the meetings ahead, what each is due to hear (the reporting schedule, milestones and risk reviews),
and workstreams that have gone quiet."""

import streamlit as st

from data_model import forward_plan
from data_model.meetings import meeting_status_words, status_day, unmarked
from presentation.rag_view import status_words
from presentation.safe import md
from ui.board_page import open_board_page
from ui.tables import wrapping_table

LISTED = 15  # rows of each meeting's lists shown whole; a large board's hundreds are counted, not all drawn

view = open_board_page()
board, rules, filters = view.board, view.rules, view.filters
st.title("Forward plan")

quiet = view.read(forward_plan.quiet_workstreams, filters, rules.reporting_gap_meetings)
for row in quiet.itertuples():
    st.warning(f"**{md(row.workstream)}** has not reported for {row.meetings_missed} meetings (last upload "
               f"{row.last_report:%-d %b %Y}); the board's rule flags more than {rules.reporting_gap_meetings}.",
               icon=":material/notifications:")

ahead = view.read(forward_plan.meetings_ahead, filters.board_id, filters.as_at)
if ahead.empty:
    st.info(f"No meetings are recorded after {filters.as_at:%-d %B %Y}. The sample boards carry their meeting dates; "
            "meetings for other boards are added by the board's chair.")
    st.stop()
dates = list(ahead["date"])
if all(d == filters.as_at for d in dates):  # the as-at day's own meeting, and nothing recorded after it
    st.info(f"No meeting is recorded after {filters.as_at:%-d %B %Y}: below is the meeting on the as-at date itself. "
            "The board's chair adds the next meeting on the Meetings page.", icon=":material/event_busy:")
due = view.read(forward_plan.due_before_meetings, filters, dates)
reviews = view.read(forward_plan.reviews_before_meetings, filters, dates)
schedule = view.read(forward_plan.schedule_before_meetings, filters, dates)
today = status_day(view.snapshot.taken_at if view.snapshot is not None else None)
for meeting in ahead.itertuples():
    items = due[due["meeting"] == meeting.date] if not due.empty else due
    risks = reviews[reviews["meeting"] == meeting.date] if not reviews.empty else reviews
    planned = schedule[schedule["meeting"] == meeting.date] if not schedule.empty else schedule
    tops = sorted(set(items["top"].dropna()) | set(risks["top"].dropna()) | set(planned["top"].dropna()))
    if items["top"].isna().any() or risks["top"].isna().any():
        tops.append("items not assigned to a workstream")
    with st.container(border=True):
        status = meeting_status_words(meeting.status, meeting.date, today)
        st.markdown(f"**{meeting.date:%A %-d %B %Y}** — {md(meeting.title)}"
                    + ("" if status == "Planned" else f" · {md(status)}"))
        if unmarked(meeting.status, meeting.date, today):
            st.caption("Its date has passed but it is still recorded as planned; the board's chair marks it held or "
                       "cancelled on the Meetings page.")
        if tops:
            st.markdown("Due to hear from: " + ", ".join(md(t) for t in tops))
        if not planned.empty:
            suggested = [i for row in planned.itertuples() for i in row.agenda_items]
            listed = [m for row in planned.itertuples() for m in row.milestones]
            months = ", ".join(dict.fromkeys(planned["month_label"]))
            st.markdown(f"From the reporting schedule ({md(months)}):")
            if suggested:
                st.markdown("\n".join(f"- {md(i)}" for i in suggested))
            if listed:
                st.caption("Milestones the schedule lists: " + "; ".join(md(m) for m in listed))
        if not risks.empty:
            st.markdown(f"Risk reviews due by this meeting, overdue ones included ({len(risks)}):")
            # Wrapping tables: a long risk or milestone title shows whole, where a data grid cut it at a dozen words.
            wrapping_table(risks, name="Risk reviews due", labels={
                "review_due": "Review due", "title": "Risk", "owner": "Owner", "workstream": "Workstream",
                "ref": "Ref"}, cap=LISTED, noun="risk reviews due", where="the Risks page lists every risk")
        if not items.empty:
            st.markdown(f"Open milestones due by this meeting, overdue ones included ({len(items)}):")
            wrapping_table(items.assign(status=status_words(items["status"])), name="Milestones due", labels={
                "due": "Due", "title": "Milestone", "status": "Status", "owner": "Owner", "workstream": "Workstream"},
                cap=LISTED, noun="milestones due", where="the Milestones page lists every milestone")
        if items.empty and risks.empty and planned.empty:
            st.caption("No open milestone, risk review or scheduled item falls due before this meeting.")
