"""RAG rules: how every red, amber and green on the dashboard is decided, and by how much.

The rules are explicit and each board may set its own (stored in ``board.settings``). They are written as
SQL expressions so that counts aggregate in the database, and each rule explains itself in words for the
pages' info popovers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy.sql import ColumnElement

RAGS = ("red", "amber", "green")


@dataclass(frozen=True)
class RagRules:
    """A board's thresholds. The defaults suit a monthly board."""

    milestone_due_soon_days: int = 30  # not complete and due within this many days: amber
    milestone_grace_days: int = 0  # not complete and overdue by more than this: red
    risk_red_from: int = 15  # score (likelihood x impact, 1-25) at or above: red
    risk_amber_from: int = 5  # score at or above: amber; below: green
    budget_amber_pct: float = 5.0  # forecast (or spend) off the allocation by more than this %: amber
    budget_red_pct: float = 10.0  # ... by more than this %: red
    metric_tolerance_pct: float = 5.0  # worse than target but within this % of it: amber; further: red
    reporting_gap_meetings: int = 3  # a workstream silent for more meetings than this is flagged

    @classmethod
    def from_settings(cls, settings: dict | None) -> RagRules:
        known = {f.name for f in fields(cls)}
        values = {k: v for k, v in ((settings or {}).get("rag") or {}).items() if k in known}
        return cls(**values)

    def as_settings(self) -> dict:
        return {"rag": asdict(self)}

    def validate(self) -> list[str]:
        """Problems with these thresholds, in words; empty when they make sense."""
        problems = []
        if not 1 <= self.risk_amber_from < self.risk_red_from <= 25:
            problems.append("Risk bands must rise: 1 ≤ amber-from < red-from ≤ 25.")
        if not 0 <= self.budget_amber_pct < self.budget_red_pct:
            problems.append("The budget amber tolerance must be below the red one.")
        if self.milestone_due_soon_days < 0 or self.milestone_grace_days < 0:
            problems.append("Milestone day counts cannot be negative.")
        if self.metric_tolerance_pct < 0:
            problems.append("The metric tolerance cannot be negative.")
        if self.reporting_gap_meetings < 1:
            problems.append("The reporting gap must be at least one meeting.")
        return problems

    def explain(self) -> dict[str, list[str]]:
        """Each rule in words, for the info popovers."""
        return {
            "Milestones": [
                "Complete: Green.",
                f"Not complete and more than {self.milestone_grace_days} day(s) past its due date: Red.",
                f"Marked delayed or on hold, or due within {self.milestone_due_soon_days} days: Amber.",
                "Otherwise: Green. Cancelled and undated milestones are not rated.",
            ],
            "Risks": [
                f"Score (likelihood × impact, 1-25) of {self.risk_red_from} or more: Red.",
                f"Score of {self.risk_amber_from} to {self.risk_red_from - 1}: Amber; below {self.risk_amber_from}: "
                "Green.",
                "Unscored risks keep the RAG the register gave them, or none.",
            ],
            "Budget": [
                f"Forecast (or, without one, spend) more than {self.budget_red_pct:g}% off the allocation: Red.",
                f"More than {self.budget_amber_pct:g}% off: Amber. Otherwise: Green.",
            ],
            "Metrics": [
                "On or better than target, in the metric's own direction: Green.",
                f"Worse than target by up to {self.metric_tolerance_pct:g}% of it: Amber; further: Red.",
                "Metrics without a target or a direction are not rated.",
            ],
        }

    # -- SQL ------------------------------------------------------------------------------------------
    def milestone_sql(self, *, status, due, completed, as_at: date) -> ColumnElement:
        overdue_before = as_at - timedelta(days=self.milestone_grace_days)
        soon = as_at + timedelta(days=self.milestone_due_soon_days)
        return case(
            (status == "cancelled", literal(None)),
            (or_(status == "complete", completed.is_not(None)), literal("green")),
            (due.is_(None), literal(None)),
            (due < overdue_before, literal("red")),
            (or_(status.in_(("delayed", "on_hold")), due <= soon), literal("amber")),
            else_=literal("green"),
        )

    def risk_sql(self, *, score, given_rag) -> ColumnElement:
        return case(
            (score.is_(None), given_rag),
            (score >= self.risk_red_from, literal("red")),
            (score >= self.risk_amber_from, literal("amber")),
            else_=literal("green"),
        )

    def budget_sql(self, *, allocated, compare) -> ColumnElement:
        """``compare`` is forecast, or spend where there is no forecast."""
        gap = func.abs(compare - allocated) * 100.0
        return case(
            (or_(allocated.is_(None), compare.is_(None)), literal(None)),
            (and_(allocated == 0, compare == 0), literal("green")),
            (allocated == 0, literal("red")),
            (gap > func.abs(allocated) * self.budget_red_pct, literal("red")),
            (gap > func.abs(allocated) * self.budget_amber_pct, literal("amber")),
            else_=literal("green"),
        )

    def metric_sql(self, *, target, actual, direction) -> ColumnElement:
        slack = func.abs(target) * (self.metric_tolerance_pct / 100.0)
        return case(
            (or_(target.is_(None), actual.is_(None), direction.is_(None)), literal(None)),
            (and_(direction == "higher", actual >= target), literal("green")),
            (and_(direction == "lower", actual <= target), literal("green")),
            (and_(direction == "higher", actual >= target - slack), literal("amber")),
            (and_(direction == "lower", actual <= target + slack), literal("amber")),
            else_=literal("red"),
        )


DEFAULT_RULES = RagRules()
