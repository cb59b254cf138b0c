"""One call that imports a tracker file: analyse it, then store it in one transaction (or roll back)."""

from __future__ import annotations

import logging
from dataclasses import dataclass, field, replace
from datetime import datetime
from pathlib import Path

from sqlalchemy import select
from sqlalchemy.engine import Engine
from sqlalchemy.exc import DBAPIError

from data_model import audit, make_engine, saved_mappings, upgrade
from data_model.board_settings import board_rules
from data_model.engine import database_url
from data_model.locks import BusyError, write_transaction
from data_model.permissions import Actor, allowed, upload_refusal
from data_model.tables import Board
from data_model.vocabulary import top_level, within
from loaders.issues import error
from loaders.kinds import TrackerKind
from loaders.mapping import Choices, SheetChoice
from loaders.pipeline import Analysis, analyse
from loaders.store import StoreResult, UploadRefused, plan, store

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
            "kind": a.kind_name,
            "status": self.status,
            "sheets": [{"sheet": r.sheet, "kind": r.kind.name if r.kind else None, "confidence": r.confidence,
                        "header_row": r.header_row, "alternatives": dict(r.alternatives),
                        "columns": [{"column": c.column, "header": c.header, "field": c.field, "chosen": c.chosen}
                                    for c in r.columns]} for r in a.readings],
            "choices": a.choices.describe(),
            "records": a.json_records() if self.status == "ok" or a.records else [],
            "errors": [i.as_json() for i in a.errors],
            "warnings": [i.as_json() for i in a.warnings],
            "changes": self.changes,
        }


def import_bytes(data: bytes, file_name: str, board: str, *, engine: Engine, kind: str | TrackerKind | None = None,
                 sheet: str | None = None, dry_run: bool = False, uploaded_by: str | None = None,
                 actor: Actor | None = None, choices: Choices | None = None,
                 uploaded_at: datetime | None = None) -> ImportResult:
    """Analyse and store one file. Errors reject the whole file and nothing is written.

    ``actor`` is the signed-in person, whose role on the board decides whether they may load this file (a lead
    only for their own workstreams). The command line passes none: whoever runs it already holds the database.
    Every real (not dry-run) import is audited, accepted or rejected. ``choices`` are the lead's mapping; the
    board's remembered mappings apply under them. ``uploaded_at`` dates the upload in the past, for the sample
    boards' dated history (sample_data.history); the CLI and the upload page never pass it, so theirs is now.
    """
    who = actor.email if actor else (uploaded_by or "command line")
    analysis = analyse(data, file_name, kind=kind, sheet=sheet, rules=board_rules(engine, board), choices=choices,
                       remembered=remembered_mappings(engine, board))
    return store_analysis(analysis, board, engine=engine, dry_run=dry_run, uploaded_by=uploaded_by, actor=actor,
                          who=who, uploaded_at=uploaded_at)


def store_analysis(analysis: Analysis, board: str, *, engine: Engine, dry_run: bool = False,
                   uploaded_by: str | None = None, actor: Actor | None = None, who: str | None = None,
                   uploaded_at: datetime | None = None) -> ImportResult:
    """Store a file already analysed (the upload page reads a file once, then previews and loads that reading)."""
    who = who or (actor.email if actor else (uploaded_by or "command line"))
    if not analysis.ok:
        return _rejected(engine, analysis, board, who, dry_run)
    granted = None
    if actor is not None:
        refusal = _refusal(engine, actor, board, analysis)
        if refusal:
            return _rejected(engine, _with_error(analysis, refusal, "not_allowed"), board, who, dry_run)
        grant = _grant(engine, actor, board)
        granted = grant.workstreams if grant is not None and not actor.is_admin else None
    try:
        if dry_run:
            # A preview reads what is stored and writes nothing, so it takes no write lock and never waits.
            with engine.connect() as conn:
                result = plan(conn, analysis, board, granted=granted)
                conn.rollback()
        else:
            with write_transaction(engine) as conn:
                result = store(conn, analysis, board, uploaded_by=uploaded_by or (actor.label if actor else None),
                               granted=granted, uploaded_at=uploaded_at)
                if not analysis.choices.empty:
                    _remember(conn, analysis, board, who)
                c = result.changes
                audit.record(conn, who, "upload", board_id=_board_id(conn, board), detail=(
                    f"{analysis.file_name} ({analysis.kind_name}): {c['added']} added, {c['updated']} updated, "
                    f"{c['removed']} removed" + (" (already loaded)" if result.already_imported else "")))
    except BusyError as exc:
        return _rejected(engine, _with_error(analysis, str(exc), "busy"), board, who, dry_run)
    except UploadRefused as exc:
        return _rejected(engine, _with_error(analysis, str(exc), "not_allowed"), board, who, dry_run)
    except (DBAPIError, ArithmeticError, ValueError) as exc:
        # A value the database cannot hold, or a fault of ours: the transaction rolled back; say so, and audit it.
        logging.getLogger(__name__).exception("Storing %s for %s failed", analysis.file_name, board)
        message = ("The database could not store a value in this file, so nothing was written. Check for figures far "
                   "larger than a budget or metric can be, and try again; if it persists, send the file to your board "
                   f"administrator ({type(exc).__name__}).")
        return _rejected(engine, _with_error(analysis, message, "store_failed"), board, who, dry_run)
    return ImportResult(analysis, "ok", result.changes, None if dry_run else result.upload_id,
                        result.already_imported, dry_run, result)


def remembered_mappings(engine: Engine, board: str) -> dict[str, SheetChoice]:
    """The board's saved sheet mappings, by header signature, as choices the pipeline lays under a lead's own."""
    with engine.connect() as conn:
        return {sig: SheetChoice.from_json(c) for sig, c in saved_mappings.by_signature(conn, board).items()}


def _remember(conn, analysis: Analysis, board: str, who: str) -> None:
    """After a load, keep each sheet's mapping that the lead chose (or that was remembered and still applied)."""
    board_id = _board_id(conn, board)
    for reading in analysis.readings:
        choice = analysis.choices.to_remember(reading.sheet)
        if choice is None or reading.signature is None or board_id is None:
            continue
        saved = replace(choice, header_row=None).as_json()  # the signature finds the row next time
        saved_mappings.remember(conn, board_id, reading.signature, reading.sheet, list(reading.header), saved, who)


def file_workstreams(analysis: Analysis) -> tuple[str, ...]:
    """The top-level workstreams a file's rows belong to ("" for rows with none)."""
    return tuple(sorted({top_level(r.workstream) for r in analysis.records}))


def only_workstreams(analysis: Analysis, granted: tuple[str, ...]) -> tuple[Analysis, dict[str, int]]:
    """The analysis with only the rows inside ``granted`` top-level workstreams (a lead's own), and how many rows
    of each other top-level workstream ("" for rows with none) were left out. A part left with no rows is dropped;
    warnings about left-out rows go with them. The file's own reading (sheets, choices, sha256) is kept."""
    def keep(rec) -> bool:
        return within(top_level(rec.workstream), granted)

    left_out: dict[str, int] = {}
    for rec in analysis.records:
        if not keep(rec):
            top = top_level(rec.workstream)
            left_out[top] = left_out.get(top, 0) + 1
    if not left_out:
        return analysis, {}
    dropped = {(r.sheet, r.row) for r in analysis.records if not keep(r)}

    def trimmed(part: Analysis) -> Analysis:
        return replace(part, records=[r for r in part.records if keep(r)],
                       issues=[i for i in part.issues if (i.sheet, i.row) not in dropped])

    if analysis.split:
        parts = [p for p in map(trimmed, analysis.split) if p.records]
        if len(parts) == 1:
            filtered = replace(parts[0], readings=analysis.readings, choices=analysis.choices)
        else:  # several kinds still (or none left at all)
            filtered = replace(analysis, split=parts, records=[r for p in parts for r in p.records],
                               issues=[i for p in parts for i in p.issues])
    else:
        filtered = trimmed(analysis)
        if not filtered.records:
            filtered = replace(filtered, kind=None)
    return filtered, dict(sorted(left_out.items()))


def _with_error(analysis: Analysis, message: str, code: str) -> Analysis:
    """The analysis with one more error, leaving the caller's (perhaps cached) analysis as it was."""
    return replace(analysis, issues=[*analysis.issues, error(message, code=code)])


def _grant(engine: Engine, actor: Actor, board: str):
    with engine.connect() as conn:
        board_id = _board_id(conn, board)
    return actor.grant(board_id) if board_id is not None else None


def _board_id(conn, slug: str) -> int | None:  # a Connection
    return conn.execute(select(Board.__table__.c.id).where(Board.__table__.c.slug == slug)).scalar_one_or_none()


def _refusal(engine: Engine, actor: Actor, board: str, analysis: Analysis) -> str | None:
    with engine.connect() as conn:
        row = conn.execute(select(Board.__table__.c.id, Board.__table__.c.name)
                           .where(Board.__table__.c.slug == board)).first()
    if row is None:
        return None if allowed("users", None, actor) else (
            f"There is no board called '{board}', and only an administrator can add a board.")
    return upload_refusal(actor, row.id, row.name, file_workstreams(analysis))


def _rejected(engine: Engine, analysis: Analysis, board: str, who: str, dry_run: bool) -> ImportResult:
    if not dry_run:
        first = analysis.errors[0].message if analysis.errors else "rejected"
        try:
            with engine.begin() as conn:
                audit.record(conn, who, "upload", board_id=_board_id(conn, board), outcome="rejected",
                             detail=f"{analysis.file_name}: {len(analysis.errors)} error(s); first: {first}")
        except Exception:  # a busy or unreachable database must not hide the file's own errors
            logging.getLogger(__name__).warning("Could not audit a rejected upload of %s", analysis.file_name)
    return ImportResult(analysis, "rejected", dry_run=dry_run)


def import_path(path: str | Path, board: str, *, db_url: str | None = None, kind: str | None = None,
                sheet: str | None = None, dry_run: bool = False, uploaded_by: str | None = None,
                choices: Choices | None = None) -> ImportResult:
    path = Path(path)
    url = database_url(db_url)
    if dry_run and url.startswith("sqlite:///") and not Path(url.split("///", 1)[1]).exists():
        url = "sqlite://"  # a dry run against a database that does not exist yet writes no file
    engine = make_engine(url)
    try:
        upgrade(engine)
        return import_bytes(path.read_bytes(), path.name, board, engine=engine, kind=kind, sheet=sheet,
                            dry_run=dry_run, uploaded_by=uploaded_by, choices=choices)
    finally:
        engine.dispose()
