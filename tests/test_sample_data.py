"""The sample data is the demo data and the test data: every file loads through the CLI a lead uses."""

import json

import pytest
from conftest import ROOT
from sqlalchemy import select

from data_model.tables import Board, Meeting
from loaders.cli import main as import_cli
from sample_data import SAMPLE_BOARDS, load_sample_data, sample_files


@pytest.mark.slow  # the fast loop loads every sample in-process below
@pytest.mark.parametrize(("board", "path", "kind"), sample_files(), ids=lambda v: getattr(v, "name", None) or str(v))
def test_every_sample_file_loads_through_the_cli(board, path, kind, db_url, cli):
    proc = cli(import_cli, "import", str(path), "--board", board.slug, "--db", db_url, "--kind", kind, "--json")
    out = json.loads(proc.stdout)
    assert proc.returncode == 0 and out["status"] == "ok", out["errors"]
    assert out["records"], path


@pytest.mark.slow
def test_loading_all_samples_gives_five_boards_with_meetings_and_the_rutland_shortfall(engine):
    results = load_sample_data(engine)
    assert all(r.status == "ok" for r in results)
    with engine.connect() as conn:
        slugs = set(conn.execute(select(Board.__table__.c.slug)).scalars())
        meetings = conn.execute(select(Meeting.__table__)).all()
    assert slugs == {b.slug for b in SAMPLE_BOARDS}
    assert len(meetings) == sum(len(b.meetings) for b in SAMPLE_BOARDS)
    budget = next(r for r in results if r.analysis.file_name == "bcf-budget.xlsx")
    assert any("£85,000 short" in w.message for w in budget.analysis.warnings)
    # Loading again changes nothing.
    again = load_sample_data(engine)
    assert all(r.changes["added"] == r.changes["updated"] == r.changes["removed"] == 0 for r in again)


def test_sample_workbooks_are_labelled_illustrative():
    import openpyxl

    for _board, path, _kind in sample_files():
        if path.suffix == ".xlsx":
            about = openpyxl.load_workbook(path, read_only=True)["About"]
            text = " ".join(str(c.value) for row in about.iter_rows() for c in row if c.value)
            assert "illustrative" in text.lower(), path


@pytest.mark.slow
def test_build_script_reproduces_the_committed_files(tmp_path, monkeypatch):
    """The committed sample files come from sample_data/build.py and nothing else."""
    import sample_data.build as build
    from loaders import analyse

    monkeypatch.setattr(build, "HERE", tmp_path)
    build.build_all()
    for _board, path, kind in sample_files():
        rebuilt = tmp_path / path.relative_to(ROOT / "sample_data")
        a, b = analyse(path.read_bytes(), path.name, kind=kind), analyse(rebuilt.read_bytes(), path.name, kind=kind)
        assert a.public_records() == b.public_records(), path
