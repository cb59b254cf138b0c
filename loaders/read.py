"""Read a tracker file into sheets of cell values.

Values come from python-calamine (fast, and it never runs macros). Cell styles, which only some
trackers need (RAG given as a fill colour, bold section rows), come from openpyxl, loaded lazily
the first time a table asks for them. CSV files are decoded as UTF-8 (with or without BOM),
UTF-16 (with BOM) or cp1252, in that order.
"""

from __future__ import annotations

import csv
import io
import os
import re
import zipfile
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import PurePath

import python_calamine

# Limits that keep a hostile or broken file from exhausting the server. Set them with environment variables.
MAX_UNCOMPRESSED_BYTES = int(os.environ.get("DASHBOARD_MAX_UNCOMPRESSED_MB", "400")) * 1024 * 1024
MAX_ROWS = int(os.environ.get("DASHBOARD_MAX_ROWS", "250000"))
MAX_COLUMNS = int(os.environ.get("DASHBOARD_MAX_COLUMNS", "500"))
CHUNK = 1024 * 1024

ZIP_MAGIC = b"PK\x03\x04"
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"


class ReadError(Exception):
    """The file cannot be read at all; the message says what a lead can do about it."""


@dataclass
class Sheet:
    name: str
    rows: list[list[object]]
    _styles: Callable[[], tuple[dict, set]] | None = field(default=None, repr=False)
    _fills: dict[tuple[int, int], str] | None = field(default=None, repr=False)
    _bold: set[tuple[int, int]] | None = field(default=None, repr=False)

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


@dataclass
class Workbook:
    file_name: str
    file_type: str  # xlsx, xlsm, xls, ods, csv
    sheets: list[Sheet]


def read_workbook(data: bytes, file_name: str) -> Workbook:
    """Read every sheet of a tracker file. Raises ``ReadError`` with a message a lead can act on."""
    if not data:
        raise ReadError("The file is empty (0 bytes). Check that the upload finished and try again.")
    suffix = PurePath(file_name).suffix.lower()
    if data.startswith(ZIP_MAGIC):
        return _read_zip(data, file_name, suffix)
    if data.startswith(OLE_MAGIC):
        return _read_ole(data, file_name)
    if suffix in (".xlsx", ".xlsm", ".xls", ".ods", ".xlsb"):
        raise ReadError(
            f"'{file_name}' is named as a spreadsheet but is not one (it may be damaged, or a different "
            "file renamed). Open it in Excel, save it again as .xlsx and upload that."
        )
    return _read_csv(data, file_name)


def _read_zip(data: bytes, file_name: str, suffix: str) -> Workbook:
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
    inspect_zip(archive, file_name)
    sheets = _calamine_sheets(data, file_name)
    if file_type in ("xlsx", "xlsm"):
        for sheet in sheets:
            sheet._styles = _style_loader(data, sheet.name)
    return Workbook(file_name, file_type, sheets)


_DTD = re.compile(rb"<!(DOCTYPE|ENTITY)", re.IGNORECASE)
_DIMENSION = re.compile(rb'<dimension ref="[A-Z]+\d+:([A-Z]+)(\d+)"')
# A formula cell with no cached result: <c><f>...</f></c>, <c><f>...</f><v></v></c> or a shared <f .../>.
_FORMULA_NO_VALUE = re.compile(rb"(</f>|<f [^>]*/>)\s*(<v>\s*</v>|<v\s*/>)?\s*</c>")


def inspect_zip(archive: zipfile.ZipFile, file_name: str) -> None:
    """Stream every part once, refusing what no spreadsheet program writes before anything is parsed.

    Sizes are counted as decompressed, not as the zip claims, so a bomb with lying headers is caught too.
    """
    total = 0
    for info in archive.infolist():
        if info.flag_bits & 0x1:
            raise ReadError(f"'{file_name}' has encrypted parts. Save a copy without a password and upload that.")
        is_xml = info.filename.endswith((".xml", ".rels", ".vml"))
        is_sheet = info.filename.startswith("xl/worksheets/") and info.filename.endswith(".xml")
        tail = b""
        first = True
        try:
            with archive.open(info) as part:
                while chunk := part.read(CHUNK):
                    total += len(chunk)
                    if total > MAX_UNCOMPRESSED_BYTES:
                        raise ReadError(
                            f"'{file_name}' expands to more than {MAX_UNCOMPRESSED_BYTES // (1024 * 1024):,} MB when "
                            "opened, far more than any tracker needs. It may be corrupt or hostile; it was not read.")
                    if not is_xml:
                        continue
                    window = tail + chunk
                    if b"<!" in window and _DTD.search(window):
                        raise ReadError(
                            f"'{file_name}' contains XML entity declarations, which Excel never writes (a way to make "
                            "a small file expand without end). It was not read; save it again from Excel.")
                    if is_sheet:
                        if first:
                            _check_dimension(window, info.filename, file_name)
                        if b"<f" in window and _FORMULA_NO_VALUE.search(window):
                            raise ReadError(
                                f"'{file_name}' has formulas whose results were never calculated (it was written by a "
                                "program, not saved from Excel), so their values cannot be read. Open it in Excel, "
                                "let it calculate, save it and upload it again.")
                    tail = window[-256:]
                    first = False
        except (zipfile.BadZipFile, EOFError, OSError, ValueError) as exc:
            if isinstance(exc, ReadError):
                raise
            raise ReadError(
                f"'{file_name}' is damaged or incomplete ({_short(exc)}). Save it again from Excel and re-upload."
            ) from exc


def _check_dimension(head: bytes, part: str, file_name: str) -> None:
    m = _DIMENSION.search(head[:4096])
    if not m:
        return
    cols = 0
    for ch in m.group(1).decode():
        cols = cols * 26 + (ord(ch) - 64)
    rows = int(m.group(2))
    sheet = part.rsplit("/", 1)[-1].removesuffix(".xml")
    if rows > MAX_ROWS + 1:
        raise ReadError(f"A sheet of '{file_name}' ({sheet}) has {rows:,} rows; a tracker may have at most "
                        f"{MAX_ROWS:,}. Split it into smaller files or delete empty rows at the bottom.")
    if cols > MAX_COLUMNS:
        raise ReadError(f"A sheet of '{file_name}' ({sheet}) has {cols:,} columns; a tracker may have at most "
                        f"{MAX_COLUMNS}. Delete unused columns to the right of the table.")


def _read_ole(data: bytes, file_name: str) -> Workbook:
    if b"E\x00n\x00c\x00r\x00y\x00p\x00t\x00e\x00d\x00P\x00a\x00c\x00k\x00a\x00g\x00e" in data[:200_000]:
        raise ReadError(
            f"'{file_name}' is password-protected. Save a copy without a password (File > Info > "
            "Protect Workbook) and upload that."
        )
    return Workbook(file_name, "xls", _calamine_sheets(data, file_name))


def _calamine_sheets(data: bytes, file_name: str) -> list[Sheet]:
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
            if sheet.height > MAX_ROWS + 1:
                raise ReadError(
                    f"Sheet '{meta.name}' has {sheet.height:,} rows; a tracker may have at most {MAX_ROWS:,}. "
                    "Split it into smaller files or remove empty rows at the bottom."
                )
            if sheet.width > MAX_COLUMNS:
                raise ReadError(
                    f"Sheet '{meta.name}' has {sheet.width:,} columns; a tracker may have at most {MAX_COLUMNS}. "
                    "Delete unused columns to the right of the table."
                )
            rows = sheet.to_python(skip_empty_area=False)
            sheets.append(Sheet(meta.name, rows))
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


def _style_loader(data: bytes, sheet_name: str) -> Callable[[], tuple[dict, set]]:
    def load() -> tuple[dict, set]:
        import openpyxl
        from openpyxl.styles.colors import COLOR_INDEX

        fills: dict[tuple[int, int], str] = {}
        bold: set[tuple[int, int]] = set()
        try:
            wb = openpyxl.load_workbook(io.BytesIO(data), read_only=True, data_only=True)
        except Exception:  # styles are a nicety; values were already read by calamine
            return fills, bold
        try:
            ws = wb[sheet_name]
            for r, cells in enumerate(ws.iter_rows(min_row=1, min_col=1)):
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
        except Exception:
            return fills, bold
        finally:
            wb.close()
        return fills, bold

    return load


def _read_csv(data: bytes, file_name: str) -> Workbook:
    text = decode_text(data, file_name)
    if "\x00" in text:
        raise ReadError(f"'{file_name}' is not a spreadsheet or a CSV file. Upload the tracker as .xlsx, .xlsm or .csv.")
    sample = text[:20_000]
    try:
        dialect = csv.Sniffer().sniff(sample, delimiters=",;\t|")
    except csv.Error:
        dialect = csv.excel
    rows = [list(r) for r in csv.reader(io.StringIO(text), dialect)]
    if len(rows) > MAX_ROWS + 1:
        raise ReadError(f"'{file_name}' has {len(rows):,} rows; a tracker may have at most {MAX_ROWS:,}.")
    if rows and max(len(r) for r in rows) > MAX_COLUMNS:
        raise ReadError(f"'{file_name}' has more than {MAX_COLUMNS} columns; delete unused columns and re-upload.")
    return Workbook(file_name, "csv", [Sheet(PurePath(file_name).stem or "CSV", rows)])


def decode_text(data: bytes, file_name: str) -> str:
    if data.startswith(b"\xef\xbb\xbf"):
        return data[3:].decode("utf-8", errors="replace")
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        return data.decode("utf-16")
    try:
        return data.decode("utf-8")
    except UnicodeDecodeError:
        pass
    if data.count(b"\x00") > len(data) // 4:
        raise ReadError(f"'{file_name}' is not a spreadsheet or a CSV file. Upload the tracker as .xlsx, .xlsm or .csv.")
    return data.decode("cp1252", errors="replace")
