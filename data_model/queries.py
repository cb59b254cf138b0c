"""Read queries for the pages and exports. Each returns a DataFrame and aggregates in SQL."""

from __future__ import annotations

import pandas as pd
from sqlalchemy import func, literal, null, select, union_all
from sqlalchemy.engine import Engine

from data_model.kinds import STORED_KINDS
from data_model.tables import (
    AuditEvent,
    Board,
    BudgetLine,
    Change,
    ImportIssue,
    Meeting,
    Metric,
    Milestone,
    Programme,
    Risk,
    Upload,
)

B, P, MS, RK, BL, MT, UP, MTG, CH, II = (t.__table__ for t in (Board, Programme, Milestone, Risk, BudgetLine, Metric,
                                                                Upload, Meeting, Change, ImportIssue))


# Audited changes that alter what the views show without an upload.
SETTINGS_ACTIONS = ("rules_changed", "meeting_change", "board_added")


def data_version(engine: Engine) -> tuple[int, int]:
    """Changed by every import and every change to a board's rules, meetings or boards: pages key their caches on
    it, so a second server process sees the change on its next run."""
    au = AuditEvent.__table__
    with engine.connect() as conn:
        return tuple(conn.execute(select(
            select(func.coalesce(func.max(UP.c.id), 0)).scalar_subquery(),
            select(func.coalesce(func.max(au.c.id), 0)).where(au.c.action.in_(SETTINGS_ACTIONS)).scalar_subquery(),
        )).one())


def _count(table, label: str):
    return (select(P.c.board_id, func.count().label(label))
            .select_from(table.join(P, P.c.id == table.c.programme_id))
            .where(table.c.removed_upload_id.is_(None)).group_by(P.c.board_id).subquery())


def boards_with_counts(engine: Engine) -> pd.DataFrame:
    """One row per board: what it is, how much it tracks, when it last heard from a lead."""
    counts = {k.count_label: _count(k.table, k.count_label) for k in STORED_KINDS}
    last_upload = select(UP.c.board_id, func.max(UP.c.uploaded_at).label("last_upload")).group_by(UP.c.board_id).subquery()
    q = select(B.c.id, B.c.slug, B.c.name, B.c.board_type, B.c.area, B.c.description,
               *[func.coalesce(c.c[name], 0).label(name) for name, c in counts.items()],
               last_upload.c.last_upload)
    frm = B
    for c in counts.values():
        frm = frm.outerjoin(c, c.c.board_id == B.c.id)
    frm = frm.outerjoin(last_upload, last_upload.c.board_id == B.c.id)
    with engine.connect() as conn:
        return pd.read_sql(q.select_from(frm).order_by(B.c.name), conn)


def board(engine: Engine, slug: str) -> dict | None:
    with engine.connect() as conn:
        row = conn.execute(select(B).where(B.c.slug == slug)).first()
    return row._asdict() if row else None


def uploads(engine: Engine, board_id: int, limit: int = 50) -> pd.DataFrame:
    q = (select(UP.c.id, UP.c.uploaded_at, UP.c.file_name, UP.c.kind, UP.c.uploaded_by, UP.c.row_count, UP.c.changes)
         .where(UP.c.board_id == board_id).order_by(UP.c.id.desc()).limit(limit))
    with engine.connect() as conn:
        return pd.read_sql(q, conn)


def upload_changes(engine: Engine, upload_id: int) -> pd.DataFrame:
    """What one upload changed: rows it added (their first_upload_id), then the change log's updates and removals."""
    added = [select(literal("added").label("action"), literal(entity).label("entity"), label.label("label"),
                    null().label("field"), null().label("old_value"), null().label("new_value"),
                    literal(0).label("sort"), table.c.id.label("seq"))
             .where(table.c.first_upload_id == upload_id)
             for table, entity, label in ((k.table, k.entity, k.table.c[k.label_column]) for k in STORED_KINDS)]
    logged = select(CH.c.action, CH.c.entity, CH.c.label, CH.c.field, CH.c.old_value, CH.c.new_value,
                    literal(1).label("sort"), CH.c.id.label("seq")).where(CH.c.upload_id == upload_id)
    q = union_all(*added, logged).subquery()
    with engine.connect() as conn:
        df = pd.read_sql(select(q).order_by(q.c.sort, q.c.seq), conn)
    return df.drop(columns=["sort", "seq"])


def upload_issues(engine: Engine, upload_id: int) -> pd.DataFrame:
    q = (select(II.c.severity, II.c.sheet, II.c.row, II.c.column, II.c.raw_value, II.c.message)
         .where(II.c.upload_id == upload_id).order_by(II.c.id))
    with engine.connect() as conn:
        return pd.read_sql(q, conn)


def meetings(engine: Engine, board_id: int) -> pd.DataFrame:
    q = select(MTG.c.id, MTG.c.date, MTG.c.title, MTG.c.status).where(MTG.c.board_id == board_id).order_by(MTG.c.date)
    with engine.connect() as conn:
        return pd.read_sql(q, conn)


def workstreams(engine: Engine, board_id: int) -> pd.DataFrame:
    """The board's workstream tree, in order, with each level's name in the board's own words."""
    from data_model.tables import Workstream

    ws = Workstream.__table__
    q = (select(ws.c.id, ws.c.path, ws.c.name, ws.c.level, ws.c.root_id, P.c.level_labels)
         .join(P, P.c.id == ws.c.programme_id).where(P.c.board_id == board_id).order_by(ws.c.path))
    with engine.connect() as conn:
        df = pd.read_sql(q, conn)
    df["level_label"] = [
        (labels[level - 1] if isinstance(labels, list) and len(labels) >= level and labels[level - 1] else "Workstream")
        for labels, level in zip(df["level_labels"], df["level"], strict=True)]
    return df.drop(columns=["level_labels"])


def localities(engine: Engine, board_id: int) -> pd.DataFrame:
    from data_model.tables import Locality

    loc = Locality.__table__
    with engine.connect() as conn:
        return pd.read_sql(select(loc.c.id, loc.c.name, loc.c.locality_type).where(loc.c.board_id == board_id)
                           .order_by(loc.c.name), conn)
