"""Built-in accounts on both databases: Argon2 hashes, sign-in, lockout, administration and its audit trail, and
the `python -m data_model users` command a fresh install starts from (run in-process through its ``main``)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

import pytest
from conftest import dump, xlsx
from sqlalchemy import select

from data_model import accounts
from data_model.accounts import AccountError
from data_model.cli import main as data_model_cli
from data_model.tables import AuditEvent, UserAccount

PASSWORD = "correct horse battery staple"


def _row(engine, email: str):
    with engine.connect() as conn:
        return conn.execute(select(UserAccount).where(UserAccount.email == email)).one()


def _audit(engine) -> list[tuple]:
    with engine.connect() as conn:
        return [tuple(r) for r in conn.execute(select(AuditEvent.actor, AuditEvent.action, AuditEvent.outcome,
                                                      AuditEvent.detail).order_by(AuditEvent.id))]


def test_passwords_are_stored_only_as_argon2id_hashes(engine):
    accounts.add_user(engine, "Jo@Example.org", by="tests", password=PASSWORD)
    row = _row(engine, "jo@example.org")  # stored lower-case
    assert row.password_hash.startswith("$argon2id$") and PASSWORD not in row.password_hash
    assert accounts.verify_password(row.password_hash, PASSWORD)
    assert not accounts.verify_password(row.password_hash, PASSWORD + "!")
    assert not accounts.verify_password(None, PASSWORD) and not accounts.verify_password("not a hash", PASSWORD)
    assert accounts.sign_in(engine, "JO@example.org ", PASSWORD).ok
    accounts.sign_in(engine, "jo@example.org", "wrong password!!")
    everything = repr(dump(engine)) + repr(_audit(engine))
    assert PASSWORD not in everything and "wrong password!!" not in everything  # never stored, never audited


def test_short_passwords_and_bad_emails_are_refused_in_words(engine):
    with pytest.raises(AccountError, match="at least 10 characters"):
        accounts.add_user(engine, "jo@example.org", by="tests", password="short")
    with pytest.raises(AccountError, match="not an email address"):
        accounts.add_user(engine, "jo at example", by="tests")
    accounts.add_user(engine, "jo@example.org", by="tests")
    with pytest.raises(AccountError, match="already an account"):
        accounts.add_user(engine, "JO@example.org", by="tests")


def test_wrong_password_and_unknown_email_look_the_same(engine):
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    wrong = accounts.sign_in(engine, "jo@example.org", "not the password")
    unknown = accounts.sign_in(engine, "nobody@example.org", PASSWORD)
    assert not wrong.ok and not unknown.ok and wrong.message == unknown.message
    outcomes = [(a, o, d) for a, action, o, d in _audit(engine) if action == "sign_in"]
    assert outcomes == [("jo@example.org", "failed", "wrong password (1 in a row)"),
                        ("nobody@example.org", "failed", "unknown email")]


def test_an_account_locks_after_repeated_failures_and_unlocks_later(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "3")
    monkeypatch.setenv("DASHBOARD_LOCKOUT_MINUTES", "15")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    now = datetime(2026, 11, 23, 9, 0, tzinfo=UTC)
    for _ in range(2):
        assert not accounts.sign_in(engine, "jo@example.org", "guess number n", now=now).ok
    third = accounts.sign_in(engine, "jo@example.org", "guess number 3", now=now)
    assert "locked for 15 minutes" in third.message
    during = accounts.sign_in(engine, "jo@example.org", PASSWORD, now=now + timedelta(minutes=14))
    assert not during.ok and "locked" in during.message  # even the right password
    after = accounts.sign_in(engine, "jo@example.org", PASSWORD, now=now + timedelta(minutes=16))
    assert after.ok
    row = _row(engine, "jo@example.org")
    assert row.failed_attempts == 0 and row.locked_until is None
    assert ("jo@example.org", "sign_in", "refused", "account locked") in _audit(engine)


def test_a_successful_sign_in_resets_the_failure_count(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "3")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    for _ in range(2):
        accounts.sign_in(engine, "jo@example.org", "a wrong guess")
    assert accounts.sign_in(engine, "jo@example.org", PASSWORD).ok
    for _ in range(2):
        accounts.sign_in(engine, "jo@example.org", "a wrong guess")
    assert accounts.sign_in(engine, "jo@example.org", PASSWORD).ok  # not locked: the count started again


def test_an_admin_resetting_a_password_unlocks_the_account(engine, monkeypatch):
    monkeypatch.setenv("DASHBOARD_LOCKOUT_ATTEMPTS", "1")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    accounts.sign_in(engine, "jo@example.org", "a wrong guess")
    new = accounts.set_password(engine, "jo@example.org", by="admin@example.org")
    assert len(new) >= 16 and accounts.sign_in(engine, "jo@example.org", new).ok
    assert ("admin@example.org", "password_reset", "ok", "jo@example.org") in _audit(engine)


def test_switched_off_accounts_and_the_last_admin(engine):
    accounts.add_user(engine, "boss@example.org", by="tests", password=PASSWORD, admin=True)
    with pytest.raises(AccountError, match="only admin"):
        accounts.set_active(engine, "boss@example.org", False, by="tests")
    with pytest.raises(AccountError, match="only admin"):
        accounts.set_admin(engine, "boss@example.org", False, by="tests")
    accounts.add_user(engine, "jo@example.org", by="tests", password=PASSWORD)
    accounts.set_active(engine, "jo@example.org", False, by="boss@example.org")
    assert not accounts.sign_in(engine, "jo@example.org", PASSWORD).ok
    assert accounts.load_actor(engine, _row(engine, "jo@example.org").id) is None


def test_single_sign_on_maps_emails_to_accounts(engine):
    accounts.add_user(engine, "sam@nhs.example.org", by="tests", sso_only=True)
    assert _row(engine, "sam@nhs.example.org").password_hash is None
    assert not accounts.sign_in(engine, "sam@nhs.example.org", "").ok  # no password to sign in with
    assert accounts.sign_in_by_email(engine, "Sam@NHS.example.org", "single sign-on").ok
    refused = accounts.sign_in_by_email(engine, "stranger@example.org", "single sign-on")
    assert not refused.ok
    assert ("stranger@example.org", "sign_in", "refused", "single sign-on: no account") in _audit(engine)


def test_roles_are_granted_replaced_and_revoked_with_a_record(engine):
    from loaders import import_bytes

    plan = xlsx({"Plan": [["Priority", "Milestone", "Due"], ["Prevention", "Start", "March 2017"]]})
    assert import_bytes(plan, "p.xlsx", "test-board", engine=engine).status == "ok"
    accounts.add_user(engine, "jo@example.org", by="tests")
    accounts.grant(engine, "jo@example.org", "test-board", "viewer", by="boss@example.org")
    accounts.grant(engine, "jo@example.org", "test-board", "lead", by="boss@example.org", workstreams=["Prevention"])
    actor = accounts.load_actor(engine, _row(engine, "jo@example.org").id)
    assert [(g.role, g.workstreams) for g in actor.grants] == [("lead", ("Prevention",))]
    with pytest.raises(AccountError, match="not a role"):
        accounts.grant(engine, "jo@example.org", "test-board", "owner", by="tests")
    with pytest.raises(AccountError, match="no board called"):
        accounts.grant(engine, "jo@example.org", "no-board", "viewer", by="tests")
    accounts.revoke(engine, "jo@example.org", "test-board", by="boss@example.org")
    assert accounts.load_actor(engine, _row(engine, "jo@example.org").id).grants == ()
    changes = [d for _, action, _, d in _audit(engine) if action == "role_change"]
    assert changes == ["jo@example.org: viewer", "jo@example.org: lead for Prevention (was viewer)",
                       "jo@example.org: role removed"]


def test_the_first_admin_is_made_on_the_command_line(db_url, engine, cli):
    def run_cli(*args: str, stdin: str | None = None):
        return cli(data_model_cli, "--db", db_url, "users", *args, stdin=stdin)

    added = run_cli("add", "First.Admin@Council.gov.uk", "--admin", "--name", "First Admin")
    assert added.returncode == 0, added.stderr
    password = added.stdout.split("hand it over privately): ")[1].strip()
    assert accounts.sign_in(engine, "first.admin@council.gov.uk", password).ok
    assert run_cli("add", "lead@council.gov.uk", "--password-stdin",
                   stdin="a long enough password\n").returncode == 0
    assert accounts.sign_in(engine, "lead@council.gov.uk", "a long enough password").ok
    listed = run_cli("list")
    assert "first.admin@council.gov.uk (admin): no roles" in listed.stdout
    reset = run_cli("reset-password", "lead@council.gov.uk")
    assert reset.returncode == 0 and "the account is unlocked" in reset.stdout
    assert not accounts.sign_in(engine, "lead@council.gov.uk", "a long enough password").ok
    refused = run_cli("grant", "lead@council.gov.uk", "no-such-board", "lead")
    assert refused.returncode == 1 and "There is no board called 'no-such-board'" in refused.stderr
    assert "Traceback" not in refused.stderr
    assert any(actor.startswith("command line") and action == "user_added" for actor, action, _, _ in _audit(engine))
