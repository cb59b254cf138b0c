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


def wait_idle(page, timeout_ms: int = 90_000) -> None:
    """Until the script has run and stopped."""
    page.wait_for_timeout(300)
    page.wait_for_selector("[data-testid='stApp'][data-test-script-state='notRunning']", timeout=timeout_ms)
    page.wait_for_timeout(300)


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
