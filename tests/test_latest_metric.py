"""A metric's latest value is one read for every page: a quarter with a target but no actual yet does not hide the
last reported figure, on the Overview, the Metrics page, the Localities page or the "needs attention" list."""

from datetime import date

import pandas as pd
import pytest
from conftest import xlsx
from signed_in import open_page

from data_model import queries, registers
from data_model.attention import metrics_off_target
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from loaders import import_bytes

AS_AT = date(2016, 9, 27)  # in 2016-17 Q2: Q2's row has a target but no actual yet


@pytest.fixture
def reported(engine):
    """Admissions (lower is better) in the North: 120 against 100 in Q1, Q2 not reported yet; in the South 90 in Q1.
    Delays: a target, never an actual."""
    metrics = xlsx({"Metrics": [
        ["Priority", "Metric", "Locality", "Period", "Target", "Actual", "Direction"],
        ["Prevention", "Admissions", "North", "2016-17 Q1", 100, 120, "lower"],
        ["Prevention", "Admissions", "North", "2016-17 Q2", 100, None, "lower"],
        ["Prevention", "Admissions", "South", "2016-17 Q1", 100, 90, "lower"],
        ["Prevention", "Admissions", "South", "2016-17 Q2", 100, None, "lower"],
        ["Prevention", "Delays", "North", "2016-17 Q2", 50, None, "lower"],
    ]})
    assert import_bytes(metrics, "k.xlsx", "latest-board", engine=engine).status == "ok"
    return queries.board(engine, "latest-board")


@pytest.fixture
def app(db_url, monkeypatch, reported):
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def page(name: str):
    at = open_page(f"{name}.py", board="latest-board", as_at=AS_AT.isoformat())
    assert not at.exception
    return at


def test_the_data_functions_agree_on_the_latest_value(engine, reported):
    filters, rules = Filters(reported["id"], as_at=AS_AT), RagRules()
    matrix = rag_matrix(engine, filters, rules).set_index(["group", "kind"])
    assert matrix.loc[("Prevention", "Metrics"), ["red", "amber", "green", "unrated"]].tolist() == [1, 0, 1, 0]
    off = metrics_off_target(engine, filters, rules)
    assert list(zip(off["name"], off["locality"], off["period"], off["actual"], off["rag"], strict=True)) == [
        ("Admissions", "North", "2016-17 Q1", 120.0, "red")]
    latest = registers.latest_metrics(engine, filters, rules).set_index(["name", "locality"])
    assert latest.loc[("Admissions", "North"), ["period", "actual", "rag"]].tolist() == ["2016-17 Q1", 120.0, "red"]
    assert latest.loc[("Admissions", "South"), ["period", "actual", "rag"]].tolist() == ["2016-17 Q1", 90.0, "green"]
    # A series never reported keeps its newest target, unrated, and the Overview's counts leave it out.
    assert latest.loc[("Delays", "North"), "period"] == "2016-17 Q2" and pd.isna(latest.loc[("Delays", "North"), "rag"])

    places = queries.localities(engine, reported["id"]).set_index("name")["id"]
    north = Filters(reported["id"], locality_id=int(places["North"]), as_at=AS_AT)
    in_north = registers.latest_metrics(engine, north, rules)
    assert in_north["name"].tolist() == ["Admissions", "Delays"] and in_north["rag"].fillna("").tolist() == ["red", ""]
    assert rag_matrix(engine, north, rules).set_index("kind").loc["Metrics", ["red", "green"]].tolist() == [1, 0]


@pytest.mark.slow  # two page runs; the data functions and the Localities page stay in the fast loop
def test_overview_and_metrics_page_both_say_red(app):
    overview = page("overview")
    matrix = next(df.value for df in overview.table if "Workstream" in df.value.columns).set_index("Workstream")
    assert matrix.loc["Prevention", "Metrics"] == "Red 1 · Green 1"
    assert "Metrics (1)" in [t.label for t in overview.tabs]

    metrics = page("metrics")
    counts = {m.label: m.value for m in metrics.metric}
    assert (counts["Latest values off target (red)"], counts["On target (green)"]) == ("1", "1")
    latest = next(df.value for df in metrics.table if "Better when" in df.value.columns)  # a short list wraps
    latest = latest.set_index(["Metric", "Locality"])
    assert latest.loc[("Admissions", "North"), ["RAG", "Period", "Latest"]].tolist() == [
        "Red", "Q1 2016-17 (Apr–Jun 2016)", "120"]  # the period in words, not "2016-17 Q1"
    assert latest.loc[("Admissions", "South"), ["RAG", "Latest"]].tolist() == ["Green", "90"]
    assert latest.loc[("Delays", "North"), "RAG"] == "Not rated"
    assert any("**Admissions** — latest: Red in 1, Green in 1 of 2 localities" in m.value for m in metrics.markdown)


@pytest.mark.slow
def test_localities_page_shows_the_last_reported_figure(app):
    at = page("localities")
    heading = "Admissions, Q1 2016-17 (Apr–Jun 2016)"  # both places' last reported figure is of Q1: said once
    side = next(df.value for df in at.table if heading in df.value.columns).set_index("Locality")
    # Places down the side, metrics across (as the RAG table above it).
    assert side.loc[["North", "South"], heading].tolist() == ["120 (Red)", "90 (Green)"]
