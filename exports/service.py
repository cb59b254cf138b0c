"""Exporting a board pack as an action: who may, which snapshot, what the file is called, and the audit record.

Pages and the CLI both call ``export_pack``; it checks permission (the ``pack`` action: every role on the board
reads its packs), builds the file and records the export in the audit trail, refused or done.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from data_model import audit, queries
from data_model.permissions import Actor, Resource, allowed
from exports.content import (
    ActionItem,
    AgendaItem,
    ChangeSection,
    Column,
    Dataset,
    PackContent,
    SnapshotRef,
    build_content,
)

FORMATS = {"pdf": "application/pdf",
           "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
           "html": "text/html"}
FORMAT_NAMES = {"pdf": "PDF", "xlsx": "Excel", "html": "HTML"}


class PackRefused(Exception):
    """An export that is not done, with the sentence a person reads."""


@dataclass(frozen=True)
class PackFile:
    file_name: str
    media_type: str
    data: bytes


def file_name(content: PackContent, fmt: str) -> str:
    """``<board-slug>_<meeting-date>_board-pack.<fmt>``: the meeting's date, else the as-at date."""
    return pack_file_name(content.cover.board_slug, content.cover.meeting_date or content.cover.as_at, fmt)


def pack_file_name(board_slug: str, when: date, fmt: str) -> str:
    return f"{board_slug}_{when:%Y-%m-%d}_board-pack.{fmt}"


def resolve_snapshot(source, board_id: int, *, snapshot_id: int | None = None,
                     meeting: date | None = None) -> SnapshotRef:
    """The frozen snapshot asked for: by its id, or the current (not superseded) one of a meeting."""
    from data_model.snapshots import list_snapshots

    found = list_snapshots(source, board_id)
    if snapshot_id is not None:
        chosen = next((i for i in found if i.id == snapshot_id), None)
        if chosen is None:
            raise PackRefused(f"There is no snapshot {snapshot_id} for this board. `python -m data_model snapshot "
                              "list` lists them; export --now for a pack of the current data, marked not frozen.")
    else:
        chosen = next((i for i in found if i.meeting == meeting and not i.superseded), None)
        if chosen is None:
            raise PackRefused(f"There is no snapshot for the meeting of {meeting:%-d %B %Y}. A chair freezes one for the "
                              "meeting first; export --now gives a pack of the current data, marked not frozen.")
    return SnapshotRef(chosen.id, chosen.hash, chosen.taken_at, chosen.taken_by, chosen.meeting, chosen.as_at)


def meeting_inputs(source, board_id: int, meeting: date | None) -> tuple[list[AgendaItem], list[ActionItem]]:
    """The agenda and the matters arising of the board's meeting on ``meeting`` (none without a meeting)."""
    from data_model import meetings as board_meetings

    if meeting is None:
        return [], []
    held = board_meetings.meetings(source, board_id)
    row = held[held["date"] == meeting]
    agenda: list[AgendaItem] = []
    if not row.empty:
        for item in board_meetings.agenda(source, board_id, int(row["id"].iloc[0])).itertuples():
            agenda.append(AgendaItem(str(item.number), item.title, board_meetings.report_label(item.report_number)
                                     or None, item.presenter or None, item.purpose or None,
                                     tuple(item.workstreams or ())))
    arising = [ActionItem(a.ref or "", a.title, a.owner or None, a.due if isinstance(a.due, date) else None, a.status,
                          a.raised_at if isinstance(a.raised_at, date) else None)
               for a in board_meetings.matters_arising(source, board_id, meeting).itertuples()]
    return agenda, arising


def changes_since_last_snapshot(engine, board_slug: str, board_id: int, snapshot: SnapshotRef | None, source,
                                as_at: date) -> list[ChangeSection] | None:
    """What changed since the snapshot of the meeting before this one, as the pack's sections (None: no earlier
    snapshot, and the pack lists what uploads changed since the last meeting instead)."""
    from data_model import snapshots
    from data_model.changes import Reading, compare
    from data_model.rag import RagRules
    from presentation.changes_view import SECTION_TABLES

    found = snapshots.list_snapshots(engine, board_id)
    meeting = snapshot.meeting if snapshot else as_at
    earlier = [i for i in found if not i.superseded and i.meeting < meeting and (snapshot is None or i.id != snapshot.id)]
    if not earlier:
        return None
    before = earlier[0]
    frozen = snapshots.snapshot_source(engine, before.id)
    rules_of = lambda src: RagRules.from_settings((queries.board(src, board_slug) or {}).get("settings"))  # noqa: E731
    changes = compare(Reading(frozen, before.as_at, rules_of(frozen), f"snapshot {before.id}"),
                      Reading(source, snapshot.as_at if snapshot else as_at, rules_of(source), "this pack"),
                      board_slug)
    out = []
    for section, builder in SECTION_TABLES.items():
        table = builder(changes)  # every cell already in words (presentation.changes_view)
        if table is not None and len(table):
            # A heading that reads as one ("Milestones changed since the meeting of 17 January 2017"), and a sheet
            # name short enough for Excel's 31 letters ("Changed milestones"), not the heading cut mid-word.
            title = f"{section.capitalize()} changed since the meeting of {before.meeting:%-d %B %Y}"
            rows = Dataset(f"Changed {section}", tuple(Column(str(c)) for c in table.columns),
                           tuple(tuple(row) for row in table.itertuples(index=False, name=None)))
            out.append(ChangeSection(title, rows))
    return out


def render(content: PackContent, fmt: str) -> bytes:
    """The pack's bytes in ``fmt``: the PDF and the HTML from one template, the workbook from the same datasets."""
    if fmt == "xlsx":
        from exports.xlsx import write_xlsx

        return write_xlsx(content)
    from exports.html import render as render_html

    html = render_html(content, pdf=fmt == "pdf")
    if fmt == "html":
        return html.encode("utf-8")
    from exports.pdf import write_pdf

    return write_pdf(html)


def export_pack(engine, actor: Actor | None, board_slug: str, fmt: str, *, as_at: date,
                snapshot: SnapshotRef | None = None, source=None, agenda: Sequence[AgendaItem] = (),
                matters_arising: Sequence[ActionItem] = (), changes: Sequence[ChangeSection] | None = None,
                actor_label: str | None = None) -> PackFile:
    """Build the pack in ``fmt`` if ``actor`` may read this board's packs; audited either way.

    ``engine`` is where the audit event goes; ``source`` is what the pack reads (a snapshot's copy, or the engine).
    Raises PackRefused with a sentence when the board does not exist or the person may not.
    """
    if fmt not in FORMATS:
        raise PackRefused(f"A board pack is exported as pdf, xlsx or html, not '{fmt}'.")
    who = actor_label or (actor.email if actor else "(unknown)")
    board = queries.board(source or engine, board_slug)
    if board is None:
        raise PackRefused(f"There is no board called '{board_slug}'. The board list shows each board's short name.")
    board_id = int(board["id"])
    what = f"board pack ({fmt}) of {board_slug}, " + (f"snapshot {snapshot.id} sha256 {snapshot.hash}" if snapshot
                                                       else f"not frozen, as at {as_at:%Y-%m-%d}")
    if not allowed("pack", Resource(board_id), actor):
        audit.record_now(engine, who, "export", board_id=board_id, outcome="refused", detail=what)
        raise PackRefused(f"You can't export board packs for {board['name']}: that needs a role on this board. "
                          "Ask your board administrator.")
    if snapshot is not None and source is None:
        from data_model.snapshots import snapshot_source

        source = snapshot_source(engine, snapshot.id)  # the frozen copy: the pack shows what the meeting was shown
        as_at = snapshot.as_at or as_at
    source = source or engine
    if not agenda and not matters_arising:
        agenda, matters_arising = meeting_inputs(source, board_id, snapshot.meeting if snapshot else None)
    if changes is None:
        changes = changes_since_last_snapshot(engine, board_slug, board_id, snapshot, source, as_at)
    content = build_content(source, board_slug, as_at=as_at, snapshot=snapshot, agenda=agenda,
                            matters_arising=matters_arising, changes=changes, charts=fmt != "xlsx",
                            every_row=fmt == "xlsx")
    data = render(content, fmt)
    name = file_name(content, fmt)
    audit.record_now(engine, who, "export", board_id=board_id, detail=f"{what}: {name}")
    return PackFile(name, FORMATS[fmt], data)
