"""The board dashboard: the pages and the action each needs, run inside the frame of ui.app (database, sign-in,
the menu the person may use, board picker).

Start it with ``python -m dashboard`` (ui.server): the database is made ready (migrations; on an empty database the
sample boards and the demo accounts, printed once) before the server answers, and built-in sign-ins last across
reloads and tabs. The database is the local SQLite file unless ``DATABASE_URL`` names another.
"""

from pathlib import Path

import streamlit as st
from streamlit.runtime.scriptrunner_utils.script_run_context import get_script_run_ctx

if __name__ == "__main__" and get_script_run_ctx(suppress_warning=True) is None:
    # `python -m dashboard`, not a page run: prepare the database and start the server (before any st.cache is made).
    from ui.server import main

    raise SystemExit(main())

from ui.app import run  # after the launcher's exit: the launcher makes no Streamlit cache

PAGES = Path(__file__).resolve().parent / "pages"
# Each page's url_path is its file name: on a freshly started server Streamlit first routes by file name (see
# ui.context.require_entry), and a different name would show "Page not found" before the page opens.
# The home page is the default, at "/"; Streamlit serves a default page at "/" only, so the same page is also listed
# (hidden from the menu) at /boards, the address its file name and the menu's label suggest.

run([
    (st.Page(PAGES / "boards.py", title="Boards", icon=":material/home:", url_path="home", default=True), "view"),
    (st.Page(PAGES / "boards.py", title="Boards", icon=":material/home:", url_path="boards", visibility="hidden"),
     "view"),
    (st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview"), "view"),
    (st.Page(PAGES / "milestones.py", title="Milestones", icon=":material/flag:", url_path="milestones"), "view"),
    (st.Page(PAGES / "risks.py", title="Risks", icon=":material/warning:", url_path="risks"), "view"),
    (st.Page(PAGES / "budget.py", title="Budget", icon=":material/payments:", url_path="budget"), "view"),
    (st.Page(PAGES / "metrics.py", title="Metrics", icon=":material/monitoring:", url_path="metrics"), "view"),
    (st.Page(PAGES / "localities.py", title="Localities", icon=":material/map:", url_path="localities"), "view"),
    (st.Page(PAGES / "forward_plan.py", title="Forward plan", icon=":material/event:", url_path="forward_plan"), "view"),
    (st.Page(PAGES / "meetings.py", title="Meetings", icon=":material/groups:", url_path="meetings"), "view"),
    (st.Page(PAGES / "snapshots.py", title="Snapshots", icon=":material/photo_camera:", url_path="snapshots"), "view"),
    (st.Page(PAGES / "what_changed.py", title="What changed", icon=":material/difference:", url_path="what_changed"), "view"),
    (st.Page(PAGES / "board_pack.py", title="Board pack", icon=":material/picture_as_pdf:", url_path="board_pack"), "pack"),
    (st.Page(PAGES / "upload.py", title="Upload a tracker", icon=":material/upload_file:", url_path="upload"), "upload"),
    (st.Page(PAGES / "board_settings.py", title="Board settings", icon=":material/tune:", url_path="board_settings"),
     "rules"),
    (st.Page(PAGES / "audit.py", title="Audit trail", icon=":material/policy:", url_path="audit"), "audit"),
    (st.Page(PAGES / "admin.py", title="Users and boards", icon=":material/manage_accounts:", url_path="admin"),
     "users"),
])
