"""RAG rules: how every red, amber and green on the dashboard is decided, and by how much.

The rules are explicit and each board may set its own (stored in ``board.settings``). Each is written here and
nowhere else, twice side by side: as a SQL expression so that counts aggregate in the database, and in Python
for rows not stored yet (the upload preview) or cells with no row (the heat map). Each rule also explains
itself in words for the pages' info popovers.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, fields
from datetime import date, timedelta
from decimal import Decimal

from sqlalchemy import and_, case, func, literal, or_
from sqlalchemy.sql import ColumnElement

COMPLETE, CANCELLED = "complete", "cancelled"  # milestone statuses the rules single out
HELD_UP = ("delayed", "on_hold")  # milestone statuses that are amber whenever the milestone is not overdue


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
                ("Not complete and past its due date: Red." if self.milestone_grace_days == 0 else
                 f"Not complete and more than {self.milestone_grace_days} day{'s' if self.milestone_grace_days != 1 else ''} "
                 "past its due date: Red."),
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

    # Each rule is written twice, side by side: as a SQL expression (so counts aggregate in the database) and in
    # Python (for rows not yet stored, such as the upload preview). tests/test_rag_rules.py checks they agree.

    # -- Milestones -----------------------------------------------------------------------------------
    def overdue_before(self, as_at: date) -> date:
        """A milestone still open and due before this date is overdue (red)."""
        return as_at - timedelta(days=self.milestone_grace_days)

    def due_soon_by(self, as_at: date) -> date:
        """A milestone still open, not overdue and due on or before this date is due soon (amber)."""
        return as_at + timedelta(days=self.milestone_due_soon_days)

    @staticmethod
    def milestone_open_sql(*, status, completed) -> ColumnElement:
        """Neither complete (by status or a completion date) nor cancelled: still to be delivered."""
        return and_(completed.is_(None), status.is_distinct_from(COMPLETE), status.is_distinct_from(CANCELLED))

    @staticmethod
    def milestone_open(*, status: str | None, completed: date | None) -> bool:
        return _missing(completed) and status not in (COMPLETE, CANCELLED)

    def milestone_overdue_sql(self, *, due, as_at: date) -> ColumnElement:
        return due < self.overdue_before(as_at)

    def milestone_overdue(self, *, due: date | None, as_at: date) -> bool:
        return not _missing(due) and due < self.overdue_before(as_at)

    def milestone_due_soon_sql(self, *, due, as_at: date) -> ColumnElement:
        return and_(due >= self.overdue_before(as_at), due <= self.due_soon_by(as_at))

    def milestone_due_soon(self, *, due: date | None, as_at: date) -> bool:
        return not _missing(due) and self.overdue_before(as_at) <= due <= self.due_soon_by(as_at)

    def milestone_sql(self, *, status, due, completed, as_at: date) -> ColumnElement:
        return case(
            (status == CANCELLED, literal(None)),
            (or_(status == COMPLETE, completed.is_not(None)), literal("green")),
            (due.is_(None), literal(None)),
            (self.milestone_overdue_sql(due=due, as_at=as_at), literal("red")),
            (or_(status.in_(HELD_UP), self.milestone_due_soon_sql(due=due, as_at=as_at)), literal("amber")),
            else_=literal("green"),
        )

    def milestone(self, *, status: str | None, due: date | None, completed: date | None, as_at: date) -> str | None:
        if status == CANCELLED:
            return None
        if status == COMPLETE or not _missing(completed):
            return "green"
        if _missing(due):
            return None
        if self.milestone_overdue(due=due, as_at=as_at):
            return "red"
        if status in HELD_UP or self.milestone_due_soon(due=due, as_at=as_at):
            return "amber"
        return "green"

    # -- Risks ----------------------------------------------------------------------------------------
    def risk_sql(self, *, score, given_rag) -> ColumnElement:
        return case(
            (score.is_(None), given_rag),
            (score >= self.risk_red_from, literal("red")),
            (score >= self.risk_amber_from, literal("amber")),
            else_=literal("green"),
        )

    def risk(self, *, score: int | None, given_rag: str | None) -> str | None:
        if _missing(score):
            return given_rag
        if score >= self.risk_red_from:
            return "red"
        if score >= self.risk_amber_from:
            return "amber"
        return "green"

    # -- Budget ---------------------------------------------------------------------------------------
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

    def budget(self, *, allocated: Decimal | int | float | None, compare: Decimal | int | float | None) -> str | None:
        """The same sums as ``budget_sql``, in floating point as the databases do them once the percentage (a float)
        joins in; exact for any sum of pence below 2**53 (£90 trillion)."""
        if _missing(allocated) or _missing(compare):
            return None
        if allocated == 0 and compare == 0:
            return "green"
        if allocated == 0:
            return "red"
        gap = abs(float(compare) - float(allocated)) * 100.0
        base = abs(float(allocated))
        if gap > base * self.budget_red_pct:
            return "red"
        if gap > base * self.budget_amber_pct:
            return "amber"
        return "green"

    # -- Metrics --------------------------------------------------------------------------------------
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

    def metric(self, *, target: float | None, actual: float | None, direction: str | None) -> str | None:
        if _missing(target) or _missing(actual) or direction is None:
            return None
        if (direction == "higher" and actual >= target) or (direction == "lower" and actual <= target):
            return "green"
        slack = abs(target) * (self.metric_tolerance_pct / 100.0)
        if (direction == "higher" and actual >= target - slack) or (direction == "lower" and actual <= target + slack):
            return "amber"
        return "red"


def _missing(value: object) -> bool:
    """No value: None, or the NaN or NaT pandas uses for one (the database holds NULL for all three)."""
    return value is None or value != value


DEFAULT_RULES = RagRules()
