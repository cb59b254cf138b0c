"""Built-in accounts: Argon2 password hashes, sign-in with lockout and throttling, and roles per board.

Passwords are hashed with Argon2id (argon2-cffi) and never stored, logged or audited in clear. After
``DASHBOARD_LOCKOUT_ATTEMPTS`` wrong passwords in a row (default 5) an account is locked for
``DASHBOARD_LOCKOUT_MINUTES`` (default 15). Every change here is written to the audit trail.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
import os
import re
import secrets
import threading
import time
import unicodedata
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import TypeVar

import pandas as pd
from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from sqlalchemy import case, delete, func, insert, literal, or_, select, update
from sqlalchemy.engine import Connection, Engine
from sqlalchemy.exc import OperationalError

from data_model import audit
from data_model.permissions import ROLES, Actor, Grant
from data_model.tables import AuditEvent, Board, BoardRole, ServerSecret, SignInSession, UserAccount

U, BR, B, A = UserAccount.__table__, BoardRole.__table__, Board.__table__, AuditEvent.__table__
HASHER = PasswordHasher()
MIN_PASSWORD = 10
MAX_PASSWORD = 1024  # Argon2 reads every character: a megabyte "password" would cost the server, not the guesser
MAX_EMAIL = 254  # the longest address mail can carry (RFC 5321), and the column's length
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
    if len(password) > MAX_PASSWORD:
        raise AccountError(f"A password may have at most {MAX_PASSWORD} characters.")


def verify_password(password_hash: str | None, password: str) -> bool:
    try:
        return HASHER.verify(password_hash or _DUMMY_HASH, password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def new_password() -> str:
    """A random password to hand over once: 16 characters from a URL-safe alphabet."""
    return secrets.token_urlsafe(12)


def normal_email(email: str) -> str:
    """The address as stored (trimmed, lower case), or an AccountError saying what is wrong with it."""
    email = (email or "").strip().lower()
    if len(email) > MAX_EMAIL:
        raise AccountError(f"An email address has at most {MAX_EMAIL} characters; this one has {len(email):,}.")
    if any(unicodedata.category(ch) in ("Cc", "Cf") for ch in email):
        raise AccountError("An email address can't hold control or invisible characters (such as NUL or a "
                           "right-to-left override); type it again without them.")
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
TOO_LONG = (f"That is longer than any email address ({MAX_EMAIL} characters at most). Check the email box: "
            "the password goes in the box below it.")
LOCKED = ("This account is locked after too many wrong passwords. Try again in {minutes} minutes, or ask your board "
          "administrator to unlock it.")
NOW_LOCKED = ("Too many wrong passwords: this account is locked for {minutes} minutes. Ask your board administrator "
              "if you need in sooner.")
BUSY_ADDRESS = ("Too many failed sign-ins from your network in the last few minutes. Wait {minutes} minutes and "
                "try again, or ask your board administrator for help.")


def audit_name(typed: str, password: str = "") -> str:
    """What the audit trail keeps of an email box's content: the address as typed (trimmed, lower case, cut to
    254 characters), unless it might be a password (no "@", not an address, or the password itself)."""
    email = (typed or "").strip().lower()
    if not email:
        return "(no email)"
    if "@" not in email or (password and email == password.strip().lower()) or not EMAIL.match(email[:MAX_EMAIL]):
        return f"(not an email address: {len(email):,} characters, not recorded)"
    return email if len(email) <= MAX_EMAIL else email[:MAX_EMAIL - 1] + "…"


class FailureWindow:
    """Failed sign-ins per key (the client's address) over the last few minutes, in this process's memory.

    Holds at most ``max_keys`` keys (the oldest forgotten first), so a flood of made-up addresses cannot grow it
    without bound. Thread-safe: Streamlit runs each session's script in its own thread.
    """

    def __init__(self, max_keys: int = 10_000) -> None:
        self._lock = threading.Lock()
        self._failures: dict[str, deque[float]] = {}
        self.max_keys = max_keys

    def _recent(self, key: str, now: float, window: float) -> deque[float]:
        times = self._failures.get(key) or deque()
        while times and times[0] <= now - window:
            times.popleft()
        return times

    def wait_seconds(self, key: str, limit: int, window: float, now: float | None = None) -> float:
        """0 when ``key`` may try again, else the seconds until its oldest counted failure leaves the window."""
        now = time.time() if now is None else now
        with self._lock:
            times = self._recent(key, now, window)
            return 0.0 if len(times) < limit else times[-limit] + window - now

    def failed(self, key: str, window: float, now: float | None = None) -> None:
        now = time.time() if now is None else now
        with self._lock:
            times = self._recent(key, now, window)
            times.append(now)
            self._failures.pop(key, None)
            self._failures[key] = times  # most recently used last
            while len(self._failures) > self.max_keys:
                self._failures.pop(next(iter(self._failures)))

    def clear(self) -> None:
        with self._lock:
            self._failures.clear()


ADDRESS_FAILURES = FailureWindow()


def address_failure_limit() -> int:
    """Failed sign-ins one address may make within the lockout window (DASHBOARD_ADDRESS_FAILURES, 0: no limit).

    Generous, because everyone behind one office proxy shares an address; the per-account and per-email limits
    (``lockout_attempts``) are the tight ones.
    """
    try:
        return max(0, int(os.environ.get("DASHBOARD_ADDRESS_FAILURES", "30")))
    except ValueError:
        return 30


T = TypeVar("T")


def _retry_busy(work: Callable[[], T], attempts: int = 8) -> T:
    """Run a short write, again after a pause when SQLite says the database is locked (another sign-in writing)."""
    for attempt in range(attempts):
        try:
            return work()
        except OperationalError as exc:
            text = str(exc).lower()
            if attempt == attempts - 1 or not ("locked" in text or "busy" in text or "deadlock" in text):
                raise
            time.sleep(0.02 * (2 ** attempt) * (0.5 + secrets.randbelow(1000) / 1000))
    raise AssertionError("unreachable")


def _write(engine: Engine, work: Callable[[Connection], T]) -> T:
    """One short write transaction; on SQLite it takes the write lock at BEGIN, so writers queue instead of failing."""
    def attempt() -> T:
        with engine.connect() as conn:
            conn.info["write"] = True
            try:
                with conn.begin():
                    return work(conn)
            finally:
                conn.info.pop("write", None)

    return _retry_busy(attempt)


def _minutes(seconds: float) -> int:
    return max(1, int(seconds // 60) + 1)


@dataclass(frozen=True)
class _Attempt:
    """One sign-in attempt: what was typed, from where, when, and what the audit trail may keep of it."""

    engine: Engine
    email: str  # trimmed, lower case
    password: str
    who: str  # audit_name(): the email, or a mask when it might be a password
    address: str | None
    now: datetime

    @property
    def window(self) -> float:
        return lockout_minutes() * 60.0

    def count_against_address(self) -> None:
        if self.address:
            ADDRESS_FAILURES.failed(self.address, self.window, self.now.timestamp())

    def refuse(self, outcome: str, detail: str, message: str, *, count_address: bool = True) -> SignIn:
        _write(self.engine, lambda conn: audit.record(conn, self.who, "sign_in", outcome=outcome, detail=detail))
        if count_address:
            self.count_against_address()
        return SignIn(None, message)


def sign_in(engine: Engine, email: str, password: str, *, address: str | None = None,
            now: datetime | None = None) -> SignIn:
    """Check a password; count failures and lock the account after too many. Every attempt is audited.

    Safe under load: the password is checked outside any transaction, the failure count is one atomic UPDATE, and
    each write is retried while SQLite is busy, so six tabs signing in at once each get an answer and an audit row,
    and parallel wrong passwords all count towards the lock. Failures are also limited per ``address`` (the
    client's, when known) and, for emails with no account, per email, from the audit trail.
    """
    typed, password = email or "", password or ""
    attempt = _Attempt(engine, typed.strip().lower(), password, audit_name(typed, password), address,
                       now or datetime.now(UTC))
    early = _refused_before_looking(attempt)
    if early is not None:
        return early
    with engine.connect() as conn:
        row = conn.execute(select(U.c.id, U.c.active, U.c.password_hash, U.c.locked_until)
                           .where(U.c.email == attempt.email)).first()
    if row is None or not row.active:
        return _unknown_email(attempt, "unknown email" if row is None else "account switched off")
    locked_until = _aware(row.locked_until)
    if locked_until and locked_until > attempt.now:
        minutes = _minutes((locked_until - attempt.now).total_seconds())
        return attempt.refuse("refused", "account locked", LOCKED.format(minutes=minutes), count_address=False)
    if not verify_password(row.password_hash, password):
        return _wrong_password(attempt, row.id)
    return _right_password(attempt, row)


def _refused_before_looking(attempt: _Attempt) -> SignIn | None:
    """Refusals that need no account: an address with too many recent failures, input no address can be."""
    limit = address_failure_limit()
    if attempt.address and limit:
        wait = ADDRESS_FAILURES.wait_seconds(attempt.address, limit, attempt.window, attempt.now.timestamp())
        if wait > 0:
            return attempt.refuse("refused", "too many failed sign-ins from this address",
                                  BUSY_ADDRESS.format(minutes=_minutes(wait)), count_address=False)
    if len(attempt.email) > MAX_EMAIL:
        return attempt.refuse("failed", f"email too long ({len(attempt.email):,} characters)", TOO_LONG)
    too_long = len(attempt.password) > MAX_PASSWORD
    if too_long or not EMAIL.match(attempt.email):
        verify_password(None, attempt.password[:MAX_PASSWORD])  # as slow as any other failure
        return attempt.refuse("failed", "password too long" if too_long else "not an email address", WRONG)
    return None


def _right_password(attempt: _Attempt, row) -> SignIn:
    def succeed(conn: Connection) -> bool:
        values = {"failed_attempts": 0, "locked_until": None, "last_sign_in_at": attempt.now}
        if HASHER.check_needs_rehash(row.password_hash):
            values["password_hash"] = HASHER.hash(attempt.password)
        # Not if a parallel wrong password locked the account since it was read.
        unlocked = or_(U.c.locked_until.is_(None), U.c.locked_until <= attempt.now)
        done = conn.execute(update(U).where(U.c.id == row.id, unlocked).values(**values)).rowcount
        audit.record(conn, attempt.email, "sign_in", outcome="ok" if done else "refused",
                     detail="password" if done else "account locked")
        return bool(done)

    if _write(attempt.engine, succeed):
        return SignIn(row.id)
    return SignIn(None, LOCKED.format(minutes=lockout_minutes()))


def _wrong_password(attempt: _Attempt, user: int) -> SignIn:
    attempts, until = lockout_attempts(), attempt.now + timedelta(minutes=lockout_minutes())
    reached = U.c.failed_attempts + 1 >= attempts

    def count(conn: Connection) -> bool:
        # One statement reads and bumps the count, so parallel failures are all counted; the one that reaches the
        # limit locks the account and starts the count again.
        new = conn.execute(update(U).where(U.c.id == user).values(
            failed_attempts=case((reached, 0), else_=U.c.failed_attempts + 1),
            locked_until=case((reached, literal(until, U.c.locked_until.type)), else_=U.c.locked_until))
            .returning(U.c.failed_attempts)).scalar_one()
        locked_now = new == 0  # only the failure that reached the limit leaves the count at 0
        detail = (f"wrong password ({attempts} in a row); locked for {lockout_minutes()} minutes" if locked_now
                  else f"wrong password ({new} in a row)")
        audit.record(conn, attempt.email, "sign_in", outcome="failed", detail=detail)
        return locked_now

    locked_now = _write(attempt.engine, count)
    attempt.count_against_address()
    return SignIn(None, NOW_LOCKED.format(minutes=lockout_minutes()) if locked_now else WRONG)


def _unknown_email(attempt: _Attempt, why: str) -> SignIn:
    """No account (or a switched-off one): as slow as a wrong password, and limited like an account, by counting
    this email's failures in the audit trail over the lockout window, so guessing at made-up emails is throttled
    too and an unknown email looks just like a real one."""
    verify_password(None, attempt.password)
    attempts, window = lockout_attempts(), timedelta(minutes=lockout_minutes())
    with attempt.engine.connect() as conn:
        recent = [_aware(at) for at in conn.execute(
            select(A.c.at).where(A.c.action == "sign_in", A.c.actor == attempt.email, A.c.outcome == "failed",
                                 A.c.at > attempt.now - window).order_by(A.c.at.desc()).limit(attempts)).scalars()]
    if len(recent) >= attempts:
        wait = (recent[-1] + window - attempt.now).total_seconds()
        return attempt.refuse("refused", f"{why}; too many failures", LOCKED.format(minutes=_minutes(wait)))
    if len(recent) + 1 >= attempts:
        return attempt.refuse("failed", why, NOW_LOCKED.format(minutes=lockout_minutes()))
    return attempt.refuse("failed", why, WRONG)


def sign_in_by_email(engine: Engine, email: str, method: str) -> SignIn:
    """Single sign-on: the identity provider vouched for ``email``; map it to an active account."""
    email = (email or "").strip().lower()
    with engine.connect() as conn:
        row = (conn.execute(select(U.c.id, U.c.active).where(U.c.email == email)).first()
               if len(email) <= MAX_EMAIL else None)

    def record(conn: Connection) -> SignIn:
        if row is None or not row.active:
            audit.record(conn, audit_name(email), "sign_in", outcome="refused",
                         detail=f"{method}: {'no account' if row is None else 'account switched off'}")
            return SignIn(None, "no account")
        conn.execute(update(U).where(U.c.id == row.id).values(last_sign_in_at=datetime.now(UTC)))
        audit.record(conn, email, "sign_in", detail=method)
        return SignIn(row.id)

    return _write(engine, record)


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
        _end_sessions_of(conn, row.id, "password reset")
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
        if not active:
            _end_sessions_of(conn, row.id, "account switched off")
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



# ---------------------------------------------------------------------------------------------
# Staying signed in: server-side sessions behind a signed, expiring, HTTP-only cookie (ui.server sets it)
# ---------------------------------------------------------------------------------------------

S, SECRET = SignInSession.__table__, ServerSecret.__table__
SESSION_COOKIE = "dashboard_session"
HANDOFF_SECONDS = 60  # a fresh sign-in's one-time code is traded for the cookie at once, by a redirect
TOUCH_SECONDS = 60  # how stale a session's last_seen_at may get before a page run writes it again
_KEYS: dict[str, bytes] = {}  # database URL -> its signing key, read once per process
_KEYS_LOCK = threading.Lock()


def session_idle_minutes() -> int:
    """A signed-in session idle this long is signed out (DASHBOARD_SESSION_TIMEOUT_MINUTES)."""
    return _int_env("DASHBOARD_SESSION_TIMEOUT_MINUTES", 30)


def session_max_hours() -> int:
    """However active, a cookie signs in for at most this long after the password was typed."""
    return _int_env("DASHBOARD_SESSION_MAX_HOURS", 12)


def _digest(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def signing_key(engine: Engine) -> bytes:
    """The key cookies are signed with: DASHBOARD_SESSION_SECRET when set, else a random key kept in the database,
    so every app server on one database accepts the others' cookies and a restart signs nobody out."""
    configured = os.environ.get("DASHBOARD_SESSION_SECRET")
    if configured:
        return configured.encode()
    url = engine.url.render_as_string(hide_password=False)
    with _KEYS_LOCK:
        if url not in _KEYS:
            def read_or_make(conn: Connection) -> str:
                found = conn.execute(select(SECRET.c.value).where(SECRET.c.name == SESSION_COOKIE)).scalar()
                if found is None:
                    found = secrets.token_urlsafe(32)
                    conn.execute(insert(SECRET).values(name=SESSION_COOKIE, value=found))
                return found

            _KEYS[url] = _write(engine, read_or_make).encode()
        return _KEYS[url]


def _sign(engine: Engine, payload: str) -> str:
    mac = hmac.new(signing_key(engine), payload.encode(), hashlib.sha256).digest()
    return base64.urlsafe_b64encode(mac).decode().rstrip("=")


def start_session(engine: Engine, user_id: int, *, now: datetime | None = None) -> tuple[int, str]:
    """A session for a sign-in that just succeeded: its id and the one-time code the browser trades for its cookie
    (``redeem_handoff``) within a minute."""
    now = now or datetime.now(UTC)
    code = secrets.token_urlsafe(32)

    def add(conn: Connection) -> int:
        _prune_sessions(conn, now)
        return conn.execute(insert(S).values(
            user_id=user_id, handoff_hash=_digest(code), handoff_expires_at=now + timedelta(seconds=HANDOFF_SECONDS),
            created_at=now, last_seen_at=now, expires_at=now + timedelta(hours=session_max_hours()))
            .returning(S.c.id)).scalar_one()

    return _write(engine, add), code


ENDED_SESSIONS_KEPT = timedelta(days=7)  # an ended session's row is of no use after this; the audit trail keeps sign-ins


def _prune_sessions(conn: Connection, now: datetime) -> None:
    """Forget sessions that ended (expired or signed out) over a week ago, so the table holds about the live ones."""
    cutoff = now - ENDED_SESSIONS_KEPT
    conn.execute(delete(S).where(or_(S.c.expires_at < cutoff, S.c.revoked_at < cutoff)))


@dataclass(frozen=True)
class Cookie:
    """What the browser keeps: the signed value and how many seconds it lasts (the session's absolute expiry)."""

    value: str
    max_age: int


def redeem_handoff(engine: Engine, code: str, *, now: datetime | None = None) -> Cookie | None:
    """The cookie for a one-time code, or None when the code is unknown, used or older than a minute. A new random
    token is made here and only its hash stored, so the token itself exists only in the browser's cookie."""
    now = now or datetime.now(UTC)
    if not code or len(code) > 200:
        return None
    token = secrets.token_urlsafe(32)

    def trade(conn: Connection):
        row = conn.execute(select(S.c.id, S.c.handoff_expires_at, S.c.expires_at, S.c.revoked_at)
                           .where(S.c.handoff_hash == _digest(code))).first()
        if row is None:
            return None
        conn.execute(update(S).where(S.c.id == row.id).values(handoff_hash=None, handoff_expires_at=None,
                                                              token_hash=_digest(token)))
        if row.revoked_at is not None or _aware(row.handoff_expires_at) <= now:
            return None
        return row.id, _aware(row.expires_at)

    found = _write(engine, trade)
    if found is None:
        return None
    session_id, expires = found
    payload = f"{session_id}.{token}.{int(expires.timestamp())}"
    return Cookie(f"{payload}.{_sign(engine, payload)}", max(0, int((expires - now).total_seconds())))


@dataclass(frozen=True)
class SessionCheck:
    """A cookie's or a tab's session as it stands: the account it signs in, or why it no longer does."""

    session_id: int | None
    user_id: int | None
    refused: str | None = None  # forged, expired, signed out, timed out, switched off, unknown

    @property
    def ok(self) -> bool:
        return self.user_id is not None


def session_from_cookie(engine: Engine, value: str | None, *, now: datetime | None = None) -> SessionCheck:
    """Who a cookie signs in. Refused when its signature is wrong (forged or altered), its expiry has passed, or its
    session has ended (signed out, idle, account switched off or password reset)."""
    now = now or datetime.now(UTC)
    parts = (value or "").split(".")
    if len(parts) != 4 or not parts[0].isdigit() or not parts[2].isdigit() or len(value) > 400:
        return SessionCheck(None, None, "forged")
    payload = ".".join(parts[:3])
    if not hmac.compare_digest(_sign(engine, payload), parts[3]):
        return SessionCheck(None, None, "forged")
    if int(parts[2]) <= now.timestamp():
        return SessionCheck(None, None, "expired")
    return check_session(engine, int(parts[0]), now=now, token=parts[1])


def check_session(engine: Engine, session_id: int, *, now: datetime | None = None,
                  token: str | None = None) -> SessionCheck:
    """Whether a session still signs its person in (checked on every page run), ending it once idle too long.
    ``token``, from a cookie, must be the one the session handed out."""
    now = now or datetime.now(UTC)
    with engine.connect() as conn:
        row = conn.execute(select(S.c.user_id, S.c.token_hash, S.c.last_seen_at, S.c.expires_at, S.c.revoked_at,
                                  U.c.active).join(U, U.c.id == S.c.user_id).where(S.c.id == session_id)).first()
    if row is None or (token is not None and not hmac.compare_digest(row.token_hash or "", _digest(token))):
        return SessionCheck(None, None, "unknown")
    if not row.active:
        return SessionCheck(session_id, None, "switched off")
    if row.revoked_at is not None:
        return SessionCheck(session_id, None, "signed out")
    if _aware(row.expires_at) <= now:
        return SessionCheck(session_id, None, "expired")
    if now - _aware(row.last_seen_at) > timedelta(minutes=session_idle_minutes()):
        end_session(engine, session_id, f"timed out after {session_idle_minutes()} minutes idle", now=now)
        return SessionCheck(session_id, None, "timed out")
    if now - _aware(row.last_seen_at) > timedelta(seconds=TOUCH_SECONDS):
        _touch(engine, session_id, now)
    return SessionCheck(session_id, row.user_id)


def session_user(engine: Engine, session_id: int) -> int | None:
    with engine.connect() as conn:
        return conn.execute(select(S.c.user_id).where(S.c.id == session_id)).scalar()


def _touch(engine: Engine, session_id: int, now: datetime) -> None:
    """Best effort: a page run never waits on an import's write lock just to note that its person is active."""
    from data_model.engine import SQLITE_BUSY_TIMEOUT_MS

    try:
        with engine.connect() as conn:
            sqlite = conn.dialect.name == "sqlite"
            if sqlite:
                conn.exec_driver_sql("PRAGMA busy_timeout=200")
                conn.commit()
            try:
                conn.execute(update(S).where(S.c.id == session_id, S.c.revoked_at.is_(None)).values(last_seen_at=now))
                conn.commit()
            finally:
                conn.rollback()
                if sqlite:
                    conn.exec_driver_sql(f"PRAGMA busy_timeout={SQLITE_BUSY_TIMEOUT_MS}")
                    conn.commit()
    except OperationalError:
        pass  # written on a later run


def end_session(engine: Engine, session_id: int, why: str, *, now: datetime | None = None) -> None:
    """Sign-out or time-out: the session's cookie signs nobody in from now on, in any tab."""
    now = now or datetime.now(UTC)
    _write(engine, lambda conn: conn.execute(update(S).where(S.c.id == session_id, S.c.revoked_at.is_(None))
                                             .values(revoked_at=now, revoked_why=why, handoff_hash=None)))


def _end_sessions_of(conn: Connection, user: int, why: str) -> None:
    conn.execute(update(S).where(S.c.user_id == user, S.c.revoked_at.is_(None))
                 .values(revoked_at=datetime.now(UTC), revoked_why=why, handoff_hash=None))
