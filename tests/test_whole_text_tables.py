"""Tables a board member reads show whole text: a long title wraps in a table (st.table), where a data grid cut it at
its column's width; a long list is capped with a sentence saying how many more there are and where they are, or
scrolls in a grid whose chosen row is written out in full beneath."""

from __future__ import annotations

import re

import pandas as pd
import pytest
from conftest import as_read, xlsx
from signed_in import open_page
from streamlit.testing.v1 import AppTest

from loaders import import_bytes

LONG_MILESTONE = ("Commission a single point of access for falls prevention across Oakham, Uppingham and the "
                  "villages, with community physiotherapy slots agreed with the clinical commissioning group")
LONG_RISK = ("Insufficient capacity in domiciliary care providers across the county leads to delayed transfers of "
             "care from the acute trust through the winter months")


def capped(rows: int) -> None:
    import pandas as pd

    from ui.tables import wrapping_table

    wrapping_table(pd.DataFrame({"title": [f"Risk number {n}" for n in range(rows)]}), name="Risks red or rising",
                   labels={"title": "Risk"}, cap=40, noun="risks red or rising", where="the Risks page lists every risk")


def whole_or_grid(rows: int) -> None:
    import pandas as pd

    from ui.row_detail import whole_or_detail

    whole_or_detail(pd.DataFrame({"title": [f"Action number {n}" for n in range(rows)], "owner": ["Jo"] * rows}),
                    up_to=40, key="actions", name="Action log", heading="title",
                    column_config={"title": "Action", "owner": "Owner"})


def test_a_capped_wrapping_table_says_how_many_more_and_where_and_a_long_list_scrolls_with_its_row_written_out():
    at = AppTest.from_function(capped, args=(45,)).run()
    assert len(at.table[0].value) == 40 and at.table[0].value["Risk"].iloc[-1] == "Risk number 39"
    assert [c.value for c in at.caption] == ["and 5 more risks red or rising — the Risks page lists every risk."]
    one_more = AppTest.from_function(capped, args=(41,)).run()
    assert [c.value for c in one_more.caption] == ["and 1 more risk red or rising — the Risks page lists every risk."]
    assert not AppTest.from_function(capped, args=(40,)).run().caption  # nothing left out, nothing said

    short = AppTest.from_function(whole_or_grid, args=(3,)).run()
    assert not short.dataframe and short.table[0].value.columns.tolist() == ["Action", "Owner"]
    long = AppTest.from_function(whole_or_grid, args=(41,)).run()
    assert not long.table and len(long.dataframe[0].value) == 41  # every row, in a grid that scrolls
    assert "Choose a row (the box at its left) to read it in full." in [c.value for c in long.caption]


@pytest.fixture
def long_texts(engine, board, app_database, monkeypatch):
    """The known board with an overdue milestone and a red risk whose titles run to two lines of a wide screen."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    plan = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                          ["S1", "Prevention", LONG_MILESTONE, "Aug 16", "In progress"]]})
    register = xlsx({"Register": [["Ref", "Priority", "Risk", "Likelihood", "Impact", "Owner"],
                                  ["R9", "Prevention", LONG_RISK, 5, 5, None],
                                  ["R10", "Prevention", "Falls service closes", 5, 4, "Jo Bloggs"]]})
    for data, name in ((plan, "plan.xlsx"), (register, "risks.xlsx")):
        assert import_bytes(data, name, "test-board", engine=engine).status == "ok"


def wrapped(at: AppTest, column: str) -> pd.DataFrame:
    """The wrapping table with this column, its cells as a person reads them."""
    return next(t.value for t in at.table if column in t.value.columns).map(as_read)


@pytest.mark.slow
def test_the_overviews_attention_lists_show_a_long_title_whole_and_a_blank_owner_as_a_dash(long_texts):
    at = open_page("overview.py", board="test-board", as_at="2016-09-27")
    assert not at.exception, at.exception
    milestones = wrapped(at, "When")
    assert LONG_MILESTONE in milestones["Milestone"].tolist()  # every word: a grid showed the first forty or so
    assert milestones["Due"].tolist() == ["31\u00a0Aug\u00a02016"]  # "Aug 16" read as its last day, never cut
    labels = [t.label for t in at.tabs]
    at.session_state[f"attention_test-board_{'|'.join(labels)}"] = next(x for x in labels if x.startswith("Risks"))
    at.run()
    risks = wrapped(at, "Why").set_index("Risk")
    assert risks.loc[LONG_RISK, "RAG"] == "Red" and risks.loc[LONG_RISK, "Owner"] == "—"  # never "None"
    assert risks.loc["Falls service closes", "Owner"] == "Jo Bloggs"
    assert not [d for d in at.dataframe if "title" in d.value.columns]  # no grid left on the attention tabs


@pytest.mark.slow
def test_the_upload_page_lists_each_change_and_each_header_reading_whole_before_loading(engine, board, app_database,
                                                                                        monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    plan = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                          ["S1", "Prevention", LONG_MILESTONE, "Aug 16", "In progress"]]})
    at = open_page("upload.py", board="test-board")
    at.file_uploader[0].set_value(("plan.xlsx", plan, "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    changes = wrapped(at, "Item")
    assert changes[changes["Change"] == "Added"]["Item"].tolist() == [LONG_MILESTONE]
    assert "Whole row" in changes["Field"].tolist()  # an added row names no field: said in words, not "None"
    headers = wrapped(at, "Your header")
    assert dict(zip(headers["Your header"], headers["Read as"], strict=True))["Milestone"] == "Title"
    assert wrapped(at, "Rows read")["Sheet"].tolist() == ["Plan"]


@pytest.mark.slow
def test_the_home_page_lists_many_boards_in_a_table_that_wraps_whole_names(engine, board, app_database, monkeypatch):
    from data_model.board_settings import add_board

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    name = "Mid and South Essex Health and Care Partnership Better Care Fund Joint Commissioning Board"
    for n in range(9):  # more boards than the home page draws as cards
        add_board(engine, f"board-{n}", f"{name} {n}", by="tests")
    at = open_page("boards.py")
    assert not at.exception, at.exception
    assert not [d for d in at.dataframe if "name" in d.value.columns]  # no grid cutting the names short
    boards = wrapped(at, "Board").set_index("Board")
    assert f"{name} 8" in boards.index and len(boards) == 10
    assert boards.loc[f"{name} 8", "Last upload"] == "—"  # nothing uploaded yet: a dash, never "NaT" or "None"
    assert boards.loc[f"{name} 8", "Milestones by RAG"] != "None"


@pytest.mark.slow
def test_the_audit_trail_lists_a_short_trail_whole_to_the_second_and_a_long_one_scrolls_with_each_event_in_full(
        engine, board, app_database, monkeypatch):
    from data_model import audit

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    detail = "Rutland tracker v12.xlsx: " + "; ".join(f"milestone M{n} due moved" for n in range(30))  # 700 chars
    audit.record_now(engine, "lead@test.example.org", "export", board_id=int(board["id"]), detail=detail)
    short = open_page("audit.py")
    assert not short.exception, short.exception
    trail = wrapped(short, "Detail")
    assert detail in trail["Detail"].tolist()  # every word of it: a grid cut it at its column's width
    assert all(re.fullmatch(r"\d{1,2}\u00a0\w{3}\u00a0\d{4}, \d\d:\d\d:\d\d", t) for t in trail["When (UTC)"])
    assert set(trail["Outcome"]) == {"Done"}  # in words, not the stored "ok"
    for n in range(45):
        audit.record_now(engine, "lead@test.example.org", "export", board_id=int(board["id"]), detail=f"board pack {n}")
    long = open_page("audit.py")
    assert not long.table and len(long.dataframe[0].value) > 45  # every event, in a grid that scrolls
    assert "Choose a row (the box at its left) to read it in full." in [c.value for c in long.caption]
