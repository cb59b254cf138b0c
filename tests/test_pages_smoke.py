"""Every page on every sample board opens without an exception (an AppTest per page, on the sample data)."""

import pytest
from conftest import ROOT
from signed_in import open_page

from sample_data import SAMPLE_BOARDS

PAGES = sorted(p.name for p in (ROOT / "pages").glob("*.py"))


@pytest.fixture
def sample_app(db_url, monkeypatch):
    import streamlit as st

    monkeypatch.setenv("DATABASE_URL", db_url)
    st.cache_resource.clear()
    st.cache_data.clear()
    yield
    st.cache_resource.clear()
    st.cache_data.clear()


def test_every_page_opens_on_every_sample_board(sample_app):
    for board in SAMPLE_BOARDS:
        for page in PAGES:
            at = open_page(page, board=board.slug)
            assert not at.exception, f"{page} on {board.slug}: {at.exception}"
            assert at.title, f"{page} on {board.slug} shows no title"
