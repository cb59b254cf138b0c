"""A real server and a real browser for the browser tests: `python -m dashboard` (the README's start command) on a free
port, Debian's chromium."""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from collections import deque
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
                 "--disable-component-update", "--disable-sync", "--disable-dev-shm-usage"]


def chromium_path() -> str:
    """Debian's chromium, installed with apt-get when missing (Playwright's own browser download cannot work here)."""
    found = shutil.which("chromium") or shutil.which("chromium-browser")
    if found:
        return found
    if os.geteuid() == 0 and shutil.which("apt-get"):
        env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
        subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, capture_output=True)
        subprocess.run(["apt-get", "install", "-y", "-qq", "chromium"], check=True, env=env, capture_output=True)
        found = shutil.which("chromium")
    if not found:
        raise RuntimeError("The browser tests need Debian's chromium: run `apt-get install chromium` as root.")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def app_server(database_url: str, *, port: int | None = None, args: tuple[str, ...] = (), **env: str):
    """`python -m dashboard` against ``database_url``; yields the base URL once it answers (the database is ready by
    then: the launcher prepares it first). ``args`` are Streamlit options (``--secrets.files PATH``)."""
    port = port or free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "dashboard", "--server.port", str(port),
         "--server.address", "127.0.0.1", "--server.headless", "true", "--browser.gatherUsageStats", "false", *args],
        cwd=ROOT, env={**os.environ, "DATABASE_URL": database_url, **env},
        stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True,
    )
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 180  # the sample boards load first: slow on a busy machine
        while time.monotonic() < deadline:
            try:
                urllib.request.urlopen(f"{base}/_stcore/health", timeout=2)
                break
            except OSError:
                if proc.poll() is not None:
                    raise RuntimeError(f"streamlit exited early:\n{proc.stdout.read()}") from None
                time.sleep(0.3)
        else:
            raise RuntimeError("the server did not start within 180 s")
        yield base
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=10)
        except subprocess.TimeoutExpired:
            proc.kill()
        # Shown by pytest only when the test failed: the server's own account of what happened.
        print(f"--- streamlit server output ({base}) ---\n{proc.stdout.read() if proc.stdout else ''}")


class ScriptRuns:
    """Whether a page has asked its Streamlit server for a script run that has not finished yet, read from the page's
    own websocket: a rerun request going out (a click, a choice, a page link, the first run of a loaded page) and
    the run's end coming back. The page's own "running" mark only shows once the server has started the run, so a
    wait that read the page alone could end between a click and its run."""

    def __init__(self, page) -> None:
        self.pending = True  # a new page asks for its first run once its socket is open
        self.socket = None
        self.seen: deque[str] = deque(maxlen=16)  # the last of what was heard, for a wait that timed out to say
        page.on("websocket", self._socket)
        page.on("domcontentloaded", self._loaded)

    def _loaded(self, _page) -> None:  # a new document (a reload, the sign-in's cookie round trip): a run is coming
        self.pending, self.socket = True, None  # the old document's socket says nothing more
        self.seen.append("new document")

    def _socket(self, socket) -> None:
        self.socket = socket
        self.seen.append("socket opened")
        socket.on("close", lambda _socket: self.seen.append("socket closed"))
        socket.on("framesent", self._sent)
        socket.on("framereceived", self._received)

    def _sent(self, payload) -> None:
        from streamlit.proto.BackMsg_pb2 import BackMsg

        if isinstance(payload, bytes) and _parsed(BackMsg, payload, "rerun_script"):
            self.pending = True
            self.seen.append("run asked for")

    def _received(self, payload) -> None:
        ended = run_ended(payload)
        if ended:
            self.seen.append(f"run ended ({ended})")
        if ended and ended != "FINISHED_EARLY_FOR_RERUN":  # a run stopped for another (st.rerun) is not the end
            self.pending = False


def run_ended(payload) -> str | None:
    """How a run ended ("FINISHED_SUCCESSFULLY"), when ``payload`` is the server's message saying so."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

    message = isinstance(payload, bytes) and _parsed(ForwardMsg, payload, "script_finished")
    return ForwardMsg.ScriptFinishedStatus.Name(message.script_finished) if message else None


def _parsed(kind, payload: bytes, field: str):
    message = kind()
    try:
        message.ParseFromString(payload)
    except Exception:  # not one of Streamlit's messages: nothing to count
        return None
    return message if message.WhichOneof("type") == field else None


def track_runs(page):
    """``page``, its script runs followed (wait_idle reads them): every page the test browsers open is."""
    page._script_runs = ScriptRuns(page)
    return page


SETTLED_JS = """() => {
  const app = document.querySelector("[data-testid='stApp']");
  return !!app && app.getAttribute("data-test-script-state") === "notRunning"
         && !document.querySelector("[data-testid='stElementContainer'][data-stale='true']");
}"""


def wait_idle(page, timeout_ms: int = 90_000) -> None:
    """Until the run the last action asked for has finished and the page shows it (nothing left over from the run
    before). Event-driven: the page's websocket says when the run ends, the page's own marks when it is drawn."""
    from playwright.sync_api import Error as PlaywrightError

    runs = getattr(page, "_script_runs", None)
    deadline = time.monotonic() + timeout_ms / 1000
    page.evaluate("0")  # a round trip: what the page sent before now (a click's rerun request) has been reported
    while runs is not None and runs.pending:
        left_ms = (deadline - time.monotonic()) * 1000
        if left_ms <= 0:
            raise AssertionError(f"the page's script run did not finish within {timeout_ms / 1000:.0f} s; last heard: "
                                 + ", ".join(runs.seen))
        socket = runs.socket
        try:
            if socket is None or socket.is_closed():
                page.wait_for_event("websocket", timeout=left_ms)  # a new document's socket
            else:
                # The frame itself is read (this waiter may hear it before ScriptRuns does), in slices of 2 s: a new
                # document may open its own socket meanwhile, and this one then falls silent.
                socket.wait_for_event("framereceived", timeout=min(left_ms, 2_000), predicate=lambda payload: (
                    not runs.pending or run_ended(payload) not in (None, "FINISHED_EARLY_FOR_RERUN")))
        except PlaywrightError:
            continue  # the socket closed (a new document opens its own), or the time is up: checked above
    page.wait_for_function(SETTLED_JS, timeout=max(1.0, (deadline - time.monotonic()) * 1000), polling="raf")


def launch_chromium(playwright, **options):
    """Debian's chromium, every page it opens (directly or in a context) followed by ScriptRuns."""
    browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS, **options)
    new_page, new_context = browser.new_page, browser.new_context

    def tracked_context(*args, **kwargs):
        context = new_context(*args, **kwargs)
        context.on("page", track_runs)
        return context

    browser.new_page = lambda *args, **kwargs: track_runs(new_page(*args, **kwargs))
    browser.new_context = tracked_context
    return browser


def add_account(database_url: str, email: str, password: str, *, admin: bool = False) -> None:
    """A built-in account made the way `python -m data_model users add` makes one (before or while a server runs)."""
    from data_model import accounts, open_database

    engine = open_database(database_url)
    try:
        accounts.add_user(engine, email, by="tests", password=password, admin=admin)
    finally:
        engine.dispose()


def grant(database_url: str, email: str, board: str, role: str, workstreams: list[str] | None = None) -> None:
    from data_model import accounts, open_database

    engine = open_database(database_url)
    try:
        accounts.grant(engine, email, board, role, by="tests", workstreams=workstreams or [])
    finally:
        engine.dispose()


def sign_in(page, email: str, password: str) -> None:
    """Fill in the sign-in form the app shows before anything else, and wait for the page asked for: the browser
    fetches its session cookie and opens that address again, signed in (ui.server)."""
    from playwright.sync_api import expect

    page.get_by_role("textbox", name="Email").wait_for(timeout=90_000)
    page.get_by_role("textbox", name="Email").fill(email)
    page.get_by_role("textbox", name="Password").fill(password)
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as", timeout=90_000)
    wait_idle(page)


def open_as(browser, base: str, address: str, database_url: str, email: str, password: str, board: str, role: str,
            workstreams: list[str] | None = None):
    """A new page at ``address``, signed in as ``email`` holding ``role`` on ``board``. The role is given once the
    sign-in page shows, because by then the server has loaded the sample boards it refers to."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(f"{base}/{address}")
    wait_idle(page)
    page.get_by_role("heading", name="Sign in").wait_for(timeout=60_000)
    grant(database_url, email, board, role, workstreams)
    sign_in(page, email, password)
    return page


ARTIFACTS = Path(os.environ.get("TEST_ARTIFACTS", ROOT / "test-artifacts"))


def save_screenshot(page, name: str) -> Path:
    """Keep a full-page screenshot of what a journey saw, as a test artifact (test-artifacts/screens/NAME.png, or
    under $TEST_ARTIFACTS); docs/ pages reuse them through scripts/docs_screens.py."""
    path = ARTIFACTS / "screens" / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=True)
    return path
