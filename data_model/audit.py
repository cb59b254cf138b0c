"""The audit trail: who did what, when. Rows are only ever added.

Recorded: every sign-in (succeeded, failed or refused), every upload (accepted or rejected), snapshots, exports,
role and account changes, and RAG rule changes. An event is written in the same transaction as the change it
records where there is one, so a change is never without its record.
"""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta

import pandas as pd
from sqlalchemy import insert, select
from sqlalchemy.engine import Connection, Engine

from data_model.tables import AuditEvent, Board

A, B = AuditEvent.__table__, Board.__table__

ACTION_NAMES = {
    "sign_in": "Sign-in", "sign_out": "Sign-out", "upload": "Upload", "snapshot": "Snapshot", "export": "Export",
    "role_change": "Role change", "user_added": "Account added", "password_reset": "Password set",
    "rules_changed": "RAG rules changed", "board_added": "Board added", "meeting_change": "Meeting change",
}
# How each event ended, as the audit trail page says it ("ok" is a code, not a word a chair reads).
OUTCOME_NAMES = {"ok": "Done", "refused": "Refused", "rejected": "Refused: the file could not be read",
                 "failed": "Failed"}


MAX_ACTOR, MAX_DETAIL = 254, 2000  # an event stays small whatever anyone types


def record(conn: Connection, actor: str, action: str, *, board_id: int | None = None, outcome: str = "ok",
           detail: str | None = None) -> None:
    """Add one event inside the caller's transaction."""
    actor = actor or "(unknown)"
    conn.execute(insert(A).values(at=datetime.now(UTC), actor=_cut(actor, MAX_ACTOR), action=action,
                                  board_id=board_id, outcome=outcome, detail=detail and _cut(detail, MAX_DETAIL)))


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


def record_now(engine: Engine, actor: str, action: str, **kwargs) -> None:
    """Add one event in a transaction of its own (for things that change nothing else: exports, refusals)."""
    with engine.begin() as conn:
        record(conn, actor, action, **kwargs)


def events(engine: Engine, *, boards: set[int] | None = None, since: date | None = None,
           until: date | None = None, action: str | None = None, limit: int = 5000) -> pd.DataFrame:
    """Newest first. ``boards`` limits to those boards' events (None: every event, board-less ones included)."""
    q = (select(A.c.at, A.c.actor, A.c.action, B.c.name.label("board"), A.c.outcome, A.c.detail)
         .select_from(A.outerjoin(B, B.c.id == A.c.board_id)).order_by(A.c.id.desc()).limit(limit))
    if boards is not None:
        q = q.where(A.c.board_id.in_(sorted(boards)))
    if since is not None:
        q = q.where(A.c.at >= datetime.combine(since, time.min, tzinfo=UTC))
    if until is not None:
        q = q.where(A.c.at < datetime.combine(until + timedelta(days=1), time.min, tzinfo=UTC))
    if action:
        q = q.where(A.c.action == action)
    with engine.connect() as conn:
        result = conn.execute(q)
        df = pd.DataFrame(result.all(), columns=list(result.keys()))
    df["action"] = df["action"].map(lambda a: ACTION_NAMES.get(a, a))
    return df
