"""Every table a page shows: blank cells read as blank (never "None"), the index hidden, the full width used."""

from __future__ import annotations

import re
from datetime import date, datetime

import pandas as pd
import streamlit as st

from presentation.counts import more_words  # worded as the board pack words its own
from presentation.moments import day_words
from presentation.rag_view import MISSING  # what an empty cell shows: "not given", never an internal None
from presentation.safe import cell_md

__all__ = ["MISSING", "TITLE_WIDTH", "table", "wrapping_table", "wrapping_cells"]

# A register grid's title column: wide enough to scan, not so wide that the due date and status fall off a 1024 px
# screen (the chosen row is written out whole beneath the grid, ui.row_detail).
TITLE_WIDTH = "medium"


def table(data, *, name: str | None = None, **options):
    """``st.dataframe`` with the product's defaults; ``name`` is the table's accessible name ("Top risks")."""
    options.setdefault("hide_index", True)
    options.setdefault("width", "stretch")
    options.setdefault("placeholder", MISSING)
    return st.dataframe(data, alt=name, **options)


_ADDRESS = re.compile(r"[\w.+-]+@[\w-]+(?:\.[\w-]+)+")


def _address_cell(value: object) -> str:
    """An account's email, which the app holds itself, as a mailto link: its text then copies exactly as written
    (cell_md breaks a bare address with an invisible character, so tracker text never becomes a link)."""
    if isinstance(value, str) and _ADDRESS.fullmatch(value):
        return f"[{value.replace('_', chr(92) + '_')}](mailto:{value})"
    return _cell(value)


def wrapping_cells(frame: pd.DataFrame, labels: dict[str, str] | None = None,
                   addresses: tuple[str, ...] = ()) -> pd.DataFrame:
    """``frame`` (its ``labels`` columns, renamed, when given; a label for a column the frame lacks, such as one
    dropped for being blank on every row, is passed over) as the text a wrapping table shows: dates as
    "2 Jul 2018" (joined by no-break spaces), blanks as MISSING, and tracker text escaped (presentation.safe.cell_md),
    because ``st.table`` reads every cell and header as markdown (a risk titled "[Sign in](https://…)" would otherwise be a link)."""
    if labels is not None:
        addresses = tuple(labels.get(c, c) for c in addresses)
        frame = frame[[c for c in labels if c in frame.columns]].rename(columns=labels)
    return pd.DataFrame({cell_md(c): frame[c].map(_address_cell if c in addresses else _cell).tolist()
                         for c in frame.columns})


def wrapping_table(frame: pd.DataFrame, *, name: str, labels: dict[str, str] | None = None, cap: int | None = None,
                   noun: str = "", where: str = "", addresses: tuple[str, ...] = ()):
    """A table whose cells wrap, so a long title or a cell such as "SPC: Common cause 4 · Concern (high) 1" shows
    whole at any width where a data grid cuts it short; one Tab press passes it, where a grid takes one a column.
    Read-only: for a table a person sorts or picks rows of, use ``table`` (or ui.row_detail). Given ``cap``, only the
    first ``cap`` rows show, and a sentence says how many more ``noun`` there are and ``where`` to read them: a
    wrapping table of hundreds of rows would be a page no one scrolls through. ``addresses`` are columns of the
    accounts' own email addresses, shown as mailto links."""
    shown = frame if cap is None else frame.head(cap)
    drawn = st.table(wrapping_cells(shown, labels, addresses), hide_index=True, alt=name)
    if cap is not None and len(frame) > cap:
        st.caption(more_words(len(frame) - cap, noun, where))
    return drawn


def _cell(value: object) -> str:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return MISSING
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return day_words(value)  # "2 Jul 2018", never broken over two lines
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    text = str(value)
    return cell_md(text) if text.strip() else MISSING
