"""Product sheets an operator uploads, hostile ones included: each is refused with a one-line reason naming the
limit, quickly and in bounded memory, or read as the products it holds. Every hostile sheet is made here from a
small real workbook (openpyxl) whose parts are then rewritten."""

from __future__ import annotations

import io
import re
import time
import zipfile
from collections.abc import Callable

import pytest

from artpipe.defaults import settings
from artpipe.studio.sheets import SheetError, read_sheet

pytest.importorskip("openpyxl")


def workbook(rows: list[list[object]]) -> bytes:
    """A plain XLSX with ``rows`` on its first sheet, as Excel users send."""
    from openpyxl import Workbook

    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


PRODUCTS = [["sku", "headline"], ["mug-01", "双11 马克杯"], ["mug-02", "第二件半价"]]


def rewritten(part: str, change: Callable[[bytes], bytes], data: bytes | None = None) -> bytes:
    """``data`` (the PRODUCTS workbook by default) with one part's bytes changed."""
    source = zipfile.ZipFile(io.BytesIO(data or workbook(PRODUCTS)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as target:
        for info in source.infolist():
            body = source.read(info)
            target.writestr(info.filename, change(body) if info.filename == part else body)
    return out.getvalue()


SHEET = "xl/worksheets/sheet1.xml"


def declared(ref: str) -> Callable[[bytes], bytes]:
    return lambda xml: re.sub(rb'<dimension ref="[^"]*"', f'<dimension ref="{ref}"'.encode(), xml)


def far_row(xml: bytes) -> bytes:
    """A last row numbered 1048576: read naively, a million empty rows come before it."""
    return xml.replace(b"</sheetData>", b'<row r="1048576"><c r="A1048576" t="inlineStr"><is><t>x</t></is></c>'
                                        b"</row></sheetData>")


def with_dtd(dtd: bytes) -> Callable[[bytes], bytes]:
    """The part with ``dtd`` after its XML declaration and its last defined entity used in a new cell."""
    entity = re.findall(rb"<!ENTITY (\w+)", dtd)[-1]
    cell = b'<row r="9"><c r="A9" t="inlineStr"><is><t>&' + entity + b";</t></is></c></row>"
    return lambda xml: dtd + xml.replace(b"</sheetData>", cell + b"</sheetData>")  # openpyxl writes no <?xml?>


# Nine levels of ten: a 1 GB string from a few hundred bytes when the last entity is used in a cell.
LAUGHS = b'<!DOCTYPE worksheet [<!ENTITY a "aaaaaaaaaa">' + b"".join(
    b'<!ENTITY %s "%s">' % (bytes([cur]), b"&%s;" % bytes([cur - 1]) * 10) for cur in b"bcdefghi") + b"]>"
EXTERNAL = b'<!DOCTYPE worksheet [<!ENTITY x SYSTEM "file:///etc/passwd">]>'


def zip_bomb() -> bytes:
    """A sheet part padded with 60 MB of spaces: about 60 KB packed."""
    return rewritten(SHEET, lambda xml: xml.replace(b"<sheetData>", b"<sheetData>" + b" " * (60 * 2**20)))


def utf16() -> bytes:
    """The billion laughs in a UTF-16 part, where a byte search for <!DOCTYPE finds nothing."""
    def change(xml: bytes) -> bytes:
        text = with_dtd(LAUGHS)(xml).decode("utf-8").replace('encoding="UTF-8"', 'encoding="UTF-16"')
        return text.encode("utf-16")
    return rewritten(SHEET, change)


def many_parts() -> bytes:
    """The PRODUCTS workbook with 1000 empty files added (each one costs an open when the zip is checked)."""
    out = io.BytesIO(workbook(PRODUCTS))
    with zipfile.ZipFile(out, "a") as archive:
        for i in range(1000):
            archive.writestr(f"customXml/item{i}.xml", b"")
    return out.getvalue()


def many_rows(count: int) -> bytes:
    return workbook([["sku"], *([f"p{i}"] for i in range(count))])


HOSTILE: dict[str, tuple[Callable[[], bytes], str]] = {
    "declared A1:XFD1048576": (lambda: rewritten(SHEET, declared("A1:XFD1048576")),
                               "declares 1048576 rows and 16384 columns, more than the 5000 rows and 64 columns "
                               "allowed"),
    "a row numbered 1048576": (lambda: rewritten(SHEET, far_row), "more than 5000 rows; split it"),
    "more rows than declared": (lambda: rewritten(SHEET, declared("A1:A1"), many_rows(5000)),
                                "more than 5000 rows; split it"),
    "more rows than the limit, declared": (lambda: many_rows(5000), "declares 5001 rows and 1 columns"),
    "a cell in column XFD": (lambda: workbook([["sku", *[None] * 16382, "x"]]),
                             "declares 1 rows and 16384 columns"),
    "not a zip": (lambda: b"sku,headline\nmug,x\n", "not an XLSX workbook (not a zip file, or cut short)"),
    "cut short": (lambda: workbook(PRODUCTS)[:3000], "not an XLSX workbook"),
    "bad XML": (lambda: rewritten(SHEET, lambda xml: xml.replace(b"</sheetData>", b"<row>")),
                "not a readable XLSX workbook ("),
    "billion laughs": (lambda: rewritten(SHEET, with_dtd(LAUGHS)),
                       "xl/worksheets/sheet1.xml declares XML entities (a DTD), which a workbook never needs"),
    "external entity": (lambda: rewritten("xl/workbook.xml", lambda xml: EXTERNAL + xml),
                        "xl/workbook.xml declares XML entities (a DTD)"),
    "UTF-16 part": (utf16, "xl/worksheets/sheet1.xml is not UTF-8 XML"),
    "zip bomb": (zip_bomb, "unpacks to more than 20 MB"),
    "many parts": (lambda: rewritten("docProps/app.xml", lambda xml: xml, many_parts()), "holds more than 1000 files"),
    "a cell over 128 KB": (lambda: rewritten(SHEET, lambda xml: xml.replace("马克杯".encode(), b"x" * 2**17)),
                           "row 2 has a cell over 128 KB; shorten it"),
}


@pytest.mark.parametrize("kind", HOSTILE)
def test_a_hostile_workbook_is_refused_quickly_with_the_reason(kind: str) -> None:
    make, message = HOSTILE[kind]
    data = make()
    started = time.monotonic()
    with pytest.raises(SheetError) as refused:
        read_sheet("products.xlsx", data)
    assert message in str(refused.value)
    assert "\n" not in str(refused.value)
    assert time.monotonic() - started < 5


@pytest.mark.parametrize(("data", "message"), [
    (b"sku,headline\nmug," + b"x" * (128 * 1024 + 1) + b"\n", "line 2 has a cell over 128 KB; shorten it"),
    (b"sku,headline\nmug,\xff\xfe\n", "not UTF-8 text; save the sheet as CSV UTF-8"),
    (b"sku," + b",".join(b"c%d" % i for i in range(65)) + b"\n", "row 1 has 66 columns, more than the 64 allowed"),
    (b"sku\n" + b"p\n" * 5000, "more than 5000 rows"),
])
def test_a_hostile_csv_is_refused_with_the_reason(data: bytes, message: str) -> None:
    with pytest.raises(SheetError, match=re.escape(message)):
        read_sheet("products.csv", data)


def test_the_limits_are_the_defaults_and_a_sheet_within_them_reads() -> None:
    limits = settings().sheet
    assert (limits.max_rows, limits.max_columns, limits.max_field_bytes) == (5000, 64, 128 * 1024)
    expected = [{"sku": "mug-01", "headline": "双11 马克杯"}, {"sku": "mug-02", "headline": "第二件半价"}]
    assert read_sheet("products.xlsx", workbook(PRODUCTS)) == expected
    assert read_sheet("products.xlsx", many_rows(4999))[-1] == {"sku": "p4998"}
    # a wrong but small declared size is not trusted either way: what is there is read
    assert read_sheet("products.xlsx", rewritten(SHEET, declared("A1:A1"))) == expected
    assert read_sheet("products.csv", "sku,headline\nmug-01,双11 马克杯\nmug-02,第二件半价\n".encode()) == expected
