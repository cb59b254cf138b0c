"""What changed between two readings of a board: a board loaded from version 1 of its trackers, read (as a frozen
copy, as a snapshot is) before version 2 is imported and live after it. Every change kind is crafted into version 2,
and the rows it leaves alone must never be reported."""

from __future__ import annotations

import json
from datetime import date

import pytest
from change_trackers import AFTER, BEFORE, BOARD, TWO, UNCHANGED
from conftest import frozen_copy

from data_model import queries
from data_model.changes import NoSuchBoard, what_changed
from data_model.rag import RagRules
from presentation import changes_view


@pytest.fixture
def readings(engine, change_board):
    """(before, after): version 1 frozen as a snapshot copy, and the live database once version 2 is imported."""
    change_board(1)
    before = frozen_copy(engine)
    change_board(2)
    yield before, engine
    before.dispose()


def diff(before, after, *, rules_after: RagRules | None = None, board: str | int = BOARD):
    return what_changed(before, after, board, before_as_at=BEFORE, after_as_at=AFTER, rules_before=RagRules(),
                        rules_after=rules_after or RagRules())


def titles(items) -> list[str]:
    return [getattr(c, "title", None) or getattr(c, "line", None) or c.name for c in items]


def by_title(items) -> dict:
    return dict(zip(titles(items), items, strict=True))


def test_every_milestone_change_is_found_with_its_days_and_its_file(readings):
    m = diff(*readings).milestones
    assert titles(m.added) == ["New in version 2"] and titles(m.removed) == ["Dropped from the plan"]
    assert titles(m.completed) == ["Gets done"]
    assert [(c.title, c.days, c.before.due, c.after.due) for c in m.slipped] == [
        ("Slips", 31, date(2016, 10, 10), date(2016, 11, 10))]
    assert [(c.title, c.days) for c in m.brought_forward] == [("Comes forward", 14)]
    rag = {c.title: (c.before.rag, c.after.rag) for c in m.rag_changed}
    assert rag == {"Gets done": ("amber", "green"), "Falls due": ("amber", "red")}
    # An upload's change names the file and who uploaded it; time passing names none.
    slipped = m.slipped[0]
    assert (slipped.upload.file, slipped.upload.uploaded_by, slipped.workstream) == ("plan-v2.xlsx", TWO, "Prevention")
    assert m.removed[0].upload.file == "plan-v2.xlsx" and m.added[0].upload.file == "plan-v2.xlsx"
    assert by_title(m.rag_changed)["Falls due"].upload is None
    assert by_title(m.rag_changed)["Gets done"].upload.file == "plan-v2.xlsx"


@pytest.mark.slow
def test_every_risk_change_is_found(readings):
    r = diff(*readings).risks
    assert titles(r.new) == ["Brand new"]
    closed = by_title(r.closed)
    assert set(closed) == {"Gets closed", "Leaves the register"}
    assert closed["Gets closed"].after.status == "closed" and closed["Leaves the register"].after is None
    assert closed["Leaves the register"].upload.file == "risks-v2.xlsx"
    assert [(c.title, c.before.score, c.after.score) for c in r.score_up] == [("Rising", 9, 16)]
    assert [(c.title, c.before.score, c.after.score) for c in r.score_down] == [("Falling", 16, 4)]
    assert [(c.title, c.before.likelihood, c.after.likelihood, c.after.score) for c in r.rerated] == [
        ("Swaps ratings", 3, 5, 15)]
    assert {c.title: (c.before.rag, c.after.rag) for c in r.rag_changed} == {
        "Rising": ("amber", "red"), "Falling": ("red", "green")}
    assert [(c.title, c.after.review_due, c.upload) for c in r.review_passed] == [
        ("Review lapses", date(2016, 9, 15), None)]
    assert r.score_up[0].upload.uploaded_by == TWO and r.score_up[0].workstream == "Prevention"


def test_a_swap_of_likelihood_and_impact_is_listed_though_the_score_stands(readings):
    """3 × 5 re-rated 5 × 3 by the lead's upload: a score of 15 both times, and still a change the board is shown,
    in the table the page and the pack print and in the JSON the CLI prints, once."""
    changes = diff(*readings)
    rows = changes_view.risks_table(changes).query("Risk == 'Swaps ratings'")
    assert rows[["Change", "Before", "After", "File", "Uploaded by"]].to_numpy().tolist() == [
        ["Likelihood 3 → 5 · Impact 5 → 3", "Score 15 (3 × 5)", "Score 15 (5 × 3)", "risks-v2.xlsx", TWO]]
    out = changes.as_json()["risks"]
    assert [(c["title"], c["before"]["likelihood"], c["after"]["impact"]) for c in out["rerated"]] == [
        ("Swaps ratings", 3, 3)]
    assert [name for name, items in out.items() for c in items if c["title"] == "Swaps ratings"] == ["rerated"]
    counts = {c.section: c.detail for c in changes_view.section_counts(changes)}
    assert "Re-rated 1" in counts["Risks"]


def test_a_new_risk_is_listed_once_as_new_and_says_its_review_has_passed(readings):
    """A risk new since the earlier reading, its review date already passed: one row, New, whose After says the
    review is overdue; never a second row "Review date passed" with Before "Not in the register"."""
    changes = diff(*readings)
    table = changes_view.risks_table(changes)
    rows = table[table["Risk"] == "Brand new"]
    assert rows[["Change", "Before", "After"]].to_numpy().tolist() == [
        ["New", "Not in the register", "Open · Score 2 (1 × 2) · Green · Review overdue since 15 Aug 2016"]]
    assert "Not in the register" not in table.query("Change == 'Review date passed'")["Before"].tolist()
    assert titles(changes.risks.review_passed) == ["Review lapses"]  # an old risk's review passing still is one


def test_a_rating_given_where_the_other_is_missing_is_a_rerating():
    """Likelihood given to a risk with no impact: no score either side, and still listed, saying which moved."""
    from data_model.changes import Changes, RiskChange, RiskChanges, RiskState, rerated

    unscored, scored = RiskState("open", None, 4, None, None, None), RiskState("open", 2, 4, 8, "amber", None)
    assert rerated(unscored, scored)  # a score first given moves from no number: re-rated, not score up
    assert rerated(scored, RiskState("open", 4, 2, 8, "amber", None))  # swapped: 8 both times
    assert not rerated(scored, RiskState("open", 2, 3, 6, "amber", None))  # score down, whose row gives 2 × 3
    assert not rerated(scored, scored)
    change = RiskChange("R1", "Half rated", "Prevention", RiskState("open", None, 4, None, None, None),
                        RiskState("open", 3, None, None, None, None))
    row = changes_view.risks_table(Changes(BOARD, BEFORE, AFTER, False, risks=RiskChanges(rerated=[change]))).iloc[0]
    assert row[["Change", "Before", "After"]].tolist() == [
        "Likelihood not rated → 3 · Impact 4 → not rated", "Not scored (likelihood not rated, impact 4)",
        "Not scored (likelihood 3, impact not rated)"]


def test_budget_moves_per_line_and_period(readings):
    moved = {(c.line, c.period): c for c in diff(*readings).budget}
    assert set(moved) == {("Moving line", "2016-17"), ("Ending line", "2016-17"), ("New line", "2016-17")}
    line = moved[("Moving line", "2016-17")]
    assert (line.before.allocated_pence, line.before.forecast_pence, line.before.spent_pence) == (
        10_000_000, 10_000_000, 3_000_000)
    assert (line.after.allocated_pence, line.after.forecast_pence, line.after.spent_pence) == (
        12_000_000, 12_500_000, 6_000_000)
    assert [line.movement_pence(w) for w in ("allocated", "forecast", "spent")] == [2_000_000, 2_500_000, 3_000_000]
    assert (line.upload.file, line.upload.uploaded_by, line.ref) == ("budget-v2.xlsx", TWO, "B2")
    assert moved[("Ending line", "2016-17")].after is None and moved[("New line", "2016-17")].before is None
    assert moved[("Ending line", "2016-17")].upload.file == "budget-v2.xlsx"


def test_metric_values_and_targets(readings):
    m = diff(*readings).metrics
    new = {(c.name, c.after.period): c for c in m.new_values}
    assert set(new) == {("Slips off target", "2016-17 Q2"), ("Recovers", "2016-17 Q2"), ("Revised", "2016-17 Q1")}
    assert new[("Revised", "2016-17 Q1")].before.actual == 40 and new[("Revised", "2016-17 Q1")].after.actual == 45
    assert new[("Recovers", "2016-17 Q2")].before is None
    assert [(c.name, c.before.rag, c.after.rag, c.after.actual) for c in m.off_target] == [
        ("Slips off target", "green", "red", 120)]
    assert [(c.name, c.before.rag, c.after.rag) for c in m.back_on_target] == [("Recovers", "red", "green")]
    assert m.off_target[0].upload.file == "metrics-v2.xlsx" and m.off_target[0].workstream == "Crisis"


def test_rows_left_alone_are_never_reported(readings):
    changes = diff(*readings)
    text = json.dumps(changes.as_json())
    for title in UNCHANGED:
        assert f'"{title}"' not in text, f"{title} did not change but is reported"
    assert ("Moving line", "2017-18") not in {(c.line, c.period) for c in changes.budget}
    same = what_changed(readings[1], readings[1], BOARD, before_as_at=AFTER, after_as_at=AFTER,
                        rules_before=RagRules(), rules_after=RagRules())
    assert same.empty and not same.rules_changed


def test_the_json_has_the_cli_contract_shape(readings):
    out = diff(*readings).as_json()
    assert list(out) == ["milestones", "risks", "budget", "metrics", "actions"]
    assert set(out["milestones"]) == {"added", "removed", "completed", "slipped", "brought_forward", "rag_changed"}
    assert set(out["risks"]) == {"new", "closed", "score_up", "score_down", "rerated", "rag_changed",
                                 "review_passed"}
    assert set(out["metrics"]) == {"new_values", "off_target", "back_on_target"}
    assert out["actions"] == {"opened": [], "closed": [], "overdue": []}
    slipped = out["milestones"]["slipped"][0]
    assert (slipped["ref"], slipped["title"], slipped["days"]) == ("M2", "Slips", 31)
    assert (slipped["before"]["due"], slipped["after"]["due"]) == ("2016-10-10", "2016-11-10")
    assert (slipped["file"], slipped["uploaded_by"], slipped["workstream"]) == ("plan-v2.xlsx", TWO, "Prevention")
    budget = next(b for b in out["budget"] if b["line"] == "Moving line")
    assert budget["before"]["allocated"] == 100_000 and budget["after"]["forecast"] == 125_000
    assert budget["movement"] == {"allocated": 20_000, "forecast": 25_000, "spent": 30_000}
    assert all("ref" in item and "before" in item and "after" in item
               for section in ("milestones", "risks", "metrics") for items in out[section].values() for item in items)
    json.dumps(out)  # plain JSON values only


def test_time_alone_changes_only_what_falls_due(readings):
    """The same data read as at two dates: a milestone falls overdue and a review date passes, nothing else, and
    neither is put down to an upload."""
    live = readings[1]
    changes = what_changed(live, live, BOARD, before_as_at=BEFORE, after_as_at=AFTER, rules_before=RagRules(),
                           rules_after=RagRules())
    counts = {f"{s}.{k}": n for s, groups in changes.counts().items() for k, n in groups.items() if n}
    assert counts == {"milestones.rag_changed": 1, "risks.review_passed": 1}
    assert changes.milestones.rag_changed[0].title == "Falls due" and changes.milestones.rag_changed[0].upload is None
    assert changes.risks.review_passed[0].upload is None


def test_values_reaching_their_period_are_new_but_no_uploads_doing(readings):
    """Read as at mid-June and mid-July, the second quarter's values (from 1 July) arrive with time: new values, one
    newly off target and one back on it, and none put down to the upload that brought them in long before."""
    live = readings[1]
    changes = what_changed(live, live, BOARD, before_as_at=date(2016, 6, 15), after_as_at=date(2016, 7, 15),
                           rules_before=RagRules(), rules_after=RagRules())
    m = changes.metrics
    assert sorted((c.name, c.after.period) for c in m.new_values) == [
        ("Recovers", "2016-17 Q2"), ("Slips off target", "2016-17 Q2")]
    assert titles(m.off_target) == ["Slips off target"] and titles(m.back_on_target) == ["Recovers"]
    assert all(c.upload is None for c in (*m.new_values, *m.off_target, *m.back_on_target))


@pytest.mark.slow
def test_a_change_of_rules_changes_rag_as_the_pages_show_it(readings):
    live = readings[1]
    changes = what_changed(live, live, BOARD, before_as_at=AFTER, after_as_at=AFTER, rules_before=RagRules(),
                           rules_after=RagRules(risk_red_from=9))
    assert changes.rules_changed
    assert {c.title: (c.before.rag, c.after.rag) for c in changes.risks.rag_changed} == {"Steady": ("amber", "red")}
    assert changes.risks.rag_changed[0].upload is None
    gap_only = what_changed(live, live, BOARD, before_as_at=AFTER, after_as_at=AFTER, rules_before=RagRules(),
                            rules_after=RagRules(reporting_gap_meetings=5))
    assert gap_only.empty and not gap_only.rules_changed  # the reporting gap decides no RAG


def test_the_board_is_found_by_id_and_an_unknown_one_is_refused(readings):
    before, after = readings
    board_id = int(queries.board(after, BOARD)["id"])
    assert titles(diff(before, after, board=board_id).milestones.added) == ["New in version 2"]
    with pytest.raises(NoSuchBoard, match="There is no board called 'nowhere'"):
        diff(before, after, board="nowhere")


def test_a_board_the_earlier_reading_does_not_hold_is_all_new(engine, change_board):
    empty = frozen_copy(engine)
    change_board(1)
    changes = what_changed(empty, engine, BOARD, before_as_at=BEFORE, after_as_at=BEFORE, rules_before=RagRules(),
                           rules_after=RagRules())
    assert len(changes.milestones.added) == 6 and len(changes.risks.new) == 7 and len(changes.budget) == 4
    assert not changes.milestones.rag_changed and not changes.risks.closed
    empty.dispose()


def test_the_tables_say_each_change_in_words(readings):
    changes = diff(*readings)
    tables = {name: build(changes) for name, build in changes_view.SECTION_TABLES.items()}
    ms = tables["milestones"].set_index("Milestone")
    assert ms.loc["Slips"].tolist() == ["Slipped 31 days", "Prevention", "M2", "Due 10 Oct 2016", "Due 10 Nov 2016",
                                        "plan-v2.xlsx", TWO]
    assert ms.loc["Comes forward", "Change"] == "Brought forward 14 days"
    rag = tables["milestones"][tables["milestones"]["Change"] == "RAG changed"].set_index("Milestone")
    assert rag.loc["Falls due", ["Before", "After", "File", "Uploaded by"]].tolist() == [
        "Amber, due 20 Sep 2016", "Red, due 20 Sep 2016", "No upload: the as-at date moved on", "—"]  # why, in words
    risks = tables["risks"].set_index("Risk")
    assert risks.loc["Leaves the register", "After"] == "No longer in the register"
    assert tables["risks"].query("Change == 'Score up (worse)'")["After"].tolist() == ["Score 16 (4 × 4)"]
    assert tables["risks"].query("Change == 'Score down (better)'")["Risk"].tolist() == ["Falling"]
    budget = tables["budget"].set_index("Line")
    assert budget.loc["Moving line", "Allocated"] == "£100,000 → £120,000 (+£20,000)"
    assert budget.loc["Moving line", "Change"] == "Allocation up · Forecast up · Spend up"  # what moved, in words
    assert budget.loc["Ending line", "Change"] == "Removed"
    assert budget.loc["Moving line", "Period"] == "Financial year 2016-17"
    metrics = tables["metrics"].query("Change == 'Newly off target'")
    assert metrics["After"].tolist() == ["Q2 2016-17 (Jul–Sep 2016): 120, target 100 · Red"]  # periods in words
    assert tables["actions"].empty and list(tables["actions"].columns) == changes_view.ACTION_COLUMNS
    for name, table in tables.items():
        cells = table.to_numpy().ravel().tolist()
        assert all(isinstance(c, str) and c and c not in ("None", "nan", "NaT") for c in cells), name
    counts = {c.section: (c.total, c.detail) for c in changes_view.section_counts(changes)}
    assert counts["Milestones"] == (7, "Added 1 · Removed 1 · Completed 1 · Slipped 1 · Brought forward 1 · "
                                       "RAG changed 2")
    assert counts["Actions"] == (0, "No change")


def test_a_forecast_first_given_is_said_so_not_that_the_line_moved():
    from data_model.changes import BudgetAmounts, BudgetChange, Changes

    given = BudgetChange("B7", "Falls service", "Prevention", "2016-17", BudgetAmounts(6_500_000, None, None),
                         BudgetAmounts(6_500_000, 6_500_000, None))
    changes = Changes(BOARD, date(2016, 6, 28), date(2016, 9, 27), False, budget=[given])
    row = changes_view.budget_table(changes).iloc[0]
    assert row["Change"] == "Forecast given" and row["Forecast"] == "— → £65,000 (+£65,000)"


def test_the_packs_change_section_lists_a_rerating_and_a_new_risk_once(engine, change_board):
    """The board pack's "Risks changed since the meeting of …" section, from the previous meeting's snapshot to the
    data now: the same rows as the page, so the swapped ratings are there and the new risk is there once."""
    from change_trackers import load

    from data_model.snapshots import take_snapshot
    from exports.service import changes_since_last_snapshot

    change_board(1)
    take_snapshot(engine, BOARD, BEFORE, "chair@diff.example.org", as_at=BEFORE)
    load(engine, 2)
    board_id = int(queries.board(engine, BOARD)["id"])
    sections = changes_since_last_snapshot(engine, BOARD, board_id, None, engine, AFTER)
    (risks,) = [s for s in sections if s.title == "Risks changed since the meeting of 1 September 2016"]
    columns = [c.title for c in risks.rows.columns]
    rows = [dict(zip(columns, row, strict=True)) for row in risks.rows.rows]
    assert [(r["Change"], r["Before"], r["After"]) for r in rows if r["Risk"] == "Swaps ratings"] == [
        ("Likelihood 3 → 5 · Impact 5 → 3", "Score 15 (3 × 5)", "Score 15 (5 × 3)")]
    assert [r["Change"] for r in rows if r["Risk"] == "Brand new"] == ["New"]
    assert [r["Change"] for r in rows if r["Risk"] == "Rising"] == ["Score up (worse)", "RAG changed"]
