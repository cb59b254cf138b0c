"""RAID logs: a Type column (or a sheet named Issues, Assumptions...) routes risks to the register and keeps the
issues, assumptions and dependencies apart: stored, shown on the Risks page, and counted nowhere as risks."""

from __future__ import annotations

from datetime import date

from conftest import xlsx
from sqlalchemy import select

from data_model import queries
from data_model.rag import DEFAULT_RULES
from data_model.registers import raid_items, risks
from data_model.rollups import Filters, risk_counts
from data_model.tables import Board
from loaders import analyse, import_bytes

RAID = xlsx({"RAID log": [
    ["ID", "Type", "Description", "Owner", "Likelihood", "Impact", "Mitigation / Action", "Status"],
    ["R1", "Risk", "Key supplier fails", "Ann", "High", "High", "Second supplier on standby", "Open"],
    ["I1", "Issue", "Server room flooded", "Bob", None, None, "Move kit to the annexe", "Open"],
    ["A1", "Assumption", "Funding continues into 2024", "Cat", None, None, None, "Open"],
    ["D1", "Dependency", "New CRM go-live", "Dee", None, None, None, "Open"],
]})


def board_id(engine, slug: str) -> int:
    with engine.connect() as conn:
        return conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == slug)).scalar_one()


def test_the_type_column_routes_each_row():
    a = analyse(RAID, "raid.xlsx")
    assert a.ok and a.kind_name == "risks", a.errors
    assert [(r.ref, r.raid_type) for r in a.records] == [("R1", "risk"), ("I1", "issue"), ("A1", "assumption"),
                                                        ("D1", "dependency")]


def test_only_risks_count_as_risks_and_the_rest_are_kept(engine):
    assert import_bytes(RAID, "raid.xlsx", "raid-board", engine=engine).status == "ok"
    filters = Filters(board_id=board_id(engine, "raid-board"), as_at=date(2023, 6, 1))
    register = risks(engine, filters, DEFAULT_RULES)
    assert register["ref"].tolist() == ["R1"]
    kept = raid_items(engine, filters)
    assert dict(zip(kept["ref"], kept["raid_type"], strict=True)) == {"I1": "issue", "A1": "assumption",
                                                                     "D1": "dependency"}
    boards = queries.boards_with_counts(engine)
    assert boards.loc[boards["slug"] == "raid-board", "risks"].item() == 1
    assert int(risk_counts(engine, filters, DEFAULT_RULES)["count"].sum()) == 1  # the Overview's risk column


def test_a_risk_category_called_type_is_not_a_raid_type():
    data = xlsx({"Risks": [["Ref", "Type", "Risk", "Likelihood", "Impact"],
                           ["1", "Financial", "Budget overspend", 3, 4], ["2", "Operational", "Staff leave", 2, 2]]})
    a = analyse(data, "risks.xlsx")
    assert a.ok and {r.raid_type for r in a.records} == {"risk"}
    assert not [w for w in a.warnings if w.code == "unknown_raid_type"]


def test_a_sheet_named_issues_holds_issues():
    data = xlsx({"Risks": [["Ref", "Risk", "Likelihood", "Impact"], ["R1", "Budget overspend", 3, 4]],
                 "Issues log": [["Ref", "Issue", "Likelihood", "Impact", "Action"], ["I1", "Late invoices", None, None,
                                                                                   "Chase weekly"]]})
    a = analyse(data, "raid.xlsx")
    assert a.ok, a.errors
    assert {(r.ref, r.raid_type) for r in a.records} == {("R1", "risk"), ("I1", "issue")}
