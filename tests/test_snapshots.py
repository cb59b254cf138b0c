"""Meeting snapshots on both databases: what is frozen and its hash, the database refusing any change to it, a view
of a snapshot unchanged by later uploads and new RAG rules, corrections that supersede, and who may take one."""

from __future__ import annotations

import json
from datetime import date

import pandas as pd
import pytest
from change_trackers import later_upload
from conftest import AS_AT, dump
from sqlalchemy import select, text
from sqlalchemy.exc import DBAPIError

from data_model import accounts, attention, audit, forward_plan, queries, registers, snapshots
from data_model.board_settings import save_rules
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from data_model.snapshots import FROZEN_TABLES, SnapshotError, canonical_json, content_hash, take_snapshot
from data_model.tables import Snapshot, SnapshotPart

SN, SP = Snapshot.__table__, SnapshotPart.__table__


def page_reads(source, board_id: int) -> dict[str, pd.DataFrame]:
    """What the board views read, run on ``source`` under the RAG rules and as-at date it holds for the board."""
    rules = RagRules.from_settings(queries.board(source, "test-board")["settings"])
    f = Filters(board_id, as_at=AS_AT)
    meetings = [d for d in queries.meetings(source, board_id)["date"] if d >= AS_AT]
    return {
        "matrix": rag_matrix(source, f, rules), "matrix by place": rag_matrix(source, f, rules, "locality"),
        "milestones": registers.milestones(source, f, rules), "risks": registers.risks(source, f, rules),
        "budget": registers.budget_lines(source, f), "metrics": registers.metric_values(source, f, rules),
        "latest metrics": registers.latest_metrics(source, f, rules),
        "overdue": attention.milestones_needing_attention(source, f, rules),
        "red risks": attention.risks_needing_attention(source, f, rules),
        "off plan": attention.budget_lines_off_plan(source, f, rules),
        "off target": attention.metrics_off_target(source, f, rules),
        "changes": attention.changes_since(source, board_id, None),
        "due before meetings": forward_plan.due_before_meetings(source, f, meetings),
        "workstreams": queries.workstreams(source, board_id), "uploads": queries.uploads(source, board_id),
    }


def chair(engine, role: str = "chair"):
    email = f"{role}@snap.example.org"
    accounts.add_user(engine, email, by="tests")
    accounts.grant(engine, email, "test-board", role, by="tests")
    return accounts.load_actor(engine, accounts.user_id(engine, email))


def test_a_snapshot_freezes_every_table_of_the_board_with_a_hash_over_it(engine, board):
    info = take_snapshot(engine, "test-board", AS_AT, chair(engine))
    assert (info.board, info.meeting, info.as_at, info.taken_by) == ("test-board", AS_AT, AS_AT, "chair@snap.example.org")
    assert info.counts.as_json() == {"milestones": 7, "risks": 4, "budget_lines": 3, "metric_values": 4}
    with engine.connect() as conn:
        parts = dict(conn.execute(select(SP.c.table_name, SP.c.rows).where(SP.c.snapshot_id == info.id)).all())
    assert set(parts) == {f.name for f in FROZEN_TABLES}
    assert content_hash(parts) == info.hash and len(info.hash) == 64
    for name, rows in parts.items():  # canonical: sorted keys, no spaces, so the same rows always give the same text
        assert rows == canonical_json(json.loads(rows)), name
    milestones = json.loads(parts["milestone"])
    assert [m["title"] for m in milestones][:2] == ["Done early", "Overdue"]
    assert [m["id"] for m in milestones] == sorted(m["id"] for m in milestones)  # primary-key order
    assert milestones[1]["due"] == "2016-08-31"  # dates as ISO text
    assert json.loads(parts["board"])[0]["slug"] == "test-board"
    # The meeting did not exist: it was made, and that is audited too; so is the snapshot, with its hash.
    meetings = queries.meetings(engine, board["id"])
    assert meetings["date"].tolist() == [AS_AT]
    trail = audit.events(engine, boards={board["id"]})
    frozen = trail[trail["action"] == "Snapshot"]
    assert frozen["actor"].tolist() == ["chair@snap.example.org"] and info.hash in frozen["detail"].iloc[0]
    assert "for a snapshot" in trail[trail["action"] == "Meeting change"]["detail"].iloc[0]
    assert snapshots.verify(engine, info.id)


@pytest.mark.slow
def test_the_hash_is_stable_and_changes_with_the_content(engine, board):
    first = take_snapshot(engine, "test-board", AS_AT, "tests")
    again = take_snapshot(engine, "test-board", AS_AT, "someone else")
    assert again.hash == first.hash and again.id != first.id  # the same content: the same hash
    with engine.connect() as conn:
        refrozen = snapshots.freeze(conn, board["id"])
    assert content_hash({n: t for n, (_c, t) in refrozen.items()}) == first.hash
    later_upload(engine)
    changed = take_snapshot(engine, "test-board", AS_AT, "tests")
    assert changed.hash != first.hash
    save_rules(engine, board["id"], RagRules(risk_red_from=20), by="tests")
    ruled = take_snapshot(engine, "test-board", AS_AT, "tests")
    assert ruled.hash != changed.hash  # the rules in force are content
    assert take_snapshot(engine, "test-board", date(2016, 12, 6), "tests").hash != ruled.hash  # so are the meetings


@pytest.mark.slow
def test_a_view_of_a_snapshot_is_unchanged_by_later_uploads_and_new_rag_rules(engine, board):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    live_before = page_reads(engine, board["id"])
    frozen_before = page_reads(snapshots.snapshot_source(engine, info.id), board["id"])
    for name, frame in live_before.items():  # the snapshot shows what the board showed when it was frozen
        pd.testing.assert_frame_equal(frozen_before[name], frame, check_dtype=False, obj=name)

    later_upload(engine)
    save_rules(engine, board["id"], RagRules(risk_red_from=8, milestone_due_soon_days=90), by="tests")
    live_after = page_reads(engine, board["id"])
    assert not live_after["matrix"].equals(live_before["matrix"])  # the board itself did change
    assert "Brand new" in live_after["milestones"]["title"].tolist()

    snapshots._CACHE.clear()  # read it back from the database, not from this process's copy
    frozen_after = page_reads(snapshots.snapshot_source(engine, info.id), board["id"])
    for name, frame in frozen_before.items():
        pd.testing.assert_frame_equal(frozen_after[name], frame, obj=name)
    assert RagRules.from_settings(queries.board(snapshots.snapshot_source(engine, info.id), "test-board")["settings"]
                                  ) == RagRules()  # the rules in force when frozen


def test_the_database_refuses_to_update_or_delete_frozen_content(engine, board):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    before = dump(engine)
    statements = [
        f"UPDATE snapshot SET hash = 'x' WHERE id = {info.id}",
        f"UPDATE snapshot SET taken_by = 'someone else' WHERE id = {info.id}",
        f"DELETE FROM snapshot WHERE id = {info.id}",
        f"UPDATE snapshot_part SET rows = '[]' WHERE snapshot_id = {info.id} AND table_name = 'risk'",
        f"DELETE FROM snapshot_part WHERE snapshot_id = {info.id}",
        "DELETE FROM snapshot",
    ]
    if engine.dialect.name == "postgresql":
        statements += ["TRUNCATE snapshot_part", "TRUNCATE snapshot CASCADE"]
    for statement in statements:
        with pytest.raises(DBAPIError, match="frozen meeting snapshot cannot be changed"), engine.begin() as conn:
            conn.execute(text(statement))
    assert dump(engine) == before
    assert snapshots.verify(engine, info.id)


def test_a_board_or_meeting_with_snapshots_cannot_be_deleted_and_says_why(engine, board):
    take_snapshot(engine, "test-board", AS_AT, "tests")
    before = dump(engine)
    with pytest.raises(DBAPIError, match="has frozen meeting snapshots"), engine.begin() as conn:
        conn.execute(text(f"DELETE FROM board WHERE id = {board['id']}"))
    with pytest.raises(DBAPIError, match="meeting has a frozen snapshot"), engine.begin() as conn:
        conn.execute(text(f"DELETE FROM meeting WHERE board_id = {board['id']}"))
    assert dump(engine) == before


@pytest.mark.slow
def test_a_correction_is_a_new_snapshot_and_the_older_one_is_kept_superseded(engine, board):
    first = take_snapshot(engine, "test-board", AS_AT, "tests")
    later_upload(engine)
    second = take_snapshot(engine, "test-board", AS_AT, "tests")
    assert second.supersedes_id == first.id and not second.superseded
    [newest, older] = snapshots.list_snapshots(engine, board["id"])
    assert (newest.id, older.id) == (second.id, first.id)
    assert older.superseded and older.superseded_by == second.id
    assert (older.hash, older.taken_at, older.counts) == (first.hash, first.taken_at, first.counts)  # untouched
    assert len(queries.meetings(engine, board["id"])) == 1  # the same meeting
    with engine.connect() as conn:
        assert conn.execute(select(SN.c.hash).where(SN.c.id == first.id)).scalar_one() == first.hash


@pytest.mark.parametrize("role", ["viewer", "lead"])
def test_only_a_chair_or_admin_may_take_one_and_a_refusal_writes_nothing(engine, board, role):
    person = chair(engine, role)
    before = dump(engine)
    with pytest.raises(SnapshotError, match="needs the chair role"):
        take_snapshot(engine, "test-board", AS_AT, person)
    assert dump(engine) == before
    refused = audit.events(engine, action="snapshot")
    assert refused["outcome"].tolist() == ["refused"] and refused["actor"].tolist() == [person.email]
    admin_id = accounts.ensure_account(engine, "admin@snap.example.org", by="tests", admin=True)
    assert take_snapshot(engine, "test-board", AS_AT, accounts.load_actor(engine, admin_id)).id


def test_no_such_board_is_refused_in_words(engine):
    with pytest.raises(SnapshotError, match="There is no board called 'nope'"):
        take_snapshot(engine, "nope", AS_AT, "tests")


def test_the_materialised_copy_is_built_once_per_process(engine, board):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    first = snapshots.snapshot_source(engine, info.id)
    assert snapshots.snapshot_source(engine, info.id)._db is first._db
    with pytest.raises(SnapshotError, match="There is no snapshot 999"):
        snapshots.snapshot_source(engine, 999)


@pytest.mark.slow
def test_papers_frozen_before_a_meeting_are_as_at_the_day_they_were_frozen(engine, board):
    ahead = take_snapshot(engine, "test-board", date(2099, 1, 14), "tests")
    assert ahead.meeting == date(2099, 1, 14) and ahead.as_at == ahead.taken_at.date()
    assert take_snapshot(engine, "test-board", AS_AT, "tests").as_at == AS_AT  # a past meeting: as at its date
    assert take_snapshot(engine, "test-board", AS_AT, "tests", as_at=date(2016, 9, 1)).as_at == date(2016, 9, 1)
