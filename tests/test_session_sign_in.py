"""A form sign-in holds a server-side session: a tab notices at once when it has ended elsewhere or gone idle
(AppTest on a real database; the cookie itself is tested in a browser in test_stay_signed_in.py)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select, update
from streamlit.testing.v1 import AppTest
from test_sign_in import PASSWORD, actions, submit

from data_model import accounts
from data_model.tables import SignInSession

APP_TIMEOUT = 120


@pytest.fixture
def app(engine, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    monkeypatch.setenv("DASHBOARD_SESSION_TIMEOUT_MINUTES", "30")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD, admin=True, name="Jo")
    return engine


def signed_in_tab(engine) -> tuple[AppTest, int]:
    from signed_in import APP

    at = AppTest.from_file(APP, default_timeout=APP_TIMEOUT).run()
    submit(at, "jo@example.org", PASSWORD)
    assert [t.value for t in at.title] == ["Boards"]
    with engine.connect() as conn:
        session_id = conn.execute(select(SignInSession.id)).scalar_one()
    return at, session_id


def test_signing_out_elsewhere_signs_this_tab_out(app):
    at, session_id = signed_in_tab(app)
    accounts.end_session(app, session_id, "signed out")  # the Sign out button in another tab
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "signed out in another tab" in at.info[0].value


def test_a_session_idle_in_every_tab_times_out_and_is_recorded(app):
    at, session_id = signed_in_tab(app)
    with app.begin() as conn:
        conn.execute(update(SignInSession).where(SignInSession.id == session_id)
                     .values(last_seen_at=datetime.now(UTC) - timedelta(minutes=31)))
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "signed out after 30 minutes without activity" in at.info[0].value
    assert actions(app)[-1] == ("jo@example.org", "sign_out", "ok")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]  # ended for good


def test_signing_out_ends_the_session_in_the_database(app):
    at, session_id = signed_in_tab(app)
    at.sidebar.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert accounts.check_session(app, session_id).refused == "signed out"
