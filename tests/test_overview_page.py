"""The Overview page on a known board: the RAG matrix counts, and filters read from and written to the URL."""

from datetime import date

import pytest
from conftest import ROOT, xlsx
from signed_in import open_page
from streamlit.testing.v1 import AppTest

APP = str(ROOT / "dashboard.py")


@pytest.fixture
def app(app_database, monkeypatch, board):
    """The app on the known board alone (no sample boards)."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")


def overview(**params) -> AppTest:
    at = open_page("overview.py", **params)
    assert not at.exception
    return at


def table(at: AppTest, first_column: str):
    return next(df.value for df in [*at.table, *at.dataframe]  # the RAG matrices are tables that wrap
                if first_column in df.value.columns).set_index(first_column)


def test_matrix_shows_the_known_counts_in_words(app):
    at = overview(board="test-board", as_at="2016-09-27")
    m = table(at, "Workstream")
    assert m.loc["Prevention", "Milestones"] == "Red 1 · Amber 2 · Green 1"
    assert m.loc["Crisis", "Milestones"] == "Green 1 · not rated 2"
    assert m.loc["Prevention", "Risks"] == "Red 1 · Amber 1"
    assert m.loc["Crisis", "Budget"] == "Red 1"
    assert m.loc["Crisis", "Metrics"] == "Amber 1 · Green 1"
    by_place = table(at, "Locality")
    assert by_place.loc["North", "Milestones"] == "Red 1 · Green 2 · not rated 1"


@pytest.mark.slow  # two page runs; the unknown-values test reads the URL in the fast loop
def test_filters_come_from_the_url_and_go_back_to_it(app):
    at = overview(board="test-board", as_at="2016-09-27", locality="South")
    assert at.sidebar.selectbox(key="filter_loc_test-board").value == "South"
    m = table(at, "Workstream")
    assert m.loc["Prevention", "Milestones"] == "Amber 2"
    at.sidebar.selectbox(key="filter_ws_test-board").set_value("Prevention").run()
    assert at.query_params["workstream"] == "Prevention"
    assert at.query_params["locality"] == "South" and at.query_params["as_at"] == "2016-09-27"


@pytest.mark.slow
def test_unknown_values_in_a_link_are_explained(app):
    at = overview(board="test-board", workstream="Nowhere", locality="Atlantis", as_at="someday")
    warnings = " ".join(w.value for w in at.sidebar.warning)
    assert "workstream 'Nowhere'" in warnings and "locality 'Atlantis'" in warnings and "'someday'" in warnings
    assert "workstream" not in at.query_params and "locality" not in at.query_params


@pytest.mark.slow  # a page run for one sentence; test_rollups checks the explanation in-process
def test_rules_are_shown_on_the_page(app):
    at = overview(board="test-board", as_at="2016-09-27")
    text = " ".join(m.value for m in at.markdown)
    assert "Score (likelihood × impact, 1-25) of 15 or more: Red." in text


def test_needs_attention_tabs_count_and_list_the_chosen_one(app):
    at = overview(board="test-board", as_at="2016-09-27")
    labels = [t.label for t in at.tabs]
    assert labels == ["Milestones (2)", "Risks (2)", "Budget (2)", "Metrics (2)"]
    assert not [df for df in at.dataframe if "When" in df.value.columns]  # a table that wraps, not a grid
    overdue = next(df.value for df in at.table if "When" in df.value.columns)
    assert overdue["Milestone"].tolist() == ["Overdue", "Due soon"]
    assert overdue["When"].tolist() == ["27 days overdue", "Due in 13 days"]  # in words: never a bare "-27"
    assert not [df for df in at.table if "Variance %" in df.value.columns]  # a hidden tab is not drawn

    at.session_state[f"attention_test-board_{'|'.join(labels)}"] = "Budget (2)"  # the person opens Budget
    at.run()
    budget = next(df.value for df in at.table if "Variance %" in df.value.columns)
    assert budget["Variance"].tolist() == ["£30,000", "£8,000"] and budget["RAG"].tolist() == ["Red", "Amber"]
    assert all(v.endswith("%") for v in budget["Variance %"])  # a percentage says so
    assert not [df for df in at.table if "When" in df.value.columns]


def page(name: str, **params) -> AppTest:
    at = open_page(f"{name}.py", **params)
    assert not at.exception
    return at


def test_milestones_page_counts_and_lists_undated_apart(app):
    at = page("milestones", board="test-board", as_at="2016-09-27")
    assert [(m.label, m.value) for m in at.metric] == [("Milestones", "7"), ("Overdue", "1"), ("Complete", "1"),
                                                        ("Undated", "1")]
    undated = next(df.value for df in at.table if "Due as written" in df.value.columns)  # wraps: whole titles
    assert undated["Milestone"].tolist() == ["Undated"] and undated["Due as written"].tolist() == ["TBC"]
    rows = next(df.value for df in at.dataframe if "title" in df.value.columns and "Overdue" in
                df.value["title"].tolist())
    assert rows.set_index("title").loc["Overdue", "rag"] == "Red"


def test_risks_page_counts_top_risks_and_unscored(app):
    at = page("risks", board="test-board", as_at="2016-09-27")
    assert [(m.label, m.value) for m in at.metric] == [("Open risks", "4"), ("Red", "2"), ("Unscored", "1"),
                                                        ("Reviews overdue", "0")]
    assert [c["description"][:15] for c in _charts(at)] == ["Risk heat map: "]
    top = at.table[0].value  # beside the heat map, ten at most: a table that wraps, every title whole
    assert top["Risk"].tolist()[:3] == ["High high", "Medium", "Low"] and top["RAG (rule)"].tolist()[:3] == [
        "Red", "Amber", "Green"]
    lists = [t.label for t in at.tabs]
    assert lists == ["All open risks (4)", "Unscored (1)", "Reviews overdue (0)"]
    assert not [df for df in at.dataframe if df.value["title"].tolist() == ["Unscored but red"]]  # a hidden tab
    at.session_state[f"risk_lists_{at.session_state['current_board']['id']}_{'|'.join(lists)}"] = "Unscored (1)"
    at.run()  # the person opens Unscored
    unscored = next(df.value for df in at.dataframe if df.value["title"].tolist() == ["Unscored but red"])
    assert unscored["rag"].tolist() == ["Red"]


def test_an_impact_only_register_says_why_it_has_no_heat_map_and_lists_its_risks(app, engine):
    from loaders import import_bytes

    register = xlsx({"Risks": [["Ref", "Risk", "Impact", "Owner"], ["R1", "Staff turnover", "High", "Jo"],
                               ["R2", "Data sharing delayed", "Medium", "Sam"]]})
    assert import_bytes(register, "risks.xlsx", "impact-only", engine=engine).status == "ok"
    at = page("risks", board="impact-only")
    said = " ".join(i.value for i in at.info)
    assert "None of the 2 open risks has both a likelihood and an impact, so the heat map and the top risks" in said
    assert not _charts(at) and not [h for h in at.subheader if h.value == "Top risks"]
    assert [t.label for t in at.tabs][1] == "Unscored (2)"


def test_a_filter_that_leaves_nothing_says_so_not_that_nothing_was_uploaded(app):
    at = page("risks", board="test-board", locality="North")  # the known board's risks name no locality
    said = " ".join(i.value for i in at.info)
    assert ("Nothing here for 'North': the board has 4 risks, but none is given that locality. Choose "
            "**All localities** in the sidebar to see them.") in said
    assert "upload" not in said.lower()


def test_risk_heat_map_cells_follow_the_board_bands():
    import pandas as pd

    from data_model.rag import RagRules
    from presentation.risk_view import heat_cells

    risks = pd.DataFrame({"likelihood": [5, 3, 3], "impact": [5, 3, 3], "status": ["open", "open", "closed"]})
    cells = heat_cells(risks, RagRules()).set_index(["likelihood", "impact"])
    assert cells.loc[(5, 5), "count"] == 1 and cells.loc[(3, 3), "count"] == 1  # the closed risk is not placed
    assert (cells.loc[(5, 5), "rag"], cells.loc[(3, 3), "rag"], cells.loc[(1, 1), "rag"]) == ("Red", "Amber", "Green")
    assert heat_cells(risks, RagRules(risk_amber_from=10)).set_index(["likelihood", "impact"]).loc[(3, 3), "rag"] == "Green"


def test_budget_page_variance_compares_like_with_like_and_shows_reconciliation(app, engine):
    from conftest import xlsx

    from loaders import import_bytes

    schemes = xlsx({"Schemes": [["Priorities and schemes", "Lead/ commissioner", "Funding", "Forecast outturn"],
                                ["Prevention", None, "£300k", None],
                                ["1. Agents", "RCC", "£100k", "£110k"],
                                ["2. Falls", "RCC", "£100k", None]]})
    assert import_bytes(schemes, "schemes.xlsx", "test-board", engine=engine).status == "ok"
    at = page("budget", board="test-board", as_at="2016-09-27")
    assert "£300,000" in at.warning[0].value and "£100,000 short" in at.warning[0].value
    by_period = next(df.value for df in [*at.dataframe, *at.table]  # a short one is a table that wraps
                     if "Variance (lines with a forecast or spend)" in df.value.columns and "Period" in df.value.columns)
    prevention = by_period[by_period["Workstream"] == "Prevention"]
    # This file covers Prevention, so it replaces that workstream's earlier lines. Of its two lines only Agents has a
    # forecast: £110k against its own £100k, not against both lines' £200k; said with its direction, in words.
    assert prevention["Variance (lines with a forecast or spend)"].tolist() == ["£10,000 over (10.0%)"]
    assert prevention["Allocated"].tolist() == ["£200,000"]  # every line: why the heading names the lines forecast
    # The Forecast total adds up the lines that have one: the page says which part of the allocation that is.
    totals = {m.label: m.value for m in at.metric}
    forecast_note = next(c.value for c in at.caption if c.value.startswith("Only lines that have a figure"))
    assert totals["Forecast"] == "£240,000" and "the forecast covers " in forecast_note


@pytest.mark.slow
def test_metrics_page_rates_the_latest_values(app):
    at = page("metrics", board="test-board", as_at="2016-09-27")
    assert [(m.label, m.value) for m in at.metric] == [("Metrics", "3"),
                                                        ("Latest values off target (red)", "1"),
                                                        ("Just missing target (amber)", "1"),
                                                        ("On target (green)", "1")]
    latest = next(df.value for df in at.table if "Better when" in df.value.columns).set_index("Metric")
    assert latest.loc["Admissions", "Latest"] == "120"  # the 2017-18 value is after the as-at date
    assert latest.loc["Admissions", "RAG"] == "Red" and latest.loc["Reablement", "RAG"] == "Amber"
    assert any("**Admissions** — latest: Red" in m.value for m in at.markdown)


@pytest.mark.slow
def test_localities_page_compares_places_side_by_side(app):
    at = page("localities", board="test-board", as_at="2016-09-27")
    m = table(at, "Locality")
    assert m.loc["North", "Milestones"] == "Red 1 · Green 2 · not rated 1"
    assert m.loc["South", "Milestones"] == "Amber 2 · not rated 1"


@pytest.mark.slow  # the risk-review test opens the Forward plan in the fast loop
def test_forward_plan_lists_milestones_due_before_each_meeting_and_quiet_workstreams(app, engine, board):
    from datetime import date

    from sqlalchemy import insert

    from data_model.tables import Meeting

    with engine.begin() as conn:
        conn.execute(insert(Meeting.__table__), [
            {"board_id": board["id"], "date": d, "title": "Board meeting", "status": "planned"}
            for d in (date(2016, 10, 18), date(2017, 1, 17), date(2017, 4, 18))])
    at = page("forward_plan", board="test-board", as_at="2016-09-27")
    tables = [df.value for df in at.table if "Milestone" in df.value.columns]  # wrapping tables: whole titles
    assert tables[0]["Milestone"].tolist() == ["Overdue", "Due soon"]  # both due by 18 October
    assert tables[1]["Milestone"].tolist() == ["Slipping", "Later"]  # due 31 March 2017, before the 18 April meeting
    assert not at.warning  # every workstream reported (today) after the meetings held by the as-at date
    at = page("forward_plan", board="test-board", as_at="2099-01-01")
    assert at.info  # no meetings ahead


@pytest.mark.slow
def test_forward_plan_lists_risk_reviews_due_before_each_meeting(app, engine, board):
    from datetime import date

    from sqlalchemy import insert

    from data_model.tables import Meeting
    from loaders import import_bytes

    reviews = xlsx({"Register": [["Ref", "Priority", "Risk", "Likelihood", "Impact", "Review date"],
                                 ["R1", "Prevention", "High high", "High", "High", "30/9/16"],
                                 ["R2", "Prevention", "Medium", "Med", "Med", "Dec 16"],
                                 ["R3", "Crisis", "Low", "Low", "Low", "2018"]]})
    assert import_bytes(reviews, "r.xlsx", "test-board", engine=engine).status == "ok"
    with engine.begin() as conn:
        conn.execute(insert(Meeting.__table__), [
            {"board_id": board["id"], "date": d, "title": "Board meeting", "status": "planned"}
            for d in (date(2016, 10, 18), date(2017, 1, 17))])
    at = page("forward_plan", board="test-board", as_at="2016-09-27")
    risk_tables = [df.value for df in at.table if "Review due" in df.value.columns]
    assert [t["Risk"].tolist() for t in risk_tables] == [["High high"], ["Medium"]]  # 2018's review is beyond
    assert risk_tables[0]["Review due"].tolist() == ["30\u00a0Sep\u00a02016"]  # no-break spaces: one line
    assert any("Risk reviews due by this meeting, overdue ones included (1)" in m.value for m in at.markdown)


def test_quiet_workstreams_are_flagged_after_the_board_gap(engine, board):
    from datetime import date

    from sqlalchemy import insert

    from data_model.forward_plan import quiet_workstreams
    from data_model.rollups import Filters
    from data_model.tables import Meeting

    with engine.begin() as conn:
        conn.execute(insert(Meeting.__table__), [
            {"board_id": board["id"], "date": date(2099, m, 1), "title": "Board meeting", "status": "held"}
            for m in range(1, 6)])
    quiet = quiet_workstreams(engine, Filters(board["id"], as_at=date(2099, 12, 31)), gap_meetings=3)
    assert set(quiet["workstream"]) == {"Prevention", "Crisis"} and set(quiet["meetings_missed"]) == {5}
    assert quiet_workstreams(engine, Filters(board["id"], as_at=date(2099, 12, 31)), gap_meetings=5).empty


@pytest.mark.slow  # two page runs; the matrix test stays in the fast loop
def test_a_top_workstream_opens_to_its_next_level(app):
    at = overview(board="test-board", as_at="2016-09-27")
    prevention = next(e for e in at.expander if e.label.endswith(": Prevention"))
    assert not prevention.table  # closed: drawn once opened
    at.session_state["overview_open_test-board_Prevention"] = True  # the person opens it
    at.run()
    prevention = next(e for e in at.expander if e.label.endswith(": Prevention"))
    inner = prevention.table[0].value.set_index(prevention.table[0].value.columns[0])
    assert inner.loc["Agents", "Milestones"] == "Red 1 · Green 1"
    assert inner.loc["Falls", "Milestones"] == "Amber 2"


def _charts(at: AppTest) -> list[dict]:
    import json

    return [json.loads(e.proto.spec) for e in at.main if getattr(e, "type", "") == "vega_lite_chart"]


@pytest.mark.slow  # two page runs; the matrix test stays in the fast loop
def test_the_rag_chart_and_the_changes_since_the_last_meeting_are_drawn_on_opening(app):
    """Both wait behind an expander that says what it holds (the RAG tables above already give every count): the
    chart and the list of changes are drawn once the person opens them, and are then the same as before."""
    import re

    at = overview(board="test-board", as_at=date.today().isoformat())  # the uploads are today's
    labels = [e.label for e in at.expander]
    assert "The RAG counts as a chart" in labels
    since = next(e for e in at.expander if e.label.endswith("open to list them"))
    changes, uploads = map(int, re.match(r"(\d+) changes? from (\d+) uploads?", since.label).groups())
    assert changes >= uploads >= 1
    assert not _charts(at) and not [df for df in [*at.dataframe, *at.table] if "File" in df.value.columns]

    at.session_state["overview_chart_test-board"] = True  # the person opens both
    at.session_state["overview_since_test-board"] = True
    at.run()
    assert not at.exception
    (chart,) = _charts(at)
    assert chart["description"].startswith("RAG counts for ")
    assert any(c.value.startswith("Chart: RAG counts for ") for c in at.caption)
    listed = next(df.value for df in [*at.table, *at.dataframe] if "File" in df.value.columns)
    assert len(listed) == changes and listed["File"].nunique() <= uploads


@pytest.mark.slow
def test_the_filters_chosen_follow_the_member_to_the_next_page_unless_its_link_names_its_own(app):
    from conftest import ROOT

    at = overview(board="test-board", workstream="Prevention", as_at="2016-09-27")
    for name in [n for n in at.query_params if n != "board"]:  # the menu's page links carry no query
        del at.query_params[name]
    at.switch_page(str(ROOT / "pages" / "milestones.py")).run()
    assert not at.exception
    assert at.sidebar.selectbox(key="filter_ws_test-board").value == "Prevention"
    assert next(d for d in at.sidebar.date_input if d.label == "As at").value == date(2016, 9, 27)
    assert at.query_params["workstream"] == "Prevention"  # and in the address, for a link to be shared

    # Meetings belong to the whole board: no workstream filter to seem to apply, a word why, and the choice kept for
    # the next page that has one.
    for name in [n for n in at.query_params if n != "board"]:
        del at.query_params[name]
    at.switch_page(str(ROOT / "pages" / "meetings.py")).run()
    assert not at.exception
    assert not [s for s in at.sidebar.selectbox if s.label in ("Workstream", "Locality")]
    assert any("the workstream and locality filters do not apply here" in c.value for c in at.sidebar.caption)
    assert next(d for d in at.sidebar.date_input if d.label == "As at").value == date(2016, 9, 27)
    for name in [n for n in at.query_params if n != "board"]:
        del at.query_params[name]
    at.switch_page(str(ROOT / "pages" / "risks.py")).run()
    assert at.sidebar.selectbox(key="filter_ws_test-board").value == "Prevention"

    linked = overview(board="test-board", locality="South")  # a link naming a filter shows what it says
    assert linked.sidebar.selectbox(key="filter_ws_test-board").value == ""


@pytest.mark.slow
def test_an_empty_view_tells_a_lead_what_to_upload_and_a_member_who_does(app, engine):
    from data_model import accounts
    from data_model.board_settings import add_board

    add_board(engine, "empty-board", "Empty Board", by="tests")
    accounts.add_user(engine, "member@t.example.org", by="tests", password="correct horse battery")
    accounts.grant(engine, "member@t.example.org", "empty-board", "viewer", by="tests")
    member = page("risks", email="member@t.example.org", board="empty-board")
    said = " ".join(i.value for i in member.info)
    assert "No risks yet for this selection. The board's leads upload them" in said
    assert "Upload a tracker" not in said  # not a page a board member has
    admin = page("risks", board="empty-board")
    assert "on the **Upload a tracker** page" in " ".join(i.value for i in admin.info)


@pytest.mark.slow
def test_a_timeline_the_as_at_date_falls_outside_says_so_under_it(app):
    at = page("milestones", board="test-board", as_at="2016-06-01")  # in Prevention's span, before Crisis starts
    said = [c.value for c in at.caption if "so it is not drawn on this timeline" in c.value]
    assert len(said) == 1 and said[0].startswith("The as-at date, 1 June 2016, is before the first milestone starts")
    assert not [i for i in at.info if "not drawn on the timelines" in i.value]  # not every timeline: no page note


@pytest.mark.slow
def test_a_meetings_long_list_of_milestones_due_is_capped_and_counted(app, engine, board):
    from sqlalchemy import insert

    from data_model.tables import Meeting
    from loaders import import_bytes

    plan = xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status"],
                          *[[f"L{n}", "Prevention", f"Step {n}", "Sept 16", "In progress"] for n in range(20)]]})
    assert import_bytes(plan, "long.xlsx", "test-board", engine=engine).status == "ok"
    with engine.begin() as conn:
        conn.execute(insert(Meeting.__table__), [{"board_id": board["id"], "date": date(2016, 10, 18),
                                                  "title": "Board meeting", "status": "planned"}])
    at = page("forward_plan", board="test-board", as_at="2016-09-27")
    due = next(df.value for df in at.table if "Milestone" in df.value.columns)
    assert len(due) == 15  # a large board's hundreds are counted, not all drawn
    assert any(c.value.startswith("and ") and "more milestones due — the Milestones page lists every milestone."
               in c.value for c in at.caption)
