"""The import pipeline's read-only half: read → find tables → normalise → validate.

``analyse`` never touches a database. It returns an ``Analysis`` that the upload page previews and
that ``loaders.store`` writes, so what a lead sees before confirming is exactly what is stored.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from data_model.rag import DEFAULT_RULES, RagRules
from loaders.find_tables import Table, find_header, read_table
from loaders.headers import column_letter
from loaders.issues import ERROR, Issue, error, warning
from loaders.kinds import BY_NAME, KINDS, TrackerKind
from loaders.kinds.base import Row
from loaders.read import ReadError, Sheet, read_workbook
from loaders.text import safe_file_name


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


@dataclass
class Analysis:
    file_name: str
    sha256: str
    size_bytes: int
    kind: TrackerKind | None
    sheets: list[SheetResult] = field(default_factory=list)
    records: list[Row] = field(default_factory=list)
    issues: list[Issue] = field(default_factory=list)
    level_labels: dict[int, str] = field(default_factory=dict)

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
        return self.kind.name if self.kind else None

    def public_records(self) -> list[dict]:
        """The rows' public fields, typed (dates, Decimals)."""
        return [self.kind.public(r) for r in self.records] if self.kind else []

    def json_records(self) -> list[dict]:
        """The rows' public fields as the CLI's JSON prints them: ISO dates, whole amounts as integers."""
        return [{k: _jsonable(v) for k, v in r.items()} for r in self.public_records()]


def _jsonable(value: object) -> object:
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    if isinstance(value, date):
        return value.isoformat()
    return value


def analyse(data: bytes, file_name: str, *, kind: str | TrackerKind | None = None,
            sheet: str | None = None, rules: RagRules = DEFAULT_RULES) -> Analysis:
    """Read and check a tracker file without storing anything; ``rules`` are the board's RAG rules.

    Never raises for anything in the file: a fault of ours while reading it is an error the lead can act on
    (send the file to the administrator), with the details in the server's log.
    """
    file_name = safe_file_name(file_name)
    result = Analysis(file_name, hashlib.sha256(data).hexdigest(), len(data), None)
    try:
        return _analyse(data, file_name, kind, sheet, rules, result)
    except Exception:
        logging.getLogger(__name__).exception("Reading %s (sha256 %s) failed", file_name, result.sha256)
        return Analysis(file_name, result.sha256, result.size_bytes, None, issues=[error(
            "This file could not be read: something in it stopped the reader. Nothing was written. Save it again "
            "from Excel and upload that, or send it to your board administrator, who will find the details in the "
            f"server's log under '{file_name}'.", code="unexpected")])


def _analyse(data: bytes, file_name: str, kind: str | TrackerKind | None, sheet: str | None, rules: RagRules,
             result: Analysis) -> Analysis:
    if isinstance(kind, str):
        if kind not in BY_NAME:
            result.issues.append(error(f"Unknown kind '{kind}'; use one of {', '.join(BY_NAME)}."))
            return result
        kind = BY_NAME[kind]
    try:
        workbook = read_workbook(data, file_name)
    except ReadError as exc:
        result.issues.append(error(str(exc), code="unreadable"))
        return result

    sheets = _chosen_sheets(workbook.sheets, sheet, result)
    if sheets is None:
        return result
    tables = _tables(sheets, kind, result)
    if not tables:
        return result
    for table in tables:
        _normalise(table, rules, result)

    if not result.records and not result.errors:
        names = ", ".join(f"'{t.sheet.name}'" for t in tables)
        result.issues.append(error(f"The {result.kind.label} on {names} has a header row but no rows of data under "
                                   "it.", code="header_only"))
    for index, fld, message in result.kind.validate(result.records):
        rec = result.records[index] if 0 <= index < len(result.records) else None
        value = getattr(rec, fld, None) if rec is not None else None
        result.issues.append(error(f"{fld}: {message}", sheet=rec.sheet if rec else None, row=rec.row if rec else None,
                                   column=fld, value=str(value) if value is not None else None, code="invalid"))
    result.issues.sort(key=lambda i: (i.severity != ERROR, i.sheet or "", i.row or 0))
    return result


def _chosen_sheets(sheets: list[Sheet], sheet: str | None, result: Analysis) -> list[Sheet] | None:
    """The sheets to read: all, or the one asked for; None (with the error recorded) when there is nothing."""
    if sheet is not None:
        chosen = [s for s in sheets if s.name == sheet]
        if not chosen:
            names = ", ".join(f"'{s.name}'" for s in sheets)
            result.issues.append(error(f"There is no sheet called '{sheet}' in this file. Its sheets are: {names}."))
            return None
        sheets = chosen
    if not any(any(v not in (None, "") for row in s.rows for v in row) for s in sheets):
        result.issues.append(error("The file has no data in it: every sheet is empty.", code="empty"))
        return None
    return sheets


def _tables(sheets: list[Sheet], kind: TrackerKind | None, result: Analysis) -> list[Table]:
    """Each sheet's table of the file's kind: the kind asked for, or the first sheet's."""
    found = []  # (sheet, header index, mapping)
    for s in sheets:
        header = find_header(s, KINDS)
        if header is not None:
            found.append((s, header[0], header[1]))
    chosen = kind or (found[0][2].kind if found else None)  # leads put the tracker first and the extras after
    result.kind = chosen
    tables: list[Table] = []
    for s, index, mapping in found:
        if mapping.kind is not chosen:
            own = find_header(s, (chosen,))
            if own is None or own[1].score < mapping.score / 2:
                result.issues.append(warning(
                    f"Sheet '{s.name}' holds a {mapping.kind.label}, not a {chosen.label}; it was not loaded. Import "
                    f"it on its own with kind '{mapping.kind.name}'.", sheet=s.name, code="other_kind"))
                continue
            index, mapping = own
        tables.append(read_table(s, index, mapping))
    if kind is not None:
        # A sheet whose best guess was another kind may still hold this kind's table.
        seen = {t.sheet.name for t in tables}
        for s in sheets:
            if s.name not in seen and not any(f[0] is s for f in found):
                own = find_header(s, (kind,))
                if own is not None:
                    tables.append(read_table(s, own[0], own[1]))
    if not tables:
        result.issues.append(_nothing_found(kind, found))
    return tables


def _normalise(table: Table, rules: RagRules, result: Analysis) -> None:
    rows, issues = table.kind.normalise(table, rules)
    result.issues.extend(issues)
    result.issues.extend(_sheet_warnings(table))
    result.records.extend(rows)
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


def _nothing_found(kind: TrackerKind | None, found: list) -> Issue:
    if kind is None:
        hints = "; ".join(f"a {k.label} needs {k.hint}" for k in KINDS)
        return error("No tracker table was found in this file. The header row must name its columns: " + hints + ".",
                     code="no_table")
    others = sorted({m.kind.name for _s, _i, m in found})
    also = ""
    if others:
        other = BY_NAME[others[0]]
        also = f" It looks like a {other.label} instead; import it with kind '{other.name}'."
    return error(f"This file does not look like a {kind.label}: no sheet has a header row with {kind.hint}.{also}",
                 code="wrong_kind")
