"""Bring a database's schema up to date with Alembic; the app and both CLIs call this on start."""

from __future__ import annotations

import time
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).resolve().parent / "migrations"


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    return config


def head_revision() -> str | None:
    return ScriptDirectory.from_config(alembic_config()).get_current_head()


def current_revision(engine: Engine) -> str | None:
    with engine.connect() as conn:
        return MigrationContext.configure(conn).get_current_revision()


MIGRATION_LOCK_ID = 4242000
LOCKED_RETRIES = 40


def upgrade(engine: Engine) -> None:
    """Bring the schema up to date; on SQLite, wait out a brand-new file being set up by another process."""
    from sqlalchemy.exc import OperationalError

    for attempt in range(LOCKED_RETRIES):
        try:
            return _upgrade(engine)
        except OperationalError as exc:
            # SQLite can answer "locked" at once, without its busy timeout, while another process switches a new
            # file to WAL or creates its tables. Nothing has been written by us: wait a moment and look again.
            if "locked" not in str(exc).lower() or attempt == LOCKED_RETRIES - 1:
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
    with engine.connect() as conn:
        sqlite = conn.dialect.name == "sqlite"
        if sqlite:
            # SQLite's batch migrations copy a table, drop the old one and rename the copy: with foreign keys
            # enforced, dropping a table that other rows point at fails. The pragma only works outside a
            # transaction; the keys are checked before the commit instead.
            conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
        conn.info["write"] = True
        try:
            with conn.begin():
                if conn.dialect.name == "postgresql":
                    conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": MIGRATION_LOCK_ID})
                if MigrationContext.configure(conn).get_current_revision() != head:
                    config.attributes["connection"] = conn
                    command.upgrade(config, "head")
                    if sqlite and conn.exec_driver_sql("PRAGMA foreign_key_check").first():
                        raise RuntimeError("The schema upgrade would leave rows pointing at nothing; nothing changed.")
        finally:
            conn.info.pop("write", None)
            if sqlite:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
