"""Products from an operator's uploaded sheet (CSV or XLSX), read within limits: a sheet is untrusted input.

A tiny XLSX can declare ``A1:XFD1048576`` or unpack to gigabytes of rows, and XML can carry entity bombs, so:
the zip is unpacked and checked before openpyxl sees it (its real unpacked size, no DTD in any part: a workbook
never needs one), the declared dimension is checked but never trusted (rows, columns and cells are counted as they
are read and reading stops at the first limit), and every failure is a ``SheetError`` whose message is one line
for the form. The limits are the ``sheet`` section of ``defaults.yaml``.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator

from artpipe.defaults import SheetLimits, settings

# Markup a workbook part never has; a DTD is what entity bombs and external entities need (XML names are case
# sensitive, so these are the only spellings expat accepts).
_DTD_MARKS = (b"<!DOCTYPE", b"<!ENTITY")


class SheetError(ValueError):
    """A sheet that cannot be read, or is beyond a limit; the message is what to tell the operator."""


def read_sheet(name: str, data: bytes) -> list[dict[str, str]]:
    """Products from a CSV or XLSX sheet whose first row names the fields (header -> value, empty rows left out)."""
    limits = settings().sheet
    if len(data) > limits.max_bytes:
        msg = f"larger than {limits.max_bytes // 2**20} MB; split it into smaller sheets"
        raise SheetError(msg)
    rows = _xlsx_rows(data, limits) if name.lower().endswith(".xlsx") else _csv_rows(data)
    cells = list(_within(rows, limits))
    if not cells:
        return []
    header = [h.strip() for h in cells[0]]
    return [{h: v.strip() for h, v in zip(header, row, strict=False) if h} for row in cells[1:] if any(row)]


def _within(rows: Iterable[list[str]], limits: SheetLimits) -> Iterator[list[str]]:
    """``rows`` as they come, stopping with a SheetError at the first row, column, cell or field over a limit."""
    count = cells = 0
    for row in rows:
        count += 1
        if count > limits.max_rows:
            msg = f"more than {limits.max_rows} rows; split it into smaller sheets"
            raise SheetError(msg)
        while row and not row[-1]:  # trailing empty cells are not columns
            row.pop()
        if len(row) > limits.max_columns:
            msg = f"row {count} has {len(row)} columns, more than the {limits.max_columns} allowed; delete the rest"
            raise SheetError(msg)
        cells += sum(1 for value in row if value)
        if cells > limits.max_cells:
            msg = f"more than {limits.max_cells} filled cells; split it into smaller sheets"
            raise SheetError(msg)
        if any(len(value.encode("utf-8")) > limits.max_field_bytes for value in row):
            msg = f"row {count} has a cell over {limits.max_field_bytes // 1024} KB; shorten it"
            raise SheetError(msg)
        yield row


def _csv_rows(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        msg = "not UTF-8 text; save the sheet as CSV UTF-8 (or as XLSX)"
        raise SheetError(msg) from None
    reader = csv.reader(io.StringIO(text))
    try:
        yield from reader
    except csv.Error as exc:  # the csv module's own field limit (128 KB), a NUL byte, a stray quote
        if "field larger than field limit" in str(exc):
            msg = f"line {reader.line_num} has a cell over {csv.field_size_limit() // 1024} KB; shorten it"
        else:
            msg = f"line {reader.line_num} is not valid CSV ({exc}); save the sheet as CSV again"
        raise SheetError(msg) from None


def _xlsx_rows(data: bytes, limits: SheetLimits) -> Iterator[list[str]]:
    _check_package(data, limits)
    from openpyxl import load_workbook  # noqa: PLC0415 - only for spreadsheets

    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except Exception as exc:  # noqa: BLE001 - openpyxl raises many types on a damaged package: all mean this
        raise SheetError(_damaged(exc)) from None
    try:
        sheet = book.active
        if sheet is None or not hasattr(sheet, "iter_rows"):
            msg = "its first sheet holds no cells (a chart?); put the products on the first sheet"
            raise SheetError(msg)
        _check_dimension(sheet.max_row or 0, sheet.max_column or 0, limits)
        sheet.reset_dimensions()  # read what is there, never pad rows out to a declared size
        for row in sheet.iter_rows(values_only=True):
            yield ["" if v is None else str(v) for v in row]
    except SheetError:
        raise
    except Exception as exc:  # noqa: BLE001 - bad XML or values deep in a part surface only while reading
        raise SheetError(_damaged(exc)) from None
    finally:
        book.close()


def _damaged(exc: Exception) -> str:
    why = " ".join(str(exc).split())[:160] or type(exc).__name__
    return f"not a readable XLSX workbook ({why}); save it again from Excel, or as CSV"


def _check_package(data: bytes, limits: SheetLimits) -> None:
    """Refuse an XLSX that is not a zip, is cut short, unpacks to more than the limit, or has a DTD in a part:
    each part is unpacked here in chunks, counting the real bytes (a zip's declared sizes can lie)."""
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
    except (zipfile.BadZipFile, ValueError, OSError):
        msg = "not an XLSX workbook (not a zip file, or cut short); save it again from Excel, or as CSV"
        raise SheetError(msg) from None
    total = 0
    with archive:
        if len(archive.infolist()) > limits.max_parts:
            msg = f"holds more than {limits.max_parts} files; save it again from Excel, or as CSV"
            raise SheetError(msg)
        try:
            for info in archive.infolist():
                if info.filename.startswith("xl/chartsheets/"):  # openpyxl would open its pictures with Pillow
                    msg = "it has a chart sheet; put the products in a workbook of plain sheets, or save it as CSV"
                    raise SheetError(msg)
                tail = b""
                with archive.open(info) as part:
                    while chunk := part.read(1 << 16):
                        if not tail and info.filename.endswith((".xml", ".rels")) and not _utf8_start(chunk):
                            msg = (f"{info.filename} is not UTF-8 XML; save the workbook again from Excel, or "
                                   "as CSV")
                            raise SheetError(msg)
                        total += len(chunk)
                        if total > limits.max_unzipped_bytes:
                            msg = (f"unpacks to more than {limits.max_unzipped_bytes // 2**20} MB; split it into "
                                   "smaller sheets")
                            raise SheetError(msg)
                        seen = tail + chunk
                        if any(mark in seen for mark in _DTD_MARKS):
                            msg = (f"{info.filename} declares XML entities (a DTD), which a workbook never needs; "
                                   "save it again from Excel, or as CSV")
                            raise SheetError(msg)
                        tail = seen[-16:]
        except SheetError:
            raise
        except Exception as exc:  # noqa: BLE001 - bad CRC, truncated member, unknown compression, encrypted
            msg = f"not an XLSX workbook ({' '.join(str(exc).split())[:160]}); save it again from Excel, or as CSV"
            raise SheetError(msg) from None


def _utf8_start(head: bytes) -> bool:
    """Whether an XML part starts as UTF-8 (or ASCII) text: a UTF-16 or UTF-32 part would hide a DTD from the
    byte search (Excel writes UTF-8; a UTF-8 text never holds a NUL byte)."""
    return not head.startswith((b"\xfe\xff", b"\xff\xfe")) and b"\x00" not in head[:4]


def _check_dimension(rows: int, columns: int, limits: SheetLimits) -> None:
    """Refuse a sheet whose declared size (its ``dimension``, e.g. ``A1:XFD1048576``) is beyond the limits."""
    if rows > limits.max_rows or columns > limits.max_columns:
        msg = (f"declares {rows} rows and {columns} columns, more than the {limits.max_rows} rows and "
               f"{limits.max_columns} columns allowed; delete the empty rows and columns, or save it as CSV")
        raise SheetError(msg)
