"""The import pipeline's read-only half: read → find tables → normalise → validate.

``analyse`` never touches a database. It returns an ``Analysis`` that the upload page previews and
that ``loaders.store`` writes, so what a lead sees before confirming is exactly what is stored.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field

from loaders.headers import KINDS
from loaders.issues import ERROR, Issue, error, warning
from loaders.normalise import NORMALISERS
from loaders.read import ReadError, read_workbook
from loaders.records import PUBLIC_FIELDS, validate
from loaders.tables import Table, find_header, read_table

KIND_NAMES = {
    "milestones": "milestone tracker",
    "risks": "risk register",
    "budget": "budget",
    "metrics": "metrics return",
}
KIND_HINTS = {
    "milestones": "a milestone or action title column (Milestone, Action, Task) and a date column (Start, End, Due)",
    "risks": "a risk description column (Risk, Description) and Likelihood/Probability, Impact or Mitigation columns",
    "budget": "a budget line column (Budget, Line, Scheme) and amount columns (Allocation, Forecast, Actual, or one per "
              "financial year such as 2016-17)",
    "metrics": "a metric name column (Metric, Measure, Indicator) and Target or Actual columns",
}


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
    kind: str | None
    sheets: list[SheetResult] = field(default_factory=list)
    records: list[dict] = field(default_factory=list)
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

    def public_records(self) -> list[dict]:
        fields = PUBLIC_FIELDS[self.kind] if self.kind else ()
        return [{f: rec.get(f) for f in fields} for rec in self.records]


def analyse(data: bytes, file_name: str, *, kind: str | None = None, sheet: str | None = None) -> Analysis:
    """Read and check a tracker file without storing anything."""
    from presentation.safe import safe_file_name

    file_name = safe_file_name(file_name)
    result = Analysis(file_name, hashlib.sha256(data).hexdigest(), len(data), kind)
    if kind is not None and kind not in KINDS:
        result.issues.append(error(f"Unknown kind '{kind}'; use one of {', '.join(KINDS)}."))
        return result
    try:
        workbook = read_workbook(data, file_name)
    except ReadError as exc:
        result.issues.append(error(str(exc), code="unreadable"))
        return result

    sheets = workbook.sheets
    if sheet is not None:
        sheets = [s for s in sheets if s.name == sheet]
        if not sheets:
            names = ", ".join(f"'{s.name}'" for s in workbook.sheets)
            result.issues.append(error(f"There is no sheet called '{sheet}' in this file. Its sheets are: {names}."))
            return result
    if not any(any(v not in (None, "") for row in s.rows for v in row) for s in sheets):
        result.issues.append(error("The file has no data in it: every sheet is empty.", code="empty"))
        return result

    found: list[tuple[object, int, object]] = []  # (sheet, header index, mapping)
    for s in sheets:
        header = find_header(s)
        if header is not None:
            found.append((s, header[0], header[1]))

    chosen = kind or _dominant_kind(found)
    result.kind = chosen
    tables: list[Table] = []
    for s, index, mapping in found:
        if mapping.kind != chosen:
            own = find_header(s, (chosen,)) if chosen else None
            if own is None or own[1].score < mapping.score / 2:
                if chosen:
                    result.issues.append(warning(
                        f"Sheet '{s.name}' holds a {KIND_NAMES[mapping.kind]}, not a {KIND_NAMES[chosen]}; it was "
                        f"not loaded. Import it on its own with kind '{mapping.kind}'.", sheet=s.name,
                        code="other_kind"))
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
        return result

    for table in tables:
        records, issues = NORMALISERS[table.kind](table)
        result.issues.extend(issues)
        result.records.extend(records)
        result.sheets.append(SheetResult(
            table.sheet.name, table.header_row, table.title, table.mapping.describe(), len(table.rows), len(records),
            table.repeated_headers, table.continuations, [s for _, s in table.sections], len(table.totals)))
        for rec in records:
            for level, label in enumerate(rec.get("_labels", ()), start=1):
                if label and level not in result.level_labels:
                    result.level_labels[level] = label

    if not result.records and not result.errors:
        names = ", ".join(f"'{t.sheet.name}'" for t in tables)
        result.issues.append(error(
            f"The {KIND_NAMES[chosen]} on {names} has a header row but no rows of data under it.", code="header_only"))
    for index, fld, message in validate(chosen, result.records):
        rec = result.records[index] if 0 <= index < len(result.records) else {}
        result.issues.append(error(f"{fld}: {message}", sheet=rec.get("_sheet"), row=rec.get("_row"), column=fld,
                                   value=str(rec.get(fld)) if rec.get(fld) is not None else None, code="invalid"))
    result.issues.sort(key=lambda i: (i.severity != ERROR, i.sheet or "", i.row or 0))
    return result


def _dominant_kind(found: list) -> str | None:
    """The kind of the first sheet that holds a table: leads put the tracker first and the extras after."""
    return found[0][2].kind if found else None


def _nothing_found(kind: str | None, found: list) -> Issue:
    if kind is None:
        hints = "; ".join(f"a {KIND_NAMES[k]} needs {KIND_HINTS[k]}" for k in KINDS)
        return error("No tracker table was found in this file. The header row must name its columns: " + hints + ".",
                     code="no_table")
    others = sorted({m.kind for _s, _i, m in found})
    also = ""
    if others:
        also = f" It looks like a {KIND_NAMES[others[0]]} instead; import it with kind '{others[0]}'."
    return error(f"This file does not look like a {KIND_NAMES[kind]}: no sheet has a header row with "
                 f"{KIND_HINTS[kind]}.{also}", code="wrong_kind")
