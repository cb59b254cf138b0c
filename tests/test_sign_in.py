"""Signing in through the app's own form, the session timeout and signing out (AppTest on a real database)."""

from __future__ import annotations

import time

import pytest
from signed_in import APP, open_page
from sqlalchemy import select
from streamlit.testing.v1 import AppTest

from data_model import accounts
from data_model.tables import AuditEvent

PASSWORD = "correct horse battery staple"


@pytest.fixture
def app(engine, app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "3")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD, admin=True, name="Jo")
    return engine


def submit(at: AppTest, email: str, password: str) -> AppTest:
    at.text_input[0].set_value(email)
    at.text_input[1].set_value(password)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception
    return at


def actions(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.outcome)
                                               .order_by(AuditEvent.id))]


def test_nothing_shows_before_signing_in_and_everything_after(app):
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert not at.sidebar.selectbox  # no board picker, no menu
    submit(at, "Jo@Example.org", PASSWORD)
    assert [t.value for t in at.title] == ["Boards"]
    assert "Signed in as **Jo** (admin)" in [c.value for c in at.sidebar.caption]
    assert ("jo@example.org", "sign_in", "ok") in actions(app)


def test_a_wrong_password_is_refused_and_repeated_ones_lock_the_account(app):
    at = AppTest.from_file(APP, default_timeout=120).run()
    submit(at, "jo@example.org", "not my password")
    assert "don't match an account" in at.error[0].value and [t.value for t in at.title] == ["Sign in"]
    submit(at, "jo@example.org", "not my password")
    submit(at, "jo@example.org", "not my password")
    assert "locked for 15 minutes" in at.error[0].value
    submit(at, "jo@example.org", PASSWORD)
    assert "locked" in at.error[0].value and [t.value for t in at.title] == ["Sign in"]


def test_an_idle_session_times_out(app, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SESSION_TIMEOUT_MINUTES", "30")
    at = open_page(email="jo@example.org")
    assert [t.value for t in at.title] == ["Boards"]
    at.session_state["auth"] = {**at.session_state["auth"], "last_seen": time.time() - 31 * 60}
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert "signed out after 30 minutes without activity" in at.info[0].value
    assert ("jo@example.org", "sign_out", "ok") in actions(app)


@pytest.mark.slow
def test_signing_out(app):
    at = open_page(email="jo@example.org")
    at.sidebar.button(key="sign_out").click().run()
    assert [t.value for t in at.title] == ["Sign in"]
    assert actions(app)[-1] == ("jo@example.org", "sign_out", "ok")


def test_a_switched_off_account_loses_its_session_at_once(app):
    at = open_page(email="jo@example.org")
    accounts.add_user(app, "other@example.org", by="tests", admin=True)
    accounts.set_active(app, "jo@example.org", False, by="other@example.org")
    at.run()
    assert [t.value for t in at.title] == ["Sign in"]


def test_a_fresh_install_says_how_to_make_the_first_admin(app_database, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    at = AppTest.from_file(APP, default_timeout=120).run()
    assert "python -m data_model users add you@example.org --admin" in at.info[0].value
    assert not at.text_input  # no form: there is no account to sign in to, and no default password


@pytest.mark.slow
def test_the_first_sample_start_loads_the_boards_makes_demo_accounts_and_says_so(app_database, monkeypatch, capfd):
    import streamlit as st

    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "1")
    at = AppTest.from_file(APP, default_timeout=120).run()
    printed = capfd.readouterr().out
    assert "Demo accounts for the sample boards" in printed
    lines = {line.split()[1]: line.split()[2] for line in printed.splitlines() if "@demo.example.org" in line}
    assert set(lines) == {"admin@demo.example.org", "chair@demo.example.org", "lead@demo.example.org",
                          "viewer@demo.example.org"}
    assert "Demo accounts are active" in at.warning[0].value
    submit(at, "chair@demo.example.org", lines["chair@demo.example.org"])
    assert [t.value for t in at.title] == ["Boards"]
    # The first start loaded the five sample boards: the chair (on every one) sees their cards, in order of name.
    counts = [m.value for m in at.markdown if " milestones · " in m.value]  # what each board tracks, in a line
    names = [m.value for m in at.markdown if m.value.startswith("**") and "uploads" not in m.value
             and not m.value.startswith("**Milestones:**") and m.value not in counts]  # nor a card's RAG line
    assert len(names) == 5 and "**Rutland Health and Wellbeing Board**" in names
    # Rutland is the fifth: 6 BCF metrics + 4 monthly trends
    assert counts[4] == "**58** milestones · **20** risks · **22** budget lines · **10** metrics"
    st.cache_resource.clear()
    again = AppTest.from_file(APP, default_timeout=120).run()  # a restart: nothing printed again
    assert "Demo accounts" not in capfd.readouterr().out and not again.exception
