"""Shared fixtures: throwaway databases, a small known board, the app on a test's database, a browser, command-line
entry points run in-process, and workbooks built in the test from plain rows."""

from __future__ import annotations

import io
import os
import re
import shutil
import sqlite3
import sys
import weakref
from dataclasses import dataclass
from datetime import date
from pathlib import Path

import openpyxl
import pytest
from argon2 import PasswordHasher
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


@pytest.fixture(scope="session")
def sqlite_template(tmp_path_factory) -> Path:
    """A migrated, empty SQLite file made once; each test's SQLite database is a copy of it (as each PostgreSQL one
    is a clone of a template), so the migrations run once per session rather than once per test."""
    path = tmp_path_factory.mktemp("sqlite-template") / "template.db"
    open_database(f"sqlite:///{path}").dispose()
    assert not path.with_name(f"{path.name}-wal").exists(), "the template's write-ahead log was not merged back"
    return path


@pytest.fixture
def db_url(backend: str, tmp_path: Path, request) -> str:
    """A new, migrated, empty database for this test: a SQLite file, or a PostgreSQL database."""
    if backend == "sqlite":
        path = tmp_path / "test.db"
        shutil.copyfile(request.getfixturevalue("sqlite_template"), path)
        yield f"sqlite:///{path}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.new_database()
    yield server.url(name)
    server.drop_database(name)


@pytest.fixture
def empty_db_url(backend: str, tmp_path: Path, request) -> str:
    """A new database with no tables and no migration applied yet, for tests of the migrations themselves."""
    if backend == "sqlite":
        yield f"sqlite:///{tmp_path / 'unmigrated.db'}"
        return
    server = request.getfixturevalue("postgres_server")
    name = server.new_database(migrated=False)
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


def as_read(markdown: str) -> str:
    """What a person reads in a markdown element: the backslash escapes and invisible breaks that
    presentation.safe.md adds to tracker text are not on the screen."""
    return re.sub(r"\\(.)", r"\1", markdown).replace("\u200b", "")


def csv_bytes(rows: list[list[object]], encoding: str = "utf-8") -> bytes:
    import csv

    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue().encode(encoding)


_REFLECTED: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()  # engine -> its tables, read once


def dump(engine) -> dict[str, list[tuple]]:
    """Every row of every table, for before/after comparisons; not the audit trail, which records the attempt."""
    meta = _REFLECTED.get(engine)
    if meta is None:  # reading the schema costs more than reading a test's rows: once per engine
        meta = _REFLECTED[engine] = MetaData()
        meta.reflect(engine)
    out = {}
    with engine.connect() as conn:
        for name, table in sorted(meta.tables.items()):
            if name == "audit_event":
                continue
            out[name] = sorted(conn.execute(select(table)).all(), key=repr)
    return out


@pytest.fixture(autouse=True)
def _sample_boards_load_by_default(monkeypatch):
    """As in a real install, the app loads the sample boards into an empty database (unless the shell running pytest
    sets DASHBOARD_SAMPLE_DATA); whatever a test sets is undone after it. Tests of an empty install set it to 0."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", os.environ.get("DASHBOARD_SAMPLE_DATA", "1"))


# Argon2 at its real cost (64 MiB and up to a second a hash on a busy machine) is most of an account test's time.
# Hashes made with these parameters still verify wherever they are read; servers the browser tests start keep the
# real parameters (and rehash to them at the first sign-in).
CHEAP_HASHER = PasswordHasher(time_cost=1, memory_cost=8, parallelism=1)


@pytest.fixture(autouse=True)
def _cheap_password_hashes(monkeypatch):
    from data_model import accounts

    monkeypatch.setattr(accounts, "HASHER", CHEAP_HASHER)
    if hasattr(accounts, "_DUMMY_HASH"):  # what an unknown email is verified against, made at import time
        monkeypatch.setattr(accounts, "_DUMMY_HASH", CHEAP_HASHER.hash("no account has this password"))


# ---------------------------------------------------------------------------------------------------------------
# A small known board, the app reading a test's database, and a browser
# ---------------------------------------------------------------------------------------------------------------

AS_AT = date(2016, 9, 27)  # the "as at" date the known board's colours are worked out for


def _load_the_known_board(engine) -> None:
    """"test-board": two top-level workstreams (Prevention, Crisis), each tracker kind, every RAG colour at AS_AT,
    loaded through the import a lead uses."""
    from loaders import import_bytes

    milestones = xlsx({"Plan": [
        ["Ref", "Priority", "Scheme", "Locality", "Milestone", "Due", "Status"],
        ["M1", "Prevention", "Agents", "North", "Done early", "June 16", "Complete"],
        ["M2", "Prevention", "Agents", "North", "Overdue", "Aug 16", "In progress"],
        ["M3", "Prevention", "Falls", "South", "Due soon", "10/10/16", "In progress"],
        ["M4", "Prevention", "Falls", "South", "Slipping", "March 2017", "Delayed"],
        ["M5", "Crisis", "Hub", "North", "Later", "March 2017", "In progress"],
        ["M6", "Crisis", "Hub", "North", "Undated", "TBC", "Not started"],
        ["M7", "Crisis", "Hub", "South", "Dropped", "July 16", "Cancelled"],
    ]})
    risks = xlsx({"Register": [
        ["Ref", "Priority", "Risk", "Likelihood", "Impact", "RAG"],
        ["R1", "Prevention", "High high", "High", "High", None],      # 25 red
        ["R2", "Prevention", "Medium", "Med", "Med", None],           # 9 amber
        ["R3", "Crisis", "Low", "Low", "Low", None],                  # 1 green
        ["R4", "Crisis", "Unscored but red", None, None, "Red"],      # given
    ]})
    budget = xlsx({"Budget": [
        ["Priority", "Budget line", "Period", "Allocated", "Forecast"],
        ["Prevention", "On plan", "2016-17", "£100k", "£102k"],     # 2% green
        ["Prevention", "Over", "2016-17", "£100k", "£108k"],        # 8% amber
        ["Crisis", "Way over", "2016-17", "£100k", "£130k"],        # 30% red
    ]})
    metrics = xlsx({"Metrics": [
        ["Priority", "Metric", "Period", "Target", "Actual", "Direction"],
        ["Crisis", "Delays", "2016-17 Q1", 100, 90, "lower"],        # green
        ["Crisis", "Reablement", "2016-17 Q1", 80, 78, "higher"],    # 2.5% worse: amber
        ["Prevention", "Admissions", "2016-17 Q1", 100, 120, "lower"],  # 20% worse: red
        ["Prevention", "Admissions", "2017-18 Q1", 100, 50, "lower"],   # after the as-at date: ignored
    ]})
    for name, data in [("m.xlsx", milestones), ("r.xlsx", risks), ("b.xlsx", budget), ("k.xlsx", metrics)]:
        assert import_bytes(data, name, "test-board", engine=engine).status == "ok"


@pytest.fixture(scope="session")
def _known_board_sqlite(sqlite_template, tmp_path_factory) -> Path:
    """The known board loaded once into a SQLite file, for the ``board`` fixture to copy from."""
    path = tmp_path_factory.mktemp("known-board") / "board.db"
    shutil.copyfile(sqlite_template, path)
    engine = open_database(f"sqlite:///{path}")
    _load_the_known_board(engine)
    engine.dispose()
    return path


@pytest.fixture
def board(engine, request) -> dict:
    """The known board ("test-board", see ``_load_the_known_board``) in this test's database. On SQLite its rows
    are copied in from a database it was loaded into once (SQLite's backup API, safe while the engine is open);
    on PostgreSQL it is imported here."""
    from data_model import queries

    if engine.dialect.name == "sqlite":
        source = sqlite3.connect(request.getfixturevalue("_known_board_sqlite"))
        target = engine.raw_connection()
        try:
            source.backup(target.driver_connection)
        finally:
            target.close()
            source.close()
    else:
        _load_the_known_board(engine)
    return queries.board(engine, "test-board")


@pytest.fixture
def app_database(db_url: str, monkeypatch) -> str:
    """AppTests of the dashboard read this test's database; Streamlit's caches are emptied before and after, so
    no engine or query result from another test's database is reused."""
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield db_url
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module. Assertions wait (``expect``) up to a minute:
    a page on a loaded machine can take that long to run its script."""
    from browser import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        yield b
        b.close()


# ---------------------------------------------------------------------------------------------------------------
# Command-line entry points, run in this process
# ---------------------------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Ran:
    """What a command printed and its exit status, as `subprocess.run` would report them."""

    returncode: int
    stdout: str
    stderr: str


@pytest.fixture
def cli(capsys, monkeypatch):
    """``cli(main, *args, stdin=None)`` runs a command's ``main(argv)`` here rather than in a new interpreter
    (argparse's usage errors exit with 2, as on the command line). Each CLI keeps one test of `python -m`."""

    def run(main, *args: str, stdin: str | None = None) -> Ran:
        capsys.readouterr()  # drop anything printed before the command
        if stdin is not None:
            monkeypatch.setattr(sys, "stdin", io.StringIO(stdin))
        try:
            code = main(list(args))
        except SystemExit as exc:
            code = exc.code if isinstance(exc.code, int) else (0 if exc.code is None else 1)
            if isinstance(exc.code, str):
                print(exc.code, file=sys.stderr)
        out = capsys.readouterr()
        return Ran(0 if code is None else code, out.out, out.err)

    return run


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
