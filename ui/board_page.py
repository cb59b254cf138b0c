"""What every board view starts with: the entry check, the chosen board, its RAG rules and the shared filters."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import streamlit as st
from sqlalchemy.engine import Engine

from data_model import queries
from data_model.permissions import Resource
from data_model.rag import RagRules
from data_model.rollups import Filters
from ui.auth import require
from ui.context import cached_read, get_engine, require_entry, run_version
from ui.filters import shared_filters


@dataclass(frozen=True)
class BoardPage:
    engine: Engine
    board: dict
    rules: RagRules
    filters: Filters
    version: tuple[int, int]

    def read(self, fn: Callable, *args):
        """A data_model query's result, cached until the next import. Every read of the run comes from the run's one
        read snapshot (ui.context.run_snapshot), at ``version``: an upload landing mid-run shows on the next run."""
        return cached_read(self.version, fn, *args)


def open_board_page() -> BoardPage:
    """Stops the page with a pointer to the upload page when there is no board yet."""
    require_entry()
    board = st.session_state.get("current_board")
    if not board:
        st.info("There are no boards to show yet. An administrator adds boards on **Users and boards**.")
        st.stop()
    require("view", Resource(int(board["id"])))
    engine = get_engine()
    version = run_version()
    rules = RagRules.from_settings((cached_read(version, queries.board, board["slug"]) or {}).get("settings"))
    return BoardPage(engine, board, rules, shared_filters(board, version), version)
