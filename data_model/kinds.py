"""The storage half of each tracker kind: its tables and the names the change log and counts use.

The loaders' ``TrackerKind`` (``loaders.kinds``) owns one of these beside everything else about its kind;
the read queries here use them directly, since this layer never imports the loaders.
"""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import Table

from data_model.tables import (
    BudgetAmount,
    BudgetLine,
    Metric,
    MetricValue,
    Milestone,
    Risk,
    RiskAssessment,
    ScheduleItem,
)


@dataclass(frozen=True)
class StoredKind:
    name: str  # "milestones": the upload's kind column
    table: Table  # one row per milestone, risk, budget line or metric
    entity: str  # the change log's name for one of those rows
    label_column: str  # the column that names a row ("title")
    count_label: str  # how a board's count of them is labelled ("budget_lines")
    child_table: Table | None = None  # rows stored under each row: assessments, amounts, values
    child_entity: str | None = None
    child_fk: str | None = None
    counts_only: tuple[str, str] | None = None  # (column, value): the rows that count as this kind (risks, not issues)


MILESTONES = StoredKind("milestones", Milestone.__table__, "milestone", "title", "milestones")
RISKS = StoredKind("risks", Risk.__table__, "risk", "title", "risks", RiskAssessment.__table__, "risk", "risk_id",
                   counts_only=("raid_type", "risk"))
BUDGET = StoredKind("budget", BudgetLine.__table__, "budget_line", "line", "budget_lines", BudgetAmount.__table__,
                    "budget_amount", "budget_line_id")
METRICS = StoredKind("metrics", Metric.__table__, "metric", "name", "metrics", MetricValue.__table__, "metric_value",
                     "metric_id")
SCHEDULE = StoredKind("schedule", ScheduleItem.__table__, "schedule_item", "month_label", "schedule_items")
STORED_KINDS: tuple[StoredKind, ...] = (MILESTONES, RISKS, BUDGET, METRICS, SCHEDULE)
KIND_NAMES = tuple(k.name for k in STORED_KINDS)
