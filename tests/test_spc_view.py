"""The SPC views built from metric values as the database returns them: series per place with missing months as
gaps, the board's settings applied, a valid Vega-Lite chart with its marks, and the SPC-or-RAG cells."""

from datetime import date

import altair as alt
import pandas as pd
import pytest

from data_model.spc import MetricSpc, SpcSettings
from presentation.spc_view import board_series, chart_summary, metric_cells, spc_chart, summary_table


def months(n: int, start: date = date(2015, 4, 1)) -> list[pd.Timestamp]:
    return [pd.Timestamp(start.year + (start.month - 1 + k) // 12, (start.month - 1 + k) % 12 + 1, 1) for k in range(n)]


def values_frame(rows: list[tuple]) -> pd.DataFrame:
    """(metric_id, name, locality, period_start, actual, target, direction, top) as registers.metric_values gives."""
    return pd.DataFrame([{
        "metric_id": m, "top": top, "workstream": top, "name": name, "unit": "count", "direction": d,
        "period": f"{p:%Y-%m}", "period_start": p, "target": t, "actual": a, "locality": loc, "rag": "green"}
        for m, name, loc, p, a, t, d, top in rows])


HAND = [10, 12, 11, 13, 12, 14, 13, 15, 14, 12, 11, 13, 12]  # limits 8.47 to 16.45 (tests/test_spc.py)


def test_a_missing_month_becomes_a_gap_and_the_sums_leave_it_out():
    when = months(14)
    rows = [(1, "Admissions", None, p, v, 8, "lower", "Crisis") for p, v in zip(when[:2] + when[3:], HAND, strict=True)]
    (s,) = board_series(values_frame(rows), SpcSettings())
    assert len(s.result.points) == 14 and s.result.missing == 1 and s.result.points[2].value is None
    assert round(s.result.points[0].upper, 2) == 16.45
    assert s.result.points[0].period == "April 2015" and s.result.options.direction == "decrease"
    assert s.result.assurance == "consistent_fail"  # lower is better, and the target 8 is below the lower limit
    assert "1 period missing" in s.result.reading


def test_each_place_is_its_own_series_and_the_settings_reach_the_calculation():
    when = months(26)
    values = [10, 11] * 13
    rows = [(7, "Delays", loc, p, v + (10 if loc == "South" else 0), None, "higher", "Flow")
            for loc in ("North", "South") for p, v in zip(when, values, strict=True)]
    settings = SpcSettings(run_length=7, metrics=((7, MetricSpc(baseline=12, recalculate_from=("2016-06-01",))),))
    series = board_series(values_frame(rows), settings)
    assert [s.locality for s in series] == ["North", "South"]
    north = series[0].result
    assert north.options.shift_points == 7 and north.options.recalculate_at == (14,)
    assert [round(sec.mean, 2) for sec in north.sections] == [10.5, 10.5] and north.sections[0].baseline_points == 12
    assert [p.in_baseline for p in north.points].count(True) == 12


def test_the_chart_is_valid_vega_lite_with_its_lines_marks_and_a_text_alternative():
    when = months(26)
    rows = [(7, "Delays", None, p, v, 10.8, "higher", "Flow") for p, v in zip(when, [10, 11] * 13, strict=True)]
    settings = SpcSettings(metrics=((7, MetricSpc(baseline=12, recalculate_from=("2016-06-01",))),))
    (s,) = board_series(values_frame(rows), settings)
    with alt.utils.schemapi.debug_mode(True):
        spec = spc_chart(s, True).to_dict(validate=True)
    data = [row for rows in spec["datasets"].values() for row in rows]
    assert {r.get("line") for r in data} >= {"Mean", "Upper process limit", "Lower process limit",
                                             "Upper two-sigma line", "Lower two-sigma line", "Target"}
    assert sorted(r["mark"] for r in data if "mark" in r) == ["Baseline ends", "Recalculated"]
    assert chart_summary(s).startswith("26 values, April 2015 to May 2017. Process limits 7.84 to 13.16")


def test_the_summary_table_and_the_matrix_cells_say_spc_or_rag():
    long = [(1, "Admissions", None, p, v, 9, "lower", "Crisis") for p, v in zip(months(13), HAND, strict=True)]
    short = [(2, "Satisfaction", None, p, 90, 93, "higher", "Crisis") for p in months(3)]
    series = board_series(values_frame(long + short), SpcSettings())
    table = summary_table(series).set_index("Metric")
    assert table.loc["Admissions", ["Variation", "Assurance"]].tolist() == ["Common cause", "Hit and miss"]
    assert table.loc["Satisfaction", ["Variation", "Assurance"]].tolist() == ["none yet (3 of 13 points)"] * 2
    assert table.loc["Satisfaction", "Reading"].startswith("Run chart: 3 points")
    latest = pd.DataFrame([{"metric_id": 1, "top": "Crisis", "locality": None, "actual": 12, "rag": "red"},
                           {"metric_id": 2, "top": "Crisis", "locality": None, "actual": 90, "rag": "amber"},
                           {"metric_id": 3, "top": None, "locality": None, "actual": 5, "rag": None}])
    assert metric_cells(latest, series, "root") == {"Crisis": "SPC: Common cause 1; RAG: Amber 1",
                                                    "(no workstream)": "not rated 1"}


@pytest.mark.slow  # builds and loads the synthetic set
def test_the_synthetic_set_gives_40_metrics_of_36_points_that_spc_can_read(tmp_path, db_url, engine):
    from sqlalchemy import func, select

    from data_model import registers
    from data_model.rag import RagRules
    from data_model.rollups import Filters
    from data_model.tables import Board, Metric, MetricValue
    from sample_data.synthetic import build, load

    load(build(tmp_path, boards=1, milestones=4, risks=2, budget_amounts=12), db_url)
    with engine.connect() as conn:
        counts = [conn.execute(select(func.count()).select_from(t.__table__)).scalar_one() for t in (Metric, MetricValue)]
        board_id = conn.execute(select(Board.__table__.c.id)).scalar_one()
    assert counts == [40, 40 * 36]
    series = board_series(registers.metric_values(engine, Filters(board_id, as_at=date(2020, 1, 1)), RagRules()),
                          SpcSettings())
    assert len(series) == 40 and {s.result.values for s in series} == {36}
    found = {r for s in series for p in s.result.points for r in p.rules}
    assert found == {"outside_limits", "shift", "trend", "two_of_three"}


def test_a_short_weekly_series_names_each_week_once_on_its_axis():
    import vl_convert as vlc

    weeks = [pd.Timestamp("2018-04-02") + pd.Timedelta(weeks=k) for k in range(4)]
    rows = [(1, "Delayed discharges", "Airdrie", p, v, 25, "lower", None) for p, v in zip(weeks, [31, 29, 27, 25],
                                                                                            strict=True)]
    (s,) = board_series(values_frame(rows), SpcSettings())
    spec = spc_chart(s).to_dict()
    svg = vlc.vegalite_to_svg(spec)
    labels = [t for t in ("08 Apr 2018", "15 Apr 2018", "22 Apr 2018") if t in svg]
    assert len(labels) >= 2, "a month of weekly points names its weeks, not 'Apr 2018' three times"
    assert svg.count(">Apr 2018<") == 0

    rows = [(1, "Admissions", None, p, v, 8, "lower", None) for p, v in zip(months(13), HAND, strict=True)]
    (s,) = board_series(values_frame(rows), SpcSettings())
    assert "Apr 2015" in vlc.vegalite_to_svg(spc_chart(s).to_dict())  # a year of months: by month


def _svg_labels(spec: dict) -> tuple[dict[str, tuple[float, float]], list[str]]:
    """The chart as drawn: where each line's name is written (x, y), and the axis's month labels."""
    import re

    import vl_convert as vlc

    svg = vlc.vegalite_to_svg(spec)
    names = {m[3]: (float(m[1]), float(m[2])) for m in re.finditer(
        r'<text[^>]*transform="translate\(([-\d.]+),([-\d.]+)\)"[^>]*>(Target|Mean|Upper process limit)</text>', svg)}
    return names, re.findall(r">([A-Z][a-z]{2} \d{4})<", svg)


def test_a_target_near_the_mean_is_named_apart_from_it():
    rows = [(1, "Days delayed", None, p, v, 12.2, "lower", None) for p, v in zip(months(13), HAND, strict=True)]
    (s,) = board_series(values_frame(rows), SpcSettings())
    names, _ = _svg_labels(spc_chart(s).to_dict())
    assert abs(names["Target"][1] - names["Mean"][1]) < 12  # lines a few pixels apart...
    assert abs(names["Target"][0] - names["Mean"][0]) > 200  # ...named at opposite ends, never one over the other


def test_the_axis_ticks_as_often_as_the_values_come():
    three_months = [(1, "Reablement", None, p, v, 80, "higher", None)
                    for p, v in zip(months(3, date(2018, 4, 1)), [82, 84, 83], strict=True)]
    (s,) = board_series(values_frame(three_months), SpcSettings())
    _, ticks = _svg_labels(spc_chart(s).to_dict())
    assert ticks == ["Apr 2018", "May 2018", "Jun 2018"]  # months, not weeks between monthly values

    quarters = [pd.Timestamp(2016, m, 1) for m in (4, 7, 10)] + [pd.Timestamp(2017, 1, 1)]
    rows = [(1, "Falls", None, p, v, 1.6, "lower", None) for p, v in zip(quarters, [1.5, 1.7, 1.6, 1.6], strict=True)]
    (s,) = board_series(values_frame(rows), SpcSettings())
    _, ticks = _svg_labels(spc_chart(s).to_dict())
    assert ticks == ["Apr 2016", "Jul 2016", "Oct 2016", "Jan 2017"]  # a quarter's months between would be bare ticks
