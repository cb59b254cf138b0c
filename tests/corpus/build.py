"""Write the bad-input corpus: files a lead (or an attacker) might upload, and what must happen to each.

Run ``python tests/corpus/build.py`` to write them again. ``EXPECTED`` says, per file, whether it must be
refused (with words the message must contain) or read (with the number of rows it holds).
The encrypted workbook needs msoffcrypto-tool, which the test extras install.
"""

from __future__ import annotations

import io
import sys
import zipfile
from pathlib import Path

import openpyxl
import xlsxwriter

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))
from killers import KILLERS  # noqa: E402 - the small files that once took the server down (tests/killers.py)

# file -> ("refused", words in the message) or ("read", rows)
EXPECTED: dict[str, tuple[str, object]] = {
    "not-a-workbook.xlsx": ("refused", "is not one"),
    "truncated.xlsx": ("refused", "damaged or incomplete"),
    "zip-bomb.xlsx": ("refused", "expands to more than"),
    "billion-laughs.xlsx": ("refused", "entity declarations"),
    "encrypted.xlsx": ("refused", "password-protected"),
    "macro.xlsm": ("read", 2),
    "million-rows.xlsx": ("refused", "1,000,001 rows"),
    "wide-16000-columns.xlsx": ("refused", "16,000 columns"),
    "formulas-without-values.xlsx": ("refused", "never calculated"),
    "cp1252.csv": ("read", 2),
    "utf16.csv": ("read", 2),
    "header-only.xlsx": ("refused", "no rows of data"),
    "wrong-kind.xlsx": ("refused", "does not look like a risk register"),
    "script-and-markdown.xlsx": ("read", 3),
    "empty.csv": ("refused", "empty"),
    "image.png": ("refused", "not a spreadsheet"),
    **{name: ("refused", words) for name, (_make, words) in KILLERS.items()},
}
# The kind each file is imported as (None: detected).
KIND = {"wrong-kind.xlsx": "risks"}


def _workbook(rows: list[list[object]], sheet: str = "Tracker") -> bytes:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = sheet
    for row in rows:
        ws.append(row)
    buffer = io.BytesIO()
    wb.save(buffer)
    return buffer.getvalue()


MILESTONES = [["Milestone", "Due"], ["Open the hub", "Jan 17"], ["Recruit staff", "Mar 17"]]


def _rewrite(data: bytes, replace: dict[str, bytes], add: dict[str, bytes] | None = None) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as src, zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as dst:
        for item in src.infolist():
            dst.writestr(item.filename, replace.get(item.filename, src.read(item.filename)))
        for name, content in (add or {}).items():
            dst.writestr(name, content)
    return out.getvalue()


def build() -> None:
    w = {}
    w["not-a-workbook.xlsx"] = b"Minutes of the meeting held on 28 June 2016.\nApologies: none.\n"
    good = _workbook(MILESTONES)
    w["truncated.xlsx"] = good[: len(good) // 2]

    # 1 GB of sheet XML that deflates to about 1 MB.
    bomb = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(good)) as src, zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED,
                                                                   compresslevel=9) as dst:
        for item in src.infolist():
            if item.filename == "xl/worksheets/sheet1.xml":
                with dst.open("xl/worksheets/sheet1.xml", "w", force_zip64=True) as part:
                    part.write(b'<?xml version="1.0"?><worksheet xmlns="http://schemas.openxmlformats.org/'
                               b'spreadsheetml/2006/main"><sheetData>')
                    block = b" " * (1024 * 1024)
                    for _ in range(1024):
                        part.write(block)
                    part.write(b"</sheetData></worksheet>")
            else:
                dst.writestr(item.filename, src.read(item.filename))
    w["zip-bomb.xlsx"] = bomb.getvalue()

    entities = b"".join(b'<!ENTITY lol%d "%s">' % (i, (b"&lol%d;" % (i - 1) if i > 1 else b"lol") * 10)
                        for i in range(1, 10))
    with zipfile.ZipFile(io.BytesIO(good)) as src:
        sheet = src.read("xl/worksheets/sheet1.xml")
    head, body = sheet.split(b"?>", 1) if sheet.startswith(b"<?xml") else (b'<?xml version="1.0"', sheet)
    laughs = head + b"?><!DOCTYPE worksheet [" + entities + b"]>" + body.replace(b"Open the hub", b"&lol9;")
    w["billion-laughs.xlsx"] = _rewrite(good, {"xl/worksheets/sheet1.xml": laughs})

    from msoffcrypto.format.ooxml import OOXMLFile

    encrypted = io.BytesIO()
    office = OOXMLFile(io.BytesIO(good))
    office.encrypt("board-secret", encrypted)
    w["encrypted.xlsx"] = encrypted.getvalue()

    macro = _rewrite(good, {}, {"xl/vbaProject.bin": b"Attribute VB_Name = \"Module1\"\nSub Auto_Open()\n"
                                                    b"  Shell \"cmd /c echo owned\"\nEnd Sub\n"})
    w["macro.xlsm"] = macro

    big = io.BytesIO()
    wb = xlsxwriter.Workbook(big, {"in_memory": True, "constant_memory": False})
    ws = wb.add_worksheet("Tracker")
    ws.write_row(0, 0, ["Milestone", "Due"])
    ws.write(1_000_000, 0, "Far down")
    wb.close()
    w["million-rows.xlsx"] = big.getvalue()

    wide = io.BytesIO()
    wb = xlsxwriter.Workbook(wide, {"in_memory": True})
    ws = wb.add_worksheet("Tracker")
    ws.write_row(0, 0, ["Milestone", "Due"])
    ws.write(1, 15_999, "Far right")
    wb.close()
    w["wide-16000-columns.xlsx"] = wide.getvalue()

    formulas = openpyxl.Workbook()
    ws = formulas.active
    ws.append(["Budget line", "Q1", "Q2", "Allocated"])
    ws.append(["Posts", 100, 200, "=B2+C2"])
    buffer = io.BytesIO()
    formulas.save(buffer)
    w["formulas-without-values.xlsx"] = buffer.getvalue()

    w["cp1252.csv"] = "Cost,Amount\r\nCafé lease,\"£1,200\"\r\nPosts,\"£35,000\"\r\n".encode("cp1252")
    w["utf16.csv"] = "Risk\tLikelihood\tImpact\r\nCafé closes\tHigh\tLow\r\nStaff leave\tMed\tMed\r\n".encode("utf-16")
    w["header-only.xlsx"] = _workbook([["Milestone", "Start", "Due", "Owner"]])
    w["wrong-kind.xlsx"] = _workbook(MILESTONES)
    # Typed text that looks like markup or a formula (xlsxwriter's write_string keeps "=..." as text).
    typed = io.BytesIO()
    wb = xlsxwriter.Workbook(typed, {"in_memory": True})
    ws = wb.add_worksheet("Tracker")
    for r, row in enumerate([
        ["Milestone", "Due", "Owner"],
        ["<script>alert('board')</script>Open the hub", "Jan 17", "<img src=x onerror=alert(1)>"],
        ["**Recruit** [staff](javascript:alert(1)) $x^2$", "Mar 17", "=HYPERLINK(\"http://evil\",\"click\")"],
        ["# Heading <b>bold</b>", "Apr 17", "@SUM(A1)"],
    ]):
        for c, value in enumerate(row):
            ws.write_string(r, c, value)
    wb.close()
    w["script-and-markdown.xlsx"] = typed.getvalue()
    w["empty.csv"] = b""
    w["image.png"] = b"\x89PNG\r\n\x1a\n" + b"\x00" * 64
    for name, (make, _words) in KILLERS.items():
        w[name] = make()
    for name, content in w.items():
        (HERE / name).write_bytes(content)


if __name__ == "__main__":
    build()
    print(f"Corpus written to {HERE}")
