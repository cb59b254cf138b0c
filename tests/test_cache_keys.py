"""The page cache's cheap keys (ui.context.plain_key): two different reads never share a key, and anything whose text
would not say all it holds is left to Streamlit's own hashing."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pandas as pd

from data_model.rag import RagRules
from data_model.rollups import Filters
from ui.context import plain_key


def test_reads_that_differ_in_any_filter_or_rule_get_different_keys():
    base = (Filters(1, None, None, date(2017, 3, 31)), RagRules(), "root")
    variants = [
        (Filters(2, None, None, date(2017, 3, 31)), RagRules(), "root"),
        (Filters(1, 7, None, date(2017, 3, 31)), RagRules(), "root"),
        (Filters(1, None, 7, date(2017, 3, 31)), RagRules(), "root"),
        (Filters(1, None, None, date(2017, 4, 1)), RagRules(), "root"),
        (Filters(1, None, None, date(2017, 3, 31)), RagRules(risk_red_from=16), "root"),
        (Filters(1, None, None, date(2017, 3, 31)), RagRules(budget_amber_pct=5.5), "root"),
        (Filters(1, None, None, date(2017, 3, 31)), RagRules(), "locality"),
        (Filters(1, None, None, date(2017, 3, 31)), RagRules(), "'root'"),
    ]
    keys = {plain_key(args) for args in [base, *variants]}
    assert None not in keys and len(keys) == len(variants) + 1
    assert plain_key(base) == plain_key((Filters(1, None, None, date(2017, 3, 31)), RagRules(), "root"))


def test_times_keep_their_zone_and_text_is_never_confused_with_a_number():
    assert plain_key((datetime(2017, 3, 31, 12, tzinfo=UTC),)) != plain_key((datetime(2017, 3, 31, 12),))
    assert plain_key((1,)) != plain_key(("1",)) != plain_key((1.0,))
    assert plain_key((None,)) != plain_key(("None",))


def test_frames_timestamps_and_lists_are_left_to_streamlit_hashing():
    for value in (pd.DataFrame({"a": [1]}), pd.Timestamp("2017-03-31"), [1, 2], {"a": 1}):
        assert plain_key((1, value)) is None
