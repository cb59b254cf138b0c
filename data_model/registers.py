"""The board's current rows with their RAG under the board's rules: milestones, risks, budget lines, metric values.

Filtering and RAG happen in SQL; these return one row per item for the detail pages (the roll-ups in
data_model.rollups count them instead).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from data_model.rag import RagRules
from data_model.rollups import LOC, MS, ROOT_WS, WS, Filters, P, _scope, read_frame
from data_model.vocabulary import risk_trend

ROOT = ROOT_WS



def milestones(engine: Engine, filters: Filters, rules: RagRules, limit: int = 5000) -> pd.DataFrame:
    rag = rules.milestone_sql(status=MS.c.status, due=MS.c.due, completed=MS.c.completed, as_at=filters.as_at)
    q = (select(MS.c.id, ROOT.c.name.label("top"), WS.c.path.label("workstream"), MS.c.ref, MS.c.title, MS.c.owner,
                MS.c.start, MS.c.due, MS.c.baseline_due, MS.c.completed, MS.c.status, MS.c.due_raw,
                MS.c.due_precision, MS.c.rag.label("reported_rag"), rag.label("rag"), LOC.c.name.label("locality"),
                MS.c.dependency)
         .select_from(MS.join(P, P.c.id == MS.c.programme_id).outerjoin(WS, WS.c.id == MS.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id).outerjoin(LOC, LOC.c.id == MS.c.locality_id))
         .where(_scope(MS, filters)).order_by(WS.c.path, MS.c.due.nulls_last(), MS.c.id).limit(limit))
    df = read_frame(engine, q)
    for column in ("start", "due", "baseline_due", "completed"):
        df[column] = pd.to_datetime(df[column])
    end = df["completed"].fillna(df["due"])
    df["slippage_days"] = (end - df["baseline_due"]).dt.days
    return df


def risks(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Open and closed risks with their latest and previous assessment, RAG under the board's bands."""
    from data_model.rollups import RK, latest_and_previous_assessment

    assessments = latest_and_previous_assessment()
    latest, prev = assessments.latest, assessments.previous
    rag = rules.risk_sql(score=latest.c.score, given_rag=latest.c.rag)
    q = (select(RK.c.id, ROOT.c.name.label("top"), WS.c.path.label("workstream"), RK.c.ref, RK.c.title, RK.c.owner,
                RK.c.mitigation, RK.c.status, RK.c.review_due, RK.c.review_raw, latest.c.likelihood, latest.c.impact,
                latest.c.score, prev.c.score.label("previous_score"), latest.c.as_of, rag.label("rag"),
                latest.c.rag.label("reported_rag"), LOC.c.name.label("locality"))
         .select_from(assessments.joined_to(RK.join(P, P.c.id == RK.c.programme_id), keep_unassessed=True)
                      .outerjoin(WS, WS.c.id == RK.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id).outerjoin(LOC, LOC.c.id == RK.c.locality_id))
         .where(_scope(RK, filters)).order_by(latest.c.score.desc().nulls_last(), WS.c.path, RK.c.id))
    df = read_frame(engine, q)
    df["review_due"] = pd.to_datetime(df["review_due"])
    # None, not "", with no earlier score: the table shows "—", or leaves the column out when no risk has one
    df["trend"] = [risk_trend(s, p) if pd.notna(s) and pd.notna(p) else None
                   for s, p in zip(df["score"], df["previous_score"], strict=True)]
    return df


def raid_items(engine: Engine, filters: Filters) -> pd.DataFrame:
    """A RAID log's issues, assumptions, dependencies, actions and decisions: kept and shown, never counted as risks."""
    from data_model.rollups import RK

    q = (select(RK.c.id, RK.c.raid_type, WS.c.path.label("workstream"), RK.c.ref, RK.c.title, RK.c.owner,
                RK.c.mitigation, RK.c.status, RK.c.review_due, LOC.c.name.label("locality"))
         .select_from(RK.join(P, P.c.id == RK.c.programme_id).outerjoin(WS, WS.c.id == RK.c.workstream_id)
                      .outerjoin(LOC, LOC.c.id == RK.c.locality_id))
         .where(_scope(RK, filters, raid=True)).order_by(RK.c.raid_type, WS.c.path, RK.c.id))
    df = read_frame(engine, q)
    df["review_due"] = pd.to_datetime(df["review_due"])
    return df


def budget_lines(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Each budget line with its amounts summed over the periods, in pounds, and its kind."""
    from sqlalchemy import func

    from data_model.rollups import BA, BL

    totals = (select(BA.c.budget_line_id, func.sum(BA.c.allocated_pence).label("allocated"),
                     func.sum(BA.c.forecast_pence).label("forecast"), func.sum(BA.c.spent_pence).label("spent"))
              .where(BA.c.removed_upload_id.is_(None)).group_by(BA.c.budget_line_id).subquery())
    q = (select(BL.c.id, ROOT.c.name.label("top"), WS.c.path.label("workstream"), BL.c.ref, BL.c.line, BL.c.funder,
                BL.c.commissioner, BL.c.line_kind, totals.c.allocated, totals.c.forecast, totals.c.spent)
         .select_from(BL.join(P, P.c.id == BL.c.programme_id).join(totals, totals.c.budget_line_id == BL.c.id)
                      .outerjoin(WS, WS.c.id == BL.c.workstream_id).outerjoin(ROOT, ROOT.c.id == WS.c.root_id))
         .where(_scope(BL, filters)).order_by(WS.c.path, BL.c.id))
    df = read_frame(engine, q)
    for column in ("allocated", "forecast", "spent"):
        df[column] = df[column].astype("float") / 100
    return df


def budget_by_period(engine: Engine, filters: Filters) -> pd.DataFrame:
    """Allocation, forecast and spend per top-level workstream and period, summed in SQL, in pounds."""
    from sqlalchemy import case, func

    from data_model.rollups import BA, BL, NO_WORKSTREAM

    group = func.coalesce(ROOT.c.name, NO_WORKSTREAM)
    q = (select(group.label("workstream"), BA.c.period, func.min(BA.c.period_start).label("period_start"),
                func.sum(BA.c.allocated_pence).label("allocated"), func.sum(BA.c.forecast_pence).label("forecast"),
                func.sum(BA.c.spent_pence).label("spent"),
                # Variance compares like with like: only the allocation of lines that have a forecast (or a spend).
                func.sum(case((BA.c.forecast_pence.is_not(None), BA.c.allocated_pence))).label("allocated_forecast"),
                func.sum(case((BA.c.spent_pence.is_not(None), BA.c.allocated_pence))).label("allocated_spent"))
         .select_from(BA.join(BL, BL.c.id == BA.c.budget_line_id).join(P, P.c.id == BL.c.programme_id)
                      .outerjoin(WS, WS.c.id == BL.c.workstream_id).outerjoin(ROOT, ROOT.c.id == WS.c.root_id))
         .where(_scope(BL, filters), BA.c.removed_upload_id.is_(None), BL.c.line_kind == "allocation")
         .group_by(group, BA.c.period).order_by(group, func.min(BA.c.period_start)))
    df = read_frame(engine, q)
    for column in ("allocated", "forecast", "spent", "allocated_forecast", "allocated_spent"):
        df[column] = df[column].astype("float") / 100
    has_forecast = df["forecast"].notna()
    basis = df["allocated_forecast"].where(has_forecast, df["allocated_spent"])
    df["variance"] = df["forecast"].where(has_forecast, df["spent"]) - basis
    df["variance_pct"] = df["variance"] / basis.where(basis != 0) * 100
    df["basis"] = ["forecast" if f else ("spend" if pd.notna(s) else "") for f, s in zip(has_forecast, df["spent"],
                                                                                             strict=True)]
    return df


def reconciliation_warnings(engine: Engine, board_id: int) -> pd.DataFrame:
    """Totals that did not match their lines, from the board's budget uploads (the newest upload of each file)."""
    from sqlalchemy import func

    from data_model.tables import ImportIssue, Upload

    up, ii = Upload.__table__, ImportIssue.__table__
    newest = (select(func.max(up.c.id)).where(up.c.board_id == board_id, up.c.kind == "budget")
              .group_by(up.c.file_name))
    q = (select(up.c.file_name, up.c.uploaded_at, ii.c.sheet, ii.c.row, ii.c.message)
         .join(up, up.c.id == ii.c.upload_id).where(ii.c.upload_id.in_(newest), ii.c.code == "total_mismatch")
         .order_by(up.c.file_name, ii.c.sheet, ii.c.row))
    return read_frame(engine, q)


def metric_values(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Every current value of every metric up to the as-at date, each rated under the board's tolerance."""
    from sqlalchemy import or_

    from data_model.rollups import MT, MV

    rag = rules.metric_sql(target=MV.c.target, actual=MV.c.actual, direction=MT.c.direction)
    q = (select(MT.c.id.label("metric_id"), ROOT.c.name.label("top"), WS.c.path.label("workstream"), MT.c.name,
                MT.c.unit, MT.c.direction, MV.c.period, MV.c.period_start, MV.c.target, MV.c.actual,
                LOC.c.name.label("locality"), rag.label("rag"))
         .select_from(MV.join(MT, MT.c.id == MV.c.metric_id).join(P, P.c.id == MT.c.programme_id)
                      .outerjoin(WS, WS.c.id == MT.c.workstream_id).outerjoin(ROOT, ROOT.c.id == WS.c.root_id)
                      .outerjoin(LOC, LOC.c.id == MV.c.locality_id))
         .where(_scope(MT, filters, has_locality=False), MV.c.removed_upload_id.is_(None),
                or_(MV.c.period_start.is_(None), MV.c.period_start <= filters.as_at))
         .order_by(MT.c.name, MV.c.period_start.nulls_first(), LOC.c.name))
    if filters.locality_id is not None:
        q = q.where(MV.c.locality_id == filters.locality_id)
    df = read_frame(engine, q)
    df["period_start"] = pd.to_datetime(df["period_start"])
    return df


def latest_metrics(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Each metric's latest value in each locality, rated: the same read (``rollups.latest_metric_values``) as the
    Overview's counts and its "Metrics off target" list, so every page gives a metric the same RAG."""
    from data_model.rollups import MT, latest_metric_values

    latest = latest_metric_values(filters)
    rag = rules.metric_sql(target=latest.c.target, actual=latest.c.actual, direction=MT.c.direction)
    q = (select(MT.c.id.label("metric_id"), ROOT.c.name.label("top"), WS.c.path.label("workstream"), MT.c.name,
                MT.c.unit, MT.c.direction, latest.c.period, latest.c.period_start, latest.c.target, latest.c.actual,
                LOC.c.name.label("locality"), rag.label("rag"))
         .select_from(MT.join(P, P.c.id == MT.c.programme_id).join(latest, latest.c.metric_id == MT.c.id)
                      .outerjoin(WS, WS.c.id == MT.c.workstream_id).outerjoin(ROOT, ROOT.c.id == WS.c.root_id)
                      .outerjoin(LOC, LOC.c.id == latest.c.locality_id))
         .where(_scope(MT, filters, has_locality=False))
         .order_by(MT.c.name, LOC.c.name.nulls_first(), MT.c.id))
    df = read_frame(engine, q)
    df["period_start"] = pd.to_datetime(df["period_start"])
    return df
