"""The database write lock: one import (or migration) writes at a time, on SQLite and PostgreSQL alike.

SQLite takes its write lock at BEGIN IMMEDIATE and waits up to its busy timeout; PostgreSQL takes a
transaction-scoped advisory lock and waits up to PG_LOCK_TIMEOUT. Past that the caller gets BusyError,
whose message a lead can act on, and nothing has been written.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import text
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

IMPORT_LOCK_ID = 4242001
MIGRATION_LOCK_ID = 4242000
PG_LOCK_TIMEOUT = "60s"
BUSY_MESSAGE = "The database is busy with another import. Nothing was written; please try again in a minute."


class BusyError(Exception):
    """The database is locked by another writer for longer than the busy timeout."""


@contextmanager
def write_transaction(engine: Engine, *, lock_id: int = IMPORT_LOCK_ID, wait: bool = False,
                      foreign_keys: bool = True) -> Iterator[Connection]:
    """One write transaction holding the write lock from its first statement to its commit.

    ``wait`` waits for the lock however long it takes (a migration); an import gives up after PG_LOCK_TIMEOUT.
    ``foreign_keys=False`` lifts SQLite's enforcement for the transaction (a migration rebuilding tables); the
    pragma only takes effect outside a transaction, so it is set before BEGIN and restored after.
    """
    lock_timeout = None if wait else PG_LOCK_TIMEOUT
    try:
        with engine.connect() as conn:
            conn.info["write"] = True  # data_model.engine begins SQLite transactions IMMEDIATE for this connection
            lift = not foreign_keys and conn.dialect.name == "sqlite"
            if lift:
                conn.connection.driver_connection.execute("PRAGMA foreign_keys=OFF")
            try:
                with conn.begin():
                    if conn.dialect.name == "postgresql":
                        if lock_timeout:
                            conn.execute(text(f"SET LOCAL lock_timeout = '{lock_timeout}'"))
                        conn.execute(text("SELECT pg_advisory_xact_lock(:id)"), {"id": lock_id})
                    yield conn
            finally:
                conn.info.pop("write", None)
                if lift:
                    conn.connection.driver_connection.execute("PRAGMA foreign_keys=ON")
    except OperationalError as exc:
        if is_busy(exc):
            raise BusyError(BUSY_MESSAGE) from exc
        raise


def is_busy(exc: BaseException) -> bool:
    """Whether a database error means "another writer holds the lock" rather than a real fault."""
    message = str(exc).lower()
    return "locked" in message or "busy" in message or "lock timeout" in message
