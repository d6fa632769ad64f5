"""The administrative layout of a report (.docx, python-docx).

Nghị định 30/2020/NĐ-CP on administrative documents: A4, margins 2/2/3/2 cm, Times New Roman
14 (tables 12–13), the issuing body on the left and the national heading on the right, the
number and the place and date line below them, then the title, the body and the signature block.
"""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from datetime import datetime
from decimal import Decimal

from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from docx import Document
from docx.document import Document as DocxDocument
from docx.enum.section import WD_ORIENT
from docx.enum.table import WD_TABLE_ALIGNMENT
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml import OxmlElement
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from scoring.exchange import exports

FONT = "Times New Roman"
BODY_SIZE, TABLE_SIZE = 14, 12


def points(value: Decimal | None, decimals: int = 2) -> str:
    """Points or an index with the year's decimals (2 or 3) in the active locale; "–" if none."""
    places = 3 if decimals == 3 else 2
    return "–" if value is None else number_format(value, places, use_l10n=True)


def place_name(owner: str) -> str:
    """The place of the date line: "Tỉnh Quảng Nam" → "Quảng Nam"."""
    return re.sub(r"^(tỉnh|thành phố|tp\.?)\s+", "", owner.strip(), flags=re.IGNORECASE) or owner


def date_line(owner: str, moment: datetime | None = None) -> str:
    day = timezone.localtime(moment or timezone.now(), exports.VIETNAM)
    return _("%(place)s, ngày %(day)s tháng %(month)s năm %(year)s") % {
        "place": place_name(owner),
        "day": f"{day.day:02d}",
        "month": f"{day.month:02d}" if day.month < 3 else day.month,
        "year": day.year,
    }


# --------------------------------------------------------------------------- document helpers


def _set_font(run_or_style, size: int | None = None) -> None:
    font = run_or_style.font
    font.name = FONT
    if size:
        font.size = Pt(size)
    element = run_or_style.element
    properties = element.get_or_add_rPr()
    fonts = properties.find(qn("w:rFonts"))
    if fonts is None:
        fonts = OxmlElement("w:rFonts")
        properties.append(fonts)
    for attribute in ("w:ascii", "w:hAnsi", "w:cs", "w:eastAsia"):
        fonts.set(qn(attribute), FONT)


def new_document() -> DocxDocument:
    document = Document()
    section = document.sections[0]
    section.orientation = WD_ORIENT.PORTRAIT
    section.page_width, section.page_height = Cm(21), Cm(29.7)
    section.top_margin, section.bottom_margin = Cm(2), Cm(2)
    section.left_margin, section.right_margin = Cm(3), Cm(2)
    style = document.styles["Normal"]
    _set_font(style, BODY_SIZE)
    style.paragraph_format.space_after = Pt(6)
    style.paragraph_format.line_spacing = 1.15
    page_numbers(section)
    return document


def page_numbers(section) -> None:
    """The page number, centred in the top margin, from page 2 on (Nghị định 30/2020: "không
    hiển thị số trang thứ nhất"): a PAGE field, which Word and LibreOffice fill in."""
    section.different_first_page_header_footer = True
    p = section.header.paragraphs[0]
    p.alignment = WD_ALIGN_PARAGRAPH.CENTER
    # No cached result between "separate" and "end": a reader that does not compute fields shows
    # nothing rather than "1" on every page.
    for kind, instruction in (("begin", None), (None, " PAGE "), ("separate", None), ("end", None)):
        run = p.add_run()
        _set_font(run, BODY_SIZE)
        if kind is None:
            text = OxmlElement("w:instrText")
            text.set(qn("xml:space"), "preserve")
            text.text = instruction
            run._r.append(text)
        else:
            char = OxmlElement("w:fldChar")
            char.set(qn("w:fldCharType"), kind)
            run._r.append(char)


def paragraph(
    document, text: str = "", *, bold=False, italic=False, align=None, size=None, indent=True
):
    p = document.add_paragraph()
    if align is not None:
        p.alignment = align
    elif indent:
        p.alignment = WD_ALIGN_PARAGRAPH.JUSTIFY
        p.paragraph_format.first_line_indent = Cm(1)
    run = p.add_run(text)
    run.bold, run.italic = bold, italic
    if size:
        run.font.size = Pt(size)
    return p


def _cell_text(
    cell, text: str, *, bold=False, italic=False, align=None, size=TABLE_SIZE, underline=False
) -> None:
    p = cell.paragraphs[0] if not cell.paragraphs[0].text else cell.add_paragraph()
    p.paragraph_format.space_after = Pt(0)
    if align is not None:
        p.alignment = align
    run = p.add_run(text)
    run.bold, run.italic, run.underline = bold, italic, underline
    _set_font(run, size)


def _no_borders(table) -> None:
    borders = OxmlElement("w:tblBorders")
    for edge in ("top", "left", "bottom", "right", "insideH", "insideV"):
        element = OxmlElement(f"w:{edge}")
        element.set(qn("w:val"), "nil")
        borders.append(element)
    table._tbl.tblPr.append(borders)


def heading_block(document, body_lines: Sequence[str], owner: str, *, number: str = "") -> None:
    """The issuing body (left) and the national heading (right), then the number and date."""
    table = document.add_table(rows=2, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    center = WD_ALIGN_PARAGRAPH.CENTER
    for index, line in enumerate(body_lines):
        last = index == len(body_lines) - 1
        _cell_text(left, line, bold=last, align=center, size=13, underline=last)
    _cell_text(right, "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", bold=True, align=center, size=13)
    _cell_text(
        right, "Độc lập - Tự do - Hạnh phúc", bold=True, align=center, size=14, underline=True
    )
    below_left, below_right = table.rows[1].cells
    _cell_text(below_left, number or _("Số:        /BC-"), align=center, size=13)
    _cell_text(below_right, date_line(owner), italic=True, align=center, size=14)
    for row in table.rows:
        row.cells[0].width, row.cells[1].width = Cm(6.5), Cm(9.5)
    document.add_paragraph()


def title(document, lines: Sequence[str]) -> None:
    for index, line in enumerate(lines):
        paragraph(
            document, line, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER, size=14 if index else 15
        )


def data_table(
    document,
    headers: Sequence[str],
    rows: Sequence[Sequence],
    *,
    numeric: Sequence[int] = (),
    widths: Sequence[float] = (),
    bold_last=False,
):
    """A bordered table; `numeric` columns are right-aligned."""
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    table.alignment = WD_TABLE_ALIGNMENT.CENTER
    for cell, header in zip(table.rows[0].cells, headers, strict=True):
        _cell_text(cell, header, bold=True, align=WD_ALIGN_PARAGRAPH.CENTER)
    for index, values in enumerate(rows):
        cells = table.add_row().cells
        bold = bold_last and index == len(rows) - 1
        for column, (cell, value) in enumerate(zip(cells, values, strict=True)):
            align = WD_ALIGN_PARAGRAPH.RIGHT if column in numeric else None
            _cell_text(cell, "" if value is None else str(value), bold=bold, align=align)
    if widths:
        for row in table.rows:
            for cell, width in zip(row.cells, widths, strict=False):
                cell.width = Cm(width)
    document.add_paragraph()
    return table


def signature(document, recipients: Sequence[str], signer: Sequence[str]) -> None:
    table = document.add_table(rows=1, cols=2)
    _no_borders(table)
    left, right = table.rows[0].cells
    _cell_text(left, _("Nơi nhận:"), bold=True, italic=True, size=12)
    for line in recipients:
        _cell_text(left, line, size=11)
    for index, line in enumerate(signer):
        _cell_text(
            right,
            line,
            bold=index == 0,
            italic=index > 0,
            align=WD_ALIGN_PARAGRAPH.CENTER,
            size=14 if index == 0 else 12,
        )


def to_bytes(document) -> bytes:
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()
