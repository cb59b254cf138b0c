"""Import issues: what a lead needs to fix, located by sheet, row and column."""

from __future__ import annotations

from dataclasses import asdict, dataclass

ERROR = "error"
WARNING = "warning"


@dataclass(frozen=True)
class Issue:
    severity: str  # error or warning
    message: str
    sheet: str | None = None
    row: int | None = None  # spreadsheet row number, 1-based, as Excel shows it
    column: str | None = None  # the column's header as written
    value: str | None = None  # the raw cell text
    code: str | None = None

    def as_json(self) -> dict:
        return {k: v for k, v in asdict(self).items() if k not in ("severity", "code")}


def error(message: str, **where) -> Issue:
    return Issue(ERROR, message, **where)


def warning(message: str, **where) -> Issue:
    return Issue(WARNING, message, **where)
