"""The session cookie's signing, expiry and revocation (data_model.accounts), on each database."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import select

from data_model import accounts, make_engine
from data_model.tables import SignInSession

PASSWORD = "correct horse battery staple"
NOW = datetime(2026, 12, 1, 9, 0, tzinfo=UTC)


@pytest.fixture
def jo(engine) -> int:
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD, admin=True)
    accounts.add_user(engine, "sam@example.org", by="tests", admin=True)
    return accounts.user_id(engine, "jo@example.org")


def cookie_for(engine, user: int, at: datetime = NOW) -> accounts.Cookie:
    _, code = accounts.start_session(engine, user, now=at)
    cookie = accounts.redeem_handoff(engine, code, now=at)
    assert cookie is not None
    return cookie


def test_a_cookie_signs_in_its_account_until_its_expiry(engine, jo):
    cookie = cookie_for(engine, jo)
    assert cookie.max_age == accounts.session_max_hours() * 3600
    check = accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=5))
    assert check.ok and check.user_id == jo
    # Kept active, it still lasts no longer than its expiry: the time in the cookie is signed with it.
    for minutes in range(20, accounts.session_max_hours() * 60, 20):
        assert accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=minutes)).ok
    late = accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(hours=accounts.session_max_hours()))
    assert not late.ok and late.refused == "expired"


def test_the_database_holds_no_token_or_code_in_clear(engine, jo):
    _, code = accounts.start_session(engine, jo, now=NOW)
    cookie = accounts.redeem_handoff(engine, code, now=NOW)
    token = cookie.value.split(".")[1]
    with engine.connect() as conn:
        row = conn.execute(select(SignInSession)).one()
    assert token not in repr(tuple(row)) and code not in repr(tuple(row))
    assert row.token_hash and row.handoff_hash is None  # the code was used up


def test_a_hand_over_code_works_once_and_for_a_minute(engine, jo):
    _, code = accounts.start_session(engine, jo, now=NOW)
    assert accounts.redeem_handoff(engine, code, now=NOW + timedelta(seconds=5)) is not None
    assert accounts.redeem_handoff(engine, code, now=NOW + timedelta(seconds=6)) is None  # used
    _, late = accounts.start_session(engine, jo, now=NOW)
    assert accounts.redeem_handoff(engine, late, now=NOW + timedelta(seconds=accounts.HANDOFF_SECONDS + 1)) is None
    assert accounts.redeem_handoff(engine, "made-up", now=NOW) is None
    assert accounts.redeem_handoff(engine, "", now=NOW) is None


@pytest.mark.parametrize("tamper", ["signature", "session", "token", "expiry", "garbage", "empty", "other key"])
def test_a_forged_or_altered_cookie_is_refused(engine, jo, tamper, monkeypatch):
    good = cookie_for(engine, jo).value
    sam = cookie_for(engine, accounts.user_id(engine, "sam@example.org")).value
    session_id, token, expires, signature = good.split(".")
    flip = "A" if signature[0] != "A" else "B"
    if tamper == "other key":  # made by a server with another signing key
        monkeypatch.setenv("DASHBOARD_SESSION_SECRET", "some other server's secret")
        other = cookie_for(engine, jo).value
        monkeypatch.delenv("DASHBOARD_SESSION_SECRET")
    value = {
        "signature": f"{session_id}.{token}.{expires}.{flip}{signature[1:]}",
        "session": f"{sam.split('.')[0]}.{token}.{expires}.{signature}",  # another person's session id
        "token": f"{session_id}.{sam.split('.')[1]}.{expires}.{signature}",
        "expiry": f"{session_id}.{token}.{int(expires) + 86400}.{signature}",  # a longer life, same signature
        "garbage": "not a cookie at all",
        "empty": "",
        "other key": other if tamper == "other key" else "",
    }[tamper]
    check = accounts.session_from_cookie(engine, value, now=NOW + timedelta(minutes=1))
    assert not check.ok and check.refused == "forged"
    assert accounts.session_from_cookie(engine, good, now=NOW + timedelta(minutes=1)).ok  # the real one still is


def test_a_correctly_signed_cookie_for_someone_elses_token_is_refused(engine, jo, monkeypatch):
    """Signed with the right key, but its token is not the one its session handed out (a leaked key alone
    signs nobody in)."""
    from data_model.accounts import _sign

    cookie_for(engine, jo)
    session_id = 1 if engine.dialect.name == "sqlite" else _first_session(engine)
    payload = f"{session_id}.a-token-nobody-was-given.{int((NOW + timedelta(hours=1)).timestamp())}"
    check = accounts.session_from_cookie(engine, f"{payload}.{_sign(engine, payload)}", now=NOW)
    assert not check.ok and check.refused == "unknown"


def _first_session(engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(SignInSession.id).order_by(SignInSession.id)).scalars().first()


def test_an_idle_session_ends_and_stays_ended(engine, jo, monkeypatch):
    monkeypatch.setenv("DASHBOARD_SESSION_TIMEOUT_MINUTES", "30")
    cookie = cookie_for(engine, jo)
    assert accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=25)).ok  # noted active
    assert accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=50)).ok  # 25 idle
    idle = accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=81))
    assert not idle.ok and idle.refused == "timed out"
    again = accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=82))
    assert not again.ok and again.refused == "signed out"  # ended for good, not merely idle


def test_signing_out_ends_the_session_for_every_tab(engine, jo):
    cookie = cookie_for(engine, jo)
    session_id = int(cookie.value.split(".")[0])
    accounts.end_session(engine, session_id, "signed out", now=NOW + timedelta(minutes=1))
    assert accounts.session_from_cookie(engine, cookie.value, now=NOW + timedelta(minutes=2)).refused == "signed out"
    assert accounts.check_session(engine, session_id, now=NOW + timedelta(minutes=2)).refused == "signed out"


def test_switching_an_account_off_or_resetting_its_password_ends_its_sessions(engine, jo):
    first, second = cookie_for(engine, jo), cookie_for(engine, jo)
    sam = cookie_for(engine, accounts.user_id(engine, "sam@example.org"))
    accounts.set_active(engine, "jo@example.org", False, by="sam@example.org")
    assert accounts.session_from_cookie(engine, first.value, now=NOW).refused == "switched off"
    accounts.set_active(engine, "jo@example.org", True, by="sam@example.org")
    assert accounts.session_from_cookie(engine, second.value, now=NOW).refused == "signed out"  # not back on
    third = cookie_for(engine, jo)
    accounts.set_password(engine, "jo@example.org", by="sam@example.org")
    assert accounts.session_from_cookie(engine, third.value, now=NOW).refused == "signed out"
    assert accounts.session_from_cookie(engine, sam.value, now=NOW).ok  # nobody else's


def test_every_server_on_one_database_accepts_the_others_cookies(engine, db_url, jo, monkeypatch):
    monkeypatch.delenv("DASHBOARD_SESSION_SECRET", raising=False)
    cookie = cookie_for(engine, jo)
    monkeypatch.setattr(accounts, "_KEYS", {})  # a second process: it reads the key from the database
    second = make_engine(db_url)
    try:
        assert accounts.session_from_cookie(second, cookie.value, now=NOW).ok
    finally:
        second.dispose()


def test_sessions_ended_over_a_week_ago_are_forgotten_at_the_next_sign_in(engine, jo):
    signed_out = cookie_for(engine, jo)
    accounts.end_session(engine, int(signed_out.value.split(".")[0]), "signed out", now=NOW + timedelta(minutes=1))
    expired = cookie_for(engine, jo)  # lasts session_max_hours, then expires
    live = cookie_for(engine, jo, at=NOW + timedelta(days=7, hours=23))
    cookie_for(engine, jo, at=NOW + timedelta(days=8))  # sign-ins a week after the first two ended tidy them away
    with engine.connect() as conn:
        assert len(conn.execute(select(SignInSession.id)).all()) == 2  # the two live ones
    later = NOW + timedelta(days=7, hours=23, minutes=5)
    assert accounts.session_from_cookie(engine, live.value, now=later).ok
    # A forgotten session's cookie still signs nobody in, even where SQLite hands its row id to a new session.
    assert not accounts.session_from_cookie(engine, signed_out.value, now=later).ok
    assert not accounts.session_from_cookie(engine, expired.value, now=later).ok
