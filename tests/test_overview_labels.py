"""The Overview's labels read as a board member would say them: a workstream level named once ("Phase 1", not
"Phase: Phase 1"), rows with no workstream as "Not assigned to a workstream", and no workstream split at all on a
board whose trackers name none."""

from __future__ import annotations

import pytest
from conftest import as_read, xlsx
from signed_in import open_page

from data_model.rollups import NO_WORKSTREAM
from loaders import import_bytes
from presentation.rag_view import level_heading, matrix_chart


def test_the_rag_bars_name_rows_with_no_workstream_in_words():
    import pandas as pd

    rows = pd.DataFrame([{"group": "Phase 1", "kind": "Risks", "red": 1, "amber": 0, "green": 0, "unrated": 0,
                          "total": 1},
                         {"group": NO_WORKSTREAM, "kind": "Risks", "red": 0, "amber": 0, "green": 0, "unrated": 5,
                          "total": 5}])
    spec = matrix_chart(rows, "Workstream").to_dict()
    groups = {row["group"] for values in spec["datasets"].values() for row in values if "group" in row}
    assert groups == {"Phase 1", "Not assigned to a workstream"}


def test_the_metrics_bars_say_they_count_rag_against_target_not_the_tables_spc_verdicts():
    import pandas as pd

    rows = pd.DataFrame([{"group": "Prevention", "kind": kind, "red": 1, "amber": 0, "green": 2, "unrated": 0,
                          "total": 3} for kind in ("Risks", "Metrics")])
    spec = matrix_chart(rows, "Workstream").to_dict()
    kinds = {row["kind"] for values in spec["datasets"].values() for row in values if "kind" in row}
    assert kinds == {"Risks", "Metrics (RAG against target)"}
    assert spec["facet"]["column"]["sort"][-1] == "Metrics (RAG against target)"  # last, as in the table


def test_a_level_label_the_name_already_says_is_not_repeated():
    assert level_heading("Phase", "Phase 1") == "Phase 1"
    assert level_heading("phase", "PHASE 2 – delivery") == "PHASE 2 – delivery"
    assert level_heading("Priority", "Enablers") == "Priority: Enablers"
    assert level_heading("", "Enablers") == "Enablers"


def matrix(at):
    return next(df.value for df in at.table if "Milestones" in df.value.columns)


@pytest.mark.slow  # the sample boards
def test_north_lanarkshire_reads_phase_1_and_its_unassigned_risks_in_words(sample_app):
    at = open_page("overview.py", board="north-lanarkshire-ijb")
    assert not at.exception, at.exception
    labels = [as_read(e.label) for e in at.expander]
    assert "Phase 1" in labels and not [x for x in labels if x.startswith("Phase: ")], labels
    by_ws = matrix(at).set_index("Workstream")
    assert "(no workstream)" not in by_ws.index
    assert by_ws.loc["Not assigned to a workstream", "Risks"] == "not rated 5"  # its risks name no workstream
    assert list(by_ws.index)[-1] == "Not assigned to a workstream"  # after the phases, not first
    by_place = next(df.value for df in at.table if "Locality" in df.value.columns)
    assert list(by_place["Locality"])[-1] == "Area-wide (no locality given)"  # not "(area-wide)", first
    # Rutland's Priority level is not its name: it stays.
    rutland = open_page("overview.py", board="rutland-hwb")
    assert "Priority: Enablers" in [as_read(e.label) for e in rutland.expander]


@pytest.mark.slow
def test_a_board_with_no_workstreams_shows_no_workstream_split(engine, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    register = xlsx({"Risks": [["Ref", "Risk", "Likelihood", "Impact", "Owner"],
                               ["R1", "Funding ends early", 4, 4, "Finance lead"],
                               ["R2", "Staff turnover", 2, 3, "HR lead"]]})
    assert import_bytes(register, "risks.xlsx", "flat-board", engine=engine, kind="risks").status == "ok"
    at = open_page("overview.py", board="flat-board")
    assert not at.exception, at.exception
    assert "The whole board" in [s.value for s in at.subheader]
    assert "By workstream" not in [s.value for s in at.subheader]
    whole = matrix(at)
    assert "Workstream" not in whole.columns and len(whole) == 1
    assert whole["Risks"].iloc[0] == "Red 1 · Amber 1"
    assert any("name no workstreams" in c.value for c in at.caption)
