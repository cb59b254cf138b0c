"""Both command lines, run in-process through ``main(argv)``: whatever goes wrong they answer with a sentence (or,
with --json, one JSON object), never a traceback, and text from files can't drive the terminal. Plus a backup onto
a disk that fills up, which needs a process of its own for the file-size limit."""

from __future__ import annotations

import contextlib
import json
import resource
import signal
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, xlsx

import data_model.accounts
import loaders.importer
from data_model import accounts, open_database
from data_model.cli import main as data_model_main
from data_model.cli import terminal_text
from loaders.cli import main as loaders_main

UNREACHABLE = "postgresql://nobody@127.0.0.1:1/nothing"
CONTROLS = ("\x1b", "\x07", "\x9b", "\x00", "\u202e")


@pytest.fixture
def plan(tmp_path: Path) -> Path:
    path = tmp_path / "plan.xlsx"
    path.write_bytes(xlsx({"Plan": [["Milestone", "Due"], ["Start", "May 16"]]}))
    return path


def _no_controls(text: str) -> None:
    assert not [c for c in CONTROLS if c in text], repr(text)


@pytest.mark.parametrize("exc", [MemoryError(), ValueError(), RuntimeError("disk full\nsecond line"), OSError(28, "")])
def test_import_json_is_json_whatever_the_exception(plan, monkeypatch, capsys, exc):
    def explode(*args, **kwargs):
        raise exc

    monkeypatch.setattr(loaders.importer, "import_path", explode)
    assert loaders_main(["import", str(plan), "--board", "b", "--json"]) == 1
    out, err = capsys.readouterr()
    answer = json.loads(out)
    assert (answer["status"], answer["file"], answer["records"]) == ("rejected", "plan.xlsx", [])
    message = answer["errors"][0]["message"]
    assert message.startswith("The import could not be completed: ") and message.endswith("Nothing was written.")
    assert "Traceback" not in out + err and not err
    if isinstance(exc, MemoryError):
        assert "ran out of memory" in message


def test_import_without_json_says_a_sentence_never_a_traceback(plan, monkeypatch, capsys):
    monkeypatch.setattr(loaders.importer, "import_path", lambda *a, **k: (_ for _ in ()).throw(MemoryError()))
    assert loaders_main(["import", str(plan), "--board", "b"]) == 1
    out, err = capsys.readouterr()
    assert err == "The import could not be completed: the computer ran out of memory. Nothing was written.\n"
    assert not out


def test_an_unreachable_database_is_a_sentence_or_json(plan, capsys):
    assert loaders_main(["import", str(plan), "--board", "b", "--db", UNREACHABLE, "--json"]) == 1
    out, err = capsys.readouterr()
    assert json.loads(out)["status"] == "rejected" and "Traceback" not in out + err
    assert loaders_main(["import", str(plan), "--board", "b", "--db", UNREACHABLE]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("The import could not be completed: ") and "Traceback" not in err and not out


@pytest.mark.slow
def test_cell_text_cannot_drive_the_terminal(tmp_path, db_url, capsys):
    workbook = tmp_path / "plan.xlsx"  # C1 controls (U+009B is a one-character CSI) are legal in the XML
    workbook.write_bytes(xlsx({"Plan\x9b2J": [["Milestone", "Due"], ["Start\x9b0m", "someday\x9b1m"]]}))
    csv = tmp_path / "plan.csv"
    csv.write_bytes(b"Milestone,Due\nStart \x1b[31mnow,someday \x1b]0;pwned\x07\n")
    for path in (workbook, csv):
        assert loaders_main(["import", str(path), "--board", "b", "--db", db_url, "--dry-run"]) == 0
        out, err = capsys.readouterr()
        _no_controls(out + err)
        assert "someday" in out and "not a date" in out
        assert loaders_main(["import", str(path), "--board", "b", "--db", db_url, "--dry-run", "--json"]) == 0
        out, err = capsys.readouterr()
        _no_controls(out + err)
        warning = json.loads(out)["warnings"][0]
        assert warning["value"] in ("someday\x9b1m", "someday \x1b]0;pwned\x07")  # the raw cell, escaped in JSON
    assert "Plan\\x9b2J" in terminal_text("Plan\x9b2J") and terminal_text("a\x1b[2Jb") == "a\\x1b[2Jb"


def test_users_cli_refuses_hidden_characters_and_prints_names_safely(db_url, engine, capsys):
    assert data_model_main(["--db", db_url, "users", "add", "jo\x1b[2J@example.org"]) == 1
    out, err = capsys.readouterr()
    assert "control or invisible characters" in err and not out
    from loaders import import_bytes

    plan = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Crisis\x9b2J", "Start", "May 16"]]})
    assert import_bytes(plan, "p.xlsx", "test-board", engine=engine).status == "ok"
    accounts.add_user(engine, "lead@example.org", by="tests", name="Lead\x1b]0;pwned\x07")
    accounts.grant(engine, "lead@example.org", "test-board", "lead", by="tests", workstreams=["Crisis\x9b2J"])
    assert data_model_main(["--db", db_url, "users", "list"]) == 0
    out, err = capsys.readouterr()
    _no_controls(out + err)
    assert "lead@example.org: test-board: lead (Crisis\\x9b2J)" in out


def test_users_cli_says_a_sentence_whatever_the_exception(db_url, monkeypatch, capsys):
    monkeypatch.setattr(data_model.accounts, "users", lambda engine: (_ for _ in ()).throw(MemoryError()))
    assert data_model_main(["--db", db_url, "users", "list"]) == 1
    out, err = capsys.readouterr()
    assert err == "users failed: the computer ran out of memory\n" and not out
    assert data_model_main(["--db", UNREACHABLE, "users", "list"]) == 1
    out, err = capsys.readouterr()
    assert err.startswith("users failed: ") and "Traceback" not in err and len(err.splitlines()) == 1


def _small_disk(limit: int):
    def apply() -> None:  # in the child: writes past ``limit`` bytes fail with EFBIG instead of killing it
        signal.signal(signal.SIGXFSZ, signal.SIG_IGN)
        resource.setrlimit(resource.RLIMIT_FSIZE, (limit, limit))
    return apply


@pytest.mark.slow
def test_a_backup_onto_a_full_disk_leaves_nothing_and_the_retry_works(tmp_path):
    url = f"sqlite:///{tmp_path / 'live.db'}"
    engine = open_database(url)
    from loaders import import_bytes

    rows = [["Ref", "Risk", "Likelihood", "Impact"]] + [[f"R{i}", f"risk number {i} " * 8, "High", "Low"]
                                                        for i in range(3000)]
    assert import_bytes(xlsx({"Register": rows}), "r.xlsx", "b", engine=engine).status == "ok"
    engine.dispose()
    size = (tmp_path / "live.db").stat().st_size
    assert size > 600_000
    target = tmp_path / "backups" / "board.db"
    target.parent.mkdir()
    command = [sys.executable, "-m", "data_model", "--db", url, "backup", str(target)]
    full = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120,
                          preexec_fn=_small_disk(size // 3))
    assert full.returncode == 1 and "Traceback" not in full.stderr, full.stderr
    assert "could not be written" in full.stderr and "No backup file was left behind" in full.stderr
    assert list(target.parent.iterdir()) == []  # no 0-byte or partial file to block the retry
    retry = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert retry.returncode == 0, retry.stderr
    assert [p.name for p in target.parent.iterdir()] == ["board.db"]
    with contextlib.closing(sqlite3.connect(f"file:{target}?mode=ro", uri=True)) as copy:
        assert copy.execute("SELECT count(*) FROM risk").fetchone() == (3000,)
