"""The frame every page runs in: page set-up, the database, sign-in, the menu the person may use, the board picker."""

from __future__ import annotations

from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from data_model import accounts
from data_model.permissions import ANYWHERE, allowed, visible_boards
from presentation.safe import md
from ui import auth
from ui.context import board_picker, end_run_reads, get_engine, mark_entry

FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.png"

# Where Streamlit's own look falls short of WCAG 2.2 AA (axe-core in tests/test_browser_accessibility.py finds each):
# - a date field's day, month and year parts are 18 x 20 px targets: at least 24 x 24 px (2.5.8 Target size);
# - a menu link with the keyboard focus looked like the current page's link (a grey band): it gets a 3 px outline in
#   the theme's blue, which the current page never has (2.4.7 Focus visible);
# - a multiselect's placeholder ("Workstreams this lead uploads for") is grey at 2.3:1: the caption grey, 5:1 (1.4.3).
ACCESSIBILITY_CSS = """<style>
[data-testid="stDateInputField"] [role="spinbutton"] {
  min-width: 24px; min-height: 24px; display: inline-flex; align-items: center; justify-content: center;
}
[data-testid="stSidebarNavLink"]:focus-visible {
  outline: 3px solid #005eb8; outline-offset: 1px; background-color: transparent;
}
[data-testid="stMultiSelect"] span[aria-hidden="true"] [data-testid="stMarkdownContainer"] p { color: #6d6e6e; }
</style>"""


def run(pages: list[tuple[st.Page, str]]) -> None:
    """Run the page the URL asks for, if the signed-in person may use it.

    ``pages`` pairs each page with the action it needs (data_model.permissions.ACTIONS); the menu lists only the
    pages the person may use, and each page checks again before doing anything.
    """
    # A local icon: a ":material/...:" page icon makes every browser fetch it from fonts.gstatic.com.
    st.set_page_config(page_title="Board dashboard", page_icon=str(FAVICON), layout="wide")
    st.html(ACCESSIBILITY_CSS)
    engine = get_engine()
    actor = auth.current_actor()
    st.session_state["_actor"] = actor
    if accounts.demo_accounts_active(engine):
        st.warning("**Demo accounts are active.** This install runs on sample data with demo sign-ins; an admin should "
                   "switch them off on the Users and boards page before real board data goes in.", icon=":material/science:")
    if actor is None:
        # Every page stays routable but hidden, so the address asked for opens once the person has signed in.
        asked = st.navigation([page for page, _ in pages], position="hidden")
        auth.sign_in_page(address(asked))
        st.stop()

    usable = [page for page, action in pages if allowed(action, ANYWHERE, actor)]
    if not usable:
        usable = [st.Page(_no_roles, title="No access yet", icon=":material/person_off:", url_path="no_access",
                          default=True)]
    navigation = st.navigation(usable, expanded=True)  # every page a person may open, none behind "View more"
    st.session_state["current_board"] = board_picker(visible_boards(actor))
    with st.sidebar:
        st.caption(f"Signed in as **{md(actor.label)}**" + (" (admin)" if actor.is_admin else ""))
        if st.button("Sign out", icon=":material/logout:", key="sign_out"):
            auth.sign_out(actor)
    mark_entry()
    try:
        navigation.run()
    finally:
        end_run_reads()  # the run's read transaction (ui.context.run_transaction) ends with the page


def address(page: st.Page) -> str:
    """The address of ``page`` with this run's query string: where a person goes back to once signed in."""
    query = urlencode(st.query_params.to_dict())
    return f"/{page.url_path}" + (f"?{query}" if query else "")


def _no_roles() -> None:
    st.title("No access yet")
    st.info("You're signed in, but you don't hold a role on any board yet. Ask your board administrator to add you "
            "to your board.", icon=":material/person_off:")
