"""The shared filters: a snapshot (or now), workstream, locality and an as-at date, kept in the URL so a pasted link
opens the same view."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from datetime import date

import streamlit as st

from data_model import queries
from data_model.board_dates import board_dates
from data_model.rollups import Filters
from data_model.snapshots import SnapshotInfo, list_snapshots
from data_model.vocabulary import split_path
from presentation.rag_view import level_heading
from presentation.safe import md
from ui.context import get_engine, run_transaction


def _warn_bad(param: str, value: str, what: str) -> None:
    st.sidebar.warning(f"The link asks for {what} '{md(value)}', which this board does not have. Showing all instead.")
    del st.query_params[param]


NOW = "now"  # ?snapshot=now: the board as it is now, on a page that opens on its newest snapshot otherwise


def snapshot_picker(board: dict, *, where=None, latest_by_default: bool = False, now_label: str = "Now (live data)",
                    describe: Callable[[SnapshotInfo], str] | None = None,
                    key: str = "filter_snapshot", help: str = "Show every view as it was frozen for a meeting. Each "
                    "snapshot is named by its meeting and the start of its hash.") -> SnapshotInfo | None:
    """The snapshot the views show (?snapshot=ID), or None for the board as it is now. Read fresh each run (one small
    query), so a snapshot frozen on another server is offered at once.

    ``where`` is the container it is drawn in (the sidebar unless given). With ``latest_by_default`` (the Board
    pack) a link without a snapshot opens on the newest snapshot of the latest meeting, and choosing now is kept in
    the link as ``?snapshot=now``. ``describe`` names each snapshot (its picker label by default)."""
    where = where if where is not None else st.sidebar
    recall(board["slug"])  # a snapshot chosen on one page stays chosen on the next: the menu's links carry no query
    found = list_snapshots(run_transaction() or get_engine(), int(board["id"]))
    by_id = {s.id: s for s in found}
    raw = st.query_params.get("snapshot")
    wanted = None
    if raw and raw != NOW:
        wanted = int(raw) if raw.isdigit() else None
        if wanted not in by_id:
            where.warning(f"The link asks for snapshot '{md(raw)}', which {md(board['name'])} does not have. "
                          "Showing the board as it is now instead.")
            del st.query_params["snapshot"]
            wanted, raw = None, NOW
    if not found:
        return None
    if not raw and latest_by_default:
        wanted = found[0].id  # newest meeting first, newest snapshot of it first
    options = [0, *by_id]
    name = describe or SnapshotInfo.label
    choice = where.selectbox(
        "Snapshot", options, index=options.index(wanted) if wanted else 0,
        format_func=lambda i: now_label if not i else name(by_id[i]), key=f"{key}_{board['slug']}", help=help)
    chosen = str(choice) if choice else (NOW if latest_by_default else "")
    _remembered(board["slug"])["snapshot"] = chosen
    _write("snapshot", chosen)
    return by_id.get(choice)


def shared_filters(board: dict, read: Callable, pinned_as_at: date | None = None, *,
                   whole_board: str | None = None) -> Filters:
    """Read the filters from the URL, show them in the sidebar, and write any change back to the URL.

    ``read(fn, *args)`` runs a data_model query on what the page shows (the board now, or a snapshot);
    ``pinned_as_at`` is a snapshot's as-at date, which the as-at filter then shows and cannot change.
    ``whole_board`` says what a page shows for the whole board ("Meetings belong to the whole board"): it has no
    workstream or locality filter to offer, and says so, where a filter it ignores would mislead; the choices made elsewhere are kept.
    """
    remembered = recall(board["slug"])
    if whole_board is not None:
        st.sidebar.caption(f"{whole_board}: the workstream and locality filters do not apply here.")
        return _dated(board, read, remembered, Filters(int(board["id"])), pinned_as_at)
    tree = read(queries.workstreams, int(board["id"]))
    places = read(queries.localities, int(board["id"]))

    ws_paths = tree["path"].tolist()
    wanted = st.query_params.get("workstream")
    if wanted and wanted not in ws_paths:
        _warn_bad("workstream", wanted, "the workstream")
        wanted = None
    options = ["", *ws_paths]
    labels = dict(zip(tree["path"], tree["level_label"], strict=True))
    levels = dict(zip(tree["path"], tree["level"], strict=True))
    ws_choice = st.sidebar.selectbox(
        "Workstream", options, index=options.index(wanted) if wanted else 0,
        format_func=lambda p: "All workstreams" if not p else
        f"{'  ' * (levels[p] - 1)}{level_heading(labels[p], split_path(p)[-1])}", key=f"filter_ws_{board['slug']}")

    loc_names = places["name"].tolist()
    wanted_loc = st.query_params.get("locality")
    if wanted_loc and wanted_loc not in loc_names:
        _warn_bad("locality", wanted_loc, "the locality")
        wanted_loc = None
    loc_options = ["", *loc_names]
    loc_choice = st.sidebar.selectbox("Locality", loc_options, index=loc_options.index(wanted_loc) if wanted_loc else 0,
                                      format_func=lambda n: n or "All localities", key=f"filter_loc_{board['slug']}")

    _write("workstream", ws_choice)
    _write("locality", loc_choice)
    remembered.update(workstream=ws_choice, locality=loc_choice)
    scope = Filters(int(board["id"]), _id_of(tree, "path", ws_choice), _id_of(places, "name", loc_choice))
    return _dated(board, read, remembered, scope, pinned_as_at)


def _dated(board: dict, read: Callable, remembered: dict[str, str], scope: Filters,
           pinned_as_at: date | None) -> Filters:
    """``scope`` as at the date the sidebar's as-at field shows (a snapshot's own date, in words, when pinned)."""
    if pinned_as_at is not None:
        # Words, not a greyed-out date field: a snapshot's date cannot change, and a disabled field's grey label
        # fails the contrast a reader needs (axe, WCAG 1.4.3).
        st.sidebar.markdown(f"**As at** {pinned_as_at:%d/%m/%Y}", help="A snapshot is shown as at the date it was "
                            "frozen for.")
        return replace(scope, as_at=pinned_as_at)

    today = date.today()
    dates = read(board_dates, int(board["id"]))
    opening = dates.opening_as_at(today)
    default = opening or today
    low, high = dates.picker_range(today)
    as_at = default
    raw = st.query_params.get("as_at")
    if raw:
        try:
            as_at = date.fromisoformat(raw)
        except ValueError:
            st.sidebar.warning(f"'{md(raw)}' in the link is not a date (use YYYY-MM-DD). Showing "
                               f"{'today' if opening is None else f'{default:%-d %b %Y}'} instead.")
            del st.query_params["as_at"]
        else:
            if not low <= as_at <= high:
                st.sidebar.warning(f"The link asks for {as_at:%-d %b %Y}, outside this board's dates "
                                   f"({low:%-d %b %Y} to {high:%-d %b %Y}). Showing {default:%-d %b %Y} instead.")
                as_at = default
    as_at = st.sidebar.date_input("As at", value=as_at, min_value=low, max_value=high, format="DD/MM/YYYY",
                                  key=f"filter_as_at_{board['slug']}")
    if opening is not None and as_at == opening:
        st.sidebar.info(opening_note(dates.data_latest, opening, dates.latest_meeting == opening))

    _write("as_at", as_at.isoformat() if as_at != default else "")
    remembered.update(as_at=as_at.isoformat() if as_at != default else "")
    return replace(scope, as_at=as_at)


FILTERS = ("snapshot", "workstream", "locality", "as_at")  # kept per board in the tab


def recall(slug: str) -> dict[str, str]:
    """The filters last chosen on this board in this browser tab, put back into the address when it has none of
    its own: the menu's page links carry no query, and a member filtered to their workstream would otherwise lose it
    on every click. An address that names a filter keeps its own (a deep link shows what it says)."""
    remembered = _remembered(slug)
    if not any(name in st.query_params for name in FILTERS):
        for name in FILTERS:
            if remembered.get(name):
                st.query_params[name] = remembered[name]
    return remembered


def _remembered(slug: str) -> dict[str, str]:
    return st.session_state.setdefault("remembered_filters", {}).setdefault(slug, {})


def opening_note(last: date | None, opening: date, is_meeting: bool) -> str:
    """Why an old board opens as at a past date, and how to change it."""
    if not is_meeting:
        return (f"This board's milestones, meetings and metrics end on {last:%-d %b %Y}, so it opens as at that "
                "date, not today. Pick another date to change.")
    return (f"This board's milestones, meetings and metrics end on {last:%-d %b %Y}, before today, so it opens as at "
            f"its last meeting on record, {opening:%-d %b %Y}. Pick another date to change.")


def _id_of(frame, column: str, value: str) -> int | None:  # a DataFrame with an id column
    return int(frame.loc[frame[column] == value, "id"].iloc[0]) if value else None


def _write(param: str, value: str) -> None:
    if value:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
