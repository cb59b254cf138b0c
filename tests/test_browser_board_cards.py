"""The home page in a real browser: a board card opens its board's Overview, and the sidebar's picker shows that board
(the browser keeps a widget's value unless the app sets it, which an AppTest cannot see); a register row chosen is
written out whole."""

import pytest
from browser import add_account, app_server, grant, open_as, save_screenshot, wait_idle
from playwright.sync_api import expect

VIEWER, PASSWORD = "viewer@cards.example.org", "correct horse battery"

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.any_database]


def test_a_board_card_opens_its_overview_with_the_board_chosen_in_the_sidebar(browser, sample_boards, db_url):
    add_account(db_url, VIEWER, PASSWORD)
    with app_server(db_url) as base:
        page = open_as(browser, base, "?board=rutland-hwb", db_url, VIEWER, PASSWORD, "rutland-hwb", "viewer")
        grant(db_url, VIEWER, "north-lanarkshire-ijb", "viewer")
        page.goto(f"{base}/?board=rutland-hwb")
        wait_idle(page)
        main, sidebar = page.get_by_test_id("stMain"), page.get_by_test_id("stSidebar")
        card = page.locator(".st-key-board-card-north-lanarkshire-ijb")
        expect(card).to_contain_text("Open risks:")
        expect(card).to_contain_text("5 not rated")  # its impact-only register, said in words
        save_screenshot(page, "home-board-cards")
        card.get_by_role("button", name="Open North Lanarkshire Integration Joint Board").click()
        wait_idle(page)
        expect(main.get_by_role("heading", name="Overview")).to_be_visible()
        expect(main).to_contain_text("North Lanarkshire Integration Joint Board, as at")
        picker = sidebar.get_by_role("combobox", name="Board", exact=True)
        expect(picker).to_have_value("North Lanarkshire Integration Joint Board")  # the picker agrees with the page
        expect(sidebar).to_contain_text("North Lanarkshire Integration Joint Board")  # and names it whole

        page.goto(f"{base}/risks?board=north-lanarkshire-ijb")
        wait_idle(page)
        grid = page.locator(".st-key-risks_all [data-testid='stDataFrameResizable']")
        grid.scroll_into_view_if_needed()
        box = grid.bounding_box()
        page.mouse.click(box["x"] + 12, box["y"] + 35 + 17)  # the first row's selection box
        wait_idle(page)
        detail = page.locator(".st-key-risks_all_detail")
        expect(detail).to_contain_text("Ability to maintain service continuity during significant change programme")
        expect(detail).to_contain_text("Mitigation:")
        save_screenshot(page, "risks-row-in-full")
        page.close()
