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
