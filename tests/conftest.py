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

# CI explores the same examples every run (a red build is always reproducible); local runs keep exploring.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")


BACKENDS = ("sqlite", "postgresql")


def pytest_addoption(parser):
    parser.addoption("--db", choices=[*BACKENDS, "both"], default="both",
                     help="database(s) every database test runs against (default: both)")
    parser.addoption("--reliability-report", metavar="PATH",
                     help="write the reliability report (docs/reliability.md) from this run's counts")


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
    """Every row of every table, for before/after comparisons; not the audit trail, which records the attempt."""
    meta = MetaData()
    meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name == "audit_event":
                continue
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


RELIABILITY_MODULES = ("test_corpus", "test_properties", "test_concurrency", "test_recovery", "test_output_safety",
                       "test_browser", "test_cli")
OUTCOMES: dict[str, dict[str, int]] = {}


def pytest_runtest_logreport(report):
    if report.when != "call" and not report.failed:
        return
    module = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    if module in RELIABILITY_MODULES:
        counts = OUTCOMES.setdefault(module, {"passed": 0, "failed": 0, "ids": []})
        counts["passed" if report.passed else "failed"] += 1
        counts["ids"].append(report.nodeid)


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--reliability-report")
    if not path:
        return
    from datetime import date

    r = RELIABILITY
    refused = sum(1 for v in r.inputs.values() if v)
    failed = sum(c["failed"] for c in OUTCOMES.values())

    def n(module: str, word: str = "passed") -> int:
        return OUTCOMES.get(module, {}).get(word, 0)

    concurrency = list(OUTCOMES.get("test_concurrency", {}).get("ids", []))
    backends = session.config.getoption("--db")
    lines = [
        "# Reliability report",
        "",
        f"Generated by `python -m pytest --reliability-report docs/reliability.md` on {date.today():%d %B %Y}, "
        f"databases: {'SQLite and PostgreSQL' if backends == 'both' else backends}. Every figure below is counted "
        "by the tests themselves during that run.",
        "",
        "| Measure | Count |",
        "|---|---|",
        f"| Bad or unusual inputs tried (files in `tests/corpus/`) | {len(r.inputs)} |",
        f"| ... refused with a clear message | {refused} |",
        f"| ... read correctly (valid but unusual: cp1252 and UTF-16 CSV, .xlsm with a macro, script and markdown text) "
        f"| {len(r.inputs) - refused} |",
        f"| Corpus tests (each file on each database, plus memory-capped runs) | {n('test_corpus')} passed, "
        f"{n('test_corpus', 'failed')} failed |",
        f"| Property tests of the parsers (up to 400 generated inputs each) | {n('test_properties')} passed, "
        f"{n('test_properties', 'failed')} failed |",
        f"| Crashes (a traceback instead of a message) | {failed} |",
        f"| Data lost (a database changed by a refused or killed import) | {len(r.lost)} |",
        f"| Concurrency runs (imports racing from threads or processes, a reader during an import, busy locks) "
        f"| {len(concurrency)} |",
        f"| Imports killed mid-transaction and checked | {r.kill_trials} |",
        f"| Output-safety checks (escaping, formula neutralising, file names) | {n('test_output_safety')} |",
        "",
        "## Each corpus file and what happened to it",
        "",
        "| File | Outcome |",
        "|---|---|",
    ]
    sys_path = str(ROOT / "tests" / "corpus")
    import sys

    if sys_path not in sys.path:
        sys.path.insert(0, sys_path)
    from build import EXPECTED

    for name in sorted(r.inputs):
        outcome, detail = EXPECTED[name]
        told = f'refused; the message says "{detail}"' if outcome == "refused" else f"read: {detail} rows"
        lines.append(f"| `{name}` | {told} |")
    Path(path).parent.mkdir(parents=True, exist_ok=True)
    Path(path).write_text("\n".join(lines) + "\n", encoding="utf-8")
