"""The sample boards' dated history: each tracker uploaded in dated versions before the meetings its seed names,
and a snapshot frozen at every past meeting, so time travel, "what changed" and the pack show something on first start.

The earlier versions are made here, in code, from the committed (latest) tracker, so they can never drift from it:
the workbook is read with openpyxl, the cells the importer read for each row (its own analysis says which) are set
back to what a lead would plausibly have written on that date, and the result goes through the very import path a
lead's upload does, dated with ``uploaded_at``. What an earlier version holds is ILLUSTRATIVE (the seeds hold no
progress), and each such upload says so in its file name and its "by".

How a version as at date D differs from the latest tracker, kind by kind:
- milestones: one finished (in the latest) and due after D, or due in the month or so before D, was still in
  progress (or, if it had not started by D, not started); one in progress that starts after D had not started.
  Every fourth milestone still due after D was planned a month earlier then, and has slipped since;
- risks: the first risk with a likelihood was rated one step more likely then, and has been re-scored down since;
- budget: nothing was spent or forecast for a period that starts after D; a line with no period had spent the
  share of its latest spend that D is of the year up to the latest version;
- metrics: no value yet for a period that ends after D.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Iterator
from copy import copy
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

import openpyxl
from openpyxl.styles import PatternFill

from loaders import analyse
from loaders.pipeline import Analysis

ILLUSTRATIVE_BY = "sample data (illustrative earlier version)"
MONTHS = ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"]
LIKELIER = {"low": "Med", "l": "M", "med": "High", "medium": "High", "m": "H", "low - med": "Med",
            "med/high": "High"}


@dataclass(frozen=True)
class Version:
    """One upload of a sample tracker: its bytes, the name it is uploaded under, and when."""

    data: bytes
    file_name: str
    uploaded_at: datetime
    illustrative: bool  # an earlier version made here (else the committed file itself)
    analysis: Analysis | None = None  # the committed file as already read (to store, as the upload page does)


def upload_time(day: date) -> datetime:
    """Sample uploads land at 10:00 UTC on their day (a snapshot at 09:00 on a meeting's day sees every earlier one)."""
    return datetime.combine(day, time(10, 0), tzinfo=UTC)


def versions(path: Path, kind: str, dates: tuple[date, ...], rules=None) -> Iterator[Version]:
    """The tracker at ``path`` as uploaded on each of ``dates``: earlier versions made from it, the last the file.

    A CSV is uploaded once, as it is, on the first date (its cells carry no fills to keep, and a lead's CSV export
    is seldom edited in place); so is a file whose earlier versions would not differ from it. The committed file is
    read once, under the board's ``rules``: to find the cells to set back, and to be stored as the last version.
    """
    data = path.read_bytes()
    *earlier, last = dates
    if path.suffix.lower() != ".xlsx" or not earlier:
        yield Version(data, path.name, upload_time(dates[0]), False)
        return
    analysis = analyse(data, path.name, kind=kind, **({"rules": rules} if rules is not None else {}))
    book = openpyxl.load_workbook(io.BytesIO(data))  # read once: each version's edits are undone after it is saved
    before: list | None = None
    for day in earlier:
        made = as_at(book, analysis, day, last)
        if made is None:
            continue
        if made.edits == before:
            continue  # nothing a lead would have changed since the version before
        before = made.edits
        yield Version(made.data, f"{path.stem} (illustrative, as at {day:%d %b %Y}){path.suffix}", upload_time(day), True)
    yield Version(data, path.name, upload_time(last), False, analysis)


@dataclass(frozen=True)
class Made:
    data: bytes
    edits: list[tuple[str, str, object]]  # (sheet, cell, value written): what makes it differ from the latest


def as_at(book, analysis: Analysis, day: date, final: date) -> Made | None:
    """The workbook ``book`` (the latest, of ``final``) as a lead would plausibly have had it on ``day``, or None
    when it would be the same. ``book`` is left as it came: every cell set here is put back once it is saved."""
    cells = _Cells(book, analysis)
    try:
        for part in analysis.parts:
            edit = EDITS.get(part.kind.name)
            if edit is not None:
                edit(cells, part, day, final)
        if not cells.edits:
            return None
        out = io.BytesIO()
        book.save(out)
        return Made(_dated(out.getvalue(), day), cells.edits)
    finally:
        cells.undo()


def _dated(data: bytes, day: date) -> bytes:
    """The saved workbook with every embedded time set to ``day``, so the same version is the same bytes (and the
    same sha256, and so the same snapshot hash) on every first start."""
    stamp = f"{day.isoformat()}T10:00:00Z"
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            body = src.read(info.filename)
            if info.filename == "docProps/core.xml":
                body = re.sub(rb"(<dcterms:(?:created|modified)[^>]*>)[^<]*(<)", rb"\g<1>" + stamp.encode() + rb"\2",
                              body)
            dst.writestr(zipfile.ZipInfo(info.filename, date_time=(day.year, day.month, day.day, 10, 0, 0)), body,
                         zipfile.ZIP_DEFLATED)
    return out.getvalue()


class _Cells:
    """The cells the importer read each row's fields from, found through its own reading of the sheets."""

    def __init__(self, book, analysis: Analysis) -> None:
        self.book = book
        self.edits: list[tuple[str, str, object]] = []
        self._was: list[tuple[object, object, object]] = []  # (cell, value, fill) before each change, to undo
        self.columns: dict[tuple[str, str], str] = {}  # (sheet, field) -> column letter
        self.wide: dict[tuple[str, str], set[str]] = {}  # (sheet, field) -> every column read as it
        for reading in analysis.readings:
            for col in reading.columns:
                if col.field:
                    self.wide.setdefault((reading.sheet, col.field), set()).add(col.column)
                if col.field and (reading.sheet, col.field) not in self.columns:
                    self.columns[(reading.sheet, col.field)] = col.column

    def find(self, rec, fld: str):
        """The cell holding ``fld`` of ``rec``, checked against the text the importer read there; None if unsure.
        A wide table's value (one column per period) is the one period column of its row holding that text."""
        if rec.sheet not in self.book.sheetnames:
            return None
        ws = self.book[rec.sheet]
        raw = rec.provenance.text(fld)
        letter = self.columns.get((rec.sheet, fld))
        if letter is not None:
            cell = ws[f"{letter}{rec.row}"]
            if raw is None or _text(cell.value) == _text(raw):
                return cell
        wide = self.columns_of(rec.sheet, "period_amount")
        if raw is None or not wide:
            return None
        found = [c for c in ws[rec.row] if c.column_letter in wide and _text(c.value) == _text(raw)]
        return found[0] if len(found) == 1 else None  # two periods with the same figure: leave both

    def columns_of(self, sheet: str, fld: str) -> set[str]:
        return self.wide.get((sheet, fld), set())

    def set(self, cell, value: object, *, unfill: bool = False) -> None:
        if cell is None:
            return
        if cell.value != value or (unfill and cell.fill is not None and cell.fill.fill_type):
            self._was.append((cell, cell.value, copy(cell.fill)))
            cell.value = value
            if unfill:
                cell.fill = PatternFill(fill_type=None)
            self.edits.append((cell.parent.title, cell.coordinate, value))


    def undo(self) -> None:
        """Every cell back as the latest tracker has it, latest change first."""
        for cell, value, fill in reversed(self._was):
            cell.value = value
            cell.fill = fill
        self._was.clear()


def _text(value: object) -> str:
    return " ".join(str(value).split()).lower() if value is not None else ""


def _amount(value: object) -> float | None:
    """A spend cell's figure ("£21,400", "£40k", 1250), or None for anything else."""
    if isinstance(value, int | float):
        return float(value)
    text = str(value or "").replace("£", "").replace(",", "").strip().lower()
    scale = 1000 if text.endswith("k") else 1
    try:
        return float(text.rstrip("k")) * scale
    except ValueError:
        return None


def _milestones(cells: _Cells, part: Analysis, day: date, final: date) -> None:
    for n, rec in enumerate(part.records):
        status = (rec.status or "").lower()
        due, start = rec.due, rec.start
        was = None
        if status == "complete" and due is not None and due > day - timedelta(days=45):
            was = "Not started" if start is not None and start > day else "In progress"
        elif status == "in_progress" and start is not None and start > day:
            was = "Not started"
        if was is not None and rec.provenance.text("status") is not None:
            cells.set(cells.find(rec, "status"), was)
            cells.set(cells.find(rec, "rag"), None, unfill=True)  # the rule rates it as it stood then
            cells.set(cells.find(rec, "completed"), None)
        if (due is not None and due > day + timedelta(days=60) and rec.due_precision == "month" and n % 4 == 1
                and rec.provenance.text("due") is not None):
            earlier = (due.replace(day=1) - timedelta(days=1))
            cell = cells.find(rec, "due")
            if cell is not None and isinstance(cell.value, str) and "-" not in cell.value and len(cell.value) < 16:
                cells.set(cell, f"{MONTHS[earlier.month - 1]} {earlier.year}")


def _risks(cells: _Cells, part: Analysis, day: date, final: date) -> None:
    for rec in part.records:
        raw = rec.provenance.text("likelihood")
        likelier = LIKELIER.get(_text(raw))
        if likelier is not None:
            cells.set(cells.find(rec, "likelihood"), likelier)
            return  # one risk, re-scored down since


def _budget(cells: _Cells, part: Analysis, day: date, final: date) -> None:
    share = min(1.0, max(0.0, (day - (final - timedelta(days=365))).days / 365))  # of the year up to the latest
    for rec in part.records:
        start = getattr(rec, "period_start", None)
        for fld in ("spent", "forecast"):
            if rec.provenance.text(fld) is None:
                continue
            cell = cells.find(rec, fld)
            if cell is None:
                continue
            if start is not None and start > day:
                cells.set(cell, None)
            elif start is None and fld == "spent" and (amount := _amount(cell.value)) is not None:
                cells.set(cell, round(amount * share) or None)


def _metrics(cells: _Cells, part: Analysis, day: date, final: date) -> None:
    for rec in part.records:
        end = rec.period_end
        if end is not None and end > day and rec.provenance.text("actual") is not None:
            cells.set(cells.find(rec, "actual"), None)


EDITS = {"milestones": _milestones, "risks": _risks, "budget": _budget, "metrics": _metrics}
