"""The board's current rows with their RAG under the board's rules: milestones, risks, budget lines, metric values.

Filtering and RAG happen in SQL; these return one row per item for the detail pages (the roll-ups in
data_model.rollups count them instead).
"""

from __future__ import annotations

import pandas as pd
from sqlalchemy import select
from sqlalchemy.engine import Engine

from data_model.rag import RagRules
from data_model.rollups import LOC, MS, WS, Filters, P, _scope

ROOT = WS.alias("root_ws")


def _read(engine: Engine, query) -> pd.DataFrame:
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def milestones(engine: Engine, filters: Filters, rules: RagRules, limit: int = 5000) -> pd.DataFrame:
    rag = rules.milestone_sql(status=MS.c.status, due=MS.c.due, completed=MS.c.completed, as_at=filters.as_at)
    q = (select(MS.c.id, ROOT.c.name.label("top"), WS.c.path.label("workstream"), MS.c.ref, MS.c.title, MS.c.owner,
                MS.c.start, MS.c.due, MS.c.baseline_due, MS.c.completed, MS.c.status, MS.c.due_raw,
                MS.c.due_precision, MS.c.rag.label("reported_rag"), rag.label("rag"), LOC.c.name.label("locality"),
                MS.c.dependency)
         .select_from(MS.join(P, P.c.id == MS.c.programme_id).outerjoin(WS, WS.c.id == MS.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id).outerjoin(LOC, LOC.c.id == MS.c.locality_id))
         .where(_scope(MS, filters)).order_by(WS.c.path, MS.c.due.nulls_last(), MS.c.id).limit(limit))
    df = _read(engine, q)
    for column in ("start", "due", "baseline_due", "completed"):
        df[column] = pd.to_datetime(df[column])
    end = df["completed"].fillna(df["due"])
    df["slippage_days"] = (end - df["baseline_due"]).dt.days
    return df


def risks(engine: Engine, filters: Filters, rules: RagRules) -> pd.DataFrame:
    """Open and closed risks with their latest and previous assessment, RAG under the board's bands."""
    from sqlalchemy import func

    from data_model.rollups import RA, RK, _latest_assessment

    latest = _latest_assessment()
    previous_id = (select(func.max(RA.c.id)).where(RA.c.risk_id == latest.c.risk_id, RA.c.id < latest.c.id)
                   .scalar_subquery())
    prev = RA.alias("previous")
    rag = rules.risk_sql(score=latest.c.score, given_rag=latest.c.rag)
    q = (select(RK.c.id, ROOT.c.name.label("top"), WS.c.path.label("workstream"), RK.c.ref, RK.c.title, RK.c.owner,
                RK.c.mitigation, RK.c.status, RK.c.review_due, RK.c.review_raw, latest.c.likelihood, latest.c.impact,
                latest.c.score, prev.c.score.label("previous_score"), latest.c.as_of, rag.label("rag"),
                LOC.c.name.label("locality"))
         .select_from(RK.join(P, P.c.id == RK.c.programme_id).outerjoin(latest, latest.c.risk_id == RK.c.id)
                      .outerjoin(prev, prev.c.id == previous_id).outerjoin(WS, WS.c.id == RK.c.workstream_id)
                      .outerjoin(ROOT, ROOT.c.id == WS.c.root_id).outerjoin(LOC, LOC.c.id == RK.c.locality_id))
         .where(_scope(RK, filters)).order_by(latest.c.score.desc().nulls_last(), WS.c.path, RK.c.id))
    df = _read(engine, q)
    df["review_due"] = pd.to_datetime(df["review_due"])
    df["trend"] = [("Up" if s > p else "Down" if s < p else "Same") if pd.notna(s) and pd.notna(p) else ""
                   for s, p in zip(df["score"], df["previous_score"], strict=True)]
    return df
