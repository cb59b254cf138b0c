"""Register tables that show what a board member needs: the columns that say something, and any one row in full.

A table cell cuts long text short (a risk's title, its mitigation), so every register table offers the chosen row
written out whole beside it; a column that is empty on every row (no register gave an owner) is left out rather
than shown as a column of dashes that pushes the due dates off the screen.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

import pandas as pd

from data_model.vocabulary import PATH_SEP
from presentation.safe import md


def drop_empty(frame: pd.DataFrame, always: Iterable[str] = ()) -> pd.DataFrame:
    """``frame`` without the columns that hold nothing on any row, except those in ``always``."""
    keep = set(always)
    return frame[[c for c in frame.columns if c in keep or frame[c].map(_given).any()]]


def detail_markdown(row: Mapping | pd.Series, labels: Mapping[str, str], heading: str) -> str:
    """One row written out in full (markdown, tracker text escaped): ``heading``'s value in bold, then each other
    column of ``labels`` that has a value, as "**Label:** value"."""
    lines = [f"**{md(_text(row[heading]))}**"] if heading in row and _given(row[heading]) else []
    lines += [f"**{md(label)}:** {md(_text(row[column]))}" for column, label in labels.items()
              if column != heading and column in row and _given(row[column])]
    return "  \n".join(lines)


def workstream_under(paths: pd.Series, top: str) -> pd.Series:
    """Each workstream path without its top-level workstream (the table is already under that heading): "Unified
    Prevention › Falls" is "Falls"; the top itself stays as it is."""
    prefix = f"{top}{PATH_SEP}"
    return paths.map(lambda p: p.removeprefix(prefix) if isinstance(p, str) else p)


def _given(value: object) -> bool:
    if value is None or (not isinstance(value, str) and pd.isna(value)):
        return False
    return not (isinstance(value, str) and not value.strip())


def _text(value: object) -> str:
    if isinstance(value, (pd.Timestamp, datetime, date)):
        return f"{value.day} {value:%B %Y}"
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)
