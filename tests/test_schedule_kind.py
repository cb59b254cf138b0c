"""The reporting schedule, the fifth tracker kind: read by the same loaders with the same error and warning rules,
stored with its provenance, and placed against the board's meetings on the forward plan."""

from __future__ import annotations

from datetime import date

import pytest
from conftest import dump, xlsx
from sqlalchemy import select

from data_model import forward_plan
from data_model.board_settings import add_meeting, set_meeting_status
from data_model.rollups import Filters
from data_model.tables import ScheduleItem
from loaders import analyse, import_bytes
from loaders.kinds import MILESTONES, SCHEDULE

SI = ScheduleItem.__table__
HEADER = ["Month", "Priority", "Identified milestone", "Suggested agenda items"]


def schedule(*rows: list[object], title: bool = True) -> bytes:
    top = [["Possible Meeting Schedule September 2008 – March 2009"], []] if title else []
    return xlsx({"Meeting schedule": [*top, HEADER, *rows]})


GOOD = schedule(
    ["Oct 2008", "Board", "◆ Board proposal to CYPP ◆ ContactPoint DCSF RA 6", None],
    ["Nov 2008", "Board", "◆ First meeting of the Board",
     '<ul style="list-style-type: none"> ● Agreement of Terms of Reference ● Overview of all projects </ul>'],
    ["Aug 2009", "Board", None, None],  # nothing due: not a row of the plan
    [date(2009, 1, 20), "Test Beds", None, "● Reports from Test Beds ● Lead Professional development"],
)


def test_a_schedule_is_detected_and_read_with_its_bullets_as_items():
    a = analyse(GOOD, "forward-plan.xlsx")
    assert a.kind is SCHEDULE and a.ok, [e.message for e in a.errors]
    assert a.warnings == []
    records = a.public_records()
    assert [(r["month"], r["workstream"]) for r in records] == [
        (date(2008, 10, 1), "Board"), (date(2008, 11, 1), "Board"), (date(2009, 1, 1), "Test Beds")]
    assert list(records[0]["milestones"]) == ["Board proposal to CYPP", "ContactPoint DCSF RA 6"]
    assert list(records[1]["agenda_items"]) == ["Agreement of Terms of Reference", "Overview of all projects"]


def test_a_milestone_tracker_with_a_month_column_stays_a_milestone_tracker():
    plan = xlsx({"Plan": [["Ref", "Milestone", "Month", "Status"], ["M1", "Open the hub", "Nov 2008", "Complete"]]})
    assert analyse(plan, "plan.xlsx").kind is MILESTONES


def test_a_schedule_loads_into_the_board_and_again_changes_nothing(engine, board):
    first = import_bytes(GOOD, "forward-plan.xlsx", "test-board", engine=engine)
    assert first.status == "ok" and first.changes == {"added": 3, "updated": 0, "removed": 0, "unchanged": 0}
    with engine.connect() as conn:
        rows = conn.execute(select(SI.c.month, SI.c.month_label, SI.c.agenda_items, SI.c.source_sheet, SI.c.source_row,
                                   SI.c.month_raw).order_by(SI.c.month)).all()
    assert [(r.month_label, r.source_sheet, r.source_row) for r in rows] == [
        ("October 2008", "Meeting schedule", 4), ("November 2008", "Meeting schedule", 5),
        ("January 2009", "Meeting schedule", 7)]
    assert rows[1].agenda_items == "Agreement of Terms of Reference\nOverview of all projects"
    assert rows[0].month_raw == "Oct 2008"
    again = import_bytes(GOOD, "forward-plan.xlsx", "test-board", engine=engine)
    assert again.changes == {"added": 0, "updated": 0, "removed": 0, "unchanged": 3}
    revised = schedule(["Nov 2008", "Board", "◆ First meeting of the Board", "● Agreement of Terms of Reference"],
                       [date(2009, 1, 20), "Test Beds", None, "● Reports from Test Beds ● Lead Professional development"])
    third = import_bytes(revised, "forward-plan.xlsx", "test-board", engine=engine)
    assert third.changes == {"added": 0, "updated": 1, "removed": 1, "unchanged": 1}


@pytest.mark.slow
def test_errors_reject_the_whole_schedule_and_write_nothing(engine, board):
    before = dump(engine)
    for bad, words in [
        (schedule(["Nov 2008", "Board", None, "● Terms of Reference"], ["Spring", "Board", None, "● Something"]),
         "'Spring' is not a month"),
        (schedule(["Nov 2008", "Board", None, "● Terms of Reference"], [None, "Board", "◆ Undated", "● Orphan"]),
         "no month"),
    ]:
        result = import_bytes(bad, "forward-plan.xlsx", "test-board", engine=engine)
        assert result.status == "rejected", words
        assert any(words in e.message for e in result.analysis.errors), [e.message for e in result.analysis.errors]
        assert dump(engine) == before


def test_a_quarter_or_a_repeated_month_is_loaded_with_a_warning(engine, board):
    data = schedule(["Q3 2016/17", "Board", None, "● Mid-year review"],
                    ["Dec 2009", "Board", None, "● Reports from Test Beds"],
                    ["Dec 2009", "Board", None, "● Review Test Bed recommendations"])
    result = import_bytes(data, "forward-plan.xlsx", "test-board", engine=engine)
    assert result.status == "ok"
    words = [(w.row, w.message) for w in result.analysis.warnings]
    assert any(row == 4 and "is a quarter, not a month" in m and "October 2016" in m for row, m in words), words
    assert any(row == 6 and "appears more than once (first at row 5)" in m for row, m in words), words
    with engine.connect() as conn:
        assert conn.execute(select(SI.c.id)).all().__len__() == 3


def test_the_forward_plan_places_each_month_against_the_meeting_that_hears_it(engine, board):
    assert import_bytes(GOOD, "forward-plan.xlsx", "test-board", engine=engine).status == "ok"
    board_id = board["id"]
    for d in (date(2008, 10, 15), date(2008, 11, 19), date(2008, 12, 17), date(2009, 1, 21), date(2009, 2, 18)):
        add_meeting(engine, board_id, d, "Board meeting", by="tests")
    jan = next(iter(forward_plan.meetings_ahead(engine, board_id, date(2009, 1, 21))["id"]))
    set_meeting_status(engine, board_id, int(jan), "cancelled", by="tests")
    ahead = [date(2008, 11, 19), date(2008, 12, 17), date(2009, 2, 18)]
    plan = forward_plan.schedule_before_meetings(engine, Filters(board_id, as_at=date(2008, 11, 1)), ahead)
    # October's month went to October's meeting (not asked for); January's, its meeting cancelled, to February's.
    assert [(r.meeting, r.month_label) for r in plan.itertuples()] == [
        (date(2008, 11, 19), "November 2008"), (date(2009, 2, 18), "January 2009")]
    assert plan.iloc[1]["agenda_items"] == ["Reports from Test Beds", "Lead Professional development"]
    assert plan.iloc[1]["top"] == "Test Beds"
    assert forward_plan.schedule_before_meetings(engine, Filters(board_id), []).empty
