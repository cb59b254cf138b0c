"""Signing in under load and against hostile input, on real SQLite and PostgreSQL: tabs signing in at the same
moment, wrong passwords in parallel, made-up emails, one address guessing at many accounts, megabyte inputs and a
password typed into the email box."""

from __future__ import annotations

import threading
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import func, select

from data_model import accounts
from data_model.accounts import AccountError
from data_model.tables import AuditEvent, UserAccount

PASSWORD = "correct horse battery staple"
TABS = 6


@pytest.fixture(autouse=True)
def _fresh_address_counts(monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "5")
    monkeypatch.setenv("DASHBOARD_LOCKOUT_MINUTES", "15")
    accounts.ADDRESS_FAILURES.clear()
    yield
    accounts.ADDRESS_FAILURES.clear()


def sign_ins(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.actor, AuditEvent.outcome, AuditEvent.detail)
                                               .where(AuditEvent.action == "sign_in").order_by(AuditEvent.id))]


def at_once(work, n: int = TABS) -> list:
    """Run ``work(i)`` in ``n`` threads released together; every result, or the exception a thread raised."""
    barrier, results = threading.Barrier(n), [None] * n

    def run(i: int) -> None:
        barrier.wait()
        try:
            results[i] = work(i)
        except Exception as exc:
            results[i] = exc

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    return results


def test_six_tabs_signing_in_at_once_all_get_in_and_are_all_audited(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    results = at_once(lambda i: accounts.sign_in(engine, "jo@example.org", PASSWORD))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert all(r.ok for r in results)
    assert sign_ins(engine) == [("jo@example.org", "ok", "password")] * TABS


def test_wrong_passwords_in_parallel_all_count_and_lock_the_account(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    results = at_once(lambda i: accounts.sign_in(engine, "jo@example.org", f"guess number {i}"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert not any(r.ok for r in results)
    assert sum("locked for 15 minutes" in r.message for r in results) == 1  # the fifth failure locks it
    events = sign_ins(engine)
    assert len(events) == TABS  # each attempt audited
    details = [d for _, _, d in events]
    assert {f"wrong password ({n} in a row)" for n in (1, 2, 3, 4)} <= set(details)  # each failure counted
    assert details.count("wrong password (5 in a row); locked for 15 minutes") == 1
    late = accounts.sign_in(engine, "jo@example.org", PASSWORD)
    assert not late.ok and "locked" in late.message  # even the right password, now


def test_right_and_wrong_passwords_racing_never_error(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    results = at_once(lambda i: accounts.sign_in(engine, "jo@example.org", PASSWORD if i % 2 else "a wrong guess"))
    assert not [r for r in results if isinstance(r, Exception)], results
    assert sum(r.ok for r in results) == TABS // 2 and len(sign_ins(engine)) == TABS


def test_made_up_emails_are_limited_like_accounts(engine):
    results = [accounts.sign_in(engine, "nobody@example.org", f"guess {i}") for i in range(7)]
    assert [r.message == accounts.WRONG for r in results[:4]] == [True] * 4
    assert "locked for 15 minutes" in results[4].message  # worded as a real account's lock: nothing to tell apart
    assert all("This account is locked" in r.message for r in results[5:])
    assert [o for _, o, _ in sign_ins(engine)] == ["failed"] * 5 + ["refused"] * 2
    # 16 minutes on, those failures have left the window: it is answered normally again.
    later = accounts.sign_in(engine, "nobody@example.org", "guess", now=datetime.now(UTC) + timedelta(minutes=16))
    assert later.message == accounts.WRONG


def test_one_address_guessing_at_many_accounts_is_slowed_down(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ADDRESS_FAILURES", "3")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    for i in range(3):
        assert not accounts.sign_in(engine, f"person{i}@example.org", "guess", address="203.0.113.9").ok
    refused = accounts.sign_in(engine, "jo@example.org", PASSWORD, address="203.0.113.9")
    assert not refused.ok and "from your network" in refused.message
    assert accounts.sign_in(engine, "jo@example.org", PASSWORD, address="198.51.100.1").ok  # another address
    assert sign_ins(engine)[3] == ("jo@example.org", "refused", "too many failed sign-ins from this address")


def test_concurrent_failures_from_one_address_are_all_counted(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_ADDRESS_FAILURES", str(TABS))
    at_once(lambda i: accounts.sign_in(engine, f"p{i}@example.org", "guess", address="203.0.113.9"))
    assert "from your network" in accounts.sign_in(engine, "x@example.org", "guess", address="203.0.113.9").message


def test_megabyte_inputs_never_reach_the_audit_trail(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    huge = "a" * 1_000_000 + "@example.org"
    long_email = accounts.sign_in(engine, huge, PASSWORD)
    assert long_email.message == accounts.TOO_LONG and "254 characters" in long_email.message
    assert not accounts.sign_in(engine, "jo@example.org", "p" * 1_000_000).ok
    assert not accounts.sign_in(engine, "x" * 1_000_000, "p" * 1_000_000).ok
    with engine.connect() as conn:
        stored = conn.execute(select(func.sum(func.length(AuditEvent.actor) + func.coalesce(
            func.length(AuditEvent.detail), 0)))).scalar_one()
    assert stored < 1500 and len(sign_ins(engine)) == 3


def test_a_password_typed_into_the_email_box_is_not_recorded(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    assert not accounts.sign_in(engine, PASSWORD, PASSWORD).ok
    assert not accounts.sign_in(engine, "Tr0ub4dor&3", "").ok
    assert not accounts.sign_in(engine, "p@ss w0rd", "").ok  # has an "@" but is no address
    everything = repr(sign_ins(engine))
    assert PASSWORD not in everything and "Tr0ub4dor" not in everything and "w0rd" not in everything
    assert [a for a, _, _ in sign_ins(engine)] == ["(not an email address: 28 characters, not recorded)",
                                                    "(not an email address: 11 characters, not recorded)",
                                                    "(not an email address: 9 characters, not recorded)"]


def test_emails_too_long_or_with_hidden_characters_are_refused_in_words(engine):
    with pytest.raises(AccountError, match="at most 254 characters; this one has 300"):
        accounts.add_user(engine, "a" * 288 + "@example.org", by="tests")
    for hidden in ("jo\x00@example.org", "jo@exa\u202emple.org", "\u2066jo@example.org"):
        with pytest.raises(AccountError, match="control or invisible characters"):
            accounts.add_user(engine, hidden, by="tests")
    accounts.add_user(engine, "a" * 242 + "@example.org", by="tests")  # 254: the longest there can be
    with engine.connect() as conn:
        assert conn.execute(select(func.count()).select_from(UserAccount)).scalar_one() == 1


def test_the_sign_in_form_bounds_its_fields(engine, db_url, monkeypatch):
    import streamlit as st
    from signed_in import APP
    from streamlit.testing.v1 import AppTest

    monkeypatch.setenv("DATABASE_URL", db_url)
    monkeypatch.setenv("DASHBOARD_SAMPLE_DATA", "0")
    st.cache_resource.clear()
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    at = AppTest.from_file(APP, default_timeout=120).run()
    email, password = at.text_input
    assert (email.proto.max_chars, password.proto.max_chars) == (254, accounts.MAX_PASSWORD)
    email.set_value("j" * 5000 + "@example.org")  # pasted: the box keeps the first 254 characters
    password.set_value(PASSWORD)
    next(b for b in at.button if b.label == "Sign in").click().run()
    assert not at.exception and at.error[0].value == accounts.WRONG
    assert [t.value for t in at.title] == ["Sign in"]
    assert sign_ins(engine) == [("(not an email address: 254 characters, not recorded)", "failed",
                                 "not an email address")]
    st.cache_resource.clear()
