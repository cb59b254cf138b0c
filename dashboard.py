"""The board dashboard: the pages and the action each needs, run inside the frame of ui.app (database, sign-in,
the menu the person may use, board picker).

Run with ``streamlit run dashboard.py``. The database is the local SQLite file unless
``DATABASE_URL`` names another; an empty database is filled with the sample boards on first start.
"""

from pathlib import Path

import streamlit as st

from ui.app import run

PAGES = Path(__file__).resolve().parent / "pages"
# Each page's url_path is its file name: on a freshly started server Streamlit first routes by file name (see
# ui.context.require_entry), and a different name would show "Page not found" before the page opens.

run([
    (st.Page(PAGES / "boards.py", title="Boards", icon=":material/home:", url_path="boards", default=True), "view"),
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
