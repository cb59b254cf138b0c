"""Journeys through the product as the people who use it, in a real browser on the real start command
(`python -m dashboard`, sample boards loaded): a board member follows an emailed link, a lead loads a messy tracker,
a viewer meets the pages they may not use, and a tour of every main page as the role that uses it. Each saves what it
saw (tests/browser.save_screenshot, test-artifacts/screens/ROLE-PAGE.png); scripts/docs_screens.py copies them into
docs/images/ for the role pages in docs/.

Already covered elsewhere, and not repeated here: cookies, sign-out and forged cookies (test_stay_signed_in.py), a
remembered mapping (test_browser_mapping.py), the chair's snapshot and pack (test_browser_chair.py), single sign-on
(test_sso.py)."""

from __future__ import annotations

import io
import re
from datetime import date, datetime
from urllib.parse import quote

import openpyxl
import pytest
from browser import add_account, app_server, grant, open_as, save_screenshot, sign_in, wait_idle
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.any_database]
PASSWORD = "correct horse battery staple"
MEMBER, LEAD, CHAIR, ADMIN, VIEWER = (f"{who}@journeys.example.org" for who in
                                      ("member", "lead", "chair", "admin", "viewer"))
BRADFORD, BRADFORD_NAME = "bradford-tig", "Bradford TIG Children's Sub-group"
FRONT_DOOR = "Children's Services Front Door"


def screen(page, name: str, *, whole: bool = False) -> None:
    """Save what the person sees; ``whole`` makes the window as tall as the page first (Streamlit scrolls inside its
    main area, so a full-page screenshot alone stops at the window)."""
    expect(page.get_by_test_id("stSkeleton")).to_have_count(0)  # every table and chart drawn
    if whole:
        height = page.evaluate("document.querySelector('[data-testid=stMain]').scrollHeight")
        page.set_viewport_size({"width": 1400, "height": max(1000, min(int(height) + 80, 5000))})
        wait_idle(page)
    save_screenshot(page, name)
    if whole:
        page.set_viewport_size({"width": 1400, "height": 1000})


def metric(page, label: str):
    """The value an ``st.metric`` labelled ``label`` shows."""
    return page.get_by_test_id("stMetric").filter(has=page.get_by_test_id("stMetricLabel").get_by_text(
        label, exact=True)).get_by_test_id("stMetricValue")


def no_traceback(page) -> None:
    expect(page.get_by_test_id("stException")).to_have_count(0)
    expect(page.get_by_text("Traceback")).to_have_count(0)


# -- a: the emailed deep link -------------------------------------------------------------------------------------

def test_a_board_member_follows_an_emailed_link_to_a_filtered_view_and_stays_signed_in(browser, sample_boards, db_url):
    add_account(db_url, MEMBER, PASSWORD)
    link = "risks?board=rutland-hwb&workstream=Enablers&as_at=2016-09-30"
    with app_server(db_url) as base:
        context = browser.new_context(viewport={"width": 1400, "height": 1000})
        page = context.new_page()
        page.goto(f"{base}/{link}")
        wait_idle(page)
        expect(page.get_by_role("heading", name="Sign in")).to_be_visible()
        expect(page.get_by_text("Heat map")).to_have_count(0)  # nothing of the board before signing in
        screen(page, "board-member-sign-in")
        grant(db_url, MEMBER, "rutland-hwb", "viewer")  # once the server has loaded the sample boards
        sign_in(page, MEMBER, PASSWORD)

        def on_the_view_asked_for() -> None:
            expect(page).to_have_url(re.compile(r"/risks\?board=rutland-hwb&workstream=Enablers&as_at=2016-09-30$"))
            expect(page.get_by_role("heading", name="Risks", exact=True)).to_be_visible()
            sidebar = page.get_by_test_id("stSidebar")
            expect(sidebar.get_by_role("combobox", name="Workstream")).to_have_value(re.compile("Enablers$"))
            expect(metric(page, "Open risks")).to_have_text("8")  # Enablers' 8 of Rutland's 20 open risks
            # As at the link's date: the overdue-reviews tab (drawn only once chosen) says which date it counted to.
            page.get_by_role("tab", name=re.compile(r"^Reviews overdue")).click()
            expect(page.get_by_test_id("stMain")).to_contain_text("due a review before 30 September 2016")

        on_the_view_asked_for()
        screen(page, "board-member-deep-link")
        page.reload()
        expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {MEMBER}")
        on_the_view_asked_for()
        expect(page.get_by_role("textbox", name="Password")).to_have_count(0)
        context.close()


# -- b: a lead loads a messy tracker --------------------------------------------------------------------------------

def messy_tracker() -> bytes:
    """Bradford's front-door timetable as a lead keeps it: a merged title row over the header, the workstream cell
    merged down its rows, and the owner under a header no field's words name ("Signed off by")."""
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "Front door"
    ws["A1"] = "Bradford TIG Children's Sub-group: front door timetable, December 2011 update"
    ws.merge_cells("A1:E1")
    ws.append([])
    ws.append(["Workstream", "Milestone", "Signed off by", "Target date", "Progress"])
    ws.append([FRONT_DOOR, "Co-locate the Multi-agency Screening Team at Flockton House", "Janet Hale",
               datetime(2012, 3, 31), "Complete"])
    ws.append([None, "Single referral form agreed by all partners", "Sam Patel", datetime(2012, 5, 31),
               "In progress"])
    ws.append([None, "Screening team takes out-of-hours referrals", "Sam Patel", datetime(2012, 9, 30),
               "Not started"])
    ws.merge_cells("A4:A6")
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


def choose(page, label: str, option: str) -> None:
    """Pick ``option`` in the selectbox labelled ``label`` as a person would (typing filters the long list)."""
    box = page.get_by_role("combobox", name=label, exact=True)
    box.click()
    box.fill(option)
    page.get_by_role("option", name=option, exact=True).click()
    wait_idle(page)


def milestones_counted(page) -> int:
    """The milestones the Overview's workstream row counts: its Milestones cell ("Red 1 · Green 1") added up."""
    row = page.get_by_test_id("stMain").get_by_test_id("stTable").first.locator("tr").filter(has_text=FRONT_DOOR)
    expect(row).to_contain_text(re.compile(r"(Red|Amber|Green|not rated) \d"))
    cells = row.locator("td").all_text_contents()
    milestones = cells[1]  # Workstream, Milestones, Risks, Budget, Metrics
    return sum(int(n) for n in re.findall(r"\d+", milestones))


def test_a_lead_maps_a_messy_trackers_column_sees_each_rows_change_loads_it_and_the_overview_follows(
        browser, sample_boards, db_url, tmp_path):
    tracker = tmp_path / "front-door-december.xlsx"
    tracker.write_bytes(messy_tracker())
    add_account(db_url, LEAD, PASSWORD)
    front_door = f"overview?board={BRADFORD}&workstream={quote(FRONT_DOOR)}"
    with app_server(db_url) as base:
        page = open_as(browser, base, front_door, db_url, LEAD, PASSWORD, BRADFORD, "lead", [FRONT_DOOR])
        main = page.get_by_test_id("stMain")
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        # Before: the sample's two front-door milestones (one complete, one delayed).
        expect(main.get_by_test_id("stTable").first).to_contain_text(FRONT_DOOR)
        assert milestones_counted(page) == 2
        screen(page, "lead-overview-before")

        page.get_by_role("link", name="Upload a tracker").click()
        expect(main).to_contain_text("Tracker file")
        screen(page, "lead-upload")
        page.get_by_test_id("stFileUploaderDropzoneInput").set_input_files(str(tracker))
        wait_idle(page)
        expect(main).to_contain_text("front-door-december.xlsx reads as a milestone tracker")
        expect(page.get_by_role("spinbutton", name="Header row")).to_have_value("3")  # under the title row
        expect(metric(page, "Rows to load")).to_have_text("3")  # the title row is not a milestone; merged cells fill down
        expect(page.get_by_role("combobox", name="C · Signed off by", exact=True)).to_have_value("not read")
        changes = main.get_by_test_id("stTable").last  # "What loading will change": a few rows, each read whole
        # Unread, the file has no owner column: each stored owner is kept, so no owner change is listed (the update
        # listed is the status's), where it once listed the stored owner blanked.
        expect(changes).to_contain_text("Co-locate the Multi-agency Screening Team at Flockton House")
        expect(changes.locator("tr").filter(has_text="Owner")).to_have_count(0)
        expect(changes).not_to_contain_text("Melanie John-Ross")
        screen(page, "lead-upload-mapping", whole=True)
        choose(page, "C · Signed off by", "Owner")
        expect(page.get_by_role("combobox", name="C · Signed off by", exact=True)).to_have_value("Owner")
        expect(main).to_contain_text("(chosen by you)")

        expect(main).to_contain_text("What loading will change")
        expect(main).to_contain_text("Loading this file will make 2 additions, 1 update and 1 removal")
        expect(changes).to_contain_text("Single referral form agreed by all partners")  # added
        expect(changes).to_contain_text("Co-locate the Multi-agency Screening Team at Flockton House")  # updated
        owner = changes.locator("tr").filter(has_text="Owner")
        expect(owner).to_contain_text("Melanie John-Ross")  # its owner, was...
        expect(owner).to_contain_text("Janet Hale")  # ...and now, read through the lead's mapping
        expect(changes).to_contain_text("Leads to specify work needed")  # removed: no longer in the file
        screen(page, "lead-upload-changes", whole=True)

        page.get_by_role("button", name=f"Load into {BRADFORD_NAME}").click()
        wait_idle(page)
        expect(main).to_contain_text(f"Loaded front-door-december.xlsx for {BRADFORD_NAME}: 2 added, 1 updated, "
                                     "1 removed")
        screen(page, "lead-upload-loaded", whole=True)

        page.goto(f"{base}/{front_door}")  # a new page load, still signed in
        wait_idle(page)
        expect(page.get_by_role("heading", name="Overview")).to_be_visible()
        expect(main.get_by_test_id("stTable").first).to_contain_text(FRONT_DOOR)
        assert milestones_counted(page) == 3  # two added, one removed
        screen(page, "lead-overview-after")
        page.goto(f"{base}/{front_door.replace('overview', 'milestones')}")
        wait_idle(page)
        expect(main).to_contain_text("Screening team takes out-of-hours referrals")
        screen(page, "lead-milestones-after")
        page.close()


# -- c: a viewer and the pages they may not use ------------------------------------------------------------------

def test_a_viewer_finds_no_upload_or_admin_page_in_the_menu_and_is_refused_at_their_addresses(browser, sample_boards, db_url):
    add_account(db_url, VIEWER, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "?board=rutland-hwb", db_url, VIEWER, PASSWORD, "rutland-hwb", "viewer")
        menu = page.get_by_test_id("stSidebarNav")
        expect(menu.get_by_role("link", name="Risks")).to_be_visible()  # the menu has drawn...
        for hidden in ("Upload a tracker", "Board settings", "Audit trail", "Users and boards"):
            expect(menu.get_by_role("link", name=hidden)).to_have_count(0)  # ...without the pages they may not use
        for address, refusal, page_text in [
            ("upload", "You don't have permission to upload trackers", "Tracker file"),
            ("admin", "You don't have permission to manage users, boards and roles", "Add the person"),
            ("board_settings", "You don't have permission to change this board's RAG rules", "Save the rules"),
        ]:
            page.goto(f"{base}/{address}?board=rutland-hwb")  # typed into the address bar
            wait_idle(page)
            expect(page.get_by_test_id("stMain")).to_contain_text(refusal)
            expect(page.get_by_test_id("stMain")).to_contain_text("ask your board administrator")
            expect(page.get_by_text(page_text)).to_have_count(0)
            expect(page.get_by_test_id("stFileUploaderDropzoneInput")).to_have_count(0)
            expect(page.get_by_text("Page not found")).to_have_count(0)
            no_traceback(page)
            expect(page.get_by_test_id("stSidebar")).to_contain_text(f"Signed in as {VIEWER}")  # refused, not out
            if address == "upload":
                screen(page, "board-member-refused")
        page.close()


# -- every main page, as the role that uses it --------------------------------------------------------------------

# (role, account, page link text, address, the heading it shows)
TOUR = [
    ("board-member", MEMBER, "Boards", "", "Boards"),  # the home page lives at / (its url_path is not routed)
    ("board-member", MEMBER, "Overview", "overview", "Overview"),
    ("board-member", MEMBER, "Milestones", "milestones", "Milestones"),
    ("board-member", MEMBER, "Risks", "risks", "Risks"),
    ("board-member", MEMBER, "Budget", "budget", "Budget"),
    ("board-member", MEMBER, "Metrics", "metrics", "Metrics"),
    ("board-member", MEMBER, "Localities", "localities", "Localities"),
    ("board-member", MEMBER, "Forward plan", "forward_plan", "Forward plan"),
    ("chair", CHAIR, "Meetings", "meetings", "Meetings"),
    ("chair", CHAIR, "Snapshots", "snapshots", "Snapshots"),
    ("chair", CHAIR, "What changed", "what_changed", "What changed"),
    ("chair", CHAIR, "Board pack", "board_pack", "Board pack"),
    ("chair", CHAIR, "Board settings", "board_settings", "Board settings"),
    ("lead", LEAD, "Upload a tracker", "upload", "Upload a tracker"),
    ("admin", ADMIN, "Users and boards", "admin", "Users and boards"),
]

SHOT_NAMES = {"": "boards", "admin": "users"}  # screenshot names that say the page, where its address does not


def test_every_main_page_as_the_role_that_uses_it(browser, sample_boards, db_url):
    """Each page opens from the menu for its role with its heading and no error, and is kept as a screenshot."""
    from data_model import open_database
    from data_model.snapshots import take_snapshot

    for email in (MEMBER, LEAD, CHAIR):
        add_account(db_url, email, PASSWORD)
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    with app_server(db_url) as base:
        grants = {MEMBER: "viewer", LEAD: "lead", CHAIR: "chair"}
        page, current = None, None
        for role, email, link, address, heading in TOUR:
            if email != current:  # one sign-in per person, then the menu
                if page is not None:
                    page.close()
                if email == ADMIN:
                    page = browser.new_page(viewport={"width": 1400, "height": 1000})
                    page.goto(f"{base}/{address}?board=rutland-hwb")
                    wait_idle(page)
                    sign_in(page, email, PASSWORD)
                else:
                    page = open_as(browser, base, f"{address}?board=rutland-hwb", db_url, email, PASSWORD,
                                   "rutland-hwb", grants[email], ["Unified Prevention"] if email == LEAD else None)
                current = email
                if email == CHAIR:  # two meetings frozen, so What changed and the pack have something to show
                    engine = open_database(db_url)
                    for meeting in (date(2016, 6, 28), date(2016, 9, 27)):
                        take_snapshot(engine, "rutland-hwb", meeting, "tests")
                    engine.dispose()
                    page.reload()
                    wait_idle(page)
            else:
                page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
            expect(page).to_have_url(re.compile(rf"/{address}(\?|$)"))
            expect(page.get_by_role("heading", name=heading, exact=True).first).to_be_visible()
            wait_idle(page)
            no_traceback(page)
            screen(page, f"{role}-{SHOT_NAMES.get(address, address.replace('_', '-'))}")
        page.close()
