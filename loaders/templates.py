"""Blank tracker templates a lead can download from the upload page, one per kind (``TrackerKind.template``)."""

from __future__ import annotations

import io

import xlsxwriter

from loaders.kinds import TrackerKind


def template_bytes(kind: TrackerKind) -> bytes:
    """A blank workbook for ``kind``: headers, one example row (in grey, delete it) and notes."""
    spec = kind.template
    buffer = io.BytesIO()
    wb = xlsxwriter.Workbook(buffer, {"in_memory": True})
    ws = wb.add_worksheet(spec.sheet)
    head = wb.add_format({"bold": True, "bg_color": "#DCE6F1", "border": 1, "text_wrap": True})
    example = wb.add_format({"font_color": "#7F7F7F", "italic": True})
    ws.write_row(0, 0, spec.headers, head)
    ws.write_row(1, 0, spec.example, example)
    ws.set_column(0, len(spec.headers) - 1, 22)
    ws.freeze_panes(1, 0)
    notes = wb.add_worksheet("How to fill this in")
    notes.set_column(0, 0, 120)
    notes.write(0, 0, f"{spec.sheet} template", wb.add_format({"bold": True, "font_size": 14}))
    wrap = wb.add_format({"text_wrap": True, "valign": "top"})
    for i, line in enumerate([*spec.notes, "Delete the grey example row before uploading."], start=2):
        notes.write(i, 0, line, wrap)
    wb.close()
    return buffer.getvalue()
