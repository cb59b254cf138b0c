"""Board pack: the pack of a frozen snapshot (the newest of the latest meeting unless another is chosen, ?snapshot=ID)
or of the live data, marked not frozen, downloaded as PDF, Excel or HTML. Each file is built when its button is
clicked (never on a page run), checked against the person's role and recorded in the audit trail."""

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
    banner=pack_banner_text))
board, filters, snapshot = view.board, view.filters, view.snapshot

if snapshot is None:
    st.caption(f"{md(board['name'])}, data as at {filters.as_at:%d %B %Y}. Not frozen: the pack shows the board's live "
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
# Packs that could not be built, by (board, format): written by the download (which runs outside the page's run, so
# it cannot draw on the page) and said on the page's next run. A plain dict kept in the session, so the download's
# thread and the page share it.
failures: dict = st.session_state.setdefault("pack_failures", {})


def failed_sentence(fmt: str, when: datetime) -> str:
    """What a board officer reads when a pack could not be built: that nothing was made, and what to do."""
    other = "the Excel pack, which holds every row," if fmt != "xlsx" else "the PDF or HTML pack"
    return (f"The {FORMAT_NAMES[fmt]} pack could not be built, so no file was made; the board's data is unchanged. "
            f"Try again, or download {other} in the meantime. If it fails again, tell your dashboard administrator "
            f"that the {FORMAT_NAMES[fmt]} pack of {board['name']} failed at {when:%H:%M} UTC on {when:%d %B %Y}: "
            "the server's log has the details.")


def build(fmt: str, engine=view.engine, slug=board["slug"], board_id=int(board["id"]), as_at=filters.as_at,
          snapshot_id=snapshot.id if snapshot else None, actor=who, failures=failures) -> bytes:
    """Runs only when its button is clicked (Streamlit's deferred download): the snapshot is looked up again then,
    so the file is of the snapshot named on the button, from its frozen copy. A pack that cannot be built is logged
    with its traceback, and the file and the page's next run say so in words."""
    try:
        if snapshot_id is None:
            return export_pack(engine, actor, slug, fmt, as_at=as_at).data
        ref = resolve_snapshot(engine, board_id, snapshot_id=snapshot_id)
        return export_pack(engine, actor, slug, fmt, as_at=ref.as_at or as_at, snapshot=ref).data
    except PackRefused as exc:  # the role changed since the page was drawn: the file says why
        return str(exc).encode("utf-8")
    except Exception:  # anything else: never a traceback for the reader, always one in the log
        when = datetime.now(UTC)
        log.exception("The %s board pack of %s (snapshot %s) could not be built", fmt, slug, snapshot_id)
        failures[(slug, fmt)] = failed_sentence(fmt, when)
        return failures[(slug, fmt)].encode("utf-8")


for (slug, fmt), sentence in list(failures.items()):
    if slug == board["slug"]:
        st.error(md(sentence), icon=":material/error:")
        del failures[(slug, fmt)]


meeting = view.read(meeting_for, int(board["id"]), snapshot.meeting if snapshot else filters.as_at)
if meeting:
    title = f" ({md(meeting['title'])})" if meeting.get("title") else ""
    st.markdown(f"For the meeting of **{meeting['date']:%A} {meeting['date'].day} {meeting['date']:%B %Y}**{title}.")
else:
    st.markdown(f"No meeting is recorded on or after {filters.as_at:%d %B %Y}; the pack is dated by the as-at date.")
when = meeting.get("date") or (snapshot.meeting if snapshot else filters.as_at)
columns = st.columns(3)
for column, fmt in zip(columns, ("pdf", "xlsx", "html"), strict=True):
    column.download_button(f"Download the {FORMAT_NAMES[fmt]} pack", data=lambda fmt=fmt: build(fmt),
                           file_name=pack_file_name(board["slug"], when, fmt), mime=FORMATS[fmt],
                           icon=":material/download:", on_click="ignore", key=f"pack_{fmt}", width="stretch")
st.caption("Building the PDF can take a minute or more for a large board; the Excel pack is quicker. Scripts export "
           "the same packs with `python -m data_model export --board SLUG --meeting YYYY-MM-DD --format pdf`.")
