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
