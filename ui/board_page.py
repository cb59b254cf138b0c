"""What every board view starts with: the entry check, the chosen board (now, or as frozen in a snapshot), its RAG
rules and the shared filters, and the banner that says which snapshot is shown."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, replace

import streamlit as st
from sqlalchemy.engine import Engine

from data_model import queries
from data_model.permissions import Actor, Resource
from data_model.rag import RagRules
from data_model.rollups import Filters
from data_model.snapshots import SnapshotError, SnapshotInfo
from presentation.safe import md
from ui.auth import require
from ui.context import cached_frozen_read, cached_read, frozen_source, get_engine, require_entry, run_version
from ui.filters import shared_filters, snapshot_picker


@dataclass(frozen=True)
class BoardPage:
    engine: Engine
    board: dict
    rules: RagRules
    filters: Filters
    version: tuple  # the data version (live), or ("snapshot", id, hash): what caches of this view are keyed on
    snapshot: SnapshotInfo | None = None  # the snapshot shown, None for the board as it is now
    source: object = None  # that snapshot materialised (data_model.snapshots.FrozenSource)

    def read(self, fn: Callable, *args):
        """A data_model query's result, cached until the next import. Every read of the run comes from the run's one
        read transaction (ui.context.run_transaction), at ``version``: an upload landing mid-run shows on the next
        run. With a snapshot chosen, the very same query runs on the snapshot's frozen copy instead."""
        if self.snapshot is not None:
            return cached_frozen_read(self.version, self.source, fn, *args)
        return cached_read(self.version, fn, *args)

    def nothing_yet(self, none: str, upload: str, noun: str = "", register: Callable | None = None, *args) -> None:
        """Say there is nothing to show (``none``), and what would fill it: the upload it takes (``upload``) for a
        person who may upload to this board; who does, for a board member who may not (the Upload page is not theirs).
        With a workstream or locality chosen, ``register`` (read with the filters and ``args``) counts the board's
        ``noun`` without them: when it has some, the filter is why none show, and the page says that instead."""
        from data_model.permissions import allowed
        from ui.auth import actor

        f = self.filters
        if register is not None and (f.workstream_id is not None or f.locality_id is not None):
            found = len(self.read(register, replace(f, workstream_id=None, locality_id=None), *args))
            if found:
                chosen = [(st.query_params.get("workstream"), "in that workstream", "All workstreams"),
                          (st.query_params.get("locality"), "given that locality", "All localities")]
                chosen = [c for c in chosen if c[0]]
                which = " and ".join(f"'{md(name)}'" for name, _, _ in chosen)
                st.info(f"Nothing here for {which}: the board has {found} {noun}, but none is "
                        f"{' and '.join(why for _, why, _ in chosen)}. Choose "
                        f"{' and '.join(f'**{every}**' for _, _, every in chosen)} in the sidebar to see them.",
                        icon=":material/filter_alt_off:")
                return
        if allowed("upload", Resource(int(self.board["id"])), actor()):
            st.info(f"{none} {upload} on the **Upload a tracker** page.")
        else:
            st.info(f"{none} The board's leads upload them; ask the board's chair if you expected to see some here.")


def chosen_board(action: str) -> tuple[dict, Actor]:
    """The board chosen in the sidebar and the person, who must be allowed ``action`` on it; stops the page with a
    word when there is no board yet. Pages that are not board views (settings, snapshots) start here too."""
    require_entry()
    board = st.session_state.get("current_board")
    if not board:
        st.info("There are no boards to show yet. An administrator adds boards on **Users and boards**.")
        st.stop()
    return board, require(action, Resource(int(board["id"])))


@dataclass(frozen=True)
class SnapshotChoice:
    """Where and how a page offers the snapshot picker (ui.filters.snapshot_picker): the views' one in the sidebar,
    opening on now; the Board pack's on the page itself, opening on the newest snapshot of the latest meeting."""

    where: object = None  # a Streamlit container; the sidebar when None
    latest_by_default: bool = False
    now_label: str = "Now (live data)"
    describe: Callable[[SnapshotInfo], str] | None = None  # each snapshot's name in the list (its label())
    key: str = "filter_snapshot"
    help: str = ("Show every view as it was frozen for a meeting. Each snapshot is named by its meeting and the start "
                 "of its hash.")
    banner: Callable[[SnapshotInfo], str] | None = None  # the banner's words for a snapshot; the views' when None


def open_board_page(choice: SnapshotChoice | None = SnapshotChoice(), *, whole_board: str | None = None) -> BoardPage:
    """Stops the page with a word when there is no board yet. ``choice`` None offers no snapshot: the board as it is
    now (What changed picks its own two readings). ``whole_board`` says what a page shows for the whole board
    ("Meetings belong to the whole board"): it offers no workstream or locality filter (ui.filters.shared_filters)."""
    board, _who = chosen_board("view")
    engine = get_engine()
    snapshot = None
    if choice is not None:
        snapshot = snapshot_picker(board, where=choice.where, latest_by_default=choice.latest_by_default,
                                   now_label=choice.now_label, describe=choice.describe, key=choice.key,
                                   help=choice.help)
    if snapshot is not None:
        try:
            source = frozen_source(snapshot.id)
        except SnapshotError as exc:
            st.error(md(str(exc)), icon=":material/error:")
            st.stop()
        snapshot = source.info
        version: tuple = ("snapshot", snapshot.id, snapshot.hash)
        page = BoardPage(engine, board, RagRules(), Filters(int(board["id"])), version, snapshot, source)
    else:
        page = BoardPage(engine, board, RagRules(), Filters(int(board["id"])), run_version())
    frozen_board = page.read(queries.board, board["slug"]) or {}
    rules = RagRules.from_settings(frozen_board.get("settings"))
    filters = shared_filters(board, page.read, snapshot.as_at if snapshot is not None else None,
                             whole_board=whole_board)
    if snapshot is not None:
        show_banner(snapshot, choice.banner)
    return BoardPage(engine, board, rules, filters, page.version, snapshot, page.source)


def _frozen_line(snapshot: SnapshotInfo, opening: str, holds: str, superseded: str) -> str:
    """A snapshot's line (markdown, the person's name escaped): ``opening`` and the meeting, its hash, who took it
    and when, then the sentence ``holds`` (what it holds), and ``superseded`` when a later snapshot replaced it."""
    taken = snapshot.taken_at
    text = (f"**{opening} {snapshot.meeting.day} {snapshot.meeting:%B %Y}**, hash `{snapshot.short_hash}`…, taken by "
            f"{md(snapshot.taken_by)} on {taken.day} {taken:%B %Y at %H:%M} UTC. {holds}")
    if snapshot.superseded:
        text += f" **Superseded by a later snapshot** of the same meeting (snapshot {snapshot.superseded_by}){superseded}"
    return text


def _as_at(snapshot: SnapshotInfo) -> str:
    return f"{snapshot.as_at.day} {snapshot.as_at:%B %Y}"


def banner_text(snapshot: SnapshotInfo) -> str:
    """The line every view of a snapshot opens with."""
    return _frozen_line(snapshot, "As frozen for the meeting of",
                        f"Every view shows the data, meetings and RAG rules as they stood when it was taken, read as at "
                        f"{_as_at(snapshot)}.",
                        "; this one is kept as it was.")


def pack_banner_text(snapshot: SnapshotInfo) -> str:
    """The Board pack page's line for a snapshot: the pack is built from it (the page shows no views of its own)."""
    return _frozen_line(snapshot, "This pack is built from the snapshot frozen for the meeting of",
                        f"It holds the data, meetings and RAG rules as they stood when it was taken, read as at "
                        f"{_as_at(snapshot)}, whatever has changed since.", ": this pack is of the older one, kept as it was.")


def show_banner(snapshot: SnapshotInfo, words: Callable[[SnapshotInfo], str] | None = None) -> None:
    icon = ":material/history:" if not snapshot.superseded else ":material/layers:"
    (st.warning if snapshot.superseded else st.info)((words or banner_text)(snapshot), icon=icon)
