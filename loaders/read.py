"""Read a tracker file into sheets of cell values.

Values come from python-calamine (fast, and it never runs macros). Cell styles, which only some
trackers need (RAG given as a fill colour, bold section rows), come from openpyxl, loaded lazily
the first time a table asks for them. CSV files are decoded as UTF-8 (with or without BOM),
UTF-16 (with or without BOM) or cp1252, in that order.

Every parse runs in a worker process with a memory and a time limit (``loaders.sandbox``): a file that
would make the reader abort or run away is refused with a sentence, and the server keeps serving. Before
the cell reader runs, each sheet's real extent is found from the cells it holds (``loaders.extent``),
never from what the file declares, and a sheet the reader could not hold is refused naming its far cell.
"""

from __future__ import annotations

import csv
import io
import itertools
import os
import re
import zipfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import PurePath, PurePosixPath
from xml.etree import ElementTree

from loaders import sandbox
from loaders.extent import (
    ExtentError,
    FastSheetScanner,
    SharedStringsScanner,
    SheetExtent,
    SheetScanner,
    cell_name,
    scan_xls,
)

# Limits that keep a hostile or broken file from exhausting the server. Set them with environment variables.
MAX_UNCOMPRESSED_BYTES = int(os.environ.get("DASHBOARD_MAX_UNCOMPRESSED_MB", "400")) * 1024 * 1024
MAX_ROWS = int(os.environ.get("DASHBOARD_MAX_ROWS", "250000"))
MAX_COLUMNS = int(os.environ.get("DASHBOARD_MAX_COLUMNS", "500"))
# The cell reader sets aside room for every cell from A1 to the farthest one, and a cell read costs up to
# about this many bytes across the reader, Python and the trip back from the worker.
BYTES_PER_CELL = 200
MAX_CELL_CHARS = 32_767  # Excel's own limit for one cell; a longer CSV field is a quote never closed
CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """The file cannot be read at all; the message says what a lead can do about it."""


@dataclass
class Sheet:
    """One sheet's cells, ``rows[r][c]`` 0-based, blanks as "" or None.

    ``errors``: cells that hold a cached formula error, as (row, col, code) with code such as "#DIV/0!",
    "#REF!" or "#N/A" (0-based, like ``rows``); the cell's value in ``rows`` is None. The reader only
    reports them: whether they are warnings is for the pipeline to say.
    ``hidden_rows``: 0-based indices of rows hidden in the workbook (.xlsx and .xls; empty for CSV).
    ``decimal_comma``: True for a CSV written with ';' between fields whose own numbers use a decimal comma
    ("1.200,50"); False for every other sheet.
    """

    name: str
    rows: list[list[object]]
    errors: list[tuple[int, int, str]] = field(default_factory=list)
    hidden_rows: set[int] = field(default_factory=set)
    decimal_comma: bool = False
    _styles: StyleSource | None = field(default=None, repr=False)
    _fills: dict[tuple[int, int], str] | None = field(default=None, repr=False)
    _bold: set[tuple[int, int]] | None = field(default=None, repr=False)
    _percent: set[tuple[int, int]] | None = field(default=None, repr=False)

    @property
    def has_styles(self) -> bool:
        return self._styles is not None

    def _load_styles(self) -> None:
        if self._fills is None:
            if self._styles is None:
                self._fills, self._bold = {}, set()
            else:
                self._fills, self._bold = self._styles()

    def fill(self, row: int, col: int) -> str | None:
        """The solid fill colour (RRGGBB) of a cell, by 0-based row and column."""
        self._load_styles()
        return self._fills.get((row, col))

    def is_bold(self, row: int, col: int) -> bool:
        self._load_styles()
        return (row, col) in self._bold

    def is_percent(self, row: int, col: int) -> bool:
        """Whether a cell's number format is a percentage (Excel stores the 90% a person sees as 0.9).

        Read the first time it is asked, from the workbook's styles and the sheet's cell style indexes only (no
        cell values), so a sheet nobody asks about costs nothing."""
        if self._percent is None:
            self._percent = self._styles.percent_cells() if self._styles is not None else set()
        return (row, col) in self._percent


@dataclass
class StyleSource:
    """Where a sheet's styles come from: read in a parse worker the first time a table asks (picklable)."""

    data: bytes = field(repr=False)
    sheet_name: str
    rows: int
    columns: int

    def __call__(self) -> tuple[dict[tuple[int, int], str], set[tuple[int, int]]]:
        try:
            answer = sandbox.default_pool().run("styles", (self.data, self.sheet_name, self.rows, self.columns))
        except sandbox.Unsafe:
            return {}, set()  # styles are a nicety; the values were read already
        return answer.value if answer.status == "ok" else ({}, set())

    def percent_cells(self) -> set[tuple[int, int]]:
        """The sheet's cells formatted as a percentage, (row, col) 0-based; read in a parse worker."""
        try:
            answer = sandbox.default_pool().run("styles", (self.data, self.sheet_name, self.rows, self.columns,
                                                           "percent"))
        except sandbox.Unsafe:
            return set()
        return answer.value if answer.status == "ok" and isinstance(answer.value, set) else set()


@dataclass
class Workbook:
    file_name: str
    file_type: str  # xlsx, xlsm, xls, ods, csv
    sheets: list[Sheet]


@dataclass(frozen=True)
class Limits:
    """The limits a worker applies: the parent's, sent with each job so both sides agree."""

    max_rows: int
    max_columns: int
    max_uncompressed: int
    max_cells: int


def current_limits() -> Limits:
    return Limits(MAX_ROWS, MAX_COLUMNS, MAX_UNCOMPRESSED_BYTES,
                  sandbox.default_pool().memory_mb * 1024 * 1024 // BYTES_PER_CELL)


def read_workbook(data: bytes, file_name: str) -> Workbook:
    """Read every sheet of a tracker file, in a parse worker. Raises ``ReadError`` with a message a lead can act on.

    The workbook returned (and each Sheet) is picklable.
    """
    if not data:
        raise ReadError("The file is empty (0 bytes). Check that the upload finished and try again.")
    pool = sandbox.default_pool()
    try:
        answer = pool.run("read", (data, file_name, current_limits()))
    except sandbox.Unsafe as exc:
        raise ReadError(_unsafe_sentence(file_name, exc.reason, pool)) from None
    if answer.status == "refused":
        raise ReadError(answer.value)
    if answer.status == "memory":
        raise ReadError(_unsafe_sentence(file_name, "memory", pool))
    if answer.status != "ok":
        raise ReadError(f"'{file_name}' could not be read ({answer.value}). Open it in Excel, save it again and "
                        "re-upload. Nothing was written.")
    workbook: Workbook = answer.value
    if workbook.file_type in ("xlsx", "xlsm"):
        for sheet in workbook.sheets:
            columns = max((len(r) for r in sheet.rows), default=0)
            sheet._styles = StyleSource(data, sheet.name, len(sheet.rows), columns)
    return workbook


def _unsafe_sentence(file_name: str, reason: str, pool: sandbox.Pool) -> str:
    lead = f"This file ('{file_name}') could not be opened safely: "
    if reason == "memory":
        why = (f"reading it needed more than the {pool.memory_mb:,} MB of memory one file may use. It may be damaged "
               "or made to overload the server; open it in Excel, delete anything outside the table, save it and "
               "upload it again.")
    elif reason == "time":
        why = (f"reading it took longer than the {pool.seconds:g} seconds one file may take. Delete anything "
               "outside the table, or split it into smaller files, and upload it again.")
    elif reason == "busy":
        why = "the server is reading other files just now. Try again in a minute."
    else:
        why = f"the reader stopped on it ({reason}). Open it in Excel, save it again and re-upload."
    return lead + why + " Nothing was written."


# --- in the worker ---------------------------------------------------------------------------------------

def parse_here(data: bytes, file_name: str, limits: Limits) -> Workbook:
    """The parse itself, run inside a worker process (``loaders.sandbox``); call ``read_workbook`` instead."""
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, file_name, suffix, limits)
    if data.startswith(OLE_MAGIC):
        return _read_ole(data, file_name, limits)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"):
        raise ReadError(
            f"'{file_name}' is named as a spreadsheet but is not one (it may be damaged, or a different "
            "file renamed). Open it in Excel, save it again as .xlsx and upload that."
        )
    return _read_csv(data, file_name, limits)


def _read_zip(data: bytes, file_name: str, suffix: str, limits: Limits) -> Workbook:
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        names = archive.namelist()
    except (zipfile.BadZipFile, EOFError, ValueError) as exc:
        raise ReadError(
            f"'{file_name}' is damaged or incomplete (the workbook's zip structure cannot be read). "
            "Save it again from Excel and re-upload."
        ) from exc
    if "xl/workbook.xml" in names:
        file_type = "xlsm" if "xl/vbaProject.bin" in names or suffix == ".xlsm" else "xlsx"
    elif "content.xml" in names and "mimetype" in names:
        file_type = "ods"
    else:
        raise ReadError(
            f"'{file_name}' is a zip file but not an Excel workbook. Upload the .xlsx, .xlsm or .csv tracker itself."
        )
    extents = inspect_zip(archive, file_name, limits)
    by_name: dict[str, SheetExtent] = {}
    if file_type != "ods":
        parts = _sheet_parts(archive)
        for part, extent in extents.items():
            sheet = parts.get(part, PurePosixPath(part).stem)
            by_name[sheet] = extent
            check_extent(extent, sheet, file_name, limits)
        for sheet, extent in by_name.items():
            if extent.uncalculated is not None:
                raise ReadError(
                    f"'{file_name}' has formulas whose results were never calculated (cell "
                    f"{cell_name(*extent.uncalculated)} of sheet '{sheet}'; it was written by a program, not saved "
                    "from Excel), so their values cannot be read. Open it in Excel, let it calculate, save it and "
                    "upload it again.")
    sheets = _calamine_sheets(data, file_name, limits, by_name)
    return Workbook(file_name, file_type, sheets)


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)


def inspect_zip(archive: zipfile.ZipFile, file_name: str, limits: Limits | None = None) -> dict[str, SheetExtent]:
    """Stream every part once, refusing what no spreadsheet program writes before anything is parsed.

    Sizes are counted as decompressed, not as the zip claims, so a bomb with lying headers is caught too.
    Returns each worksheet part's real extent, found from its cells while streaming.
    """
    limits = limits or current_limits()
    total = 0
    extents: dict[str, SheetExtent] = {}
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ReadError(f"'{file_name}' has encrypted parts. Save a copy without a password and upload that.")
        is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        scanner = FastSheetScanner() if is_sheet else None
        strings = SharedStringsScanner() if info.filename == "xl/sharedStrings.xml" else None
        tail = b""
        try:
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    total += len(chunk)
                    if total > limits.max_uncompressed:
                        raise ReadError(
                            f"'{file_name}' expands to more than {limits.max_uncompressed // (1024 * 1024):,} MB when "
                            "opened, far more than any tracker needs. It may be corrupt or hostile; it was not read.")
                    if not is_xml:
                        continue
                    window = tail + chunk
                    if b"<!" in window and _DTD.search(window):
                        raise ReadError(
                            f"'{file_name}' contains XML entity declarations, which Excel never writes (a way to make "
                            "a small file expand without end). It was not read; save it again from Excel.")
                    tail = window[-256:]
                    if scanner is not None:
                        scanner.feed(chunk)
                    elif strings is not None:
                        strings.feed(chunk)
            if scanner is not None:
                extent = scanner.close()
                extents[info.filename] = extent if extent is not None else _exact_extent(archive, info)
        except ExtentError as exc:
            raise ReadError(f"'{file_name}' is damaged (a sheet's XML cannot be read: {exc}). Save it again from "
                            "Excel and re-upload.") from exc
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            if isinstance(exc, ReadError):
                raise
            raise ReadError(
                f"'{file_name}' is damaged or incomplete ({_short(exc)}). Save it again from Excel and re-upload."
            ) from exc
        if strings is not None and strings.declared > max(2 * strings.items, 1_000_000):
            raise ReadError(
                f"'{file_name}' says it holds {strings.declared:,} different texts but holds {strings.items:,}; Excel "
                "never writes that (a way to make the reader set aside memory without end). It was not read; "
                "save it again from Excel.")
    return extents


def _exact_extent(archive: zipfile.ZipFile, info: zipfile.ZipInfo) -> SheetExtent:
    """The slower, exact walk, for sheet XML written in a way the fast scan does not assume (sizes were checked)."""
    scanner = SheetScanner()
    with archive.open(info) as part:
        while chunk := part.read(CHUNK):
            scanner.feed(chunk)
    return scanner.close()


def check_extent(extent: SheetExtent, sheet: str, file_name: str, limits: Limits) -> None:
    """Refuse a sheet too large for a tracker, or one whose grid (A1 to its far cell) the reader could not hold."""
    if extent.rows > limits.max_rows + 1:
        far = cell_name(*extent.row_cell)
        raise ReadError(
            f"Sheet '{sheet}' of '{file_name}' has {extent.rows:,} rows (its last filled cell is {far}); a tracker may "
            f"have at most {limits.max_rows:,}. Split it into smaller files, or delete the rows below the table "
            "and save it again.")
    if extent.columns > limits.max_columns:
        far = cell_name(*extent.col_cell)
        raise ReadError(
            f"Sheet '{sheet}' of '{file_name}' has {extent.columns:,} columns (its last filled cell is {far}); a "
            f"tracker may have at most {limits.max_columns}. Delete unused columns to the right of the table and "
            "save it again.")
    if extent.grid > limits.max_cells:
        far = cell_name(*extent.far_cell())
        if extent.cells * 4 < extent.grid:
            raise ReadError(
                f"Sheet '{sheet}' of '{file_name}' holds {extent.cells:,} filled cells but reaches cell {far}, so "
                f"reading it would set aside room for {extent.grid:,} cells, more than the {limits.max_cells:,} one "
                f"file may use. Delete the stray cell at {far} (and anything else far outside the table), save it "
                "and upload it again.")
        raise ReadError(
            f"Sheet '{sheet}' of '{file_name}' has {extent.rows:,} rows by {extent.columns:,} columns "
            f"({extent.grid:,} cells, up to {far}), more than the {limits.max_cells:,} one file may use. Split it into "
            "smaller files and upload them one at a time.")


_REL_NS = "{http://schemas.openxmlformats.org/officeDocument/2006/relationships}id"


def _sheet_parts(archive: zipfile.ZipFile) -> dict[str, str]:
    """Worksheet part -> sheet name, from the workbook and its relationships (already checked for entities)."""
    try:
        book = ElementTree.fromstring(archive.read("xl/workbook.xml"))
        rels = ElementTree.fromstring(archive.read("xl/_rels/workbook.xml.rels"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return {}
    targets = {}
    for rel in rels:
        target = rel.get("Target", "")
        part = target.lstrip("/") if target.startswith("/") else f"xl/{target}"
        targets[rel.get("Id")] = str(PurePosixPath(part))
    out = {}
    for sheet in book.iter():
        if sheet.tag.rpartition("}")[2] == "sheet" and sheet.get(_REL_NS) in targets:
            out[targets[sheet.get(_REL_NS)]] = sheet.get("name", "")
    return out


def _read_ole(data: bytes, file_name: str, limits: Limits) -> Workbook:
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data[:200_000]:
        raise ReadError(
            f"'{file_name}' is password-protected. Save a copy without a password (File > Info > "
            "Protect Workbook) and upload that."
        )
    try:
        scanned = scan_xls(data)
    except ExtentError as exc:
        raise ReadError(f"'{file_name}' could not be read as a workbook ({exc}). Open it in Excel, save it again "
                        "as .xlsx and re-upload.") from exc
    by_name = {}
    for sheet in scanned:
        check_extent(sheet.extent, sheet.name, file_name, limits)
        by_name[sheet.name] = sheet.extent
    return Workbook(file_name, "xls", _calamine_sheets(data, file_name, limits, by_name))


def _calamine_sheets(data: bytes, file_name: str, limits: Limits, extents: dict[str, SheetExtent]) -> list[Sheet]:
    import python_calamine

    try:
        wb = python_calamine.CalamineWorkbook.from_filelike(io.BytesIO(data))
    except python_calamine.PasswordError as exc:
        raise ReadError(f"'{file_name}' is password-protected. Save a copy without a password and upload that.") from exc
    except Exception as exc:  # calamine raises several error types for damaged files
        raise ReadError(
            f"'{file_name}' could not be read as a workbook ({_short(exc)}). Open it in Excel, save it again "
            "and re-upload."
        ) from exc
    sheets = []
    try:
        for meta in wb.sheets_metadata:
            if str(meta.typ).lower().endswith("chartsheet"):
                continue
            sheet = wb.get_sheet_by_name(meta.name)
            if sheet.height > limits.max_rows + 1:
                raise ReadError(
                    f"Sheet '{meta.name}' has {sheet.height:,} rows; a tracker may have at most {limits.max_rows:,}. "
                    "Split it into smaller files or remove empty rows at the bottom."
                )
            if sheet.width > limits.max_columns:
                raise ReadError(
                    f"Sheet '{meta.name}' has {sheet.width:,} columns; a tracker may have at most "
                    f"{limits.max_columns}. Delete unused columns to the right of the table."
                )
            end = sheet.end
            if end is not None and (end[0] + 1) * (end[1] + 1) > limits.max_cells:
                raise ReadError(
                    f"Sheet '{meta.name}' of '{file_name}' reaches cell {cell_name(*end)}, more than the "
                    f"{limits.max_cells:,} cells one file may use. Delete anything far outside the table and re-upload.")
            rows = sheet.to_python(skip_empty_area=False) if end is not None else []
            result = Sheet(meta.name, rows)
            extent = extents.get(meta.name)
            if extent is not None:
                result.hidden_rows = set(extent.hidden_rows)
                for r, c, code in extent.errors:
                    if r < len(rows) and c < len(rows[r]):
                        rows[r][c] = None
                        result.errors.append((r, c, code))
            sheets.append(result)
    except ReadError:
        raise
    except Exception as exc:
        raise ReadError(
            f"'{file_name}' could not be read ({_short(exc)}). Open it in Excel, save it again and re-upload."
        ) from exc
    return sheets


def _short(exc: Exception) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


# Default Office theme colours, for fills given as a theme index (tints ignored).
_THEME = ["FFFFFF", "000000", "E7E6E6", "44546A", "4472C4", "ED7D31", "A5A5A5", "FFC000", "5B9BD5", "70AD47"]
MAX_STYLED_CELLS = 1_000_000  # past this many styled cells a sheet's styles are not worth the memory


def styles_here(data: bytes, sheet_name: str, rows: int, columns: int, what: str = "styles") -> tuple[dict, set] | set:
    """Fills and bold cells of one sheet, within its values' extent; run inside a worker (see ``StyleSource``).
    With ``what="percent"``, the cells whose number format is a percentage instead."""
    if what == "percent":
        return percent_cells_here(data, sheet_name, rows, columns)
    import openpyxl
    from openpyxl.styles.colors import COLOR_INDEX

    fills: dict[tuple[int, int], str] = {}
    bold: set[tuple[int, int]] = set()
    if rows == 0 or columns == 0:
        return fills, bold
    try:
        wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception:  # styles are a nicety; values were already read by calamine
        return fills, bold
    try:
        ws = wb[sheet_name]
        for r, cells in enumerate(ws.iter_rows(min_row=1, max_row=rows, min_col=1, max_col=columns)):
            for c, cell in enumerate(cells):
                if getattr(cell, "value", None) is None and not hasattr(cell, "coordinate"):
                    continue  # an EmptyCell padding the row
                if cell.font is not None and cell.font.b:
                    bold.add((r, c))
                fill = cell.fill
                if fill is None or fill.fill_type not in ("solid", "darkGrid", "lightGrid"):
                    continue
                color = fill.fgColor
                rgb = None
                if color.type == "rgb" and isinstance(color.rgb, str):
                    rgb = color.rgb[-6:]
                elif color.type == "indexed" and color.indexed is not None and color.indexed < len(COLOR_INDEX):
                    rgb = COLOR_INDEX[color.indexed][-6:]
                elif color.type == "theme" and color.theme is not None and color.theme < len(_THEME):
                    rgb = _THEME[color.theme]
                if rgb:
                    fills[(r, c)] = rgb.upper()
            if len(fills) + len(bold) > MAX_STYLED_CELLS:
                return {}, set()
    except Exception:
        return fills, bold
    finally:
        wb.close()
    return fills, bold


# Excel's built-in percentage formats (0% and 0.00%); a workbook's own formats are read from its styles.
_BUILTIN_PERCENT = frozenset({9, 10})
_CELL_TAG = re.compile(rb"<(?:\w+:)?c\b[^>]*>")
_CELL_REF = re.compile(rb'\br="([A-Z]{1,3})(\d+)"')
_CELL_STYLE = re.compile(rb'\bs="(\d+)"')
_QUOTED = re.compile(r'"[^"]*"|\\.|\[[^\]]*\]')


def _percent_styles(archive: zipfile.ZipFile) -> set[int]:
    """The cell style indexes (``s="N"``) whose number format shows a percentage."""
    try:
        root = ElementTree.fromstring(archive.read("xl/styles.xml"))
    except (KeyError, ElementTree.ParseError, zipfile.BadZipFile, OSError, ValueError):
        return set()
    formats = set(_BUILTIN_PERCENT)
    xfs: list = []
    for el in root.iter():
        tag = el.tag.rpartition("}")[2]
        if tag == "numFmt" and "%" in _QUOTED.sub("", el.get("formatCode", "")):
            formats.add(int(el.get("numFmtId", "-1")))
        elif tag == "cellXfs":
            xfs = [x for x in el if x.tag.rpartition("}")[2] == "xf"]
    return {i for i, xf in enumerate(xfs) if int(xf.get("numFmtId", "0")) in formats}


def percent_cells_here(data: bytes, sheet_name: str, rows: int, columns: int) -> set[tuple[int, int]]:
    """Cells of one sheet formatted as a percentage, found by streaming the sheet's XML for cell style indexes:
    no values are parsed, and a workbook with no percentage style costs one read of its styles part."""
    out: set[tuple[int, int]] = set()
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        styles = _percent_styles(archive)
        part = next((p for p, name in _sheet_parts(archive).items() if name == sheet_name), None)
        if not styles or part is None:
            return out
        wanted = {str(i).encode() for i in styles}
        tail = b""
        with archive.open(part) as stream:
            while chunk := stream.read(CHUNK):
                window = tail + chunk
                cut = window.rfind(b"<")
                body, tail = (window[:cut], window[cut:]) if cut > 0 else (window, b"")
                for tag in _CELL_TAG.finditer(body):
                    style = _CELL_STYLE.search(tag.group())
                    if style is None or style.group(1) not in wanted:
                        continue
                    ref = _CELL_REF.search(tag.group())
                    if ref is None:
                        continue
                    col = 0
                    for ch in ref.group(1):
                        col = col * 26 + ch - 64
                    r, c = int(ref.group(2)) - 1, col - 1
                    if r < rows and c < columns:
                        out.add((r, c))
                if len(out) > MAX_STYLED_CELLS:
                    return set()
    except (zipfile.BadZipFile, OSError, ValueError, KeyError):
        return set()
    return out


# --- CSV ---------------------------------------------------------------------------------------------------

DELIMITERS = ",;\t|"
_SEP_LINE = re.compile(r"\A\ufeff?sep=(.)\r?\n?", re.IGNORECASE)


def _read_csv(data: bytes, file_name: str, limits: Limits) -> Workbook:
    text = decode_text(data, file_name)
    if "\x00" in text:
        raise ReadError(f"'{file_name}' is not a spreadsheet or a CSV file. Upload the tracker as .xlsx, .xlsm or .csv.")
    sep = _SEP_LINE.match(text)  # Excel's "sep=;" first line names the delimiter
    if sep and sep.group(1) in DELIMITERS:
        delimiter, text = sep.group(1), text[sep.end():]
    else:
        delimiter = sniff_delimiter(text)
    # The whole text is in memory already; a field may be as long as it (the length is checked per row below).
    csv.field_size_limit(max(csv.field_size_limit(), len(text) + 1))
    rows: list[list[object]] = []
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, quotechar='"', doublequote=True,
                        skipinitialspace=_space_after(text, delimiter), strict=False)
    try:
        for row in reader:
            rows.append(row)
            if len(rows) > limits.max_rows + 1:
                raise ReadError(f"'{file_name}' has more than {limits.max_rows + 1:,} rows; a tracker may have at most "
                                f"{limits.max_rows:,}. Split it into smaller files.")
            if len(row) > limits.max_columns:
                raise ReadError(f"'{file_name}' has more than {limits.max_columns} columns (row {len(rows)} has "
                                f"{len(row):,}); delete unused columns and re-upload.")
            if row and max(map(len, row)) > MAX_CELL_CHARS:
                col = next(i for i, v in enumerate(row) if len(v) > MAX_CELL_CHARS)
                raise ReadError(
                    f"Row {len(rows)} of '{file_name}' has a cell (column {col + 1}) of {len(row[col]):,} characters, "
                    f"longer than a spreadsheet cell can hold ({MAX_CELL_CHARS:,}). A quote mark (\") that is never "
                    f"closed usually causes this: check the quotes in row {len(rows)}, save it again and re-upload.")
    except csv.Error as exc:
        raise ReadError(f"'{file_name}' could not be read as CSV near row {len(rows) + 1} ({exc}). Save it again as "
                        "CSV from Excel and re-upload.") from exc
    sheet = Sheet(PurePath(file_name).stem or "CSV", rows, decimal_comma=delimiter == ";" and decimal_comma(rows))
    return Workbook(file_name, "csv", [sheet])


def sniff_delimiter(text: str, records: int = 200) -> str:
    """The delimiter that splits the first records most consistently into two or more fields.

    Only the delimiter is guessed: quoting is always the standard one (a doubled quote inside quotes), so a
    quote far down the file parses the same way as one near the top.
    """
    best, best_score = ",", (0, 0)
    for delimiter in DELIMITERS:
        if delimiter not in text[:200_000]:
            continue
        reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=False)
        try:
            widths = [len(r) for r in itertools.islice(reader, records) if any(v.strip() for v in r)]
        except csv.Error:
            continue
        counts = Counter(w for w in widths if w >= 2)
        if not counts:
            continue
        width, rows = max(counts.items(), key=lambda item: (item[1], item[0]))
        if (rows, width) > best_score:
            best, best_score = delimiter, (rows, width)
    return best


def _space_after(text: str, delimiter: str) -> bool:
    """Whether fields are written 'a, "b, c"': a space after most delimiters, so a quote after it still quotes."""
    sample = text[:200_000]
    return sample.count(delimiter + " ") * 2 > sample.count(delimiter) > 0


_NUMBER = re.compile(r"\d[\d.,]*")
_COMMA_DECIMAL = re.compile(r"\d{1,3}(\.\d{3})*,\d+|\d+,(\d{1,2}|\d{4,})")
_DOT_GROUPS = re.compile(r"\d{1,3}(\.\d{3}){2,}")  # 1.200.000: dots that can only be thousands
_DOT_AMBIGUOUS = re.compile(r"\d{1,3}\.\d{3}")  # 35.000: thousands with a decimal comma, else 35
_DOT_DECIMAL = re.compile(r"\d{1,3}(,\d{3})+\.\d+|\d+\.(\d{1,2}|\d{4,})")


def decimal_comma(rows: list[list[object]]) -> bool:
    """Whether the file's own numbers use a decimal comma (1.200,50): some do, none reads as a decimal point."""
    for_comma = against = ambiguous = 0
    for row in rows:
        for value in row:
            if not isinstance(value, str) or not value:
                continue
            s = value.strip().strip("£€$%()+-\u2212 ").replace(" ", "").replace("\u00a0", "")
            if not s or not _NUMBER.fullmatch(s):
                continue
            if _COMMA_DECIMAL.fullmatch(s) or _DOT_GROUPS.fullmatch(s):
                for_comma += 1
            elif _DOT_DECIMAL.fullmatch(s):
                against += 1
            elif _DOT_AMBIGUOUS.fullmatch(s):
                ambiguous += 1
    return against == 0 and (for_comma + ambiguous) > 0


def decode_text(data: bytes, file_name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return _utf16(data, "utf-16", file_name)
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    # UTF-16 without a byte-order mark: text in the Latin range has a NUL in every other byte.
    even, odd = data[0:4000:2], data[1:4000:2]
    if odd.count(0) > len(odd) * 0.9 and even.count(0) < len(even) * 0.1:
        return _utf16(data, "utf-16-le", file_name)
    if even.count(0) > len(even) * 0.9 and odd.count(0) < len(odd) * 0.1:
        return _utf16(data, "utf-16-be", file_name)
    if data.count(b"\x00") > len(data) // 4:
        raise ReadError(f"'{file_name}' is not a spreadsheet or a CSV file. Upload the tracker as .xlsx, .xlsm or .csv.")
    return data.decode("cp1252", errors="replace")


def _utf16(data: bytes, codec: str, file_name: str) -> str:
    if len(data) % 2:
        data = data[:-1]  # a stray byte at the end (a cut-off save, or a newline added by another program)
    try:
        return data.decode(codec)
    except UnicodeDecodeError as exc:
        raise ReadError(
            f"'{file_name}' is not valid UTF-16 text (it is damaged at byte {exc.start:,}). Open it in Excel, save it "
            "as 'CSV UTF-8' and upload that.") from exc
