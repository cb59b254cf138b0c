"""What a board needs to look at: overdue and due-soon milestones, red and rising risks, budget lines off
plan, metrics off target, and what changed since the last meeting. Each query filters in SQL."""

from __future__ import annotations

from datetime import date, datetime

import pandas as pd
from sqlalchemy import and_, func, or_, select
from sqlalchemy.engine import Engine

from data_model.queries import upload_changes
from data_model.rag import RagRules
from data_model.rollups import (
    BL,
    LOC,
    MS,
    MT,
    RK,
    WS,
    Filters,
    P,
    _scope,
    budget_line_totals,
    budget_rag_sql,
    latest_and_previous_assessment,
    latest_metric_values,
    read_frame,
)
from data_model.tables import Meeting, Upload

MTG, UP = Meeting.__table__, Upload.__table__


def milestones_needing_attention(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Still open, and overdue or due soon under the board's rules; most overdue first."""
    due = MS.c.due
    q = (select(WS.c.path.label("workstream"), MS.c.ref, MS.c.title, MS.c.owner, MS.c.due, MS.c.status,
                LOC.c.name.label("locality"))
         .select_from(MS.join(P, P.c.id == MS.c.programme_id).outerjoin(WS, WS.c.id == MS.c.workstream_id)
                      .outerjoin(LOC, LOC.c.id == MS.c.locality_id))
         .where(_scope(MS, filters), rules.milestone_open_sql(status=MS.c.status, completed=MS.c.completed),
                or_(rules.milestone_overdue_sql(due=due, as_at=filters.as_at),
                    rules.milestone_due_soon_sql(due=due, as_at=filters.as_at)))
         .order_by(MS.c.due, MS.c.id))
    df = read_frame(engine, q)
    if df.empty:
        return df.assign(days=pd.Series(dtype=int), state=pd.Series(dtype=str))
    dues = pd.to_datetime(df["due"]).dt.date
    df["days"] = [(d - filters.as_at).days for d in dues]
    df["state"] = ["Overdue" if rules.milestone_overdue(due=d, as_at=filters.as_at) else "Due soon" for d in dues]
    return df


def risks_needing_attention(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Open risks that are red under the board's bands, or whose score has gone up since the previous assessment."""
    assessments = latest_and_previous_assessment()
    latest, prev = assessments.latest, assessments.previous
    rag = rules.risk_sql(score=latest.c.score, given_rag=latest.c.rag)
    q = (select(WS.c.path.label("workstream"), RK.c.ref, RK.c.title, RK.c.owner, latest.c.likelihood,
                latest.c.impact, latest.c.score, prev.c.score.label("previous_score"), rag.label("rag"),
                RK.c.review_due)
         .select_from(assessments.joined_to(RK.join(P, P.c.id == RK.c.programme_id), keep_unassessed=False)
                      .outerjoin(WS, WS.c.id == RK.c.workstream_id))
         .where(_scope(RK, filters), RK.c.status == "open",
                or_(rag == "red", and_(prev.c.score.is_not(None), latest.c.score > prev.c.score)))
         .order_by(latest.c.score.desc().nulls_last(), RK.c.id))
    df = read_frame(engine, q)
    df["reason"] = [f"Score up from {int(p)}" if pd.notna(p) and pd.notna(s) and s > p else "Red"
                    for s, p in zip(df.get("score", []), df.get("previous_score", []), strict=True)]
    return df


def budget_lines_off_plan(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Allocation lines whose forecast (or spend to date) is off the allocation by more than the amber tolerance."""
    totals = budget_line_totals(filters)
    rag = budget_rag_sql(totals, rules)
    q = (select(WS.c.path.label("workstream"), BL.c.ref, BL.c.line, BL.c.funder, BL.c.commissioner,
                totals.c.allocated, totals.c.forecast, totals.c.allocated_to_date, totals.c.spent_to_date,
                rag.label("rag"))
         .select_from(BL.join(P, P.c.id == BL.c.programme_id).join(totals, totals.c.budget_line_id == BL.c.id)
                      .outerjoin(WS, WS.c.id == BL.c.workstream_id))
         .where(_scope(BL, filters), BL.c.line_kind == "allocation", rag.in_(("red", "amber"))))
    df = read_frame(engine, q)
    if df.empty:
        return df.assign(plan=[], compare=[], basis=[], variance=[], variance_pct=[])
    has_forecast = df["forecast"].notna()
    df["plan"] = df["allocated"].where(has_forecast, df["allocated_to_date"]) / 100
    df["compare"] = df["forecast"].where(has_forecast, df["spent_to_date"]) / 100
    df["basis"] = ["Forecast" if f else "Spent to date" for f in has_forecast]
    df["variance"] = df["compare"] - df["plan"]
    df["variance_pct"] = df["variance"] / df["plan"].where(df["plan"] != 0) * 100
    return df.sort_values("variance_pct", key=lambda s: s.abs(), ascending=False, kind="stable")


def metrics_off_target(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Metrics whose latest value (the one every page shows) is red or amber."""
    latest = latest_metric_values(filters)
    rag = rules.metric_sql(target=latest.c.target, actual=latest.c.actual, direction=MT.c.direction)
    q = (select(WS.c.path.label("workstream"), MT.c.name, LOC.c.name.label("locality"), latest.c.period,
                latest.c.target, latest.c.actual, MT.c.unit, MT.c.direction, rag.label("rag"))
         .select_from(MT.join(P, P.c.id == MT.c.programme_id).join(latest, latest.c.metric_id == MT.c.id)
                      .outerjoin(WS, WS.c.id == MT.c.workstream_id).outerjoin(LOC, LOC.c.id == latest.c.locality_id))
         .where(_scope(MT, filters, has_locality=False), rag.in_(("red", "amber")))
         .order_by(rag.desc(), MT.c.name, MT.c.id, LOC.c.name))
    return read_frame(engine, q)


def previous_meeting(engine: Engine, board_id: int, as_at: date) -> date | None:
    """The last meeting before the as-at date."""
    with engine.connect() as conn:
        return conn.execute(select(func.max(MTG.c.date)).where(MTG.c.board_id == board_id, MTG.c.date < as_at,
                                                               MTG.c.status != "cancelled")).scalar()


def changes_since(engine: Engine, board_id: int, since: datetime | None, until: datetime | None = None) -> pd.DataFrame:
    """Every change the board's uploads made after ``since`` (all of them when None), newest upload first."""
    q = select(UP.c.id, UP.c.uploaded_at, UP.c.file_name, UP.c.kind, UP.c.uploaded_by).where(UP.c.board_id == board_id)
    if since is not None:
        q = q.where(UP.c.uploaded_at > since)
    if until is not None:
        q = q.where(UP.c.uploaded_at <= until)
    uploads = read_frame(engine, q.order_by(UP.c.id.desc()))
    frames = []
    for row in uploads.itertuples():
        changes = upload_changes(engine, int(row.id))
        if changes.empty:
            continue
        changes.insert(0, "file_name", row.file_name)
        changes.insert(0, "uploaded_at", row.uploaded_at)
        frames.append(changes)
    if not frames:
        return pd.DataFrame(columns=["uploaded_at", "file_name", "action", "entity", "label", "field", "old_value",
                                     "new_value"])
    return pd.concat(frames, ignore_index=True)
