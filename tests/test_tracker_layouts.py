"""Classes of real tracker layout (issue 11), each as a small workbook made here: read as a person reads them.

Each test names the class of file it stands for; none copies a real file. The field benchmark
(bench/realworld.py) scores the real ones.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from conftest import csv_bytes, xlsx

from loaders import analyse


def read(data: bytes, name: str = "tracker.xlsx", **kw):
    a = analyse(data, name, **kw)
    return a, a.records


# -- header words as people write them ------------------------------------------------------------------------


def test_snake_case_and_camel_case_headers_are_words():
    """Exported or generated trackers: Milestone_Name, Planned_End, riskOwner."""
    a, rows = read(xlsx({"Plan": [["Milestone_ID", "Milestone_Name", "Region", "Planned_End", "milestoneOwner"],
                                  ["MS-1", "Commission the pumping station", "Merseyside", date(2026, 3, 31), "Ann"]]}))
    assert a.kind_name == "milestones" and a.ok, a.errors
    [row] = rows
    assert (row.ref, row.title, row.locality, row.due, row.owner) == (
        "MS-1", "Commission the pumping station", "Merseyside", date(2026, 3, 31), "Ann")


def test_a_risk_priority_number_is_not_the_1_to_25_score():
    """FMEA-style registers: RPN = likelihood × impact × detectability, on 1-125."""
    a, [row] = read(xlsx({"Risks": [["Risk Name", "Likelihood (1-5)", "Impact (1-5)", "Detectability (1-5)",
                                     "Risk Priority Number"], ["Scope creep", 3, 4, 2, 24]]}))
    assert a.ok, a.errors
    assert (row.likelihood, row.impact, row.score) == (3, 4, 12)


# -- cells overrule header words --------------------------------------------------------------------------------


def test_a_full_column_beats_a_sparse_one_for_the_title():
    """"(Optional) Milestone Coding" on a third of the rows, a Description on all of them."""
    rows = [["Milestone ID", "Target Date", "Description", "(Optional) Milestone Coding"]]
    rows += [[f"M{i}", date(2024, 1, i), f"Deliver part {i}", "X" if i % 3 == 0 else None] for i in range(1, 10)]
    a, recs = read(xlsx({"Schedule": rows}))
    assert a.ok, a.errors
    assert [r.title for r in recs][:3] == ["Deliver part 1", "Deliver part 2", "Deliver part 3"]


def test_an_empty_column_loses_the_field_to_a_filled_one():
    """Two dependency columns, the first empty: the one with values is read."""
    a, [row] = read(xlsx({"Plan": [["Task", "Predecessor", "End Date", "Predecessors"],
                                   ["Build the model", None, date(2024, 5, 1), "2fs"]]}))
    assert a.ok and row.dependency == "2fs"


def test_a_column_of_numbers_is_never_the_line_name():
    """A dashboard's "Budget" column of figures beside "Project Name": the name is the line, Budget the money."""
    a, recs = read(xlsx({"Projects": [["Project Name", "Budget", "Actual Spend"], ["CRM Upgrade", 50000, 46000],
                                      ["Website", 30000, 31000], ["Training", 20000, 12000]]}))
    assert a.kind_name == "budget" and a.ok, a.errors
    assert [(r.line, r.allocated, r.spent) for r in recs] == [
        ("CRM Upgrade", Decimal(50000), Decimal(46000)), ("Website", Decimal(30000), Decimal(31000)),
        ("Training", Decimal(20000), Decimal(12000))]


def test_a_column_that_is_mostly_none_loses_to_one_with_content():
    """Two mitigation columns: "Procedure" says how it is managed, "Action" says "none" on most rows."""
    a, recs = read(csv_bytes([["no", "risk", "severity", "likelihood", "procedure", "action"],
                              ["1.1", "Cash stolen", 3, 1, "Two signatories on every cheque", "none"],
                              ["1.2", "Grant lost", 2, 2, "Annual return filed on time", "none"],
                              ["1.3", "Fraud", 3, 1, "Internal audit", "Review in May"]]), "risks.csv")
    assert a.ok, a.errors
    assert [r.mitigation for r in recs] == ["Two signatories on every cheque", "Annual return filed on time",
                                            "Internal audit"]


def test_high_medium_low_is_a_rating_not_a_workstream():
    a, [row] = read(xlsx({"Plan": [["Workstream", "Milestone", "Priority", "Due"],
                                   ["Mains Replacement", "Lay the new main", "High", date(2026, 6, 30)]]}))
    assert a.ok and row.workstream == "Mains Replacement"


def test_a_population_is_not_a_unit_and_the_measure_column_says_the_unit():
    """Open-data indicators: "unit: Persons" counts people; "measure: Percentage" is what the value is."""
    a, recs = read(csv_bytes([["area_name", "period", "indicator", "measure", "unit", "value"],
                              ["Trafford", "2016/17", "NEET 16-17", "Percentage", "Persons", 4.1],
                              ["Warrington", "2016/17", "NEET 16-17", "Percentage", "Persons", 5.2]]), "neet.csv")
    assert a.kind_name == "metrics" and a.ok, a.errors
    assert [(r.locality, r.unit, r.actual) for r in recs] == [("Trafford", "percent", 4.1),
                                                            ("Warrington", "percent", 5.2)]


def test_a_rating_followed_by_a_comment_keeps_the_rating_and_says_so():
    a, recs = read(xlsx({"Risks": [["Risk", "Probability", "Impact"], ["Budget cut", "Low", "High"],
                                   ["Staff leave", "High", "Medium at the beginning, gets higher with time"],
                                   ["Data loss", "Low", "Medium"]]}))
    assert a.ok and [r.impact for r in recs] == [5, 3, 3]
    assert [w.code for w in a.warnings].count("rating_with_comment") == 1


# -- the kind needs evidence --------------------------------------------------------------------------------


def test_an_action_plan_with_no_ratings_is_not_a_risk_register():
    """An "Action" column is a risk register's mitigation word, but with no ratings this is an action plan."""
    a, recs = read(xlsx({"Action plan": [["Action", "Description", "Status", "Latest update"],
                                         ["1 - Smokefree homes", "Promote smokefree homes", "Complete", "Done"],
                                         ["2 - Schools", "Work with schools", "Incomplete", None]]}))
    assert a.kind_name == "milestones" and len(recs) == 2


def test_a_grants_list_is_a_budget_not_milestones_when_its_dates_are_empty():
    """Two empty "Planned Dates" columns weigh nothing; the amounts and the funder decide."""
    rows = [["Identifier", "Title", "Currency", "Amount Applied For", "Amount Awarded", "Planned Dates:Start Date",
             "Planned Dates:End Date", "Funding Org:Name"]]
    rows += [[f"G-{i}", f"Grant {i}", "GBP", None, 1000 * i, None, None, "The council"] for i in range(1, 6)]
    a, recs = read(csv_bytes(rows), "grants.csv")
    assert a.kind_name == "budget" and a.ok, a.errors
    assert [(r.ref, r.line, r.allocated) for r in recs][:2] == [("G-1", "Grant 1", Decimal(1000)),
                                                              ("G-2", "Grant 2", Decimal(2000))]


def test_a_total_of_days_is_not_money():
    """Published statistics: a Name, a Code and a Total of delayed days: no currency, no money word, no budget."""
    a, recs = read(xlsx({"LA": [["Code", "Name", "Acute", "Non-Acute", "Total"], ["E1", "Hartlepool", 120, 30, 150],
                                ["E2", "Middlesbrough", 200, 10, 210]]}))
    assert a.kind_name != "budget"  # never loaded as pounds: a wide table of measures by area is a metrics return
    assert all(getattr(r, "unit", None) != "gbp" for r in recs)


def test_a_row_of_data_is_never_taken_for_the_header():
    """When the real header row is not recognised, a data row with a date in it must not become the header."""
    a, _recs = read(xlsx({"Plan": [["Ident", "Thing", "When"], ["MS-9", "Commissioning", date(2026, 2, 1)],
                                   ["MS-10", "Handover", date(2026, 5, 1)]]}))
    assert not a.ok and [e.code for e in a.errors] == ["no_table"]  # refused with the headers it needs, not misread


# -- rows that are not records ----------------------------------------------------------------------------------


def test_gantt_sub_header_rows_are_skipped_with_one_warning():
    rows = [["Task", "Task Owner", "Status", "PHASE ONE", None],
            [None, None, None, "WEEK 1", "WEEK 2"], [None, None, None, "M T W R F", "M T W R F"],
            ["Research the market", "Ann", "Done", None, None], ["Write the brief", "Bob", "In progress", None, None]]
    a, recs = read(xlsx({"Tasks": rows}))
    assert a.ok, a.errors
    assert [r.title for r in recs] == ["Research the market", "Write the brief"]
    assert [w.code for w in a.warnings].count("rows_skipped") == 1


def test_notes_and_answers_below_the_table_are_not_records():
    """Course work: the register, a blank line, then a question and risk names with strategies beside them."""
    rows = [["Risk Number", "Risk Name", "Description", "Likelihood", "Impact"],
            [1, "Scope creep", "Improper definition of scope", 3, 4], [2, "Data loss", "Improper storage", 1, 2],
            [None, None, None, None, None],
            ["1. Prioritise your risks according to their score", None, None, None, None],
            ["Scope creep", None, None, None, None],
            ["Data loss", None, "Back up nightly to the second site", None, None]]
    a, recs = read(xlsx({"Sheet1": rows}))
    assert a.ok, a.errors
    assert [r.title for r in recs] == ["Scope creep", "Data loss"]


def test_numbered_section_headings_head_their_risks():
    """A council's risk assessment: "1, Direct Financial" over risks 1.1 and 1.2."""
    a, recs = read(csv_bytes([["no", "risk", "severity", "likelihood"], [1, "Direct Financial", None, None],
                              ["1.1", "Cash stolen", 3, 1], ["1.2", "Grant lost", 2, 2], [2, "Other", None, None],
                              ["2.1", "Website hacked", 2, 1]]), "risks.csv")
    assert a.ok, a.errors
    assert [(r.ref, r.workstream) for r in recs] == [("1.1", "Direct Financial"), ("1.2", "Direct Financial"),
                                                     ("2.1", "Other")]


def test_a_headerless_first_column_of_group_labels_is_a_workstream():
    """A tracker whose first column, with no header, names the session beside the first of its tasks."""
    rows = [[None, "Developer", "Task", "Deadline"], ["Session 1", "Mike", "Write the outline", date(2022, 1, 15)],
            [None, "Mike", "Record the talk", date(2022, 1, 20)], [None, "Ann", "Edit the video", date(2022, 1, 25)],
            ["Session 2", "Ann", "Plan the next talk", date(2022, 2, 1)]]
    a, recs = read(xlsx({"Sheet1": rows}))
    assert a.ok, a.errors
    assert [(r.title, r.workstream, r.owner) for r in recs] == [
        ("Write the outline", "Session 1", "Mike"), ("Record the talk", "Session 1", "Mike"),
        ("Edit the video", "Session 1", "Ann"), ("Plan the next talk", "Session 2", "Ann")]
