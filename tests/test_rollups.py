"""RAG rules and roll-ups on the small known board (conftest's ``board``), on both databases."""

from datetime import UTC

import pytest
from conftest import AS_AT, xlsx

from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from loaders import import_bytes


def cell(matrix, group, kind):
    row = matrix[(matrix["group"] == group) & (matrix["kind"] == kind)].iloc[0]
    return row["red"], row["amber"], row["green"], row["unrated"]


def test_rag_matrix_by_top_level_workstream(engine, board):
    m = rag_matrix(engine, Filters(board["id"], as_at=AS_AT), RagRules())
    assert cell(m, "Prevention", "Milestones") == (1, 2, 1, 0)  # overdue / due soon + delayed / complete
    assert cell(m, "Crisis", "Milestones") == (0, 0, 1, 2)      # later / undated + cancelled
    assert cell(m, "Prevention", "Risks") == (1, 1, 0, 0)
    assert cell(m, "Crisis", "Risks") == (1, 0, 1, 0)
    assert cell(m, "Prevention", "Budget") == (0, 1, 1, 0)
    assert cell(m, "Crisis", "Budget") == (1, 0, 0, 0)
    assert cell(m, "Crisis", "Metrics") == (0, 1, 1, 0)
    assert cell(m, "Prevention", "Metrics") == (1, 0, 0, 0)


def test_rag_matrix_by_locality_and_filtered(engine, board):
    m = rag_matrix(engine, Filters(board["id"], as_at=AS_AT), RagRules(), by="locality")
    assert cell(m, "North", "Milestones") == (1, 0, 2, 1)
    south = rag_matrix(engine, Filters(board["id"], as_at=AS_AT, locality_id=_locality(engine, board, "South")),
                       RagRules())
    assert cell(south, "Prevention", "Milestones") == (0, 2, 0, 0)


def test_board_rules_change_the_colours(engine, board):
    strict = RagRules(milestone_due_soon_days=0, risk_red_from=9, budget_amber_pct=1, budget_red_pct=5)
    m = rag_matrix(engine, Filters(board["id"], as_at=AS_AT), strict)
    assert cell(m, "Prevention", "Milestones") == (1, 1, 2, 0)  # "due soon" no longer amber
    assert cell(m, "Prevention", "Risks") == (2, 0, 0, 0)
    assert cell(m, "Prevention", "Budget") == (1, 1, 0, 0)


def test_rules_validate_and_explain_themselves():
    assert RagRules(risk_amber_from=16).validate()
    assert not RagRules().validate()
    words = RagRules().explain()
    assert set(words) == {"Milestones", "Risks", "Budget", "Metrics"} and "Red" in " ".join(words["Risks"])
    assert RagRules.from_settings({"rag": {"risk_red_from": 12, "unknown": 1}}).risk_red_from == 12


def _locality(engine, board, name):
    from sqlalchemy import select

    from data_model.tables import Locality

    with engine.connect() as conn:
        return conn.execute(select(Locality.__table__.c.id).where(Locality.__table__.c.board_id == board["id"],
                                                                 Locality.__table__.c.name == name)).scalar_one()


def test_exceptions_list_what_needs_attention(engine, board):
    from data_model.attention import (
        budget_lines_off_plan,
        metrics_off_target,
        milestones_needing_attention,
        risks_needing_attention,
    )

    f, rules = Filters(board["id"], as_at=AS_AT), RagRules()
    ms = milestones_needing_attention(engine, f, rules)
    assert list(zip(ms["title"], ms["state"], ms["days"], strict=True)) == [("Overdue", "Overdue", -27),
                                                                            ("Due soon", "Due soon", 13)]
    rk = risks_needing_attention(engine, f, rules)
    assert set(rk["title"]) == {"High high", "Unscored but red"}
    bl = budget_lines_off_plan(engine, f, rules)
    assert list(zip(bl["line"], bl["rag"], bl["variance"], bl["variance_pct"].round(1), strict=True)) == [
        ("Way over", "red", 30000.0, 30.0), ("Over", "amber", 8000.0, 8.0)]
    mt = metrics_off_target(engine, f, rules)
    assert list(zip(mt["name"], mt["rag"], strict=True)) == [("Admissions", "red"), ("Reablement", "amber")]


@pytest.mark.slow
def test_a_rising_risk_is_flagged_and_changes_since_a_date_are_listed(engine, board):
    from datetime import datetime

    from data_model.attention import changes_since, risks_needing_attention

    cut = datetime.now(UTC)
    risks = xlsx({"Register": [
        ["Ref", "Priority", "Risk", "Likelihood", "Impact", "RAG"],
        ["R1", "Prevention", "High high", "High", "High", None],
        ["R2", "Prevention", "Medium", "High", "Med", None],  # 9 -> 15: rises (and turns red)
        ["R3", "Crisis", "Low", "Low", "Med", None],          # 1 -> 3: rises, still green
        ["R4", "Crisis", "Unscored but red", None, None, "Red"],
    ]})
    import_bytes(risks, "r2.xlsx", "test-board", engine=engine)
    rk = risks_needing_attention(engine, Filters(board["id"], as_at=AS_AT), RagRules()).set_index("title")
    assert rk.loc["Low", "reason"] == "Score up from 1"
    assert rk.loc["Medium", "reason"] == "Score up from 9"
    since = changes_since(engine, board["id"], cut)
    assert set(zip(since["label"], since["field"].fillna(""), strict=True)) >= {
        ("Medium", "likelihood"), ("Low", "impact")}
    assert set(since["file_name"]) == {"r2.xlsx"}
