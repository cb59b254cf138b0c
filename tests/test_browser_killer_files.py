"""A lead uploads each file that once took the whole server down: each is refused with a sentence on the page, and
the server goes on serving, to that lead and to a board member reading another page at the same time."""

import pytest
from browser import ROOT, add_account, app_server, launch_chromium, open_as, sign_in, wait_idle
from killers import KILLERS

ADMIN, VIEWER, PASSWORD = "admin@killers.example.org", "viewer@killers.example.org", "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.any_database]


@pytest.fixture(scope="module")
def browser():
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        b = launch_chromium(p)
        yield b
        b.close()


def test_killer_uploads_are_refused_and_the_server_keeps_serving_everyone(browser, sample_boards, db_url, tmp_path):
    from playwright.sync_api import expect

    files = []
    for name, (make, words) in sorted(KILLERS.items()):
        # The upload box takes .xlsx, .xlsm and .csv: a .xls or .ods renamed is what reaches the reader.
        upload_name = name if name.endswith(".xlsx") else name.replace(".", "-") + ".xlsx"
        path = tmp_path / upload_name
        path.write_bytes(make())
        files.append((path, words))
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    add_account(db_url, VIEWER, PASSWORD)
    with app_server(db_url) as base:
        lead = browser.new_page(viewport={"width": 1400, "height": 1000})
        lead.goto(f"{base}/upload?board=rutland-hwb")
        wait_idle(lead)
        sign_in(lead, ADMIN, PASSWORD)
        expect(lead.get_by_text("Tracker file")).to_be_visible(timeout=60_000)
        for path, words in files:
            lead.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(path))
            expect(lead.get_by_test_id("stAlert").filter(has_text="can't be loaded").first).to_contain_text(
                f"{path.name} can't be loaded", timeout=60_000)
            # A few problems are listed in a table that wraps (st.table), so every word of them shows.
            expect(lead.get_by_test_id("stTable").first).to_contain_text(words, timeout=60_000)

        # Another person, in another browser session, reads another page of the same server.
        reader = open_as(browser, base, "overview?board=rutland-hwb", db_url, VIEWER, PASSWORD, "rutland-hwb", "viewer")
        expect(reader.get_by_role("heading", name="By workstream")).to_be_visible(timeout=60_000)
        expect(reader.get_by_test_id("stMain")).to_contain_text("Rutland Health and Wellbeing Board", timeout=60_000)

        # And the lead's next, ordinary file reads as it always did.
        lead.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(
            str(ROOT / "sample_data" / "rutland-hwb" / "bcf-risks.xlsx"))
        expect(lead.get_by_text("Loading this file will make")).to_be_visible(timeout=60_000)
        reader.close()
        lead.close()
