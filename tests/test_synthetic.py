"""The benchmark data generator writes trackers the loaders accept, and its command loads them with meetings."""

import functools
import subprocess
import sys

import pytest
from conftest import ROOT
from sqlalchemy import func, select

from data_model.tables import Board, BudgetAmount, Meeting, Milestone, Risk
from sample_data import synthetic
from sample_data.synthetic import build, load


def _counts(engine) -> list[int]:
    with engine.connect() as conn:
        return [conn.execute(select(func.count()).select_from(t.__table__)).scalar_one()
                for t in (Milestone, Risk, BudgetAmount)]


@pytest.mark.slow
def test_synthetic_set_loads_with_the_counts_asked_for(tmp_path, db_url, engine):
    files = build(tmp_path, boards=2, milestones=40, risks=20, budget_amounts=48)
    load(files, db_url)
    assert _counts(engine) == [40, 20, 48]


@pytest.mark.slow
def test_the_command_writes_loads_and_adds_quarterly_meetings(tmp_path, db_url, engine, cli, monkeypatch):
    # The command always builds the full benchmark set (minutes of work); the same code on a small one here.
    monkeypatch.setattr(synthetic, "build", functools.partial(build, boards=2, milestones=40, risks=20,
                                                              budget_amounts=48))
    ran = cli(synthetic.main, str(tmp_path / "out"), "--load", db_url)
    assert ran.returncode == 0, ran.stderr
    assert ran.stdout.splitlines() == [f"Wrote 7 workbooks to {tmp_path / 'out'}", f"Loaded them into {db_url}"]
    assert len(list((tmp_path / "out").glob("*.xlsx"))) == 7  # 3 kinds x 2 boards, and the 40 SPC metrics
    assert _counts(engine) == [40, 20, 48]
    with engine.connect() as conn:
        meetings = conn.execute(select(Board.slug, func.count(Meeting.id)).join(Meeting, Meeting.board_id == Board.id)
                                .group_by(Board.slug).order_by(Board.slug)).all()
    assert [tuple(m) for m in meetings] == [("synthetic-board-01", 12), ("synthetic-board-02", 12)]


def test_the_command_without_a_folder_is_a_usage_error(cli):
    ran = cli(synthetic.main)
    assert ran.returncode == 2 and "the following arguments are required: out" in ran.stderr


@pytest.mark.slow
def test_python_dash_m_sample_data_synthetic_documents_itself():
    """The one run in a new interpreter (the full set takes minutes to build, so only its help)."""
    proc = subprocess.run([sys.executable, "-m", "sample_data.synthetic", "--help"], capture_output=True, text=True,
                          cwd=ROOT, timeout=120)
    assert proc.returncode == 0, proc.stderr
    assert "--load URL" in proc.stdout and "folder for the workbooks" in proc.stdout
