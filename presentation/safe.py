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


# In a table cell (st.table reads each as markdown) only what would start markup is escaped, so ordinary text such as
# "SPC: Concern (high) 1" or "Area-wide (no locality given)" reads, and is matched, exactly as written: inline markup
# (code, emphasis, links, images and colour directives, raw HTML, entities, LaTeX, strikethrough, table pipes),
# icon and emoji shortcodes (":material/home:"), and a heading, quote, list or rule at the cell's start.
_CELL_SPECIAL = re.compile(r"([\\`*_\[\]<>&$~|])|:(?=[\w/+-]+:)")
_BLOCK_START = re.compile(r"^(\s*)([#+](?=\s|$)|-(?=[\s-]|$)|>|\d+(?=[.)](?:\s|$)))")  # "# h", "- x", "---", "1. x"


def cell_md(text: object) -> str:
    """User text for a cell or header of ``st.table``: shown exactly as written, as ``md`` does, with fewer
    backslashes, so the cell's source is the text itself wherever the text holds no markup."""
    if text is None:
        return ""
    s = _HIDDEN.sub("", str(text).replace("\r\n", " ").replace("\n", " ").replace("\r", " ").replace("\t", " "))
    s = _AUTOLINK_POINTS.sub(_ZERO_WIDTH, s)
    s = _CELL_SPECIAL.sub(lambda m: "\\" + m.group(0), s)
    return _BLOCK_START.sub(lambda m: m[1] + "\\" + m[2] if not m[2][0].isdigit() else m[1] + m[2] + "\\", s, count=1)


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
