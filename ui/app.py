"""The frame every page runs in: page set-up, the database, navigation and the board picker."""

from __future__ import annotations

import streamlit as st

from ui.context import board_picker, get_engine, mark_entry


def run(pages: list) -> None:
    """Open the database, show the navigation and the board picker, then run the page the URL asks for."""
    st.set_page_config(page_title="Board dashboard", page_icon=":material/dashboard:", layout="wide")
    mark_entry()
    get_engine()
    navigation = st.navigation(pages)
    st.session_state["current_board"] = board_picker()
    navigation.run()
