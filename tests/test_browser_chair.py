"""A chair's meeting in a real browser: freeze a snapshot on the Snapshots page, see its hash, open What changed
against the previous meeting's snapshot, and download that snapshot's pack as PDF and Excel. Every check waits for
what it looks for (``expect``); the downloaded files are opened and read."""

import io
import re

import openpyxl
import pytest
from browser import add_account, app_server, open_as, save_screenshot, wait_idle
from change_trackers import BEFORE, BOARD, load
from playwright.sync_api import expect
from pypdf import PdfReader

from data_model import open_database, queries
from data_model.board_settings import add_meeting
from data_model.snapshots import list_snapshots, take_snapshot

CHAIR, PASSWORD = "chair@browser.example.org", "correct horse battery"
MEETING = "1 October 2016"

pytestmark = [pytest.mark.browser, pytest.mark.slow]


def prepare(db_url: str) -> tuple[dict, int]:
    """The board as the chair finds it: version 1 of its trackers frozen for the meeting of 1 September 2016, then
    a lead's version 2 (one milestone slips 31 days), and the 1 October meeting planned but not yet frozen."""
    engine = open_database(db_url)
    try:
        load(engine, 1)
        previous = take_snapshot(engine, BOARD, BEFORE, "last.chair@browser.example.org", as_at=BEFORE)
        load(engine, 2)
        board = queries.board(engine, BOARD)
        add_meeting(engine, int(board["id"]), BEFORE.replace(month=10), "October board", by="tests")
    finally:
        engine.dispose()
    return board, previous.id


def snapshots_of(db_url: str, board_id: int):
    engine = open_database(db_url)
    try:
        return list_snapshots(engine, board_id)
    finally:
        engine.dispose()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` (a pattern) in the select box labelled ``label``."""
    page.get_by_test_id("stSelectbox").filter(has_text=label).first.click()
    page.get_by_role("option", name=re.compile(option)).click()
    wait_idle(page)


def test_a_chair_freezes_a_snapshot_sees_what_changed_and_downloads_the_pack(browser, db_url):
    board, previous_id = prepare(db_url)
    add_account(db_url, CHAIR, PASSWORD)
    with app_server(db_url, DASHBOARD_SAMPLE_DATA="0") as base:
        page = open_as(browser, base, f"snapshots?board={BOARD}", db_url, CHAIR, PASSWORD, BOARD, "chair")
        main = page.get_by_test_id("stMain")

        # Snapshots: freeze one for the October meeting, and see its hash.
        expect(main).to_contain_text("Freeze a snapshot for a meeting")
        choose(page, "Meeting", f"^{MEETING}: October board")
        page.get_by_role("button", name="Freeze a snapshot").click()
        expect(main.get_by_test_id("stAlert")).to_contain_text(f"for the meeting of {MEETING}", timeout=120_000)
        frozen = snapshots_of(db_url, int(board["id"]))[0]
        assert (frozen.meeting.isoformat(), frozen.taken_by) == ("2016-10-01", CHAIR)
        expect(main.get_by_test_id("stAlert")).to_contain_text(f"Frozen: snapshot {frozen.id}")
        expect(main.get_by_test_id("stAlert")).to_contain_text(frozen.hash)
        save_screenshot(page, "chair-snapshots")

        # What changed, from the page's next step: from the previous meeting's snapshot to the one just frozen.
        page.get_by_role("link", name="What changed up to this snapshot").click()
        expect(main).to_contain_text(f"from the snapshot for the meeting of 1 September 2016 (snapshot {previous_id}")
        expect(main).to_contain_text(f"to the snapshot for the meeting of {MEETING} (snapshot {frozen.id}, hash "
                                     f"{frozen.short_hash}")
        expect(main.get_by_test_id("stCaptionContainer").filter(has_text="Slipped 1")).to_contain_text(
            "Added 1 · Removed 1 · Completed 1 · Slipped 1 · Brought forward 1")
        expect(page).to_have_url(re.compile(rf"[?&]from={previous_id}(&|$)"))  # a link that opens this comparison
        expect(page).to_have_url(re.compile(rf"[?&]to={frozen.id}(&|$)"))
        wait_idle(page)
        save_screenshot(page, "chair-what-changed")

        # Board pack: the snapshot just frozen, chosen for the chair; download its PDF and its Excel pack.
        page.get_by_role("link", name="Board pack", exact=True).click()  # the menu's
        expect(main).to_contain_text(f"the pack of snapshot {frozen.id}, hash {frozen.hash}")
        expect(main).to_contain_text(f"This pack is built from the snapshot frozen for the meeting of {MEETING}")
        wait_idle(page)
        save_screenshot(page, "chair-board-pack")
        page.get_by_role("button", name="Prepare the PDF pack").click()
        with page.expect_download(timeout=60_000) as pdf:
            page.get_by_role("button", name=re.compile(r"^Download the PDF pack \(")).click(timeout=300_000)
        assert pdf.value.suggested_filename == f"{BOARD}_2016-10-01_board-pack.pdf"
        text = "".join(p.extract_text() for p in PdfReader(pdf.value.path()).pages)
        assert board["name"] in " ".join(text.split())
        assert frozen.hash in "".join(text.split())  # however the cover wraps it

        page.get_by_role("button", name="Prepare the Excel pack").click()
        with page.expect_download(timeout=60_000) as workbook:
            page.get_by_role("button", name=re.compile(r"^Download the Excel pack \(")).click(timeout=300_000)
        assert workbook.value.suggested_filename == f"{BOARD}_2016-10-01_board-pack.xlsx"
        with open(workbook.value.path(), "rb") as f:
            book = openpyxl.load_workbook(io.BytesIO(f.read()))
        about = {row[0]: row[1] for row in book["About"].iter_rows(values_only=True) if row[0]}
        assert str(about["Snapshot"]).startswith(f"Number {frozen.id}, frozen ")
        assert frozen.hash in about["Content hash"]
        page.close()
