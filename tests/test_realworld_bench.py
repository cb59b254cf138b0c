"""The field benchmark's scoring, on tiny trackers made here (the shared real files stay out of the repository).

Each file is really imported (into the test's database) and scored against a tiny manifest: a file read as a
person reads it is RIGHT; one loaded as the wrong kind, with a field read wrong, or with a sheet loaded that
a person would leave alone is a WRONG-LOAD; one the importer refuses is REFUSED; a missing file is reported,
never raised.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path

import pytest
from conftest import ROOT, csv_bytes, xlsx

spec = importlib.util.spec_from_file_location("realworld_bench", ROOT / "bench" / "realworld.py")
bench = importlib.util.module_from_spec(spec)
sys.modules[spec.name] = bench  # its dataclasses look their module up by name
spec.loader.exec_module(bench)

PLAN = [["Milestone", "Owner", "Due"],
        ["Commission the community agents service", "Trish Crowson", "30/09/2016"],
        ["Launch the falls service", "Neil Lester", "31/03/2017"]]
ARCHIVE = [["Milestone", "Owner", "Due"], ["Close the old contract", "Neil Lester", "31/03/2015"]]


@pytest.fixture
def folder(tmp_path: Path) -> Path:
    d = tmp_path / "trackers"
    d.mkdir()
    (d / "plan.xlsx").write_bytes(xlsx({"Plan": PLAN}))
    (d / "two-sheets.xlsx").write_bytes(xlsx({"Plan": PLAN, "Archive": ARCHIVE}))
    (d / "colours.csv").write_bytes(csv_bytes([["Colour", "Shape"], ["red", "round"], ["blue", "square"]]))
    return d


def entry(file: str, **kw) -> dict:
    return {"file": file, "kind": "milestones", "count": 2, **kw}


def test_a_file_read_as_a_person_reads_it_is_right(folder: Path, db_url: str):
    [out] = bench.run(folder, [entry("plan.xlsx", checks=[
        {"row": 2, "field": "title", "equals": "commission the  community agents service"},
        {"row": 2, "field": "owner", "equals": "Trish Crowson"},
        {"row": 3, "field": "due", "equals": "2017-03-31"},
        {"where": {"title": "falls"}, "field": "owner", "contains": "lester"},
    ])], db_url)
    assert (out.verdict, out.kind, out.records, out.counted, out.errors) == ("RIGHT", "milestones", 2, 2, 0)
    assert out.reasons == []


def test_a_load_that_differs_from_the_manifest_is_a_wrong_load_saying_why(folder: Path, db_url: str):
    wrong_kind, wrong_field, wrong_count = bench.run(folder, [
        entry("plan.xlsx", kind="budget"),
        entry("plan.xlsx", checks=[{"row": 3, "field": "owner", "equals": "Trish Crowson"}]),
        entry("plan.xlsx", count=[3, 4]),
    ], db_url)
    assert wrong_kind.verdict == "WRONG-LOAD"
    assert wrong_kind.reasons[0] == "loaded the file as milestones, not budget"
    assert wrong_field.verdict == "WRONG-LOAD"
    assert wrong_field.reasons == ["row 3: owner should equal 'Trish Crowson', read Neil Lester"]
    assert wrong_count.verdict == "WRONG-LOAD"
    assert wrong_count.reasons == ["counted 2 milestones rows, a person counts 3 or 4"]


def test_a_sheet_a_person_would_not_load_makes_a_wrong_load(folder: Path, db_url: str):
    scored_only = entry("two-sheets.xlsx", scored_sheets=["Plan"], sheets={"Plan": {"kind": "milestones"}})
    archive_allowed = entry("two-sheets.xlsx", scored_sheets=["Plan"],
                            sheets={"Plan": {"kind": "milestones"}, "Archive": {"kind": "milestones", "count": 1}})
    merged = {"Plan": {"kind": "milestones"}, "Archive": {"kind": "milestones"}, "Actuals": {"kind": "milestones"}}
    unloaded = entry("two-sheets.xlsx", scored_sheets=["Plan", "Actuals"], sheets=merged)
    may_merge = entry("two-sheets.xlsx", scored_sheets=["Plan", "Actuals"],
                      sheets={**merged, "Actuals": {"kind": "milestones", "optional": True}})
    side_checked = {**archive_allowed, "checks": [{"sheet": "Archive", "row": 2, "field": "owner",
                                                   "equals": "Trish Crowson"}]}
    [stray, allowed, missing, optional, side] = bench.run(
        folder, [scored_only, archive_allowed, unloaded, may_merge, side_checked], db_url)
    assert stray.verdict == "WRONG-LOAD"
    assert stray.reasons == ["loaded 1 record(s) from sheet 'Archive' as milestones; a person would load nothing "
                             "from it"]
    assert allowed.verdict == "RIGHT", allowed.reasons
    assert missing.verdict == "WRONG-LOAD"
    assert missing.reasons == ["nothing was loaded from sheet 'Actuals'"]
    assert optional.verdict == "RIGHT", optional.reasons
    assert side.verdict == "WRONG-LOAD"
    assert side.reasons == ["row 2 of 'Archive': owner should equal 'Trish Crowson', read Neil Lester"]


def test_a_refusal_and_a_missing_file_are_reported_not_raised(folder: Path, db_url: str):
    refused, missing = bench.run(folder, [entry("colours.csv"), entry("not-there.xlsx")], db_url)
    assert refused.verdict == "REFUSED"
    assert refused.errors >= 1 and "No tracker table was found" in refused.first_error
    assert missing.verdict == "CRASH"
    assert "no such file" in missing.reasons[0]


def test_the_command_prints_a_line_per_file_then_wrong_then_right(folder: Path, db_url: str, capsys):
    manifest = folder.parent / "manifest.json"
    manifest.write_text(json.dumps({"files": [
        entry("plan.xlsx"), entry("plan.xlsx", kind="risks"), entry("colours.csv")]}))
    assert bench.main([str(folder), str(manifest), "--db-url", db_url]) == 0
    lines = capsys.readouterr().out.strip().splitlines()
    assert lines[0].startswith("note: not in the manifest, not scored: two-sheets.xlsx")
    assert [line.split()[0] for line in lines[1:4]] == ["plan.xlsx", "plan.xlsx", "colours.csv"]
    assert [v for line in lines[1:4] for v in ("RIGHT", "WRONG-LOAD", "REFUSED") if f" {v} " in f"{line} "] == [
        "RIGHT", "WRONG-LOAD", "REFUSED"]
    assert lines[-2].startswith("wrong=1/3 ") and "refused=1" in lines[-2]
    assert lines[-1] == "right=1/3"


def test_values_compare_as_a_person_reads_them():
    from datetime import date
    from decimal import Decimal

    assert bench.same(date(2017, 3, 31), "2017-03-31")
    assert bench.same(Decimal("3028.63"), 3028.63) and not bench.same(Decimal("3028.6"), 3028.63)
    assert bench.same("  Project   manager ", "project manager")
    assert bench.same(None, None) and bench.same("", None) and not bench.same(0, None)
    assert not bench.same("12", 13) and bench.same("1,200", 1200)
