"""A throwaway PostgreSQL server for the tests, from the binaries of Debian's postgresql package.

The server lives in a temporary folder, listens on a free loopback port, trusts local connections and is
stopped when the test session ends. Each test gets its own database, cloned from a migrated template.
When the binaries are missing and we are root, the package is installed with apt-get.
"""

from __future__ import annotations

import glob
import itertools
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

import psycopg

TEMPLATE = "board_template"


def _bin_dir() -> Path | None:
    found = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
    return Path(found[-1]).parent if found else None


def ensure_binaries() -> Path:
    bin_dir = _bin_dir()
    if bin_dir is None and os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "postgresql"], check=True, env=env, capture_output=True)
        bin_dir = _bin_dir()
    if bin_dir is None:
        raise RuntimeError("The PostgreSQL tests need Debian's postgresql package: run `apt-get install postgresql` "
                           "as root, or run the suite with --db sqlite.")
    return bin_dir


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class PostgresServer:
    def __init__(self) -> None:
        self.bin = ensure_binaries()
        self.dir = Path(tempfile.mkdtemp(prefix="board-pg-"))
        self.port = _free_port()
        self.user = "postgres"
        self._counter = itertools.count(1)
        self._as_user: list[str] = []
        if os.geteuid() == 0:
            # initdb refuses to run as root: run the server as the package's postgres user.
            pwd.getpwnam("postgres")
            shutil.chown(self.dir, "postgres")
            self._as_user = ["runuser", "-u", "postgres", "--"]

    def _run(self, *args: str) -> None:
        proc = subprocess.run([*self._as_user, *args], capture_output=True, text=True)
        if proc.returncode != 0:
            raise RuntimeError(f"{args[0]} failed: {proc.stderr or proc.stdout}")

    def start(self) -> PostgresServer:
        data = self.dir / "data"
        self._run(str(self.bin / "initdb"), "-D", str(data), "-A", "trust", "-U", self.user, "--no-sync", "-E", "UTF8")
        options = (f"-p {self.port} -k {self.dir} -c listen_addresses=127.0.0.1 -c fsync=off "
                   "-c synchronous_commit=off -c full_page_writes=off -c max_connections=200")
        self._run(str(self.bin / "pg_ctl"), "-D", str(data), "-o", options, "-l", str(self.dir / "log"), "-w", "start")
        deadline = time.monotonic() + 30
        while True:
            try:
                with psycopg.connect(self.dsn("postgres"), autocommit=True):
                    break
            except psycopg.OperationalError:
                if time.monotonic() > deadline:
                    raise
                time.sleep(0.2)
        return self

    def stop(self) -> None:
        subprocess.run([*self._as_user, str(self.bin / "pg_ctl"), "-D", str(self.dir / "data"), "-m", "immediate",
                        "stop"], capture_output=True)
        shutil.rmtree(self.dir, ignore_errors=True)

    def dsn(self, database: str) -> str:
        return f"postgresql://{self.user}@127.0.0.1:{self.port}/{database}"

    def url(self, database: str) -> str:
        return f"postgresql+psycopg://{self.user}@127.0.0.1:{self.port}/{database}"

    def make_template(self) -> None:
        from data_model import open_database

        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {TEMPLATE}")
        engine = open_database(self.url(TEMPLATE))
        engine.dispose()

    def new_database(self, *, migrated: bool = True, template: str | None = None) -> str:
        """A new database: a clone of the migrated template (or of database ``template``, no one connected to it),
        or (``migrated=False``) one with no tables at all."""
        name = f"test_{os.getpid()}_{next(self._counter)}"
        source = template or (TEMPLATE if migrated else "template0")
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {source}")
        return name

    def refill_from(self, name: str, template: str) -> None:
        """Make database ``name`` afresh as a copy of ``template`` (no one may be connected to either)."""
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
            conn.execute(f"CREATE DATABASE {name} TEMPLATE {template}")

    def dump(self, name: str) -> bytes:
        """Database ``name`` as pg_dump's custom format (schema and rows), for ``restore`` on another server."""
        proc = subprocess.run([*self._as_user, str(self.bin / "pg_dump"), "-Fc", "--no-owner", "-d", self.dsn(name)],
                              capture_output=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pg_dump failed: {proc.stderr.decode(errors='replace')}")
        return proc.stdout

    def restore(self, name: str, dump: bytes) -> None:
        """Fill database ``name`` (made with ``migrated=False``: no tables) from a ``dump``."""
        proc = subprocess.run([*self._as_user, str(self.bin / "pg_restore"), "--no-owner", "--exit-on-error",
                               "-d", self.dsn(name)], input=dump, capture_output=True)
        if proc.returncode != 0:
            raise RuntimeError(f"pg_restore failed: {proc.stderr.decode(errors='replace')}")

    def drop_database(self, name: str) -> None:
        with psycopg.connect(self.dsn("postgres"), autocommit=True) as conn:
            conn.execute(f"DROP DATABASE IF EXISTS {name} WITH (FORCE)")
