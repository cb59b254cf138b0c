"""The Excel pack (XlsxWriter): an About sheet, then one sheet per dataset with frozen headers, filters, money and
date formats, and RAG as a fill and a word. Every text cell is written as text (never a formula), so nothing in
it runs when the file is opened, whatever a lead typed."""

from __future__ import annotations

import io
import zipfile
from datetime import date, datetime

import xlsxwriter

from exports.content import Dataset, PackContent
from exports.html import day, stamp
from presentation.rag_view import PALETTE, WORDS

MAX_WIDTH = 60
SHEET_NAME_CHARS = 31


def write_xlsx(content: PackContent, sources: list[str] | None = None) -> bytes:
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True, "strings_to_formulas": False, "strings_to_numbers": False,
                                      "strings_to_urls": False, "remove_timezone": True})
    when = content.stamp.replace(tzinfo=None)
    wb.set_properties({"title": content.title, "author": content.cover.board_name, "company": content.cover.board_name,
                       "comments": f"Board pack, {content.cover.frozen}", "created": when})
    formats = _formats(wb)
    _about(wb, content, formats)
    names: set[str] = {"About"}
    for ds in content.datasets:
        _sheet(wb, ds, formats, _sheet_name(ds.name, names))
    wb.close()
    return _fix_zip_times(buffer.getvalue(), when)


def _formats(wb) -> dict:
    f = {"header": wb.add_format({"bold": True, "bg_color": "#E8E8E8", "border": 1, "text_wrap": True,
                                  "valign": "top"}),
         "text": wb.add_format({"valign": "top"}),
         "wrap": wb.add_format({"valign": "top", "text_wrap": True}),
         "date": wb.add_format({"num_format": "d mmm yyyy", "valign": "top"}),
         "datetime": wb.add_format({"num_format": "d mmm yyyy hh:mm", "valign": "top"}),
         "money": wb.add_format({"num_format": "£#,##0;-£#,##0", "valign": "top"}),
         "number": wb.add_format({"num_format": "#,##0.##", "valign": "top"}),
         "integer": wb.add_format({"num_format": "#,##0", "valign": "top"}),
         "title": wb.add_format({"bold": True, "font_size": 14}),
         "label": wb.add_format({"bold": True, "valign": "top"})}
    for rag, colour in PALETTE.items():
        f[f"rag-{rag}"] = wb.add_format({"bg_color": colour, "bold": rag != "unrated", "valign": "top"})
    return f


def _about(wb, content: PackContent, f: dict) -> None:
    ws = wb.add_worksheet("About")
    c = content.cover
    ws.write_string(0, 0, content.title, f["title"])
    rows = [("Board", c.board_name), ("Board short name", c.board_slug),
            ("Meeting", f"{c.meeting_title or 'Board meeting'}, {day(c.meeting_date)}" if c.meeting_date else
             "No meeting on record on or after the as-at date"),
            ("Venue", c.venue or "Not recorded"), ("Data as at", day(c.as_at)),
            ("Snapshot", f"Number {c.snapshot.id}, frozen {stamp(c.snapshot.taken_at)}"
             + (f" by {c.snapshot.taken_by}" if c.snapshot.taken_by else "") if c.snapshot else
             "Not frozen: the board's live data, not a record of what the board saw at a meeting"),
            ("Content hash", f"sha256 {c.snapshot.hash}" if c.snapshot else "None (not frozen)"),
            ("RAG", "Every RAG is written as a word (Red, Amber, Green, Not rated) beside its colour."),
            ("Sheets", ", ".join(ds.name for ds in content.datasets))]
    for i, (label, value) in enumerate(rows, start=2):
        ws.write_string(i, 0, label, f["label"])
        ws.write_string(i, 1, value, f["wrap"])
    r = len(rows) + 3
    ws.write_string(r, 0, "Sources", f["label"])
    for up in content.uploads.rows:
        file_name, kind, by, when, count, sha = up
        ws.write_string(r, 1, f"{file_name} ({kind}, {count} rows), uploaded {stamp(when)} by {by or 'unknown'}, "
                              f"sha256 {sha}", f["wrap"])
        r += 1
    if not content.uploads.rows:
        ws.write_string(r, 1, "Nothing has been uploaded.", f["wrap"])
    ws.set_column(0, 0, 20)
    ws.set_column(1, 1, 110)


def _sheet_name(name: str, taken: set[str]) -> str:
    base = "".join(ch for ch in name if ch not in "[]:*?/\\")[:SHEET_NAME_CHARS] or "Sheet"
    candidate, n = base, 2
    while candidate.lower() in {t.lower() for t in taken}:
        suffix = f" ({n})"
        candidate, n = base[:SHEET_NAME_CHARS - len(suffix)] + suffix, n + 1
    taken.add(candidate)
    return candidate


def _sheet(wb, ds: Dataset, f: dict, name: str) -> None:
    ws = wb.add_worksheet(name)
    widths = [len(c.title) + 2 for c in ds.columns]
    for col, column in enumerate(ds.columns):
        ws.write_string(0, col, column.title, f["header"])
    for r, row in enumerate(ds.rows, start=1):
        for col, (value, column) in enumerate(zip(row, ds.columns, strict=True)):
            shown = _write(ws, r, col, value, column.kind, f)
            widths[col] = max(widths[col], min(MAX_WIDTH, shown))
    ws.freeze_panes(1, 0)
    if ds.columns:
        ws.autofilter(0, 0, max(len(ds.rows), 1), len(ds.columns) - 1)
    for col, width in enumerate(widths):
        ws.set_column(col, col, width, f["wrap"] if width >= MAX_WIDTH else None)


def _write(ws, r: int, c: int, value: object, kind: str, f: dict) -> int:
    """Write one cell in its kind's format; returns about how wide it shows."""
    if value is None:
        if kind == "rag":
            ws.write_string(r, c, WORDS["unrated"], f["rag-unrated"])
            return 9
        ws.write_blank(r, c, None)
        return 0
    if kind == "rag":
        word = WORDS.get(str(value), str(value))
        ws.write_string(r, c, word, f.get(f"rag-{value}", f["text"]))
        return len(word)
    if kind == "datetime" and isinstance(value, datetime):
        ws.write_datetime(r, c, value.replace(tzinfo=None), f["datetime"])
        return 17
    if kind in ("date", "datetime") and isinstance(value, date):
        ws.write_datetime(r, c, datetime(value.year, value.month, value.day), f["date"])
        return 11
    if kind in ("money", "number", "integer") and isinstance(value, int | float) and not isinstance(value, bool):
        ws.write_number(r, c, value, f[kind])
        return len(f"{value:,.0f}") + 2
    text = str(value)
    ws.write_string(r, c, text, f["text"])  # always text: "=1+1" or "@SUM(...)" is shown, never run
    return len(text)


def _fix_zip_times(data: bytes, when: datetime) -> bytes:
    """Every entry of the .xlsx zip stamped with the pack's time (XlsxWriter uses a fixed 1980 date): the same
    content gives the same bytes, and the dates inside say when the data is from."""
    stamp_ = (max(when.year, 1980), when.month, when.day, when.hour, when.minute, when.second)
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for info in src.infolist():
            entry = zipfile.ZipInfo(info.filename, stamp_)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.external_attr = info.external_attr
            dst.writestr(entry, src.read(info.filename))
    return out.getvalue()
