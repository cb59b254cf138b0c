"""Meetings: each meeting's agenda, the decisions taken, matters arising and the action log; the chair manages them."""

from datetime import date

import pandas as pd
import streamlit as st

from data_model import forward_plan, meetings, queries
from data_model.board_settings import MEETING_STATUSES, SettingsError, add_meeting, set_meeting_status
from data_model.meetings import (
    ACTION_STATUSES,
    MEETING_STATUS_WORDS,
    PURPOSES,
    ActionInput,
    AgendaItemInput,
    MeetingDetails,
    meeting_status_words,
    report_label,
    status_day,
    unmarked,
)
from data_model.permissions import Resource
from presentation.safe import md
from ui.auth import actor, can
from ui.board_page import open_board_page
from ui.context import clear_caches
from ui.row_detail import whole_or_detail
from ui.tables import wrapping_table
from ui.tabs import lazy_tabs

view = open_board_page(whole_board="Meetings belong to the whole board")
board, filters = view.board, view.filters
board_id = int(board["id"])
manage = can("meetings", Resource(board_id))
st.title("Meetings")
FLASH = f"meetings_flash_{board['slug']}"
if FLASH in st.session_state:
    st.success(md(st.session_state.pop(FLASH)), icon=":material/check_circle:")

DATE = st.column_config.DateColumn(format="D MMM YYYY")


def done(message: str) -> None:
    """After a write: say what was saved on the next run, which reads it back."""
    clear_caches()
    st.session_state[FLASH] = message
    st.rerun()


def attempt(write, message: str) -> None:
    """Run one write; a refusal is shown as the sentence it carries, never a traceback."""
    try:
        write()
    except SettingsError as exc:
        st.error(md(str(exc)), icon=":material/error:")
    else:
        done(message)


def add_meeting_form(key: str) -> None:
    with st.form(key, clear_on_submit=True):
        st.markdown("**Add a meeting**")
        c1, c2 = st.columns(2)
        when = c1.date_input("Date", value=filters.as_at, format="DD/MM/YYYY", key=f"{key}_date")
        starts = c2.time_input("Time (optional)", value=None, key=f"{key}_time")
        title = st.text_input("Title", value=f"{board['name']} meeting", key=f"{key}_title")
        venue = st.text_input("Venue (optional)", key=f"{key}_venue")
        if st.form_submit_button("Add the meeting"):
            attempt(lambda: add_meeting(view.engine, board_id, when, title, by=actor().email, start_time=starts,
                                        venue=venue), f"Added the meeting of {when:%-d %B %Y}.")


all_meetings = view.read(meetings.meetings, board_id)
all_meetings_notes = dict(zip(all_meetings["id"].astype(int), all_meetings["notes"], strict=True))
all_meetings_status = dict(zip(all_meetings["id"].astype(int), all_meetings["status"], strict=True))
if all_meetings.empty:
    st.info("No meetings are recorded for this board yet."
            + (" Add the first below." if manage else " The board's chair adds them."))
    if manage:
        add_meeting_form("add_first_meeting")
    st.stop()

# The meeting shown: the one in the link, else the next on or after the "as at" date, else the latest.
ids = [int(i) for i in all_meetings["id"]]
dates = {int(r.id): pd.Timestamp(r.date).date() for r in all_meetings.itertuples()}
today = status_day(view.snapshot.taken_at if view.snapshot is not None else None)


def label(r) -> str:
    """The meeting as the picker lists it: its date and title, and its status unless it is simply still to come."""
    when = dates[int(r.id)]
    if unmarked(r.status, when, today):
        status = "date passed, not marked held or cancelled"
    else:
        status = "" if r.status == "planned" else MEETING_STATUS_WORDS.get(r.status, r.status).lower()
    return f"{when:%-d %b %Y} — {r.title}" + (f" ({status})" if status else "")


labels = {int(r.id): label(r) for r in all_meetings.itertuples()}
wanted = st.query_params.get("meeting")
by_date = {d.isoformat(): i for i, d in reversed(list(dates.items()))}
default = next((i for i in ids if dates[i] >= filters.as_at), ids[-1])
if wanted and wanted not in by_date:
    st.warning(f"The link asks for a meeting on '{md(wanted)}', which this board does not have. Showing the next "
               "meeting instead.")
chosen = st.selectbox("Meeting", ids, index=ids.index(by_date.get(wanted, default)), format_func=labels.get,
                      key=f"meeting_pick_{board['slug']}")
st.query_params["meeting"] = dates[chosen].isoformat()
past_unmarked = [i for i in ids if unmarked(all_meetings_status[i], dates[i], today)]
if past_unmarked and manage and view.snapshot is None:
    st.caption(f"{len(past_unmarked)} meeting{'s' if len(past_unmarked) != 1 else ''} whose date has passed "
               f"{'are' if len(past_unmarked) != 1 else 'is'} not yet marked held or cancelled: "
               + ", ".join(f"{dates[i]:%-d %b %Y}" for i in past_unmarked) + ". Choose each above and set its status "
               "under Manage this meeting.")
meeting = all_meetings[all_meetings["id"] == chosen].iloc[0]
when = dates[chosen]

heading = f"**{when:%A %-d %B %Y}**"
if meeting.start_time is not None and not pd.isna(meeting.start_time):
    heading += f", {meeting.start_time:%H:%M}"
if isinstance(meeting.venue, str) and meeting.venue.strip():  # a missing venue reads as NaN from pandas
    heading += f" — {md(meeting.venue)}"
st.markdown(f"{heading}  \n{md(meeting.title)} · {md(meeting_status_words(meeting.status, when, today))}")
if unmarked(meeting.status, when, today):
    st.warning("This meeting's date has passed, but it is still recorded as planned: nobody has marked it held or "
               "cancelled yet. " + ("Set its status under **Manage this meeting › Date, time, venue and status** below."
                                    if manage and view.snapshot is None else
                                    "The board's chair marks it on this page." if view.snapshot is None else
                                    "This snapshot froze it as it stood then."), icon=":material/event_busy:")
notes = all_meetings_notes.get(chosen)
if isinstance(notes, str) and notes.strip():
    st.caption(md(notes))

agenda = view.read(meetings.agenda, board_id, chosen)
decided = view.read(meetings.decisions, board_id, chosen)
raised = view.read(meetings.actions, board_id, chosen)
arising = view.read(meetings.matters_arising, board_id, when)
log = view.read(meetings.actions, board_id)
tree = view.read(queries.workstreams, board_id)
ws_names = dict(zip(tree["id"].astype(int), tree["path"], strict=True))

# Only the chosen tab is drawn (a long action log's table is not sent on every visit); the choice is kept by name.
tabs = lazy_tabs(("Agenda", "Matters arising", "Decisions", "Action log"),
                 [f"Agenda ({len(agenda)})", f"Matters arising ({len(arising)})", f"Decisions ({len(decided)})",
                  f"Action log ({int((log['status'] == 'open').sum()) if not log.empty else 0} open)"],
                 key=f"meeting_tabs_{board['slug']}")

if tabs[0].open:  # only the chosen tab is drawn
    with tabs[0]:
        if agenda.empty:
            st.caption("No agenda items yet." + (" Add them under 'Manage this meeting' below." if manage else ""))
        for item in agenda.itertuples():
            with st.container(border=True):
                line = f"**{md(item.number)}) {md(item.title)}**"
                details = [report_label(item.report_number) if item.report_number else "",
                           f"from {item.presenter}" if item.presenter else "",
                           PURPOSES.get(item.purpose, "") if item.purpose else ""]
                st.markdown(line + ("  \n" + md(" · ".join(d for d in details if d)) if any(details) else ""))
                if item.workstreams:
                    st.caption("Covers: " + md(item.workstreams))
                for d in decided[decided["agenda_item_id"] == item.id].itertuples():
                    st.markdown(f":material/gavel: Decided: {md(d.text)}")
                for a in raised[raised["agenda_item_id"] == item.id].itertuples():
                    owner = f" ({a.owner})" if a.owner else ""
                    st.markdown(f":material/task_alt: Action {md(a.ref)}: {md(a.title)}{md(owner)}")
        ahead = view.read(forward_plan.schedule_before_meetings, filters, [when])
        if not ahead.empty:
            suggested = [i for items in ahead["agenda_items"] for i in items]
            due = [m for items in ahead["milestones"] for m in items]
            text = ""
            if suggested:
                text += "The reporting schedule suggests: " + "; ".join(md(s) for s in suggested) + "."
            if due:
                text += (" " if text else "") + "Milestones it lists for then: " + "; ".join(md(m) for m in due) + "."
            st.info(text, icon=":material/event_note:")
            already = {str(t).casefold() for t in agenda["title"]}
            fresh = [(i, row.workstream) for row in ahead.itertuples() for i in row.agenda_items
                     if i.casefold() not in already]
            if manage and fresh and st.button(f"Add the schedule's {len(fresh)} suggested item(s) to this agenda",
                                              key=f"add_suggested_{board['slug']}_{chosen}"):
                by_path = {path: i for i, path in ws_names.items()}
                suggested_items = [AgendaItemInput(meetings.next_number(agenda, n), title, workstream_ids=tuple(
                    [by_path[path]] if path in by_path else [])) for n, (title, path) in enumerate(fresh)]
                attempt(lambda: meetings.add_agenda_items(view.engine, board_id, chosen, suggested_items,
                                                          by=actor().email),
                        f"Added {len(fresh)} item(s) from the reporting schedule.")

ARISING_ROWS = 40  # matters arising listed whole; more are counted, and the Action log has them all
LOG_WHOLE_UP_TO = 40  # actions of the log listed whole; a longer log scrolls, with the chosen action beneath
ACTION_VIEW = {"ref": "Ref", "title": st.column_config.TextColumn("Action"), "owner": "Owner",
               "due": st.column_config.DateColumn("Due", format="D MMM YYYY"),
               "raised_at": st.column_config.DateColumn("Arose at", format="D MMM YYYY"),
               "item_number": "Item", "workstream": "Workstream", "status": "Status",
               "closed_on": st.column_config.DateColumn("Closed", format="D MMM YYYY")}


def status_words(df: pd.DataFrame) -> pd.DataFrame:
    return df.assign(status=df["status"].map(lambda s: ACTION_STATUSES.get(s, s)))


if tabs[1].open:  # only the chosen tab is drawn
    with tabs[1]:
        st.caption(f"Actions from earlier meetings still open when this meeting met ({when:%-d %B %Y}), carried forward "
                   "until they are done or dropped.")
        if arising.empty:
            st.caption("No matters arising: every earlier action was closed before this meeting.")
        else:
            overdue = int(arising["overdue"].sum())
            if overdue:
                st.warning(f"{overdue} of them {'was' if overdue == 1 else 'were'} past due by this meeting.",
                           icon=":material/schedule:")
            shown = status_words(arising).assign(
                overdue=arising["overdue"].map({True: "Overdue", False: "No"}),
                meetings_carried=arising["meetings_carried"].astype(int))
            # wraps, so each action's whole wording reads: these are what the board goes through, one by one
            wrapping_table(shown, name="Matters arising", cap=ARISING_ROWS, noun="matters arising",
                           where="the Action log tab lists every action", labels={
                               "ref": "Ref", "title": "Action", "owner": "Owner", "due": "Due", "overdue": "Overdue?",
                               "raised_at": "Arose at", "meetings_carried": "Meetings carried", "status": "Status",
                               "closed_on": "Closed"})

if tabs[2].open:  # only the chosen tab is drawn
    with tabs[2]:
        if decided.empty:
            st.caption("No decisions recorded for this meeting.")
        else:
            # one meeting's decisions, each read whole
            wrapping_table(decided, name="Decisions of this meeting",
                           labels={"item_number": "Item", "item_title": "Agenda item", "text": "Decision"})

if tabs[3].open:  # only the chosen tab is drawn
    with tabs[3]:
        if log.empty:
            st.caption("The action log is empty.")
        else:
            which = st.radio("Show", ["Open", "All"], horizontal=True, key=f"log_filter_{board['slug']}")
            shown = log if which == "All" else log[log["status"] == "open"]
            # whole while it is short; a long log scrolls, and the action chosen in it is written out in full
            whole_or_detail(status_words(shown)[["ref", "title", "owner", "due", "status", "raised_at", "item_number",
                                                 "workstream", "closed_on"]], up_to=LOG_WHOLE_UP_TO,
                            key=f"action_log_{board['slug']}_{which}", name="Action log", heading="title",
                            column_config=ACTION_VIEW)

if not manage:
    st.stop()

# --------------------------------------------------------------------------------------------------------------
# The chair's (and an admin's) part: every form below writes through data_model.meetings, audited
# --------------------------------------------------------------------------------------------------------------
st.subheader("Manage this meeting", anchor=False)
who = actor().email
key = f"{board['slug']}_{chosen}"
item_ids = [int(i) for i in agenda["id"]]
item_labels = {int(r.id): f"{r.number}) {r.title}" for r in agenda.itertuples()}
ws_ids = list(ws_names)


def manage_section(label: str, name: str):
    """An expander whose forms are drawn only once it is opened (it reruns then): closed, a chair's dozens of inputs
    cost the browser a third of the page's time on every visit. Kept open per board as the chair changes meeting."""
    return st.expander(label, on_change="rerun", key=f"meeting_manage_{board['slug']}_{name}")


section = manage_section("Date, time, venue and status", "details")
if section.open:
    with section:
        with st.form(f"meeting_details_{key}"):
            c1, c2 = st.columns(2)
            new_date = c1.date_input("Date", value=when, format="DD/MM/YYYY", key=f"md_date_{key}")
            new_time = c2.time_input("Time", value=None if pd.isna(meeting.start_time) else meeting.start_time,
                                     key=f"md_time_{key}")
            new_title = st.text_input("Title", value=meeting.title, key=f"md_title_{key}")
            new_venue = st.text_input("Venue", value=meeting.venue if isinstance(meeting.venue, str) else "",
                                      key=f"md_venue_{key}")
            new_status = st.selectbox("Status", MEETING_STATUSES, index=MEETING_STATUSES.index(meeting.status),
                                      format_func=MEETING_STATUS_WORDS.get, key=f"md_status_{key}")
            if st.form_submit_button("Save the meeting"):
                def save() -> None:
                    meetings.update_meeting(view.engine, board_id, chosen,
                                            MeetingDetails(new_date, new_title, new_time, new_venue), by=who)
                    set_meeting_status(view.engine, board_id, chosen, new_status, by=who)
                    st.query_params["meeting"] = new_date.isoformat()
                attempt(save, "Saved the meeting.")
        add_meeting_form(f"add_meeting_{board['slug']}")

section = manage_section("Agenda items", "agenda")
if section.open:
    with section:
        with st.form(f"add_item_{key}", clear_on_submit=True):
            st.markdown("**Add an agenda item**")
            c1, c2, c3 = st.columns([1, 4, 2])
            number = c1.text_input("No.", value=meetings.next_number(agenda), key=f"ai_number_{key}")
            title = c2.text_input("Title", key=f"ai_title_{key}")
            report = c3.text_input("Report number", placeholder="123/2016", key=f"ai_report_{key}")
            c4, c5 = st.columns(2)
            presenter = c4.text_input("Presenter", key=f"ai_presenter_{key}")
            purpose = c5.selectbox("Purpose", ["", *PURPOSES], format_func=lambda p: PURPOSES.get(p, "(not stated)"),
                                   key=f"ai_purpose_{key}")
            covers = st.multiselect("Workstreams it covers", ws_ids, format_func=ws_names.get, key=f"ai_ws_{key}")
            if st.form_submit_button("Add the item"):
                attempt(lambda: meetings.add_agenda_item(view.engine, board_id, chosen, AgendaItemInput(
                    number, title, report, presenter, purpose or None, tuple(covers)), by=who), f"Added item {number}.")
        if item_ids:
            pick = st.selectbox("Change or remove an item", item_ids, format_func=item_labels.get, key=f"ai_pick_{key}")
            row = agenda[agenda["id"] == pick].iloc[0]
            with st.form(f"edit_item_{key}_{pick}"):
                c1, c2, c3 = st.columns([1, 4, 2])
                e_number = c1.text_input("No.", value=row.number, key=f"ae_number_{pick}")
                e_title = c2.text_input("Title", value=row.title, key=f"ae_title_{pick}")
                e_report = c3.text_input("Report number", value=row.report_number or "", key=f"ae_report_{pick}")
                c4, c5 = st.columns(2)
                e_presenter = c4.text_input("Presenter", value=row.presenter or "", key=f"ae_presenter_{pick}")
                options = ["", *PURPOSES]
                e_purpose = c5.selectbox("Purpose", options, index=options.index(row.purpose or ""),
                                         format_func=lambda p: PURPOSES.get(p, "(not stated)"), key=f"ae_purpose_{pick}")
                e_covers = st.multiselect("Workstreams it covers", ws_ids, default=[w for w in row.workstream_ids
                                                                                     if w in ws_names],
                                          format_func=ws_names.get, key=f"ae_ws_{pick}")
                save, remove = st.columns(2)
                if save.form_submit_button("Save the item"):
                    attempt(lambda: meetings.update_agenda_item(view.engine, board_id, pick, AgendaItemInput(
                        e_number, e_title, e_report, e_presenter, e_purpose or None, tuple(e_covers)), by=who),
                        f"Saved item {e_number}.")
                if remove.form_submit_button("Remove the item"):
                    attempt(lambda: meetings.remove_agenda_item(view.engine, board_id, pick, by=who),
                            f"Removed item {row.number}.")

section = manage_section("Decisions", "decisions")
if section.open:
    with section:
        if not item_ids:
            st.caption("Add the agenda first: a decision is recorded against an item.")
        else:
            with st.form(f"add_decision_{key}", clear_on_submit=True):
                on_item = st.selectbox("Agenda item", item_ids, format_func=item_labels.get, key=f"dc_item_{key}")
                text = st.text_area("The board resolved…", key=f"dc_text_{key}")
                if st.form_submit_button("Record the decision"):
                    attempt(lambda: meetings.add_decision(view.engine, board_id, on_item, text, by=who),
                            "Recorded the decision.")
            if not decided.empty:
                d_labels = {int(r.id): f"{r.item_number}) {r.text[:80]}" for r in decided.itertuples()}
                with st.form(f"remove_decision_{key}"):
                    gone = st.selectbox("Remove a decision recorded by mistake", list(d_labels), format_func=d_labels.get,
                                        key=f"dc_remove_{key}")
                    if st.form_submit_button("Remove the decision"):
                        attempt(lambda: meetings.remove_decision(view.engine, board_id, gone, by=who),
                                "Removed the decision.")

section = manage_section("Actions", "actions")
if section.open:
    with section:
        with st.form(f"add_action_{key}", clear_on_submit=True):
            st.markdown(f"**An action arising at this meeting ({when:%-d %B %Y})**")
            a_title = st.text_input("Action", key=f"ac_title_{key}")
            c1, c2, c3 = st.columns(3)
            a_owner = c1.text_input("Owner", key=f"ac_owner_{key}")
            a_due = c2.date_input("Due (optional)", value=None, format="DD/MM/YYYY", key=f"ac_due_{key}")
            a_ref = c3.text_input("Ref (blank: the next number)", key=f"ac_ref_{key}")
            c4, c5 = st.columns(2)
            a_item = c4.selectbox("Agenda item (optional)", [0, *item_ids],
                                  format_func=lambda i: item_labels.get(i, "(none)"), key=f"ac_item_{key}")
            a_ws = c5.selectbox("Workstream (optional)", [0, *ws_ids], format_func=lambda i: ws_names.get(i, "(none)"),
                                key=f"ac_ws_{key}")
            if st.form_submit_button("Add the action"):
                attempt(lambda: meetings.add_action(view.engine, board_id, chosen, ActionInput(
                    a_title, a_owner, a_due, a_ref, a_item or None, a_ws or None), by=who), "Added the action.")
        if not log.empty:
            a_labels = {int(r.id): f"{r.ref}: {r.title} ({ACTION_STATUSES.get(r.status, r.status)})"
                        for r in log.itertuples()}
            open_first = sorted(a_labels, key=lambda i: (log.set_index("id").loc[i, "status"] != "open", i))
            pick_action = st.selectbox("Update an action", open_first, format_func=a_labels.get, key=f"ac_pick_{key}")
            a = log[log["id"] == pick_action].iloc[0]
            with st.form(f"edit_action_{board['slug']}_{pick_action}"):
                e_title = st.text_input("Action", value=a.title, key=f"ae_title_a{pick_action}")
                c1, c2 = st.columns(2)
                e_owner = c1.text_input("Owner", value=a.owner or "", key=f"ae_owner_a{pick_action}")
                e_due = c2.date_input("Due", value=None if pd.isna(a.due) else a.due, format="DD/MM/YYYY",
                                      key=f"ae_due_a{pick_action}")
                c3, c4 = st.columns(2)
                statuses = list(ACTION_STATUSES)
                e_status = c3.selectbox("Status", statuses, index=statuses.index(a.status),
                                        format_func=ACTION_STATUSES.get, key=f"ae_status_a{pick_action}")
                raised_on = pd.Timestamp(a.raised_at).date()
                closing = a.closed_on if not pd.isna(a.closed_on) else max(raised_on, min(when, date.today()))
                e_closed = c4.date_input("Closed on (for done or dropped)", value=closing, format="DD/MM/YYYY",
                                         key=f"ae_closed_a{pick_action}")
                if st.form_submit_button("Save the action"):
                    def save_action() -> None:
                        keep = ActionInput(e_title, e_owner, e_due, a.ref,
                                           None if pd.isna(a.agenda_item_id) else int(a.agenda_item_id),
                                           None if pd.isna(a.workstream_id) else int(a.workstream_id))
                        meetings.update_action(view.engine, board_id, pick_action, keep, by=who)
                        meetings.set_action_status(view.engine, board_id, pick_action, e_status, by=who,
                                                   closed_on=e_closed if e_status != "open" else None)
                    attempt(save_action, f"Saved action {a.ref}.")
            st.caption("The closing date counts only for an action marked done or dropped: matters arising list it at "
                       "every meeting up to that date.")
