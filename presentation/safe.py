"""Output safety: text people typed is shown as text, and exported cells can never run as formulas."""

from __future__ import annotations

import io
import re

import pandas as pd

_MARKDOWN_SPECIAL = re.compile(r"([\\`*_{}\[\]()#+\-.!|<>~$:&])")
# Invisible characters that reorder or hide text (bidi overrides and isolates) and control characters.
_HIDDEN = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")
# GitHub-flavoured markdown (which Streamlit uses) turns bare addresses into links *after* resolving backslash
# escapes, so escaping alone does not stop "https://…", "www.…" or "name@host.org" becoming links. A zero-width
# space at the point the autolink patterns need two characters side by side does; it is invisible, and browsers'
# and Playwright's text matching ignore it.
_ZERO_WIDTH = "\u200b"
_AUTOLINK_POINTS = re.compile(r"(?i)(?<=:)(?=//)|(?<=\bwww)(?=\.)|(?=@)")


def md(text: object) -> str:
    """User text for anything Streamlit reads as markdown: st.markdown, captions, alerts, titles and subheaders,
    and the labels of widgets, expanders, tabs, popovers and metrics.

    The text shows exactly as written: no link, image, HTML, entity, emphasis, heading, LaTeX or bare address becomes
    anything but text. Select options and table cells are plain text already: leave them alone.
    """
    if text is None:
        return ""
    s = _HIDDEN.sub("", str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))
    s = _AUTOLINK_POINTS.sub(_ZERO_WIDTH, s)
    return _MARKDOWN_SPECIAL.sub(r"\\\1", s)


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
