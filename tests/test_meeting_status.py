"""A meeting whose date has passed but which nobody marked held or cancelled reads as such, not as "planned", on the
Meetings page, the Forward plan and Board settings; the stored status is left for the chair to change. The sample
boards' past meetings are held, as their history has them."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from conftest import as_read
from signed_in import open_page

from data_model import accounts, open_database, queries
from data_model import meetings as mt
from data_model.board_settings import add_meeting, set_meeting_status
from data_model.snapshots import list_snapshots, snapshot_source
from sample_data import SAMPLE_BOARDS
from sample_data.meetings import NO_PAPERS

CHAIR, VIEWER = "chair@t.example.org", "viewer@t.example.org"
PASSED = "Date passed: not yet marked held or cancelled"


@pytest.fixture
def three_meetings(engine, board, app_database, monkeypatch):
    """The known board with a past meeting never marked, a past one held, and one still to come."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    for email, role in ((CHAIR, "chair"), (VIEWER, "viewer")):
        accounts.add_user(engine, email, by="tests")
        accounts.grant(engine, email, "test-board", role, by="tests")
    ahead = date.today() + timedelta(days=40)
    ids = {d: add_meeting(engine, board["id"], d, "Board meeting", by="tests")
           for d in (date(2016, 6, 28), date(2016, 9, 27), ahead)}
    set_meeting_status(engine, board["id"], ids[date(2016, 6, 28)], "held", by="tests")
    return board["id"], ids, ahead


def read(at) -> str:
    return as_read(" ".join(m.value for m in [*at.markdown, *at.caption, *at.warning])).replace("**", "")


def statuses(engine, board_id: int) -> dict[date, str]:
    return dict(zip(mt.meetings(engine, board_id)["date"], mt.meetings(engine, board_id)["status"], strict=True))


@pytest.mark.slow
def test_a_past_meeting_never_marked_says_so_and_the_chair_is_told_where_to_mark_it(engine, three_meetings):
    board_id, ids, ahead = three_meetings
    before = statuses(engine, board_id)

    viewer = open_page("meetings.py", email=VIEWER, board="test-board", meeting="2016-09-27")
    assert not viewer.exception, viewer.exception
    shown = read(viewer)
    assert f"Board meeting · {PASSED}" in shown and "· Planned" not in shown
    assert "nobody has marked it held or cancelled yet. The board's chair marks it on this page." in shown
    picker = viewer.selectbox(key="meeting_pick_test-board")
    assert picker.format_func(ids[date(2016, 9, 27)]).endswith("(date passed, not marked held or cancelled)")
    assert picker.format_func(ids[date(2016, 6, 28)]).endswith("(held)")
    assert picker.format_func(ids[ahead]) == f"{ahead:%-d %b %Y} — Board meeting"  # still to come: no status

    coming = open_page("meetings.py", email=VIEWER, board="test-board", meeting=ahead.isoformat())
    assert "Board meeting · Planned" in read(coming) and PASSED not in read(coming)

    chair = open_page("meetings.py", email=CHAIR, board="test-board", meeting="2016-09-27")
    assert "Set its status under Manage this meeting › Date, time, venue and status below." in read(chair)
    assert "1 meeting whose date has passed is not yet marked held or cancelled: 27 Sep 2016." in read(chair)
    assert statuses(engine, board_id) == before  # reading says it; only the chair's choice changes what is stored

    key = f"test-board_{ids[date(2016, 9, 27)]}"
    chair.session_state["meeting_manage_test-board_details"] = True  # the chair opens the section: its form shows
    chair.run()
    chair.selectbox(key=f"md_status_{key}").set_value("held")
    next(b for b in chair.button if b.label == "Save the meeting").click().run()
    assert not chair.exception and not chair.error, [e.value for e in chair.error]
    assert statuses(engine, board_id)[date(2016, 9, 27)] == "held"
    assert "Board meeting · Held" in read(chair) and PASSED not in read(chair)


@pytest.mark.slow
def test_the_forward_plan_and_board_settings_say_a_past_meeting_is_not_marked(engine, three_meetings):
    board_id, ids, ahead = three_meetings
    plan = open_page("forward_plan.py", email=VIEWER, board="test-board", as_at="2016-09-01")
    assert not plan.exception, plan.exception
    shown = read(plan)
    assert f"Tuesday 27 September 2016 — Board meeting · {PASSED}" in shown
    assert "Its date has passed but it is still recorded as planned" in shown
    assert f"{ahead:%A %-d %B %Y} — Board meeting" in shown
    assert f"{ahead:%A %-d %B %Y} — Board meeting ·" not in shown  # a meeting still to come needs no status

    settings = open_page("board_settings.py", email=CHAIR, board="test-board")
    assert not settings.exception, settings.exception
    listed = next(df.value for df in settings.table if "Status" in df.value.columns)  # a table that wraps
    assert dict(zip(listed["Date"], listed["Status"], strict=True)) == {
        "28\u00a0Jun\u00a02016": "Held", "27\u00a0Sep\u00a02016": PASSED,
        f"{ahead.day}\u00a0{ahead:%b}\u00a0{ahead.year}": "Planned"}


@pytest.mark.slow  # the sample boards
def test_the_sample_boards_past_meetings_are_held_as_their_history_has_them(sample_boards):
    engine = open_database(sample_boards)
    try:
        for sample in SAMPLE_BOARDS:
            board_id = int(queries.board(engine, sample.slug)["id"])
            listed = mt.meetings(engine, board_id)
            past = listed[listed["date"] < date.today()]
            assert len(past) == len(sample.meetings)
            assert set(past["status"]) == {"held"}, (sample.slug, past[["date", "status"]])
            # A meeting the papers hold no agenda for says so, rather than inventing minutes.
            bare = past[past["items"] == 0]
            assert (bare["notes"] == NO_PAPERS).all(), sample.slug
        rutland = int(queries.board(engine, "rutland-hwb")["id"])
        assert mt.meetings(engine, rutland).set_index("date").loc[date(2016, 3, 22), "notes"] == NO_PAPERS
        # Marked on its day: the snapshot frozen for June's meeting shows March's held, June's still to come.
        june = next(s for s in list_snapshots(engine, rutland) if s.meeting == date(2016, 6, 28))
        frozen = mt.meetings(snapshot_source(engine, june.id), rutland).set_index("date")["status"]
        assert (frozen[date(2016, 3, 22)], frozen[date(2016, 6, 28)]) == ("held", "planned")
        assert mt.meeting_status_words("planned", date(2016, 6, 28), mt.status_day(june.taken_at)) == "Planned"
    finally:
        engine.dispose()
