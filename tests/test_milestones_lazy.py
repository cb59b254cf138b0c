"""A large board's Milestones page opens with its workstreams closed and draws a workstream's timeline and table only
once it is opened (AppTest, both databases): the page stays quick however many milestones a board has, and an
opened workstream shows everything it did before."""

from __future__ import annotations

import json

import pytest
from conftest import xlsx
from signed_in import open_page

from data_model.board_settings import add_board
from loaders import import_bytes

# 70 milestones (over the 60 a page opens with every workstream open) in two workstreams.
MANY = xlsx({"Plan": [
    ["Ref", "Priority", "Milestone", "Due", "Status"],
    *[[f"M{n}", "Prevention" if n % 2 else "Crisis response", f"Milestone number {n}", f"{1 + n % 12:02d}/03/2017",
       "In progress"] for n in range(70)],
]})


def timelines(at) -> list[dict]:
    """The charts drawn on the page, as their Vega-Lite specs."""
    return [json.loads(e.proto.spec) for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


@pytest.mark.slow  # page runs
def test_a_closed_workstream_draws_its_timeline_and_table_only_once_opened(engine, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    add_board(engine, "big-board", "A board with many milestones", by="tests")
    assert import_bytes(MANY, "many.xlsx", "big-board", engine=engine, kind="milestones").status == "ok"

    at = open_page("milestones.py", board="big-board", as_at="2017-01-01")
    assert not at.exception, at.exception
    assert [(m.label, m.value) for m in at.metric][:1] == [("Milestones", "70")]
    sections = [e for e in at.expander if "milestones" in e.label]
    assert sorted(e.label for e in sections) == ["Crisis response — 35 milestones", "Prevention — 35 milestones"]
    assert not timelines(at) and not at.dataframe  # closed: nothing drawn, nothing sent
    assert all("Open to see its timeline and table." in [c.value for c in e.caption] for e in sections)

    at.session_state["milestones_open_big-board_Prevention"] = True  # the person opens one workstream
    at.run()
    assert not at.exception, at.exception
    assert len(timelines(at)) == 1
    shown = [df.value for df in at.dataframe]
    assert len(shown) == 1 and len(shown[0]) == 35
    assert set(shown[0]["title"]) == {f"Milestone number {n}" for n in range(1, 70, 2)}
