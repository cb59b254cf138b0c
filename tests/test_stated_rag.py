"""A lead's own RAG (both databases): kept as stated beside the RAG the board's rule gives, shown beside it in the
upload preview, and a changed RAG cell is a field change in the preview and in the change log, in words."""

from __future__ import annotations

import pytest
from conftest import AS_AT, as_read, xlsx
from signed_in import open_page

from data_model import queries
from data_model.rag import RagRules
from loaders import analyse, import_bytes
from presentation.upload_report import changes_frame, rag_rule_notes, records_frame


def plan(rag: str, status: str = "In progress") -> bytes:
    return xlsx({"Plan": [["Ref", "Priority", "Milestone", "Due", "Status", "RAG"],
                          ["S1", "Prevention", "Overdue but called green", "Aug 16", status, rag]]})


def register(rag: str) -> bytes:
    return xlsx({"Register": [["Ref", "Priority", "Risk", "Likelihood", "Impact", "RAG"],
                              ["R9", "Prevention", "Scored five by five", 5, 5, rag],
                              ["R10", "Prevention", "Not scored", None, None, rag]]})


def test_the_preview_shows_the_leads_rag_beside_the_rules():
    milestones = records_frame(analyse(plan("Green"), "plan.xlsx"), RagRules(), AS_AT).set_index("Title")
    assert milestones.loc["Overdue but called green", ["Lead's RAG", "RAG (rule)"]].tolist() == ["Green", "Red"]
    assert "RAG" not in milestones  # no column left ambiguous

    risks = records_frame(analyse(register("Green"), "risks.xlsx"), RagRules(), AS_AT).set_index("Title")
    assert risks.loc["Scored five by five", ["Lead's RAG", "RAG (rule)"]].tolist() == ["Green", "Red"]  # 25: red
    assert risks.loc["Not scored", ["Lead's RAG", "RAG (rule)"]].tolist() == ["Green", "Green"]  # the lead's stands


def test_the_upload_page_says_which_rag_the_rule_gives():
    milestone_note, = rag_rule_notes(analyse(plan("Green"), "plan.xlsx"))
    assert milestone_note.startswith("1 milestone states a RAG. The board's views work a milestone's RAG out from its "
                                     "due date and status")
    risk_note, = rag_rule_notes(analyse(register("Green"), "risks.xlsx"))
    assert risk_note.startswith("1 scored risk states a RAG. A scored risk's RAG comes from its score")
    assert rag_rule_notes(analyse(xlsx({"Plan": [["Milestone", "Due"], ["No RAG here", "Aug 16"]]}), "p.xlsx")) == []


@pytest.mark.parametrize(("make", "name", "item"), [(plan, "plan.xlsx", "Overdue but called green"),
                                                    (register, "risks.xlsx", "Scored five by five")])
def test_a_changed_rag_cell_is_a_field_change_before_and_after_loading(engine, board, make, name, item):
    assert import_bytes(make("Green"), name, "test-board", engine=engine).status == "ok"
    trial = import_bytes(make("Red"), name, "test-board", engine=engine, dry_run=True)
    assert trial.changes["updated"] >= 1
    expected = {"Change": "Updated", "Item": item, "Field": "Lead's RAG", "Was": "Green", "Now": "Red"}
    previewed = changes_frame(trial.stored.change_rows)
    assert expected in previewed[list(expected)].to_dict("records")

    loaded = import_bytes(make("Red"), name, "test-board", engine=engine)
    logged = changes_frame(queries.upload_changes(engine, loaded.upload_id))
    assert expected in logged[list(expected)].to_dict("records")


def test_logged_codes_read_as_words():
    rows = [{"action": "updated", "entity": "milestone", "label": "Open the hub", "field": "status",
             "old_value": "not_started", "new_value": "in_progress"}]
    assert changes_frame(rows)[["Field", "Was", "Now"]].values.tolist() == [["Status", "Not started", "In progress"]]


@pytest.mark.slow  # a page run with an upload; the tests above check the same words in-process
def test_a_lead_reads_on_the_upload_page_that_the_rule_gives_the_rag(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    assert import_bytes(plan("Green"), "plan.xlsx", "test-board", engine=engine).status == "ok"
    at = open_page("upload.py", board="test-board")
    at.file_uploader[0].set_value(("plan.xlsx", plan("Red"), "application/vnd.ms-excel")).run()
    assert not at.exception, at.exception
    notes = [as_read(i.value) for i in at.info]
    assert any("work a milestone's RAG out from its due date and status" in n for n in notes)
    changes = next(df.value for df in [*at.table, *at.dataframe] if "Field" in df.value.columns)
    assert {"Field": "Lead's RAG", "Was": "Green", "Now": "Red"} in changes[["Field", "Was", "Now"]].to_dict("records")
    preview = next(df.value for df in at.dataframe if "Lead's RAG" in df.value.columns)
    assert preview[["Lead's RAG", "RAG (rule)"]].values.tolist() == [["Red", "Red"]]  # due August 2016: overdue
