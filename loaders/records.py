"""Validation models for normalised records: the contract a record must meet before it is stored.

These are plain Pydantic models, kept apart from the SQLModel table models (which do not validate).
Their fields are the ``records`` of the import CLI's JSON output.
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

Text = Annotated[str, Field(min_length=1, max_length=4000)]
Short = Annotated[str, Field(min_length=1, max_length=500)]
Rag = Literal["red", "amber", "green"]
Level = Annotated[int, Field(ge=1, le=5)]


class _Record(BaseModel):
    model_config = ConfigDict(extra="ignore", frozen=True)


class MilestoneRecord(_Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    title: Text
    owner: Short | None = None
    dependency: Text | None = None
    start: date | None = None
    due: date | None = None
    status: Literal["not_started", "in_progress", "complete", "delayed", "on_hold", "cancelled"] | None = None
    rag: Rag | None = None


class RiskRecord(_Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    title: Text
    owner: Short | None = None
    opened: date | None = None
    likelihood: Level | None = None
    impact: Level | None = None
    score: Annotated[int, Field(ge=1, le=25)] | None = None
    rag: Rag | None = None
    mitigation: Text | None = None
    review_due: date | None = None
    status: Literal["open", "closed"] = "open"


class BudgetRecord(_Record):
    ref: Short | None = None
    workstream: Short | None = None
    locality: Short | None = None
    line: Text
    funder: Short | None = None
    period: Short | None = None
    allocated: Decimal | None = Field(default=None, max_digits=15, decimal_places=2)
    forecast: Decimal | None = Field(default=None, max_digits=15, decimal_places=2)
    spent: Decimal | None = Field(default=None, max_digits=15, decimal_places=2)


class MetricRecord(_Record):
    workstream: Short | None = None
    locality: Short | None = None
    name: Text
    period: Short | None = None
    target: float | None = None
    actual: float | None = None
    unit: Short | None = None
    direction: Literal["higher", "lower"] | None = None


MODELS: dict[str, type[_Record]] = {
    "milestones": MilestoneRecord, "risks": RiskRecord, "budget": BudgetRecord, "metrics": MetricRecord,
}
PUBLIC_FIELDS = {kind: tuple(model.model_fields) for kind, model in MODELS.items()}
_ADAPTERS = {kind: TypeAdapter(list[model]) for kind, model in MODELS.items()}


def validate(kind: str, records: list[dict]) -> list[tuple[int, str, str]]:
    """Check every record at once; returns (record index, field, message) for each failure."""
    try:
        _ADAPTERS[kind].validate_python(records)
    except ValidationError as exc:
        problems = []
        for err in exc.errors():
            loc = err.get("loc", ())
            index = loc[0] if loc and isinstance(loc[0], int) else -1
            fld = str(loc[1]) if len(loc) > 1 else ""
            problems.append((index, fld, err.get("msg", "invalid")))
        return problems
    return []
