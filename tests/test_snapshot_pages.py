"""Time travel in the app: every board view shown as frozen in a snapshot (?snapshot=ID), with the banner saying so,
unchanged by a later upload; the snapshot picker beside the filters; and the Snapshots page where a chair freezes one."""

from __future__ import annotations

import re
from datetime import date
from decimal import Decimal

import pandas as pd
import pytest
from change_trackers import later_upload
from conftest import AS_AT, ROOT, as_read
from signed_in import open_page

from data_model import accounts
from data_model.board_settings import add_meeting
from data_model.snapshots import take_snapshot

VIEWS = ["overview", "milestones", "risks", "budget", "metrics", "localities", "forward_plan"]


@pytest.fixture
def app(app_database, monkeypatch, board):
    """The app on the known board alone (no sample boards)."""
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")


def person(engine, role: str) -> str:
    email = f"{role}@pages.example.org"
    accounts.add_user(engine, email, by="tests")
    accounts.grant(engine, email, "test-board", role, by="tests")
    return email


def banners(at) -> str:
    """The banners' text as a person reads it: no markdown's bold or code marks."""
    return " ".join(as_read(b.value).replace("**", "").replace("`", "") for b in [*at.info, *at.warning])


@pytest.mark.slow
@pytest.mark.parametrize("view", VIEWS)
def test_every_board_view_of_a_snapshot_says_so_in_a_banner(app, engine, view):
    info = take_snapshot(engine, "test-board", AS_AT, "chair@pages.example.org")
    at = open_page(f"{view}.py", board="test-board", snapshot=str(info.id))
    assert not at.exception
    text = banners(at)
    assert "As frozen for the meeting of 27 September 2016" in text and f"hash {info.hash[:12]}…" in text
    assert "taken by chair@pages.example.org on " in text
    assert at.sidebar.selectbox(key="filter_snapshot_test-board").value == info.id


@pytest.mark.slow
def test_a_snapshot_shows_what_it_showed_whatever_is_uploaded_later(app, engine):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    later_upload(engine)
    frozen = open_page("milestones.py", board="test-board", snapshot=str(info.id), as_at="2017-01-01")
    assert not frozen.exception
    assert [(m.label, m.value) for m in frozen.metric] == [("Milestones", "7"), ("Overdue", "1"), ("Complete", "1"),
                                                            ("Undated", "1")]
    assert f"**As at** {AS_AT:%d/%m/%Y}" in [m.value for m in frozen.sidebar.markdown]  # pinned to the snapshot's
    titles = {t for df in frozen.dataframe if "title" in df.value.columns for t in df.value["title"]}
    assert "Brand new" not in titles and "Overdue" in titles
    live = open_page("milestones.py", board="test-board", as_at="2016-09-27")
    assert [(m.label, m.value) for m in live.metric][:3] == [("Milestones", "6"), ("Overdue", "0"), ("Complete", "2")]
    assert "As frozen" not in banners(live)


@pytest.mark.slow
def test_a_superseded_snapshot_says_so(app, engine):
    first = take_snapshot(engine, "test-board", AS_AT, "tests")
    second = take_snapshot(engine, "test-board", AS_AT, "tests")
    at = open_page("overview.py", board="test-board", snapshot=str(first.id))
    assert f"Superseded by a later snapshot of the same meeting (snapshot {second.id})" in banners(at)
    assert "Superseded" not in banners(open_page("overview.py", board="test-board", snapshot=str(second.id)))


@pytest.mark.slow
def test_the_picker_puts_the_snapshot_in_the_link_and_back_to_now(app, engine):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    at = open_page("risks.py", board="test-board", as_at="2016-09-27")
    picker = at.sidebar.selectbox(key="filter_snapshot_test-board")
    assert picker.value == 0 and "As frozen" not in banners(at)
    picker.set_value(info.id).run()
    assert at.query_params["snapshot"] == str(info.id) and "As frozen for the meeting" in banners(at)
    # The next page from the menu (its link carries no query) shows the same snapshot, not the live data.
    for name in [n for n in at.query_params if n != "board"]:
        del at.query_params[name]
    at.switch_page(str(ROOT / "pages" / "metrics.py")).run()
    assert at.query_params["snapshot"] == str(info.id) and "As frozen for the meeting" in banners(at)
    at.sidebar.selectbox(key="filter_snapshot_test-board").set_value(0).run()
    assert "snapshot" not in at.query_params and "As frozen" not in banners(at)
    for name in [n for n in at.query_params if n != "board"]:
        del at.query_params[name]
    at.switch_page(str(ROOT / "pages" / "risks.py")).run()  # and now stays now, as at the date chosen before
    assert "As frozen" not in banners(at) and "snapshot" not in at.query_params
    assert next(d for d in at.sidebar.date_input if d.label == "As at").value == AS_AT


@pytest.mark.slow
def test_a_link_to_a_snapshot_the_board_does_not_have_is_explained(app, engine):
    take_snapshot(engine, "test-board", AS_AT, "tests")
    for wanted in ("999", "latest"):
        at = open_page("overview.py", board="test-board", snapshot=wanted)
        assert not at.exception
        assert f"The link asks for snapshot '{wanted}', which Test Board does not have" in " ".join(
            as_read(w.value) for w in at.sidebar.warning)
        assert "snapshot" not in at.query_params and "As frozen" not in banners(at)


def test_a_chair_freezes_a_snapshot_on_the_snapshots_page(app, engine, board):
    add_meeting(engine, board["id"], AS_AT, "September board", by="tests")
    at = open_page("snapshots.py", email=person(engine, "chair"), board="test-board")
    assert at.selectbox(key="snapshot_meeting_test-board").value  # the board's meeting, chosen for the chair
    assert not at.exception
    # A meeting long past: freezing it now holds today's data, which the chair is told before they press the button.
    assert any("A snapshot frozen now holds the data as it is today, uploads since that meeting included" in c.value
               for c in at.caption)
    at.button(key="take_snapshot").click().run()
    assert not at.exception
    [done] = [s.value for s in at.success]
    listed = next(df.value for df in at.table if "Hash (sha256)" in df.value.columns)  # a table that wraps
    whole = re.search(r"[0-9a-f]{64}", done)[0]
    assert len(listed) == 1 and listed["Hash (sha256)"].iloc[0] == whole[:12] + "…"
    assert whole in at.code[0].value  # the whole hash, beneath, to copy
    assert as_read(listed["Taken by"].iloc[0]) == "chair@pages.example.org" and listed["State"].iloc[0] == "Current"
    assert listed["Meeting"].iloc[0] == "27\u00a0Sep\u00a02016"
    links = {link.proto.page.rsplit("/", 1)[-1]: link.proto for link in at.get("page_link")}
    snapshot_id = listed["No."].iloc[0]
    assert links["overview"].label.startswith(f"Open snapshot {snapshot_id}: 27 Sep 2016")
    assert f"snapshot={snapshot_id}" in links["overview"].query_string
    # The chair's next steps: what changed up to it, and its board pack.
    assert f"to={snapshot_id}" in links["what_changed"].query_string
    assert f"snapshot={snapshot_id}" in links["board_pack"].query_string


def test_freezing_a_meeting_again_with_nothing_changed_says_so_and_makes_no_copy(app, engine, board):
    add_meeting(engine, board["id"], AS_AT, "September board", by="tests")
    at = open_page("snapshots.py", email=person(engine, "chair"), board="test-board")
    at.button(key="take_snapshot").click().run()
    at.button(key="take_snapshot").click().run()  # pressed again, nothing uploaded since
    assert not at.exception and not at.error
    [said] = [i.value for i in at.info]
    assert said.startswith("Nothing has changed since snapshot") and "no new snapshot was made" in said
    listed = next(df.value for df in at.table if "Hash (sha256)" in df.value.columns)
    assert len(listed) == 1 and listed["State"].iloc[0] == "Current"
    later_upload(engine)  # a corrected tracker: now the same button makes a correction that supersedes the first
    at.button(key="take_snapshot").click().run()
    assert [s.value for s in at.success] and not at.info
    listed = next(df.value for df in at.table if "Hash (sha256)" in df.value.columns)
    assert len(listed) == 2 and listed["State"].str.startswith("Current, a correction of snapshot").any()


def test_a_viewer_reads_the_snapshots_but_has_no_button(app, engine):
    info = take_snapshot(engine, "test-board", AS_AT, "tests")
    at = open_page("snapshots.py", email=person(engine, "viewer"), board="test-board")
    assert not at.exception
    assert not [b for b in at.button if b.key == "take_snapshot"]
    listed = next(df.value for df in at.table if "Hash (sha256)" in df.value.columns)
    assert listed["Hash (sha256)"].tolist() == [info.hash[:12] + "…"]
    assert at.code[0].value == f"Snapshot {info.id} (27 Sep 2016): {info.hash}"


def in_order(frame: pd.DataFrame, backend: str) -> pd.DataFrame:
    """A table's rows as compared: as shown on SQLite; on PostgreSQL sorted on every column first, since rows the
    views order by a date alone (milestones due the same day) come in no fixed order there, and PostgreSQL's text
    collation is not SQLite's, while the snapshot's copy is always read by SQLite. PostgreSQL also sums integers as
    decimals, so a percentage worked out from sums may differ from SQLite's in its last binary digit."""
    frame = frame.reset_index(drop=True)
    if backend != "postgresql" or frame.empty:
        return frame
    frame = frame.map(lambda v: float(v) if isinstance(v, Decimal | float) else v)
    return frame.iloc[sorted(range(len(frame)), key=lambda i: [str(v) for v in frame.iloc[i]])].reset_index(drop=True)


@pytest.mark.slow
@pytest.mark.parametrize("slug", ["rutland-hwb", "north-lanarkshire-ijb"])
def test_a_fresh_snapshot_of_a_sample_board_shows_every_view_as_the_live_board_does(sample_boards, app_database, backend,
                                                                                  slug):
    """Frozen the moment before, a snapshot's views hold the same tables as the live views at its as-at date."""
    import os

    from data_model import open_database

    engine = open_database(os.environ["DATABASE_URL"])
    try:
        info = take_snapshot(engine, slug, date(2016, 9, 27), "tests")
    finally:
        engine.dispose()
    compared = 0
    for view in VIEWS:
        live = open_page(f"{view}.py", board=slug, as_at="2016-09-27")
        frozen = open_page(f"{view}.py", board=slug, snapshot=str(info.id))
        assert not live.exception and not frozen.exception, view
        assert "As frozen for the meeting of 27 September 2016" in banners(frozen)
        assert [t.value for t in frozen.title] == [t.value for t in live.title]
        for a, b in zip(live.dataframe, frozen.dataframe, strict=True):
            pd.testing.assert_frame_equal(in_order(b.value, backend), in_order(a.value, backend), check_dtype=False,
                                          check_exact=backend == "sqlite", obj=f"{slug} {view}")
            compared += 1
        for a, b in zip(live.table, frozen.table, strict=True):  # the wrapping tables (matrices, lists, registers)
            pd.testing.assert_frame_equal(in_order(b.value, backend), in_order(a.value, backend), check_dtype=False,
                                          obj=f"{slug} {view} table")
            compared += 1
        assert [m.value for m in frozen.metric] == [m.value for m in live.metric], view
        assert [m.value for m in frozen.main.markdown] == [m.value for m in live.main.markdown], view
    assert compared >= 10
