"""A fault of ours while reading or storing one file refuses that file with a sentence, writes nothing and is
audited: it never reaches the lead as a traceback (issue 10, item 6)."""

from __future__ import annotations

import pytest
from conftest import dump, xlsx
from sqlalchemy import select

import loaders.pipeline
from data_model.tables import AuditEvent
from loaders import analyse, import_bytes

TRACKER = xlsx({"Plan": [["Milestone", "Due"], ["Open the hub", "Sept 2016"]]})


def _fault(*_args, **_kw):
    raise ZeroDivisionError  # a stand-in for any bug of ours that some file provokes; it has no message


def test_a_fault_while_reading_refuses_the_file_with_a_sentence(monkeypatch):
    monkeypatch.setattr(loaders.pipeline, "read_table", _fault)
    a = analyse(TRACKER, "plan.xlsx")
    assert not a.ok and a.errors[0].code == "unexpected"
    assert "could not be read" in a.errors[0].message and "Nothing was written" in a.errors[0].message
    assert "Traceback" not in a.errors[0].message and "ZeroDivisionError" not in a.errors[0].message


def test_a_fault_while_reading_is_audited_and_writes_nothing(engine, monkeypatch):
    assert import_bytes(TRACKER, "plan.xlsx", "faults", engine=engine).status == "ok"
    before = dump(engine)
    monkeypatch.setattr(loaders.pipeline, "read_table", _fault)
    result = import_bytes(TRACKER, "again.xlsx", "faults", engine=engine, uploaded_by="lead@faults.example.org")
    assert result.status == "rejected"
    assert dump(engine) == before
    au = AuditEvent.__table__
    with engine.connect() as conn:
        last = conn.execute(select(au.c.outcome, au.c.detail).where(au.c.action == "upload")
                            .order_by(au.c.id.desc())).first()
    assert last.outcome == "rejected" and "again.xlsx" in last.detail and "could not be read" in last.detail


@pytest.mark.slow
def test_a_value_the_database_cannot_hold_is_refused_and_audited(engine, monkeypatch):
    """Defence in depth behind the parsers' own limits: the database's refusal rolls the import back."""
    import loaders.kinds.budget

    monkeypatch.setattr(loaders.kinds.budget, "to_pence", lambda _amount: 10**30)  # beyond any BIGINT
    before = dump(engine)
    budget = xlsx({"Budget": [["Budget line", "Allocated"], ["Posts", 1000]]})
    result = import_bytes(budget, "budget.xlsx", "faults", engine=engine)
    assert result.status == "rejected" and result.analysis.errors[-1].code == "store_failed"
    assert "nothing was written" in result.analysis.errors[-1].message
    assert dump(engine) == before
