"""One call that imports a tracker file: analyse it, then store it in one transaction (or roll back)."""

from __future__ import annotations

from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path

from sqlalchemy.engine import Engine

from data_model import make_engine, upgrade
from data_model.engine import database_url
from loaders.issues import error
from loaders.pipeline import Analysis, analyse
from loaders.store import BusyError, StoreResult, store, write_transaction

EMPTY_CHANGES = {"added": 0, "updated": 0, "removed": 0, "unchanged": 0}


@dataclass
class ImportResult:
    analysis: Analysis
    status: str  # ok or rejected
    changes: dict[str, int] = field(default_factory=lambda: dict(EMPTY_CHANGES))
    upload_id: int | None = None
    already_imported: int | None = None
    dry_run: bool = False
    stored: StoreResult | None = None

    def as_json(self) -> dict:
        a = self.analysis
        return {
            "file": a.file_name,
            "kind": a.kind,
            "status": self.status,
            "records": [_jsonable(r) for r in a.public_records()] if self.status == "ok" or a.records else [],
            "errors": [i.as_json() for i in a.errors],
            "warnings": [i.as_json() for i in a.warnings],
            "changes": self.changes,
        }


def _jsonable(record: dict) -> dict:
    out = {}
    for k, v in record.items():
        if isinstance(v, Decimal):
            v = int(v) if v == v.to_integral_value() else float(v)
        out[k] = v
    return out


def import_bytes(data: bytes, file_name: str, board: str, *, engine: Engine, kind: str | None = None,
                 sheet: str | None = None, dry_run: bool = False, uploaded_by: str | None = None) -> ImportResult:
    """Analyse and store one file. Errors reject the whole file and nothing is written."""
    analysis = analyse(data, file_name, kind=kind, sheet=sheet)
    if not analysis.ok:
        return ImportResult(analysis, "rejected", dry_run=dry_run)
    try:
        with write_transaction(engine) as conn:
            result = store(conn, analysis, board, uploaded_by=uploaded_by)
            if dry_run:
                conn.rollback()
    except BusyError as exc:
        analysis.issues.append(error(str(exc), code="busy"))
        return ImportResult(analysis, "rejected", dry_run=dry_run)
    return ImportResult(analysis, "ok", result.changes, None if dry_run else result.upload_id,
                        result.already_imported, dry_run, result)


def import_path(path: str | Path, board: str, *, db_url: str | None = None, kind: str | None = None,
                sheet: str | None = None, dry_run: bool = False, uploaded_by: str | None = None) -> ImportResult:
    path = Path(path)
    url = database_url(db_url)
    if dry_run and url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).exists():
        url = "sqlite://"  # a dry run against a database that does not exist yet writes no file
    engine = make_engine(url)
    try:
        upgrade(engine)
        return import_bytes(path.read_bytes(), path.name, board, engine=engine, kind=kind, sheet=sheet,
                            dry_run=dry_run, uploaded_by=uploaded_by)
    finally:
        engine.dispose()
