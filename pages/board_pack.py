"""Board pack: the pack for the chosen board and as-at date, downloaded as PDF, Excel or HTML. Each file is built
when its button is clicked (never on a page run), checked against the person's role and recorded in the audit
trail."""

import streamlit as st

from data_model.permissions import Resource
from exports.content import meeting_for
from exports.service import FORMAT_NAMES, FORMATS, PackRefused, export_pack, pack_file_name
from presentation.safe import md
from ui.auth import require
from ui.board_page import open_board_page

view = open_board_page()
board, filters = view.board, view.filters
who = require("pack", Resource(int(board["id"])))
st.title("Board pack")
st.caption(f"{md(board['name'])}, data as at {filters.as_at:%d %B %Y}. Not frozen: the pack shows the board's live "
           "data, and says so on its cover and on every page.")
st.markdown("The pack holds a cover, contents with page numbers, the agenda with each item's page, matters arising, "
            "the RAG overview and exceptions, what changed since the last meeting, a section per top-level "
            "workstream (timeline, risks with their heat map, budget and metrics), the forward plan and an appendix "
            "of the uploads behind it and their warnings. The PDF is tagged for screen readers; the Excel workbook "
            "holds every row, one sheet per dataset.")


def build(fmt: str, engine=view.engine, slug=board["slug"], as_at=filters.as_at, actor=who) -> bytes:
    """Runs only when its button is clicked (Streamlit's deferred download)."""
    try:
        return export_pack(engine, actor, slug, fmt, as_at=as_at).data
    except PackRefused as exc:  # the role changed since the page was drawn: the file says why
        return str(exc).encode("utf-8")


meeting = view.read(meeting_for, int(board["id"]), filters.as_at)
if meeting:
    st.markdown(f"For the meeting of **{meeting['date']:%A %d %B %Y}** ({md(meeting.get('title'))}).")
else:
    st.markdown(f"No meeting is recorded on or after {filters.as_at:%d %B %Y}; the pack is dated by the as-at date.")
columns = st.columns(3)
for column, fmt in zip(columns, ("pdf", "xlsx", "html"), strict=True):
    column.download_button(f"Download the {FORMAT_NAMES[fmt]} pack", data=lambda fmt=fmt: build(fmt),
                           file_name=pack_file_name(board["slug"], meeting.get("date") or filters.as_at, fmt), mime=FORMATS[fmt], icon=":material/download:",
                           on_click="ignore", key=f"pack_{fmt}", width="stretch")
st.caption("Building the PDF can take a minute or more for a large board; the Excel pack is quicker. This page "
           "exports the live data; the pack of a frozen snapshot, with its hash on the cover, is exported with "
           "`python -m data_model export --board SLUG --meeting YYYY-MM-DD --format pdf`.")
