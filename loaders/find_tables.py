"""Find the table on a sheet and walk its rows the way a person reads a messy tracker.

- the header row is the best-matching row in the first 60, below any title rows;
- header rows repeated at page breaks are skipped;
- a fragment with no key, no dates and no ratings that follows a page break, starts in lower case,
  or finishes a sentence the row above left open, continues the row above;
- blank workstream, phase and locality cells inherit the value above;
- a row with a single short text cell that is bold, in capitals or numbered like a heading (or any
  such row in a CSV) names the workstream for the rows under it;
- total and subtotal rows are kept apart for checking, not loaded;
- notes after the table are ignored, and a second table below it (a header row of words over figures, after a
  gap) ends it;
- a row of headings just above the header groups its columns ("Delayed Days" over "Acute | Total", "2016-17"
  over "Budget | Spend"), and a "Period: April 2019" line in the title block is the table's stated period.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import TYPE_CHECKING

from data_model.vocabulary import fold
from loaders.headers import NOT_WORDS, Column, ColumnProfile, Mapping, column_letter, map_headers
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
    r"^schemes?$|^priorit(y|ies)$|^workstreams?$|^all\b|^overview$|"
    r"\bcharts?\b|\btrends?\b|\bdata$|\bfigures$|\bstatistics$|\breturns?$|"  # "Run chart data" holds no workstream
    r"^(expected )?benefits?( realisation| tracker| register)?$|^indicators?$|^scorecards?$",  # nor "Benefits": measures
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
    after_gap: bool = False  # blank rows separate it from the rows above


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
    stated_period: str | None = None  # "Period: April 2019" in the lines above the table
    actuals: Table | None = None  # the same rows' actuals on another sheet (loaders.sheet_pairs)

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
    found = best_headers(sheet, kinds)
    best: tuple[int, Mapping] | None = None
    for index, mapping in sorted(found.values(), key=lambda f: f[0]):
        if best is None or mapping.score > best[1].score:
            best = (index, mapping)
    return best


def best_headers(sheet: Sheet, kinds: tuple[TrackerKind, ...]) -> dict[TrackerKind, tuple[int, Mapping]]:
    """Each kind's best header row on the sheet (0-based) and its mapping: how well the sheet fits every kind,
    which is what says how sure a detection is."""
    best: dict[TrackerKind, tuple[int, Mapping]] = {}
    classes = cell_classes(sheet.rows[:HEADER_SEARCH_ROWS + PROFILE_ROWS])
    for r, row in enumerate(sheet.rows[:HEADER_SEARCH_ROWS]):
        if not _could_be_header(row):
            continue
        profiles = profiles_of(classes[r + 1: r + 1 + PROFILE_ROWS], len(row))
        groups = header_groups(sheet.rows, r)
        for kind in kinds:
            mapping = _with_groups(row, groups, kind, profiles)
            if mapping is not None and (kind not in best or mapping.score > best[kind][1].score):
                best[kind] = (r, _with_group_column(mapping, row, profiles))
    return best


def header_at(sheet: Sheet, index: int, kind: TrackerKind) -> Mapping:
    """Row ``index`` (0-based) read as the header of a ``kind`` table, as a lead who named the row asks."""
    row = sheet.rows[index] if 0 <= index < len(sheet.rows) else []
    profiles = column_profiles(sheet.rows, index)
    mapping = _with_groups(row, header_groups(sheet.rows, index), kind, profiles) or map_headers(row, kind, profiles)
    return _with_group_column(mapping, row, profiles)


def _could_be_header(row: list[object]) -> bool:
    texts = [v for v in row if not _blank(v)]
    return len(texts) >= 2 and sum(1 for v in texts if _number_or_date(v)) * 2 < len(texts)


def header_groups(rows: list[list[object]], r: int) -> dict[int, str]:
    """Headings in the row just above a header row, each over its columns up to the next heading or a gap in the
    header ("Delayed Days" over "Acute | Non-Acute | Total", "2016-17" over "Budget | Spend"). A lone title over
    the table's first column is a title, not a group."""
    if r == 0:
        return {}
    above, header = rows[r - 1], rows[r]
    cells = {i: v for i, v in enumerate(above) if not _blank(v)}
    if not cells or any(_number_or_date(v) and not isinstance(v, str) for v in cells.values()):
        return {}
    if any(i >= len(header) or _blank(header[i]) for i in cells):
        return {}
    first = next((i for i, v in enumerate(header) if not _blank(v)), None)
    if len(cells) == 1 and next(iter(cells)) == first:
        return {}
    if len(cells) * 2 > sum(1 for v in header if not _blank(v)):
        return {}  # a heading over every column or two is a header row itself (and the row under it data)
    groups: dict[int, str] = {}
    current: str | None = None
    for i, v in enumerate(header):
        if i in cells:
            current = clean_text(cells[i])
        elif _blank(v):
            current = None
        if current and not _blank(v):
            groups[i] = current
    return groups


def _with_groups(row: list[object], groups: dict[int, str], kind: TrackerKind,
                 profiles: dict[int, ColumnProfile]) -> Mapping | None:
    """A header over two rows: the row read alone, or each cell with the group above it ("2016-17 Budget"),
    whichever reads more of its columns. Read alone, each column keeps its group (for measure names)."""
    alone = map_headers(row, kind, profiles)
    mapping = alone if alone.score else None
    if not groups:
        return mapping
    merged = [f"{groups[i]} {clean_text(v)}" if i in groups and not _blank(v) else v for i, v in enumerate(row)]
    both = map_headers(merged, kind, profiles)
    if both.score and (mapping is None or _columns_read(both) > _columns_read(mapping)):
        return both
    if mapping is not None:
        for c in mapping.columns:
            c.group = groups.get(c.index)
    return mapping


def _columns_read(mapping: Mapping) -> int:
    return sum(1 for c in mapping.columns if c.field != "ignored")


def _with_group_column(mapping: Mapping, header: list[object], profiles: dict[int, ColumnProfile]) -> Mapping:
    """A first column with no header whose few labels head blocks of rows ("Session 1" beside the first of its
    tasks) is the top workstream level, filled down, as a person reads it."""
    key = mapping.get("title") or mapping.get("line") or mapping.get("name")
    # The first column holding anything (a sheet may leave column A empty as a margin).
    at = min((i for i, p in profiles.items() if p.filled > 0), default=0)
    first = profiles.get(at)
    if (key is None or key.index <= at or any(c.index <= at for c in mapping.columns) or first is None
            or not (0 < first.filled <= 0.6) or first.words < 0.9 * first.filled
            or (len(header) > at and not _blank(header[at])) or mapping.has("ws1")):
        return mapping
    columns = [Column(at, "(first column, no header)", "ws1", level=1, strength=1)]
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
    if isinstance(value, bool):
        return False
    if isinstance(value, (int, float, date)):
        return True
    return isinstance(value, str) and bool(_NUMERIC_TEXT.match(value))


# What a cell holds, for the column profiles: each cell is classed once per sheet, not once per candidate header.
_BLANK, _DATE, _NUMBER, _WORDS, _NOTHING, _RATING, _POPULATION = range(7)


def _cell_class(v: object) -> int:
    if _blank(v):
        return _BLANK
    if isinstance(v, date):
        return _DATE
    if _number_or_date(v):
        return _NUMBER
    text = str(v)
    if _PLACEHOLDER.match(text):
        return _NOTHING
    if _RATING_WORD.match(text):
        return _RATING
    if _POPULATION_WORD.match(text):
        return _POPULATION
    return _WORDS


def cell_classes(rows: list[list[object]]) -> list[list[int]]:
    """Every cell of ``rows`` classed (blank, date, number, words of some sort), for ``profiles_of``."""
    return [[_cell_class(v) for v in row] for row in rows]


def column_profiles(rows: list[list[object]], header_index: int) -> dict[int, ColumnProfile]:
    """What each column holds in the rows under a candidate header (the first hundred)."""
    below = rows[header_index + 1: header_index + 1 + PROFILE_ROWS]
    return profiles_of(cell_classes(below), len(rows[header_index]) if header_index < len(rows) else 0)


def profiles_of(below: list[list[int]], header_width: int) -> dict[int, ColumnProfile]:
    """The column profiles of the classed rows ``below`` a header ``header_width`` cells wide."""
    if not below:
        return {}
    width = max(max((len(r) for r in below), default=0), header_width)
    n = len(below)
    out = {}
    for c in range(width):
        counts = [0] * 7
        for row in below:
            if c < len(row):
                counts[row[c]] += 1
        words = counts[_WORDS] + counts[_NOTHING] + counts[_RATING] + counts[_POPULATION]
        filled = words + counts[_DATE] + counts[_NUMBER]
        out[c] = ColumnProfile(filled / n, counts[_NUMBER] / n, counts[_DATE] / n, words / n, counts[_NOTHING] / n,
                               counts[_RATING] / n, counts[_POPULATION] / n)
    return out


_PLAN_WORDS = re.compile(r"\b(estimat\w*|budget(s|ed)?|plan(s|ned)?|baseline|projected|original|allocat\w*|"
                         r"forecasts?)\b", re.I)
_ACTUAL_WORDS = re.compile(r"\b(actuals?|expenditures?|outturn|spend|spent|achieved|delivered|paid)\b", re.I)


def table_side(table: Table) -> str | None:
    """Whether a table's sheet (else its title) names a plan or what actually happened: "plan", "actual" or None.

    "Estimated Costs", "Budget", "Plan" are plans; "Actual Costs", "Expenditure", "Actuals" are actuals; a name
    with both ("Budget vs Actual") or neither says nothing."""
    for text in (table.sheet.name, table.title or ""):
        plan, actual = bool(_PLAN_WORDS.search(text)), bool(_ACTUAL_WORDS.search(text))
        if plan != actual:
            return "plan" if plan else "actual"
    return None


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
    figure_cols = {c.index for c in mapping.columns if c.field in NOT_WORDS}

    title_lines = [clean_text(v) for r in rows[:header_index] for v in r if not _blank(v)]
    sheet_ws = sheet.name.strip() if is_meaningful_sheet_name(sheet.name) else None
    table = Table(sheet, mapping, header_index + 1, [], [], " / ".join(title_lines) or None, sheet_ws, [])
    table.stated_period = stated_period(rows[:header_index])

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

        if blank_run > 0 and last is not None and _starts_another_table(rows, r, raw, nonempty, figure_cols):
            # "Date Codes | Month | BentCoInvestment ..." under a summary: the header of another table, not data.
            cells = " | ".join(clean_text(raw[i]) for i in nonempty[:5])
            table.issues.append(warning(
                f"Another table starts at row {r + 1} ('{cells[:80]}'); only the table above it was read. Put "
                "the other table on a sheet of its own to load it.",
                sheet=sheet.name, row=r + 1, code="second_table"))
            break
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
                bold = html_bold(raw[nonempty[0]]) or (has_styles and sheet.is_bold(r, nonempty[0]))
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
        last = TableRow(r + 1, values, section, table_group=table_group,
                        after_gap=blank_run > 0 and last is not None)
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


_PERIOD_LABEL = re.compile(r"^\s*(period|reporting period|time period|month|quarter|year|financial year)\s*:\s*(.*)$",
                           re.I)


def stated_period(rows: list[list[object]]) -> str | None:
    """The period a title block states ("Period: | April 2019", or "Period: April 2019" in one cell)."""
    for row in rows:
        cells = [clean_text(v) for v in row if not _blank(v)]
        for i, text in enumerate(cells):
            m = _PERIOD_LABEL.match(text)
            if m:
                rest = m.group(2).strip() or (cells[i + 1] if i + 1 < len(cells) else "")
                if rest:
                    return rest
    return None


_ID_LIKE = re.compile(r"^[A-Za-z]{0,12}[-_ /.]?\d[\w.\-/]*$|^[A-Za-z]{1,4}$")


def _starts_another_table(rows: list[list[object]], r: int, raw: list[object], nonempty: list[int],
                          figure_cols: set[int]) -> bool:
    """After a gap, a row of words only, with words where the table has figures, over a row with figures: the
    header of a second table on the sheet."""
    if len(nonempty) < 2 or not figure_cols & set(nonempty):
        return False
    if any(_number_or_date(raw[i]) or not isinstance(raw[i], str) for i in nonempty):
        return False
    below = next((row for row in rows[r + 1: r + 4] if any(not _blank(v) for v in row)), None)
    return below is not None and any(_number_or_date(v) for v in below if not _blank(v))


_HTML_BOLD = re.compile(r"^\s*(<(b|strong)\b[^>]*>)(?s:.*)</(b|strong)\s*>\s*$", re.I)


def html_bold(value: object) -> bool:
    """A cell marked bold through HTML from a converted document ("<b>Priority 1</b>"): a heading, as a cell style
    makes one."""
    return isinstance(value, str) and "<" in value and bool(_HTML_BOLD.match(value))


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
    groups = header_groups(table.sheet.rows, table.header_row - 1)
    by_header: dict[tuple[str, str], list[int]] = {}
    for i, value in enumerate(table.sheet.rows[table.header_row - 1]):
        if not _blank(value):
            by_header.setdefault((groups.get(i, ""), fold(clean_text(value))), []).append(i)
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
