"""Small files that once took the whole server down, written byte by byte so each says exactly what it should.

Each lies about its size, or tells the truth about a size no reader should set aside memory for. They are
used by the reader tests, the browser test and the bad-input corpus (tests/corpus/build.py).
"""

from __future__ import annotations

import io
import zipfile

MAIN = b"http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_TYPES = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
          b'<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
          b'<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
          b'<Default Extension="xml" ContentType="application/xml"/>'
          b'<Override PartName="/xl/workbook.xml" '
          b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
          b'<Override PartName="/xl/worksheets/sheet1.xml" '
          b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
          b'%s</Types>')
_STRINGS_TYPE = (b'<Override PartName="/xl/sharedStrings.xml" '
                 b'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>')
_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
         b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
         b'officeDocument" Target="xl/workbook.xml"/></Relationships>')
_BOOK = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
         b'<workbook xmlns="' + MAIN + b'" xmlns:r="http://schemas.openxmlformats.org/officeDocument/2006/relationships">'
         b'<sheets><sheet name="%s" sheetId="1" r:id="rId1"/></sheets></workbook>')
_BOOK_RELS = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              b'<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
              b'<Relationship Id="rId1" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
              b'worksheet" Target="worksheets/sheet1.xml"/>%s</Relationships>')
_STRINGS_REL = (b'<Relationship Id="rId2" Type="http://schemas.openxmlformats.org/officeDocument/2006/relationships/'
                b'sharedStrings" Target="sharedStrings.xml"/>')


def text_cell(ref: str, text: str) -> bytes:
    return f'<c r="{ref}" t="inlineStr"><is><t>{text}</t></is></c>'.encode()


HEADER = b'<row r="1">' + text_cell("A1", "Milestone") + text_cell("B1", "Due") + b"</row>"
FIRST = b'<row r="2">' + text_cell("A2", "Open the hub") + text_cell("B2", "Jan 17") + b"</row>"


def raw_xlsx(sheet_data: bytes, *, dimension: str | None = None, shared_strings: bytes | None = None,
             sheet: str = "Tracker") -> bytes:
    """A workbook of one sheet whose <sheetData> is ``sheet_data`` exactly, as a hostile writer would make it."""
    dim = f'<dimension ref="{dimension}"/>'.encode() if dimension else b""
    part = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<worksheet xmlns="' + MAIN + b'">' + dim
            + b"<sheetData>" + sheet_data + b"</sheetData></worksheet>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _TYPES % (_STRINGS_TYPE if shared_strings else b""))
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _BOOK % sheet.encode())
        z.writestr("xl/_rels/workbook.xml.rels", _BOOK_RELS % (_STRINGS_REL if shared_strings else b""))
        z.writestr("xl/worksheets/sheet1.xml", part)
        if shared_strings:
            z.writestr("xl/sharedStrings.xml", shared_strings)
    return out.getvalue()


FAR = b'<row r="1048576"><c r="XFD1048576"><v>1</v></c></row>'


def no_dimension_far_cell() -> bytes:
    """No <dimension>, a header, and one cell at XFD1048576: the reader would set aside 512 GB."""
    return raw_xlsx(HEADER + FIRST + FAR)


def false_dimension() -> bytes:
    """A <dimension> saying A1:B2, and a cell at XFD1048576 all the same."""
    return raw_xlsx(HEADER + FIRST + FAR, dimension="A1:B2")


def honest_huge_extent() -> bytes:
    """Within the row and column limits (250,001 x 500), saying so honestly, but holding five cells: 5 GB to read."""
    far = b'<row r="250001"><c r="SF250001"><v>1</v></c></row>'
    return raw_xlsx(HEADER + FIRST + far, dimension="A1:SF250001")


def shared_strings_lie() -> bytes:
    """A shared-strings table that claims four thousand million strings: the reader sets aside room for them."""
    strings = (b'<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n<sst xmlns="' + MAIN
               + b'" count="4000000000" uniqueCount="4000000000"><si><t>Milestone</t></si><si><t>Due</t></si></sst>')
    cells = b'<row r="1"><c r="A1" t="s"><v>0</v></c><c r="B1" t="s"><v>1</v></c></row>'
    return raw_xlsx(cells, shared_strings=strings)


def far_cell_xls() -> bytes:
    """A .xls (BIFF8) with a header and one cell at row 65536, column 256 (IV65536): 16.7 million cells to hold."""
    import xlwt

    book = xlwt.Workbook()
    sheet = book.add_sheet("Tracker")
    sheet.write(0, 0, "Milestone")
    sheet.write(0, 1, "Due")
    sheet.write(1, 0, "Open the hub")
    sheet.write(1, 1, "Jan 17")
    sheet.write(65535, 255, "far away")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def ods_memory() -> bytes:
    """An OpenDocument sheet of one cell repeated 5,000 x 5,000 times: 1.5 KB that needs gigabytes to read.

    No extent scan covers .ods, so this one is stopped by the parse worker's memory limit.
    """
    cell = b'<table:table-cell office:value-type="string"><text:p>x</text:p></table:table-cell>'
    rows = (b"<table:table-row>" + cell + b"</table:table-row>"
            b'<table:table-row table:number-rows-repeated="5000"><table:table-cell table:number-columns-repeated="5000"'
            b' office:value-type="string"><text:p>x</text:p></table:table-cell></table:table-row>')
    return ods(rows)


def ods(rows_xml: bytes) -> bytes:
    content = (b'<?xml version="1.0" encoding="UTF-8"?><office:document-content '
               b'xmlns:office="urn:oasis:names:tc:opendocument:xmlns:office:1.0" '
               b'xmlns:table="urn:oasis:names:tc:opendocument:xmlns:table:1.0" '
               b'xmlns:text="urn:oasis:names:tc:opendocument:xmlns:text:1.0" office:version="1.2">'
               b'<office:body><office:spreadsheet><table:table table:name="Tracker">' + rows_xml
               + b"</table:table></office:spreadsheet></office:body></office:document-content>")
    manifest = (b'<?xml version="1.0" encoding="UTF-8"?><manifest:manifest '
                b'xmlns:manifest="urn:oasis:names:tc:opendocument:xmlns:manifest:1.0" manifest:version="1.2">'
                b'<manifest:file-entry manifest:full-path="/" '
                b'manifest:media-type="application/vnd.oasis.opendocument.spreadsheet"/>'
                b'<manifest:file-entry manifest:full-path="content.xml" manifest:media-type="text/xml"/>'
                b"</manifest:manifest>")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr(zipfile.ZipInfo("mimetype"), b"application/vnd.oasis.opendocument.spreadsheet")
        z.writestr("META-INF/manifest.xml", manifest)
        z.writestr("content.xml", content)
    return out.getvalue()


# file name -> (maker, words the refusal must contain)
KILLERS = {
    "no-dimension-far-cell.xlsx": (no_dimension_far_cell, "has 1,048,576 rows (its last filled cell is XFD1048576)"),
    "false-dimension.xlsx": (false_dimension, "has 1,048,576 rows (its last filled cell is XFD1048576)"),
    "honest-huge-extent.xlsx": (honest_huge_extent, "reaches cell SF250001"),
    "far-cell.xls": (far_cell_xls, "reaches cell IV65536"),
    "shared-strings-lie.xlsx": (shared_strings_lie, "says it holds 4,000,000,000 different texts"),
    "repeated-cells.ods": (ods_memory, "could not be opened safely"),
}
