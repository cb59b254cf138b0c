"""Sheets of one workbook that hold the same rows twice, read once as a person reads them.

Two layouts, each a class of workbook rather than one file:

- **Plan and actual sheets of the same rows** ("Estimated Costs" and "Actual Costs", a "Plan" and an "Actual"
  sheet repeating the same tasks): the sheet names (or titles) say which is the plan and which the actuals, and
  most of their row labels are the same. They become one table: the plan's, with the actual sheet attached as
  ``Table.actuals``, so its kind's normaliser reads one set of rows (allocated from the plan and spent from the
  actuals; planned dates and actual dates), never the same line twice.
- **A summary beside ledgers of the same money**: a budget summary with one row per code, and sheets of
  transactions (many dated rows per code) whose codes are all in the summary. The summary is what a person
  reads; the ledgers are not loaded (they would count the same money twice), and the summary says why.

``join_tables`` takes the tables found in a workbook (of one kind or several) and returns them joined; the
pipeline calls it once, after finding each sheet's table and before normalising.
"""

from __future__ import annotations

from datetime import date

from data_model.vocabulary import fold
from loaders.find_tables import Table, table_side
from loaders.issues import warning
from loaders.text import clean_text

KEY_FIELDS = ("line", "title", "name")
PAIR_OVERLAP = 0.5  # share of the smaller sheet's labels that must be on both sheets
LEDGER_MIN_ROWS = 10
LEDGER_REPEATS = 3  # rows per label, on average, that make a list of transactions


def join_tables(tables: list[Table]) -> list[Table]:
    """The tables with each ledger under a summary left out and each plan/actual pair joined (see the module)."""
    tables = _without_ledgers(tables)
    return _paired(tables)


def labels(table: Table) -> list[str]:
    """The folded row labels of a table (budget lines, milestone titles, metric names), in order."""
    col = next((table.mapping.get(f) for f in KEY_FIELDS if table.mapping.get(f) is not None), None)
    if col is None:
        return []
    out = []
    for row in table.rows:
        value = row.values[col.index] if col.index < len(row.values) else None
        text = fold(clean_text(value)) if value not in (None, "") else ""
        if text:
            out.append(text)
    return out


# -- plan and actual sheets ---------------------------------------------------------------------------------

def _paired(tables: list[Table]) -> list[Table]:
    out: list[Table] = []
    used: set[int] = set()
    for i, plan in enumerate(tables):
        if i in used or not plan.kind.joins_actuals or table_side(plan) != "plan":
            continue
        mine = set(labels(plan))
        for j, actual in enumerate(tables):
            if j in used or j == i or actual.kind is not plan.kind or table_side(actual) != "actual":
                continue
            theirs = set(labels(actual))
            if mine and theirs and len(mine & theirs) >= PAIR_OVERLAP * min(len(mine), len(theirs)):
                plan.actuals = actual
                used |= {i, j}
                plan.issues.append(warning(
                    f"Sheet '{actual.sheet.name}' repeats the {plan.kind.noun}s of '{plan.sheet.name}' with what "
                    f"actually happened, so the two were read as one set of {plan.kind.noun}s: the plan from "
                    f"'{plan.sheet.name}', the actuals from '{actual.sheet.name}'.", sheet=plan.sheet.name,
                    code="plan_and_actual"))
                break
    for i, table in enumerate(tables):
        if i not in used or table.actuals is not None:
            out.append(table)
    return out


# -- summaries and ledgers ----------------------------------------------------------------------------------

def is_ledger(table: Table) -> bool:
    """A list of transactions: many rows per label, each dated (a Date or Month column, or a period)."""
    names = labels(table)
    if len(names) < LEDGER_MIN_ROWS or len(set(names)) * LEDGER_REPEATS > len(names):
        return False
    if table.mapping.has("period"):
        return True
    width = max((len(r.values) for r in table.rows), default=0)
    for c in range(width):
        dated = sum(1 for r in table.rows if c < len(r.values) and isinstance(r.values[c], date))
        if dated >= 0.8 * len(table.rows):
            return True
    return False


def _without_ledgers(tables: list[Table]) -> list[Table]:
    ledgers = [t for t in tables if t.mapping.get("line") is not None and is_ledger(t)]
    if not ledgers:
        return tables
    dropped: set[int] = set()
    for summary in tables:
        if summary in ledgers or summary.mapping.get("line") is None:
            continue
        names = labels(summary)
        if not names or len(set(names)) < len(names):
            continue
        covered = [t for t in ledgers if t.kind is summary.kind and set(labels(t)) <= set(names)]
        covered = [t for t in covered if id(t) not in dropped]
        if not covered:
            continue
        dropped |= {id(t) for t in covered}
        sheets = ", ".join(f"'{t.sheet.name}'" for t in covered)
        summary.issues.append(warning(
            f"{'Sheets' if len(covered) > 1 else 'Sheet'} {sheets} list{'' if len(covered) > 1 else 's'} the "
            f"transactions of the lines summed up on '{summary.sheet.name}' (many dated rows per line), so only the "
            "summary was loaded: loading both would count the same money twice.", sheet=summary.sheet.name,
            code="ledger_not_loaded"))
    return [t for t in tables if id(t) not in dropped]
