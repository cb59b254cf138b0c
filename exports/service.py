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
from exports.content import ActionItem, AgendaItem, ChangeSection, PackContent, SnapshotRef, build_content

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
    """The frozen snapshot asked for (by its id, or the current one of a meeting). Snapshots arrive with the
    meetings work: until it is merged there are none, so every request is refused with the sentence to read."""
    if snapshot_id is not None:
        raise PackRefused(f"There is no snapshot {snapshot_id} for this board. "
                          "Export --now for a pack of the current data, marked not frozen.")
    raise PackRefused(f"There is no snapshot for the meeting of {meeting:%d %B %Y}. A chair freezes one for the "
                      "meeting first; export --now gives a pack of the current data, marked not frozen.")


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
    content = build_content(source or engine, board_slug, as_at=as_at, snapshot=snapshot, agenda=agenda,
                            matters_arising=matters_arising, changes=changes)
    data = render(content, fmt)
    name = file_name(content, fmt)
    audit.record_now(engine, who, "export", board_id=board_id, detail=f"{what}: {name}")
    return PackFile(name, FORMATS[fmt], data)
