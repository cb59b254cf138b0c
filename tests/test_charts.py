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


def _two_milestones(spread_days: int):
    import pandas as pd

    due = pd.to_datetime(["2011-11-30", "2011-11-30"]) + pd.to_timedelta([0, spread_days], unit="D")
    return pd.DataFrame({"title": ["Leads to specify work needed, assess risks and produce a broad timetable",
                                   "Co-locate the Multi-agency Screening Team at Flockton House"], "due": due,
                         "start": [pd.NaT] * 2, "completed": [pd.NaT] * 2, "rag": ["green", "red"],
                         "workstream": ["A"] * 2, "owner": ["Jo"] * 2, "baseline_due": [pd.NaT] * 2,
                         "slippage_days": [None] * 2})


def test_a_short_timeline_keeps_its_rows_high_enough_to_read_on_a_page_and_in_the_pack():
    """Streamlit sizes a page's chart whole (legend and axis inside its height): a page's timeline asks for its
    height to be the bars' own, so two rows are not squeezed into the pixels the legend leaves."""
    import re

    import vl_convert as vlc

    page = timeline(_two_milestones(120), AS_AT, None).to_dict()
    assert page["autosize"] == {"type": "fit-x", "contains": "padding"} and "width" not in page
    themed = {**page, "config": {**page["config"], "autosize": {"type": "fit", "contains": "padding"}}}  # Streamlit's
    svg = vlc.vegalite_to_svg(themed)
    paths = re.findall(r'aria-roledescription="bar" d="([^"]+)"', svg)
    ys = [[float(y) for y in re.findall(r"[-\d.]+,([-\d.]+)", d)] for d in paths]
    bars = [max(y) - min(y) for y in ys]  # each bar's height in pixels
    assert len(bars) == 2 and min(bars) >= 20, bars  # each bar a row's height, not a hairline
    pack = timeline(_two_milestones(120), AS_AT, None, width=480).to_dict()
    assert pack["width"] == 480 and "autosize" not in pack


def test_a_timeline_axis_names_each_month_once():
    import re

    import vl_convert as vlc

    wide = {**timeline(_two_milestones(120), AS_AT, None).to_dict(), "width": 900}  # a page's column at 1400 px
    svg = vlc.vegalite_to_svg(wide)
    months = re.findall(r">([A-Z][a-z]{2} \d{4})<", svg)
    assert months and len(months) == len(set(months)), months  # "Nov 2011" once, where it came twice
