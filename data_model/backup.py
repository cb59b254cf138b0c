"""Online backup and restore of the SQLite database, with SQLite's backup API (safe while the app runs)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

from sqlalchemy.engine import Engine

from data_model.migrate import head_revision


class BackupError(Exception):
    """A backup or restore that cannot be done; the message says why."""


def sqlite_path(engine: Engine) -> Path:
    if engine.dialect.name != "sqlite" or not engine.url.database or engine.url.database == ":memory:":
        raise BackupError(
            "backup and restore work on the SQLite database file. For PostgreSQL use its own tools: "
            "pg_dump --format=custom --file=board.dump DATABASE, and pg_restore --clean --dbname=DATABASE board.dump.")
    return Path(engine.url.database)


def backup(engine: Engine, target: Path) -> Path:
    """Copy the live database to ``target`` page by page, without stopping the app."""
    source_path = sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name so no backup is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    with sqlite3.connect(source_path) as source, sqlite3.connect(target) as dest:
        source.backup(dest)
    return target


def _revision(path: Path) -> str | None:
    try:
        with sqlite3.connect(f"file:{path}?mode=ro", uri=True) as conn:
            return conn.execute("SELECT version_num FROM alembic_version").fetchone()[0]
    except sqlite3.DatabaseError as exc:
        raise BackupError(f"{path} is not a board dashboard backup ({exc}). Nothing was restored.") from exc


def restore(engine: Engine, source: Path) -> None:
    """Replace the live database's content with a backup's, in one step."""
    target_path = sqlite_path(engine)
    source = Path(source)
    if not source.is_file():
        raise BackupError(f"There is no backup file at {source}. Nothing was restored.")
    revision = _revision(source)
    if revision != head_revision():
        raise BackupError(f"{source} was made by another version of the dashboard (schema {revision}, this version "
                          f"uses {head_revision()}). Nothing was restored.")
    engine.dispose()
    with sqlite3.connect(source) as src, sqlite3.connect(target_path, timeout=30) as dest:
        src.backup(dest)
