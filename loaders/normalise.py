"""What every kind's normaliser shares: reading a row's cells, its workstream path, its keys, and its issues.

Each kind's own normaliser lives with its kind (``loaders.kinds``); this module holds only what they all
use, so a cell is read the same way whichever tracker it is in.
"""

from __future__ import annotations

import dataclasses
import re
from collections import Counter
from functools import lru_cache

from data_model.vocabulary import fold, join_path, path_segment
from loaders.dates import DateParseError, ParsedDate, date_order, describe, parse_date
from loaders.find_tables import Table, TableRow, section_name
from loaders.headers import Column
from loaders.issues import Issue, error, warning
from loaders.kinds.base import Row
from loaders.ratings import RatingParseError, parse_rag, rag_from_colour
from loaders.text import cell_text, clean_text

WORKSTREAM_FIELDS = ("ws1", "ws2", "ws3")


class Context:
    """One table's normalising: issue collection, cell access, and the caches that make big tables cheap."""

    def __init__(self, table: Table):
        self.table = table
        self.sheet = table.sheet.name
        self.issues: list[Issue] = list(table.issues)
        self._once: set[str] = set()
        self._ws_cols = sorted((c for c in table.mapping.columns if c.field in WORKSTREAM_FIELDS),
                               key=lambda c: c.level)
        self._paths: dict[tuple, tuple[tuple[str, ...], tuple[str | None, ...]]] = {}
        self._orders: dict[int, str] = {}

    def warn(self, message: str, row: int | None = None, col: Column | None = None, value: object = None,
             code: str | None = None) -> None:
        self.issues.append(warning(message, sheet=self.sheet, row=row, column=col.header if col else None,
                                   value=raw_text(value), code=code))

    def fail(self, message: str, row: int | None = None, col: Column | None = None, value: object = None,
             code: str | None = None) -> None:
        self.issues.append(error(message, sheet=self.sheet, row=row, column=col.header if col else None,
                                 value=raw_text(value), code=code))

    def warn_once(self, key: str, message: str, **kw) -> None:
        if key not in self._once:
            self._once.add(key)
            self.warn(message, **kw)

    def col(self, fld: str) -> Column | None:
        return self.table.mapping.get(fld)

    # -- a row's place in the workstream tree ---------------------------------------------------------------
    def workstream_path(self, row: TableRow) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        """The row's workstream path from the top, and the board's label for each level where the table gives it."""
        key = (row.table_group, row.section, *(row.values[c.index] for c in self._ws_cols))
        try:
            return self._paths[key]
        except KeyError:
            pass
        except TypeError:  # an unhashable cell value: work it out without the cache
            return self._workstream_path(row)
        result = self._paths[key] = self._workstream_path(row)
        return result

    def _workstream_path(self, row: TableRow) -> tuple[tuple[str, ...], tuple[str | None, ...]]:
        table = self.table
        path: list[str] = []
        labels: list[str | None] = []
        if row.table_group:
            path.append(row.table_group)
            labels.append(row.table_group.split(" ")[0])
        elif table.sheet_workstream and not table.mapping.has("ws1"):
            path.append(table.sheet_workstream)
            labels.append(None)
        if row.section:
            path.append(row.section)
            labels.append(None)
        for c in self._ws_cols:
            v = text_of(row.values, c)
            if v:
                path.append(section_name(v))
                labels.append(level_label(c.header))
        return tuple(path_segment(p) for p in path), tuple(labels)

    # -- typed cells -------------------------------------------------------------------------------------
    def month_first(self, col: Column | None) -> bool:
        """Whether a column's numeric dates can only be month first (07-14-2023); the lead is told once."""
        if col is None:
            return False
        order = self._orders.get(col.index) or self.table.mapping.date_orders.get(col.index)
        if order is None:
            order = self._orders[col.index] = date_order([r.values[col.index] for r in self.table.rows])
            if order == "month_first":
                self.warn(f"The dates in the {col.header} column are written month first (such as 07-14-2023), so "
                          "the whole column is read month first.", None, col, None, "month_first")
        return order == "month_first"

    def _fill_rag(self, row: TableRow, col: Column) -> tuple[str | None, str | None]:
        sheet = self.table.sheet
        if not sheet.has_styles:
            return None, None
        colour = sheet.fill(row.row - 1, col.index)
        rag = rag_from_colour(colour)
        return (rag, f"cell colour #{colour}") if rag else (None, None)

    def date(self, values: list[object], col: Column | None, row: int, what: str) -> tuple[ParsedDate | None, str | None]:
        v = cell(values, col)
        if v is None:
            return None, None
        raw = raw_text(v)
        try:
            parsed = parse_date(v, month_first=self.month_first(col))
        except DateParseError as exc:
            self.warn(f"{what.capitalize()} {exc}; the text is kept and the {what} left blank.", row, col, v,
                      "unparsed_date")
            return None, raw
        if parsed.qualifier == "from_text":
            self.warn(f"Read the {what} '{raw}' as {describe(parsed)}.", row, col, v, "date_from_text")
        return parsed, raw

    def rag(self, row: TableRow, col: Column | None, fill_from: Column | None = None) -> tuple[str | None, str | None]:
        """A RAG stated in a cell (as a word, a letter or its fill colour), and the cell as written.

        With no RAG column, a status column coloured red, amber or green (``fill_from``) states the RAG by its fill,
        whatever its words say ("In progress" on amber); so does a RAG cell whose words are no RAG."""
        if col is None:
            if fill_from is None:
                return None, None
            return self._fill_rag(row, fill_from)
        value = cell(row.values, col)
        if value is None:
            return self._fill_rag(row, col)
        try:
            parsed = parse_rag(value)
        except RatingParseError as exc:
            rag, how = self._fill_rag(row, col)
            if rag:
                return rag, how
            self.warn(f"{exc}; left unrated.", row.row, col, value, "unknown_rag")
            return None, raw_text(value)
        if parsed.note:
            self.warn(parsed.note + ".", row.row, col, value, "rag_judgement")
        return parsed.rag, raw_text(value)


def raw_text(value: object) -> str | None:
    """A cell as written, for provenance and messages; None for an empty one."""
    if value is None:
        return None
    text = cell_text(value)
    return text if text != "" else None


def cell(values: list[object], col: Column | None) -> object:
    """A cell's value, or None when the column is absent or the cell blank."""
    if col is None:
        return None
    v = values[col.index]
    if v is None or (isinstance(v, str) and not v.strip()):
        return None
    return v


def text_of(values: list[object], col: Column | None) -> str | None:
    """A cell as clean text, or None."""
    if col is None:
        return None
    v = values[col.index]
    if v is None or v == "":
        return None
    t = clean_text(v)
    return t or None


def level_label(header: str) -> str:
    """A header as a level name: 'Priorities' -> 'Priority', 'Schemes' -> 'Scheme'."""
    text = re.sub(r"\s*\(.*\)\s*$", "", clean_text(header)).strip()
    low = text.lower()
    if low.endswith("ies"):
        text = text[:-3] + "y"
    elif low.endswith("s") and not low.endswith("ss"):
        text = text[:-1]
    return text[:1].upper() + text[1:]


# -- match keys -------------------------------------------------------------------------------------------


def ref_key(path: tuple[str, ...], ref: str) -> str:
    """A reference is unique within its top-level workstream: each priority's register may start at 1."""
    return f"ref:{_fold_cached(path[0]) if path else ''}|{fold(ref)}"


@lru_cache(maxsize=4096)
def _fold_cached(text: str) -> str:
    return fold(text)


def text_key(*parts: object) -> str:
    """A key from a row's words where it has no reference: case, spaces and punctuation ignored."""
    return "|".join(fold(str(p)) if p is not None else "" for p in parts)


def row_key(path: tuple[str, ...], ref: str | None, *words: object) -> str:
    """A row's match key: its reference within its top-level workstream, or its workstream and words."""
    return ref_key(path, ref) if ref else text_key("t", join_path(path), *words)


def dedupe_keys(rows: list[Row], ctx: Context, what: str, *, label: str) -> list[Row]:
    """Two rows with the same key would overwrite each other: a repeated title is numbered; a reference used by
    two rows that name different things keys them apart by name (a person counts two), with a warning; the
    same reference on the same thing twice is an error for the lead to settle.

    Rows whose ``ref_unique`` is False (one row per Gantt month) share their reference on purpose.
    """
    seen: Counter = Counter()
    first_row: dict[str, int] = {}
    first_label: dict[str, object] = {}
    out: list[Row] = []
    for row in rows:
        key = row.key
        seen[key] += 1
        if seen[key] == 1:
            first_row[key], first_label[key] = row.row, fold(str(getattr(row, label)))
            out.append(row)
            continue
        named = fold(str(getattr(row, label)))
        if key.startswith("ref:") and getattr(row, "ref_unique", True) and named != first_label[key]:
            ctx.warn(f"Reference '{row.ref}' is used by two different {what}s (rows {first_row[key]} and {row.row}); "
                     f"both are loaded, told apart by their names. Give each its own reference.", row.row,
                     ctx.col("ref"), row.ref, "shared_ref")
            out.append(dataclasses.replace(row, key=f"{key}|{named}"))
            continue
        if key.startswith("ref:") and getattr(row, "ref_unique", True):
            ctx.fail(f"Reference '{row.ref}' is used twice (rows {first_row[key]} and {row.row}); each {what} "
                     "needs its own reference.", row.row, ctx.col("ref"), row.ref, "duplicate_ref")
            out.append(row)
        else:
            ctx.warn(f"This {what} appears more than once (first at row {first_row[key]}); both are kept.",
                     row.row, None, getattr(row, label), "duplicate_row")
            out.append(dataclasses.replace(row, key=f"{key}#{seen[key]}"))
    return out
