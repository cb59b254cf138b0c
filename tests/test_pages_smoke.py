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
