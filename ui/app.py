"""The frame every page runs in: page set-up, the database, sign-in, the menu the person may use, the board picker."""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlencode

import streamlit as st

from data_model import accounts
from data_model.permissions import ANYWHERE, Actor, allowed, visible_boards
from presentation.safe import md
from ui import auth
from ui.context import board_picker, end_run_reads, get_engine, mark_entry

FAVICON = Path(__file__).resolve().parent.parent / "static" / "favicon.png"
BENCH_TITLE_PAGE = Path(__file__).resolve().parent.parent / "bench" / "title_page.py"

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
.st-key-account [data-testid="stCaptionContainer"], .st-key-account [data-testid="stCaptionContainer"] * {
  overflow-wrap: normal; word-break: normal;
}
@media (max-width: 1279px) {
  .st-key-side_by_side [data-testid="stHorizontalBlock"] { flex-wrap: wrap; }
  .st-key-side_by_side [data-testid="stColumn"] { min-width: 100%; }
}
</style>"""
# And a layout rule: two halves side by side (the heat map and its risks) stack, one above the other, on a screen
# under 1280 px wide, where with the menu open each half was too narrow to read (Streamlit stacks columns below 640).
# The last rule: the signed-in name or email wraps only where account_words() lets it (after "@", before a dot),
# never mid-word ("member@journeys.example.o / rg").


def run(pages: list[tuple[st.Page, str]]) -> None:
    """Run the page the URL asks for, if the signed-in person may use it.

    ``pages`` pairs each page with the action it needs (data_model.permissions.ACTIONS); the menu lists only the
    pages the person may use, and each page checks again before doing anything.
    """
    # A local icon: a ":material/...:" page icon makes every browser fetch it from fonts.gstatic.com.
    st.set_page_config(page_title="Board dashboard", page_icon=str(FAVICON), layout="wide")
    st.html(ACCESSIBILITY_CSS)
    pages = [*pages, *_bench_pages()]
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
    refused = [_hidden(page) for page, action in pages if not allowed(action, ANYWHERE, actor)]
    navigation = st.navigation(usable + refused, expanded=True)  # every page a person may open, none behind "View more"
    account(actor)
    board = st.session_state["current_board"] = board_picker(visible_boards(actor))
    board_name(board)
    mark_entry()
    try:
        navigation.run()
    finally:
        end_run_reads()  # the run's read transaction (ui.context.run_transaction) ends with the page


def account(actor: Actor) -> None:
    """Who is signed in and the way out, at the top of the sidebar: above the board picker, so nothing comes between
    the picker and the filters each page adds under it."""
    with st.sidebar.container(key="account"):
        who, out = st.columns([3, 2], vertical_alignment="center")
        who.caption(f"Signed in as **{account_words(actor.label)}**" + (" (admin)" if actor.is_admin else ""))
        if out.button("Sign out", icon=":material/logout:", key="sign_out", type="tertiary"):
            auth.sign_out(actor)
    st.sidebar.divider()


BREAK = "\u200b"  # a zero-width space: where a line may break, showing nothing


def account_words(label: str) -> str:
    """The person's name or email (markdown, escaped) with places to wrap around its "@" and before each dot, so a
    long address in the narrow sidebar column breaks between its parts, never inside one."""
    text = md(label).replace("@", "@" + BREAK).replace("\\.", BREAK + "\\.")
    return text.replace(BREAK + BREAK, BREAK)


SHOWN_WHOLE = 28  # about the characters the sidebar's picker shows before it cuts a name short


def board_name(board: dict | None) -> None:
    """The chosen board's whole name under the picker, which cuts long names short ("North Lanarkshire Integration
    Jo…"), with its type and area."""
    if not board:
        return
    about = " · ".join(md(x) for x in (board.get("board_type"), board.get("area")) if isinstance(x, str) and x)
    if len(board["name"]) > SHOWN_WHOLE:
        st.sidebar.caption(f"**{md(board['name'])}**" + (f"  \n{about}" if about else ""))
    elif about:
        st.sidebar.caption(about)


def _bench_pages() -> list[tuple[st.Page, str]]:
    """The browser benchmark's title-only page, listed only in a server started with DASHBOARD_BENCH_TITLE_PAGE=1
    (bench/browser_bench.py), never in one a board member uses."""
    if os.environ.get("DASHBOARD_BENCH_TITLE_PAGE") != "1" or not BENCH_TITLE_PAGE.exists():
        return []
    return [(st.Page(BENCH_TITLE_PAGE, title="Title only", url_path="bench_title"), "view")]


def address(page: st.Page) -> str:
    """The address of ``page`` with this run's query string: where a person goes back to once signed in."""
    query = urlencode(st.query_params.to_dict())
    return f"/{page.url_path}" + (f"?{query}" if query else "")


def _hidden(page: st.Page) -> st.Page:
    """``page`` left out of the menu but still at its address, so a typed or pasted address meets the page's own
    refusal ("You don't have permission to …"), not Streamlit's "Page not found" and someone else's page."""
    return st.Page(page._page, title=page.title, icon=page.icon, url_path=page.url_path, visibility="hidden")


def _no_roles() -> None:
    st.title("No access yet")
    st.info("You're signed in, but you don't hold a role on any board yet. Ask your board administrator to add you "
            "to your board.", icon=":material/person_off:")
