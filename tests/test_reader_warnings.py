"""What the reader sees in a sheet reaches the lead as one warning per column or sheet: cached formula errors
(which were read as blanks in silence), hidden rows, and a decimal-comma CSV read the continental way."""

from __future__ import annotations

import io
from decimal import Decimal

import openpyxl

from loaders import analyse


def workbook(rows: list[list[object]], *, hidden: tuple[int, ...] = ()) -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Metrics"
    for row in rows:
        ws.append(row)
    for r in hidden:
        ws.row_dimensions[r].hidden = True
    out = io.BytesIO()
    wb.save(out)
    return out.getvalue()


def test_cached_formula_errors_are_one_warning_per_column_naming_the_first_cell():
    # openpyxl writes "#DIV/0!" and "#N/A" as error cells, as Excel saves a formula whose result is an error.
    data = workbook([["Metric", "Target", "Actual"], ["Delayed transfers", 250, "#DIV/0!"],
                     ["Admissions", 100, "#N/A"], ["Reablement", 80, 82]])
    a = analyse(data, "metrics.xlsx")
    assert a.ok, a.errors
    [said] = [w for w in a.warnings if w.code == "formula_error"]
    assert said.column == "Actual" and said.row == 2 and "2 cells hold a formula error (#DIV/0!, #N/A)" in said.message
    assert [r.actual for r in a.records] == [None, None, 82.0]


def test_hidden_rows_are_read_and_named():
    data = workbook([["Milestone", "Due"], ["Open the hub", "Sept 2016"], ["Old plan", "Jan 2016"],
                     ["Close the site", "Mar 2017"]], hidden=(3,))
    a = analyse(data, "plan.xlsx")
    assert len(a.records) == 3
    [said] = [w for w in a.warnings if w.code == "hidden_rows"]
    assert "1 hidden row(s)" in said.message and "rows 3" in said.message and said.row == 3


def test_a_semicolon_csv_with_decimal_commas_is_read_as_written():
    data = b"Budget line;Allocated;Spent\nPosts;1.200,50;35.000\nTraining;900,25;0\n"
    a = analyse(data, "budget.csv")
    assert a.ok, a.errors
    assert [(r.line, r.allocated, r.spent) for r in a.records] == [
        ("Posts", Decimal("1200.50"), Decimal(35000)), ("Training", Decimal("900.25"), Decimal(0))]
    assert [w.code for w in a.warnings].count("decimal_comma") == 1
