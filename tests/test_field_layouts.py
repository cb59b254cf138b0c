"""Layouts of real trackers (issue 11, classes 4 and 5), each as a small workbook made here: read as a person reads them.

Plan and actual sheets of the same rows, a summary beside its ledgers, a wide table of measures by area,
headers over two rows, numbered amount pairs, percent formats, RAG as a status cell's fill and HTML bold
headings. None copies a real file; the field benchmark (bench/realworld.py) scores the real ones.

Sheets that are joined (plan and actual, summary and ledger) are read here the way the pipeline reads a workbook:
each sheet's table found, then ``loaders.sheet_pairs.join_tables``, then each table's kind normalises it.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from conftest import xlsx

from data_model.rag import DEFAULT_RULES
from loaders import analyse
from loaders.find_tables import find_header, read_table
from loaders.kinds import KINDS
from loaders.read import read_workbook
from loaders.sheet_pairs import join_tables


def tables_of(data: bytes, name: str = "tracker.xlsx"):
    """Each sheet's table, joined as the pipeline joins them (sheets with no table left out)."""
    tables = []
    for sheet in read_workbook(data, name).sheets:
        found = find_header(sheet, KINDS)
        if found is not None:
            tables.append(read_table(sheet, *found))
    return join_tables(tables)


def normalised(tables):
    rows, issues = [], []
    for table in tables:
        got, said = table.kind.normalise(table, DEFAULT_RULES)
        rows += got
        issues += said
    return rows, issues


# -- plan and actual sheets of the same rows --------------------------------------------------------------------

ESTIMATED = [
    [None, "Estimated Project Costs"],
    [],
    [None, None, "PROJECT TASKS", "LABOR HOURS", "LABOR COST ($)", "MATERIAL COST ($)", "TOTAL PER TASK"],
    [None, "PROJECT DESIGN", "Write the specification", 20, 1200, 1300, 2500],
    [None, None, "Design the system", 25, 2000, 1000, 3000],
    [None, None, "Subtotal", 45, 3200, 2300, 5500],
    [],
    [None, "DELIVERY", "Install the system", 15, 2000, 1500, 3500],
    [None, None, "Train the users", 10, 1000, 2000, 3000],
    [None, None, "Subtotal", 25, 3000, 3500, 6500],
    [],
    [None, "Risk (Contingency)", None, 4, 400, 200, 600],
    [None, "Total (Scheduled)", None, 74, 6600, 6000, 12600],
]
ACTUAL = [
    [None, "Actual Project Costs"],
    [],
    [None, None, "ITEM", "COST", "DATE", "REASON FOR EXPENDITURE"],
    [None, "PROJECT DESIGN", "Write the specification", 2300, date(2022, 2, 3), "Labour"],
    [None, None, "Design the system", 2800, date(2022, 2, 7), "Data collection"],
    [None, None, "Subtotal", 5100],
    [],
    [None, "DELIVERY", "Install the system", 3200, date(2022, 3, 10), "App stores"],
    [None, None, "Train the users", 3500, date(2022, 3, 12), "Training"],
    [None, None, "Marketing", 1000, None, "A launch campaign"],
    [None, None, "Subtotal", 7700],
]


def test_estimated_and_actual_cost_sheets_are_one_set_of_lines():
    """A project budget kept as an 'Estimated Costs' sheet and an 'Actual Costs' sheet of the same tasks: one line
    per task, allocated from the estimate's total per task and spent from the actual cost; a task only on the actual
    sheet is a line of its own; nothing is counted twice."""
    tables = tables_of(xlsx({"Estimated Costs": ESTIMATED, "Actual Costs": ACTUAL}))
    assert [t.sheet.name for t in tables] == ["Estimated Costs"]
    rows, issues = normalised(tables)
    assert not [i for i in issues if i.severity == "error"], issues
    by_line = {r.line: r for r in rows}
    assert len(rows) == 6  # four tasks, the contingency and the new marketing cost
    spec = by_line["Write the specification"]
    assert (spec.allocated, spec.spent) == (Decimal(2500), Decimal(2300))
    assert "design" in spec.workstream.lower()
    assert (by_line["Train the users"].allocated, by_line["Train the users"].spent) == (Decimal(3000), Decimal(3500))
    assert by_line["Risk (Contingency)"].allocated == Decimal(600)
    marketing = by_line["Marketing"]
    assert (marketing.allocated, marketing.spent, marketing.sheet) == (None, Decimal(1000), "Actual Costs")
    assert "plan_and_actual" in {i.code for i in issues}
    assert "total_mismatch" not in {i.code for i in issues}  # the subtotals of both sheets add up


def test_an_actual_costs_sheet_on_its_own_holds_spend():
    """Whatever word heads its one figure ("COST"), a sheet of actual costs says what was spent, never allocated."""
    a = analyse(xlsx({"Actual Costs": ACTUAL}), "costs.xlsx")
    assert a.kind_name == "budget" and a.ok, a.errors
    assert {r.line: (r.allocated, r.spent) for r in a.records}["Write the specification"] == (None, Decimal(2300))
    assert all(r.allocated is None for r in a.records)
    assert {"header": "COST", "field": "spent", "column": "D"} in a.sheets[0].columns


def test_sheets_that_do_not_name_plan_and_actual_are_not_joined():
    """Two budgets of the same lines whose names say nothing of plan or actual stay two tables, never merged on
    a guess."""
    sheet = [["Scheme", "Budget"], ["Falls service", 1000], ["Carers", 500]]
    tables = tables_of(xlsx({"North": sheet, "South": sheet}))
    assert [t.sheet.name for t in tables] == ["North", "South"]
    assert all(t.actuals is None for t in tables)


def test_plan_and_actual_milestone_sheets_load_once_with_actual_dates():
    """A project plan with a Plan sheet and an Actual sheet repeating the tasks: each task once, the plan's end as
    its baseline, an actual end that has passed as its completion, a later one as its new due date."""
    plan = [["Task", "Start", "End"], ["Survey the sites", date(2024, 1, 8), date(2024, 2, 2)],
            ["Hire the team", date(2024, 2, 5), date(2024, 3, 1)], ["Open the hub", date(2030, 1, 7), date(2030, 3, 1)]]
    actual = [["Task", "Start", "End"], ["Survey the sites", date(2024, 1, 15), date(2024, 2, 20)],
              ["Hire the team", date(2024, 2, 10), date(2024, 3, 4)], ["Open the hub", date(2030, 2, 4), date(2030, 4, 5)]]
    tables = tables_of(xlsx({"Plan": plan, "Actual": actual}))
    rows, issues = normalised(tables)
    assert not [i for i in issues if i.severity == "error"], issues
    by_title = {r.title: r for r in rows}
    assert sorted(by_title) == ["Hire the team", "Open the hub", "Survey the sites"] and len(rows) == 3
    survey = by_title["Survey the sites"]
    assert (survey.baseline_due, survey.completed, survey.status) == (date(2024, 2, 2), date(2024, 2, 20), "complete")
    assert survey.start == date(2024, 1, 15)
    hub = by_title["Open the hub"]
    assert (hub.due, hub.baseline_due, hub.completed) == (date(2030, 4, 5), date(2030, 3, 1), None)


# -- a summary beside its ledgers -------------------------------------------------------------------------------

SUMMARY = [
    [],
    [],
    [None, "Codes Name", "Budget", "Spend"],
    [None, "Investment", 1000, 600],
    [None, "Distribution", 800, 500],
    [None, "Contractors", 900, 400],
    [],
    [],
    [None, "Program Spend YTD", 1500],
    [None, "Total Budget", 2700],
    [],
    [],
    [None, "Date Codes", "Month", "Investment", "Distribution", "Contractors"],
    [None, "001/2024", date(2023, 7, 1), 100, 200, 150],
    [None, "002/2024", date(2023, 8, 1), 500, 300, 250],
]
CODES = ["Investment", "Distribution", "Contractors"]
LEDGER = [["Cost Factor", "Fiscal Year/Period", "Personel", "cost$", "Month", "Code Name"]]
LEDGER += [["CSS - Ext Contractor", f"00{m}/2024", f"Person {i}", 50 + i, date(2023, 6 + m, 1), CODES[i % 3]]
           for m in (1, 2) for i in range(9)]


def test_a_summary_is_read_and_its_ledgers_are_not():
    """A finance workbook: a summary of three codes, and ledgers listing the same codes' transactions. A person
    reads the summary's three lines; the ledgers would count the same money twice, and say so once."""
    tables = tables_of(xlsx({"Source": LEDGER, "Cleaning data": LEDGER, "R1 Summary": SUMMARY}))
    assert [t.sheet.name for t in tables] == ["R1 Summary"]
    rows, issues = normalised(tables)
    assert not [i for i in issues if i.severity == "error"], issues
    assert [(r.line, r.allocated, r.spent) for r in rows] == [
        ("Investment", Decimal(1000), Decimal(600)), ("Distribution", Decimal(800), Decimal(500)),
        ("Contractors", Decimal(900), Decimal(400))]
    [ledgers] = [i for i in issues if i.code == "ledger_not_loaded"]
    assert "'Source'" in ledgers.message and "'Cleaning data'" in ledgers.message
    # The sum row under the lines and the monthly table below them are not lines, each said once.
    assert [i.code for i in issues].count("total_row") == 1
    assert [i.code for i in issues].count("second_table") == 1
    assert "total_mismatch" not in {i.code for i in issues}


def test_a_ledger_on_its_own_repeats_its_lines_in_one_message():
    """One reading of a list of transactions gives one message, not one per row (each code is in each month's rows
    three times: twelve repeats)."""
    a = analyse(xlsx({"Source": LEDGER}), "ledger.xlsx")
    assert a.ok, a.errors
    repeats = [w for w in a.warnings if w.code == "duplicate_row"]
    assert len(repeats) == 1 and "12 rows repeat a budget line" in repeats[0].message


def test_a_ledger_with_no_summary_of_its_codes_is_kept():
    """Ledgers are left out only for a summary naming every one of their codes."""
    other = [["Scheme", "Budget"], ["Falls service", 1000], ["Carers", 500]]
    tables = tables_of(xlsx({"Source": LEDGER, "Schemes": other}))
    assert [t.sheet.name for t in tables] == ["Source", "Schemes"]


# -- a wide table of measures by area ------------------------------------------------------------------------------

DTOC = [
    [],
    [None, "Title:", "Delayed Transfers of Care"],
    [None, "Period:", "April 2019"],
    [None, "Source:", "Monthly collection"],
    [],
    [None, None, None, None, None, "Delayed Days", None, None, None, "Beds", None],
    [None, "Region", "Code", "Name", None, "Acute", "Non-Acute", "Total", None, "Acute", "Total"],
    [None, "-", "-", "England", None, 850, 450, 1300, None, 28.3, 43.3],
    [],
    [None, "East Midlands", "507", "Derby UA", None, 152, 228, 380, None, 5.1, 12.7],
    [None, "East Midlands", "506", "Derbyshire", None, 563, 301, 864, None, 18.8, 28.8],
    [None, "North West", "509", "Poole", None, "-", "-", "-", None, "-", "-"],
]


def test_measures_as_columns_by_area_are_metrics_per_locality():
    """Published statistics: one row per local authority, one column per measure, a group heading over the columns
    and the period in the title block. Each measure is a metric, each area a locality; days are never pounds."""
    a = analyse(xlsx({"LA - by type of care": DTOC}), "dtoc.xlsx")
    assert a.kind_name == "metrics" and a.ok, a.errors
    derby = {r.name: r for r in a.records if r.locality == "Derby UA"}
    assert sorted(derby) == ["Beds: Acute", "Beds: Total", "Delayed Days: Acute", "Delayed Days: Non-Acute",
                             "Delayed Days: Total"]
    total = derby["Delayed Days: Total"]
    assert (total.actual, total.period, total.unit) == (380, "2019-04", "days")
    assert {r.locality for r in a.records} == {"England", "Derby UA", "Derbyshire"}  # Poole has no figures
    assert not any(r.unit == "gbp" for r in a.records)
    assert "East Midlands" not in {r.locality for r in a.records}  # the region is coarser than the area


def test_a_period_in_the_title_block_that_cannot_be_read_is_said_once():
    rows = [r[:] for r in DTOC]
    rows[2] = [None, "Period:", "the latest month"]
    a = analyse(xlsx({"LA": rows}), "dtoc.xlsx")
    assert a.ok, a.errors
    assert [w.code for w in a.warnings].count("unknown_period") == 1
    assert all(r.period is None for r in a.records)


# -- headers over two rows, and numbered pairs --------------------------------------------------------------------

def test_a_budget_header_over_two_rows_reads_each_group_as_its_period():
    """Years above, the field below: "2016-17" over "Budget | Spend", "2017-18" over the next pair."""
    a = analyse(xlsx({"Budget": [[None, "2016-17", None, "2017-18", None],
                                 ["Scheme", "Budget", "Spend", "Budget", "Spend"],
                                 ["Falls service", 1000, 900, 1200, 300], ["Carers", 500, 450, 600, None]]}), "b.xlsx")
    assert a.ok, a.errors
    assert [(r.line, r.period, r.allocated, r.spent) for r in a.records] == [
        ("Falls service", "2016-17", Decimal(1000), Decimal(900)), ("Falls service", "2017-18", Decimal(1200),
                                                                     Decimal(300)),
        ("Carers", "2016-17", Decimal(500), Decimal(450)), ("Carers", "2017-18", Decimal(600), None)]
    assert "duplicate_header" not in {w.code for w in a.warnings}  # the groups tell the two Budget columns apart


def test_a_title_over_the_header_is_not_a_group():
    a = analyse(xlsx({"Budget": [["Pooled budget 2016-17"], ["Scheme", "Budget", "Spend"], ["Falls service", 1000, 900]]}),
                "b.xlsx")
    assert a.ok, a.errors
    [row] = a.records
    assert (row.line, row.period, row.allocated, row.spent) == ("Falls service", None, Decimal(1000), Decimal(900))


def test_numbered_amount_columns_pair_up():
    """budget1, spend1, budget2, spend2: the allocation and spend of number 1 and of number 2."""
    a = analyse(xlsx({"Budget": [["Scheme", "budget1", "spend1", "budget2", "spend2"],
                                 ["Falls service", "£1,000", "£900", "£1,200", "£300"]]}), "b.xlsx")
    assert a.ok, a.errors
    assert [(r.period, r.allocated, r.spent) for r in a.records] == [
        ("No. 1", Decimal(1000), Decimal(900)), ("No. 2", Decimal(1200), Decimal(300))]


def test_a_lone_numbered_budget_column_is_just_a_budget():
    a = analyse(xlsx({"Budget": [["Scheme", "Budget 1"], ["Falls service", 1000]]}), "b.xlsx")
    assert a.ok, a.errors
    [row] = a.records
    assert (row.period, row.allocated) == (None, Decimal(1000))


# -- values from the cell's style -----------------------------------------------------------------------------------

def test_percent_formatted_cells_read_as_percent():
    """Excel stores the 90% a person sees as 0.9: the cell's number format says it is a percentage."""
    data = xlsx({"KPIs": [["Metric", "Target", "Actual"], ["Uptake", 0.9, 0.855], ["Visits", 120, 0.5],
                          ["Written", "90%", "85%"]]},
                formats={("KPIs", 2, 2): "0%", ("KPIs", 2, 3): "0.0%"})
    a = analyse(data, "kpi.xlsx")
    assert a.ok, a.errors
    got = {r.name: (r.target, r.actual, r.unit) for r in a.records}
    assert got["Uptake"] == (90, 85.5, "percent")
    assert got["Visits"] == (120, 0.5, None)  # a plain 0.5 stays 0.5
    assert got["Written"] == (90, 85, "percent")


def test_percent_formats_of_a_workbook_written_with_its_own_format_code():
    data = xlsx({"KPIs": [["Metric", "Actual"], ["Uptake", 0.25]]}, formats={("KPIs", 2, 2): '0.00" pts"%'})
    a = analyse(data, "kpi.xlsx")
    [row] = a.records
    assert (row.actual, row.unit) == (25, "percent")


@pytest.mark.slow
def test_rag_from_the_fill_of_a_status_column():
    """No RAG column, but the Status cells are coloured: the colour is the RAG, the words the status."""
    a = analyse(xlsx({"Plan": [["Milestone", "Due", "Status"], ["Open the hub", date(2026, 3, 1), "In progress"],
                               ["Hire staff", date(2026, 4, 1), "Not started"]]},
                     fills={("Plan", 2, 3): "FFC000", ("Plan", 3, 3): "FF0000"}), "plan.xlsx")
    assert a.ok, a.errors
    assert [(r.status, r.rag) for r in a.records] == [("in_progress", "amber"), ("not_started", "red")]
    a = analyse(xlsx({"Risks": [["Risk", "Likelihood", "Impact", "Status"], ["Funding gap", 3, 4, "Open"]]},
                     fills={("Risks", 2, 4): "00B050"}), "risks.xlsx")
    [risk] = a.records
    assert (risk.status, risk.stated_rag) == ("open", "green")


def test_a_rag_column_whose_words_are_no_rag_reads_its_fill():
    a = analyse(xlsx({"Plan": [["Milestone", "Due", "RAG"], ["Open the hub", date(2026, 3, 1), "Change is needed"]]},
                     fills={("Plan", 2, 3): "FF0000"}), "plan.xlsx")
    [row] = a.records
    assert row.rag == "red"
    assert "unknown_rag" not in {w.code for w in a.warnings}


def test_html_bold_marks_a_section_row():
    """Converted from a document: the heading is bold through HTML, not a cell style."""
    a = analyse(xlsx({"Plan": [["Milestone", "Due", "Status"], ["<b>Building the hub</b>", None, None],
                               ["Open the hub", date(2026, 3, 1), "In progress"],
                               ["<strong>Staffing</strong>", None, None], ["Hire staff", date(2026, 4, 1), None]]}),
                "plan.xlsx")
    assert a.ok, a.errors
    assert [(r.title, r.workstream) for r in a.records] == [("Open the hub", "Building the hub"),
                                                           ("Hire staff", "Staffing")]


def test_a_list_of_names_and_figures_is_no_table_of_areas():
    """A plain Name beside figures, with no code or area column, is not taken for areas: no metrics are made up."""
    a = analyse(xlsx({"Team": [["Name", "Hours", "Days"], ["Ann Smith", 30, 4], ["Bo Lee", 22, 3]]}), "team.xlsx")
    assert a.kind_name != "metrics" or not a.records


def test_the_reader_tells_percent_cells_only_of_xlsx_sheets():
    """The number format comes with the workbook's cells for .xlsx (read when first asked); a CSV has none."""
    from conftest import csv_bytes

    data = xlsx({"A": [["Metric", "Actual", "Count"], ["Uptake", 0.5, 3]], "B": [["x"], [0.1]]},
                formats={("A", 2, 2): "0.0%", ("B", 2, 1): "0%"})
    first, second = read_workbook(data, "k.xlsx").sheets
    assert first.is_percent(1, 1) and not first.is_percent(1, 2) and not first.is_percent(0, 1)
    assert second.is_percent(1, 0) and not second.is_percent(1, 1)
    [sheet] = read_workbook(csv_bytes([["Metric", "Actual"], ["Uptake", "0.5"]]), "k.csv").sheets
    assert not sheet.is_percent(1, 1)
