"""Every chart the pages draw is a valid Vega-Lite spec when built from a real board (the page skips validation)."""

import altair as alt
import pytest
from conftest import AS_AT

from data_model import registers
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from presentation.budget_view import period_chart
from presentation.metric_view import run_chart
from presentation.milestone_view import timeline
from presentation.rag_view import matrix_chart
from presentation.risk_view import heat_cells, heat_map


@pytest.fixture
def charts(engine, board):
    filters, rules = Filters(board["id"], as_at=AS_AT), RagRules()
    risks = registers.risks(engine, filters, rules)
    return {
        "matrix": matrix_chart(rag_matrix(engine, filters, rules), "Workstream"),
        "timeline": timeline(registers.milestones(engine, filters, rules), AS_AT, AS_AT),
        "heat map": heat_map(heat_cells(risks[risks["score"].notna()], rules)),
        "budget": period_chart(registers.budget_by_period(engine, filters)),
        "run chart": run_chart(registers.metric_values(engine, filters, rules)),
    }


def test_charts_validate_against_the_vega_lite_schema(charts):
    with alt.utils.schemapi.debug_mode(True):
        for name, chart in charts.items():
            spec = chart.to_dict(validate=True)
            data = [v for values in spec.get("datasets", {}).values() for v in values]
            assert data, f"the {name} chart has no data"


def _legends(spec: dict) -> list[tuple[str, str]]:
    """(channel, title) of every legend a layered spec draws."""
    found = []
    for layer in spec["layer"]:
        for channel, enc in layer.get("encoding", {}).items():
            if channel in ("color", "shape", "strokeDash") and enc.get("field") and enc.get("legend", {}) is not None:
                found.append((channel, enc.get("title", enc["field"])))
    return found


def test_a_weekly_run_chart_names_its_weeks_and_draws_one_legend_per_idea():
    import pandas as pd
    import vl_convert as vlc

    weeks = pd.to_datetime(["2018-04-02", "2018-04-09", "2018-04-16", "2018-04-23"])
    values = pd.DataFrame({"period_start": [*weeks, *weeks], "locality": ["Airdrie"] * 4 + ["North"] * 4,
                           "rag": ["red", "amber", "green", None] * 2, "actual": [1, 2, 3, 4, 2, 3, 4, 5],
                           "target": [3.0] * 8, "period": ["wk"] * 8, "unit": ["days"] * 8})
    spec = run_chart(values).to_dict()
    axes = {layer["encoding"]["x"]["axis"]["format"] for layer in spec["layer"]}
    assert axes == {"%d %b %Y"}  # a month's weeks: "08 Apr 2018", not "Apr 2018" three times or a bare axis
    svg = vlc.vegalite_to_svg(spec)
    assert "08 Apr 2018" in svg and "15 Apr 2018" in svg
    # The places by their dashes (and named at each line's end), RAG by colour and shape: one legend each.
    assert sorted({title for _, title in _legends(spec)}) == ["Locality", "RAG"]
    assert svg.count(">Locality<") == 1 and svg.count(">RAG<") == 1

    long = values.assign(period_start=[*pd.date_range("2017-01-01", periods=4, freq="QS")] * 2)
    assert {layer["encoding"]["x"]["axis"]["format"] for layer in run_chart(long).to_dict()["layer"]} == {"%b %Y"}
