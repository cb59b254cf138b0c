"""Staying signed in, in a real browser on the real start command (`python -m dashboard`): a built-in sign-in lasts
across reloads and tabs through its HTTP-only cookie, and ends on sign-out, on switch-off, and for a cookie that is
forged, altered or out of date. Single sign-on comes back to the address first asked for."""

from __future__ import annotations

import re
from datetime import UTC, datetime, timedelta

import pytest
from browser import add_account, app_server, sign_in, wait_idle
from playwright.sync_api import expect
from sqlalchemy import select
from test_sso import KNOWN, provider, sso_app  # noqa: F401 - fixtures used below

from data_model import accounts, open_database
from data_model.tables import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.any_database]
ADMIN, PASSWORD = "jo.admin@browser.example.org", "correct horse battery"


@pytest.fixture
def server(db_url):
    add_account(db_url, ADMIN, PASSWORD, admin=True)
    with app_server(db_url, DASHBOARD_SAMPLE_DATA="0") as base:
        yield base


def signed_in(page):
    return expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as")


def sign_in_form(page):
    return expect(page.get_by_role("textbox", name="Password")).to_be_visible()


def sign_ins(db_url: str) -> int:
    engine = open_database(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.id).where(AuditEvent.action == "sign_in", AuditEvent.actor == ADMIN,
                                                        AuditEvent.outcome == "ok")).all()
    engine.dispose()
    return len(rows)


def test_a_signed_in_person_stays_signed_in_across_reloads_and_tabs_until_signing_out(browser, db_url, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(f"{server}/admin")
    wait_idle(page)
    sign_in(page, ADMIN, PASSWORD)
    expect(page).to_have_url(re.compile(r"/admin$"))  # the address asked for, after the cookie round trip
    expect(page.get_by_test_id("stMain")).to_contain_text("Users and boards")
    cookie = next(c for c in context.cookies() if c["name"] == accounts.SESSION_COOKIE)
    assert cookie["httpOnly"] and cookie["sameSite"] == "Lax" and cookie["expires"] > 0  # scripts cannot read it

    page.reload()
    signed_in(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Users and boards")
    other = context.new_page()
    other.goto(server)
    signed_in(other)
    expect(other.get_by_test_id("stMain")).to_contain_text("Boards")
    assert sign_ins(db_url) == 1  # one password typed, however many loads

    page.get_by_role("button", name="Sign out").click()
    sign_in_form(page)
    assert accounts.SESSION_COOKIE not in {c["name"] for c in context.cookies()}
    page.reload()
    sign_in_form(page)
    other.reload()  # the other tab's session ended with the sign-out too
    sign_in_form(other)
    expect(other.get_by_text("Signed in as")).to_have_count(0)
    context.close()


def test_a_switched_off_accounts_cookie_no_longer_signs_in(browser, db_url, server):
    context = browser.new_context()
    page = context.new_page()
    page.goto(server)
    wait_idle(page)
    sign_in(page, ADMIN, PASSWORD)
    kept = context.cookies()
    engine = open_database(db_url)
    accounts.add_user(engine, "other.admin@browser.example.org", by="tests", admin=True)
    accounts.set_active(engine, ADMIN, False, by="other.admin@browser.example.org")

    page.reload()
    sign_in_form(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Your account has been switched off")
    accounts.set_active(engine, ADMIN, True, by="other.admin@browser.example.org")
    engine.dispose()
    later = browser.new_context()
    later.add_cookies(kept)  # the old cookie, even once the account is back on: its session ended
    again = later.new_page()
    again.goto(server)
    sign_in_form(again)
    later.close()
    context.close()


def _cookie_made(db_url: str, *, ago: timedelta) -> str:
    """A cookie the server itself signed, for a sign-in ``ago`` in the past."""
    engine = open_database(db_url)
    then = datetime.now(UTC) - ago
    session_id, code = accounts.start_session(engine, accounts.user_id(engine, ADMIN), now=then)
    cookie = accounts.redeem_handoff(engine, code, now=then)
    engine.dispose()
    return cookie.value


@pytest.mark.parametrize("kind", ["forged", "altered", "expired", "idle"])
def test_a_forged_altered_or_out_of_date_cookie_is_refused(browser, db_url, server, kind):
    good = _cookie_made(db_url, ago=timedelta(0))
    session_id, token, expires, signature = good.split(".")
    value = {
        "forged": f"{session_id}.{token}.{expires}.{'A' * len(signature)}",
        "altered": f"{int(session_id) + 1}.{token}.{expires}.{signature}",  # someone else's session, same signature
        "expired": _cookie_made(db_url, ago=timedelta(hours=accounts.session_max_hours(), minutes=5)),
        "idle": _cookie_made(db_url, ago=timedelta(minutes=accounts.session_idle_minutes() + 5)),
    }[kind]
    context = browser.new_context()
    context.add_cookies([{"name": accounts.SESSION_COOKIE, "value": value, "url": server}])
    page = context.new_page()
    page.goto(f"{server}/admin")
    sign_in_form(page)
    expect(page.get_by_text("Signed in as")).to_have_count(0)
    expect(page.get_by_role("heading", name="Users and boards")).to_have_count(0)

    control = browser.new_context()  # the same server takes the good cookie, so the refusal is the cookie's
    control.add_cookies([{"name": accounts.SESSION_COOKIE, "value": good, "url": server}])
    page = control.new_page()
    page.goto(f"{server}/admin")
    signed_in(page)
    expect(page.get_by_role("heading", name="Users and boards")).to_be_visible()
    control.close()
    context.close()


def test_single_sign_on_returns_to_the_address_first_asked_for(browser, db_url, sso_app):  # noqa: F811
    from browser import grant

    grant(db_url, KNOWN, "rutland-hwb", "viewer")  # the launcher loaded the sample boards before serving
    page = browser.new_page()
    page.goto(f"{sso_app}/risks?board=rutland-hwb")
    wait_idle(page)
    page.get_by_role("button", name="Sign in with your organisation").click()
    expect(page.locator("input[name=sub]")).to_be_visible()
    page.locator("input[name=sub]").fill(KNOWN)
    page.get_by_role("button", name="Authorize").click()
    expect(page).to_have_url(re.compile(r"/risks\?board=rutland-hwb$"))
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as Sam Viewer")
    expect(page.get_by_role("heading", name="Risks", exact=True)).to_be_visible()  # the page asked for, drawn
    expect(page.get_by_test_id("stMain")).to_contain_text("Heat map")
    page.close()
