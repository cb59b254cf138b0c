"""``python -m data_model snapshot create|list``: the JSON contract, refusals in a sentence with exit 1, usage errors
with exit 2, never a traceback; and one run as a real process."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from conftest import ROOT, dump

from data_model import accounts, queries, snapshots
from data_model.cli import main


@pytest.fixture
def chair(engine, board) -> str:
    accounts.add_user(engine, "chair@cli.example.org", by="tests")
    accounts.grant(engine, "chair@cli.example.org", "test-board", "chair", by="tests")
    return "chair@cli.example.org"


def test_create_prints_the_contract_and_makes_the_meeting(cli, db_url, engine, board, chair):
    ran = cli(main, "snapshot", "create", "--board", "test-board", "--meeting", "2016-09-27", "--by", chair,
              "--db", db_url, "--json")
    assert ran.returncode == 0, ran.stderr
    doc = json.loads(ran.stdout)
    assert set(doc) == {"id", "board", "meeting", "taken_at", "taken_by", "hash", "counts"}
    assert (doc["board"], doc["meeting"], doc["taken_by"]) == ("test-board", "2016-09-27", chair)
    assert doc["counts"] == {"milestones": 7, "risks": 4, "budget_lines": 3, "metric_values": 4}
    stored = snapshots.get_snapshot(engine, doc["id"])
    assert stored.hash == doc["hash"] and stored.taken_at.isoformat() == doc["taken_at"]
    assert queries.meetings(engine, board["id"])["date"].astype(str).tolist() == ["2016-09-27"]


def test_list_names_each_snapshot_with_its_hash_and_which_is_superseded(cli, db_url, board):
    for _ in range(2):
        assert cli(main, "--db", db_url, "snapshot", "create", "--board", "test-board", "--meeting",
                   "2016-09-27").returncode == 0
    ran = cli(main, "snapshot", "list", "--board", "test-board", "--db", db_url)
    assert ran.returncode == 0, ran.stderr
    [newest, older] = ran.stdout.splitlines()
    assert newest.startswith("Snapshot 2 of test-board for the meeting of 27 September 2016: hash ")
    assert older.startswith("Snapshot 1 of test-board for the meeting of 27 September 2016, superseded by snapshot 2")
    assert "taken by command line (" in newest and "7 milestones, 4 risks, 3 budget lines, 4 metric values" in newest
    listed = json.loads(cli(main, "snapshot", "list", "--board", "test-board", "--db", db_url, "--json").stdout)
    assert [(s["id"], s["superseded_by"], s["supersedes"]) for s in listed] == [(2, None, 1), (1, 2, None)]
    assert listed[0]["hash"] == listed[1]["hash"]  # nothing changed in between


def test_a_board_with_none_says_how_to_take_one(cli, db_url, board):
    ran = cli(main, "snapshot", "list", "--board", "test-board", "--db", db_url)
    assert ran.returncode == 0 and "has no snapshots yet" in ran.stdout and "snapshot create" in ran.stdout


@pytest.mark.parametrize("args, message", [
    (["create", "--board", "nope", "--meeting", "2016-09-27"], "There is no board called 'nope'"),
    (["list", "--board", "nope"], "There is no board called 'nope'"),
    (["create", "--board", "test-board", "--meeting", "2016-09-27", "--by", "nobody@cli.example.org"],
     "There is no active account for nobody@cli.example.org"),
])
def test_refusals_exit_1_with_a_sentence_and_write_nothing(cli, db_url, engine, board, args, message):
    before = dump(engine)
    ran = cli(main, "snapshot", *args, "--db", db_url)
    assert ran.returncode == 1 and message in ran.stderr and "Traceback" not in ran.stderr
    assert dump(engine) == before


def test_a_viewer_is_refused_and_nothing_is_written(cli, db_url, engine, board):
    accounts.add_user(engine, "viewer@cli.example.org", by="tests")
    accounts.grant(engine, "viewer@cli.example.org", "test-board", "viewer", by="tests")
    before = dump(engine)
    ran = cli(main, "snapshot", "create", "--board", "test-board", "--meeting", "2016-09-27", "--by",
              "viewer@cli.example.org", "--db", db_url)
    assert ran.returncode == 1 and "needs the chair role" in ran.stderr
    assert dump(engine) == before


@pytest.mark.parametrize("args", [
    ["snapshot"], ["snapshot", "create", "--board", "test-board"],
    ["snapshot", "create", "--board", "test-board", "--meeting", "27/09/2016"],
    ["snapshot", "list"], ["snapshot", "frobnicate"],
])
def test_usage_errors_exit_2(cli, args):
    ran = cli(main, *args)
    assert ran.returncode == 2 and "usage:" in ran.stderr and "Traceback" not in ran.stderr


def test_a_bad_date_says_how_to_write_one(cli):
    ran = cli(main, "snapshot", "create", "--board", "b", "--meeting", "2016-02-30")
    assert ran.returncode == 2 and "'2016-02-30' is not a date: write the meeting's date as YYYY-MM-DD" in ran.stderr


@pytest.mark.slow
def test_python_dash_m_data_model_takes_a_snapshot(db_url, board):
    proc = subprocess.run([sys.executable, "-m", "data_model", "snapshot", "create", "--board", "test-board",
                           "--meeting", "2016-09-27", "--db", db_url, "--json"],
                          capture_output=True, text=True, cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert len(json.loads(proc.stdout)["hash"]) == 64
