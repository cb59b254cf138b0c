"""Engine factory: the embedded SQLite file by default, PostgreSQL when ``DATABASE_URL`` says so."""

from __future__ import annotations

import os
import sqlite3
from datetime import date
from pathlib import Path

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlalchemy.pool import StaticPool
from sqlmodel import create_engine

# Bulk inserts pass dates straight to sqlite3; store them as SQLAlchemy's Date type does ("YYYY-MM-DD").
sqlite3.register_adapter(date, date.isoformat)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
DEFAULT_SQLITE_PATH = PROJECT_ROOT / "instance" / "dashboard.db"
SQLITE_BUSY_TIMEOUT_MS = int(os.environ.get("DASHBOARD_SQLITE_BUSY_TIMEOUT_MS", "10000"))


def database_url(url: str | None = None) -> str:
    """The URL to use: the one given, else ``DATABASE_URL``, else the default SQLite file."""
    url = url or os.environ.get("DATABASE_URL")
    if url:
        # Heroku-style URLs and plain postgresql:// go through psycopg 3.
        if url.startswith("postgres://"):
            url = "postgresql://" + url[len("postgres://") :]
        if url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        return url
    return f"sqlite:///{DEFAULT_SQLITE_PATH}"


POOL_SIZE = int(os.environ.get("DASHBOARD_DB_POOL_SIZE", "20"))


def make_engine(url: str | None = None, *, echo: bool = False, busy_timeout_ms: int | None = None) -> Engine:
    """Create an engine. SQLite gets WAL, foreign keys and a busy timeout on every connection."""
    url = database_url(url)
    busy = SQLITE_BUSY_TIMEOUT_MS if busy_timeout_ms is None else busy_timeout_ms
    # Each page run holds one connection for its consistent read (data_model.read_transaction), so the pool must cover
    # the board members reading at once on this server; past it, a run waits (up to 30 s) rather than fails.
    pool = {} if url in ("sqlite://", "sqlite:///:memory:") else {"pool_size": POOL_SIZE, "max_overflow": POOL_SIZE}
    if url.startswith("sqlite"):
        in_memory = url in ("sqlite://", "sqlite:///:memory:")
        if not in_memory:
            path = Path(url.split("///", 1)[1])
            path.parent.mkdir(parents=True, exist_ok=True)
        engine = create_engine(
            url,
            echo=echo,
            connect_args={"check_same_thread": False, "timeout": busy / 1000},
            poolclass=StaticPool if in_memory else None,
            **pool,
        )
        _configure_sqlite(engine, wal=not in_memory, busy_timeout_ms=busy)
        return engine
    return create_engine(url, echo=echo, pool_pre_ping=True, **pool)


def _configure_sqlite(engine: Engine, *, wal: bool, busy_timeout_ms: int) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection, _record):  # DBAPI types
        # Let SQLAlchemy, not the sqlite3 module, decide when transactions begin.
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute(f"PRAGMA busy_timeout={busy_timeout_ms}")
        if wal:
            _set_wal(cursor)
            cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute("PRAGMA cache_size=-65536")  # 64 MB: large imports update several indexes
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn):
        # BEGIN IMMEDIATE takes the write lock up front, so two imports queue instead of deadlocking.
        conn.exec_driver_sql("BEGIN IMMEDIATE" if conn.info.get("write") else "BEGIN")


def _set_wal(cursor) -> None:  # a DBAPI cursor
    """Switch to WAL; another process doing the same on a new file can make SQLite answer 'locked' at once."""
    import time

    for attempt in range(40):
        try:
            cursor.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc).lower() or attempt == 39:
                raise
            time.sleep(0.05 * (attempt + 1))
