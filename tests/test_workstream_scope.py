"""A lead changes only rows inside their own workstreams, however the file spells them.

The board holds "Children & Young People" (loaded by an administrator) beside "Children". A lead granted
"Children" tries look-alike names, other cases and separators, two-level files and new workstreams: every
attempt that would touch another workstream is refused whole with nothing written, and the ones inside
their grant land where the board already keeps them.
"""

from __future__ import annotations

import pytest
from conftest import dump, xlsx
from sqlalchemy import select

from data_model.permissions import Actor, Grant
from data_model.tables import Board, Milestone, Workstream
from loaders import import_bytes

HEADER = ["Ref", "Priority", "Milestone", "Owner", "Due"]
BOARD = "scope-board"


@pytest.fixture
def board(engine):
    """Two top-level workstreams whose names fold alike, loaded by an administrator (no actor)."""
    data = xlsx({"Plan": [HEADER,
                          ["M1", "Children & Young People", "Open the family hub", "Ann", "Sept 2016"],
                          ["M2", "Children & Young People", "Recruit youth workers", "Ann", "Dec 2016"],
                          ["C1", "Children", "Review early help", "Bea", "Oct 2016"]]})
    assert import_bytes(data, "plan.xlsx", BOARD, engine=engine).status == "ok"
    with engine.connect() as conn:
        board_id = conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == BOARD)).scalar_one()
    return board_id


def lead(board_id: int, *workstreams: str) -> Actor:
    return Actor(user_id=99, email="lead@scope.example.org", grants=(Grant(board_id, "lead", workstreams),))


def milestones(engine) -> dict[str, tuple[str, str, str]]:
    ms, ws = Milestone.__table__, Workstream.__table__
    with engine.connect() as conn:
        rows = conn.execute(select(ms.c.ref, ms.c.title, ms.c.owner, ws.c.path)
                            .join(ws, ws.c.id == ms.c.workstream_id).where(ms.c.removed_upload_id.is_(None)))
        return {r.ref: (r.title, r.owner, r.path) for r in rows}


def top_levels(engine) -> list[str]:
    ws = Workstream.__table__
    with engine.connect() as conn:
        return sorted(conn.execute(select(ws.c.path).where(ws.c.level == 1)).scalars())


REFUSED = [
    pytest.param([["M1", "Children › Young People", "Open the family hub", "Mallory", "Jan 2017"]],
                 id="separator-in-a-name-folds-to-another-workstream"),
    pytest.param([["M1", "children & young people", "Open the family hub", "Mallory", "Jan 2017"]],
                 id="another-workstream-in-lower-case"),
    pytest.param([["M1", "Children, Young People", "Open the family hub", "Mallory", "Jan 2017"]],
                 id="another-workstream-punctuated-differently"),
    pytest.param([["A1", "Adults", "A new workstream", "Mallory", "Jan 2017"]],
                 id="an-ungranted-new-top-level-workstream"),
    # First, so no workstream fills down into it from a row above.
    pytest.param([["X9", "", "A row with no workstream", "Mallory", "Jan 2017"],
                  ["C1", "Children", "Review early help", "Bea", "Oct 2016"]],
                 id="a-row-with-no-workstream"),
]


@pytest.mark.parametrize("rows", REFUSED)
def test_a_look_alike_workstream_is_refused_and_nothing_is_written(engine, board, rows):
    before = dump(engine)
    result = import_bytes(xlsx({"Plan": [HEADER, *rows]}), "lead.xlsx", BOARD, engine=engine,
                          actor=lead(board, "Children"))
    assert result.status == "rejected"
    assert any(e.code == "not_allowed" for e in result.analysis.errors), result.analysis.errors
    assert dump(engine) == before


def test_a_refusal_names_the_rows_that_are_not_the_lead_s_in_words(engine, board):
    def refusal(rows: list[list]) -> str:
        result = import_bytes(xlsx({"Plan": [HEADER, *rows]}), "lead.xlsx", BOARD, engine=engine,
                              actor=lead(board, "Children"))
        return next(e.message for e in result.analysis.errors if e.code == "not_allowed")

    mixed = refusal([["X9", "", "A row with no workstream", "Mallory", "Jan 2017"],
                     ["A1", "Adults", "A new workstream", "Mallory", "Jan 2017"],
                     ["C1", "Children", "Review early help", "Bea", "Oct 2016"]])
    assert mixed.startswith("This file also has rows for Adults and rows with no workstream, but on ")
    assert "you upload only for Children. Nothing was loaded." in mixed
    none_theirs = refusal([["A1", "Adults", "A new workstream", "Mallory", "Jan 2017"]])
    assert none_theirs.startswith("None of this file's rows are for your workstreams on ")
    assert "(Children): it has rows for Adults. Nothing was loaded." in none_theirs


def test_a_lead_s_own_workstream_in_another_case_lands_in_the_board_s_workstream(engine, board):
    data = xlsx({"Plan": [HEADER, ["C1", "CHILDREN", "Review early help", "Bea (acting)", "Oct 2016"]]})
    result = import_bytes(data, "lead.xlsx", BOARD, engine=engine, actor=lead(board, "children"))
    assert result.status == "ok", result.analysis.errors
    assert result.changes["updated"] == 1 and result.changes["added"] == 0
    assert milestones(engine)["C1"] == ("Review early help", "Bea (acting)", "Children")
    assert top_levels(engine) == ["Children", "Children & Young People"]  # no third spelling was created


def test_a_two_level_tracker_stays_inside_its_own_workstream(engine, board):
    data = xlsx({"Plan": [["Ref", "Priority", "Scheme", "Milestone", "Owner", "Due"],
                          ["C1", "Children", "Early help", "Review early help", "Bea", "Oct 2016"],
                          ["C2", "Children", "Young People", "Youth offer agreed", "Bea", "Nov 2016"]]})
    result = import_bytes(data, "lead.xlsx", BOARD, engine=engine, actor=lead(board, "Children"))
    assert result.status == "ok", result.analysis.errors
    stored = milestones(engine)
    assert stored["C2"] == ("Youth offer agreed", "Bea", "Children › Young People")
    # The other workstream's rows are untouched: not moved, not removed.
    assert stored["M1"] == ("Open the family hub", "Ann", "Children & Young People")
    assert stored["M2"] == ("Recruit youth workers", "Ann", "Children & Young People")


def test_a_lead_s_file_removes_rows_only_in_their_workstream(engine, board):
    data = xlsx({"Plan": [HEADER, ["C7", "Children", "A different milestone", "Bea", "Mar 2017"]]})
    result = import_bytes(data, "lead.xlsx", BOARD, engine=engine, actor=lead(board, "Children"))
    assert result.status == "ok", result.analysis.errors
    assert result.changes == {"added": 1, "updated": 0, "removed": 1, "unchanged": 0}
    assert set(milestones(engine)) == {"M1", "M2", "C7"}


@pytest.mark.slow
def test_the_preview_refuses_what_the_load_would_refuse(engine, board):
    """The dry run (the upload page's preview) applies the same check, and writes nothing."""
    before = dump(engine)
    data = xlsx({"Plan": [HEADER, ["M1", "Children › Young People", "Open the family hub", "Mallory", "Jan 2017"]]})
    preview = import_bytes(data, "lead.xlsx", BOARD, engine=engine, actor=lead(board, "Children"), dry_run=True)
    assert preview.status == "rejected"
    assert dump(engine) == before
