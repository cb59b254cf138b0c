"""Find the table on a sheet and walk its rows the way a person reads a messy tracker.

- the header row is the best-matching row in the first 60, below any title rows;
- header rows repeated at page breaks are skipped;
- a fragment with no key, no dates and no ratings that follows a page break, starts in lower case,
  or finishes a sentence the row above left open, continues the row above;
- blank workstream, phase and locality cells inherit the value above;
- a row with a single short text cell that is bold, in capitals or numbered like a heading (or any
  such row in a CSV) names the workstream for the rows under it;
- total and subtotal rows are kept apart for checking, not loaded;
- notes after the table are ignored.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from data_model.vocabulary import fold
from loaders.headers import Column, ColumnProfile, Mapping, column_letter, detect
from loaders.issues import Issue, warning
from loaders.read import Sheet
from loaders.text import clean_text, header_key

if TYPE_CHECKING:
    from loaders.kinds.base import TrackerKind

HEADER_SEARCH_ROWS = 60
TOTAL_LABEL = re.compile(
    r"^\s*(<[^>]+>\s*)*(sub[- ]?totals?|totals?|grand total|overall total|estimated total|total (plan|funding|costs?|"
    r"budget|spend|allocation|contributions?|expenditure|pooled budget|pooled fund|programme)|"
    r"total for .*|.* total)(\s*\([^)]*\))?\s*(<[^>]+>\s*)*:?\s*$",
    re.IGNORECASE,
)
SUBTOTAL_LABEL = re.compile(r"^\s*sub[- ]?total|.+\btotal\s*:?$|^total for\b", re.IGNORECASE)
NOTE_START = re.compile(r"^\s*(notes?|source|sources|key|\*|please|nb|n\.b\.|footnote|\d+\s*\.\s*note)\b[:.\s]", re.I)
HEADING_LIKE = re.compile(
    r"^\s*((priority|workstream|work stream|theme|key theme|phase|stage|area|scheme|strand|project|care group|"
    r"programme|section|part|objective|aim)\s*[\dA-Za-z]{0,3}\s*[:.\-–]|[A-Z]{1,3}\d{1,2}\b|\d{1,2}(\.\d{1,2})*\s+[A-Z])"
)
CONNECTOR_END = re.compile(r"(\b(and|or|to|of|the|for|with|in|on|by|a|an|from|that|which|including|&|via)|[,;:\-–/(])\s*$", re.I)
GENERIC_SHEET = re.compile(
    r"^(sheet\s*\d*|data|table\s*\d*|import|export|template|summary|dashboard|lists?|lookups?|instructions|"
    r"readme|read me|notes|guidance|cover|contents|version|version control|change log)$|"
    r"milestone|tracker|risk|register|budget|finance|metric|kpi|measure|performance|action plan|programme plan|"
    r"project plan|plan$|raid|issues log|log$|gantt|timeline|forward plan|schedule|fund|funding|costs?$|about|sample|"
    r"^schemes?$|^priorit(y|ies)$|^workstreams?$|^all\b|^overview$",
    re.IGNORECASE,
)

MULTI_ANCHORS = ("period_amount", "gantt")
# Every kind fills these down; a kind adds its own (a metrics return written long names its metric once a block).
FILL_DOWN = ("ws1", "ws2", "ws3", "phase", "locality")
TEXT_FIELDS = ("title", "owner", "dependency", "notes", "mitigation", "consequence", "line", "name", "funder",
               "commissioner")


@dataclass
class TableRow:
    row: int  # 1-based spreadsheet row
    values: list[object]  # the row's cells, after merging continuations and filling down
    section: str | None = None  # heading row in force
    table_group: str | None = None  # "Phase 1" when the table's own header names it
    bold: bool = False
    merged_rows: list[int] = field(default_factory=list)


@dataclass
class TotalRow:
    row: int
    label: str
    values: list[object]
    is_subtotal: bool


@dataclass
class Table:
    sheet: Sheet
    mapping: Mapping
    header_row: int  # 1-based
    rows: list[TableRow]
    totals: list[TotalRow]
    title: str | None
    sheet_workstream: str | None  # the sheet's name, when it names a workstream
    issues: list[Issue]
    sections: list[tuple[int, str]] = field(default_factory=list)
    repeated_headers: int = 0
    continuations: int = 0
    notes: list[tuple[int, str]] = field(default_factory=list)
    skipped: list[tuple[int, str]] = field(default_factory=list)  # rows with nothing in any column read

    @property
    def kind(self) -> TrackerKind:
        return self.mapping.kind

    def col(self, fld: str) -> Column | None:
        return self.mapping.get(fld)


def _blank(v: object) -> bool:
    return v is None or (isinstance(v, str) and not v.strip())


def find_header(sheet: Sheet, kinds: tuple[TrackerKind, ...]) -> tuple[int, Mapping] | None:
    """The 0-based header row and its mapping, choosing the best-scoring row near the top.

    A row of numbers and dates is never a header (it is data), and each candidate is judged with what its
    columns hold below it.
    """
    best: tuple[int, Mapping] | None = None
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        texts = [v for v in row if not _blank(v)]
        if len(texts) < 2 or sum(1 for v in texts if _number_or_date(v)) * 2 >= len(texts):
            continue
        profiles = column_profiles(sheet.rows, r)
        mapping = detect(row, kinds, profiles)
        if mapping and (best is None or mapping.score > best[1].score):
            best = (r, _with_group_column(mapping, row, profiles))
    return best


def _with_group_column(mapping: Mapping, header: list[object], profiles: dict[int, ColumnProfile]) -> Mapping:
    """A first column with no header whose few labels head blocks of rows ("Session 1" beside the first of its
    tasks) is the top workstream level, filled down, as a person reads it."""
    key = mapping.get("title") or mapping.get("line") or mapping.get("name")
    first = profiles.get(0)
    if (key is None or key.index == 0 or any(c.index == 0 for c in mapping.columns) or first is None
            or not (0 < first.filled <= 0.6) or first.words < 0.9 * first.filled
            or (len(header) > 0 and not _blank(header[0])) or mapping.has("ws1")):
        return mapping
    columns = [Column(0, "(first column, no header)", "ws1", level=1, strength=1)]
    for c in mapping.columns:
        if c.field in ("ws2", "ws3") and c.level:
            c.level += 1
        columns.append(c)
    return Mapping(mapping.kind, columns, mapping.ignored, mapping.score)


PROFILE_ROWS = 100
_PLACEHOLDER = re.compile(r"^\s*(none|n/?a|-+|–|tbc|tba|nil|not applicable|no|\?)\s*\.?$", re.I)
_POPULATION_WORD = re.compile(r"^\s*(persons?|people|males?|females?|men|women|children|adults|residents|households|"
                              r"patients|pupils|individuals|all persons|population)\s*$", re.I)
_RATING_WORD = re.compile(r"^\s*(very\s+)?(low|medium|med|high|critical|severe|minor|major|moderate)\s*$", re.I)
_NUMERIC_TEXT = re.compile(r"^\s*[-−(]?\s*[£$€]?\s*\d[\d,. ]*\s*[kmbn%]?\s*\)?\s*$", re.I)


def _number_or_date(value: object) -> bool:
    from datetime import date

    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, date)):
        return True
    return isinstance(value, str) and bool(_NUMERIC_TEXT.match(value))


def column_profiles(rows: list[list[object]], header_index: int) -> dict[int, ColumnProfile]:
    """What each column holds in the rows under a candidate header (the first hundred)."""
    from datetime import date

    below = rows[header_index + 1: header_index + 1 + PROFILE_ROWS]
    if not below:
        return {}
    width = max((len(r) for r in below), default=0)
    width = max(width, len(rows[header_index]))
    n = len(below)
    out = {}
    for c in range(width):
        filled = numbers = dates = words = nothing = ratings = populations = 0
        for row in below:
            v = row[c] if c < len(row) else None
            if _blank(v):
                continue
            filled += 1
            if isinstance(v, date):
                dates += 1
            elif _number_or_date(v):
                numbers += 1
            else:
                words += 1
                text = str(v)
                if _PLACEHOLDER.match(text):
                    nothing += 1
                elif _RATING_WORD.match(text):
                    ratings += 1
                elif _POPULATION_WORD.match(text):
                    populations += 1
        out[c] = ColumnProfile(filled / n, numbers / n, dates / n, words / n, nothing / n, ratings / n,
                               populations / n)
    return out


def is_meaningful_sheet_name(name: str) -> bool:
    return bool(name.strip()) and not GENERIC_SHEET.search(name.strip())


def read_table(sheet: Sheet, header_index: int, mapping: Mapping) -> Table:  # noqa: C901 - one pass, many cases
    rows = sheet.rows
    kind = mapping.kind
    width = max(len(rows[header_index]), max((c.index for c in mapping.columns), default=0) + 1)
    header_cells = rows[header_index]
    header_folded = [fold(clean_text(v)) if not _blank(v) else "" for v in header_cells]

    anchor_set = {c.index for c in mapping.columns if c.field in kind.anchors or c.field in MULTI_ANCHORS}
    fill_fields = FILL_DOWN + kind.fill_down
    fill_cols = [c.index for c in mapping.columns if c.field in fill_fields]
    text_cols = [c.index for c in mapping.columns if c.field in TEXT_FIELDS or c.field.startswith("ws")]
    key_col = (mapping.get("title") or mapping.get("line") or mapping.get("name"))
    key_index = key_col.index if key_col else None
    label_cols = sorted({c.index for c in mapping.columns if c.field in ("title", "line", "name", "ws1", "ws2", "ref")})
    label_cols = label_cols or [0]
    read_cols = {c.index for c in mapping.columns if c.field != "ignored"}
    ref_col = mapping.get("ref")
    ref_index = ref_col.index if ref_col else None

    title_lines = [clean_text(v) for r in rows[:header_index] for v in r if not _blank(v)]
    sheet_ws = sheet.name.strip() if is_meaningful_sheet_name(sheet.name) else None
    table = Table(sheet, mapping, header_index + 1, [], [], " / ".join(title_lines) or None, sheet_ws, [])

    last: TableRow | None = None
    table_group = _group_in_header(header_cells[key_index]) if key_index is not None and key_index < len(header_cells) else None
    filled = [None] * width
    section: str | None = None
    pending_section: tuple[int, str] | None = None
    after_break = False
    blank_run = 0
    has_styles = sheet.has_styles

    for r in range(header_index + 1, len(rows)):
        raw = rows[r]
        if len(raw) < width:
            raw = list(raw) + [None] * (width - len(raw))
        nonempty = [i for i, v in enumerate(raw[:width])
                    if v is not None and v != "" and not (type(v) is str and v.isspace())]
        if not nonempty:
            blank_run += 1
            continue
        if read_cols.isdisjoint(nonempty):
            # Nothing in any column the table reads: a Gantt sub-header (WEEK 1, M T W R F), a legend, a calendar
            # strip. Not a record, and no error.
            table.skipped.append((r + 1, " ".join(clean_text(raw[i]) for i in nonempty[:6])[:80]))
            continue
        # A header row repeated at a page break, or the header of a second table of the same shape
        # ("Action plan phase 3 ... | Planned delivery date" under the phase 2 table).
        if len(nonempty) >= 2 and _looks_like_header_row(raw, nonempty, header_cells, header_folded, key_index):
            same = sum(1 for i in nonempty if i < len(header_folded) and header_folded[i]
                       and fold(clean_text(raw[i])) == header_folded[i])
            if same == len(nonempty) or (same == len(nonempty) - 1 and same >= 1 and key_index in nonempty
                                         and fold(clean_text(raw[key_index])) != header_folded[key_index]
                                         and _is_header_like(raw[key_index], kind)):
                table.repeated_headers += 1
                after_break = True
                if same != len(nonempty):
                    section = None
                    pending_section = None
                    table_group = _group_in_header(raw[key_index])
                    filled = [None] * width
                continue
        present = set(nonempty)
        # A reference is an anchor only when it reads like one ("R1", "1.2", "DM-13"), not a sentence in the ID column.
        has_anchor = any(i in anchor_set and (i != ref_index or _id_like(raw[i])) for i in present)
        label_raw = next((raw[i] for i in label_cols if i in present), raw[nonempty[0]])
        if isinstance(label_raw, str) and "total" in label_raw.lower():
            label = clean_text(label_raw)
        else:
            label = ""
        first_text = clean_text(raw[nonempty[0]]) if not has_anchor else ""

        if label and TOTAL_LABEL.match(label) and (has_anchor or kind.totals_without_anchor):
            table.totals.append(TotalRow(r + 1, label, raw, bool(SUBTOTAL_LABEL.match(label))))
            after_break = False
            continue

        if (blank_run > 0 and last is not None and len(nonempty) > 1 and not has_anchor
                and (key_index is None or _blank(raw[key_index]))):
            # After the table has ended, a row with no title and nothing of a record: the notes and answers below.
            table.notes.append((r + 1, first_text or clean_text(raw[nonempty[0]])))
            continue
        if _heads_numbered_block(rows, r, raw, nonempty, ref_index, key_index):
            # "1, Direct Financial" over 1.1, 1.2...: a numbered section heading, not a record.
            pending_section = (r + 1, clean_text(raw[key_index]))
            after_break = False
            continue

        if not has_anchor:
            is_single = len(nonempty) == 1
            text = first_text
            continues = last is not None and (
                after_break
                or (text[:1].islower())
                or (key_index is not None and isinstance(last.values[key_index], str)
                    and CONNECTOR_END.search(clean_text(last.values[key_index])))
            ) and (key_index is None or _blank(raw[key_index]) or is_single or text[:1].islower() or after_break)
            if continues and not any(i in fill_cols for i in nonempty if not _same(raw[i], last.values[i])):
                for i in nonempty:
                    if i in text_cols or i == key_index:
                        before = last.values[i]
                        addition = clean_text(raw[i])
                        last.values[i] = f"{clean_text(before)} {addition}".strip() if not _blank(before) else addition
                last.merged_rows.append(r + 1)
                table.continuations += 1
                after_break = False
                continue
            if is_single and len(text) <= 150 and not NOTE_START.match(text):
                bold = has_styles and sheet.is_bold(r, nonempty[0])
                looks_heading = bold or (text.isupper() and len(text) > 3) or bool(HEADING_LIKE.match(text))
                if looks_heading or not sheet.has_styles:
                    pending_section = (r + 1, text)
                    after_break = False
                    continue
            if is_single and (blank_run > 0 or NOTE_START.match(text) or len(text) > 150) and last is not None:
                table.notes.append((r + 1, text))
                after_break = False
                continue

        # A data row.
        if pending_section is not None:
            section = section_name(pending_section[1])
            table.sections.append(pending_section)
            pending_section = None
        values = list(raw[:width])
        for i in fill_cols:
            if _blank(values[i]):
                values[i] = filled[i]
            else:
                filled[i] = values[i]
        last = TableRow(r + 1, values, section, table_group=table_group)
        table.rows.append(last)
        after_break = False
        blank_run = 0

    if pending_section is not None:
        table.notes.append(pending_section)
    if table.skipped:
        first_row, first = table.skipped[0]
        table.issues.append(warning(
            f"{len(table.skipped)} row(s) with nothing in the columns this table reads were skipped, such as row "
            f"{first_row} ('{first}'): headings of a calendar grid, a legend, or similar.", sheet=sheet.name,
            row=first_row, code="rows_skipped"))
    _warn_duplicate_headers(table)
    if table.notes:
        table.issues.append(warning(
            f"{len(table.notes)} line(s) of text below or inside the table were read as notes, not data "
            f"(first: '{table.notes[0][1][:80]}').",
            sheet=sheet.name, row=table.notes[0][0], code="notes_ignored"))
    return table


_ID_LIKE = re.compile(r"^[A-Za-z]{0,12}[-_ /.]?\d[\w.\-/]*$|^[A-Za-z]{1,4}$")


def _id_like(value: object) -> bool:
    """Whether a cell reads as a reference: a number, or a short code such as R1, 1.2, DM-NCSA-13 or A."""
    if isinstance(value, (int, float)):
        return True
    text = clean_text(value)
    return len(text) <= 24 and bool(_ID_LIKE.match(text))


def _heads_numbered_block(rows: list[list[object]], r: int, raw: list[object], nonempty: list[int],
                          ref_index: int | None, key_index: int | None) -> bool:
    """A row with only a number and a label whose number starts the references below it ("1" over "1.1")."""
    if ref_index is None or key_index is None or set(nonempty) != {ref_index, key_index}:
        return False
    ref = clean_text(raw[ref_index])
    if not ref or not _id_like(raw[ref_index]):
        return False
    for below in rows[r + 1: r + 4]:
        if ref_index < len(below) and not _blank(below[ref_index]):
            return clean_text(below[ref_index]).startswith(ref + ".")
    return False


def _warn_duplicate_headers(table: Table) -> None:
    """Two columns with the same header: the lead is told which one was read, never left to guess."""
    used = {c.index for c in table.mapping.columns}
    by_header: dict[str, list[int]] = {}
    for i, value in enumerate(table.sheet.rows[table.header_row - 1]):
        if not _blank(value):
            by_header.setdefault(fold(clean_text(value)), []).append(i)
    for indexes in by_header.values():
        if len(indexes) < 2:
            continue
        header = clean_text(table.sheet.rows[table.header_row - 1][indexes[0]])
        letters = [column_letter(i) for i in indexes]
        read = [column_letter(i) for i in indexes if i in used]
        if read and len(read) < len(indexes):
            what = f"column {read[0]} was read and {', '.join(x for x in letters if x not in read)} left out"
        elif read:
            what = "all of them were read"
        else:
            what = "none of them was read"
        table.issues.append(warning(
            f"Columns {', '.join(letters)} are all headed '{header}': {what}. Rename the columns so each says what "
            "it holds.", sheet=table.sheet.name, row=table.header_row, column=header, code="duplicate_header"))


_GROUP_IN_HEADER = re.compile(r"\b(phase|stage|priority|workstream|work stream|theme|strand|area)\s+(\d+|[ivx]+)\b", re.I)


def _group_in_header(value: object) -> str | None:
    """'Action plan phase 1 February 2018 - September 2018' names the group 'Phase 1'."""
    if _blank(value):
        return None
    m = _GROUP_IN_HEADER.search(clean_text(value))
    if not m:
        return None
    return f"{m.group(1).capitalize()} {m.group(2).upper() if m.group(2).isalpha() else m.group(2)}"


def _looks_like_header_row(raw: list, nonempty: list[int], header_cells: list, header_folded: list[str],
                           key_index: int | None) -> bool:
    """A cheap first look: does one cell other than the title equal its header? Most data rows fail at once."""
    for i in nonempty:
        if i == key_index:
            continue
        if i >= len(header_folded) or not header_folded[i]:
            return False
        value, header = raw[i], header_cells[i]
        if isinstance(value, str) and isinstance(header, str) and value.strip().lower() == header.strip().lower():
            return True
        if not isinstance(value, str) or len(value) > 4 * len(str(header)) + 20:
            return False
        return fold(clean_text(value)) == header_folded[i]
    return False


def _is_header_like(value: object, kind: TrackerKind) -> bool:
    """A cell that reads as a column heading for titles: 'Action plan phase 3 ...', 'Milestones'."""
    key = header_key(clean_text(value))
    return any(p.field in ("title", "line", "name") and p.strength >= 9 and p.pattern.search(key)
               for p in kind.vocabulary)


def _same(a: object, b: object) -> bool:
    return clean_text(a) == clean_text(b)


_SECTION_TAIL = re.compile(r"\s+(schemes?|workstreams?|work streams?)\s*:?$", re.I)
_SECTION_CODE = re.compile(r"^\s*(priority|workstream|theme|phase|area)\s*(\d+|[ivx]+)\s*[:.\-–]\s*", re.I)


def section_name(text: str) -> str:
    """'Unified Prevention Schemes' -> 'Unified Prevention'; 'Priority 2: Crisis' -> 'Crisis'."""
    name = _SECTION_TAIL.sub("", text.strip()).strip(" :")
    stripped = _SECTION_CODE.sub("", name).strip()
    return stripped or name
