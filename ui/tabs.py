"""Tabs that draw only the chosen one, and keep it chosen when their counts change."""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st


def lazy_tabs(names: Sequence[str], labels: Sequence[str], *, key: str) -> list:
    """``st.tabs`` of ``labels`` (one per name, such as "Risks (12)") where only the chosen tab's content is drawn
    (``.open``; each switch reruns): a hidden tab's large table would otherwise be sent and drawn on every visit.
    The choice is remembered by name, so it survives a label whose count moves with the filters."""
    remembered = f"{key}_chosen"
    chosen = st.session_state.get(remembered, names[0])
    default = labels[names.index(chosen)] if chosen in names else labels[0]
    widget = f"{key}_{'|'.join(labels)}"  # a new widget when a count moves, so it opens on the remembered tab

    def remember() -> None:
        picked = st.session_state.get(widget)
        if picked in labels:
            st.session_state[remembered] = names[list(labels).index(picked)]

    return st.tabs(list(labels), default=default, key=widget, on_change=remember)
