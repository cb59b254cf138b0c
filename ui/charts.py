"""Altair charts on the pages, built once per input and kept as their Vega-Lite spec.

Building and validating an Altair chart costs tens of milliseconds (most of a page's run on a large board); the
spec it produces is plain data. So the pages pass a presentation builder and its arguments here: the spec, with its
data already in Arrow form, is built the first time and re-drawn from the cache after that.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Hashable

import altair as alt
import pandas as pd
import streamlit as st
from streamlit import dataframe_util

from presentation.safe import md
from ui.context import plain_key


@st.cache_data(ttl=600, max_entries=512, show_spinner=False)
def _spec(module: str, name: str, key: Hashable, _args: tuple) -> dict:
    # Schema validation is a developer's aid (the builders are tested with it on, in tests/) and most of a chart's
    # cost; the page builds without it.
    with alt.utils.schemapi.debug_mode(False), alt.data_transformers.enable("default", max_rows=None):
        chart = getattr(importlib.import_module(module), name)(*_args)
        spec = chart.to_dict(validate=False)
    spec["datasets"] = {name: dataframe_util.convert_anything_to_arrow_bytes(pd.DataFrame(values))
                        for name, values in spec.get("datasets", {}).items()}
    return spec


def show_chart(builder: Callable[..., alt.TopLevelMixin], *args, cache_key: Hashable = None, **options):
    """Draw ``builder(*args)`` with its text alternative; ``options`` go to st.vega_lite_chart (width, on_select...).

    Every builder describes its chart in a sentence (the spec's ``description``): the browser gives it to screen
    readers as the chart's name, and it is written under the chart for everyone, so no chart is the only way to read
    what it shows. ``cache_key`` names the chart's inputs cheaply (the data version and filters it was read with);
    without it the arguments themselves are hashed, which for a large frame costs more than the chart.
    """
    key = _cheap(cache_key if cache_key is not None else args)
    spec = _spec(module=builder.__module__, name=builder.__qualname__, key=key, _args=args)  # by keyword: cheaper
    drawn = st.vega_lite_chart(spec, **options)
    if spec.get("description"):
        st.caption(f"Chart: {md(spec['description'])}")
    return drawn


def _cheap(key: Hashable) -> Hashable:
    """The key as text when it is made of plain values (ui.context.plain_key): far cheaper for Streamlit to hash."""
    text = plain_key(key)
    return key if text is None else ("plain", text)


@st.cache_data(ttl=600, max_entries=64, show_spinner=False)
def _result(module: str, name: str, key: Hashable, _args: tuple):
    return getattr(importlib.import_module(module), name)(*_args)


def cached_result(fn: Callable, *args, cache_key: Hashable):
    """``fn(*args)`` computed once per ``cache_key`` (the data version and settings it depends on), such as every
    metric's SPC series for a board view."""
    return _result(module=fn.__module__, name=fn.__qualname__, key=_cheap(cache_key), _args=args)
