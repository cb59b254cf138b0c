"""The Board pack page: listed for every role on the board, offering the three packs, building nothing (and
auditing nothing) until a Prepare button is pressed, then offering that file for download; the pack of a frozen snapshot (the newest of the latest meeting unless
another is chosen, kept in the link) or of the live data."""

from __future__ import annotations

from datetime import date

import pytest
from signed_in import open_page
from sqlalchemy import func, select

from data_model import accounts
from data_model.tables import AuditEvent


def _export_events(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).where(AuditEvent.action == "export")).scalar()


def test_a_viewer_prepares_a_pack_and_is_offered_its_download(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    accounts.add_user(engine, "viewer@t.example.org", by="tests")
    accounts.grant(engine, "viewer@t.example.org", "test-board", "viewer", by="tests")
    at = open_page("board_pack.py", email="viewer@t.example.org", board="test-board")
    assert not at.exception, at.exception
    assert [t.value for t in at.title] == ["Board pack"]
    assert _labels(at) == ["Prepare the PDF pack", "Prepare the Excel pack", "Prepare the HTML pack"]
    assert not at.get("download_button")
    assert _export_events(engine) == 0  # drawing the page built nothing

    at.button(key="pack_prepare_xlsx").click().run()
    assert not at.exception and not at.error
    downloads = at.get("download_button")
    assert [b.proto.label.split(" (")[0] for b in downloads] == ["Download the Excel pack"]
    assert downloads[0].proto.label.endswith(" KB)")  # its size, so a reader knows what is coming
    assert _export_events(engine) == 1  # built once, for the viewer, and audited
    at.run()  # kept while the choice stands: no second build
    assert [b.proto.label.split(" (")[0] for b in at.get("download_button")] == ["Download the Excel pack"]
    assert _export_events(engine) == 1


def _frozen_twice(engine) -> tuple:
    """The known board frozen for two meetings, the later one corrected once (its first snapshot superseded)."""
    from data_model.snapshots import take_snapshot

    june = take_snapshot(engine, "test-board", date(2016, 6, 28), "chair@pack.example.org")
    september = take_snapshot(engine, "test-board", date(2016, 9, 27), "chair@pack.example.org")
    correction = take_snapshot(engine, "test-board", date(2016, 9, 27), "chair@pack.example.org")
    return june, september, correction


def _labels(at) -> list[str]:
    return [b.label for b in at.button if b.key.startswith("pack_prepare_")]


@pytest.mark.slow
def test_the_pack_opens_on_the_newest_snapshot_of_the_latest_meeting(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    june, september, correction = _frozen_twice(engine)
    at = open_page("board_pack.py", board="test-board")
    assert not at.exception, at.exception
    picker = at.selectbox(key="pack_snapshot_test-board")
    assert picker.value == correction.id and at.query_params["snapshot"] == str(correction.id)
    assert picker.options[0] == "Now (not frozen: the live data)"
    assert picker.options[2].startswith(f"Superseded: meeting of 27 Sep 2016 · snapshot {september.id} · taken ")
    assert picker.options[2].endswith(f"by chair@pack.example.org · {september.hash[:12]}")
    assert f"hash `{correction.hash}`" in " ".join(c.value for c in at.caption)
    banner = at.info[0].value  # the pack's own words, not the views' "Every view shows..."
    assert banner.startswith("**This pack is built from the snapshot frozen for the meeting of 27 September 2016**")
    assert f"hash `{correction.hash[:12]}`" in banner and "Every view" not in banner
    assert "For the meeting of **Tuesday 27 September 2016** (Board meeting)." in [m.value for m in at.markdown]
    assert _labels(at) == ["Prepare the PDF pack", "Prepare the Excel pack", "Prepare the HTML pack"]
    assert _export_events(engine) == 0

    at.selectbox(key="pack_snapshot_test-board").set_value(june.id).run()
    assert at.query_params["snapshot"] == str(june.id)
    assert "For the meeting of **Tuesday 28 June 2016** (Board meeting)." in [m.value for m in at.markdown]
    at.selectbox(key="pack_snapshot_test-board").set_value(0).run()
    assert at.query_params["snapshot"] == "now"  # kept in the link, so a reload stays on the live data
    assert "Not frozen: the pack shows the board's live data" in " ".join(c.value for c in at.caption)
    assert not at.main.info  # no snapshot banner (the sidebar may say why the board opens at a past date)


@pytest.mark.slow
def test_the_link_chooses_the_snapshot_or_now(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    june, _september, _correction = _frozen_twice(engine)
    at = open_page("board_pack.py", board="test-board", snapshot=str(june.id))
    assert at.selectbox(key="pack_snapshot_test-board").value == june.id
    assert "This pack is built from the snapshot frozen for the meeting of 28 June 2016" in at.info[0].value
    at = open_page("board_pack.py", board="test-board", snapshot="now", as_at="2016-09-27")
    assert at.selectbox(key="pack_snapshot_test-board").value == 0 and not at.main.info
    at = open_page("board_pack.py", board="test-board", snapshot="4711")
    assert "asks for snapshot '4711', which" in at.warning[0].value
    assert at.selectbox(key="pack_snapshot_test-board").value == 0 and at.query_params["snapshot"] == "now"


@pytest.mark.slow
def test_a_board_without_snapshots_exports_the_live_data(engine, board, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = open_page("board_pack.py", board="test-board", as_at="2016-09-27")
    assert not at.exception, at.exception
    assert not [s for s in at.selectbox if s.key == "pack_snapshot_test-board"]  # nothing to pick: no snapshot yet
    assert "Not frozen" in at.caption[0].value
    assert "snapshot" not in at.query_params
    # The pack is the whole board's: no workstream or locality filter beside it to seem to narrow it, and a word why.
    assert not [s for s in at.sidebar.selectbox if s.label in ("Workstream", "Locality")]
    assert any(c.value.startswith("The pack covers the whole board: the workstream and locality filters do not apply")
               for c in at.sidebar.caption)
