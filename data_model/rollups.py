"""RAG roll-ups for the board views: counts of red, amber and green per workstream or locality, in SQL.

Every query takes the same ``Filters`` (board, workstream, locality, as-at date) and the board's
``RagRules``, and returns a DataFrame with one row per group and kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import pandas as pd
from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.engine import Engine
from sqlalchemy.sql.selectable import Alias, FromClause, Join

from data_model.rag import RagRules
from data_model.tables import (
    BudgetAmount,
    BudgetLine,
    Locality,
    Metric,
    MetricValue,
    Milestone,
    Programme,
    Risk,
    RiskAssessment,
    Workstream,
)
from data_model.vocabulary import PATH_SEP, RAGS

P, WS, LOC = Programme.__table__, Workstream.__table__, Locality.__table__
MS, RK, RA = Milestone.__table__, Risk.__table__, RiskAssessment.__table__
BL, BA, MT, MV = BudgetLine.__table__, BudgetAmount.__table__, Metric.__table__, MetricValue.__table__
KINDS = ("Milestones", "Risks", "Budget", "Metrics")
NO_WORKSTREAM = "(no workstream)"
NO_LOCALITY = "(area-wide)"


@dataclass(frozen=True)
class Filters:
    board_id: int
    workstream_id: int | None = None  # this workstream and everything under it
    locality_id: int | None = None
    as_at: date = field(default_factory=date.today)


def _scope(table, filters: Filters, *, has_locality: bool = True, raid: bool = False):
    """The WHERE clause shared by every kind: the board, current rows, the chosen workstream and locality.

    Risk queries see risks only; a RAID log's issues, assumptions and dependencies are read apart (``raid``).
    """
    conditions = [P.c.board_id == filters.board_id, table.c.removed_upload_id.is_(None)]
    if "raid_type" in table.c:
        conditions.append(table.c.raid_type != "risk" if raid else table.c.raid_type == "risk")
    if filters.workstream_id is not None:
        chosen = select(WS.c.path).where(WS.c.id == filters.workstream_id).scalar_subquery()
        conditions.append(or_(WS.c.id == filters.workstream_id, WS.c.path.like(chosen + PATH_SEP + "%")))
    if filters.locality_id is not None and has_locality:
        conditions.append(table.c.locality_id == filters.locality_id)
    return and_(*conditions)


ROOT_WS = WS.alias("root_ws")  # a workstream's top-level workstream, joined on workstream.root_id


def read_frame(engine: Engine, query) -> pd.DataFrame:
    """Run a query and return its rows as a DataFrame with the query's column names."""
    with engine.connect() as conn:
        result = conn.execute(query)
        return pd.DataFrame(result.all(), columns=list(result.keys()))


def _group_column(by: str):
    root = WS.alias("root")
    if by == "locality":
        return func.coalesce(LOC.c.name, NO_LOCALITY), root
    if by == "workstream":
        return func.coalesce(WS.c.path, NO_WORKSTREAM), root
    return func.coalesce(root.c.name, NO_WORKSTREAM), root


def _frame(engine: Engine, query, kind: str) -> pd.DataFrame:
    with engine.connect() as conn:
        rows = conn.execute(query).all()
    df = pd.DataFrame(rows, columns=["group", "rag", "count"])
    df["kind"] = kind
    return df


def milestone_counts(engine: Engine, filters: Filters, rules: RagRules, by: str = "root") -> pd.DataFrame:
    group, root = _group_column(by)
    rag = rules.milestone_sql(status=MS.c.status, due=MS.c.due, completed=MS.c.completed, as_at=filters.as_at)
    q = (select(group.label("group"), rag.label("rag"), func.count().label("n"))
         .select_from(MS.join(P, P.c.id == MS.c.programme_id).outerjoin(WS, WS.c.id == MS.c.workstream_id)
                      .outerjoin(root, root.c.id == WS.c.root_id).outerjoin(LOC, LOC.c.id == MS.c.locality_id))
         .where(_scope(MS, filters)).group_by(group, rag))
    return _frame(engine, q, "Milestones")


def _latest_assessment():
    """The risk_assessment table under the name ``latest``; join it with ``latest_assessment_on``."""
    return RA.alias("latest")


def latest_assessment_on(latest):
    """Join condition picking each risk's newest assessment, looked up per risk through the risk_id index (a
    grouped subquery instead would be scanned once per risk on SQLite)."""
    newest = RA.alias("newest")
    return latest.c.id == select(func.max(newest.c.id)).where(newest.c.risk_id == RK.c.id).scalar_subquery()


@dataclass(frozen=True)
class RiskAssessments:
    """Each risk's newest assessment (``latest``) and the one before it (``previous``), the pair the Risks page and
    the needs-attention list both compare; ``previous`` columns are null for a risk assessed once."""

    latest: Alias
    previous: Alias

    def joined_to(self, risks: FromClause, *, keep_unassessed: bool) -> Join:
        """``risks`` (a FROM clause holding the risk table) joined to both. ``keep_unassessed`` keeps risks with no
        assessment at all (the register lists them; the needs-attention list has nothing to judge them on)."""
        latest, previous = self.latest, self.previous
        previous_id = (select(func.max(RA.c.id)).where(RA.c.risk_id == latest.c.risk_id, RA.c.id < latest.c.id)
                       .scalar_subquery())
        on_latest = latest_assessment_on(latest)
        with_latest = risks.outerjoin(latest, on_latest) if keep_unassessed else risks.join(latest, on_latest)
        return with_latest.outerjoin(previous, previous.c.id == previous_id)


def latest_and_previous_assessment() -> RiskAssessments:
    """The latest and previous assessment of each risk, to join with ``RiskAssessments.joined_to``."""
    return RiskAssessments(latest=_latest_assessment(), previous=RA.alias("previous"))


def risk_counts(engine: Engine, filters: Filters, rules: RagRules, by: str = "root") -> pd.DataFrame:
    group, root = _group_column(by)
    latest = _latest_assessment()
    rag = rules.risk_sql(score=latest.c.score, given_rag=latest.c.rag)
    q = (select(group.label("group"), rag.label("rag"), func.count().label("n"))
         .select_from(RK.join(P, P.c.id == RK.c.programme_id).outerjoin(latest, latest_assessment_on(latest))
                      .outerjoin(WS, WS.c.id == RK.c.workstream_id).outerjoin(root, root.c.id == WS.c.root_id)
                      .outerjoin(LOC, LOC.c.id == RK.c.locality_id))
         .where(_scope(RK, filters), RK.c.status == "open").group_by(group, rag))
    return _frame(engine, q, "Risks")


def budget_line_totals(filters: Filters):
    """Per budget line: the whole allocation and forecast, and allocation and spend for periods ended by the as-at
    date. A line is judged on its forecast when it has one, else on spend to date."""
    ended = or_(BA.c.period_end.is_(None), BA.c.period_end <= filters.as_at)
    return (select(
        BA.c.budget_line_id,
        func.sum(BA.c.allocated_pence).label("allocated"),
        func.sum(BA.c.forecast_pence).label("forecast"),
        func.sum(case((ended, BA.c.allocated_pence))).label("allocated_to_date"),
        func.sum(case((ended, BA.c.spent_pence))).label("spent_to_date"),
        func.sum(BA.c.spent_pence).label("spent"),
    ).where(BA.c.removed_upload_id.is_(None), BA.c.budget_line_id.in_(
        select(BL.c.id).join(P, P.c.id == BL.c.programme_id).where(P.c.board_id == filters.board_id)))
        .group_by(BA.c.budget_line_id).subquery("totals"))


def budget_rag_sql(totals, rules: RagRules):
    return case(
        (totals.c.forecast.is_not(None), rules.budget_sql(allocated=totals.c.allocated, compare=totals.c.forecast)),
        else_=rules.budget_sql(allocated=totals.c.allocated_to_date, compare=totals.c.spent_to_date),
    )


def budget_counts(engine: Engine, filters: Filters, rules: RagRules, by: str = "root") -> pd.DataFrame:
    group, root = _group_column(by)
    totals = budget_line_totals(filters)
    rag = budget_rag_sql(totals, rules)
    q = (select(group.label("group"), rag.label("rag"), func.count().label("n"))
         .select_from(BL.join(P, P.c.id == BL.c.programme_id).join(totals, totals.c.budget_line_id == BL.c.id)
                      .outerjoin(WS, WS.c.id == BL.c.workstream_id).outerjoin(root, root.c.id == WS.c.root_id)
                      .outerjoin(LOC, LOC.c.id == BL.c.locality_id))
         .where(_scope(BL, filters), BL.c.line_kind.in_(("allocation",))).group_by(group, rag))
    return _frame(engine, q, "Budget")


def latest_metric_values(filters: Filters):
    """Each metric's latest value per locality up to the as-at date: the one read every page uses.

    The latest value is the newest with an actual figure (a value with no period counts only when the series has no
    dated one), so a quarter with a target but no actual yet does not hide the last reported figure. A series with no
    actual at all keeps its newest value, unrated; the RAG counts leave those out.
    """
    dated = or_(MV.c.period_start.is_(None), MV.c.period_start <= filters.as_at)
    reported = MV.c.actual.is_not(None)
    conditions = [MV.c.removed_upload_id.is_(None), dated, MV.c.metric_id.in_(
        select(MT.c.id).join(P, P.c.id == MT.c.programme_id).where(P.c.board_id == filters.board_id))]
    if filters.locality_id is not None:
        conditions.append(MV.c.locality_id == filters.locality_id)
    ranked = select(MV, func.row_number().over(
        partition_by=(MV.c.metric_id, MV.c.locality_id),
        order_by=(case((reported, 0), else_=1), MV.c.period_start.desc().nulls_last(), MV.c.id.desc())
    ).label("rank")).where(*conditions).subquery()
    return select(ranked).where(ranked.c.rank == 1).subquery("latest_value")


def metric_counts(engine: Engine, filters: Filters, rules: RagRules, by: str = "root") -> pd.DataFrame:
    group, root = _group_column(by)
    latest = latest_metric_values(filters)
    rag = rules.metric_sql(target=latest.c.target, actual=latest.c.actual, direction=MT.c.direction)
    frm = (MT.join(P, P.c.id == MT.c.programme_id).join(latest, latest.c.metric_id == MT.c.id)
           .outerjoin(WS, WS.c.id == MT.c.workstream_id).outerjoin(root, root.c.id == WS.c.root_id)
           .outerjoin(LOC, LOC.c.id == latest.c.locality_id))
    q = select(group.label("group"), rag.label("rag"), func.count().label("n")).select_from(frm).where(
        _scope(MT, filters, has_locality=False), latest.c.actual.is_not(None)).group_by(group, rag)
    return _frame(engine, q, "Metrics")


COUNTERS = {"Milestones": milestone_counts, "Risks": risk_counts, "Budget": budget_counts, "Metrics": metric_counts}


def rag_matrix(engine: Engine, filters: Filters, rules: RagRules, by: str = "root") -> pd.DataFrame:
    """One row per group and kind with columns red, amber, green, unrated and total."""
    frames = [counter(engine, filters, rules, by) for counter in COUNTERS.values()]
    counts: dict[tuple[str, str], dict[str, int]] = {}
    for frame in frames:
        for group, rag, n, kind in frame.itertuples(index=False):
            cell = counts.setdefault((group, kind), dict.fromkeys((*RAGS, "unrated"), 0))
            cell[rag if rag in RAGS else "unrated"] += int(n)
    wide = pd.DataFrame([{"group": g, "kind": k, **c, "total": sum(c.values())} for (g, k), c in counts.items()],
                        columns=["group", "kind", *RAGS, "unrated", "total"])
    wide["kind"] = pd.Categorical(wide["kind"], categories=KINDS, ordered=True)
    return wide.sort_values(["group", "kind"]).reset_index(drop=True)
