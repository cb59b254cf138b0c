"""A risk's trend as a board member reads it: "Up (worse)" and "Down (better)", not a bare "Up" that leaves them to
guess which way is bad, on the Risks page and in the board pack alike. The board is the change trackers' version 2,
whose upload re-rated Rising 9 to 16, Falling 16 to 4, and Swaps ratings 3 × 5 to 5 × 3 (15 both times)."""

from __future__ import annotations

import pytest
from change_trackers import AFTER, BOARD
from signed_in import open_page

from exports.content import build_content

EXPECTED = {"Rising": "Up (worse)", "Falling": "Down (better)", "Swaps ratings": "Same"}


@pytest.fixture
def app(app_database, monkeypatch, change_board):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    change_board(2)


def test_the_risks_page_says_whether_a_trend_is_worse_or_better(app):
    at = open_page("risks.py", board=BOARD, as_at=AFTER.isoformat())
    assert not at.exception, at.exception
    # All open risks, the tab open first: a grid of every open risk, its columns named as the page labels them.
    (listed,) = [d.value for d in at.dataframe if "trend" in d.value.columns]
    trends = dict(zip(listed["title"], listed["trend"], strict=True))
    assert {title: trends[title] for title in EXPECTED} == EXPECTED
    assert not {"Up", "Down"} & set(trends.values())


def test_the_packs_risks_say_it_in_the_same_words(engine, change_board):
    change_board(2)
    content = build_content(engine, BOARD, as_at=AFTER, charts=False)
    printed = {}
    for section in content.sections:
        columns = [c.title for c in section.risks.columns]
        printed.update({row[columns.index("Risk")]: row[columns.index("Trend")] for row in section.risks.rows})
    assert {title: printed[title] for title in EXPECTED} == EXPECTED
    every = next(d for d in content.datasets if d.name == "Risks")  # the Excel pack's Risks sheet
    columns = [c.title for c in every.columns]
    assert {row[columns.index("Risk")]: row[columns.index("Trend")] for row in every.rows
            if row[columns.index("Risk")] in EXPECTED} == EXPECTED
