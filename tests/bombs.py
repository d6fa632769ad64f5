"""Small spreadsheets that unzip into something enormous (penetration test, finding 1).

Each is a real workbook (header "mã", "tên" and one data row) whose XML gains millions of empty
elements; deflate shrinks them to a few kilobytes. The readers must refuse them while counting,
before openpyxl builds an object per element.
"""

import io
import tracemalloc
import zipfile
from collections.abc import Callable
from typing import Any

from openpyxl import Workbook

SHEET = "xl/worksheets/sheet1.xml"
STRINGS = "xl/sharedStrings.xml"


def _workbook(header=("mã", "tên"), row=("A", "B")) -> bytes:
    book = Workbook()
    book.active.append(list(header))
    book.active.append(list(row))
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def _inflate(part: str, marker: bytes, filler: bytes, **workbook) -> bytes:
    source = zipfile.ZipFile(io.BytesIO(_workbook(**workbook)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == part:
                assert marker in data, (part, marker)
                data = data.replace(marker, filler + marker, 1)
            archive.writestr(info.filename, data)
    return out.getvalue()


def cell_bomb(cells: int = 2_000_000, per_row: int = 1_000, **workbook) -> bytes:
    """The penetration test's file: 2 million empty cells in rows of 1,000 (about 15 KB)."""
    row = b"<row>" + b"<c/>" * per_row + b"</row>"
    return _inflate(SHEET, b"</sheetData>", row * (cells // per_row), **workbook)


def row_bomb(rows: int = 2_000_000, **workbook) -> bytes:
    """2 million empty rows."""
    return _inflate(SHEET, b"</sheetData>", b"<row/>" * rows, **workbook)


def string_bomb(strings: int = 2_000_000, **workbook) -> bytes:
    """A string table of 2 million empty strings (openpyxl reads it whole when it opens a file)."""
    source = zipfile.ZipFile(io.BytesIO(_workbook(**workbook)))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED, compresslevel=9) as archive:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "[Content_Types].xml":
                data = data.replace(
                    b"</Types>",
                    b'<Override PartName="/xl/sharedStrings.xml" ContentType="application/'
                    b'vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/></Types>',
                )
            archive.writestr(info.filename, data)
        archive.writestr(
            STRINGS,
            b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
            + b"<si><t/></si>" * strings
            + b"</sst>",
        )
    return out.getvalue()


def peak_of(call: Callable[[], Any]) -> tuple[Any, int]:
    """(what ``call`` returned or raised, the peak of memory allocated by Python during it)."""
    tracemalloc.start()
    try:
        try:
            outcome: Any = call()
        except Exception as error:  # the outcome is what the test checks
            outcome = error
        return outcome, tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
