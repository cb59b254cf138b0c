"""The import pipeline's read-only half: read → find tables → normalise → validate.

``analyse`` never touches a database. It returns an ``Analysis`` that the upload page previews and
that ``loaders.store`` writes, so what a lead sees before confirming is exactly what is stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field, replace
from datetime import date
from decimal import Decimal

from data_model.rag import DEFAULT_RULES, RagRules
from loaders.find_tables import (
    HEADER_SEARCH_ROWS,
    Table,
    best_headers,
    column_profiles,
    header_at,
    read_table,
)
from loaders.headers import Mapping, column_letter
from loaders.issues import ERROR, Issue, error, warning
from loaders.kinds import BY_NAME, KINDS, TrackerKind
from loaders.kinds.base import Row
from loaders.mapping import (
    IGNORE,
    ChoiceError,
    Choices,
    SheetChoice,
    apply_fields,
    choosable_fields,
    header_signature,
)
from loaders.read import ReadError, Sheet, read_workbook
from loaders.sheet_pairs import join_tables
from loaders.text import header_key, safe_file_name


@dataclass
class SheetResult:
    name: str
    header_row: int
    title: str | None
    columns: list[dict]
    rows_read: int
    records: int
    repeated_headers: int
    continuations: int
    sections: list[str]
    totals: int

    def as_json(self) -> dict:
        return dict(self.__dict__)


@dataclass(frozen=True)
class ColumnReading:
    """How one header was read, and why: for the mapping step."""

    column: str  # its letter
    header: str
    field: str | None  # None: not read
    label: str  # the field in words, or "not read"
    evidence: str
    chosen: bool  # the lead's choice rather than the importer's reading
    filled: float = 0.0  # share of the rows below with anything in this column

    @property
    def unread_entries(self) -> bool:
        """A column with entries that no field reads and the lead has not chosen to leave out: the load leaves it
        out, which the lead must be told."""
        return self.field is None and not self.chosen and self.filled > 0


@dataclass(frozen=True)
class SheetReading:
    """How a sheet was read, how sure the importer is, and what else it could have been: the mapping step's rows.

    ``confidence``: "chosen" (the lead said), "sure", "likely", "unsure" (two kinds fit about equally: not loaded
    until the lead chooses), "none" (no table found) or "ignored" (the lead left the sheet out).
    """

    sheet: str
    kind: TrackerKind | None
    header_row: int | None  # 1-based
    confidence: str
    score: int
    alternatives: tuple[tuple[str, int], ...]  # (kind name, score) of the other kinds that fit at all
    signature: str | None  # the header row's signature, under which a lead's choices are remembered
    header: tuple[str, ...] = ()  # the header row's cells as written
    columns: tuple[ColumnReading, ...] = ()

    @property
    def reason(self) -> str:
        if self.kind is None:
            return {"ignored": "left out", "none": "no tracker table found"}.get(self.confidence, "not read")
        others = ", ".join(f"{BY_NAME[n].label} {s}" for n, s in self.alternatives)
        return f"{self.confidence}: fits a {self.kind.label} (score {self.score})" + (f"; also {others}" if others
                                                                                       else "")


@dataclass
class Analysis:
    """One file as the importer reads it. A workbook whose sheets hold different kinds has one ``part`` per kind,
    each an Analysis of its own sheets, stored together in one transaction; a file of one kind is its own part."""

    file_name: str
    sha256: str
    size_bytes: int
    kind: TrackerKind | None
    sheets: list[SheetResult] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    level_labels: dict[int, str] = field(default_factory=dict)
    readings: list[SheetReading] = field(default_factory=list)
    choices: Choices = field(default_factory=Choices)
    split: list[Analysis] = field(default_factory=list)  # the parts, when there are several kinds
    # The fields each sheet has a column for: a field a sheet has no column for says nothing about it, so an
    # update keeps the stored value (loaders.store)
    sheet_fields: dict[str, frozenset[str]] = field(default_factory=dict)

    @property
    def parts(self) -> list[Analysis]:
        """One Analysis per kind of tracker in the file (the store writes each)."""
        if self.split:
            return self.split
        return [self] if self.kind is not None else []

    @property
    def kinds(self) -> list[TrackerKind]:
        return [p.kind for p in self.parts]

    @property
    def errors(self) -> list[Issue]:
        return [i for i in self.issues if i.severity == ERROR]

    @property
    def warnings(self) -> list[Issue]:
        return [i for i in self.issues if i.severity != ERROR]

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def kind_name(self) -> str | None:
        """The file's kind, or its kinds joined with "+" when its sheets hold several."""
        return "+".join(k.name for k in self.kinds) or None

    @property
    def kind_label(self) -> str:
        return " and ".join(f"a {k.label}" for k in self.kinds) or "an unknown tracker"

    def public_records(self) -> list[dict]:
        """The rows' public fields, typed (dates, Decimals), part by part."""
        return [p.kind.public(r) for p in self.parts for r in p.records]

    def json_records(self) -> list[dict]:
        """The rows' public fields as the CLI's JSON prints them: ISO dates, whole amounts as integers."""
        return [{k: _jsonable(v) for k, v in r.items()} for r in self.public_records()]

    def reading(self, sheet: str) -> SheetReading | None:
        return next((r for r in self.readings if r.sheet == sheet), None)


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


ALIKE = 0.8  # a second kind scoring this close to the best one: the importer asks rather than guesses
SURE = 10  # a score at least this high, and twice the next kind's, is a sure reading


def analyse(data: bytes, file_name: str, *, kind: str | TrackerKind | None = None,
            sheet: str | None = None, rules: RagRules = DEFAULT_RULES, choices: Choices | None = None,
            remembered: dict[str, SheetChoice] | None = None) -> Analysis:
    """Read and check a tracker file without storing anything; ``rules`` are the board's RAG rules.

    ``choices`` are the lead's mapping (``loaders.mapping``); ``kind`` and ``sheet`` are shorthands for the
    commonest ones. ``remembered`` are the board's saved mappings by header signature: a sheet whose header row
    matches one is read that way unless the lead chose otherwise. Never raises for anything in the file: a fault of ours while reading it is an error the lead
    can act on (send the file to the administrator), with the details in the server's log.
    """
    file_name = safe_file_name(file_name)
    result = Analysis(file_name, hashlib.sha256(data).hexdigest(), len(data), None)
    try:
        choices = _with_shorthands(choices or Choices(), kind, sheet)
    except ChoiceError as exc:
        result.issues.append(error(str(exc), code="bad_choice"))
        return result
    result.choices = choices
    try:
        return _analyse(data, file_name, choices, rules, result, remembered or {})
    except Exception:
        logging.getLogger(__name__).exception("Reading %s (sha256 %s) failed", file_name, result.sha256)
        return Analysis(file_name, result.sha256, result.size_bytes, None, issues=[error(
            "This file could not be read: something in it stopped the reader. Nothing was written. Save it again "
            "from Excel and upload that, or send it to your board administrator, who will find the details in the "
            f"server's log under '{file_name}'.", code="unexpected")])


def _with_shorthands(choices: Choices, kind: str | TrackerKind | None, sheet: str | None) -> Choices:
    if isinstance(kind, TrackerKind):
        kind = kind.name
    if kind is not None:
        if kind not in BY_NAME:
            raise ChoiceError(f"Unknown kind '{kind}'; use one of {', '.join(BY_NAME)}.")
        choices = replace(choices, default=replace(choices.default, kind=kind))
    for name, c in ((None, choices.default), *choices.per_sheet):
        if c.kind not in (None, IGNORE, *BY_NAME):
            raise ChoiceError(f"Unknown kind '{c.kind}'{f' for sheet {name!r}' if name else ''}; use one of "
                              f"{', '.join(BY_NAME)}, or '{IGNORE}'.")
    if sheet is not None:
        choices = replace(choices, sheets=(*choices.sheets, sheet))
    return choices


def _analyse(data: bytes, file_name: str, choices: Choices, rules: RagRules, result: Analysis,
             remembered: dict[str, SheetChoice]) -> Analysis:
    try:
        workbook = read_workbook(data, file_name)
    except ReadError as exc:
        result.issues.append(error(str(exc), code="unreadable"))
        return result
    if remembered:
        choices = result.choices = _with_remembered(workbook.sheets, choices, remembered)

    sheets = _chosen_sheets(workbook.sheets, choices, result)
    if sheets is None:
        return result
    tables = _tables(sheets, choices, result)
    if not tables:
        return result
    by_kind: dict[TrackerKind, list[Table]] = {}
    for table in tables:
        by_kind.setdefault(table.kind, []).append(table)
    parts = [_part(result, kind, own, rules) for kind, own in by_kind.items()]
    if len(parts) == 1:
        part = parts[0]
        result.kind, result.sheets, result.records, result.level_labels = (part.kind, part.sheets, part.records,
                                                                           part.level_labels)
        result.sheet_fields = part.sheet_fields
        result.issues.extend(part.issues)
    else:
        result.split = parts
        parts[0].issues[:0] = result.issues  # what was said of the file as a whole is kept with its first upload
        result.issues = []
        for part in parts:
            result.sheets.extend(part.sheets)
            result.records.extend(part.records)
            result.issues.extend(part.issues)
            result.sheet_fields.update(part.sheet_fields)
    result.issues.sort(key=lambda i: (i.severity != ERROR, i.sheet or "", i.row or 0))
    return result


def _part(result: Analysis, kind: TrackerKind, tables: list[Table], rules: RagRules) -> Analysis:
    """The tables of one kind, normalised and checked together (their rows share one set of references)."""
    part = Analysis(result.file_name, result.sha256, result.size_bytes, kind, choices=result.choices)
    for table in tables:
        _normalise(table, rules, part)
    if not part.records and not part.errors:
        names = ", ".join(f"'{t.sheet.name}'" for t in tables)
        part.issues.append(error(f"The {kind.label} on {names} has a header row but no rows of data under it.",
                                 code="header_only"))
    for index, fld, message in kind.validate(part.records):
        rec = part.records[index] if 0 <= index < len(part.records) else None
        value = getattr(rec, fld, None) if rec is not None else None
        part.issues.append(error(f"{fld}: {message}", sheet=rec.sheet if rec else None, row=rec.row if rec else None,
                                 column=fld, value=str(value) if value is not None else None, code="invalid"))
    part.issues.sort(key=lambda i: (i.severity != ERROR, i.sheet or "", i.row or 0))
    return part


def _with_remembered(sheets: list[Sheet], choices: Choices, remembered: dict[str, SheetChoice]) -> Choices:
    """Lay a saved mapping under each sheet whose header row (one of its first rows) has a remembered signature."""
    for s in sheets:
        for r, row in enumerate(s.rows[:HEADER_SEARCH_ROWS]):
            saved = remembered.get(header_signature(row)) if sum(v not in (None, "") for v in row) >= 2 else None
            if saved is not None:
                choices = choices.remembering(s.name, replace(saved, header_row=r + 1))
                break
    return choices


def _chosen_sheets(sheets: list[Sheet], choices: Choices, result: Analysis) -> list[Sheet] | None:
    """The sheets to read: all, or those asked for; None (with the error recorded) when there is nothing."""
    if choices.sheets:
        names = {s.name for s in sheets}
        missing = [n for n in choices.sheets if n not in names]
        if missing:
            listed = ", ".join(f"'{s.name}'" for s in sheets)
            result.issues.append(error(f"There is no sheet called '{missing[0]}' in this file. Its sheets are: "
                                       f"{listed}.", code="no_such_sheet"))
            return None
    for s in sheets:
        if not choices.reads(s.name):
            first = next((r for r in s.rows[:HEADER_SEARCH_ROWS] if sum(v not in (None, "") for v in r) >= 2), None)
            result.readings.append(SheetReading(s.name, None, None, "ignored", 0, (),
                                                header_signature(first) if first else None,
                                                tuple("" if v is None else str(v) for v in first or ())))
    sheets = [s for s in sheets if choices.reads(s.name)]
    if not any(any(v not in (None, "") for row in s.rows for v in row) for s in sheets):
        result.issues.append(error("The file has no data in it: every sheet is empty." if not choices.sheets
                                   and not result.readings else "The sheets chosen are empty.", code="empty"))
        return None
    return sheets


def _tables(sheets: list[Sheet], choices: Choices, result: Analysis) -> list[Table]:
    """Each sheet's table, of the kind it holds: each sheet may be its own kind, unless one kind is given for the
    whole file (then a sheet holding plainly another kind is named and left out)."""
    tables: list[Table] = []
    fits: list[tuple[Sheet, dict]] = []
    for s in sheets:
        choice = choices.for_sheet(s.name)
        own = dict(choices.per_sheet).get(s.name)
        found = _fits(s, choice)
        fits.append((s, found))
        # A kind the lead chose for this sheet, or one given for the file together with a mapping of its headers
        # or its header row (the lead has said how to read it): read it so.
        if (own is not None and own.kind in BY_NAME) or (choice.kind in BY_NAME and (choice.fields or choice.header_row)
                                                          and _holds_mapped(s, choice)):
            picked = _as_chosen(s, BY_NAME[choice.kind], found, choice, result)
        elif choice.kind in BY_NAME:
            picked = _as_file_kind(s, BY_NAME[choice.kind], found, choice, result)
        else:
            picked = _as_detected(s, found, choice, result)
        if picked is not None:
            tables.append(picked)
    tables = join_tables(tables)  # a plan sheet and an actual sheet of the same rows read as one; ledgers a summary covers left out
    if not tables and not result.errors:
        kind = choices.default.kind
        result.issues.append(_nothing_found(BY_NAME.get(kind) if kind else None, fits))
    return tables


def _holds_mapped(sheet: Sheet, choice: SheetChoice) -> bool:
    """Whether the sheet has a header the lead mapped (or the row they named): a sheet without any is another
    sheet of the workbook, not the one their mapping is for."""
    if choice.header_row is not None:
        return choice.header_row <= len(sheet.rows)
    keys = {h for h, _ in choice.fields}
    return any(header_key(str(v)) in keys for row in sheet.rows[:HEADER_SEARCH_ROWS] for v in row if v not in (None, ""))


def _fits(sheet: Sheet, choice: SheetChoice) -> dict[TrackerKind, tuple[int, Mapping]]:
    """How well the sheet fits each kind (its best header row for each), or at the row the lead named."""
    if choice.header_row is None:
        return best_headers(sheet, KINDS)
    index = choice.header_row - 1
    if index >= len(sheet.rows):
        return {}
    out = {}
    for kind in KINDS:
        mapping = header_at(sheet, index, kind)
        if mapping.score:
            out[kind] = (index, mapping)
    return out


def _ranked(found: dict[TrackerKind, tuple[int, Mapping]]) -> list[tuple[TrackerKind, int, Mapping]]:
    return sorted(((k, i, m) for k, (i, m) in found.items()), key=lambda f: (-f[2].score, f[1]))


def _as_chosen(sheet: Sheet, kind: TrackerKind, found: dict, choice: SheetChoice, result: Analysis) -> Table | None:
    """The lead said what the sheet holds: read it so, at their header row or the best one for that kind."""
    if kind in found:
        index, mapping = found[kind]
    elif choice.header_row is not None and choice.header_row <= len(sheet.rows):
        index = choice.header_row - 1
        mapping = header_at(sheet, index, kind)
    elif (index := _likely_header_row(sheet, choice)) is not None:
        mapping = header_at(sheet, index, kind)
    else:
        result.readings.append(_reading(sheet, kind, None, "chosen", found, choice))
        result.issues.append(_no_header(sheet, kind, choice))
        return None
    return _read(sheet, index, mapping, "chosen", found, choice, result)


def _likely_header_row(sheet: Sheet, choice: SheetChoice) -> int | None:
    """Where a sheet whose headers no kind knows has its header row, once the lead says what it holds: the row
    holding the headers they mapped, else the first row that could be a header (two or more labels)."""
    rows = sheet.rows[:HEADER_SEARCH_ROWS]
    mapped = {h for h, _f in choice.fields}
    if mapped:
        for r, row in enumerate(rows):
            if mapped & {header_key(str(v)) for v in row if v is not None and str(v).strip()}:
                return r
    return next((r for r, row in enumerate(rows) if sum(v not in (None, "") for v in row) >= 2), None)


def _as_file_kind(sheet: Sheet, kind: TrackerKind, found: dict, choice: SheetChoice,
                  result: Analysis) -> Table | None:
    """One kind given for the whole file: a sheet that plainly holds another kind is named and left out."""
    ranked = _ranked(found)
    if not ranked:
        result.readings.append(_reading(sheet, None, None, "none", found, choice))
        return None
    best_kind, _, best = ranked[0]
    if kind not in found or (best_kind is not kind and found[kind][1].score < best.score / 2):
        result.readings.append(_reading(sheet, None, None, "none", found, choice))
        result.issues.append(warning(
            f"Sheet '{sheet.name}' holds a {best_kind.label}, not a {kind.label}; it was not loaded. To load it too, "
            f"upload the file without choosing a kind, or choose '{best_kind.label}' for that sheet.",
            sheet=sheet.name, code="other_kind"))
        return None
    index, mapping = found[kind]
    return _read(sheet, index, mapping, "chosen", found, choice, result)


def _as_detected(sheet: Sheet, found: dict, choice: SheetChoice, result: Analysis) -> Table | None:
    """The importer's own reading: the kind that fits best, unless another fits about as well (then ask)."""
    ranked = _ranked(found)
    if not ranked:
        result.readings.append(_reading(sheet, None, None, "none", found, choice))
        return None
    kind, index, mapping = ranked[0]
    # A rival is another kind reading the same header row: one at another row reads a title or a data row.
    rival = next((r for r in ranked[1:] if r[1] == index), None)
    if rival is not None and rival[2].score >= ALIKE * mapping.score:
        result.readings.append(_reading(sheet, kind, index, "unsure", found, choice))
        result.issues.append(error(
            f"Sheet '{sheet.name}' could be a {kind.label} or a {rival[0].label}: its headers fit both about "
            f"equally, so it was not loaded rather than guessed. Choose what it holds on the upload page (or give "
            f"--kind {kind.name} or --kind {rival[0].name} to the command line).", sheet=sheet.name,
            code="kind_unsure"))
        return None
    sure = mapping.score >= SURE and (rival is None or rival[2].score * 2 <= mapping.score)
    return _read(sheet, index, mapping, "sure" if sure else "likely", found, choice, result)


def _read(sheet: Sheet, index: int, mapping: Mapping, confidence: str, found: dict, choice: SheetChoice,
          result: Analysis) -> Table | None:
    header = sheet.rows[index] if index < len(sheet.rows) else []
    mapping = apply_fields(mapping, header, choice)
    if choice.fields or choice.kind in BY_NAME:
        confidence = "chosen"
    result.readings.append(_reading(sheet, mapping.kind, index, confidence, found, choice, mapping))
    missing = [group for group in mapping.kind.required if not mapping.fields & group]
    if missing:
        kind = mapping.kind
        needs = " and ".join(" or ".join(_field_words(kind, f) for f in sorted(g)) for g in missing)
        result.issues.append(error(
            f"Read as a {kind.label}, sheet '{sheet.name}' has no column for the {needs}: map one of its headers to "
            f"it on the upload page (or with --map \"HEADER=FIELD\").", sheet=sheet.name, code="missing_field"))
        return None
    return read_table(sheet, index, mapping)


def _field_words(kind: TrackerKind, fld: str) -> str:
    return choosable_fields(kind).get(fld, fld).lower()


def _reading(sheet: Sheet, kind: TrackerKind | None, index: int | None, confidence: str, found: dict,
             choice: SheetChoice, mapping: Mapping | None = None) -> SheetReading:
    if mapping is None and kind is not None and kind in found and found[kind][0] == index:
        mapping = found[kind][1]
    header = sheet.rows[index] if index is not None and index < len(sheet.rows) else []
    others = tuple((k.name, m.score) for k, _i, m in _ranked(found) if k is not kind)
    columns: tuple[ColumnReading, ...] = ()
    if mapping is not None:
        columns = _column_readings(sheet, index, header, mapping, choice)
    return SheetReading(
        sheet.name, kind, index + 1 if index is not None else None, confidence,
        mapping.score if mapping is not None else (found[kind][1].score if kind in found else 0), others,
        header_signature(header) if header else None,
        tuple("" if v is None else str(v) for v in header), columns)


def _column_readings(sheet: Sheet, index: int, header: list[object], mapping: Mapping,
                     choice: SheetChoice) -> tuple[ColumnReading, ...]:
    profiles = column_profiles(sheet.rows, index)
    labels = {**choosable_fields(mapping.kind)}
    out = []
    by_index = {c.index: c for c in mapping.columns}
    for i, cell in enumerate(header):
        text = "" if cell is None else str(cell).strip()
        col = by_index.get(i)
        if not text and col is None:
            continue
        chosen = bool(text) and choice.field_for(text) is not None
        if col is None:
            fld, label = None, "not read"
        else:
            fld = col.field
            label = _column_label(col, labels)
        profile = profiles.get(i)
        out.append(ColumnReading(column_letter(i), text or "(no header)", fld, label,
                                 _evidence(col, profile, chosen), chosen, profile.filled if profile else 0.0))
    return tuple(out)


def _column_label(col, labels: dict[str, str]) -> str:
    if col.field in ("ws1", "ws2", "ws3"):
        return f"workstream (level {col.level})"
    if col.field == "period_amount" and col.period is not None:
        return f"{col.value_kind} for {col.period.label}"
    if col.field == "gantt" and col.period is not None:
        return f"milestone month {col.period.label}"
    return labels.get(col.field, col.field.replace("_", " "))


def _evidence(col, profile, chosen: bool) -> str:
    said = "your choice" if chosen else ("header words" if col is not None else "no field's words")
    if profile is None or profile.filled == 0:
        return f"{said}; nothing in the rows below"
    kinds = [(profile.dates, "dates"), (profile.numbers, "numbers"), (profile.words, "words")]
    share, what = max(kinds)
    return f"{said}; {round(profile.filled * 100)}% of rows filled, mostly {what}"


def _no_header(sheet: Sheet, kind: TrackerKind, choice: SheetChoice) -> Issue:
    if choice.header_row is not None:
        return error(f"Sheet '{sheet.name}' has only {len(sheet.rows)} rows, so row {choice.header_row} cannot be its "
                     "header row.", sheet=sheet.name, code="no_header")
    return error(f"Sheet '{sheet.name}' has no header row a {kind.label} needs ({kind.hint}). Choose its header row "
                 "and map its headers on the upload page (or give --header-row and --map).", sheet=sheet.name,
                 code="no_header")


def _normalise(table: Table, rules: RagRules, result: Analysis) -> None:
    rows, issues = table.kind.normalise(table, rules)
    result.issues.extend(issues)
    result.issues.extend(_sheet_warnings(table))
    result.records.extend(rows)
    # read after normalising: a normaliser may settle what a column holds ("Actual Costs": its figure is spent)
    result.sheet_fields[table.sheet.name] = result.sheet_fields.get(table.sheet.name, frozenset()) | frozenset(
        table.mapping.fields)
    if table.actuals is not None:
        result.sheet_fields[table.actuals.sheet.name] = frozenset(table.actuals.mapping.fields)
    result.sheets.append(SheetResult(
        table.sheet.name, table.header_row, table.title, table.mapping.describe(), len(table.rows), len(rows),
        table.repeated_headers, table.continuations, [s for _, s in table.sections], len(table.totals)))
    for row in rows:
        for level, label in enumerate(row.labels, start=1):
            if label and level not in result.level_labels:
                result.level_labels[level] = label


def _sheet_warnings(table: Table) -> list[Issue]:
    """What the reader saw in the sheet that a lead should know: formula errors, hidden rows, decimal commas.

    One warning per column (or per sheet), never one per cell: a broken formula filled down is one mistake.
    """
    sheet, issues = table.sheet, []
    first_data = table.header_row  # 0-based index of the first row under the header
    headers = {c.index: c.header for c in table.mapping.columns}
    by_col: dict[int, list[tuple[int, str]]] = {}
    for r, c, code in sheet.errors:
        if r >= first_data:
            by_col.setdefault(c, []).append((r + 1, code))
    for c, cells in sorted(by_col.items()):
        codes = ", ".join(sorted({code for _r, code in cells}))
        header = headers.get(c) or f"column {column_letter(c)}"
        many = f"{len(cells)} cells hold" if len(cells) > 1 else "The cell holds"
        issues.append(warning(
            f"{many} a formula error ({codes}), read as blank: fix the formula in the spreadsheet (first at row "
            f"{cells[0][0]}).", sheet=sheet.name, row=cells[0][0], column=header, value=cells[0][1],
            code="formula_error"))
    hidden = sorted(r + 1 for r in sheet.hidden_rows if r >= first_data)
    if hidden:
        shown = ", ".join(map(str, hidden[:10])) + (f" and {len(hidden) - 10} more" if len(hidden) > 10 else "")
        issues.append(warning(
            f"{len(hidden)} hidden row(s) were read as well (rows {shown}): unhide them in the spreadsheet to check "
            "what they hold.", sheet=sheet.name, row=hidden[0], code="hidden_rows"))
    if sheet.decimal_comma:
        issues.append(warning(
            "This file separates its columns with ';' and writes decimals with a comma (1.200,50), so its numbers "
            "were read that way: 1.200,50 is 1,200.50.", sheet=sheet.name,
            code="decimal_comma"))
    return issues


def _nothing_found(kind: TrackerKind | None, fits: list[tuple[Sheet, dict]]) -> Issue:
    if kind is None:
        hints = "; ".join(f"a {k.label} needs {k.hint}" for k in KINDS)
        return error("No tracker table was found in this file. The header row must name its columns: " + hints + ".",
                     code="no_table")
    others = [k for _s, found in fits for k, _i, _m in _ranked(found) if k is not kind]
    also = f" It looks like a {others[0].label} instead: upload it without choosing a kind." if others else ""
    return error(f"This file does not look like a {kind.label}: no sheet has a header row with {kind.hint}.{also}",
                 code="wrong_kind")
