"""Output safety: text people typed is shown as text, and exported cells can never run as formulas."""

from __future__ import annotations

import io
import re
from pathlib import PurePosixPath, PureWindowsPath

import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:])")


def md(text: object) -> str:
    """Escape a value for st.markdown and alerts: no links, emphasis, HTML, LaTeX or headings from user text."""
    if text is None:
        return ""
    return _MARKDOWN_SPECIAL.sub(r"\\\1", str(text)).replace("\n", " ")


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "\n")


def neutralise(value: object) -> object:
    """A cell that a spreadsheet would run as a formula gets a leading apostrophe (OWASP CSV injection)."""
    if isinstance(value, str) and value.startswith(_FORMULA_START):
        return "'" + value
    return value


def csv_bytes(df: pd.DataFrame) -> bytes:
    """A DataFrame as UTF-8 CSV (with BOM, so Excel reads £ correctly), every text cell neutralised."""
    safe = df.copy()
    for column in safe.columns:
        if pd.api.types.is_object_dtype(safe[column]) or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(neutralise)
    buffer = io.StringIO()
    safe.to_csv(buffer, index=False)
    return buffer.getvalue().encode("utf-8-sig")


def safe_file_name(name: str) -> str:
    """Only the last part of an uploaded file's name: it is a label, never a path."""
    base = PureWindowsPath(PurePosixPath(name or "").name).name
    base = "".join(ch for ch in base if ch.isprintable()).strip()
    return base[:200] or "upload"
