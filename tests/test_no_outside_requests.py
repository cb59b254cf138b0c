"""No request leaves the machine: every main page in a real browser that may only reach this server. Anything else
(a font host, an icon service, telemetry) is blocked, recorded and fails the test, as would any failure logged."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

import pytest
from browser import add_account, app_server, sign_in, wait_idle
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.slow, pytest.mark.any_database]
ADMIN, PASSWORD = "offline.admin@browser.example.org", "correct horse battery"
LOOPBACK = {"127.0.0.1", "localhost", "::1", "[::1]"}
# Every page in an admin's menu, and a word its page shows once drawn.
PAGES = [("Boards", "boards", "Boards"), ("Overview", "overview", "Overview"), ("Milestones", "milestones", "Milestones"),
         ("Risks", "risks", "Heat map"), ("Budget", "budget", "Budget"), ("Metrics", "metrics", "Metrics"),
         ("Localities", "localities", "Localities"), ("Forward plan", "forward_plan", "Forward plan"),
         ("Upload a tracker", "upload", "Tracker file"), ("Board settings", "board_settings", "Board settings"),
         ("Audit trail", "audit", "Audit trail"), ("Users and boards", "admin", "Users and boards")]
# Streamlit's page first asks for its health and host config under the page's own path (to find a base URL) and
# then at the root; the first answer is a 404 from this server, which the browser logs. Nothing else may fail.
BASE_URL_PROBE = re.compile(r"^/[a-z_]+/_stcore/(health|host-config)$")


def test_no_page_asks_anything_of_another_host(browser, sample_boards, db_url):
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    with app_server(db_url) as base:
        outside: list[str] = []
        failures: list[str] = []
        context = browser.new_context(viewport={"width": 1400, "height": 1000})

        def only_here(route) -> None:
            if urlsplit(route.request.url).hostname in LOOPBACK:
                route.continue_()
            else:
                outside.append(route.request.url)
                route.abort("internetdisconnected")

        def logged(message) -> None:
            where = urlsplit(message.location.get("url") or "")
            if message.type == "error" and not (where.hostname in LOOPBACK and BASE_URL_PROBE.match(where.path)):
                failures.append(f"{message.text} ({message.location.get('url')})")

        context.route("**/*", only_here)
        page = context.new_page()
        page.on("console", logged)
        page.on("pageerror", lambda error: failures.append(f"page error: {error}"))
        page.on("requestfailed", lambda request: failures.append(f"failed: {request.url} {request.failure}"))
        page.goto(f"{base}/?board=rutland-hwb")
        wait_idle(page)
        sign_in(page, ADMIN, PASSWORD)
        for link, path, shows in PAGES:
            page.get_by_test_id("stSidebarNav").get_by_role("link", name=link, exact=True).click()
            expect(page).to_have_url(re.compile(rf"/{path}(\?|$)") if path != "boards" else re.compile(r"/(boards)?(\?|$)"))
            expect(page.get_by_test_id("stMain")).to_contain_text(shows)
            wait_idle(page)
        page.reload()  # a fresh load of a page, favicon and fonts included
        expect(page.get_by_test_id("stMain")).to_contain_text("Users and boards")
        wait_idle(page)
        assert outside == []
        assert failures == []
        context.close()
