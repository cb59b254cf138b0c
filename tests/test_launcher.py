"""The start command (`python -m dashboard`) on a real port: the database is ready, the sample boards loaded and the
demo passwords printed before the server answers anyone; a restart prints nothing again; DASHBOARD_SAMPLE_DATA=0
starts an empty install."""

from __future__ import annotations

import os
import queue
import socket
import subprocess
import sys
import threading
import urllib.request
from contextlib import contextmanager

import pytest
from browser import ROOT, free_port
from sqlalchemy import func, select

from data_model import accounts, open_database
from data_model.migrate import current_revision, head_revision
from data_model.tables import Board, UserAccount

pytestmark = pytest.mark.slow
ROLES = {"admin", "chair", "lead", "viewer"}


@contextmanager
def launched(db_url: str, *, loopback: bool = True, **env: str):
    """`python -m dashboard` on a free port (of loopback, or as the README starts it, every address); yields (base
    URL, the lines printed up to the moment it answered)."""
    port = free_port()
    address = ["--server.address", "127.0.0.1"] if loopback else []
    proc = subprocess.Popen([sys.executable, "-m", "dashboard", "--server.port", str(port), *address,
                             "--server.headless", "true"], cwd=ROOT, text=True,
                            env={**os.environ, "DATABASE_URL": db_url, **env},
                            stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    lines: queue.Queue[str | None] = queue.Queue()
    threading.Thread(target=lambda: ([lines.put(line) for line in proc.stdout], lines.put(None)), daemon=True).start()
    base, printed = f"http://127.0.0.1:{port}", []
    try:
        while True:  # read what it prints until Streamlit says where it is serving
            line = lines.get(timeout=240)
            assert line is not None, "the launcher exited early:\n" + "".join(printed)
            printed.append(line)
            if "URL: " in line:
                break
        with urllib.request.urlopen(f"{base}/_stcore/health", timeout=30) as answer:
            assert answer.status == 200
        yield base, "".join(printed)
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()


def demo_passwords(printed: str) -> dict[str, str]:
    return {line.split()[1]: line.split()[2] for line in printed.splitlines() if "@demo.example.org" in line}


def count(engine, table) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(table)).scalar_one()


def test_the_launcher_prepares_the_database_and_prints_the_demo_accounts_before_serving(db_url):
    with launched(db_url, DASHBOARD_SAMPLE_DATA="1") as (base, printed):
        assert printed.index("Demo accounts for the sample boards") < printed.index("You can now view")
        engine = open_database(db_url)
        # Answering at all means the boards are in: the first request has no sample load to wait for.
        assert count(engine, Board.__table__) == 5
        passwords = demo_passwords(printed)
        assert {email.split("@")[0] for email in passwords} == ROLES
        assert all(accounts.sign_in(engine, email, password).ok for email, password in passwords.items())
        with urllib.request.urlopen(f"{base}/overview?board=rutland-hwb", timeout=30) as page:
            assert page.status == 200  # the app's page itself, from the real port
        engine.dispose()
    with launched(db_url, DASHBOARD_SAMPLE_DATA="1") as (_, again):  # a restart on the same database
        assert "Demo accounts" not in again and "@demo.example.org" not in again


def test_an_empty_install_starts_empty_with_sample_data_off(db_url):
    with launched(db_url, DASHBOARD_SAMPLE_DATA="0") as (_, printed):
        assert "Demo accounts" not in printed
        engine = open_database(db_url)
        assert current_revision(engine) == head_revision()
        assert count(engine, Board.__table__) == 0 and count(engine, UserAccount.__table__) == 0
        engine.dispose()


def test_a_wrong_option_gets_a_sentence_not_a_traceback(tmp_path):
    ran = subprocess.run([sys.executable, "-m", "dashboard", "--server.prot", "8600"], cwd=ROOT, text=True,
                         capture_output=True, env={**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'x.db'}"},
                         timeout=120)
    assert ran.returncode != 0
    assert "Unknown option '--server.prot'" in ran.stderr and "Traceback" not in ran.stderr + ran.stdout


def test_a_database_it_cannot_reach_gets_a_sentence_not_a_traceback():
    ran = subprocess.run([sys.executable, "-m", "dashboard"], cwd=ROOT, text=True, capture_output=True, timeout=120,
                         env={**os.environ, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/board"})
    assert ran.returncode == 1
    assert "Cannot open the database" in ran.stderr and "Check DATABASE_URL" in ran.stderr
    assert "Traceback" not in ran.stderr + ran.stdout


def test_the_start_command_asks_nothing_of_another_host(db_url):
    """Started as the README starts it (every address, headless), Streamlit would ask checkip.amazonaws.com for the
    machine's public address. Every outside request is sent to a proxy on loopback here, which must hear nothing."""
    heard: list[bytes] = []
    proxy = socket.create_server(("127.0.0.1", 0))
    proxy.settimeout(0.2)

    def listen() -> None:
        while not stop.is_set():
            try:
                conn, _ = proxy.accept()
            except TimeoutError:
                continue
            with conn:
                heard.append(conn.recv(200))

    stop = threading.Event()
    listener = threading.Thread(target=listen, daemon=True)
    listener.start()
    via = f"http://127.0.0.1:{proxy.getsockname()[1]}"
    try:
        with launched(db_url, loopback=False, DASHBOARD_SAMPLE_DATA="0", HTTP_PROXY=via, HTTPS_PROXY=via,
                      http_proxy=via, https_proxy=via, NO_PROXY="127.0.0.1,localhost", no_proxy="127.0.0.1,localhost"
                      ) as (base, printed):
            with urllib.request.urlopen(f"{base}/overview", timeout=30) as page:
                assert page.status == 200
    finally:
        stop.set()
        listener.join(timeout=5)
        proxy.close()
    assert heard == []  # no request for the machine's public address, or anything else, left it
    assert "External URL" not in printed and "Did not auto detect external IP" not in printed


def test_help_says_how_to_start_it_and_starts_nothing(tmp_path, monkeypatch, capsys):
    from ui.server import main

    monkeypatch.setenv("DATABASE_URL", f"sqlite:///{tmp_path / 'x.db'}")
    assert main(["--help"]) == 0
    said = capsys.readouterr().out
    assert said.startswith("usage: python -m dashboard") and "--server.port PORT" in said and "DATABASE_URL" in said
    assert not (tmp_path / "x.db").exists()  # no database prepared, no server started
