"""Load benchmark: twenty browser sessions on one app server reading the board pages while two leads upload.

One `streamlit run` on loopback, on the database given (PostgreSQL for the figure that counts); twenty Chromium
contexts in one Debian chromium, each signed in as its own viewer, click through Overview, Milestones, Risks,
Budget, Metrics and Localities in a loop. Meanwhile two leads load their milestone trackers through the import
path (loaders.import_bytes with their own actor, from two threads, each on its own engine), alternating two
versions of their tracker, for a bounded time.

A page time is from the click to the page settled: its own heading and content shown, the script finished
(Playwright's waiting assertions, no sleeps). After each page the session checks for an error page (Streamlit's
exception box, a traceback, "database is locked") and for a mixed read: each lead's tracker versions differ in
the number of overdue milestones (Alpha 1 or 3, Beta 10 or 20), so a page showing the Alpha and Beta counts of
one state of the database with a total from another is told apart.

    python bench/load_bench.py --db postgresql://... [--sessions 20] [--seconds 75]

Without --db it starts a throwaway PostgreSQL (tests/pg.py). It prints p50 and p95 page times, pages read,
uploads made and the errors; `tests/test_load.py` runs the same scenario and asserts on it.
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))

BOARD = "load-board"
PASSWORD = "correct horse battery staple"
PAGES = ("Overview", "Milestones", "Risks", "Budget", "Metrics", "Localities")
# Each lead's two tracker versions: how many of their milestones are overdue (so red, and needing attention).
VERSIONS = {"Alpha": (1, 3), "Beta": (10, 20)}
LOCALITY = {"Alpha": "North", "Beta": "South"}
VALID_TOTALS = {a + b for a in VERSIONS["Alpha"] for b in VERSIONS["Beta"]}
ERROR_TEXT = ("This app has encountered an error", "Traceback", "database is locked", "Connection error",
              "Is Streamlit still running")
SETTLE_MS = 180_000  # a page on a loaded two-core machine can take a while; the p95 says how long it really took
CHROMIUM_LOAD_ARGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                      "--disable-backgrounding-occluded-windows", "--renderer-process-limit=8"]


@dataclass
class LoadResult:
    """What one load run saw: each page's time from click to settled, and everything that went wrong."""

    page_seconds: dict[str, list[float]] = field(default_factory=dict)
    errors: list[str] = field(default_factory=list)  # error pages, pages that never settled, failed uploads
    mixed: list[str] = field(default_factory=list)  # pages showing two states of the database at once
    uploads: dict[str, int] = field(default_factory=dict)  # accepted uploads per lead
    rerun_while_checked: int = 0  # checks that found another run of the page under way, and waited it out
    unreadable: int = 0  # Overview checks whose matrix cells were not on screen to read (not judged either way)
    checked: int = 0  # Overview checks that read both the matrix and the tab

    def all_seconds(self) -> list[float]:
        return [s for times in self.page_seconds.values() for s in times]

    def percentile(self, q: float) -> float:
        times = sorted(self.all_seconds())
        if not times:
            return float("nan")
        return times[min(len(times) - 1, int(round(q * (len(times) - 1))))]

    def summary(self) -> str:
        pages = len(self.all_seconds())
        lines = [f"pages read: {pages} in {len(self.page_seconds)} views; uploads: "
                 + ", ".join(f"{lead} {n}" for lead, n in self.uploads.items()),
                 f"p50 {self.percentile(0.5):.2f} s, p95 {self.percentile(0.95):.2f} s, "
                 f"max {max(self.all_seconds(), default=float('nan')):.2f} s (click to settled)"]
        lines += [f"  {name:<11} n={len(t):<4} median {statistics.median(t):6.2f} s" for name, t in
                  self.page_seconds.items() if t]
        lines.append(f"errors: {len(self.errors)}; mixed reads: {len(self.mixed)} (checks that waited for a rerun "
                     f"to finish first: {self.rerun_while_checked}; Overview checks read: {self.checked}, "
                     f"not readable yet: {self.unreadable})")
        lines += [f"  error: {e}" for e in self.errors[:20]] + [f"  mixed: {m}" for m in self.mixed[:20]]
        return "\n".join(lines)


def xlsx(sheets: dict[str, list[list[object]]]) -> bytes:
    import io

    import openpyxl

    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for name, rows in sheets.items():
        ws = wb.create_sheet(name)
        for row in rows:
            ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def tracker(workstream: str, overdue: int, version: int) -> bytes:
    """A lead's milestone tracker: ``overdue`` open milestones due long ago, titles and file naming the version."""
    rows = [[f"{workstream[0]}{i}", workstream, LOCALITY[workstream], f"{workstream} step {i} (v{version})",
             "Jan 16", "In progress"] for i in range(1, overdue + 1)]
    return xlsx({"Plan": [["Ref", "Priority", "Locality", "Milestone", "Due", "Status"], *rows]})


def static_trackers() -> list[tuple[str, bytes]]:
    """What the other pages show, under a third workstream no lead uploads for: risks, a budget and metrics."""
    return [
        ("risks.xlsx", xlsx({"Register": [["Ref", "Priority", "Locality", "Risk", "Likelihood", "Impact"],
                                          *[[f"R{i}", "Gamma", "North", f"Risk {i}", "High" if i % 2 else "Low", "Med"]
                                            for i in range(1, 9)]]})),
        ("budget.xlsx", xlsx({"Budget": [["Priority", "Budget line", "Period", "Allocated", "Forecast"],
                                         *[["Gamma", f"Line {i}", "2016-17", "£100k", f"£{95 + 3 * i}k"]
                                           for i in range(1, 7)]]})),
        ("metrics.xlsx", xlsx({"Metrics": [["Priority", "Metric", "Locality", "Period", "Target", "Actual", "Direction"],
                                           *[["Gamma", f"Measure {i}", loc, f"2016-17 Q{q}", 100, 90 + 4 * i + q,
                                              "lower"] for i in range(1, 4) for loc in ("North", "South")
                                             for q in range(1, 5)]]})),
    ]


def viewer(i: int) -> str:
    return f"viewer{i}@load.example.org"


def lead(workstream: str) -> str:
    return f"{workstream.lower()}.lead@load.example.org"


def prepare(database_url: str, sessions: int) -> None:
    """The board with both leads' first versions and the static trackers; a viewer account per session, two leads."""
    from data_model import accounts, open_database
    from loaders import import_bytes

    engine = open_database(database_url)
    try:
        for workstream, (first, _second) in VERSIONS.items():
            assert import_bytes(tracker(workstream, first, 1), f"{workstream.lower()}-v1.xlsx", BOARD,
                                engine=engine).status == "ok"
        for name, data in static_trackers():
            result = import_bytes(data, name, BOARD, engine=engine)
            assert result.status == "ok", [e.message for e in result.analysis.errors]
        for i in range(sessions):
            accounts.add_user(engine, viewer(i), by="load bench", password=PASSWORD)
            accounts.grant(engine, viewer(i), BOARD, "viewer", by="load bench")
        for workstream in VERSIONS:
            accounts.add_user(engine, lead(workstream), by="load bench", password=PASSWORD)
            accounts.grant(engine, lead(workstream), BOARD, "lead", by="load bench", workstreams=[workstream])
    finally:
        engine.dispose()


def upload_loop(database_url: str, workstream: str, stop: threading.Event, result: LoadResult) -> None:
    """One lead loading their tracker's two versions in turn, as the upload page does, until told to stop."""
    from data_model import accounts, open_database
    from loaders import import_bytes

    engine = open_database(database_url)
    try:
        actor = accounts.load_actor(engine, accounts.user_id(engine, lead(workstream)))
        version = 1
        while not stop.is_set():
            version = 2 if version == 1 else 1
            overdue = VERSIONS[workstream][version - 1]
            try:
                outcome = import_bytes(tracker(workstream, overdue, version), f"{workstream.lower()}-v{version}.xlsx",
                                       BOARD, engine=engine, actor=actor)
            except Exception as exc:  # counted as an error of the run, whatever it is
                result.errors.append(f"{workstream} upload raised {type(exc).__name__}: {exc}")
                return
            if outcome.status != "ok":
                result.errors.append(f"{workstream} upload refused: {[e.message for e in outcome.analysis.errors]}")
                return
            result.uploads[workstream] = result.uploads.get(workstream, 0) + 1
            stop.wait(1.0)  # a lead's pace, not a synchronisation: the readers never wait on it
    finally:
        engine.dispose()


# -- what each page must show once settled, and how it is checked ----------------------------------------------

def _content(page, name: str):
    """The locator each page shows last, once its reads are done."""
    if name == "Overview":
        return page.get_by_role("tab", name=re.compile(r"^Milestones \(\d+\)$"))
    if name in ("Milestones", "Risks", "Metrics"):
        return page.get_by_test_id("stMetric").first
    if name == "Budget":  # its budget lines: a table that wraps while short, a data grid when long
        return page.get_by_test_id("stMain").locator("[data-testid='stTable'], [data-testid='stDataFrame']").last
    return page.get_by_text(re.compile(r"^\d+ localities\."))


# Read in one go from the page as it is at one instant: whether a script run is under way or any element is left
# over from the previous run (Streamlit shows those faded until the new run replaces them), and what is shown.
PROBE = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  const texts = sel => [...document.querySelectorAll(sel)].map(e => (e.textContent || "").trim());
  const matrix = document.querySelector("[data-testid='stTable']");
  return {
    settled: !!app && app.getAttribute("data-test-script-state") === "notRunning"
             && !document.querySelector("[data-testid='stElementContainer'][data-stale='true']"),
    tabs: texts("[role='tab']"),
    metrics: Object.fromEntries([...document.querySelectorAll("[data-testid='stMetric']")].map(m => [
      (m.querySelector("[data-testid='stMetricLabel']")?.textContent || "").trim(),
      (m.querySelector("[data-testid='stMetricValue']")?.textContent || "").trim()])),
    expanders: texts("[data-testid='stExpander'] summary"),
    rows: matrix ? [...matrix.querySelectorAll("tbody tr")].map(
      r => [...r.querySelectorAll("th, td")].map(e => (e.textContent || "").trim())) : [],
  };
}"""
SETTLED = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
         && !document.querySelector("[data-testid='stElementContainer'][data-stale='true']");
}"""


async def _shown(page, result: LoadResult) -> dict:
    """What the page shows, read at an instant when one script run has drawn all of it."""
    for _ in range(10):
        await page.wait_for_function(SETTLED, timeout=SETTLE_MS)
        shown = await page.evaluate(PROBE)
        if shown["settled"]:
            return shown
        result.rerun_while_checked += 1
    raise AssertionError("the page kept rerunning")


def _matrix(rows: list[list[str]]) -> dict[str, list[str]]:
    """The RAG matrix (a table that wraps, every row drawn) by workstream: its first cell names the row."""
    return {cells[0]: cells[1:] for cells in rows if cells}


def _red(cells: list[str]) -> int | None:
    counts = [int(m.group(1)) for cell in cells for m in [re.search(r"Red (\d+)", cell)] if m]
    return counts[0] if len(counts) == 1 else None


async def check_overview(page, result: LoadResult) -> str | None:
    """The matrix (one query) and the attention tab (another) must show one state of the database."""
    shown = await _shown(page, result)
    totals = [int(m.group(1)) for t in shown["tabs"] for m in [re.fullmatch(r"Milestones \((\d+)\)", t)] if m]
    matrix = _matrix(shown["rows"])
    alpha, beta = _red(matrix.get("Alpha", [])), _red(matrix.get("Beta", []))
    total = totals[0] if len(totals) == 1 else None
    if alpha is None or beta is None or total is None:
        # Not drawn yet, or the tab's count not on screen: unread, which says nothing about the reads.
        result.unreadable += 1
        return None
    result.checked += 1
    if alpha not in VERSIONS["Alpha"] or beta not in VERSIONS["Beta"] or total != alpha + beta:
        return f"Overview: matrix Alpha red {alpha}, Beta red {beta}, but 'Milestones ({total})' needing attention"
    return None


async def check_milestones(page, result: LoadResult) -> str | None:
    """The total and each workstream's count (one query, so this checks the page, not the reads) must agree."""
    shown = await _shown(page, result)
    # by its label: the first metric drawn on the page was once another page's (or the Overdue count), read as 0
    total = int(re.sub(r"\D", "", shown["metrics"]["Milestones"])) if "Milestones" in shown["metrics"] else None
    by_ws = {m.group(1): int(m.group(2)) for text in shown["expanders"]
             for m in [re.search(r"(Alpha|Beta) — (\d+) milestones?\b", text)] if m}
    if total not in VALID_TOTALS or by_ws.get("Alpha") not in VERSIONS["Alpha"] or \
            by_ws.get("Beta") not in VERSIONS["Beta"] or total != sum(by_ws.values()):
        return f"Milestones: {total} in all, but {by_ws} by workstream"
    return None


CHECKS: dict[str, Callable] = {"Overview": check_overview, "Milestones": check_milestones}


async def _settle(page, name: str) -> None:
    from playwright.async_api import expect

    await expect(page.get_by_role("heading", name=name, exact=True)).to_be_visible(timeout=SETTLE_MS)
    await expect(page.get_by_test_id("stApp")).to_have_attribute("data-test-script-state", "notRunning",
                                                                 timeout=SETTLE_MS)
    await expect(_content(page, name)).to_be_visible(timeout=SETTLE_MS)
    await page.wait_for_function(SETTLED, timeout=SETTLE_MS)  # and nothing left over from the page before


async def _errors_shown(page) -> str | None:
    if await page.get_by_test_id("stException").count():
        return (await page.get_by_test_id("stException").first.inner_text())[:300]
    text = await page.locator("body").inner_text()
    return next((t for t in ERROR_TEXT if t in text), None)


MIN_PAGES = 2  # pages each reader reads even past the deadline


class Start:
    """The readers' starting line: the clock starts once every session has signed in (or failed to)."""

    def __init__(self, sessions: int) -> None:
        self.waiting = sessions
        self.all_in = asyncio.Event()
        self.go = asyncio.Event()
        self.deadline = 0.0

    def arrived(self) -> None:
        self.waiting -= 1
        if self.waiting == 0:
            self.all_in.set()


def session_cookies(database_url: str, sessions: int) -> list[str]:
    """Each viewer's session cookie, made as a sign-in makes it (``accounts.start_session``, then the one-time code
    traded for the cookie, as the server's /auth/session route does): a browser holding it opens signed in."""
    from data_model import accounts, open_database

    engine = open_database(database_url)
    try:
        cookies = []
        for i in range(sessions):
            _session_id, code = accounts.start_session(engine, accounts.user_id(engine, viewer(i)))
            cookies.append(accounts.redeem_handoff(engine, code).value)
        return cookies
    finally:
        engine.dispose()


async def session(browser, base: str, i: int, signing_in: asyncio.Semaphore, start: Start,
                  result: LoadResult, min_pages: int = MIN_PAGES, cookie: str | None = None) -> None:
    """One board member: sign in (on the sign-in form, or with their session ``cookie`` already in the browser),
    then click through the pages until the deadline, and at least ``min_pages`` of them however slow the machine
    (the test checks what each reader saw, not how fast it saw it)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    from data_model.accounts import SESSION_COOKIE

    context = await browser.new_context(viewport={"width": 1400, "height": 1000})
    if cookie:
        await context.add_cookies([{"name": SESSION_COOKIE, "value": cookie, "url": base}])
    page = await context.new_page()
    page.set_default_timeout(SETTLE_MS)
    try:
        try:
            async with signing_in:
                await page.goto(f"{base}/overview?board={BOARD}")
                if not cookie:
                    await page.get_by_role("textbox", name="Email").fill(viewer(i), timeout=SETTLE_MS)
                    await page.get_by_role("textbox", name="Password").fill(PASSWORD)
                    await page.get_by_role("button", name="Sign in").click()
                await _settle(page, "Overview")
        except (AssertionError, PlaywrightTimeout) as exc:
            result.errors.append(f"session {i}: signing in did not finish: {str(exc).splitlines()[0]}")
            return
        finally:
            start.arrived()
        await start.go.wait()
        step, read = i, 0
        while time.monotonic() < start.deadline or read < min_pages:
            step, read = step + 1, read + 1
            name = PAGES[step % len(PAGES)]
            if not await _read_page(page, name, i, result):
                return
    finally:
        await context.close()


async def _read_page(page, name: str, i: int, result: LoadResult) -> bool:
    """Open one page from the menu, time it to settled and check it; False when it never settled (the session
    stops: its page is in an unknown state)."""
    from playwright.async_api import TimeoutError as PlaywrightTimeout

    started, settled, mixed = time.monotonic(), True, None
    try:
        await page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
        await _settle(page, name)
        result.page_seconds.setdefault(name, []).append(time.monotonic() - started)
        mixed = await CHECKS[name](page, result) if name in CHECKS else None
    except (AssertionError, PlaywrightTimeout) as exc:
        result.errors.append(f"session {i}: {name} did not settle: {str(exc).splitlines()[0]}")
        settled = False
    shown = await _errors_shown(page)
    if shown:
        result.errors.append(f"session {i}: {name} shows {shown!r}")
    if mixed:
        result.mixed.append(f"session {i}: {mixed}")
    return settled


async def _readers(base: str, sessions: int, seconds: float, result: LoadResult, started: threading.Event,
                   cookies: list[str] | None = None) -> None:
    from browser import CHROMIUM_ARGS, chromium_path
    from playwright.async_api import async_playwright

    async with async_playwright() as p:
        browser = await p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + CHROMIUM_LOAD_ARGS)
        start = Start(sessions)
        # Argon2 takes 64 MiB a sign-in: four at a time. Readers holding their cookie open four at a time too: twenty
        # first Overview runs at once on two cores took longer in all than five rounds of four.
        signing_in = asyncio.Semaphore(4)
        tasks = [asyncio.create_task(session(browser, base, i, signing_in, start, result,
                                             cookie=cookies[i] if cookies else None)) for i in range(sessions)]
        await start.all_in.wait()
        start.deadline = time.monotonic() + seconds
        start.go.set()
        started.set()  # the leads start uploading once every reader is in
        await asyncio.gather(*tasks)
        await browser.close()


def run_load(database_url: str, *, sessions: int = 20, seconds: float = 75.0,
             signed_in_by_cookie: bool = False) -> LoadResult:
    """The whole scenario on ``database_url`` (prepared here): a server, the readers, the two leads. Each reader
    signs in on the form, or (``signed_in_by_cookie``) opens the Overview already holding the cookie a sign-in gives:
    the signing in comes before the clock starts either way."""
    from browser import app_server

    result = LoadResult()
    prepare(database_url, sessions)
    cookies = session_cookies(database_url, sessions) if signed_in_by_cookie else None
    stop, started = threading.Event(), threading.Event()
    with app_server(database_url, DASHBOARD_SAMPLE_DATA="0") as base:
        leads = [threading.Thread(target=_after, args=(started, stop, database_url, ws, result), daemon=True)
                 for ws in VERSIONS]
        for t in leads:
            t.start()
        try:
            asyncio.run(_readers(base, sessions, seconds, result, started, cookies))
        finally:
            started.set()
            stop.set()
            for t in leads:
                t.join(timeout=120)
    return result


def _after(started: threading.Event, stop: threading.Event, database_url: str, workstream: str,
           result: LoadResult) -> None:
    started.wait()
    if not stop.is_set():
        upload_loop(database_url, workstream, stop, result)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--db", help="a PostgreSQL (or SQLite) URL with nothing in it; default: a throwaway PostgreSQL")
    parser.add_argument("--sessions", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=75.0)
    args = parser.parse_args(argv)
    server = None
    url = args.db
    if url is None:
        from pg import PostgresServer

        server = PostgresServer().start()
        server.make_template()
        url = server.url(server.new_database())
    try:
        print(f"{date.today():%d %b %Y}: {args.sessions} sessions for {args.seconds:g} s on "
              f"{url.split('://')[0]}", flush=True)
        result = run_load(url, sessions=args.sessions, seconds=args.seconds)
    finally:
        if server is not None:
            server.stop()
    print(result.summary())
    return 0 if not result.errors and not result.mixed else 1


if __name__ == "__main__":
    sys.exit(main())
