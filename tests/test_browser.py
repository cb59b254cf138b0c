"""The app in a real browser: sign-in before anything, deep links on a cold server, and a lead's upload from file
to change list. Every check waits for what it looks for (``expect``): pages render a moment after they load."""

import re

import pytest
from browser import ROOT, add_account, app_server, open_as, sign_in, wait_idle
from playwright.sync_api import expect

ADMIN, LEAD, PASSWORD = "admin@browser.example.org", "lead@browser.example.org", "correct horse battery"

pytestmark = pytest.mark.browser


@pytest.mark.any_database
@pytest.mark.parametrize(("path", "text"), [("upload", "Uploading for"), ("forward_plan", "Forward plan"),
                                            ("", "Boards")])
def test_deep_link_on_a_cold_server_runs_through_the_dashboard(browser, sample_boards, db_url, path, text):
    """The first request a new server gets must not run a page without dashboard.py (board picker, navigation). The
    database holds the sample boards already (the launcher's own first load is tested in test_launcher.py)."""
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    with app_server(db_url) as base:
        page = browser.new_page()
        page.goto(f"{base}/{path}?board=rutland-hwb")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        if path:
            expect(page.get_by_text(text)).to_have_count(0)  # nothing of the page before signing in
        sign_in(page, ADMIN, PASSWORD)
        expect(page.get_by_test_id("stMain")).to_contain_text(text)
        expect(page).to_have_url(re.compile(rf"/{path}\?"))  # the address asked for opens once signed in
        expect(page.get_by_test_id("stSidebar").get_by_text("Board", exact=True)).to_be_visible()  # dashboard.py's
        expect(page.get_by_role("link", name="Boards", exact=True)).to_be_visible()  # st.navigation's, not the folder's
        expect(page.get_by_text("Page not found")).to_have_count(0)
        page.close()


@pytest.mark.any_database
def test_lead_uploads_a_tracker_and_sees_what_changed(browser, sample_boards, db_url):
    add_account(db_url, LEAD, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "upload?board=nottinghamshire-p2is", db_url, LEAD, PASSWORD,
                       "nottinghamshire-p2is", "lead", ["Crisis response", "Enablers", "LTC Management",
                                                        "Unified Prevention"])
        main = page.get_by_test_id("stMain")
        expect(main).to_contain_text("Tracker file")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            str(ROOT / "sample_data" / "rutland-hwb" / "bcf-risks.xlsx"))
        wait_idle(page)
        expect(main).to_contain_text("bcf-risks.xlsx reads as a risk register")
        expect(main).to_contain_text("Loading this file will make 20 additions")
        page.get_by_role("button", name="Load into Nottinghamshire P2IS Project Board").click()
        wait_idle(page)
        expect(main).to_contain_text("Loaded bcf-risks.xlsx for Nottinghamshire P2IS Project Board: 20 added, "
                                     "0 updated, 0 removed")
        page.close()


@pytest.mark.postgresql_only
def test_two_app_servers_on_one_database_see_each_others_uploads(browser, backend, sample_boards, db_url):
    """A county runs several app servers on one PostgreSQL: an upload through one shows on the other at once."""
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    with app_server(db_url) as first, app_server(db_url) as second:
        reader = browser.new_page(viewport={"width": 1400, "height": 1000})
        reader.goto(f"{second}/?board=bradford-tig")
        wait_idle(reader)
        sign_in(reader, ADMIN, PASSWORD)
        # The card appears before its counts render: wait for the count itself, not the card.
        expect(reader.locator(".st-key-board-card-bradford-tig")).to_contain_text(re.compile(r"\b3 risks ·"))

        lead = browser.new_page(viewport={"width": 1400, "height": 1000})
        lead.goto(f"{first}/upload?board=bradford-tig")
        wait_idle(lead)
        sign_in(lead, ADMIN, PASSWORD)
        expect(lead.get_by_test_id("stMain")).to_contain_text("Tracker file")
        lead.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            str(ROOT / "sample_data" / "rutland-hwb" / "bcf-risks.xlsx"))
        wait_idle(lead)
        lead.get_by_role("button", name="Load into Bradford TIG Children's Sub-group").click()
        wait_idle(lead)
        expect(lead.get_by_test_id("stMain")).to_contain_text("20 added, 0 updated, 0 removed")

        reader.reload()  # a new browser session, still signed in by its cookie
        wait_idle(reader)
        expect(reader.locator(".st-key-board-card-bradford-tig")).to_contain_text(re.compile(r"\b23 risks ·"))
        lead.close()
        reader.close()


@pytest.mark.any_database
def test_a_chair_downloads_the_audit_trail_and_the_download_is_recorded(browser, sample_boards, db_url):
    import csv
    import io

    from sqlalchemy import select

    from data_model import open_database
    from data_model.tables import AuditEvent

    chair = "chair@browser.example.org"
    add_account(db_url, chair, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "audit?board=rutland-hwb", db_url, chair, PASSWORD, "rutland-hwb", "chair")
        expect(page.get_by_role("heading", name="Audit trail")).to_be_visible()
        expect(page.get_by_role("link", name="Audit trail")).to_be_visible()  # the menu has drawn...
        expect(page.get_by_role("link", name="Users and boards")).to_have_count(0)  # ...without the admin's page
        page.get_by_test_id("stDataFrame").first.hover()
        # Tables offer no download of their own (config: client.disableDataExport): only the audited button.
        expect(page.get_by_role("button", name="Download as CSV")).to_have_count(1)
        with page.expect_download() as download:
            page.get_by_test_id("stDownloadButton").get_by_role("button", name="Download as CSV").click()
        rows = list(csv.DictReader(io.StringIO(open(download.value.path(), encoding="utf-8-sig").read())))
        assert {r["board"] for r in rows} == {"Rutland Health and Wellbeing Board"}  # a chair's own board only
        assert any(r["detail"] == f"{chair}: chair" for r in rows)
        wait_idle(page)
        page.close()
    engine = open_database(db_url)
    with engine.connect() as conn:
        exports = conn.execute(select(AuditEvent.actor, AuditEvent.detail).where(AuditEvent.action == "export")).all()
    engine.dispose()
    assert [(a, d.split(",")[0]) for a, d in exports] == [(chair, "audit trail CSV")]


@pytest.mark.any_database
def test_a_viewer_typing_the_upload_address_is_refused(browser, sample_boards, db_url):
    viewer = "viewer@browser.example.org"
    add_account(db_url, viewer, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "?board=rutland-hwb", db_url, viewer, PASSWORD, "rutland-hwb", "viewer")
        expect(page.get_by_role("link", name="Overview")).to_be_visible()
        expect(page.get_by_role("link", name="Upload a tracker")).to_have_count(0)  # not in a viewer's menu
        page.goto(f"{base}/upload?board=rutland-hwb")  # typed into the address bar: a new session, still signed in
        wait_idle(page)
        expect(page.get_by_test_id("stMain")).to_contain_text("You don't have permission to upload trackers")
        expect(page.get_by_text("Tracker file")).to_have_count(0)
        expect(page.get_by_text("Uploading for")).to_have_count(0)
        expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
        page.close()
