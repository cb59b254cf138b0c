"""The browser benchmark's title-only page (bench/title_page.py) opens only in a server started for the benchmark
(DASHBOARD_BENCH_TITLE_PAGE=1): a board member's app never lists or opens it."""

from __future__ import annotations

import pytest
from conftest import ROOT
from signed_in import open_page

TITLE_PAGE = str(ROOT / "bench" / "title_page.py")


@pytest.mark.slow  # page runs
def test_the_title_page_opens_only_under_the_benchmark_switch(app_database, sample_boards, monkeypatch):
    monkeypatch.delenv("DASHBOARD_BENCH_TITLE_PAGE", raising=False)
    at = open_page()
    with pytest.raises(ValueError, match="Could not find a navigation page"):
        at.switch_page(TITLE_PAGE).run()

    monkeypatch.setenv("DASHBOARD_BENCH_TITLE_PAGE", "1")
    at = open_page()
    at.switch_page(TITLE_PAGE).run()
    assert not at.exception
    assert [t.value for t in at.title] == ["Title only"]
    assert at.sidebar.selectbox[0].label == "Board"  # in the app's own frame: sign-in, menu, board picker
