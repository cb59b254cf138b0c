"""A read transaction: one read-only transaction standing in for an engine, so that several read queries (a page
run's) see one state of the database whatever commits meanwhile. (A meeting's frozen copy is data_model.snapshots.)"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.engine import Connection, Engine

from data_model.queries import data_version


class ReadTransaction:
    """One read-only transaction that every read query can take in place of an engine: its ``connect()`` hands out
    the same connection each time, so the data version and all the reads made through it see one state of the
    database, whatever commits meanwhile.

    PostgreSQL: REPEATABLE READ READ ONLY (what it sees is fixed by the first statement). SQLite (WAL): a deferred
    BEGIN whose first SELECT pins what it reads. That first statement is the data version, read here.
    """

    def __init__(self, engine: Engine) -> None:
        conn = engine.connect()
        try:
            if conn.dialect.name == "postgresql":
                conn = conn.execution_options(isolation_level="REPEATABLE READ", postgresql_readonly=True)
            conn.begin()
            self._conn: Connection | None = conn
            self.dialect = conn.dialect
            self.version: tuple[int, int] = data_version(self)
        except BaseException:
            conn.close()
            raise

    @contextmanager
    def connect(self) -> Iterator[Connection]:
        """The transaction's connection, left open (and in its transaction) when the ``with`` block ends."""
        if self._conn is None:
            raise RuntimeError("This read transaction has been closed.")
        yield self._conn

    @property
    def closed(self) -> bool:
        return self._conn is None

    def close(self) -> None:
        """End the transaction (nothing was written) and give the connection back to the pool."""
        conn, self._conn = self._conn, None
        if conn is None:
            return
        try:
            conn.rollback()
        except Exception:  # a broken connection: nothing was written, so throw it away
            conn.invalidate()
        finally:
            conn.close()


@contextmanager
def read_transaction(engine: Engine) -> Iterator[ReadTransaction]:
    """A ReadTransaction for the length of a ``with`` block."""
    reads = ReadTransaction(engine)
    try:
        yield reads
    finally:
        reads.close()
