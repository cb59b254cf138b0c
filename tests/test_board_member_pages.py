"""What a board member, a lead and an admin read on the home page, the sidebar, the Users page and the registers
(AppTest, both databases): board cards that open their board and give its RAG in words; one board picker, whose
choice the Users page follows; the lead's own RAG kept beside the rule's."""

from __future__ import annotations

import pandas as pd
import pytest
from conftest import AS_AT, as_read, xlsx
from signed_in import open_page

from data_model import accounts
from data_model.board_settings import add_board
from data_model.rag import RagRules
from data_model.rollups import Filters, milestone_counts, risk_counts
from loaders import import_bytes
from presentation.board_cards import RagTally

AS_AT_PARAM = AS_AT.isoformat()


def texts(at) -> str:
    return "\n".join(as_read(e.value) for e in [*at.markdown, *at.caption, *at.info, *at.error, *at.warning])


def test_a_board_card_gives_its_rag_in_words_and_opens_its_overview(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    add_board(engine, "second-board", "A second board with a long name that the sidebar cuts", by="tests")
    filters = Filters(int(board["id"]), as_at=AS_AT)
    milestones = RagTally.of(milestone_counts(engine, filters, RagRules()))
    risks = RagTally.of(risk_counts(engine, filters, RagRules()))
    assert (milestones.red, milestones.amber, milestones.green) == (1, 2, 2)  # the known board's colours at AS_AT

    at = open_page("boards.py", board="second-board", as_at=AS_AT_PARAM)
    shown = texts(at)
    # Each count in words, in a badge of its colour: "1 red 2 amber 2 green" to a screen reader.
    assert (f"**Milestones:** :red-badge[{milestones.red} red] :orange-badge[{milestones.amber} amber] "
            f":green-badge[{milestones.green} green]") in shown
    assert f"**Open risks:** :red-badge[{risks.red} red]" in shown
    assert "**Milestones:** none" in shown  # the new board: nothing to count, said so
    assert at.sidebar.selectbox(key="board_select").value == "second-board"

    next(b for b in at.button if b.key == "open_test-board").click().run()
    assert not at.exception, at.exception
    assert at.title[0].value == "Overview"
    assert at.sidebar.selectbox(key="board_select").value == "test-board"  # the card's board, not the one before
    assert at.query_params["board"] == "test-board"
    assert at.query_params["as_at"] == AS_AT_PARAM


def test_the_sidebar_names_the_board_whole_and_signs_out_above_the_picker(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    name = "A second board with a long name that the sidebar cuts"
    add_board(engine, "second-board", name, by="tests", board_type="Partnership board", area="Rutland")
    at = open_page("overview.py", board="second-board")
    sidebar = at.sidebar
    assert f"**{name}**  \nPartnership board · Rutland" in [as_read(c.value) for c in sidebar.caption]
    order = [getattr(e, "key", None) or getattr(e, "label", None) for e in sidebar]
    assert order.index("sign_out") < order.index("board_select")  # nothing between the picker and its filters


@pytest.mark.slow  # a page run and a click; the card test above covers the quick loop
def test_the_users_page_gives_roles_on_the_sidebars_board(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    add_board(engine, "second-board", "Second Board", by="tests")
    accounts.add_user(engine, "sam@example.org", by="tests")
    accounts.grant(engine, "sam@example.org", "test-board", "viewer", by="tests")
    at = open_page("admin.py", board="second-board")
    assert not [s for s in at.selectbox if s.key == "role_board"]  # one board picker: the sidebar's
    assert "On **Second Board**, the board chosen in the sidebar" in texts(at)
    at.selectbox(key="role_email").set_value("sam@example.org").run()
    assert "sam@example.org holds no role on this board yet" in texts(at)
    at.selectbox(key="role_role").set_value("chair")
    next(b for b in at.button if b.label == "Give the role").click().run()
    assert "sam@example.org is now chair on Second Board" in as_read(at.success[0].value)
    roles = at.table[0].value.map(as_read).set_index("Email").loc["sam@example.org", "Roles"]
    assert roles == "Second Board: chair; Test Board: viewer"  # the sidebar's board, the other role untouched
    assert "sam@example.org holds chair on this board now" in texts(at)


STATED = xlsx({"Plan": [
    ["Ref", "Priority", "Milestone", "Due", "Status", "RAG"],
    ["S1", "Prevention", "Overdue but called green", "Aug 16", "In progress", "Green"],
    ["S2", "Prevention", "Far off and called green", "March 2017", "In progress", "Green"],
]})


@pytest.mark.slow  # a page run; tests/test_stated_rag.py checks the same rows in-process
def test_the_milestones_page_shows_the_leads_rag_beside_the_rules_where_they_differ(engine, board, app_database,
                                                                                     monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    assert import_bytes(STATED, "stated.xlsx", "test-board", engine=engine).status == "ok"
    at = open_page("milestones.py", board="test-board", as_at=AS_AT_PARAM)
    assert not at.exception, at.exception
    prevention = next(df.value for df in at.dataframe if "Overdue but called green" in set(df.value["title"]))
    rows = prevention.set_index("title")
    assert rows.loc["Overdue but called green", "rag"] == "Red"  # the rule: overdue at AS_AT
    assert rows.loc["Overdue but called green", "reported_rag"] == "Green"  # as the lead stated it
    assert rows.loc["Far off and called green", "rag"] == "Green"
    assert pd.isna(rows.loc["Far off and called green", "reported_rag"])  # the same as the rule's: not repeated
    assert "On 1 milestone the lead's RAG in the tracker differs" in texts(at)


@pytest.mark.slow  # two page runs
def test_the_home_page_lists_what_the_latest_upload_changed_once_it_is_opened(engine, board, app_database,
                                                                               monkeypatch):
    """Closed, the section draws nothing (its table is not sent on every visit); opened, it lists the upload's rows."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = open_page("boards.py", board="test-board", as_at=AS_AT_PARAM)
    assert not at.exception, at.exception
    assert [e.label for e in at.expander] == ["What the latest upload changed"]
    assert not [df for df in [*at.dataframe, *at.table] if "Change" in df.value.columns]

    at.session_state["boards_changes_test-board"] = True  # the person opens it
    at.run()
    assert not at.exception, at.exception
    [changes] = [df.value for df in [*at.dataframe, *at.table] if "Change" in df.value.columns]
    assert len(changes) and set(changes["Change"]) <= {"Added", "Updated", "Removed"}, changes


def test_the_budget_lines_leave_out_a_funder_or_commissioner_column_no_line_fills(engine, board, app_database,
                                                                                  monkeypatch):
    """A column of dashes only squeezes the lines' words and pushes the last column off a 1024 px screen."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")

    def columns(at) -> list[str]:
        return list(next(t.value for t in at.table if "Line" in t.value.columns).columns)

    head = ["Workstream", "Budget line", "Allocated", "Spent"]
    assert import_bytes(xlsx({"Budget": [head, ["Prevention", "Falls service", 120000, 30000],
                                         ["Prevention", "Carers' hub", 80000, 10000]]}), "budget.xlsx",
                        "test-board", engine=engine, kind="budget").status == "ok"
    assert "Funder" not in columns(open_page("budget.py", board="test-board", as_at=AS_AT_PARAM))
    assert import_bytes(xlsx({"Budget": [[*head, "Funder"], ["Prevention", "Falls service", 120000, 30000, "CCG"],
                                         ["Prevention", "Carers' hub", 80000, 10000, None]]}), "budget.xlsx",
                        "test-board", engine=engine, kind="budget").status == "ok"
    shown = columns(open_page("budget.py", board="test-board", as_at=AS_AT_PARAM))
    assert "Funder" in shown and "Commissioner" not in shown


def test_milestones_no_workstream_was_given_for_are_named_as_on_the_overview(engine, board, app_database,
                                                                              monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    plan = xlsx({"Plan": [["Milestone", "Due", "Status"], ["Open the hub", "31/03/2017", "In progress"],
                          ["Train the falls team", "30/04/2017", "Not started"]]})
    assert import_bytes(plan, "plan.xlsx", "test-board", engine=engine).status == "ok"
    at = open_page("milestones.py", board="test-board", as_at=AS_AT_PARAM)
    assert "Not assigned to a workstream — 2 milestones" in [as_read(e.label) for e in at.expander]
    overview = open_page("overview.py", board="test-board", as_at=AS_AT_PARAM)
    rows = next(t.value for t in overview.table if "Milestones" in t.value.columns)["Workstream"].map(as_read)
    assert "Not assigned to a workstream" in rows.tolist()  # one name for them on both pages
