"""AppTests of the dashboard as a signed-in person: the sign-in form itself is tested in test_sign_in.py, so the
other page tests start from a session that has signed in (the same session entry the form writes)."""

from __future__ import annotations

import os
import time

from conftest import ROOT
from streamlit.testing.v1 import AppTest

from data_model import accounts, open_database

APP = str(ROOT / "dashboard.py")
ADMIN = "admin@test.example.org"


def user_id(email: str) -> int:
    """The account's id, making an admin account with that email when there is none."""
    engine = open_database(os.environ["DATABASE_URL"])
    try:
        return accounts.ensure_account(engine, email, by="tests", admin=True)
    finally:
        engine.dispose()


def sign_in(at: AppTest, email: str = ADMIN) -> AppTest:
    at.session_state["auth"] = {"user_id": user_id(email), "method": "password", "last_seen": time.time()}
    return at


def open_page(page: str | None = None, *, email: str = ADMIN, **params: str) -> AppTest:
    """The app as ``email`` (an admin unless the account exists already), on ``page`` (a file in pages/)."""
    at = AppTest.from_file(APP, default_timeout=120)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()  # the first run opens the database (loading the sample boards when asked) and shows the sign-in
    sign_in(at, email)
    if page:  # signed in at the page's own address, as the sign-in returns a person to the address they asked for
        at.switch_page(str(ROOT / "pages" / page))
    return at.run()


def confirm_removals(at):
    """Tick "Yes: remove the N rows this file does not have", as a lead does who means it."""
    (box,) = [c for c in at.checkbox if c.label.startswith("Yes: remove the ")]
    return box.check().run()
