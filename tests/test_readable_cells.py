"""What a board member reads in a table or on a chart's axis is whole and in words: the Localities metrics laid out
to fit the page, periods named as people say them, a blank status shown as a missing value, and long milestone and
risk titles shown in full (wrapped) rather than cut."""

from __future__ import annotations

import json
import re
from datetime import date

import pandas as pd
import pytest
from conftest import AS_AT

from data_model import registers
from data_model.rag import RagRules
from data_model.rollups import Filters
from presentation.metric_view import MAX_COLUMNS, by_place, latest_table, period_words
from presentation.milestone_view import LABEL_CHARS, due_words, timeline
from presentation.rag_view import MISSING, status_words
from ui.tables import wrapping_cells


def _latest(metrics: int, places: int) -> pd.DataFrame:
    """``registers.latest_metrics`` rows: every metric's latest value in every place, green."""
    rows = [{"metric_id": m, "name": f"Metric {m} with a long name (per 1,000 people, monthly)", "locality": f"Place {p}",
             "period": "2018-07", "period_start": pd.Timestamp("2018-07-01"), "target": 10.0, "actual": 5.0 + p,
             "unit": "count", "direction": "lower", "rag": "green"}
            for m in range(metrics) for p in range(places)]
    return pd.DataFrame(rows)


def _verdicts(latest: pd.DataFrame) -> list[str]:
    return ["Green"] * len(latest)


def test_localities_metrics_put_places_down_the_side_when_there_are_fewer_metrics():
    latest = latest_table(_latest(3, 6))  # North Lanarkshire's shape: three metrics in six places
    tables = by_place(latest, _verdicts(latest))
    assert len(tables) == 1
    (only,) = tables
    assert only["Locality"].tolist() == [f"Place {p}" for p in range(6)]  # a row a place, as the RAG table above
    # every place's latest is July 2018: said once, after the metric's name
    assert list(only.columns[1:]) == [f"Metric {m} with a long name (per 1,000 people, monthly), July 2018"
                                      for m in range(3)]
    assert only.loc[0, "Metric 0 with a long name (per 1,000 people, monthly), July 2018"] == "5 (Green)"


def test_many_metrics_go_down_the_side_and_many_of_both_split_into_narrow_tables():
    latest = latest_table(_latest(8, 3))
    (only,) = by_place(latest, _verdicts(latest))
    assert list(only.columns) == ["Metric", "Place 0", "Place 1", "Place 2"] and len(only) == 8

    latest = latest_table(_latest(9, 10))  # more of both than fit across the page at 1024 px
    tables = by_place(latest, _verdicts(latest))
    assert all(len(t.columns) <= 1 + MAX_COLUMNS for t in tables)  # the row names and a few columns, no more
    across = [c for t in tables for c in t.columns[1:]]
    assert len(across) == 9 and len(set(across)) == 9  # every metric once, none lost between the tables
    assert all(t["Locality"].tolist() == [f"Place {p}" for p in range(10)] for t in tables)


def test_a_place_without_a_metric_says_it_is_missing():
    latest = latest_table(_latest(2, 3).iloc[:-1])  # the last place has no value of the second metric
    (only,) = by_place(latest, _verdicts(latest))
    assert only.set_index("Locality").loc["Place 2", "Metric 1 with a long name (per 1,000 people, monthly), July 2018"] \
        == MISSING


def test_a_metric_value_carries_its_units_sign_and_the_unit_reads_in_words():
    """"70 (Red)" for a percentage read as a count of 70; a Unit column of "percent" and "gbp" is the store's code."""
    latest = _latest(2, 2).assign(unit=["percent", "percent", "gbp", "gbp"], actual=[70.0, 68.5, 1200.0, 950.0])
    table = latest_table(latest)
    assert set(table["Unit"]) == {"Per cent (%)", "Pounds (£)"}
    (only,) = by_place(table, _verdicts(table))
    cells = only.set_index("Locality")
    assert cells.loc["Place 0", "Metric 0 with a long name (per 1,000 people, monthly), July 2018"] == "70% (Green)"
    assert cells.loc["Place 1", "Metric 1 with a long name (per 1,000 people, monthly), July 2018"] == "£950 (Green)"


def test_a_place_whose_latest_value_is_of_another_period_says_which():
    latest = _latest(1, 2)
    latest.loc[1, ["period", "period_start"]] = ["2018-05", pd.Timestamp("2018-05-01")]  # Place 1 is behind
    (only,) = by_place(latest_table(latest), ["Green", "Green"])
    cells = only.set_index("Locality")["Metric 0 with a long name (per 1,000 people, monthly)"]
    assert cells.tolist() == ["5 (Green), July 2018", "6 (Green), May 2018"]
    assert latest_table(_latest(1, 1).assign(unit=["beds open"]))["Unit"].tolist() == ["beds open"]  # as written


@pytest.mark.parametrize(("label", "start", "words"), [
    ("2018-07", "2018-07-01", "July 2018"),
    ("2016-17 Q1", "2016-04-01", "Q1 2016-17 (Apr–Jun 2016)"),
    ("2016-17 Q4", "2017-01-01", "Q4 2016-17 (Jan–Mar 2017)"),
    ("2016-17", "2016-04-01", "Financial year 2016-17"),
    ("2011-12", "2011-04-01", "Financial year 2011-12"),  # the sample budget's years: "2011-12" is not December
    ("2011-12", "2011-12-01", "December 2011"),
    ("2018-07-02", "2018-07-02", "2 Jul 2018"),
    ("2018-07-02 to 2018-07-08", "2018-07-02", "2 Jul 2018 to 8 Jul 2018"),
    ("2016", "2016-01-01", "2016"),
    ("", None, "No period"),
])
def test_periods_are_named_in_words(label, start, words):
    assert period_words(label, pd.Timestamp(start) if start else None) == words


def test_the_metrics_table_names_its_periods_in_words(engine, board):
    """The Metrics page's latest-values table, from a real board: no raw "2016-17 Q2" or "2018-07" label."""
    filters, rules = Filters(board["id"], as_at=AS_AT), RagRules()
    latest = registers.latest_metrics(engine, filters, rules)
    assert not latest.empty
    periods = latest_table(latest)["Period"]
    assert not periods.str.fullmatch(r"\d{4}-\d{2}( Q\d)?").any(), periods.tolist()
    assert periods.tolist() == [period_words(p, s) for p, s in zip(latest["period"], latest["period_start"],
                                                                   strict=True)]


def test_the_spc_readings_and_the_tables_name_a_month_the_same_way():
    from presentation.spc_view import SpcSettings, series_inputs

    values = pd.DataFrame({"metric_id": [1, 1], "name": ["Waits"] * 2, "top": [None] * 2, "locality": [None] * 2,
                           "unit": ["days"] * 2, "direction": ["lower"] * 2, "period": ["2018-07", "2018-08"],
                           "period_start": pd.to_datetime(["2018-07-01", "2018-08-01"]),
                           "target": [3.0] * 2, "actual": [2.0, 4.0]})
    (series,) = series_inputs(values, SpcSettings())
    assert list(series.labels) == [period_words("2018-07"), period_words("2018-08")] == ["July 2018", "August 2018"]


def test_a_blank_milestone_status_reads_as_missing_like_every_other_blank_cell():
    shown = status_words(pd.Series(["in_progress", None, "complete"]))
    assert shown.tolist() == ["In progress", MISSING, "Complete"]
    assert MISSING == "—"


def test_a_wrapping_table_shows_dates_blanks_and_tracker_text_as_text():
    frame = pd.DataFrame({"due": [pd.Timestamp("2016-09-30"), None], "title": ["[Sign in](https://evil.example)", ""],
                          "owner": [None, "Jo"], "score": [12.0, 2.5]})
    cells = wrapping_cells(frame, {"due": "Due", "title": "Risk", "owner": "Owner", "score": "Score"})
    assert list(cells.columns) == ["Due", "Risk", "Owner", "Score"]
    assert cells["Due"].tolist() == ["30\u00a0Sep\u00a02016", MISSING]  # a date never wraps over two lines
    assert cells["Owner"].tolist() == [MISSING, "Jo"] and cells["Score"].tolist() == ["12", "2.5"]
    # st.table reads each cell as markdown: the link is escaped, so it shows as the text written.
    assert cells["Risk"].tolist() == ["\\[Sign in\\](https:\u200b//evil.example)", MISSING]


def test_an_account_s_email_copies_as_written_and_a_tracker_s_address_stays_text():
    frame = pd.DataFrame({"email": ["jo_smith@rutland.gov.uk", "not an address"], "owner": ["help@evil.example", "Jo"]})
    cells = wrapping_cells(frame, {"email": "Email", "owner": "Owner"}, addresses=("email",))
    # The app's own account: a mailto link whose text holds no hidden character, so a copied address works.
    assert cells["Email"].tolist() == ["[jo\\_smith@rutland.gov.uk](mailto:jo_smith@rutland.gov.uk)", "not an address"]
    assert "\u200b" not in cells["Email"][0]
    assert cells["Owner"][0] == "help\u200b@evil.example"  # tracker text: never a link


LONG = ("Integrated care coordinator working in Rutland GP surgeries to offer additional support to people "
        "identified by GPs as frequently admitted to hospital, with a review of the first six months by the board")


def _axis_labels(spec: dict) -> list[list[str]]:
    """The lines of each milestone's label on the timeline's axis (the labelExpr's list, by row)."""
    axis = next(layer["encoding"]["y"]["axis"] for layer in spec["layer"] if "axis" in layer["encoding"].get("y", {}))
    assert axis["labelLimit"] == 0  # no cut at the axis's width
    return json.loads(re.fullmatch(r"(.*)\[datum\.value\]", axis["labelExpr"])[1])


def test_a_long_milestone_title_shows_whole_on_the_timeline_axis():
    df = pd.DataFrame({"title": [LONG, "Short one"], "due": pd.to_datetime(["2017-03-31", "2017-01-31"]),
                       "start": [pd.NaT, pd.NaT], "completed": [pd.NaT, pd.NaT], "baseline_due": [pd.NaT, pd.NaT],
                       "rag": ["amber", "green"], "workstream": ["Crisis"] * 2, "owner": ["Jo", None],
                       "slippage_days": [None, None]})
    spec = timeline(df, date(2017, 3, 1), None).to_dict()
    labels = _axis_labels(spec)  # in date order: "Short one" is due first
    assert " ".join(line for line in labels[1] if line) == LONG  # every word, in order, over several lines
    assert all(len(line) <= LABEL_CHARS for label in labels for line in label)
    assert [line for line in labels[0] if line] == ["Short one"]
    assert len(labels[0]) == len(labels[1])  # equal heights, so each label sits centred on its bar
    assert spec["height"] >= 12 * len(labels[0]) * 2  # each row tall enough for the longest label


@pytest.mark.parametrize("text", [
    "[Session expired: sign in again](https://evil.example)", "![x](https://evil.example/x.png)",
    '<a href="https://evil.example">x</a>', "&lt;script&gt;", "https://evil.example help@evil.example www.evil.example",
    "**bold** _it_ `code` $x^2$ ~~gone~~", ":red[alarm] :material/home:", "# Heading", "- a list", "1. a list",
    "> quoted", "a | pipe", "---", "+ plus", "2) two",
])
def test_a_table_cell_shows_tracker_text_as_written_and_never_as_markup(text):
    from test_hostile_text import markup, shown

    from presentation.safe import cell_md

    assert not markup(cell_md(text)) and shown(cell_md(text)) == text


def test_ordinary_text_in_a_table_cell_is_left_as_it_is():
    from presentation.safe import cell_md

    for text in ("SPC: Concern (high) 1; RAG: Red 2", "Area-wide (no locality given)", "£2,061,000", "Q1 2016-17",
                 "Enablers › E1 ENABLERS", "Red 4 · Green 4", "2.5", "-£40", "#1 priority", "2016-17 Q1"):
        assert cell_md(text) == text


def test_days_to_a_due_date_read_in_words():
    assert [due_words(d) for d in (-27, -1, 0, 1, 13, None)] == [
        "27 days overdue", "1 day overdue", "Due today", "Due in 1 day", "Due in 13 days", None]


def test_a_budget_variance_says_over_or_under_in_words():
    from presentation.budget_view import variance_words

    assert variance_words(-15000.0, -9.7) == "£15,000 under (9.7%)"
    assert variance_words(4000.0, 4.7) == "£4,000 over (4.7%)"
    assert variance_words(0.2, 0.0) == "On plan"
    assert variance_words(float("nan"), None) == ""
