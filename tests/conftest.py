"""Shared fixtures: throwaway databases, and workbooks built in the test from plain rows."""

from __future__ import annotations

import io
import os
from pathlib import Path

import openpyxl
import pytest
from openpyxl.styles import Font, PatternFill
from sqlalchemy import MetaData, select

from data_model import open_database

ROOT = Path(__file__).resolve().parent.parent


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", choices=[*BACKENDS, "both"], default="both",
                     help="database(s) every database test runs against (default: both)")


def pytest_generate_tests(metafunc):
    """Every test that touches a database runs once per chosen backend."""
    if "backend" in metafunc.fixturenames:
        chosen = metafunc.config.getoption("--db")
        backends = BACKENDS if chosen == "both" else (chosen,)
        if metafunc.definition.get_closest_marker("postgresql_only"):
            backends = tuple(b for b in backends if b == "postgresql")
        metafunc.parametrize("backend", backends, scope="function")


@pytest.fixture(scope="session")
def postgres_server():
    from pg import PostgresServer

    server = PostgresServer().start()
    server.make_template()
    yield server
    server.stop()


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request) -> str:
    """A new, migrated, empty database for this test: a SQLite file, or a PostgreSQL database."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'test.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.new_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def engine(db_url: str):
    eng = open_database(db_url)
    yield eng
    eng.dispose()


def xlsx(sheets: dict[str, list[list[object]]], *, fills: dict | None = None, bold: dict | None = None) -> bytes:
    """A workbook from rows. ``fills`` maps (sheet, row, col) 1-based to an RGB fill; ``bold`` to True."""
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for r, row in enumerate(rows, start=1):
            for c, value in enumerate(row, start=1):
                if value is not None:
                    ws.cell(row=r, column=c, value=value)
    for (sheet, r, c), rgb in (fills or {}).items():
        wb[sheet].cell(row=r, column=c).fill = PatternFill("solid", fgColor=rgb)
    for (sheet, r, c) in (bold or {}):
        wb[sheet].cell(row=r, column=c).font = Font(bold=True)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            out[name] = sorted(conn.execute(select(table)).all(), key=repr)
    return out


@pytest.fixture(autouse=True)
def _no_sample_autoload(monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", os.environ.get("DASHBOARD_SAMPLE_DATA", "1"))


class Reliability:
    """Counts from the robustness tests, written to docs/reliability.md with --reliability-report."""

    def __init__(self) -> None:
        self.inputs: dict[str, bool] = {}
        self.lost: list[str] = []
        self.concurrency_runs = 0
        self.kill_trials = 0
        self.kill_partial = 0

    def tried(self, name: str, *, refused: bool) -> None:
        self.inputs[name] = refused

    def unchanged(self, name: str, ok: bool) -> None:
        if not ok:
            self.lost.append(name)


RELIABILITY = Reliability()


@pytest.fixture
def reliability() -> Reliability:
    return RELIABILITY
