"""Values at and beyond the limits, through the import into a real database: the largest amount a board could
hold is stored to the penny, anything larger is refused naming the cell, and nothing crashes (issue 10 item 6)."""

from datetime import datetime

from conftest import dump, xlsx
from sqlalchemy import select

from data_model.tables import BudgetAmount
from loaders import analyse, import_bytes


def budget(amount: object) -> bytes:
    return xlsx({"Budget": [["Budget line", "Allocated"], ["Community hub", amount]]})


def test_a_numeric_cell_of_1e300_is_refused_naming_the_cell_and_writes_nothing(engine):
    before = dump(engine)
    result = import_bytes(budget(1e300), "budget.xlsx", "b", engine=engine)
    assert result.status == "rejected"  # it crashed with decimal.InvalidOperation before
    [problem] = result.analysis.errors
    assert problem.row == 2 and "£10 trillion" in problem.message
    assert dump(engine) == before


def test_the_largest_amount_the_models_hold_is_stored_to_the_penny(engine):
    result = import_bytes(budget("£9,999,999,999,999.99"), "budget.xlsx", "b", engine=engine)
    assert result.status == "ok"
    with engine.connect() as conn:
        assert conn.execute(select(BudgetAmount.allocated_pence)).scalars().all() == [999_999_999_999_999]


def test_space_thousands_are_stored_as_thousands(engine):
    result = import_bytes(budget("£ 1 000"), "budget.xlsx", "b", engine=engine)
    assert result.status == "ok"
    with engine.connect() as conn:
        assert conn.execute(select(BudgetAmount.allocated_pence)).scalars().all() == [100_000]  # it was £1


def test_two_alternative_amounts_reject_the_file_with_a_sentence():
    a = analyse(budget("£5 or £6"), "budget.xlsx")
    assert not a.ok and "alternative amounts" in a.errors[0].message and a.errors[0].row == 2


def test_a_typed_date_in_the_year_9999_is_not_a_due_date():
    a = analyse(xlsx({"Plan": [["Milestone", "Due"], ["Open the hub", datetime(9999, 12, 31)],
                               ["Close the old site", datetime(2027, 3, 31)]]}), "plan.xlsx")
    due = {r["title"]: r["due"] for r in a.json_records()}
    assert due == {"Open the hub": None, "Close the old site": "2027-03-31"}  # 9999-12-31 was stored before
    assert any(w.row == 2 and "9999" in w.message for w in a.warnings)
