"""The pack's charts are drawn in worker processes (exports.charts): what a worker draws is what the export would
draw itself, a worker that dies or is killed costs the pack nothing, and a chart the spec gets wrong is an error the
export reports, not a hang."""

from __future__ import annotations

import os
import signal

import pytest

from exports import charts

SPEC = {"data": {"values": [{"month": f"2016-{m:02d}-01", "spent": m * 1000} for m in range(1, 13)]},
        "mark": "line", "encoding": {"x": {"field": "month", "type": "temporal", "title": "Month"},
                                     "y": {"field": "spent", "type": "quantitative", "title": "Spent"}}}


def _spec(title: str) -> dict:
    return {**SPEC, "title": title}


@pytest.fixture
def fresh():
    charts.forget()
    yield
    charts.forget()


def test_a_chart_drawn_by_a_worker_is_the_chart_drawn_here(fresh):
    spec = _spec("Spend by month")
    drawn = charts.svg(spec)
    assert charts.worker_pids(), "no chart worker process is running"
    assert drawn == charts.draw(charts._key(spec))
    assert "Spend by month" in drawn and "<svg" in drawn


@pytest.mark.slow
def test_a_killed_worker_costs_the_pack_nothing(fresh):
    charts.warm()
    pids = charts.worker_pids()
    assert pids
    for pid in pids:
        os.kill(pid, signal.SIGKILL)
    spec = _spec("After the workers were killed")
    assert "After the workers were killed" in charts.svg(spec)  # drawn here, or by a new worker
    charts.forget()
    assert "Drawn again" in charts.svg(_spec("Drawn again"))
    assert set(charts.worker_pids()).isdisjoint(pids)  # the killed workers were replaced, not reused


@pytest.mark.slow
def test_a_spec_vega_lite_refuses_is_an_error_not_a_hang(fresh):
    with pytest.raises(Exception, match="(?i)mark|invalid|unknown|error"):
        charts.svg({"data": {"values": [{"a": 1}]}, "mark": "no-such-mark"})
    assert "Still drawing" in charts.svg(_spec("Still drawing"))  # the worker lives on
