"""The Board pack page: listed for every role on the board, offering the three downloads, building nothing (and
auditing nothing) until a button is clicked."""

from __future__ import annotations

from signed_in import open_page
from sqlalchemy import func, select

from data_model import accounts
from data_model.tables import AuditEvent


def _export_events(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(AuditEvent.action == "export")).scalar()


def test_a_viewer_opens_the_board_pack_page_and_sees_three_downloads(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    accounts.add_user(engine, "viewer@t.example.org", by="tests")
    accounts.grant(engine, "viewer@t.example.org", "test-board", "viewer", by="tests")
    at = open_page("board_pack.py", email="viewer@t.example.org", board="test-board")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Board pack"]
    labels = [b.proto.label for b in at.get("download_button")]
    assert labels == ["Download the PDF pack", "Download the Excel pack", "Download the HTML pack"]
    # Each file is deferred (built by the click), none was made for the page run.
    assert all(b.proto.deferred_file_id and not b.proto.url for b in at.get("download_button"))
    assert _export_events(engine) == 0  # drawing the page built nothing
