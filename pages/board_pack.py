"""Board pack: the pack of a frozen snapshot (the newest of the latest meeting unless another is chosen, ?snapshot=ID)
or of the live data, marked not frozen, as PDF, Excel or HTML. Each file is built when its Prepare button is
pressed (never on a plain page run), checked against the person's role and recorded in the audit trail, then
offered for download."""

import logging
from datetime import UTC, datetime

import streamlit as st

from exports.content import meeting_for
from exports.service import FORMAT_NAMES, FORMATS, PackRefused, export_pack, pack_file_name, resolve_snapshot
from presentation.changes_view import snapshot_name
from presentation.safe import md
from ui.board_page import SnapshotChoice, chosen_board, open_board_page, pack_banner_text

# The entry check and the role come first, so nothing of the page shows to someone who may not read packs.
chosen, who = chosen_board("pack")
st.title("Board pack")
view = open_board_page(SnapshotChoice(
    where=st.container(), latest_by_default=True, now_label="Now (not frozen: the live data)", describe=snapshot_name,
    key="pack_snapshot", help="The pack of a frozen snapshot shows exactly what the board saw at that meeting, with "
    "its hash on the cover; now exports the data as it stands, marked not frozen on every page.",
    banner=pack_banner_text), whole_board="The pack covers the whole board")
board, filters, snapshot = view.board, view.filters, view.snapshot

if snapshot is None:
    st.caption(f"{md(board['name'])}, data as at {filters.as_at:%-d %B %Y}. Not frozen: the pack shows the board's live "
               "data, and says so on its cover and on every page.")
else:
    st.caption(f"{md(board['name'])}: the pack of snapshot {snapshot.id}, hash `{snapshot.hash}`, printed on its "
               "cover and in its About sheet so a reader can check a copy.")
st.markdown("The pack holds a cover, contents with page numbers, the agenda with each item's page, matters arising, "
            "the RAG overview and exceptions, what changed since the last meeting, a section per top-level "
            "workstream (timeline, risks with their heat map, budget and metrics), the forward plan and an appendix "
            "of the uploads behind it and their warnings. The PDF is tagged for screen readers; the Excel workbook "
            "holds every row, one sheet per dataset.")


log = logging.getLogger(__name__)


def failed_sentence(fmt: str, when: datetime) -> str:
    """What a board officer reads when a pack could not be built: that nothing was made, and what to do."""
    other = "the Excel pack, which holds every row," if fmt != "xlsx" else "the PDF or HTML pack"
    return (f"The {FORMAT_NAMES[fmt]} pack could not be built, so no file was made; the board's data is unchanged. "
            f"Try again, or download {other} in the meantime. If it fails again, tell your dashboard administrator "
            f"that the {FORMAT_NAMES[fmt]} pack of {board['name']} failed at {when:%H:%M} UTC on {when:%-d %B %Y}: "
            "the server's log has the details.")


def build(fmt: str) -> bytes | None:
    """The pack, built in this run (its button was pressed): the snapshot is looked up again now, so the file is of
    the snapshot the page names, from its frozen copy. A refusal or a failure is said on the page at once, in
    words; a failure's traceback goes to the server's log."""
    try:
        with st.spinner(f"Building the {FORMAT_NAMES[fmt]} pack…"):
            if snapshot is None:
                return export_pack(view.engine, who, board["slug"], fmt, as_at=filters.as_at).data
            ref = resolve_snapshot(view.engine, int(board["id"]), snapshot_id=snapshot.id)
            return export_pack(view.engine, who, board["slug"], fmt, as_at=ref.as_at or filters.as_at,
                               snapshot=ref).data
    except PackRefused as exc:  # the role changed since the page was drawn
        st.error(md(str(exc)), icon=":material/block:")
    except Exception:  # anything else: never a traceback for the reader, always one in the log
        log.exception("The %s board pack of %s (snapshot %s) could not be built", fmt, board["slug"],
                      snapshot.id if snapshot else None)
        st.error(md(failed_sentence(fmt, datetime.now(UTC))), icon=":material/error:")
    return None


def size(data: bytes) -> str:
    return f"{len(data) / 1e6:.1f} MB" if len(data) >= 100_000 else f"{max(1, round(len(data) / 1000))} KB"


meeting = view.read(meeting_for, int(board["id"]), snapshot.meeting if snapshot else filters.as_at)
if meeting:
    title = f" ({md(meeting['title'])})" if meeting.get("title") else ""
    st.markdown(f"For the meeting of **{meeting['date']:%A} {meeting['date'].day} {meeting['date']:%B %Y}**{title}.")
else:
    st.markdown(f"No meeting is recorded on or after {filters.as_at:%-d %B %Y}; the pack is dated by the as-at date.")
when = meeting.get("date") or (snapshot.meeting if snapshot else filters.as_at)
# A pack is built when its Prepare button is pressed, in that run (so a failure is said there and then), and kept
# for this board, snapshot and date until the choice changes; its Download button then saves the file.
choice = (board["slug"], snapshot.id if snapshot else "now", filters.as_at.isoformat())
ready: dict = st.session_state.setdefault("pack_ready", {})
for fmt in [f for f, (made_for, _) in ready.items() if made_for != choice]:
    del ready[fmt]
columns = st.columns(3)
for column, fmt in zip(columns, ("pdf", "xlsx", "html"), strict=True):
    name = FORMAT_NAMES[fmt]
    with column:
        if st.button(f"Prepare the {name} pack", icon=":material/description:", key=f"pack_prepare_{fmt}",
                     width="stretch", type="secondary" if fmt in ready else "primary"):
            if (data := build(fmt)) is not None:
                ready[fmt] = (choice, data)
        if fmt in ready:
            data = ready[fmt][1]
            st.download_button(f"Download the {name} pack ({size(data)})", data=data,
                               file_name=pack_file_name(board["slug"], when, fmt), mime=FORMATS[fmt],
                               icon=":material/download:", on_click="ignore", key=f"pack_{fmt}", width="stretch")
st.caption("Prepare builds the pack from the data named above and records the export in the audit trail; Download "
           "then saves it. The PDF can take a minute or more for a large board; the Excel pack is quicker. Scripts "
           "export the same packs with `python -m data_model export --board SLUG --meeting YYYY-MM-DD --format pdf`.")
