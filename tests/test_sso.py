"""Single sign-on for real: st.login against a local OpenID Connect provider (oidc-provider-mock), in a browser.

The provider vouches for an email; our database decides what that person may see. An email with no account gets
a polite page and nothing else.
"""

from urllib.parse import quote

import httpx
import pytest
from browser import app_server, free_port, grant, wait_idle
from playwright.sync_api import expect
from sqlalchemy import select

from data_model import accounts, open_database
from data_model.tables import AuditEvent

pytestmark = [pytest.mark.browser, pytest.mark.any_database]
KNOWN, STRANGER = "sam.viewer@nhs.example.org", "stranger@elsewhere.example.org"


@pytest.fixture(scope="module")
def provider():
    import oidc_provider_mock

    with oidc_provider_mock.run_server_in_thread() as server:
        base = f"http://localhost:{server.server_port}"
        for email in (KNOWN, STRANGER):
            r = httpx.put(f"{base}/users/{quote(email)}", json={"email": email, "name": email.split("@")[0]})
            assert r.status_code == 204
        yield base


@pytest.fixture
def sso_app(tmp_path, sample_boards, db_url, provider):
    """An app server whose secrets.toml points st.login at the provider; Sam holds a viewer role on one board."""
    port = free_port()
    secrets = tmp_path / "secrets.toml"
    secrets.write_text(f"""
[auth]
redirect_uri = "http://localhost:{port}/oauth2callback"
cookie_secret = "a-test-cookie-secret-of-reasonable-length"
client_id = "board-dashboard"
client_secret = "any-secret-the-mock-accepts"
server_metadata_url = "{provider}/.well-known/openid-configuration"
""")
    engine = open_database(db_url)
    accounts.add_user(engine, KNOWN, by="tests", sso_only=True, name="Sam Viewer")
    engine.dispose()
    with app_server(db_url, port=port, args=("--secrets.files", str(secrets)), DASHBOARD_PASSWORD_SIGN_IN="0") as base:
        yield base.replace("127.0.0.1", "localhost")


def sign_in_with_provider(browser, base: str, email: str):
    page = browser.new_page(viewport={"width": 1300, "height": 900})
    page.goto(f"{base}/overview?board=rutland-hwb")
    wait_idle(page)
    page.get_by_role("button", name="Sign in with your organisation").click()
    expect(page.locator("input[name=sub]")).to_be_visible()  # the provider's own form
    page.locator("input[name=sub]").fill(email)
    page.get_by_role("button", name="Authorize").click()
    page.wait_for_url(f"{base}/**", timeout=30_000)
    wait_idle(page)
    return page


def test_a_known_email_signs_in_and_sees_only_its_boards(browser, db_url, sso_app):
    # The server has loaded the sample boards by now (it showed the sign-in page); give Sam one of them.
    page = browser.new_page()
    page.goto(sso_app)
    wait_idle(page)
    expect(page.get_by_role("button", name="Sign in with your organisation")).to_be_visible()
    page.close()
    grant(db_url, KNOWN, "rutland-hwb", "viewer")

    page = sign_in_with_provider(browser, sso_app, KNOWN)
    expect(page.get_by_test_id("stSidebar")).to_contain_text("Signed in as Sam Viewer")
    expect(page.get_by_role("link", name="Overview")).to_be_visible()
    expect(page.get_by_role("link", name="Upload a tracker")).to_have_count(0)  # a viewer does not upload
    expect(page.get_by_role("link", name="Users and boards")).to_have_count(0)
    page.get_by_role("link", name="Overview").click()
    wait_idle(page)
    expect(page.get_by_test_id("stMain")).to_contain_text("Rutland Health and Wellbeing Board, as at")
    engine = open_database(db_url)
    with engine.connect() as conn:
        rows = conn.execute(select(AuditEvent.actor, AuditEvent.outcome, AuditEvent.detail)
                            .where(AuditEvent.action == "sign_in")).all()
    engine.dispose()
    assert (KNOWN, "ok", "single sign-on") in [tuple(r) for r in rows]
    page.close()


def test_an_unknown_email_is_asked_to_see_the_administrator(browser, db_url, sso_app):
    page = sign_in_with_provider(browser, sso_app, STRANGER)
    main = page.get_by_test_id("stMain")
    expect(main).to_contain_text("ask your board administrator to add you", ignore_case=True)
    expect(main).to_contain_text(STRANGER)
    expect(page.get_by_role("link", name="Overview")).to_have_count(0)  # no menu, no board
    expect(page.get_by_text("Rutland Health and Wellbeing Board")).to_have_count(0)
    engine = open_database(db_url)
    with engine.connect() as conn:
        refused = conn.execute(select(AuditEvent.detail).where(AuditEvent.actor == STRANGER,
                                                               AuditEvent.outcome == "refused")).all()
    engine.dispose()
    assert refused and "no account" in refused[0].detail
    page.close()
