"""Every table a page shows: blank cells read as blank (never "None"), the index hidden, the full width used."""

from __future__ import annotations

import streamlit as st

MISSING = "—"  # what an empty cell shows: a board member reads "not given", never an internal None


def table(data, *, name: str | None = None, **options):
    """``st.dataframe`` with the product's defaults; ``name`` is the table's accessible name ("Top risks")."""
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options.setdefault("placeholder", MISSING)
    return st.dataframe(data, alt=name, **options)
