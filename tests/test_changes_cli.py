"""`python -m data_model snapshot diff`: its contract as a script sees it, run in-process through ``main(argv)``."""

from __future__ import annotations

import json

import pytest
from change_trackers import BEFORE, BOARD, TWO, load

from data_model import cli as data_model_cli


@pytest.fixture
def run(cli, db_url):
    """``run(*args)``: `python -m data_model snapshot diff *args --db URL`, in this process."""
    return lambda *args: cli(data_model_cli.main, "snapshot", "diff", *args, "--db", db_url)


@pytest.fixture
def loaded(engine, change_board):
    change_board(1)
    return engine


def test_now_against_now_prints_the_contract_with_nothing_changed(run, loaded):
    proc = run("--board", BOARD, "now", "now", "--json")
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    assert list(out) == ["milestones", "risks", "budget", "metrics", "actions"]
    assert out["milestones"] == dict.fromkeys(
        ("added", "removed", "completed", "slipped", "brought_forward", "rag_changed"), [])
    assert out["budget"] == [] and out["actions"] == {"opened": [], "closed": [], "overdue": []}
    text = run("--board", BOARD, "now", "now")
    assert text.returncode == 0 and f"What changed on {BOARD}, from now" in text.stdout
    assert "Milestones: 0 added, 0 removed, 0 completed, 0 slipped, 0 brought forward, 0 RAG changed" in text.stdout


def test_an_unknown_board_or_reading_is_refused_with_a_sentence(run, loaded):
    proc = run("--board", "nowhere", "now", "now")
    assert proc.returncode == 1 and "There is no board called 'nowhere'" in proc.stderr and not proc.stdout
    for token in ("2016-06-28", "17"):
        proc = run("--board", BOARD, token, "now", "--json")
        assert proc.returncode == 1 and not proc.stdout
        assert f"There is no snapshot for that meeting ('{token}') on {BOARD}" in proc.stderr
        assert "Traceback" not in proc.stderr


def test_usage_errors_exit_2(cli, db_url):
    assert cli(data_model_cli.main, "snapshot", "diff", "--board", BOARD, "now", "--db", db_url).returncode == 2
    assert cli(data_model_cli.main, "snapshot", "diff", "now", "now", "--db", db_url).returncode == 2
    global_db = cli(data_model_cli.main, "--db", db_url, "snapshot", "diff", "--board", "nowhere", "now", "now")
    assert global_db.returncode == 1  # --db before the command works too, and reaches the board check


@pytest.mark.slow
def test_the_diff_between_two_real_snapshots_prints_each_change_once(run, engine, change_board):
    """FROM a meeting date (its snapshot) TO a snapshot id: the changes version 2's import made, as JSON and as lines
    naming the file and its uploader; both snapshots are read as at the same date, so time alone changes nothing."""
    from datetime import timedelta

    from data_model.snapshots import take_snapshot

    change_board(1)
    take_snapshot(engine, BOARD, BEFORE, "test chair", as_at=BEFORE)
    load(engine, 2)
    later = take_snapshot(engine, BOARD, BEFORE + timedelta(days=1), "test chair", as_at=BEFORE)
    out = json.loads(run("--board", BOARD, BEFORE.isoformat(), str(later.id), "--json").stdout)
    assert [(m["title"], m["days"]) for m in out["milestones"]["slipped"]] == [("Slips", 31)]
    assert [m["title"] for m in out["milestones"]["added"]] == ["New in version 2"]
    text = run("--board", BOARD, BEFORE.isoformat(), str(later.id)).stdout
    assert "milestones slipped: M2 Slips (Prevention): due 2016-10-10" in text
    assert f"31 days [plan-v2.xlsx, {TWO}]" in text
    # A likelihood and impact swapped, the score 15 both times, is a change; a new risk is listed once.
    assert [(r["title"], r["before"]["likelihood"], r["after"]["likelihood"]) for r in out["risks"]["rerated"]] == [
        ("Swaps ratings", 3, 5)]
    assert "risks rerated: R8 Swaps ratings (Crisis): status open, likelihood 3, impact 5, score 15" in text
    brand_new = [line for line in text.splitlines() if "Brand new" in line]
    assert len(brand_new) == 1 and brand_new[0].startswith("  risks new: R6 Brand new"), brand_new
