"""Users and boards, for administrators: accounts, roles per board, passwords, and new boards."""

import streamlit as st

from data_model import accounts, queries
from data_model.accounts import AccountError
from data_model.board_settings import SettingsError, add_board
from data_model.permissions import ROLE_NAMES, ROLES
from presentation.people_view import people_words
from presentation.safe import md
from ui.auth import require
from ui.context import boards, cached_read, clear_caches, get_engine, require_entry
from ui.row_detail import whole_or_detail

require_entry()
who = require("users")
engine = get_engine()
st.title("Users and boards")
PEOPLE_WHOLE_UP_TO = 40  # people listed whole; more scroll in a grid whose chosen person is written out beneath


def done(message: str, secret: str | None = None) -> None:
    """Say what happened on the next run; a generated password is shown once, there and nowhere else."""
    st.session_state["admin_done"] = (md(message), secret)
    clear_caches()
    st.rerun()


def attempt(change, message: str) -> None:  # a function of no arguments
    """Make a change; say why in words when it can't be made, else report it."""
    try:
        result = change()
    except (AccountError, SettingsError) as exc:
        st.error(md(str(exc)))
    else:
        done(message, result if isinstance(result, str) else None)  # a str is a generated password


def holds(people, email: str, slug: str) -> str:
    """The role ``email`` holds on the board ``slug`` ("lead (Crisis response)"), from the people table's
    "slug: role (workstreams)" entries; "" for none."""
    roles = people.loc[people["email"] == email, "roles"]
    for entry in (roles.iloc[0].split("; ") if len(roles) and roles.iloc[0] else []):
        if entry.startswith(f"{slug}: "):
            return entry.removeprefix(f"{slug}: ")
    return ""


news = st.session_state.pop("admin_done", None)
if news:
    st.success(news[0], icon=":material/check_circle:")
    if news[1]:
        st.code(news[1], language=None)
        st.caption("Hand this password over privately; it is not shown again and is stored only as a hash.")

people = accounts.users(engine)
if people["demo"].any() and people.loc[people["demo"], "active"].any():
    if st.button("Switch off every demo account", key="demo_off", icon=":material/science_off:"):
        for email in people.loc[people["demo"] & people["active"], "email"]:
            if email != who.email:
                accounts.set_active(engine, email, False, by=who.email)
        done("Demo accounts switched off" + (" (except your own: switch it off after making a real admin)."
                                             if who.email in set(people.loc[people["demo"], "email"]) else "."))

# Every account, its roles and standing in words, whole (a grid cut the roles short); a long list scrolls in a grid
# whose chosen person is written out beneath.
every_board = boards()
whole_or_detail(people_words(people, dict(zip(every_board["slug"], every_board["name"], strict=True))),
                up_to=PEOPLE_WHOLE_UP_TO, key="admin_people", name="People", heading="Email", addresses=("Email",))

# Roles are given on the board chosen in the sidebar: one board picker, so this page and the sidebar never disagree.
board = st.session_state.get("current_board")
emails = people["email"].tolist()
tab_role, tab_user, tab_account, tab_board = st.tabs(["Give or remove a role", "Add a person", "Password and access",
                                                      "Add a board"])

with tab_role:
    if not emails or not board:
        st.info("Add a person and a board first.")
    else:
        slug, board_name = board["slug"], board["name"]
        st.markdown(f"On **{md(board_name)}**, the board chosen in the sidebar. To give a role on another board, "
                    "choose it there.")
        a, c = st.columns(2)
        email = a.selectbox("Person", emails, key="role_email")
        role = c.selectbox("Role", ROLES, format_func=ROLE_NAMES.get, key="role_role")
        held = holds(people, email, slug)
        st.caption(f"{md(email)} holds {held} on this board now." if held else
                   f"{md(email)} holds no role on this board yet.")
        board_id = int(board["id"])
        tops = cached_read(queries.data_version(engine), queries.workstreams, board_id)
        tops = tops.loc[tops["level"] == 1, "name"].tolist()
        chosen = st.multiselect("Workstreams this lead uploads for", tops, key="role_ws", disabled=role != "lead",
                                help="A lead may upload only files whose rows all belong to these workstreams.")
        left, right = st.columns(2)
        if left.button("Give the role", type="primary", key="role_give"):
            attempt(lambda: accounts.grant(engine, email, slug, role, by=who.email,
                                           workstreams=chosen if role == "lead" else []),
                    f"{email} is now {role} on {board_name}.")
        if right.button("Remove their role on this board", key="role_remove"):
            attempt(lambda: accounts.revoke(engine, email, slug, by=who.email),
                    f"{email} no longer holds a role on {board_name}.")

with tab_user, st.form("add_user", clear_on_submit=True):
    a, b = st.columns(2)
    email = a.text_input("Email")
    name = b.text_input("Name")
    sso_only = st.checkbox("Signs in only with single sign-on (no password)")
    admin = st.checkbox("Administrator (users, boards and roles, everywhere)")
    if st.form_submit_button("Add the person", type="primary"):
        attempt(lambda: accounts.add_user(engine, email, by=who.email, name=name, admin=admin, sso_only=sso_only),
                f"Added {email.strip().lower()}. Now give them a role on their board."
                + ("" if sso_only else " Their first password:"))

with tab_account:
    if emails:
        email = st.selectbox("Person", emails, key="account_email")
        row = people[people["email"] == email].iloc[0]
        a, b, c = st.columns(3)
        if a.button("Set a new password", key="account_reset", help="Also unlocks a locked account."):
            attempt(lambda: accounts.set_password(engine, email, by=who.email), f"New password for {email}:")
        label = "Switch the account off" if row["active"] else "Switch the account on"
        if b.button(label, key="account_active"):
            attempt(lambda: accounts.set_active(engine, email, not row["active"], by=who.email),
                    f"{email}: account switched {'off' if row['active'] else 'on'}.")
        label = "Remove admin" if row["admin"] else "Make admin"
        if c.button(label, key="account_admin"):
            attempt(lambda: accounts.set_admin(engine, email, not row["admin"], by=who.email),
                    f"{email}: admin {'removed' if row['admin'] else 'granted'}.")

with tab_board, st.form("add_board", clear_on_submit=True):
    a, b = st.columns(2)
    name = a.text_input("Board name", placeholder="Rutland Health and Wellbeing Board")
    slug = b.text_input("Short name (used in links)", placeholder="rutland-hwb")
    board_type = a.text_input("Type", placeholder="Health and Wellbeing Board")
    area = b.text_input("Area", placeholder="Rutland")
    if st.form_submit_button("Add the board", type="primary"):
        attempt(lambda: add_board(engine, slug, name, by=who.email, board_type=board_type, area=area),
                f"Added {name}. Give its chair, leads and members their roles.")
