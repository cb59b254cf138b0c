"""The shared filters: workstream, locality and an as-at date, kept in the URL so a pasted link opens the same view."""

from __future__ import annotations

from datetime import date

import streamlit as st

from data_model import queries
from data_model.rollups import Filters
from data_model.vocabulary import split_path
from presentation.safe import md
from ui.context import cached_read


def _warn_bad(param: str, value: str, what: str) -> None:
    st.sidebar.warning(f"The link asks for {what} '{md(value)}', which this board does not have. Showing all instead.")
    del st.query_params[param]


def shared_filters(board: dict, version: tuple[int, int]) -> Filters:
    """Read the filters from the URL, show them in the sidebar, and write any change back to the URL."""
    tree = cached_read(version, queries.workstreams, int(board["id"]))
    places = cached_read(version, queries.localities, int(board["id"]))

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
        f"{'  ' * (levels[p] - 1)}{labels[p]}: {split_path(p)[-1]}", key=f"filter_ws_{board['slug']}")

    loc_names = places["name"].tolist()
    wanted_loc = st.query_params.get("locality")
    if wanted_loc and wanted_loc not in loc_names:
        _warn_bad("locality", wanted_loc, "the locality")
        wanted_loc = None
    loc_options = ["", *loc_names]
    loc_choice = st.sidebar.selectbox("Locality", loc_options, index=loc_options.index(wanted_loc) if wanted_loc else 0,
                                      format_func=lambda n: n or "All localities", key=f"filter_loc_{board['slug']}")

    as_at = date.today()
    raw = st.query_params.get("as_at")
    if raw:
        try:
            as_at = date.fromisoformat(raw)
        except ValueError:
            st.sidebar.warning(f"'{md(raw)}' in the link is not a date (use YYYY-MM-DD). Showing today instead.")
            del st.query_params["as_at"]
    as_at = st.sidebar.date_input("As at", value=as_at, format="DD/MM/YYYY", key=f"filter_as_at_{board['slug']}")

    _write("workstream", ws_choice)
    _write("locality", loc_choice)
    _write("as_at", as_at.isoformat() if as_at != date.today() else "")
    ws_id = int(tree.loc[tree["path"] == ws_choice, "id"].iloc[0]) if ws_choice else None
    loc_id = int(places.loc[places["name"] == loc_choice, "id"].iloc[0]) if loc_choice else None
    return Filters(int(board["id"]), ws_id, loc_id, as_at)


def _write(param: str, value: str) -> None:
    if value:
        if st.query_params.get(param) != value:
            st.query_params[param] = value
    elif param in st.query_params:
        del st.query_params[param]
