"""The What changed page on a board loaded from two versions of its trackers: counts, then a table per section, in
words, with the file and uploader beside each change an upload made."""

from __future__ import annotations

from datetime import date

import pytest
from change_trackers import AFTER, BEFORE, BOARD, TWO, load
from conftest import as_read
from signed_in import open_page

from data_model.snapshots import take_snapshot

FROM, TO = f"changes_from_{BOARD}", f"changes_to_{BOARD}"


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
    return next(df for df in frames(at) if column in df.columns)


def frames(at) -> list:
    """Every section's table as read: a short one wraps (its cells markdown, read as the person sees them)."""
    return [*(df.value.map(as_read) for df in at.table), *(df.value for df in at.dataframe)]


def cells(at) -> list[str]:
    return [str(c) for df in frames(at) for c in df.to_numpy().ravel().tolist()]


def test_counts_then_tables_from_an_earlier_date_to_now(app):
    at = what_changed(as_at="2016-10-01")
    assert at.title[0].value == "What changed"
    assert at.selectbox(key=FROM).value == "earlier" and at.selectbox(key=TO).value == "now"
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 3)  # four weeks before: no meeting on record
    assert [(m.label, m.value) for m in at.metric] == [("Milestones", "1"), ("Risks", "1"), ("Budget", "0"),
                                                       ("Metrics", "0"), ("Actions", "0")]
    milestones = table(at, "Milestone")
    assert milestones.iloc[0].tolist() == ["RAG changed", "Prevention", "M7", "Falls due", "Amber, due 20 Sep 2016",
                                      "Red, due 20 Sep 2016", "No upload: the as-at date moved on", "—"]
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


@pytest.mark.slow
def test_the_comparison_comes_from_the_link(app):
    at = what_changed(as_at="2016-10-01", since="2016-09-25")
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 25)
    assert [m.value for m in at.metric] == ["0"] * 5
    at = what_changed(as_at="2016-10-01", since="someday", **{"from": "nowhere"})
    warnings = " ".join(w.value for w in at.warning)
    assert "'someday' in the link is not a date" in warnings and "'nowhere', which is not a snapshot" in warnings
    assert at.selectbox(key=FROM).value == "earlier"
    assert at.date_input(key="changes_earlier").value == date(2016, 9, 3)


@pytest.mark.slow
def test_the_same_reading_twice_is_explained(app):
    at = what_changed(as_at="2016-10-01")
    at.selectbox(key=FROM).set_value("now").run()
    assert not at.exception
    assert "Pick two different readings" in at.info[0].value and not at.dataframe and not at.table


@pytest.fixture
def frozen(app_database, monkeypatch, engine):
    """The board frozen for two meetings: version 1 of its trackers for 1 September, version 2 for 1 October, and a
    correction of the first (the same data) that supersedes it."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    load(engine, 1)
    first = take_snapshot(engine, BOARD, BEFORE, "chair@diff.example.org", as_at=BEFORE)
    correction = take_snapshot(engine, BOARD, BEFORE, "chair@diff.example.org", as_at=BEFORE)
    load(engine, 2)
    second = take_snapshot(engine, BOARD, AFTER, "chair@diff.example.org", as_at=AFTER)
    return first, correction, second


def test_it_opens_from_the_previous_meetings_snapshot_to_the_latest(frozen):
    first, correction, second = frozen
    at = what_changed()
    assert (at.selectbox(key=FROM).value, at.selectbox(key=TO).value) == (str(correction.id), str(second.id))
    assert (at.query_params["from"], at.query_params["to"]) == (str(correction.id), str(second.id))
    milestones = table(at, "Milestone")
    slipped = milestones[milestones["Milestone"] == "Slips"]
    assert slipped[["Change", "File", "Uploaded by"]].to_numpy().tolist() == [["Slipped 31 days", "plan-v2.xlsx", TWO]]
    assert "Added 1" in " ".join(c.value for c in at.caption)  # New in version 2
    assert f"snapshot {second.id}, hash {second.hash[:12]}" in " ".join(c.value for c in at.caption)
    risks = table(at, "Risk")
    # A likelihood and impact swapped (15 both times) is listed, saying what moved; a new risk is listed once, as new.
    assert risks.loc[risks["Risk"] == "Swaps ratings", ["Change", "Before", "After", "File"]].to_numpy().tolist() == [
        ["Likelihood 3 → 5 · Impact 5 → 3", "Score 15 (3 × 5)", "Score 15 (5 × 3)", "risks-v2.xlsx"]]
    assert risks.loc[risks["Risk"] == "Brand new", ["Change", "After"]].to_numpy().tolist() == [
        ["New", "Open · Score 2 (1 × 2) · Green · Review overdue since 15 Aug 2016"]]
    assert "Score up (worse)" in risks["Change"].tolist()  # which way is worse, said
    # Every snapshot is offered, named by its meeting, number, hash and taker; the superseded one says so.
    options = at.selectbox(key=FROM).options
    assert options[0].startswith("Now (the live data as at") and options[-1] == "The live data as at an earlier date"
    named = {o for o in options if f"snapshot {first.id} " in o}
    assert named == {f"Superseded: meeting of 1 Sep 2016 · snapshot {first.id} · taken {first.taken_at.day} "
                     f"{first.taken_at:%b %Y %H:%M} by chair@diff.example.org · {first.hash[:12]}"}


@pytest.mark.slow
def test_a_link_names_each_side_by_snapshot_meeting_date_or_now(frozen):
    first, correction, second = frozen
    at = what_changed(**{"from": BEFORE.isoformat(), "to": "now"}, as_at=AFTER.isoformat())
    # A meeting date is its current snapshot (the correction, not the superseded first one), as the CLI reads it.
    assert (at.selectbox(key=FROM).value, at.selectbox(key=TO).value) == (str(correction.id), "now")
    assert (at.query_params["from"], at.query_params["to"]) == (str(correction.id), "now")
    assert "Slipped 31 days" in table(at, "Milestone")["Change"].tolist()
    at = what_changed(to=str(second.id), as_at=AFTER.isoformat())  # the Snapshots page's link after freezing
    assert (at.selectbox(key=FROM).value, at.selectbox(key=TO).value) == (str(correction.id), str(second.id))
    at = what_changed(**{"from": str(first.id), "to": "999"})
    assert "'999', which is not a snapshot of this board" in at.warning[0].value
    assert (at.selectbox(key=FROM).value, at.selectbox(key=TO).value) == (str(first.id), str(second.id))
    assert at.query_params["to"] == str(second.id)


@pytest.mark.slow
def test_choosing_the_readings_puts_them_in_the_link(frozen):
    first, correction, second = frozen
    at = what_changed()
    at.selectbox(key=FROM).set_value(str(second.id)).run()
    at.selectbox(key=TO).set_value("now").run()
    assert not at.exception
    assert (at.query_params["from"], at.query_params["to"]) == (str(second.id), "now")
    at.selectbox(key=FROM).set_value(str(first.id)).run()
    at.selectbox(key=TO).set_value(str(correction.id)).run()
    # Two snapshots of the same data as at the same date: nothing changed.
    assert [m.value for m in at.metric] == ["0"] * 5


@pytest.mark.slow
def test_with_one_snapshot_it_compares_that_snapshot_with_now(app_database, monkeypatch, engine):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    load(engine, 1)
    only = take_snapshot(engine, BOARD, BEFORE, "chair@diff.example.org", as_at=BEFORE)
    load(engine, 2)
    at = what_changed(as_at=AFTER.isoformat())
    assert (at.selectbox(key=FROM).value, at.selectbox(key=TO).value) == (str(only.id), "now")
    assert "New in version 2" in table(at, "Milestone")["Milestone"].tolist()
