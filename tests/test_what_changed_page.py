"""The What changed page on a board loaded from two versions of its trackers: counts, then a table per section, in
words, with the file and uploader beside each change an upload made."""

from __future__ import annotations

from datetime import date

import pytest
from change_trackers import BOARD
from signed_in import open_page


@pytest.fixture
def app(app_database, monkeypatch, change_board):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    change_board(2)


def what_changed(**params):
    at = open_page("what_changed.py", board=BOARD, **params)
    assert not at.exception, at.exception
    return at


def table(at, column: str):
    """The section's table: the one with this column (Milestone, Risk...)."""
    return next(df.value for df in at.dataframe if column in df.value.columns)


def cells(at) -> list[str]:
    return [str(c) for df in at.dataframe for c in df.value.to_numpy().ravel().tolist()]


def test_counts_then_tables_from_an_earlier_date_to_now(app):
    at = what_changed(as_at="2016-10-01")
    assert at.title[0].value == "What changed"
    assert at.selectbox(key="changes_from").value == "earlier" and at.selectbox(key="changes_to").value == "now"
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 3)  # four weeks before: no meeting on record
    assert [(m.label, m.value) for m in at.metric] == [("Milestones", "1"), ("Risks", "1"), ("Budget", "0"),
                                                       ("Metrics", "0"), ("Actions", "0")]
    milestones = table(at, "Milestone")
    assert milestones.iloc[0].tolist() == ["RAG changed", "Prevention", "M7", "Falls due", "Amber, due 20 Sep 2016",
                                      "Red, due 20 Sep 2016", "—", "—"]
    risks = table(at, "Risk")
    assert risks[["Change", "Risk", "Before", "After"]].iloc[0].tolist() == [
        "Review date passed", "Review lapses", "Review due 15 Sep 2016", "Review overdue since 15 Sep 2016"]
    assert "No change to the budget." in [m.value for m in at.markdown]
    assert not {"None", "nan", "NaT"} & set(cells(at))
    assert (at.query_params["from"], at.query_params["to"], at.query_params["since"]) == (
        "earlier", "now", "2016-09-03")


@pytest.mark.slow
def test_a_later_earlier_date_finds_nothing_left_to_change(app):
    at = what_changed(as_at="2016-10-01")
    at.date_input(key="changes_earlier").set_value(date(2016, 9, 25)).run()
    assert not at.exception
    assert [m.value for m in at.metric] == ["0"] * 5
    text = [m.value for m in at.markdown]
    assert "No change to the milestones." in text and "No change to the risks." in text


def test_the_comparison_comes_from_the_link(app):
    at = what_changed(as_at="2016-10-01", since="2016-09-25")
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 25)
    assert [m.value for m in at.metric] == ["0"] * 5
    at = what_changed(as_at="2016-10-01", since="someday", **{"from": "nowhere"})
    assert "'someday' in the link is not a date" in at.warning[0].value
    assert at.selectbox(key="changes_from").value == "earlier"
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 3)


@pytest.mark.slow
def test_the_same_reading_twice_is_explained(app):
    at = what_changed(as_at="2016-10-01")
    at.selectbox(key="changes_from").set_value("now").run()
    assert not at.exception
    assert "Pick two different readings" in at.info[0].value and not at.dataframe
