"""The Meetings page under AppTest, as a chair, a viewer and a lead: the chair runs the meeting through the page
(each write audited, bad input refused with a sentence), everyone else reads it and can write nothing."""

from __future__ import annotations

from datetime import date, time

import pytest
from conftest import as_read, dump, xlsx
from signed_in import open_page
from streamlit.testing.v1 import AppTest

from data_model import accounts, audit
from data_model import meetings as mt
from data_model.board_settings import add_meeting
from loaders import import_bytes

CHAIR, VIEWER, LEAD = "chair@t.example.org", "viewer@t.example.org", "lead@t.example.org"


@pytest.fixture
def board_with_meetings(engine, board, app_database, monkeypatch):
    """The known board with two meetings: June (an agenda item, a decision, an action) and September."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    for email, role in ((CHAIR, "chair"), (VIEWER, "viewer"), (LEAD, "lead")):
        accounts.add_user(engine, email, by="tests")
        accounts.grant(engine, email, "test-board", role, by="tests",
                       workstreams=["Prevention"] if role == "lead" else ())
    board_id = board["id"]
    june = add_meeting(engine, board_id, date(2016, 6, 28), "Board meeting", by="tests", start_time=time(14, 0),
                       venue="Council Chamber, Catmose")
    sept = add_meeting(engine, board_id, date(2016, 9, 27), "Board meeting", by="tests")
    item = mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput(
        "5", "Better Care Fund 2016-2017", "123/2016", "Mark Andrews", "approval"), by="tests")
    mt.add_decision(engine, board_id, item, "The business plans were approved.", by="tests")
    mt.add_action(engine, board_id, june, mt.ActionInput("Progress report on the plan", "Bernadette",
                                                         date(2016, 8, 31), None, item), by="tests")
    return board_id, june, sept


def meetings_page(email: str, **params: str) -> AppTest:
    at = open_page("meetings.py", email=email, board="test-board", **params)
    assert not at.exception, at.exception
    return at


def text(at: AppTest) -> str:
    """The page's markdown as a person reads it (no bold marks)."""
    return as_read(" ".join(m.value for m in at.markdown)).replace("**", "")


def button(at: AppTest, label: str):
    return next(b for b in at.button if b.label == label)


def open_tab(at: AppTest, name: str) -> AppTest:
    """Choose the tab whose label starts with ``name``, as a person clicks it: only the chosen tab is drawn."""
    labels = [t.label for t in at.tabs]
    at.session_state[f"meeting_tabs_test-board_{'|'.join(labels)}"] = next(t for t in labels if t.startswith(name))
    return at.run()


def open_sections(at: AppTest, *names: str) -> AppTest:
    """Open the chair's expanders (details, agenda, decisions, actions): their forms are drawn only once opened."""
    for name in names:
        at.session_state[f"meeting_manage_test-board_{name}"] = True
    return at.run()


@pytest.mark.slow
def test_everyone_with_view_rights_reads_the_meeting_its_agenda_and_matters_arising(board_with_meetings):
    for email in (VIEWER, LEAD, CHAIR):
        at = meetings_page(email, meeting="2016-06-28")
        assert [t.value for t in at.title] == ["Meetings"]
        shown = text(at)
        assert "Tuesday 28 June 2016, 14:00 — Council Chamber, Catmose" in shown
        assert "5) Better Care Fund 2016-2017" in shown and "Report No. 123/2016 · from Mark Andrews · For approval" \
            in shown
        assert "Decided: The business plans were approved." in shown
        assert "Action 1: Progress report on the plan (Bernadette)" in shown
        assert [t.label for t in at.tabs] == ["Agenda (1)", "Matters arising (0)", "Decisions (1)", "Action log (1 open)"]
    september = meetings_page(VIEWER, meeting="2016-09-27")
    assert [t.label for t in september.tabs][1] == "Matters arising (1)"
    assert not september.table and not september.dataframe  # the Agenda tab is chosen; a hidden tab is not drawn
    assert "No agenda items yet." in [c.value for c in september.caption]
    open_tab(september, "Matters arising")
    assert not september.exception, september.exception
    assert "No agenda items yet." not in [c.value for c in september.caption]  # the Agenda is drawn no more
    # a table that wraps: the action's whole wording, one Tab press to pass
    arising = next(df.value for df in september.table if "Meetings carried" in df.value.columns)
    assert arising["Action"].tolist() == ["Progress report on the plan"]
    assert arising["Overdue?"].tolist() == ["Overdue"]  # due 31 August, still open at September's meeting
    assert arising["Due"].tolist() == ["31\u00a0Aug\u00a02016"]


def test_a_viewer_or_a_lead_gets_no_forms_and_nothing_is_written(engine, board_with_meetings):
    before = dump(engine)
    for email in (VIEWER, LEAD):
        at = meetings_page(email, meeting="2016-06-28")
        assert not [s for s in at.subheader if s.value == "Manage this meeting"]
        labels = {b.label for b in at.button}
        assert not labels & {"Add the item", "Record the decision", "Add the action", "Save the meeting",
                             "Save the action", "Add the meeting"}, labels
        assert not at.text_input and not at.text_area
    assert dump(engine) == before


@pytest.mark.slow
def test_a_chair_runs_the_meeting_through_the_page_and_every_write_is_audited(engine, board_with_meetings):
    board_id, june, sept = board_with_meetings
    at = meetings_page(CHAIR, meeting="2016-09-27")
    assert not at.text_input  # the chair's forms are drawn once their section is opened
    open_sections(at, "agenda", "decisions", "actions")
    key = f"test-board_{sept}"
    at.text_input(key=f"ai_number_{key}").input("3")
    at.text_input(key=f"ai_title_{key}").input("Terms of Reference – review")
    at.text_input(key=f"ai_report_{key}").input("Report No. 131/2016")
    at.text_input(key=f"ai_presenter_{key}").input("Mark Andrews")
    at.selectbox(key=f"ai_purpose_{key}").set_value("decision")
    button(at, "Add the item").click().run()
    assert not at.exception and not at.error, [e.value for e in at.error]
    assert "Added item 3." in as_read(at.success[0].value)
    assert "3) Terms of Reference – review" in text(at) and "Report No. 131/2016" in text(at)

    [item] = mt.agenda(engine, board_id, sept)["id"].tolist()
    at.selectbox(key=f"dc_item_{key}").set_value(item)
    at.text_area(key=f"dc_text_{key}").input("The revised terms of reference were agreed.")
    button(at, "Record the decision").click().run()
    assert "Decided: The revised terms of reference were agreed." in text(at)

    # The June action, carried to September, is closed at the meeting.
    [june_action] = mt.actions(engine, board_id, june)["id"].tolist()
    at.selectbox(key=f"ac_pick_{key}").set_value(june_action)
    at.selectbox(key=f"ae_status_a{june_action}").set_value("done")
    at.date_input(key=f"ae_closed_a{june_action}").set_value(date(2016, 9, 27))
    button(at, "Save the action").click().run()
    assert not at.error, [e.value for e in at.error]
    log = mt.actions(engine, board_id).set_index("id")
    assert log.loc[june_action, "status"] == "done" and log.loc[june_action, "closed_on"] == date(2016, 9, 27)
    # Closed at September: still heard there, gone from November's matters arising.
    assert [t.label for t in at.tabs][1] == "Matters arising (1)"
    assert mt.matters_arising(engine, board_id, date(2016, 11, 22)).empty

    details = " | ".join(audit.events(engine, boards={board_id}, action="meeting_change")
                         .query("actor == @CHAIR")["detail"])
    assert "agenda item 3 added: Terms of Reference – review" in details
    assert "decision recorded on item 3" in details and "action 1: open → done on 2016-09-27" in details


@pytest.mark.slow
def test_bad_input_is_refused_with_a_sentence_and_nothing_is_written(engine, board_with_meetings):
    _board_id, _june, sept = board_with_meetings
    at = open_sections(meetings_page(CHAIR, meeting="2016-09-27"), "agenda", "actions")
    key = f"test-board_{sept}"
    before = dump(engine)
    at.text_input(key=f"ai_number_{key}").input("4")
    at.text_input(key=f"ai_title_{key}").input("Quality premium")
    at.text_input(key=f"ai_report_{key}").input("see the appendix")
    button(at, "Add the item").click().run()
    assert not at.exception
    assert "'see the appendix' is not a report number" in as_read(at.error[0].value)
    at.text_input(key=f"ac_title_{key}").input(" ")
    button(at, "Add the action").click().run()
    assert not at.exception and "Give the action." in as_read(at.error[0].value)
    assert dump(engine) == before


def test_text_people_typed_shows_as_text_never_as_a_link(engine, board_with_meetings):
    board_id, june, _sept = board_with_meetings
    link = "[Session expired: sign in again](https://evil.example)"
    mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("6", link, presenter=link), by="tests")
    at = meetings_page(VIEWER, meeting="2016-06-28")
    raw = " ".join(m.value for m in at.markdown)
    assert link not in raw  # escaped in the markdown source...
    assert f"6) {link}" in text(at)  # ...so it reads exactly as typed


def test_a_link_to_a_meeting_the_board_does_not_have_says_so(board_with_meetings):
    at = meetings_page(VIEWER, meeting="2030-01-01")
    assert "which this board does not have" in as_read(at.warning[0].value)


@pytest.mark.slow
def test_the_forward_plan_shows_what_the_schedule_has_each_meeting_hear(engine, board_with_meetings):
    plan = xlsx({"Meeting schedule": [["Month", "Priority", "Identified milestone", "Suggested agenda items"],
                                      ["Sep 2016", "Prevention", "◆ Falls service live", "● Falls service update"]]})
    assert import_bytes(plan, "forward-plan.xlsx", "test-board", engine=engine).status == "ok"
    at = open_page("forward_plan.py", email=VIEWER, board="test-board", as_at="2016-09-01")
    assert not at.exception
    shown = text(at)
    assert "From the reporting schedule (September 2016):" in shown and "Falls service update" in shown
    assert "Milestones the schedule lists: Falls service live" in as_read(" ".join(c.value for c in at.caption))
    meetings = meetings_page(VIEWER, meeting="2016-09-27")
    assert "The reporting schedule suggests: Falls service update." in as_read(meetings.info[0].value)


def test_board_settings_points_the_chair_to_the_meetings_page(board_with_meetings):
    at = open_page("board_settings.py", email=CHAIR, board="test-board")
    assert not at.exception
    assert any("Meetings page" in c.value for c in at.caption)


@pytest.mark.slow
def test_a_chair_adds_the_schedules_suggested_items_to_the_agenda(engine, board_with_meetings):
    board_id, _june, sept = board_with_meetings
    plan = xlsx({"Meeting schedule": [["Month", "Priority", "Identified milestone", "Suggested agenda items"],
                                      ["Sep 2016", "Prevention", None, "● Falls service update ● Agents review"]]})
    assert import_bytes(plan, "forward-plan.xlsx", "test-board", engine=engine).status == "ok"
    viewer = meetings_page(VIEWER, meeting="2016-09-27")
    assert not [b for b in viewer.button if b.label.startswith("Add the schedule's")]
    at = meetings_page(CHAIR, meeting="2016-09-27")
    button(at, "Add the schedule's 2 suggested item(s) to this agenda").click().run()
    assert not at.exception and not at.error
    agenda = mt.agenda(engine, board_id, sept)
    assert agenda[["number", "title", "workstreams"]].values.tolist() == [
        ["1", "Falls service update", "Prevention"], ["2", "Agents review", "Prevention"]]
    assert not [b for b in at.button if b.label.startswith("Add the schedule's")]  # nothing left to add


def test_a_meeting_with_no_time_venue_or_notes_shows_none_of_them_as_nan(board_with_meetings):
    """September has no time, venue or notes: the page leaves them out rather than printing 'nan'."""
    at = meetings_page(VIEWER, meeting="2016-09-27")
    shown = (text(at) + " " + " ".join(c.value for c in at.caption)).split()
    assert "Tuesday" in shown and "nan" not in shown and "None" not in shown


LONG_ACTION = ("Write to every practice in the Oakham locality about the falls pathway, the referral form and the "
               "new community physiotherapy slots, and report the replies to the September board")


@pytest.mark.slow
def test_the_decisions_and_action_log_show_each_long_wording_whole(engine, board_with_meetings):
    board_id, june, _ = board_with_meetings
    mt.add_action(engine, board_id, june, mt.ActionInput(LONG_ACTION, "Bernadette", date(2016, 9, 20), None, None),
                  by="tests")
    at = meetings_page(VIEWER, meeting="2016-06-28")
    open_tab(at, "Decisions")
    assert not at.dataframe  # a table that wraps, not a grid that cuts a long decision at its column's width
    [decisions] = [t.value for t in at.table]
    assert decisions["Decision"].tolist() == ["The business plans were approved."]
    open_tab(at, "Action log")
    assert not at.exception and not at.dataframe
    [log] = [t.value for t in at.table]
    assert LONG_ACTION in log["Action"].tolist()  # every word, where a grid showed the first forty characters
    assert set(log["Due"]) == {"31\u00a0Aug\u00a02016", "20\u00a0Sep\u00a02016"} and "None" not in log.to_numpy()
