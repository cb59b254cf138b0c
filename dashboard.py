"""The board dashboard: the pages, run inside the frame of ui.app (database, navigation, board picker).

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
    st.Page(PAGES / "boards.py", title="Boards", icon=":material/home:", url_path="boards", default=True),
    st.Page(PAGES / "overview.py", title="Overview", icon=":material/dashboard:", url_path="overview"),
    st.Page(PAGES / "milestones.py", title="Milestones", icon=":material/flag:", url_path="milestones"),
    st.Page(PAGES / "risks.py", title="Risks", icon=":material/warning:", url_path="risks"),
    st.Page(PAGES / "budget.py", title="Budget", icon=":material/payments:", url_path="budget"),
    st.Page(PAGES / "metrics.py", title="Metrics", icon=":material/monitoring:", url_path="metrics"),
    st.Page(PAGES / "localities.py", title="Localities", icon=":material/map:", url_path="localities"),
    st.Page(PAGES / "forward_plan.py", title="Forward plan", icon=":material/event:", url_path="forward_plan"),
    st.Page(PAGES / "upload.py", title="Upload a tracker", icon=":material/upload_file:", url_path="upload"),
])
