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

# pytest compiles each test module afresh (its assertion rewriting) unless it may cache the result: with
# PYTHONDONTWRITEBYTECODE set, as on some machines, that alone was a fifth of the fast loop. The caches live in
# __pycache__ folders, which git ignores.
sys.dont_write_bytecode = False

ROOT = Path(__file__).resolve().parent.parent

# CI explores the same examples every run (a red build is always reproducible); local runs keep exploring.
from hypothesis import settings as _hypothesis_settings  # noqa: E402

_hypothesis_settings.register_profile("ci", derandomize=True, database=None)
if os.environ.get("CI"):
    _hypothesis_settings.load_profile("ci")

# The fast loop (a run whose -m deselects "slow") runs each property over a few examples, so a broken rule still
# fails it in seconds; the full suite runs every property test with its own number of examples.
FAST_LOOP_EXAMPLES = 20
_fast_loop = False


def pytest_configure(config):
    global _fast_loop
    _fast_loop = "not slow" in (config.getoption("markexpr") or "")
    if _fast_loop:
        _hypothesis_settings.register_profile("fast-loop", _hypothesis_settings.default,
                                              max_examples=FAST_LOOP_EXAMPLES)
        _hypothesis_settings.load_profile("fast-loop")
    if config.getoption("--reliability-report") and getattr(config.option, "numprocesses", None):
        raise pytest.UsageError("--reliability-report counts in one process: run it without -n.")


def examples(full: int) -> int:
    """How many examples a property test generates: ``full``, or at most FAST_LOOP_EXAMPLES in the fast loop."""
    return min(full, FAST_LOOP_EXAMPLES) if _fast_loop else full


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
        elif metafunc.definition.get_closest_marker("any_database") and len(backends) > 1:
            backends = backends[:1]  # the browser's half of a journey: its database half runs on both elsewhere
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


@pytest.fixture(scope="session")
def read_only_engine(sqlite_template, tmp_path_factory):
    """One migrated, empty SQLite database for the whole session, for tests that only read one (dry runs); a test
    that writes gets its own ``engine``. Migrating an in-memory database instead costs half a second a test."""
    path = tmp_path_factory.mktemp("read-only") / "read-only.db"
    shutil.copyfile(sqlite_template, path)
    eng = open_database(f"sqlite:///{path}")
    yield eng
    eng.dispose()


def xlsx(sheets: dict[str, list[list[object]]], *, fills: dict | None = None, bold: dict | None = None,
         formats: dict | None = None) -> bytes:
    """A workbook from rows. ``fills`` maps (sheet, row, col) 1-based to an RGB fill; ``bold`` to True; ``formats``
    to a number format such as "0%"."""
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
    for (sheet, r, c), number_format in (formats or {}).items():
        wb[sheet].cell(row=r, column=c).number_format = number_format
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def as_read(markdown: str) -> str:
    """What a person reads in a markdown element: the backslash escapes and invisible breaks that
    presentation.safe.md adds to tracker text are not on the screen, and a mailto link shows its address."""
    unlinked = re.sub(r"\[([^\]]*)\]\(mailto:[^)]*\)", r"\1", markdown)
    return re.sub(r"\\(.)", r"\1", unlinked).replace("\u200b", "")


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


@pytest.fixture(scope="session")
def _known_board_postgres(postgres_server) -> str:
    """The known board imported once into a PostgreSQL database, the template ``board`` clones."""
    name = postgres_server.new_database()
    engine = open_database(postgres_server.url(name))
    try:
        _load_the_known_board(engine)
    finally:
        engine.dispose()
    return name


@pytest.fixture
def board(engine, request) -> dict:
    """The known board ("test-board", see ``_load_the_known_board``) in this test's database, imported once per
    session through the import a lead uses and copied in: on SQLite with SQLite's backup API (safe while the engine
    is open), on PostgreSQL as a clone of a database it was imported into (the engine's connections are made anew)."""
    from data_model import queries

    if engine.dialect.name == "sqlite":
        _copy_sqlite_into(request.getfixturevalue("_known_board_sqlite"), engine)
    else:
        _refill_postgres(engine, request.getfixturevalue("_known_board_postgres"), request)
    return queries.board(engine, "test-board")


def _refill_postgres(engine, template: str, request) -> None:
    """Replace ``engine``'s PostgreSQL database with a clone of database ``template`` (the engine stays usable: its
    pooled connections, ended by the drop, are let go and made again on first use)."""
    engine.dispose()
    request.getfixturevalue("postgres_server").refill_from(engine.url.database, template)
    engine.dispose()


def _copy_sqlite_into(source: Path, engine) -> None:
    """Replace the contents of ``engine``'s SQLite database with ``source``'s (SQLite's backup API, safe while the
    engine is open)."""
    from_file = sqlite3.connect(source)
    target = engine.raw_connection()
    try:
        from_file.backup(target.driver_connection)
    finally:
        target.close()
        from_file.close()


@pytest.fixture(scope="session")
def _change_board_sqlite(sqlite_template, tmp_path_factory) -> dict[int, Path]:
    """tests/change_trackers.py's board after version 1 and after version 2, each imported once into a SQLite file."""
    from change_trackers import load

    folder = tmp_path_factory.mktemp("change-board")
    path, after = folder / "growing.db", {}
    shutil.copyfile(sqlite_template, path)
    engine = open_database(f"sqlite:///{path}")
    try:
        for version in (1, 2):
            load(engine, version)
            after[version] = folder / f"after-{version}.db"
            with sqlite3.connect(path) as live, sqlite3.connect(after[version]) as copy:
                live.backup(copy)
    finally:
        engine.dispose()
    return after


@pytest.fixture(scope="session")
def _change_board_postgres(postgres_server) -> dict[int, str]:
    """tests/change_trackers.py's board after version 1 and after version 2, each imported once (in order, into one
    database) and cloned as it stood, for ``change_board`` to clone from on PostgreSQL."""
    from change_trackers import load

    growing, after = postgres_server.new_database(), {}
    for version in (1, 2):
        engine = open_database(postgres_server.url(growing))
        try:
            load(engine, version)
        finally:
            engine.dispose()
        after[version] = postgres_server.new_database(template=growing)
    return after


@pytest.fixture
def change_board(engine, request):
    """``to(version)``: this test's database as the lead's imports of change_trackers version 1 (then 2) leave it,
    through the import a lead uses. The versions are imported once per session and copied in: on SQLite from files
    they were imported into, on PostgreSQL as clones of databases they were imported into."""
    loaded = [0]

    def to(version: int) -> None:
        assert version >= loaded[0], "the versions are loaded in order"
        if engine.dialect.name == "sqlite":
            _copy_sqlite_into(request.getfixturevalue("_change_board_sqlite")[version], engine)
        else:
            _refill_postgres(engine, request.getfixturevalue("_change_board_postgres")[version], request)
        loaded[0] = version

    return to


def _load_the_sample_boards(engine) -> None:
    """What the app's first start on an empty database writes (ui.context.get_engine): the sample boards, their
    meetings and trackers, and the demo accounts (with the tests' cheap hashes)."""
    from data_model import accounts
    from sample_data import load_sample_data
    from sample_data.demo_accounts import create_demo_accounts

    load_sample_data(engine)
    real = accounts.HASHER
    accounts.HASHER = CHEAP_HASHER  # a session fixture runs outside any test's monkeypatch
    try:
        create_demo_accounts(engine)
    finally:
        accounts.HASHER = real


def _made_once_per_run(tmp_path_factory, name: str, make) -> tuple[Path, bool]:
    """``make(path)`` run by one process of this test run, the first to ask (the pytest-xdist workers share the run's
    temporary folder; the others wait for it, then read what it made). Returns the path and whether this process
    made it. Loading the sample boards is 20-40 s of imports: once a run rather than once a worker."""
    import fcntl

    root = tmp_path_factory.getbasetemp()
    if os.environ.get("PYTEST_XDIST_WORKER"):
        root = root.parent  # this run's folder, shared by its workers (not across runs: each run has its own)
    path = root / name
    with open(root / f"{name}.lock", "w") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        if path.exists():
            return path, False
        part = root / f"{name}.part"
        make(part)
        part.rename(path)
        return path, True


def _sample_boards_file(path: Path, template: Path) -> None:
    shutil.copyfile(template, path)
    engine = open_database(f"sqlite:///{path}")
    _load_the_sample_boards(engine)
    engine.dispose()
    assert not path.with_name(f"{path.name}-wal").exists(), "the sample boards' write-ahead log was not merged back"


@pytest.fixture(scope="session")
def _sample_boards_sqlite(sqlite_template, tmp_path_factory) -> Path:
    """The sample boards loaded once a test run into a SQLite file, for ``sample_boards`` (read, never written)."""
    path, _ = _made_once_per_run(tmp_path_factory, "sample-boards.db",
                                 lambda part: _sample_boards_file(part, sqlite_template))
    return path


@pytest.fixture(scope="session")
def _sample_boards_postgres(postgres_server, tmp_path_factory) -> str:
    """The sample boards in a PostgreSQL database, the template ``sample_boards`` clones: loaded once a test run
    (each worker has its own server), by the first worker to need them, and restored from its pg_dump by the
    others, rows, sequences and all."""
    made = {}

    def load_and_dump(part: Path) -> None:
        name = made["name"] = postgres_server.new_database()
        engine = open_database(postgres_server.url(name))
        try:
            _load_the_sample_boards(engine)
        finally:
            engine.dispose()
        part.write_bytes(postgres_server.dump(name))

    dump, here = _made_once_per_run(tmp_path_factory, "sample-boards.pgdump", load_and_dump)
    if here:
        return made["name"]
    name = postgres_server.new_database(migrated=False)
    postgres_server.restore(name, dump.read_bytes())
    return name


@pytest.fixture
def sample_boards(db_url: str, request) -> str:
    """This test's database as the app's first start leaves it: the sample boards, their dated history and the demo
    accounts, so the app (or a server a browser test starts) finds them there and loads nothing. They are loaded once
    per test session and copied in: SQLite's backup API, or a PostgreSQL clone of a template. Tests of the first
    start itself use ``app_database`` alone."""
    if db_url.startswith("sqlite"):
        source = sqlite3.connect(request.getfixturevalue("_sample_boards_sqlite"))
        target = sqlite3.connect(db_url.split("///", 1)[1])
        try:
            source.backup(target)
        finally:
            target.close()
            source.close()
        return db_url
    request.getfixturevalue("postgres_server").refill_from(db_url.rsplit("/", 1)[1],
                                                           request.getfixturevalue("_sample_boards_postgres"))
    return db_url


@pytest.fixture(scope="session", autouse=True)
def _streamlit_components_scanned_once():
    """Each new AppTest scans every installed package's metadata for Streamlit components (a fifth of a second, a
    third of a short page test); the packages installed do not change during a session, so they are scanned once.
    Streamlit is imported only by a session that has imported it already (one with an AppTest in it)."""
    import sys

    if "streamlit" not in sys.modules:
        yield
        return
    from streamlit.components.v2 import manifest_scanner

    real = manifest_scanner.scan_component_manifests
    found = real()
    manifest_scanner.scan_component_manifests = lambda max_workers=None: list(found)
    yield
    manifest_scanner.scan_component_manifests = real


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


@pytest.fixture
def sample_app(sample_boards: str, app_database: str, monkeypatch) -> str:
    """AppTests of the dashboard on the sample boards as a first start leaves them."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "1")
    return app_database


@pytest.fixture(scope="module")
def browser():
    """Debian's chromium driven by Playwright, one per test module. Assertions wait (``expect``) up to a minute:
    a page on a loaded machine can take that long to run its script."""
    from browser import launch_chromium
    from playwright.sync_api import expect, sync_playwright

    expect.set_options(timeout=60_000)
    with sync_playwright() as p:
        b = launch_chromium(p)
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
        self.measured: list[tuple[str, str]] = []  # (measure, figure) a test reports: the load run's p95 page time

    def tried(self, name: str, *, refused: bool) -> None:
        self.inputs[name] = refused

    def unchanged(self, name: str, ok: bool) -> None:
        if not ok:
            self.lost.append(name)


RELIABILITY = Reliability()


@pytest.fixture
def reliability() -> Reliability:
    return RELIABILITY


import dataclasses  # noqa: E402 - beside the report it serves (the fixtures above need none)


@dataclasses.dataclass(frozen=True)
class FailureClass:
    """One class of failure the report counts: what it is, and the test modules that try it."""

    measure: str
    modules: tuple[str, ...]


# The one list to extend: a new class of failure, or another test module trying one. Each module's tests count
# where they run (each case on each database); a module missing from the run shows as "not run in this run".
FAILURE_CLASSES = (
    FailureClass("Bad or unusual files (each file in `tests/corpus/`, on each database, and memory-capped runs)",
                 ("test_corpus",)),
    FailureClass("Server-killing files (read outside the server process, the real extent checked before reading; "
                 "uploaded through a running server)", ("test_reader_safety", "test_browser_killer_files")),
    FailureClass("Generated workbooks (30 a database: any the generator makes is loaded or refused; a refusal "
                 "writes nothing)",
                 ("test_workbook_properties",)),
    FailureClass("Parser properties (up to 400 generated inputs each)", ("test_properties",)),
    FailureClass("Value misreads (each value read as a person reads it, or refused naming the cell)",
                 ("test_value_limits", "test_parsers")),
    FailureClass("Look-alike workstreams (spelling, case, separators: a lead's upload stays inside their grant)",
                 ("test_workstream_scope",)),
    FailureClass("Hostile text (no tracker text becomes a link, image or HTML on a page or in the CLI; formulas "
                 "neutralised on export)", ("test_hostile_text", "test_output_safety", "test_cli_safety")),
    FailureClass("Sign-in under load (concurrent attempts never error, each is audited, the lockout counts them "
                 "all)", ("test_sign_in_load",)),
    FailureClass("Faults of ours (refused with a sentence, audited; the CLI prints JSON whatever happens)",
                 ("test_unexpected_faults", "test_cli")),
    FailureClass("Concurrency (imports racing from threads or processes, a reader during an import, busy locks)",
                 ("test_concurrency",)),
    FailureClass("Consistent page reads (an upload landing mid-run never mixes two versions on a page, nor in the "
                 "cache)", ("test_snapshot_reads",)),
    FailureClass("Imports killed mid-transaction (nothing half-written)", ("test_recovery",)),
    FailureClass("In a real browser (sign-in, deep links, uploads)", ("test_browser",)),
    FailureClass("Load (twenty browser sessions reading while two leads upload, on PostgreSQL)", ("test_load",)),
)


OUTCOMES: dict[str, dict[str, str]] = {}  # module -> test id -> passed, skipped, xfailed (known, marked) or failed
_RANK = {"passed": 0, "skipped": 1, "xfailed": 2, "failed": 3}
_COUNTED = {module for c in FAILURE_CLASSES for module in c.modules}


def pytest_runtest_logreport(report):
    """Each test's outcome once, the worst of its phases (a failing teardown fails a test whose call passed)."""
    module = report.nodeid.split("::")[0].rsplit("/", 1)[-1].removesuffix(".py")
    if module not in _COUNTED or (report.when != "call" and report.passed):
        return
    if report.skipped:
        word = "xfailed" if hasattr(report, "wasxfail") else "skipped"
    else:
        word = "failed" if report.failed else "passed"
    ids = OUTCOMES.setdefault(module, {})
    if _RANK[word] >= _RANK.get(ids.get(report.nodeid, "passed"), 0):
        ids[report.nodeid] = word


def _count(modules: list[str], word: str) -> int:
    return sum(1 for m in modules for w in OUTCOMES.get(m, {}).values() if w == word)


def _class_outcome(c: FailureClass) -> str:
    ran = [m for m in c.modules if any(w != "skipped" for w in OUTCOMES.get(m, {}).values())]
    if not ran:
        return "not run in this run"
    xfailed = _count(ran, "xfailed")
    return (f"{_count(ran, 'passed')} passed, {_count(ran, 'failed')} failed"
            + (f", {xfailed} known failure(s) marked xfail" if xfailed else ""))


def _corpus_outcome(name: str, expected: tuple[str, object]) -> str:
    """What the run made of one corpus file: what its message says (the test asserts it), or that it failed."""
    ids = OUTCOMES.get("test_corpus", {})
    words = [w for node, w in ids.items() if "test_corpus_file[" in node and _names_param(node, name)]
    if not words or all(w == "skipped" for w in words):
        return "not run in this run (a slow test, or deselected)"
    if "failed" in words:
        return "**failed in this run**"
    outcome, detail = expected
    return f'refused; the message says "{detail}"' if outcome == "refused" else f"read: {detail} rows"


def _names_param(node: str, name: str) -> bool:
    params = node[node.index("[") + 1 : -1]
    return params == name or params.startswith(f"{name}-") or params.endswith(f"-{name}") or f"-{name}-" in params


def reliability_report(backends: str) -> str:
    """docs/reliability.md from this run's counts."""
    import sys
    from datetime import date

    r = RELIABILITY
    refused = sum(1 for v in r.inputs.values() if v)
    failed = _count(list(OUTCOMES), "failed")
    lines = [
        "# Reliability report",
        "",
        f"Generated by `python -m pytest --reliability-report docs/reliability.md` on {date.today():%d %B %Y}, "
        f"databases: {'SQLite and PostgreSQL' if backends == 'both' else backends}. Every figure below is counted "
        "by the tests themselves during that run.",
        "",
        "| Class of failure tried | Tests |",
        "|---|---|",
        *[f"| {c.measure} | {_class_outcome(c)} |" for c in FAILURE_CLASSES],
        "",
        "| Measure | Count |",
        "|---|---|",
        f"| Bad or unusual inputs tried (files in `tests/corpus/`) | {len(r.inputs)} |",
        f"| ... refused with a clear message | {refused} |",
        f"| ... read correctly (valid but unusual) | {len(r.inputs) - refused} |",
        f"| Failures (a crash, a traceback instead of a message, or a wrong result) | {failed} |",
        f"| Data lost (a database changed by a refused or killed import) | {len(r.lost)} |",
        f"| Imports killed mid-transaction and checked | {r.kill_trials} |",
        *[f"| {measure} | {figure} |" for measure, figure in r.measured],
        "",
        "## Each corpus file and what happened to it",
        "",
        "| File | Outcome |",
        "|---|---|",
    ]
    corpus = str(ROOT / "tests" / "corpus")
    if corpus not in sys.path:
        sys.path.insert(0, corpus)
    from build import EXPECTED

    lines += [f"| `{name}` | {_corpus_outcome(name, EXPECTED[name])} |" for name in sorted(EXPECTED)]
    return "\n".join(lines) + "\n"


def pytest_sessionfinish(session, exitstatus):
    path = session.config.getoption("--reliability-report")
    if path:
        Path(path).parent.mkdir(parents=True, exist_ok=True)
        Path(path).write_text(reliability_report(session.config.getoption("--db")), encoding="utf-8")


def frozen_copy(engine):
    """Every row of the database copied into an in-memory SQLite database with the same schema: how a meeting
    snapshot is read (the data_model queries run on it unchanged), for comparing a reading before an import with
    one after it."""
    from sqlalchemy import create_engine
    from sqlalchemy.pool import StaticPool
    from sqlmodel import SQLModel

    import data_model.tables  # noqa: F401 - the tables the copy is made of

    copy = create_engine("sqlite://", poolclass=StaticPool, connect_args={"check_same_thread": False})
    SQLModel.metadata.create_all(copy)
    with engine.connect() as source, copy.begin() as target:
        for table in SQLModel.metadata.sorted_tables:
            rows = [row._asdict() for row in source.execute(select(table))]
            if rows:
                target.execute(table.insert(), rows)
    return copy


# ---------------------------------------------------------------------------------------------------------------
# The mapping step: a lead and a chair on the known board, and where browser tests keep their screenshots
# ---------------------------------------------------------------------------------------------------------------

MAPPING_LEAD, MAPPING_CHAIR = "maplead@t.example.org", "mapchair@t.example.org"


@pytest.fixture
def mapping_people(engine, board, monkeypatch, app_database) -> dict:
    """A lead for Prevention and the chair of the known board ("test-board": Prevention and Crisis), for the
    upload page's AppTests; the app reads this test's database and loads no sample boards."""
    from data_model import accounts

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    accounts.add_user(engine, MAPPING_LEAD, by="tests")
    accounts.grant(engine, MAPPING_LEAD, "test-board", "lead", by="tests", workstreams=["Prevention"])
    accounts.add_user(engine, MAPPING_CHAIR, by="tests")
    accounts.grant(engine, MAPPING_CHAIR, "test-board", "chair", by="tests")
    return {"lead": MAPPING_LEAD, "chair": MAPPING_CHAIR, "board": board}


@pytest.fixture
def artifacts() -> Path:
    """The folder browser tests save screenshots to (build/test-artifacts, or $TEST_ARTIFACTS): kept after the
    run for a person (or CI) to look at."""
    folder = Path(os.environ.get("TEST_ARTIFACTS") or ROOT / "build" / "test-artifacts")
    folder.mkdir(parents=True, exist_ok=True)
    return folder
