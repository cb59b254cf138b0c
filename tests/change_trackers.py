"""Trackers in versions, for the tests of what changed and of snapshots: a board's data before and after a lead's
next upload. Shared here (not in a test module) so no test imports another."""

from __future__ import annotations

from datetime import date

from conftest import xlsx

from loaders import import_bytes

BOARD = "diff-board"
BEFORE, AFTER = date(2016, 9, 1), date(2016, 10, 1)  # the as-at dates of the two readings
ONE, TWO = "lead.one@example.org", "lead.two@example.org"
UNCHANGED = ("Same", "Steady", "Steady line", "Steady metric")  # rows both versions hold alike

MILESTONES = {1: [
    ["Ref", "Priority", "Milestone", "Due", "Status"],
    ["M1", "Prevention", "Same", date(2017, 3, 31), "In progress"],
    ["M2", "Prevention", "Slips", date(2016, 10, 10), "In progress"],
    ["M3", "Prevention", "Comes forward", date(2017, 3, 31), "In progress"],
    ["M4", "Crisis", "Gets done", date(2016, 9, 15), "In progress"],
    ["M5", "Crisis", "Dropped from the plan", date(2017, 1, 31), "Not started"],
    ["M7", "Prevention", "Falls due", date(2016, 9, 20), "In progress"],
], 2: [
    ["Ref", "Priority", "Milestone", "Due", "Status"],
    ["M1", "Prevention", "Same", date(2017, 3, 31), "In progress"],
    ["M2", "Prevention", "Slips", date(2016, 11, 10), "In progress"],  # 31 days later
    ["M3", "Prevention", "Comes forward", date(2017, 3, 17), "In progress"],  # 14 days earlier
    ["M4", "Crisis", "Gets done", date(2016, 9, 15), "Complete"],
    ["M6", "Crisis", "New in version 2", date(2017, 2, 28), "Not started"],
    ["M7", "Prevention", "Falls due", date(2016, 9, 20), "In progress"],  # unchanged: amber on 1 Sep, red on 1 Oct
]}
RISKS = {1: [
    ["Ref", "Priority", "Risk", "Likelihood", "Impact", "Review date", "Status"],
    ["R1", "Prevention", "Steady", 3, 3, date(2017, 1, 31), "Open"],
    ["R2", "Prevention", "Rising", 3, 3, date(2017, 1, 31), "Open"],
    ["R3", "Crisis", "Falling", 4, 4, date(2017, 1, 31), "Open"],
    ["R4", "Crisis", "Gets closed", 2, 2, date(2017, 1, 31), "Open"],
    ["R5", "Crisis", "Review lapses", 2, 2, date(2016, 9, 15), "Open"],
    ["R7", "Prevention", "Leaves the register", 2, 3, date(2017, 1, 31), "Open"],
    ["R8", "Crisis", "Swaps ratings", 3, 5, date(2017, 1, 31), "Open"],
], 2: [
    ["Ref", "Priority", "Risk", "Likelihood", "Impact", "Review date", "Status"],
    ["R1", "Prevention", "Steady", 3, 3, date(2017, 1, 31), "Open"],
    ["R2", "Prevention", "Rising", 4, 4, date(2017, 1, 31), "Open"],  # 9 amber -> 16 red
    ["R3", "Crisis", "Falling", 2, 2, date(2017, 1, 31), "Open"],  # 16 red -> 4 green
    ["R4", "Crisis", "Gets closed", 2, 2, date(2017, 1, 31), "Closed"],
    ["R5", "Crisis", "Review lapses", 2, 2, date(2016, 9, 15), "Open"],  # unchanged: its review passes on 15 Sep
    ["R6", "Prevention", "Brand new", 1, 2, date(2016, 8, 15), "Open"],  # its review passed before either reading
    ["R8", "Crisis", "Swaps ratings", 5, 3, date(2017, 1, 31), "Open"],  # 3 × 5 -> 5 × 3: a score of 15 both times
]}
BUDGET = {1: [
    ["Ref", "Priority", "Budget line", "Period", "Allocated", "Forecast", "Spent"],
    ["B1", "Prevention", "Steady line", "2016-17", "£100k", "£100k", "£40k"],
    ["B2", "Prevention", "Moving line", "2016-17", "£100k", "£100k", "£30k"],
    ["B2", "Prevention", "Moving line", "2017-18", "£80k", None, None],
    ["B3", "Crisis", "Ending line", "2016-17", "£50k", "£50k", None],
], 2: [
    ["Ref", "Priority", "Budget line", "Period", "Allocated", "Forecast", "Spent"],
    ["B1", "Prevention", "Steady line", "2016-17", "£100k", "£100k", "£40k"],
    ["B2", "Prevention", "Moving line", "2016-17", "£120k", "£125k", "£60k"],
    ["B2", "Prevention", "Moving line", "2017-18", "£80k", None, None],  # the line's other period: unchanged
    ["B4", "Crisis", "New line", "2016-17", "£20k", None, None],
]}
METRICS = {1: [
    ["Priority", "Metric", "Period", "Target", "Actual", "Direction"],
    ["Crisis", "Steady metric", "2016-17 Q1", 100, 90, "lower"],
    ["Crisis", "Slips off target", "2016-17 Q1", 100, 90, "lower"],
    ["Prevention", "Recovers", "2016-17 Q1", 80, 60, "higher"],
    ["Prevention", "Revised", "2016-17 Q1", 50, 40, "higher"],
], 2: [
    ["Priority", "Metric", "Period", "Target", "Actual", "Direction"],
    ["Crisis", "Steady metric", "2016-17 Q1", 100, 90, "lower"],
    ["Crisis", "Slips off target", "2016-17 Q1", 100, 90, "lower"],
    ["Crisis", "Slips off target", "2016-17 Q2", 100, 120, "lower"],  # new, 20% worse: red
    ["Prevention", "Recovers", "2016-17 Q1", 80, 60, "higher"],
    ["Prevention", "Recovers", "2016-17 Q2", 80, 85, "higher"],  # new, on target: green
    ["Prevention", "Revised", "2016-17 Q1", 50, 45, "higher"],  # revised, still red
]}
TRACKERS = {"plan": MILESTONES, "risks": RISKS, "budget": BUDGET, "metrics": METRICS}


def load(engine, version: int) -> None:
    for name, versions in TRACKERS.items():
        data = xlsx({"Tracker": versions[version]})
        result = import_bytes(data, f"{name}-v{version}.xlsx", BOARD, engine=engine,
                              uploaded_by=ONE if version == 1 else TWO)
        assert result.status == "ok", [i.message for i in result.analysis.errors]



def later_upload(engine) -> None:
    """A lead's next milestone tracker and risk register: M2 done, a new milestone, R2 re-rated high."""
    plan = xlsx({"Plan": [
        ["Ref", "Priority", "Scheme", "Locality", "Milestone", "Due", "Status"],
        ["M1", "Prevention", "Agents", "North", "Done early", "June 16", "Complete"],
        ["M2", "Prevention", "Agents", "North", "Overdue", "Aug 16", "Complete"],
        ["M9", "Prevention", "Agents", "North", "Brand new", "Dec 16", "In progress"],
    ]})
    register = xlsx({"Register": [
        ["Ref", "Priority", "Risk", "Likelihood", "Impact", "RAG"],
        ["R1", "Prevention", "High high", "High", "High", None],
        ["R2", "Prevention", "Medium", "High", "High", None],
    ]})
    assert import_bytes(plan, "m2.xlsx", "test-board", engine=engine).status == "ok"
    assert import_bytes(register, "r2.xlsx", "test-board", engine=engine).status == "ok"


