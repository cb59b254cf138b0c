"""Built-in accounts: Argon2 password hashes, sign-in with lockout, roles per board, and the demo accounts.

Passwords are hashed with Argon2id (argon2-cffi) and never stored, logged or audited in clear. After
``DASHBOARD_LOCKOUT_ATTEMPTS`` wrong passwords in a row (default 5) an account is locked for
``DASHBOARD_LOCKOUT_MINUTES`` (default 15). Every change here is written to the audit trail.
"""

from __future__ import annotations

import os
import re
import secrets
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import delete, func, insert, select, update
from sqlalchemy.engine import Connection, Engine

from data_model import audit
from data_model.permissions import ROLES, Actor, Grant
from data_model.tables import Board, BoardRole, UserAccount

U, BR, B = UserAccount.__table__, BoardRole.__table__, Board.__table__
HASHER = PasswordHasher()
MIN_PASSWORD = 10
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
# Verifying against this keeps a wrong email as slow as a wrong password, so timing doesn't tell which it was.
_DUMMY_HASH = HASHER.hash(secrets.token_hex(16))


class AccountError(ValueError):
    """A request about accounts that can't be done, with a message a board officer can act on."""


def _int_env(name: str, default: int) -> int:
    try:
        return max(1, int(os.environ.get(name, default)))
    except ValueError:
        return default


def lockout_attempts() -> int:
    return _int_env("DASHBOARD_LOCKOUT_ATTEMPTS", 5)


def lockout_minutes() -> int:
    return _int_env("DASHBOARD_LOCKOUT_MINUTES", 15)


def hash_password(password: str) -> str:
    check_password(password)
    return HASHER.hash(password)


def check_password(password: str) -> None:
    if len(password) < MIN_PASSWORD:
        raise AccountError(f"A password needs at least {MIN_PASSWORD} characters.")


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A random password to hand over once: 16 characters from a URL-safe alphabet."""
    return secrets.token_urlsafe(12)


def normal_email(email: str) -> str:
    email = (email or "").strip().lower()
    if not EMAIL.match(email):
        raise AccountError(f"'{email}' is not an email address.")
    return email


def _aware(value: datetime | None) -> datetime | None:
    return value.replace(tzinfo=UTC) if value is not None and value.tzinfo is None else value


# ---------------------------------------------------------------------------------------------
# Signing in
# ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class SignIn:
    user_id: int | None
    message: str | None = None  # why not, when user_id is None

    @property
    def ok(self) -> bool:
        return self.user_id is not None


WRONG = "That email and password don't match an account. Check them and try again."


def sign_in(engine: Engine, email: str, password: str, *, now: datetime | None = None) -> SignIn:
    """Check a password; count failures and lock the account after too many. Every attempt is audited."""
    now = now or datetime.now(UTC)
    email = (email or "").strip().lower()
    with engine.begin() as conn:
        row = conn.execute(select(U).where(U.c.email == email)).first()
        if row is None or not row.active:
            verify_password(None, password)
            audit.record(conn, email or "(no email)", "sign_in", outcome="failed",
                         detail="unknown email" if row is None else "account switched off")
            return SignIn(None, WRONG)
        locked_until = _aware(row.locked_until)
        if locked_until and locked_until > now:
            audit.record(conn, email, "sign_in", outcome="refused", detail="account locked")
            minutes = max(1, int((locked_until - now).total_seconds() // 60) + 1)
            return SignIn(None, f"This account is locked after too many wrong passwords. Try again in {minutes} "
                                "minutes, or ask your board administrator to unlock it.")
        if not verify_password(row.password_hash, password):
            failures = (0 if locked_until else row.failed_attempts) + 1
            values = {"failed_attempts": failures}
            detail = f"wrong password ({failures} in a row)"
            if failures >= lockout_attempts():
                values.update(failed_attempts=0, locked_until=now + timedelta(minutes=lockout_minutes()))
                detail += f"; locked for {lockout_minutes()} minutes"
            conn.execute(update(U).where(U.c.id == row.id).values(**values))
            audit.record(conn, email, "sign_in", outcome="failed", detail=detail)
            if "locked_until" in values:
                return SignIn(None, f"Too many wrong passwords: this account is locked for {lockout_minutes()} "
                                    "minutes. Ask your board administrator if you need in sooner.")
            return SignIn(None, WRONG)
        values = {"failed_attempts": 0, "locked_until": None, "last_sign_in_at": now}
        if HASHER.check_needs_rehash(row.password_hash):
            values["password_hash"] = HASHER.hash(password)
        conn.execute(update(U).where(U.c.id == row.id).values(**values))
        audit.record(conn, email, "sign_in", detail="password")
        return SignIn(row.id)


def sign_in_by_email(engine: Engine, email: str, method: str) -> SignIn:
    """Single sign-on: the identity provider vouched for ``email``; map it to an active account."""
    email = (email or "").strip().lower()
    with engine.begin() as conn:
        row = conn.execute(select(U.c.id, U.c.active).where(U.c.email == email)).first()
        if row is None or not row.active:
            audit.record(conn, email or "(no email)", "sign_in", outcome="refused",
                         detail=f"{method}: {'no account' if row is None else 'account switched off'}")
            return SignIn(None, "no account")
        conn.execute(update(U).where(U.c.id == row.id).values(last_sign_in_at=datetime.now(UTC)))
        audit.record(conn, email, "sign_in", detail=method)
        return SignIn(row.id)


def load_actor(engine: Engine, user_id: int) -> Actor | None:
    """The account and its roles as they are now; None when it no longer exists or is switched off."""
    with engine.connect() as conn:
        row = conn.execute(select(U.c.id, U.c.email, U.c.name, U.c.is_admin, U.c.active)
                           .where(U.c.id == user_id)).first()
        if row is None or not row.active:
            return None
        grants = tuple(Grant(r.board_id, r.role, tuple(r.workstreams or ()))
                       for r in conn.execute(select(BR.c.board_id, BR.c.role, BR.c.workstreams)
                                             .where(BR.c.user_id == user_id).order_by(BR.c.board_id)))
    return Actor(row.id, row.email, row.name, bool(row.is_admin), grants)


# ---------------------------------------------------------------------------------------------
# Administration (the admin page and ``python -m data_model users``)
# ---------------------------------------------------------------------------------------------


def _user(conn: Connection, email: str):
    row = conn.execute(select(U).where(U.c.email == normal_email(email))).first()
    if row is None:
        raise AccountError(f"There is no account for {email.strip().lower()}. Add it first.")
    return row


def _board(conn: Connection, slug: str):
    row = conn.execute(select(B.c.id, B.c.name).where(B.c.slug == slug)).first()
    if row is None:
        raise AccountError(f"There is no board called '{slug}'. The board list shows each board's short name.")
    return row


def add_user(engine: Engine, email: str, *, by: str, name: str | None = None, password: str | None = None,
             admin: bool = False, demo: bool = False, sso_only: bool = False) -> str | None:
    """Create an account. Returns the password to hand over when one was generated (never stored in clear)."""
    email = normal_email(email)
    generated = None
    if password is None and not sso_only:
        password = generated = new_password()
    password_hash = hash_password(password) if password is not None else None
    with engine.begin() as conn:
        if conn.execute(select(U.c.id).where(U.c.email == email)).first():
            raise AccountError(f"There is already an account for {email}.")
        conn.execute(insert(U).values(email=email, name=(name or "").strip() or None, password_hash=password_hash,
                                      is_admin=admin, active=True, is_demo=demo, failed_attempts=0,
                                      created_at=datetime.now(UTC)))
        audit.record(conn, by, "user_added", detail=f"{email}{' (admin)' if admin else ''}"
                                                    f"{' (single sign-on only)' if password_hash is None else ''}")
    return generated


def set_password(engine: Engine, email: str, *, by: str, password: str | None = None) -> str | None:
    """Set a new password (a generated one when none is given, returned once) and lift any lock."""
    generated = None
    if password is None:
        password = generated = new_password()
    password_hash = hash_password(password)
    with engine.begin() as conn:
        row = _user(conn, email)
        conn.execute(update(U).where(U.c.id == row.id).values(password_hash=password_hash, failed_attempts=0,
                                                              locked_until=None))
        audit.record(conn, by, "password_reset", detail=row.email)
    return generated


def set_admin(engine: Engine, email: str, admin: bool, *, by: str) -> None:
    with engine.begin() as conn:
        row = _user(conn, email)
        if not admin and row.is_admin and _active_admins(conn) <= 1:
            raise AccountError("This is the only admin; make someone else an admin first.")
        conn.execute(update(U).where(U.c.id == row.id).values(is_admin=admin))
        audit.record(conn, by, "role_change", detail=f"{row.email}: admin {'granted' if admin else 'removed'}")


def set_active(engine: Engine, email: str, active: bool, *, by: str) -> None:
    with engine.begin() as conn:
        row = _user(conn, email)
        if not active and row.is_admin and _active_admins(conn) <= 1:
            raise AccountError("This is the only admin; make someone else an admin first.")
        conn.execute(update(U).where(U.c.id == row.id).values(active=active, failed_attempts=0, locked_until=None))
        audit.record(conn, by, "role_change", detail=f"{row.email}: account {'switched on' if active else 'switched off'}")


def _active_admins(conn: Connection) -> int:
    return conn.execute(select(func.count()).select_from(U).where(U.c.is_admin, U.c.active)).scalar_one()


def grant(engine: Engine, email: str, board_slug: str, role: str, *, by: str,
          workstreams: list[str] | tuple[str, ...] = ()) -> None:
    """Give ``email`` ``role`` on a board (replacing any role they held there). Leads name their workstreams."""
    if role not in ROLES:
        raise AccountError(f"'{role}' is not a role. Choose one of: {', '.join(ROLES)}.")
    workstreams = sorted({w.strip() for w in workstreams if w and w.strip()})
    if role != "lead" and workstreams:
        raise AccountError("Only leads are assigned workstreams.")
    with engine.begin() as conn:
        user, board = _user(conn, email), _board(conn, board_slug)
        old = conn.execute(select(BR.c.role, BR.c.workstreams)
                           .where(BR.c.user_id == user.id, BR.c.board_id == board.id)).first()
        conn.execute(delete(BR).where(BR.c.user_id == user.id, BR.c.board_id == board.id))
        conn.execute(insert(BR).values(user_id=user.id, board_id=board.id, role=role, workstreams=workstreams))
        was = f" (was {old.role})" if old else ""
        scope = f" for {', '.join(workstreams)}" if workstreams else ""
        audit.record(conn, by, "role_change", board_id=board.id, detail=f"{user.email}: {role}{scope}{was}")


def revoke(engine: Engine, email: str, board_slug: str, *, by: str) -> None:
    with engine.begin() as conn:
        user, board = _user(conn, email), _board(conn, board_slug)
        gone = conn.execute(delete(BR).where(BR.c.user_id == user.id, BR.c.board_id == board.id)).rowcount
        if not gone:
            raise AccountError(f"{user.email} holds no role on {board.name}.")
        audit.record(conn, by, "role_change", board_id=board.id, detail=f"{user.email}: role removed")


def users(engine: Engine) -> pd.DataFrame:
    """Every account with its roles in words, for the admin page and ``users list``."""
    with engine.connect() as conn:
        people = conn.execute(select(U.c.id, U.c.email, U.c.name, U.c.is_admin, U.c.active, U.c.is_demo,
                                     U.c.password_hash.is_not(None).label("has_password"), U.c.locked_until,
                                     U.c.last_sign_in_at).order_by(U.c.email)).all()
        roles = conn.execute(select(BR.c.user_id, B.c.slug, BR.c.role, BR.c.workstreams)
                             .join(B, B.c.id == BR.c.board_id).order_by(B.c.slug)).all()
    held: dict[int, list[str]] = {}
    for r in roles:
        scope = f" ({', '.join(r.workstreams)})" if r.workstreams else ""
        held.setdefault(r.user_id, []).append(f"{r.slug}: {r.role}{scope}")
    now = datetime.now(UTC)
    return pd.DataFrame([{
        "email": p.email, "name": p.name or "", "admin": bool(p.is_admin), "active": bool(p.active),
        "sign_in": "password" if p.has_password else "single sign-on",
        "locked": bool(p.locked_until and _aware(p.locked_until) > now), "demo": bool(p.is_demo),
        "roles": "; ".join(held.get(p.id, [])), "last_sign_in": p.last_sign_in_at,
    } for p in people], columns=["email", "name", "admin", "active", "sign_in", "locked", "demo", "roles",
                                 "last_sign_in"])


def user_id(engine: Engine, email: str) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(U.c.id).where(U.c.email == (email or "").strip().lower())).scalar()


def ensure_account(engine: Engine, email: str, *, by: str, admin: bool = False) -> int:
    """The id of ``email``'s account, made (with a random password nobody is shown) when there is none: for the
    benchmark and tests, which run the app as someone without signing in through the form."""
    found = user_id(engine, email)
    if found is None:
        add_user(engine, email, by=by, admin=admin)
        found = user_id(engine, email)
    return found


def account_count(engine: Engine) -> int:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(U)).scalar_one()


def demo_accounts_active(engine: Engine) -> bool:
    with engine.connect() as conn:
        return conn.execute(select(func.count()).select_from(U).where(U.c.is_demo, U.c.active)).scalar_one() > 0


DEMO_PEOPLE = (
    ("admin@demo.example.org", "Demo admin", "admin"),
    ("chair@demo.example.org", "Demo chair", "chair"),
    ("lead@demo.example.org", "Demo lead", "lead"),
    ("viewer@demo.example.org", "Demo board member", "viewer"),
)


def create_demo_accounts(engine: Engine, lead_board: str, lead_workstreams: list[str]) -> list[tuple[str, str, str]]:
    """One account per role over the sample boards, each with a fresh random password: (email, password, role).

    Only the first start on sample data calls this; the passwords are printed once and kept nowhere in clear.
    """
    with engine.connect() as conn:
        slugs = [r.slug for r in conn.execute(select(B.c.slug).order_by(B.c.slug))]
    made = []
    for email, name, role in DEMO_PEOPLE:
        password = new_password()
        add_user(engine, email, by="sample data", name=name, password=password, admin=role == "admin", demo=True)
        if role == "lead":
            grant(engine, email, lead_board, "lead", by="sample data", workstreams=lead_workstreams)
        elif role != "admin":
            for slug in slugs:
                grant(engine, email, slug, role, by="sample data")
        made.append((email, password, role))
    return made
