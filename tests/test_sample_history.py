"""The sample boards' dated history: trackers uploaded in dated versions before their meetings, a chair's snapshot at
each past meeting, what changed between two meetings true to what the history changed, and old boards opening as at
their latest meeting, with a date picker that reaches back to their first date."""

from __future__ import annotations

import json
from datetime import date

import pytest
from conftest import xlsx
from signed_in import open_page
from sqlalchemy import select

from data_model import cli as data_model_cli
from data_model import open_database, queries
from data_model.board_dates import board_dates
from data_model.snapshots import list_snapshots
from data_model.tables import Upload
from loaders import import_bytes
from sample_data import SAMPLE_BOARDS
from sample_data.history import ILLUSTRATIVE_BY
from sample_data.timeline import CHAIR

UP = Upload.__table__


@pytest.fixture
def samples(sample_boards: str):
    engine = open_database(sample_boards)
    yield engine
    engine.dispose()


@pytest.mark.slow  # reads every sample board
def test_each_board_has_dated_uploads_before_its_meetings_and_a_snapshot_per_meeting(samples):
    for board in SAMPLE_BOARDS:
        board_id = queries.board(samples, board.slug)["id"]
        with samples.connect() as conn:
            uploads = conn.execute(select(UP.c.uploaded_at, UP.c.file_name, UP.c.uploaded_by)
                                   .where(UP.c.board_id == board_id).order_by(UP.c.uploaded_at)).all()
        days = sorted({u.uploaded_at.date() for u in uploads})
        assert len(days) >= 2, board.slug
        assert all(d < max(board.meetings) for d in days), board.slug  # every one before a meeting, none today
        earlier = [u for u in uploads if u.uploaded_by == ILLUSTRATIVE_BY]
        assert earlier and all("(illustrative, as at " in u.file_name for u in earlier), board.slug

        snapshots = sorted(list_snapshots(samples, board_id), key=lambda s: s.id)
        assert [s.meeting for s in snapshots] == sorted(board.meetings), board.slug  # one per meeting, in date order
        assert all(s.taken_by == CHAIR and s.taken_at.date() == s.meeting == s.as_at for s in snapshots)


@pytest.mark.slow
def test_what_changed_between_two_rutland_meetings_is_what_the_history_changed(sample_boards, cli):
    """Between June and September 2016 Rutland's lead uploaded the trackers as at 20 September: the monthly figures
    for June to August arrived, and milestones that had not started in June were under way."""
    proc = cli(data_model_cli.main, "snapshot", "diff", "--board", "rutland-hwb", "2016-06-28", "2016-09-27",
               "--json", "--db", sample_boards)
    assert proc.returncode == 0, proc.stdout
    diff = json.loads(proc.stdout)
    new_values = {(m["name"], m["after"]["period"]) for m in diff["metrics"]["new_values"]}
    assert ("Non-elective admissions per month", "2016-07") in new_values
    assert ("Falls admissions of over 65s per month", "2016-08") in new_values
    assert ("People reabled still at home 91 days after discharge", "2016-17 Q1") in new_values
    assert not {p for _n, p in new_values} & {"2016-09", "2016-10", "2016-11", "2016-12", "2016-17 Q2"}  # not yet
    change = diff["metrics"]["new_values"][0]
    assert change["file"] == "bcf-metrics (illustrative, as at 20 Sep 2016).xlsx"
    assert change["uploaded_by"] == ILLUSTRATIVE_BY
    started = {m["title"] for m in diff["milestones"]["rag_changed"]} | {
        m["title"] for group in diff["milestones"].values() for m in group}
    assert started, "milestones under way by September were not in June"


@pytest.mark.slow
def test_the_risk_rescored_down_in_the_latest_tracker_shows_between_the_last_two_meetings(sample_boards, cli):
    proc = cli(data_model_cli.main, "snapshot", "diff", "--board", "rutland-hwb", "2017-01-17", "2017-03-21",
               "--json", "--db", sample_boards)
    diff = json.loads(proc.stdout)
    down = diff["risks"]["score_down"]
    assert len(down) == 1 and down[0]["file"] == "bcf-risks.xlsx"
    assert down[0]["before"]["score"] > down[0]["after"]["score"]


@pytest.mark.slow
def test_an_old_board_opens_as_at_its_latest_meeting_and_says_so(sample_boards, app_database, monkeypatch):
    at = open_page("overview.py", board="rutland-hwb")
    assert not at.exception
    picker = next(d for d in at.sidebar.date_input if d.label == "As at")
    assert picker.value == date(2017, 3, 21)
    notes = " ".join(i.value for i in at.sidebar.info)
    assert ("This board's milestones, meetings and metrics end on 31 Dec 2018, before today, so it opens as at its "
            "last meeting on record, 21 Mar 2017. Pick another date to change.") in notes
    # The picker reaches the board's first dated milestone, meeting, upload or metric period (April 2014's figures).
    engine = open_database(sample_boards)
    try:
        earliest = board_dates(engine, queries.board(engine, "rutland-hwb")["id"]).earliest
    finally:
        engine.dispose()
    assert earliest == date(2014, 4, 1)
    assert picker.min <= earliest and picker.max >= date.today()
    picker.set_value(date(2014, 6, 30)).run()  # more than ten years back: accepted
    assert not at.exception and at.query_params["as_at"] == "2014-06-30"
    assert "so it opens as at" not in " ".join(i.value for i in at.sidebar.info)


def test_an_old_trackers_upload_today_leaves_the_board_opening_at_the_datas_own_time(engine, board):
    """Judged by the dates the data names, not when it arrived: a lead loading a 2016 tracker today must not move
    the board to today, where every milestone would read overdue."""
    plan = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                          ["S1", "Prevention", "Falls pathway agreed", "Aug 16", "In progress"]]})
    assert import_bytes(plan, "plan.xlsx", "test-board", engine=engine).status == "ok"
    dates = board_dates(engine, queries.board(engine, "test-board")["id"])
    assert dates.newest_upload == date.today()
    assert dates.opening_as_at(date.today()) == dates.data_latest >= date(2016, 8, 31)
    assert dates.opening_as_at(dates.data_latest.replace(year=dates.data_latest.year + 1)) is None  # a year on: today


@pytest.mark.slow
def test_the_home_pages_board_cards_count_rag_as_at_the_date_each_board_opens_at(sample_boards, app_database):
    at = open_page("boards.py")
    assert not at.exception
    shown = " ".join(m.value for m in at.markdown)
    assert "*RAG as at 21 March 2017*" in shown  # Rutland's latest meeting, as its Overview opens: not today
    assert f"RAG as at {date.today().day} {date.today():%B %Y}" not in shown  # no sample board's data runs to today
    assert "each board's RAG as at the date its Overview opens at" in " ".join(c.value for c in at.caption)
