"""Browser benchmark: click-to-settled time of every page in Chromium, warm, against a page that only writes a title.

Starts the app as a person does (``python -m dashboard``) on a SQLite file, with DASHBOARD_BENCH_TITLE_PAGE=1 so the
menu also lists "Title only" (bench/title_page.py: one ``st.title`` in the same frame: database, sign-in, menu,
board picker). In Debian's chromium (Playwright), signed in as an admin so every page is in the menu, each board is
opened once, every page is clicked once from the menu (the warm-up: imports, caches), then every page is clicked
``--clicks`` more times in turn and timed.

A time is from the click on the menu link (a capturing listener in the page reads ``performance.now()``) to the first
moment, checked every 10 ms in the page, that the page is settled: its own heading shown, the script run finished
(``data-test-script-state="notRunning"``) and no element left over from the page before (Streamlit marks those
``data-stale``), as bench/load_bench.py waits for them.

  sample  the five sample boards, on an empty database the launcher fills itself: the run also checks that the demo
          passwords print before the server answers, and times the first request (a fresh tab to the sign-in page)
          and a fresh signed-in tab to a settled Overview;
  large   the synthetic set (sample_data/synthetic.py, built once by bench/page_bench.py: a few minutes), its busiest
          board.

It prints the load average beside the figures (the machine is shared), each page's median and slowest click per set,
and last ``ratio=<slowest page's median / the title page's median>`` for the last set run (large, by default).
Goals: ratio <= 2 on the large set, no page's median over 1 s.

    python bench/browser_bench.py [--only sample|large] [--clicks 5]
"""

from __future__ import annotations

import argparse
import os
import re
import statistics
import subprocess
import sys
import threading
import time
import urllib.request
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
OUT = ROOT / "bench" / "out"
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT / "bench"))

TITLE = "Title only"
PAGES = ("Boards", "Overview", "Milestones", "Risks", "Budget", "Metrics", "Localities", "Forward plan", "Meetings",
         "Snapshots", "What changed", "Board pack", "Upload a tracker", "Board settings", "Audit trail",
         "Users and boards", TITLE)  # menu titles; each page's heading is its title
BENCH_ADMIN, BENCH_PASSWORD = "browser.bench@example.org", "browser bench correct horse"
SETTLE_MS = 120_000
CHROMIUM_BENCH_ARGS = ["--disable-background-timer-throttling", "--disable-renderer-backgrounding",
                       "--disable-backgrounding-occluded-windows"]

# In every document of the tab: the time of the last click, and of the first check that found the page settled.
CLOCK = """
document.addEventListener("click", () => { window.__clickAt = performance.now(); window.__settledAt = undefined; },
                          true);
"""
SETTLED = """(name) => {
  const app = document.querySelector("[data-testid='stApp']");
  if (!app || app.getAttribute("data-test-script-state") !== "notRunning") return false;
  if (document.querySelector("[data-testid='stElementContainer'][data-stale='true']")) return false;
  const headings = [...document.querySelectorAll("[data-testid='stMain'] h1")];
  if (!headings.some(h => h.textContent.trim() === name)) return false;
  if (window.__settledAt === undefined) window.__settledAt = performance.now();
  return true;
}"""


@dataclass
class SetResult:
    """One data set's run: every timed click per page (seconds), what went wrong, and the start-up figures."""

    label: str
    clicks: dict[str, list[float]] = field(default_factory=dict)
    cpu: dict[str, list[tuple[float, float]]] = field(default_factory=dict)  # (server, browser) CPU seconds a click
    errors: list[str] = field(default_factory=list)
    startup: list[str] = field(default_factory=list)

    def median(self, page: str) -> float:
        return statistics.median(self.clicks[page])

    def ratio(self) -> float:
        return max(self.median(p) for p in self.clicks if p != TITLE) / self.median(TITLE)

    def cpu_median(self, page: str) -> tuple[float, float]:
        return (statistics.median(s for s, _ in self.cpu[page]), statistics.median(b for _, b in self.cpu[page]))

    def report(self) -> str:
        lines = [f"\n{self.label}", *self.startup,
                 f"{'page':<18}{'median ms':>10}{'max ms':>9}{'x title':>9}{'clicks':>8}"
                 f"{'server CPU ms':>15}{'browser CPU ms':>16}{'CPU x title':>13}"]
        floor = self.median(TITLE)
        cpu_floor = sum(self.cpu_median(TITLE))
        for page in self.clicks:
            t = self.clicks[page]
            server, browser = self.cpu_median(page)
            lines.append(f"{page:<18}{self.median(page) * 1000:>10.0f}{max(t) * 1000:>9.0f}"
                         f"{self.median(page) / floor:>9.2f}{len(t):>8}{server * 1000:>15.0f}{browser * 1000:>16.0f}"
                         f"{(server + browser) / cpu_floor:>13.2f}")
        slowest = max((p for p in self.clicks if p != TITLE), key=self.median)
        over = [p for p in self.clicks if self.median(p) > 1.0]
        lines.append(f"slowest: {slowest} {self.median(slowest) * 1000:.0f} ms = {self.ratio():.2f} x title page; "
                     f"pages with a median over 1 s: {', '.join(over) or 'none'}")
        lines += [f"  error: {e}" for e in self.errors[:20]]
        return "\n".join(lines)


def tree_cpu(roots: list[int], leave_out: set[int] = frozenset()) -> float:
    """CPU seconds (user and system) used so far by the processes ``roots`` and everything they started, less the trees
    of ``leave_out``: a figure the other work on a shared machine barely moves, unlike the clock."""
    stats: dict[int, tuple[int, float]] = {}
    for entry in os.scandir("/proc"):
        if entry.name.isdigit():
            try:
                fields = Path(entry.path, "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended meanwhile
                continue
            stats[int(entry.name)] = (int(fields[1]), (int(fields[11]) + int(fields[12])) / TICKS)
    children: dict[int, list[int]] = {}
    for pid, (ppid, _) in stats.items():
        children.setdefault(ppid, []).append(pid)
    total, todo = 0.0, [r for r in roots if r in stats]
    while todo:
        pid = todo.pop()
        if pid in leave_out:
            continue
        total += stats[pid][1]
        todo += children.get(pid, [])
    return total


TICKS = os.sysconf("SC_CLK_TCK")


def load() -> str:
    one, five, fifteen = os.getloadavg()
    return f"load average {one:.2f} {five:.2f} {fifteen:.2f} ({os.cpu_count()} cores)"


class Server:
    """``python -m dashboard`` on a free loopback port; what it prints is kept, with when each line came."""

    def __init__(self, database_url: str, **env: str) -> None:
        from browser import free_port

        self.port = free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.started = time.monotonic()
        self.lines: list[tuple[float, str]] = []
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "dashboard", "--server.port", str(self.port), "--server.address", "127.0.0.1",
             "--server.headless", "true", "--browser.gatherUsageStats", "false"],
            cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, "DASHBOARD_BENCH_TITLE_PAGE": "1", **env},
            stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self) -> None:
        for line in self.proc.stdout:
            self.lines.append((time.monotonic() - self.started, line.rstrip("\n")))

    def wait_until_answering(self, timeout: float = 600) -> float:
        """Seconds from the start until the server's health check first answers."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{self.base}/_stcore/health", timeout=2)
                return time.monotonic() - self.started
            except OSError:
                if self.proc.poll() is not None:
                    raise SystemExit("the server exited:\n" + "\n".join(line for _, line in self.lines)) from None
                time.sleep(0.05)
        raise SystemExit(f"the server did not answer within {timeout:g} s")

    def printed(self, pattern: str) -> tuple[float, re.Match] | None:
        for at, line in self.lines:
            m = re.search(pattern, line)
            if m:
                return at, m
        return None

    def stop(self) -> None:
        self.proc.terminate()
        try:
            self.proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.proc.kill()


@contextmanager
def browser_tab():
    from browser import CHROMIUM_ARGS, chromium_path
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS + CHROMIUM_BENCH_ARGS)
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        context.add_init_script(CLOCK)
        context.set_default_timeout(SETTLE_MS)
        try:
            yield context
        finally:
            browser.close()


def settle(page, heading: str) -> None:
    page.wait_for_function(SETTLED, arg=heading, polling=10, timeout=SETTLE_MS)


def open_settled(page, url: str, heading: str) -> float:
    """Open ``url`` in ``page`` and wait for ``heading`` settled; seconds from the request to settled."""
    start = time.monotonic()
    page.goto(url)
    settle(page, heading)
    return time.monotonic() - start


def sign_in(page, base: str, email: str, password: str) -> None:
    open_settled(page, f"{base}/overview", "Sign in")
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    settle(page, "Overview")


def click(page, name: str, result: SetResult, timed: bool, server: Server) -> None:
    """Open ``name`` from the menu and wait for it settled; the in-page clock gives the click-to-settled time, and the
    CPU the server's and the browser's processes used meanwhile is kept beside it."""
    from playwright.sync_api import TimeoutError as PlaywrightTimeout

    server_cpu, browser_cpu = tree_cpu([server.proc.pid]), tree_cpu([os.getpid()], {server.proc.pid})
    try:
        page.get_by_test_id("stSidebarNav").get_by_role("link", name=name, exact=True).click()
        settle(page, name)
    except PlaywrightTimeout:
        result.errors.append(f"{name} did not settle within {SETTLE_MS / 1000:g} s")
        return
    if page.get_by_test_id("stException").count():
        result.errors.append(f"{name}: {page.get_by_test_id('stException').first.inner_text()[:200]}")
    if timed:
        server_cpu = tree_cpu([server.proc.pid]) - server_cpu
        browser_cpu = tree_cpu([os.getpid()], {server.proc.pid}) - browser_cpu
        ms = page.evaluate("() => window.__settledAt - window.__clickAt")
        result.clicks.setdefault(name, []).append(ms / 1000)
        result.cpu.setdefault(name, []).append((server_cpu, browser_cpu))


def time_board(page, server: Server, board: str, clicks: int, result: SetResult, pages: tuple[str, ...]) -> None:
    """One board: open it, a warm-up click on every page, then ``clicks`` timed rounds of every page."""
    open_settled(page, f"{server.base}/overview?board={board}", "Overview")
    for round_ in range(clicks + 1):
        for name in pages:
            click(page, name, result, round_ > 0, server)


def sample_set(clicks: int, pages: tuple[str, ...] = PAGES) -> SetResult:
    """The five sample boards, on an empty database the launcher fills (the demo passwords print as it does)."""
    result = SetResult("Sample boards (the launcher loads them into an empty database)")
    path = OUT / "browser-sample.db"
    path.unlink(missing_ok=True)
    server = Server(f"sqlite:///{path}", DASHBOARD_SAMPLE_DATA="1")
    try:
        answered = server.wait_until_answering()
        printed = server.printed(r"^\s+admin\s+(\S+)\s+(\S+)\s*$")
        ready = server.printed(r"^Database ready in")
        if printed is None:
            raise SystemExit("the launcher printed no demo admin password:\n"
                             + "\n".join(line for _, line in server.lines))
        at, email, password = printed[0], printed[1][1], printed[1][2]
        result.startup.append(f"start: demo passwords printed at {at:.1f} s, 'Database ready' at "
                              f"{ready[0] if ready else float('nan'):.1f} s, server answering at {answered:.1f} s "
                              f"({'before' if at < answered else 'AFTER'} the server answered)")
        with browser_tab() as context:
            first = context.new_page()
            result.startup.append(f"first request after start: a fresh tab to the settled sign-in page in "
                                  f"{open_settled(first, server.base + '/', 'Sign in'):.2f} s")
            sign_in(first, server.base, email, password)
            fresh = context.new_page()
            result.startup.append(f"a fresh signed-in tab to a settled Overview in "
                                  f"{open_settled(fresh, server.base + '/overview', 'Overview'):.2f} s")
            fresh.close()
            for board in sample_boards(f"sqlite:///{path}"):
                time_board(first, server, board, clicks, result, pages)
    finally:
        server.stop()
    return result


def sample_boards(url: str) -> list[str]:
    from sqlalchemy import select

    from data_model import open_database
    from data_model.tables import Board

    engine = open_database(url)
    try:
        with engine.connect() as conn:
            return list(conn.execute(select(Board.slug).order_by(Board.slug)).scalars())
    finally:
        engine.dispose()


def large_set(clicks: int, pages: tuple[str, ...] = PAGES) -> SetResult:
    """The synthetic set's busiest board, signed in as an admin made for the bench."""
    from page_bench import busiest_board, large_database

    from data_model import accounts, open_database

    url = large_database()
    engine = open_database(url)
    try:
        accounts.ensure_account(engine, BENCH_ADMIN, by="browser benchmark", admin=True)
        accounts.set_password(engine, BENCH_ADMIN, by="browser benchmark", password=BENCH_PASSWORD)
    finally:
        engine.dispose()
    board = busiest_board(url)
    result = SetResult(f"Large synthetic set (board {board})")
    server = Server(url, DASHBOARD_SAMPLE_DATA="0")
    try:
        server.wait_until_answering()
        with browser_tab() as context:
            page = context.new_page()
            sign_in(page, server.base, BENCH_ADMIN, BENCH_PASSWORD)
            time_board(page, server, board, clicks, result, pages)
    finally:
        server.stop()
    return result


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--only", choices=["sample", "large"], help="run one data set")
    parser.add_argument("--clicks", type=int, default=5, help="timed clicks of every page per board (after one warm-up)")
    parser.add_argument("--pages", help="comma-separated menu titles to time (default: every page); the title page is "
                                        "always timed too")
    args = parser.parse_args(argv)
    pages = PAGES
    if args.pages:
        pages = tuple(p.strip() for p in args.pages.split(",") if p.strip() and p.strip() != TITLE) + (TITLE,)
        unknown = set(pages) - set(PAGES)
        if unknown:
            parser.error(f"no such page: {', '.join(sorted(unknown))} (the pages are {', '.join(PAGES)})")
    OUT.mkdir(parents=True, exist_ok=True)
    results = []
    for name, run in (("sample", sample_set), ("large", large_set)):
        if args.only in (None, name):
            before = load()
            result = run(args.clicks, pages)
            result.startup.insert(0, f"{before} before, {load()} after")
            print(result.report(), flush=True)
            results.append(result)
    print(f"ratio={results[-1].ratio():.2f}")
    return 1 if any(r.errors for r in results) else 0


if __name__ == "__main__":
    sys.exit(main())
