"""``python -m data_model export``: the file written and its path printed (exit 0), a refusal with a sentence (1),
a usage error (2), never a traceback; every export audited."""

from __future__ import annotations

import subprocess
import sys
from datetime import UTC, datetime

import openpyxl
import pytest
from conftest import ROOT
from sqlalchemy import select

from data_model.cli import main
from data_model.tables import AuditEvent


def _exports(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.outcome, AuditEvent.detail)
                                               .where(AuditEvent.action == "export").order_by(AuditEvent.id))]


@pytest.mark.slow
def test_export_now_writes_the_named_workbook_and_prints_its_path(cli, engine, board, db_url, tmp_path):
    out = tmp_path / "packs"
    ran = cli(main, "export", "--board", "test-board", "--now", "--format", "xlsx", "--out", str(out), "--db", db_url)
    assert ran.returncode == 0, ran.stderr
    today = datetime.now(UTC).date()
    path = out / f"test-board_{today:%Y-%m-%d}_board-pack.xlsx"
    assert ran.stdout.strip() == str(path) and path.is_file()
    assert not list(out.glob("*.part"))
    wb = openpyxl.load_workbook(path)
    assert "Milestones" in wb.sheetnames and wb["About"]["B3"].value == "Test Board"
    assert _exports(engine)[-1][0] == "ok" and str(path.name) in _exports(engine)[-1][1]


def test_export_refuses_with_a_sentence_and_writes_nothing(cli, engine, board, db_url, tmp_path):
    tmp_path = tmp_path / "packs"
    tmp_path.mkdir()
    ran = cli(main, "export", "--board", "nope", "--now", "--format", "pdf", "--out", str(tmp_path), "--db", db_url)
    assert (ran.returncode, ran.stdout) == (1, "")
    assert ran.stderr.strip() == "There is no board called 'nope'. The board list shows each board's short name."
    ran = cli(main, "export", "--board", "test-board", "--meeting", "2016-09-27", "--format", "pdf", "--out",
              str(tmp_path), "--db", db_url)
    assert ran.returncode == 1
    assert ran.stderr.startswith("There is no snapshot for the meeting of 27 September 2016.")
    ran = cli(main, "export", "--board", "test-board", "--snapshot", "7", "--format", "html", "--out", str(tmp_path),
              "--db", db_url)
    assert ran.returncode == 1 and ran.stderr.startswith("There is no snapshot 7 for this board.")
    assert list(tmp_path.iterdir()) == []
    assert "Traceback" not in ran.stderr


def test_export_usage_errors_exit_2(cli, db_url):
    for args in (["--board", "test-board", "--format", "pdf"],  # no --snapshot, --meeting or --now
                 ["--board", "test-board", "--now", "--meeting", "2016-09-27", "--format", "pdf"],
                 ["--board", "test-board", "--now", "--format", "docx"],
                 ["--board", "test-board", "--meeting", "27/09/2016", "--format", "pdf"]):
        ran = cli(main, "export", *args, "--db", db_url)
        assert ran.returncode == 2, args
        assert "usage:" in ran.stderr and "Traceback" not in ran.stderr
    ran = cli(main, "export", "--board", "b", "--meeting", "27/09/2016", "--format", "pdf")
    assert "'27/09/2016' is not a date written YYYY-MM-DD" in ran.stderr


@pytest.mark.slow
def test_python_m_data_model_export_writes_the_html_pack(engine, board, db_url, tmp_path):
    proc = subprocess.run([sys.executable, "-m", "data_model", "export", "--board", "test-board", "--now", "--format",
                           "html", "--out", str(tmp_path), "--db", db_url], capture_output=True, text=True, cwd=ROOT,
                          timeout=300)
    assert proc.returncode == 0, proc.stderr
    path = tmp_path / proc.stdout.strip().rsplit("/", 1)[-1]
    assert path.name.endswith("_board-pack.html") and path.read_text().startswith("<!DOCTYPE html>")
    assert "Workstream: Prevention" in path.read_text()


@pytest.mark.slow
def test_a_pack_from_a_snapshot_shows_its_hash_and_is_unchanged_by_later_uploads(cli, engine, board, db_url, tmp_path):
    """The chair's pack for a meeting is the meeting's snapshot: its hash on the cover, and the same bytes after a
    lead uploads again (the frozen copy is what it reads)."""
    from datetime import date

    from change_trackers import later_upload

    from data_model.snapshots import take_snapshot

    info = take_snapshot(engine, "test-board", date(2016, 9, 27), "test chair")
    args = ("export", "--board", "test-board", "--meeting", "2016-09-27", "--format", "html", "--db", db_url)
    first = cli(main, *args, "--out", str(tmp_path / "a"))
    assert first.returncode == 0, first.stderr
    path = tmp_path / "a" / "test-board_2016-09-27_board-pack.html"
    assert first.stdout.strip() == str(path)
    assert info.hash in path.read_text(encoding="utf-8")
    later_upload(engine)
    again = cli(main, *args, "--out", str(tmp_path / "b"))
    assert again.returncode == 0, again.stderr
    assert (tmp_path / "b" / path.name).read_bytes() == path.read_bytes()
