"""Imports are atomic, idempotent, and record what changed."""

import pytest
from conftest import dump, xlsx
from sqlalchemy import select

from data_model.tables import Milestone, Risk, RiskAssessment
from loaders import import_bytes

RISK_HEADER = ["Ref", "Priority", "Risk", "Likelihood", "Impact", "Mitigation", "Owner"]


def risks(*rows):
    return xlsx({"Register": [RISK_HEADER, *rows]})


def test_rejected_upload_leaves_every_table_as_it_was(engine):
    import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"]), "v1.xlsx", "b", engine=engine)
    before = dump(engine)
    # The same reference on the same risk twice: the lead must settle which is right, so the file is refused.
    bad = risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"], ["R1", "Crisis", "Funding cut", "L", "L", "", ""])
    result = import_bytes(bad, "bad.xlsx", "b", engine=engine)
    assert result.status == "rejected"
    assert dump(engine) == before
    garbage = import_bytes(b"this is not a workbook at all", "x.xlsx", "b", engine=engine)
    assert garbage.status == "rejected" and "not one" in garbage.analysis.errors[0].message
    assert dump(engine) == before


def test_reimporting_the_same_file_changes_nothing(engine):
    data = risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"], ["R2", "Crisis", "Staff leave", "L", "H", "Recruit", "HR"])
    first = import_bytes(data, "r.xlsx", "b", engine=engine)
    assert first.changes == {"added": 2, "updated": 0, "removed": 0, "unchanged": 0}
    before = dump(engine)
    again = import_bytes(data, "r.xlsx", "b", engine=engine)
    assert again.status == "ok" and again.already_imported == first.upload_id
    assert again.changes == {"added": 0, "updated": 0, "removed": 0, "unchanged": 2}
    assert dump(engine) == before


def test_new_version_updates_adds_and_removes_and_logs_old_to_new(engine):
    import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"],
                       ["R2", "Crisis", "Staff leave", "L", "H", "Recruit", "HR"]), "v1.xlsx", "b", engine=engine)
    v2 = import_bytes(risks(["R1", "Crisis", "Funding cut", "L", "M", "Lobby harder", "CFO"],
                            ["R3", "Crisis", "IT delays", "M", "M", "Plan", "CIO"]), "v2.xlsx", "b", engine=engine)
    assert v2.changes == {"added": 1, "updated": 1, "removed": 1, "unchanged": 0}
    from data_model.queries import upload_changes

    df = upload_changes(engine, v2.upload_id).astype(object).where(lambda d: d.notna(), None)
    log = set(zip(df["action"], df["label"], df["field"], df["old_value"], df["new_value"], strict=True))
    with engine.connect() as conn:
        r2 = conn.execute(select(Risk.__table__).where(Risk.__table__.c.ref == "R2")).one()
        history = conn.execute(select(RiskAssessment.__table__.c.likelihood).join(
            Risk.__table__, Risk.__table__.c.id == RiskAssessment.__table__.c.risk_id)
            .where(Risk.__table__.c.ref == "R1").order_by(RiskAssessment.__table__.c.id)).scalars().all()
    assert ("updated", "Funding cut", "mitigation", "Lobby", "Lobby harder") in log
    assert ("updated", "Funding cut", "likelihood", "5", "1") in log
    assert ("removed", "Staff leave", None, None, None) in log
    assert ("added", "IT delays", None, None, None) in log
    assert r2.removed_upload_id == v2.upload_id  # kept, marked removed
    assert history == [5, 1]  # the rating history grows


def test_removal_is_limited_to_the_workstreams_the_file_covers(engine):
    import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "", ""], ["P1", "Prevention", "Low uptake", "M", "M", "", ""]),
                 "all.xlsx", "b", engine=engine)
    only_crisis = import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "", ""]), "crisis.xlsx", "b", engine=engine)
    assert only_crisis.changes["removed"] == 0


@pytest.mark.slow
def test_rows_match_by_workstream_and_title_when_there_is_no_reference(engine):
    v1 = xlsx({"Plan": [["Priority", "Milestone", "Due", "Status"], ["Crisis", "Open the hub", "Jan 17", "Not started"]]})
    v2 = xlsx({"Plan": [["Priority", "Milestone", "Due", "Status"], ["Crisis", "Open the hub", "Mar 17", "In progress"]]})
    import_bytes(v1, "v1.xlsx", "b", engine=engine)
    result = import_bytes(v2, "v2.xlsx", "b", engine=engine)
    assert result.changes == {"added": 0, "updated": 1, "removed": 0, "unchanged": 0}
    with engine.connect() as conn:
        m = conn.execute(select(Milestone.__table__)).one()
    assert (str(m.due), m.status, m.due_raw) == ("2017-03-31", "in_progress", "Mar 17")


def test_every_row_traces_to_its_upload_sheet_and_row(engine):
    data = xlsx({"Plan": [["Title of plan"], ["Milestone", "Due"], ["A", "May 16"], ["B", "June 16"]]})
    result = import_bytes(data, "plan.xlsx", "b", engine=engine)
    with engine.connect() as conn:
        rows = conn.execute(select(Milestone.__table__).order_by(Milestone.__table__.c.source_row)).all()
    assert [(r.upload_id, r.source_sheet, r.source_row) for r in rows] == [(result.upload_id, "Plan", 3),
                                                                          (result.upload_id, "Plan", 4)]


def test_budget_amount_change_counts_as_its_line_updated(engine):
    v1 = xlsx({"B": [["Budget line", "Period", "Allocated", "Spent"], ["Posts", "2016-17 Q1", "£10k", "£2k"]]})
    v2 = xlsx({"B": [["Budget line", "Period", "Allocated", "Spent"], ["Posts", "2016-17 Q1", "£10k", "£4k"],
                     ["Posts", "2016-17 Q2", "£10k", ""]]})
    import_bytes(v1, "b1.xlsx", "b", engine=engine)
    result = import_bytes(v2, "b2.xlsx", "b", engine=engine)
    assert result.changes == {"added": 0, "updated": 1, "removed": 0, "unchanged": 0}
    labels = {(r["action"], r["field"], r["old_value"], r["new_value"]) for r in result.stored.change_rows}
    assert ("updated", "spent", "£2,000", "£4,000") in labels


def test_dry_run_writes_nothing(engine):
    before = dump(engine)
    result = import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "", ""]), "r.xlsx", "new-board", engine=engine,
                          dry_run=True)
    assert result.status == "ok" and result.changes["added"] == 1
    assert dump(engine) == before


def test_upload_changes_lists_additions_updates_and_removals(engine):
    from data_model.queries import upload_changes

    import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby", "CFO"], ["R2", "Crisis", "Staff leave", "L", "H", "", ""]),
                 "v1.xlsx", "b", engine=engine)
    v2 = import_bytes(risks(["R1", "Crisis", "Funding cut", "H", "M", "Lobby harder", "CFO"],
                            ["R3", "Crisis", "IT delays", "M", "M", "", ""]), "v2.xlsx", "b", engine=engine)
    df = upload_changes(engine, v2.upload_id)
    rows = set(zip(df["action"], df["label"], df["field"].fillna(""), strict=True))
    assert rows == {("added", "IT delays", ""), ("updated", "Funding cut", "mitigation"), ("removed", "Staff leave", "")}


def test_rows_without_a_workstream_are_replaced_only_by_a_file_with_their_sheet(engine):
    pooled = xlsx({"Pooled fund": [["Budget", "Amount 2016-17"], ["CCG contribution", "£2,061k"], ["DFG", "£186k"]]})
    costs_v1 = xlsx({"Costs": [["Cost", "Amount"], ["Project manager", "£35,000"], ["Comms", "£5,000"]]})
    costs_v2 = xlsx({"Costs": [["Cost", "Amount"], ["Project manager", "£35,000"]]})
    import_bytes(pooled, "pooled.xlsx", "b", engine=engine)
    assert import_bytes(costs_v1, "costs.xlsx", "b", engine=engine).changes["removed"] == 0
    result = import_bytes(costs_v2, "costs.xlsx", "b", engine=engine)
    assert result.changes == {"added": 0, "updated": 0, "removed": 1, "unchanged": 1}


def test_metric_actuals_for_a_new_period_and_a_corrected_figure_are_logged(engine):
    header = ["Metric", "Period", "Target", "Actual", "Direction"]
    v1 = xlsx({"M": [header, ["Delayed transfers", "2016-17 Q1", 250, 262, "lower"]]})
    v2 = xlsx({"M": [header, ["Delayed transfers", "2016-17 Q1", 250, 258, "lower"],
                     ["Delayed transfers", "2016-17 Q2", 250, 244, "lower"]]})
    import_bytes(v1, "m1.xlsx", "b", engine=engine)
    result = import_bytes(v2, "m2.xlsx", "b", engine=engine)
    assert result.changes == {"added": 1, "updated": 1, "removed": 0, "unchanged": 0}
    logged = {(r["action"], r["label"], r["field"], r["old_value"], r["new_value"]) for r in result.stored.change_rows}
    assert ("updated", "Delayed transfers (2016-17 Q1)", "actual", "262", "258") in logged
    assert ("added", "Delayed transfers (2016-17 Q2)", None, None, None) in logged
