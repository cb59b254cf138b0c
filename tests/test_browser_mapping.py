"""The mapping step in a real browser: a lead uploads a tracker whose title column has a header the importer does not
know, says what the sheet holds and which header is the title, sees the preview follow, loads it; the next upload
of the same tracker reads with the remembered mapping and no clicks, and loads. Screenshots of the upload page go
to the test artifacts folder (conftest ``artifacts``)."""

from __future__ import annotations

from datetime import datetime

import pytest
from browser import add_account, app_server, open_as, wait_idle
from conftest import xlsx
from playwright.sync_api import expect

LEAD, PASSWORD = "maplead@browser.example.org", "correct horse battery staple"
BOARD, BOARD_NAME = "nottinghamshire-p2is", "Nottinghamshire P2IS Project Board"
HEADER = ["Workstream", "Initiative", "Owner", "Due", "Status"]
ROWS = [["Prevention", "Open the wellbeing hub", "Sam Patel", datetime(2016, 11, 30), "In progress"],
        ["Prevention", "Train the falls team", "Jo Rivers", datetime(2017, 1, 31), "Not started"]]

pytestmark = [pytest.mark.browser, pytest.mark.any_database]


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` as a person would: open it, click the option."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)  # the list is long and drawn only in part: filter it to the option, as a person may type
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def shot(page, path) -> None:
    """The whole page: Streamlit scrolls inside its main area, so the window is made as tall as that first."""
    height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
    page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height) + 80, 6000))})
    wait_idle(page)
    page.screenshot(path=str(path))
    page.set_viewport_size({"width": 1400, "height": 1000})


def metric(page, label: str):
    return page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(
        label, exact=True)).get_by_test_id("stMetricValue")


def test_a_lead_maps_an_unknown_header_loads_and_the_next_upload_needs_no_mapping(browser, sample_boards, db_url, tmp_path,
                                                                                 artifacts):
    first = tmp_path / "initiatives.xlsx"
    first.write_bytes(xlsx({"Plan": [HEADER, *ROWS]}))
    later = tmp_path / "initiatives-december.xlsx"
    later.write_bytes(xlsx({"Plan": [HEADER, *ROWS, ["Prevention", "Review the hub", "Sam Patel",
                                                     datetime(2017, 3, 31), "Not started"]]}))
    add_account(db_url, LEAD, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, f"upload?board={BOARD}", db_url, LEAD, PASSWORD, BOARD, "lead", ["Prevention"])
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text("Tracker file")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(first))
        wait_idle(page)
        # Really not recognised: no kind knows "Initiative", so no table is found and nothing can be loaded.
        expect(main).to_contain_text("Sheet 'Plan': not read (no tracker table found)")
        expect(page.get_by_role("button", name=f"Load into {BOARD_NAME}")).to_have_count(0)

        choose(page, "What sheet 'Plan' holds", "Milestone tracker")
        expect(main).to_contain_text("has no column for the title")
        expect(main).to_contain_text("Sheet 'Plan': read as a milestone tracker (chosen by you)")
        expect(metric(page, "Rows to load")).to_have_text("0")
        shot(page, artifacts / "upload-mapping-before.png")

        choose(page, "B · Initiative", "Title")
        expect(metric(page, "Rows to load")).to_have_text("2")  # the preview follows at once
        expect(main).to_contain_text("Loading this file will make 2 additions")
        expect(page.get_by_role("combobox", name="B · Initiative", exact=True)).to_have_value("Title")
        shot(page, artifacts / "upload-mapping-mapped.png")
        page.get_by_role("button", name=f"Load into {BOARD_NAME}").click()
        wait_idle(page)
        expect(main).to_contain_text(f"Loaded initiatives.xlsx for {BOARD_NAME}: 2 added")
        wait_idle(page)  # the run that shows it also replaces the file box: upload into the new one
        expect(page.get_by_test_id("stFileUploaderFile")).to_have_count(0)

        # The next upload of the same tracker: read with the remembered mapping, no clicks, and it loads.
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(later))
        wait_idle(page)
        expect(main).to_contain_text("Read using the mapping remembered from your last upload of this tracker")
        expect(main).to_contain_text("remembered from your last upload")
        expect(metric(page, "Rows to load")).to_have_text("3")
        expect(main).to_contain_text("Loading this file will make 1 addition,")
        shot(page, artifacts / "upload-mapping-remembered.png")
        page.get_by_role("button", name=f"Load into {BOARD_NAME}").click()
        wait_idle(page)
        expect(main).to_contain_text(f"Loaded initiatives-december.xlsx for {BOARD_NAME}: 1 added")
        page.close()
