"""A register table whose chosen row is written out in full beneath it: a table cell cuts long text short."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd
import streamlit as st

from presentation.register_tables import detail_markdown
from ui.tables import table, wrapping_table


def labels_of(frame: pd.DataFrame, column_config: Mapping) -> dict[str, str]:
    """Each shown column's label, read from ``column_config`` (a plain label or a column config's "label")."""
    return {c: (v if isinstance(v, str) else v.get("label") or c) for c, v in column_config.items() if c in frame}


def whole_or_detail(frame: pd.DataFrame, *, up_to: int, key: str, name: str, heading: str,
                    column_config: Mapping | None = None, full: pd.DataFrame | None = None,
                    detail_labels: Mapping[str, str] | None = None, addresses: tuple[str, ...] = ()) -> None:
    """``frame`` whole in a table that wraps when it has at most ``up_to`` rows (every word on the page, one Tab
    press to pass); longer, a grid that scrolls, whose chosen row is written out in full beneath it (nothing cut,
    nothing left out). ``column_config`` names the columns (default: as they are); ``addresses`` are columns of
    account emails (ui.tables.wrapping_table)."""
    config = column_config if column_config is not None else {c: str(c) for c in frame.columns}
    if len(frame) <= up_to:
        named = labels_of(frame, config)
        wrapping_table(frame, name=name, labels={c: named.get(c, str(c)) for c in frame.columns}, addresses=addresses)
    else:
        table_with_detail(frame, key=key, name=name, column_config=config, heading=heading,
                          detail_labels=detail_labels, full=full)


def table_with_detail(frame: pd.DataFrame, *, key: str, name: str, column_config: Mapping, heading: str,
                      detail_labels: Mapping[str, str] | None = None, full: pd.DataFrame | None = None) -> None:
    """``frame`` as a table a person can choose a row of; the chosen row shows whole below it: every column of
    ``detail_labels`` (default: the table's column labels) that has a value, read from ``full`` (the same rows in
    the same order, with columns the table leaves out) when given. ``heading`` is the column naming the row."""
    labels = detail_labels or labels_of(frame, column_config)
    event = table(frame, name=name, key=key, column_config=column_config, on_select="rerun",
                  selection_mode="single-row")
    rows = event.selection.rows if event is not None else []
    if rows and rows[0] < len(frame):
        with st.container(border=True, key=f"{key}_detail"):
            st.markdown(detail_markdown((full if full is not None else frame).iloc[rows[0]], labels, heading))
    else:
        st.caption("Choose a row (the box at its left) to read it in full.")
