"""Meetings as the board runs them, on both databases: agendas, decisions, the action log carried forward as matters
arising, every write checked and audited, and the database's own hold on an action's status."""

from __future__ import annotations

from datetime import date, time

import pytest
from conftest import dump
from sqlalchemy import insert, select
from sqlalchemy.exc import IntegrityError

from data_model import audit, queries
from data_model import meetings as mt
from data_model.board_settings import add_meeting, set_meeting_status
from data_model.tables import Action, AuditEvent

BY = "chair@t.example.org"


@pytest.fixture
def held(engine, board):
    """Four meetings of the known board: June (held), July (cancelled), September and November 2016."""
    ids = {d: add_meeting(engine, board["id"], d, "Board meeting", by=BY, start_time=time(14, 0),
                          venue="Council Chamber")
           for d in (date(2016, 6, 28), date(2016, 7, 26), date(2016, 9, 27), date(2016, 11, 22))}
    set_meeting_status(engine, board["id"], ids[date(2016, 6, 28)], "held", by=BY)
    set_meeting_status(engine, board["id"], ids[date(2016, 7, 26)], "cancelled", by=BY)
    return board["id"], ids


def _workstream(engine, board_id: int, path: str) -> int:
    tree = queries.workstreams(engine, board_id)
    return int(tree[tree["path"] == path]["id"].iloc[0])


def test_an_agenda_keeps_its_numbers_report_numbers_purposes_and_workstreams(engine, held):
    board_id, ids = held
    june = ids[date(2016, 6, 28)]
    prevention = _workstream(engine, board_id, "Prevention")
    crisis = _workstream(engine, board_id, "Crisis")
    mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("10", "Points of access", "No.127/2016",
                                                                  "Mark Andrews", "endorsement", (crisis,)), by=BY)
    mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput(
        "5", "Better Care Fund 2016-2017", "Report No. 123/2016", "Mark Andrews and Sandra Taylor", "approval",
        (prevention, crisis)), by=BY)
    mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("1", "Apologies"), by=BY)
    agenda = mt.agenda(engine, board_id, june)
    # In the order they were added (the chair's order), each with what the papers print.
    assert agenda["number"].tolist() == ["10", "5", "1"]
    bcf = agenda.set_index("number").loc["5"]
    assert bcf["report_number"] == "123/2016" and mt.report_label(bcf["report_number"]) == "Report No. 123/2016"
    assert bcf["purpose"] == "approval" and mt.PURPOSES[bcf["purpose"]] == "For approval"
    assert bcf["workstreams"] == "Crisis, Prevention"
    assert agenda.set_index("number").loc["10", "report_number"] == "127/2016"
    listed = mt.meetings(engine, board_id).set_index("id").loc[june]
    assert listed["items"] == 3 and listed["venue"] == "Council Chamber" and listed["start_time"] == time(14, 0)


def test_decisions_are_recorded_against_their_item(engine, held):
    board_id, ids = held
    june = ids[date(2016, 6, 28)]
    item = mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("5", "Better Care Fund"), by=BY)
    mt.add_decision(engine, board_id, item, "The business plans were approved.", by=BY)
    mt.add_decision(engine, board_id, item, "A progress report comes to the November meeting.", by=BY)
    decided = mt.decisions(engine, board_id, june)
    assert decided["text"].tolist() == ["The business plans were approved.",
                                        "A progress report comes to the November meeting."]
    assert set(decided["item_number"]) == {"5"} and set(decided["recorded_by"]) == {BY}
    assert mt.decisions(engine, board_id, ids[date(2016, 9, 27)]).empty
    with pytest.raises(mt.MeetingError, match="stays on the agenda"):
        mt.remove_agenda_item(engine, board_id, item, by=BY)


def test_matters_arising_carry_open_actions_forward_and_drop_closed_ones(engine, held):
    board_id, ids = held
    june, sept, nov = ids[date(2016, 6, 28)], ids[date(2016, 9, 27)], ids[date(2016, 11, 22)]
    item = mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("5", "Better Care Fund"), by=BY)
    crisis = _workstream(engine, board_id, "Crisis")
    carried = mt.add_action(engine, board_id, june, mt.ActionInput("Progress report on the plan", "Bernadette",
                                                                    date(2016, 8, 31), None, item, crisis), by=BY)
    closed_early = mt.add_action(engine, board_id, june, mt.ActionInput("Submit the Section 75 agreement",
                                                                         "Mark", date(2016, 6, 30)), by=BY)
    closed_at_sept = mt.add_action(engine, board_id, june, mt.ActionInput("Review the terms of reference"), by=BY)
    mt.add_action(engine, board_id, sept, mt.ActionInput("Arising in September", "Tim", date(2016, 12, 1)), by=BY)
    mt.set_action_status(engine, board_id, closed_early, "done", by=BY, closed_on=date(2016, 7, 1))
    mt.set_action_status(engine, board_id, closed_at_sept, "dropped", by=BY, closed_on=date(2016, 9, 27))

    refs = {r.id: r.ref for r in mt.actions(engine, board_id).itertuples()}
    assert sorted(refs.values()) == ["1", "2", "3", "4"]  # the log numbers actions with no reference of their own

    # June's own actions are not matters arising at June.
    assert mt.matters_arising(engine, board_id, date(2016, 6, 28)).empty
    sept_arising = mt.matters_arising(engine, board_id, date(2016, 9, 27))
    assert sept_arising["title"].tolist() == ["Progress report on the plan", "Review the terms of reference"]
    first = sept_arising.iloc[0]
    assert first["overdue"] and first["item_number"] == "5" and first["workstream"] == "Crisis"
    assert first["meetings_carried"] == 0  # July was cancelled: nothing carried it
    # Closed at the September meeting: heard there, gone from November's.
    nov_arising = mt.matters_arising(engine, board_id, date(2016, 11, 22))
    assert nov_arising["title"].tolist() == ["Progress report on the plan", "Arising in September"]
    assert nov_arising.set_index("title").loc["Progress report on the plan", "meetings_carried"] == 1
    assert not nov_arising.set_index("title").loc["Arising in September", "overdue"]

    # Done after November: still heard at November, not after; reopened, it comes back.
    mt.set_action_status(engine, board_id, carried, "done", by=BY, closed_on=date(2016, 12, 5))
    assert "Progress report on the plan" in set(mt.matters_arising(engine, board_id, date(2016, 11, 22))["title"])
    assert "Progress report on the plan" not in set(mt.matters_arising(engine, board_id, date(2017, 1, 17))["title"])
    mt.set_action_status(engine, board_id, carried, "open", by=BY)
    assert "Progress report on the plan" in set(mt.matters_arising(engine, board_id, date(2017, 1, 17))["title"])
    assert mt.actions(engine, board_id, nov).empty


def test_refused_changes_say_why_and_write_nothing(engine, held, board):
    board_id, ids = held
    june = ids[date(2016, 6, 28)]
    item = mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("5", "Better Care Fund"), by=BY)
    action = mt.add_action(engine, board_id, june, mt.ActionInput("Report back", ref="A1"), by=BY)
    other = queries.board(engine, "test-board")["id"] + 1000
    before = dump(engine)
    refusals = [
        (lambda: mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("5", "Again"), by=BY),
         "already has an item 5"),
        (lambda: mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("6", " "), by=BY), "Give the item"),
        (lambda: mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("6", "X", "see appendix"), by=BY),
         "not a report number"),
        (lambda: mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("6", "X", purpose="vote"), by=BY),
         "not a purpose"),
        (lambda: mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("6", "X", workstream_ids=(99999,)),
                                    by=BY), "not one of this board's"),
        (lambda: mt.add_agenda_item(engine, other, june, mt.AgendaItemInput("6", "X"), by=BY), "not on this board"),
        (lambda: mt.add_decision(engine, other, item, "Approved", by=BY), "not on this board"),
        (lambda: mt.add_action(engine, board_id, june, mt.ActionInput("Twice", ref="A1"), by=BY), "already has"),
        (lambda: mt.add_action(engine, board_id, ids[date(2016, 9, 27)], mt.ActionInput("Wrong item", None, None,
                                                                                         None, item), by=BY),
         "not on the agenda of the meeting"),
        (lambda: mt.set_action_status(engine, board_id, action, "done", by=BY, closed_on=date(2016, 1, 1)),
         "can't have closed"),
        (lambda: mt.set_action_status(engine, board_id, action, "finished", by=BY), "not an action status"),
        (lambda: mt.set_action_status(engine, other, action, "done", by=BY), "not on this board"),
        (lambda: mt.update_meeting(engine, board_id, june, mt.MeetingDetails(date(2016, 9, 27), "Board meeting"),
                                   by=BY), "already a meeting"),
        (lambda: mt.add_action(engine, board_id, june, mt.ActionInput("x" * 600), by=BY), "keep it under"),
    ]
    for write, words in refusals:
        with pytest.raises(mt.MeetingError, match=words):
            write()
    assert dump(engine) == before


def test_every_change_is_audited_and_moves_the_data_version(engine, held):
    board_id, ids = held
    june = ids[date(2016, 6, 28)]
    version = queries.data_version(engine)
    item = mt.add_agenda_item(engine, board_id, june, mt.AgendaItemInput("5", "Better Care Fund"), by=BY)
    assert queries.data_version(engine) != version  # every server's page cache sees the new item
    mt.update_agenda_item(engine, board_id, item, mt.AgendaItemInput("5", "Better Care Fund 2016-17"), by=BY)
    mt.add_decision(engine, board_id, item, "Approved.", by=BY)
    action = mt.add_action(engine, board_id, june, mt.ActionInput("Report back", "Mark"), by=BY)
    mt.update_action(engine, board_id, action, mt.ActionInput("Report back in September", "Mark"), by=BY)
    mt.set_action_status(engine, board_id, action, "done", by=BY, closed_on=date(2016, 9, 27))
    mt.update_meeting(engine, board_id, june, mt.MeetingDetails(date(2016, 6, 28), "Board meeting", time(10, 0),
                                                                "Committee Room 1"), by=BY)
    events = audit.events(engine, boards={board_id}, action="meeting_change")
    details = " | ".join(events["detail"])
    for words in ("agenda item 5 added", "agenda item 5 changed", "decision recorded on item 5", "action 1 opened",
                  "title: Report back → Report back in September", "action 1: open → done on 2016-09-27",
                  "start_time: 14:00 → 10:00", "venue: Council Chamber → Committee Room 1"):
        assert words in details, words
    assert set(events["actor"]) == {BY}


def test_the_database_refuses_an_action_status_the_app_would_not_write(engine, held):
    board_id, ids = held
    table = Action.__table__
    base = {"board_id": board_id, "meeting_id": ids[date(2016, 6, 28)], "title": "Direct"}
    for bad in ({"status": "finished", "closed_on": date(2016, 7, 1)}, {"status": "done", "closed_on": None},
                {"status": "open", "closed_on": date(2016, 7, 1)}):
        with pytest.raises(IntegrityError), engine.begin() as conn:
            conn.execute(insert(table).values(**base, **bad))
    with engine.connect() as conn:
        assert conn.execute(select(table.c.id)).first() is None
        assert conn.execute(select(AuditEvent.id).where(AuditEvent.detail.like("%Direct%"))).first() is None


@pytest.mark.parametrize(("written", "stored"), [("Report No. 123/2016", "123/2016"), ("No.130/2016", "130/2016"),
                                                 ("123/2016", "123/2016"), ("report number: HWB/16/07", "HWB/16/07"),
                                                 ("", None)])
def test_report_numbers_read_as_the_papers_write_them(written, stored):
    assert mt.parse_report_number(written) == stored
