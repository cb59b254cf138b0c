"""Every page on every sample board opens without an exception (an AppTest per page, on the sample data)."""

import pytest
from conftest import ROOT
from signed_in import open_page

from sample_data import SAMPLE_BOARDS

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_the_page_opens_on_every_sample_board(page, app_database, sample_boards):
    for board in SAMPLE_BOARDS:
        at = open_page(page, board=board.slug)
        assert not at.exception, f"{page} on {board.slug}: {at.exception}"
        assert at.title, f"{page} on {board.slug} shows no title"


@pytest.mark.slow
@pytest.mark.parametrize("page", PAGES)
def test_the_page_opens_for_an_admin_before_any_board_exists(page, app_database, monkeypatch):
    """A fresh install without the samples: every page says what to do first, none fails."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = open_page(page)
    assert not at.exception, f"{page} with no boards: {at.exception}"
    said = " ".join(e.value for e in [*at.title, *at.info])
    assert at.title or "An administrator adds boards on **Users and boards**" in said, f"{page} with no boards: {said}"
