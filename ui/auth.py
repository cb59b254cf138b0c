"""Signing in and out, the session timeout, and the check every page and action makes before doing anything.

Two ways in: built-in accounts (email and password, checked by data_model.accounts) and single sign-on with
``st.login`` when ``.streamlit/secrets.toml`` has an ``[auth]`` section. Either way the person's roles come from
our database, reloaded on every run, so a revoked role or a switched-off account takes effect at once.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from urllib.parse import quote

import streamlit as st

from data_model import accounts, audit
from data_model.permissions import ACTIONS, Actor, Resource, allowed
from presentation.safe import md
from ui import server
from ui.context import get_engine

AUTH = "auth"  # session_state: {"user_id", "method", "last_seen"}
PROVIDER_NAMES = {"microsoft": "Microsoft", "google": "Google", "okta": "Okta", "auth0": "Auth0"}


def session_timeout_minutes() -> int:
    return accounts.session_idle_minutes()


def password_sign_in_enabled() -> bool:
    return os.environ.get("DASHBOARD_PASSWORD_SIGN_IN", "1").lower() not in ("0", "false", "no", "off")


def sso_providers() -> list[str]:
    """Providers configured in secrets.toml: "" for a lone ``[auth]`` provider, else the ``[auth.<name>]`` names."""
    try:
        config = st.secrets.get("auth")
    except Exception:  # no secrets file, or one that does not parse: no single sign-on
        return []
    if not isinstance(config, Mapping):
        return []
    named = [name for name, value in config.items() if isinstance(value, Mapping) and "client_id" in value]
    return named or ([""] if "client_id" in config else [])


def _sso_email() -> str | None:
    try:
        return st.user.email if st.user.is_logged_in else None
    except Exception:  # single sign-on not configured
        return None


def current_actor() -> Actor | None:
    """The signed-in person, or None. Ends a session idle for longer than the timeout, or ended elsewhere (signed
    out in another tab, the account switched off); a tab with no sign-in of its own takes the browser's cookie."""
    engine = get_engine()
    session = st.session_state.get(AUTH)
    now = time.time()
    if session and session.get("session_id"):
        # Shared by every tab of the browser: the database knows when any of them was last used.
        check = accounts.check_session(engine, session["session_id"])
        if not check.ok:
            del st.session_state[AUTH]
            _ended(engine, session["user_id"], check.refused)
            return None
    elif session and now - session["last_seen"] > session_timeout_minutes() * 60:
        del st.session_state[AUTH]
        _ended(engine, session["user_id"], "timed out")
        if session["method"] != "password":
            st.logout()
        return None
    if session is None:
        session = _session_from_cookie(engine, now)
    if session is None:
        email = _sso_email()
        if email is None or st.session_state.get("sso_refused") == email:
            return None
        result = accounts.sign_in_by_email(engine, email, "single sign-on")
        if not result.ok:
            st.session_state["sso_refused"] = email
            return None
        session = st.session_state[AUTH] = {"user_id": result.user_id, "method": "sso", "last_seen": now}
    actor = accounts.load_actor(engine, session["user_id"])
    if actor is None:
        del st.session_state[AUTH]
        return None
    session["last_seen"] = now
    return actor


def _session_from_cookie(engine, now: float) -> dict | None:
    """This browser's built-in sign-in, from its HTTP-only cookie (set by ui.server), if it still holds."""
    try:
        value = st.context.cookies.get(accounts.SESSION_COOKIE)
    except Exception:  # no browser connection (AppTest)
        return None
    if not value or st.session_state.get("cookie_refused") == value:
        return None
    check = accounts.session_from_cookie(engine, value)
    if not check.ok:
        st.session_state["cookie_refused"] = value  # the cookie stays until sign-in replaces it: look once
        if check.refused in ("timed out", "switched off"):
            _ended(engine, check_user(engine, check), check.refused)
        return None
    session = st.session_state[AUTH] = {"user_id": check.user_id, "method": "password", "last_seen": now,
                                        "session_id": check.session_id}
    return session


def check_user(engine, check: accounts.SessionCheck) -> int | None:
    return accounts.session_user(engine, check.session_id) if check.session_id else None


def _ended(engine, user_id: int | None, why: str | None) -> None:
    """A session that no longer signs its person in: a time-out is recorded as a sign-out, and the sign-in page
    says why."""
    if why == "timed out":
        actor = accounts.load_actor(engine, user_id) if user_id else None
        audit.record_now(engine, actor.email if actor else "(removed account)", "sign_out",
                         detail=f"timed out after {session_timeout_minutes()} minutes idle")
    _signed_out_note(why)


def _signed_out_note(why: str | None) -> None:
    notes = {
        "timed out": f"You were signed out after {session_timeout_minutes()} minutes without activity. Sign in "
                     "again to carry on.",
        "signed out": "You signed out in another tab or window. Sign in again to carry on.",
        "switched off": "Your account has been switched off. If you need to carry on, ask your board administrator.",
        "expired": f"Sign-ins last {accounts.session_max_hours()} hours at most. Sign in again to carry on.",
    }
    if why in notes:
        st.session_state["signed_out_note"] = notes[why]


def client_address() -> str | None:
    """The browser's address as Streamlit sees the connection (None on localhost), for throttling failed sign-ins.

    Behind a reverse proxy this is the proxy's address, shared by everyone; the per-address limit is generous for
    that reason (``DASHBOARD_ADDRESS_FAILURES``) and the per-account and per-email limits still hold.
    """
    try:
        return st.context.ip_address
    except Exception:
        return None


def sign_in_page(next_path: str = "/") -> None:
    """Who is this? The only page anyone sees before signing in. ``next_path`` is the address asked for (page and
    query string), opened once the person has signed in, by password or single sign-on."""
    engine = get_engine()
    st.title("Sign in")
    note = st.session_state.pop("signed_out_note", None)
    if note:
        st.info(note, icon=":material/logout:")
    refused = st.session_state.get("sso_refused")
    if refused:
        st.warning(f"You signed in as **{md(refused)}**, but this dashboard has no account for that address. Please ask "
                   "your board administrator to add you; once they have, sign in again.", icon=":material/person_off:")
        if st.button("Sign out of single sign-on"):
            del st.session_state["sso_refused"]
            st.logout()
        return
    for provider in sso_providers():
        label = PROVIDER_NAMES.get(provider, provider.title() if provider else "your organisation")
        if st.button(f"Sign in with {md(label)}", key=f"sso_{provider or 'default'}", type="primary",
                     icon=":material/login:"):
            _single_sign_on(provider, next_path)
    if not password_sign_in_enabled():
        return
    if accounts.account_count(engine) == 0:
        st.info("No accounts exist yet. Create the first administrator on the server:\n\n"
                "`python -m data_model users add you@example.org --admin --name \"Your Name\"`", icon=":material/info:")
        return
    with st.form("sign_in"):
        email = st.text_input("Email", autocomplete="email", max_chars=accounts.MAX_EMAIL)
        password = st.text_input("Password", type="password", autocomplete="current-password",
                                 max_chars=accounts.MAX_PASSWORD)
        submitted = st.form_submit_button("Sign in", type="primary")
    if submitted:
        result = accounts.sign_in(engine, email, password, address=client_address())
        if result.ok:
            session_id, code = accounts.start_session(engine, result.user_id)
            st.session_state[AUTH] = {"user_id": result.user_id, "method": "password", "last_seen": time.time(),
                                      "session_id": session_id}
            st.session_state.pop("cookie_refused", None)
            if server.cookie_routes_mounted():
                # The browser fetches its cookie and comes back to the same address, signed in for every tab.
                _go_to(server.session_url(code, next_path))
                st.info("Signed in. Opening the dashboard…", icon=":material/login:")
                return
            st.rerun()
        st.error(result.message, icon=":material/lock:")


def _go_to(url: str) -> None:
    """Send the browser to ``url`` on this server, the way st.login and st.logout do."""
    from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
    from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

    ctx = get_script_run_ctx()
    if ctx is not None:
        message = ForwardMsg()
        message.auth_redirect.url = url
        ctx.enqueue(message)


def _single_sign_on(provider: str, next_path: str) -> None:
    """st.login, carrying the address asked for (kept by ui.server's middleware) when this server can keep it."""
    if not server.cookie_routes_mounted():
        st.login(provider) if provider else st.login()
        return
    from streamlit.auth_util import validate_auth_credentials
    from streamlit.user_info import generate_login_redirect_url

    validate_auth_credentials(provider or "default")
    _go_to(f"{generate_login_redirect_url(provider or 'default')}&next={quote(server.safe_next(next_path))}")


def sign_out(actor: Actor) -> None:
    session = st.session_state.pop(AUTH, None)
    audit.record_now(get_engine(), actor.email, "sign_out")
    st.session_state.pop("sso_refused", None)
    if session and session.get("session_id"):
        accounts.end_session(get_engine(), session["session_id"], "signed out")
    if session and session["method"] != "password":
        st.logout()
    elif server.cookie_routes_mounted():
        _go_to(server.sign_out_url())  # the browser forgets the cookie; the session has ended whatever it keeps
        st.stop()
    st.rerun()


def actor() -> Actor | None:
    """The person the frame signed in for this run (set by ui.app.run)."""
    return st.session_state.get("_actor")


def require(action: str, resource: Resource | None = None) -> Actor:
    """Stop the page unless the signed-in person may do ``action``; every page and action calls this first."""
    who = actor()
    if not allowed(action, resource, who):
        st.error(f"You don't have permission to {ACTIONS.get(action, action)}. If you need to, ask your board "
                 "administrator.", icon=":material/block:")
        st.stop()
    return who


def can(action: str, resource: Resource | None = None) -> bool:
    return allowed(action, resource, actor())
