"""The upload preview rates a board's risks by the board's own bands, as its Risks page does (issue 9's named bug:
the loaders used the default bands, so a board that had changed them saw two answers)."""

from __future__ import annotations

from datetime import date

from conftest import xlsx
from sqlalchemy import select

from data_model.board_settings import board_rules, save_rules
from data_model.rag import RagRules
from data_model.registers import risks
from data_model.rollups import Filters
from data_model.tables import Board
from loaders import analyse, import_bytes
from loaders.kinds import RISKS

REGISTER = xlsx({"Risks": [["Ref", "Risk", "Likelihood", "Impact"],
                           ["R1", "Workforce gaps", 3, 4],  # 12: amber by default, red under this board's bands
                           ["R2", "IT delays", 2, 2],
                           ["R3", "Unscored, no RAG stated", None, None]]})


def test_preview_and_risks_page_agree_under_a_board_s_own_bands(engine):
    assert import_bytes(REGISTER, "risks.xlsx", "own-bands", engine=engine).status == "ok"
    with engine.connect() as conn:
        board_id = conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == "own-bands")).scalar_one()
    save_rules(engine, board_id, RagRules(risk_red_from=10, risk_amber_from=4), by="chair")
    rules = board_rules(engine, "own-bands")

    preview = analyse(REGISTER, "risks.xlsx", rules=rules)
    page = risks(engine, Filters(board_id=board_id, as_at=date(2016, 6, 1)), rules)
    on_page = {ref: (rag if isinstance(rag, str) else None) for ref, rag in zip(page["ref"], page["rag"], strict=True)}
    assert {r.ref: r.rag for r in preview.records} == {"R1": "red", "R2": "amber", "R3": None} == on_page
    # The kind's own rule gives the same answer as the row the preview shows.
    assert [RISKS.rag(rules, r, date(2016, 6, 1)) for r in preview.records] == [r.rag for r in preview.records]


def test_the_cli_json_rates_by_the_board_s_bands(engine, capsys):
    """import_bytes reads the board's rules itself, so scripts see the board's RAG too."""
    assert import_bytes(REGISTER, "risks.xlsx", "own-bands", engine=engine).status == "ok"
    with engine.connect() as conn:
        board_id = conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == "own-bands")).scalar_one()
    save_rules(engine, board_id, RagRules(risk_red_from=10, risk_amber_from=4), by="chair")
    again = import_bytes(REGISTER, "risks.xlsx", "own-bands", engine=engine, dry_run=True)
    assert [r["rag"] for r in again.as_json()["records"]] == ["red", "amber", None]
