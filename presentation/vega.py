"""Charts written as plain Vega-Lite specs, for the charts the board pack prints many of.

Building a chart through Altair's encoding classes parses each part against Vega-Lite's schema (tens of
milliseconds a chart, most of a large pack's reading time). These builders write the same spec as plain data; the
tests check each against Vega-Lite's schema, and ``PlainChart`` lets the pages and the tests read it as they read an
Altair chart.
"""

from __future__ import annotations

import copy
from dataclasses import dataclass

import altair as alt

SCHEMA = alt.SCHEMA_URL  # the Vega-Lite version Altair writes, so a plain spec and an Altair one draw alike

# A date axis that names each tick once, by how often it ticks (Vega-Lite's ``axis``): the one home of the formats
# the metric charts (presentation.metric_view.time_axis) and the timelines (milestone_view.span_axis) choose from.
DATE_AXES = {
    "week": {"format": "%d %b %Y", "tickCount": "week", "labelOverlap": True},
    "month": {"format": "%b %Y", "tickCount": "month", "labelOverlap": True},
    "quarter": {"format": "%b %Y", "tickCount": {"interval": "month", "step": 3}, "labelOverlap": True},
    "year": {"format": "%Y", "tickCount": "year", "labelOverlap": True},
}


def date_axis(step: str) -> dict:
    """A copy of ``DATE_AXES[step]``, safe for a spec to keep."""
    return copy.deepcopy(DATE_AXES[step])
VIEW = {"view": {"continuousHeight": 300, "continuousWidth": 300}}  # Altair's default view, as the pages have it


@dataclass(frozen=True)
class PlainChart:
    """A chart kept as its Vega-Lite spec, read as an Altair chart is (``to_dict``) by ui.charts and the tests.

    Reading a spec into Altair (``from_dict``) costs more than building it; the spec is all the page needs."""

    spec: dict

    def to_dict(self, validate: bool = True) -> dict:
        """A copy of the spec; ``validate`` checks it against Vega-Lite's schema first, as Altair's to_dict does."""
        if validate:  # raises on a spec the schema refuses
            (alt.LayerChart if "layer" in self.spec else alt.Chart).from_dict(self.spec, validate=True)
        return copy.deepcopy(self.spec)


def records(frame) -> list[dict]:
    """A frame's rows as the plain values a spec's dataset holds, written as Altair writes them (its own sanitiser:
    times as ISO text, NaN and NaT as null), so a plain spec draws as the Altair one did."""
    return alt.utils.sanitize_pandas_dataframe(frame).to_dict("records")
