"""Online backup and restore of the SQLite database, with SQLite's backup API (safe while the app runs)."""

from __future__ import annotations

import contextlib
import os
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
    """Copy the live database to ``target`` page by page, without stopping the app.

    The copy is written to a hidden file beside the target and renamed only once it is complete, so a full disk or
    a killed run leaves no half-written backup behind (nor a file that blocks the retry).
    """
    source_path = sqlite_path(engine)
    target = Path(target)
    if target.exists():
        raise BackupError(f"{target} already exists; choose a new file name so no backup is overwritten.")
    target.parent.mkdir(parents=True, exist_ok=True)
    partial = target.with_name(f".{target.name}.{os.getpid()}.partial")
    try:
        with contextlib.closing(sqlite3.connect(source_path)) as source, \
                contextlib.closing(sqlite3.connect(partial)) as dest:
            source.backup(dest)
        _publish(partial, target)
    except (sqlite3.Error, OSError) as exc:
        raise BackupError(f"The backup could not be written to {target} ({_why(exc)}). No backup file was left "
                          "behind; free some space or choose another place, and run it again.") from exc
    finally:
        for leftover in (partial, partial.with_name(partial.name + "-journal")):
            with contextlib.suppress(FileNotFoundError):
                leftover.unlink()
    return target


def _publish(partial: Path, target: Path) -> None:
    """Give the finished copy its name, never replacing a file that appeared there meanwhile."""
    try:
        os.link(partial, target)  # fails if target exists
    except FileExistsError:
        raise BackupError(f"{target} already exists; choose a new file name so no backup is overwritten.") from None
    except OSError:  # a file system without hard links
        if target.exists():
            raise BackupError(f"{target} already exists; choose a new file name so no backup is overwritten.") from None
        os.replace(partial, target)


def _why(exc: BaseException) -> str:
    text = str(exc).strip()
    if isinstance(exc, OSError) and exc.errno is not None:
        text = os.strerror(exc.errno)
    return (text.splitlines()[0] if text else type(exc).__name__)[:200]


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
