"""Every chart the pages draw is a valid Vega-Lite spec when built from a real board (the page skips validation)."""

import altair as alt
import pytest
from conftest import AS_AT

from data_model import registers
from data_model.rag import RagRules
from data_model.rollups import Filters, rag_matrix
from presentation.budget_view import period_chart
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
    }


def test_charts_validate_against_the_vega_lite_schema(charts):
    with alt.utils.schemapi.debug_mode(True):
        for name, chart in charts.items():
            spec = chart.to_dict(validate=True)
            data = [v for values in spec.get("datasets", {}).values() for v in values]
            assert data, f"the {name} chart has no data"
