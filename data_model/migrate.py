"""Bring a database's schema up to date with Alembic; the app and both CLIs call this on start."""

from __future__ import annotations

import functools
import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

from data_model.locks import MIGRATION_LOCK_ID, BusyError, is_busy, write_transaction

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    """The newest migration's revision. Reading the scripts costs a tenth of a second, paid on every database
    opened (each CLI call, each test), so the answer is kept while the migration files stay as they are."""
    scripts = MIGRATIONS / "versions"
    return _head_of(tuple(sorted((p.name, p.stat().st_mtime_ns) for p in scripts.glob("*.py"))))


@functools.lru_cache(maxsize=4)
def _head_of(_scripts: tuple[tuple[str, int], ...]) -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


LOCKED_RETRIES = 40


def upgrade(engine: Engine) -> None:
    """Bring the schema up to date; on SQLite, wait out a brand-new file being set up by another process."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(LOCKED_RETRIES):
        try:
            return _upgrade(engine)
        except (OperationalError, BusyError) as exc:
            # SQLite can answer "locked" at once, without its busy timeout, while another process switches a new
            # file to WAL or creates its tables. Nothing has been written by us: wait a moment and look again.
            if not (isinstance(exc, BusyError) or is_busy(exc)) or attempt == LOCKED_RETRIES - 1:
                raise
            time.sleep(0.05 * (attempt + 1))


def _upgrade(engine: Engine) -> None:
    """Apply every migration the database has not had yet. Cheap when it is already current.

    Several processes may start at once on a new database: the migration takes the write lock first
    (BEGIN IMMEDIATE on SQLite, an advisory lock on PostgreSQL) and looks again once it holds it.
    """
    head = head_revision()
    if current_revision(engine) == head:
        return
    config = alembic_config()
    # No lock timeout: a second process starting on a new database waits for the first to finish migrating.
    # SQLite's batch migrations copy a table, drop the old one and rename the copy: with foreign keys enforced,
    # dropping a table that other rows point at fails, so they are off for the upgrade and checked before it commits.
    with write_transaction(engine, lock_id=MIGRATION_LOCK_ID, wait=True, foreign_keys=False) as conn:
        if MigrationContext.configure(conn).get_current_revision() != head:
            config.attributes["connection"] = conn
            command.upgrade(config, "head")
            if conn.dialect.name == "sqlite" and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                raise RuntimeError("The schema upgrade would leave rows pointing at nothing; nothing changed.")
