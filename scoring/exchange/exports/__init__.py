"""Tables as files: xlsx for people, CSV for machines.

A `Table` is what a page shows (columns with a kind, rows of plain values); the builders of
`scoring.exchange.exports.tables` shape one from the page's own selector, and `to_xlsx` / `to_csv` write
it. Nothing is computed here that a page does not already compute.

xlsx: a title block (province, what, year, group), a "generated at" line in Vietnamese time,
then the header (frozen, with an autofilter), numbers as numbers with the year's decimals ("0.00"
or "0.000"; a column of another year, in a comparison, with that year's),
column widths that fit, the item tree indented. CSV: one header row, then the rows; decimals
with a dot; UTF-8 with a BOM so that Excel reads the Vietnamese letters.

User text never becomes a formula: in xlsx a string starting with = + - @ is written as an
explicit string with Excel's quote prefix, in CSV it is prefixed with a single quote.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import date, datetime
from decimal import Decimal
from zoneinfo import ZoneInfo

from django.conf import settings
from django.utils import timezone
from django.utils.text import slugify
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.cell.cell import ILLEGAL_CHARACTERS_RE
from openpyxl.styles import Alignment, Border, Font, PatternFill, Side
from openpyxl.utils import get_column_letter

from scoring.models import AssessmentYear

TEXT, POINTS, INTEGER, DATETIME = "text", "points", "integer", "datetime"
POINTS_FORMAT = "0.00"
DATETIME_FORMAT = "dd/mm/yyyy hh:mm"
VIETNAM = ZoneInfo("Asia/Ho_Chi_Minh")
#: A text starting with one of these would be read as a formula by a spreadsheet.
FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")
CENT = Decimal("0.01")
MIN_WIDTH, MAX_WIDTH = 6, 60

XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
CSV_TYPE = "text/csv; charset=utf-8"

HEADER_FILL = PatternFill("solid", fgColor="DCE6F1")
DOMAIN_FILL = PatternFill("solid", fgColor="F2F2F2")
THIN = Side(style="thin", color="A6A6A6")
BORDER = Border(left=THIN, right=THIN, top=THIN, bottom=THIN)


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    wrap: bool = False  # long text: wrapped in a column of bounded width
    #: The decimals of this column's year where a table mixes years (a comparison); None: the
    #: table's own.
    decimals: int | None = None


@dataclass
class Table:
    """One table of a page. `title` names what, year and group; `owner` is the province."""

    name: str  # worksheet name (≤ 31 characters)
    owner: str
    title: str
    columns: list[Column]
    rows: list[list] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)  # lines under the title (e.g. "tạm tính")
    depths: list[int] | None = None  # each row's depth in the item tree (1 = domain)
    tree_column: int | None = None  # the column indented by depth
    footer: list[list] = field(default_factory=list)  # totals, xlsx only
    generated_at: datetime | None = None
    decimals: int = 2  # the year's number of decimals (`AssessmentYear.decimals`): 2 or 3


def points_format(decimals: int) -> str:
    """The xlsx number format of points in a year of `decimals` decimals: 0.00 or 0.000."""
    return "0." + "0" * (3 if decimals == 3 else 2)


def _quantum(decimals: int) -> Decimal:
    return Decimal("0.001") if decimals == 3 else CENT


def owner_name(year: AssessmentYear) -> str:
    return year.owner_name or settings.PORTAL_OWNER_NAME


def generated_line(moment: datetime) -> str:
    local = timezone.localtime(moment, VIETNAM)
    return _("Tạo lúc %(time)s ngày %(date)s (giờ Việt Nam)") % {
        "time": local.strftime("%H:%M"),
        "date": local.strftime("%d/%m/%Y"),
    }


# --------------------------------------------------------------------------- safe cells


def clean_text(text: str) -> str:
    """Text without the control characters an xlsx file cannot hold."""
    return ILLEGAL_CHARACTERS_RE.sub("", text)


def csv_safe(text: str) -> str:
    """CSV cell text that no spreadsheet will run: a leading = + - @ gets a single quote."""
    return "'" + text if text.startswith(FORMULA_STARTS) else text


def write_text(cell, text: str) -> None:
    """Put user text into an xlsx cell as a string, never as a formula."""
    text = clean_text(text)
    cell.value = text
    if text.startswith(FORMULA_STARTS):
        # openpyxl makes "=…" a formula; the explicit type and Excel's quote prefix keep it text.
        cell.data_type = "s"
        cell.quotePrefix = True


def yes_no(value: bool) -> str:
    return _("Có") if value else _("Không")


def local_time(moment: datetime) -> datetime:
    return timezone.localtime(moment, VIETNAM).replace(tzinfo=None)


# --------------------------------------------------------------------------- xlsx


def _sheet_name(name: str, taken: set[str]) -> str:
    cleaned = "".join(" " if ch in "[]:*?/\\" else ch for ch in name).strip()[:31] or "Sheet"
    candidate, n = cleaned, 2
    while candidate.lower() in taken:
        suffix = f" ({n})"
        candidate, n = cleaned[: 31 - len(suffix)] + suffix, n + 1
    taken.add(candidate.lower())
    return candidate


def _shown_length(value, kind: str, decimals: int = 2) -> int:
    if value is None:
        return 0
    if kind == POINTS:
        return len(f"{value:.{decimals}f}") + 1
    if kind == DATETIME:
        return 16
    return max((len(line) for line in str(value).splitlines()), default=0)


def _write_value(cell, value, kind: str, decimals: int = 2) -> None:
    if value is None:
        return
    if isinstance(value, bool):
        write_text(cell, yes_no(value))
    elif kind == POINTS and isinstance(value, Decimal | int):
        cell.value = Decimal(value).quantize(_quantum(decimals))
        cell.number_format = points_format(decimals)
    elif kind == INTEGER and isinstance(value, int):
        cell.value = value
        cell.number_format = "0"
    elif isinstance(value, datetime):
        cell.value = local_time(value) if timezone.is_aware(value) else value
        cell.number_format = DATETIME_FORMAT
    elif isinstance(value, date):
        cell.value = value
        cell.number_format = "dd/mm/yyyy"
    else:
        write_text(cell, str(value))


def _fill_sheet(ws, table: Table, now: datetime) -> None:
    width = len(table.columns)
    last = get_column_letter(width)
    lines = [
        (table.owner.upper(), Font(bold=True, size=12)),
        (table.title, Font(bold=True, size=14)),
        *[(note, Font(italic=True, bold=True, color="9C0006")) for note in table.notes],
        (generated_line(table.generated_at or now), Font(italic=True, color="595959")),
    ]
    for number, (text, font) in enumerate(lines, start=1):
        cell = ws.cell(row=number, column=1)
        write_text(cell, text)
        cell.font = font
        if width > 1:
            ws.merge_cells(f"A{number}:{last}{number}")
        cell.alignment = Alignment(horizontal="left", vertical="center")
    header_row = len(lines) + 2
    for index, column in enumerate(table.columns, start=1):
        cell = ws.cell(row=header_row, column=index)
        write_text(cell, column.label)
        cell.font = Font(bold=True)
        cell.fill = HEADER_FILL
        cell.border = BORDER
        cell.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    widths = [min(len(c.label), 18) for c in table.columns]
    body = [
        (row, (table.depths or [])[i] if table.depths else None, False)
        for i, row in enumerate(table.rows)
    ]
    body += [(row, None, True) for row in table.footer]
    for offset, (values, depth, is_footer) in enumerate(body, start=1):
        number = header_row + offset
        for index, (column, value) in enumerate(zip(table.columns, values, strict=True), start=1):
            cell = ws.cell(row=number, column=index)
            places = column.decimals or table.decimals
            _write_value(cell, value, column.kind, places)
            cell.border = BORDER
            wrap = column.wrap
            indent = 0
            if depth is not None and table.tree_column == index - 1:
                indent = max(depth - 1, 0) * 2
            cell.alignment = Alignment(wrap_text=wrap, vertical="top", indent=indent)
            if is_footer or depth == 1:
                cell.font = Font(bold=True)
                cell.fill = DOMAIN_FILL
            length = _shown_length(value, column.kind, places) + indent
            widths[index - 1] = max(widths[index - 1], min(length, 50 if wrap else MAX_WIDTH))
    for index, value in enumerate(widths, start=1):
        ws.column_dimensions[get_column_letter(index)].width = max(MIN_WIDTH, value + 2)
    last_row = header_row + len(table.rows)
    ws.freeze_panes = ws.cell(row=header_row + 1, column=1)
    ws.auto_filter.ref = f"A{header_row}:{last}{max(last_row, header_row)}"
    ws.print_title_rows = f"{header_row}:{header_row}"
    ws.page_setup.orientation = "landscape"
    ws.page_setup.paperSize = ws.PAPERSIZE_A4
    ws.page_setup.fitToWidth, ws.page_setup.fitToHeight = 1, 0
    ws.sheet_properties.pageSetUpPr.fitToPage = True


def to_xlsx(tables: Sequence[Table], *, now: datetime | None = None) -> bytes:
    """An xlsx workbook with one worksheet per table."""
    now = now or timezone.now()
    workbook = Workbook()
    workbook.remove(workbook.worksheets[0])  # a new workbook's one (empty) sheet
    taken: set[str] = set()
    for table in tables:
        _fill_sheet(workbook.create_sheet(_sheet_name(table.name, taken)), table, now)
    workbook.properties.creator = "CCHC Portal"
    if tables:
        workbook.properties.title = clean_text(tables[0].title)[:250]
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


# --------------------------------------------------------------------------- CSV


def _csv_value(value, kind: str, decimals: int = 2) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return yes_no(value)
    if kind == POINTS and isinstance(value, Decimal | int):
        return format(Decimal(value).quantize(_quantum(decimals)), "f")
    if isinstance(value, int):
        return str(value)
    if isinstance(value, datetime):
        return (local_time(value) if timezone.is_aware(value) else value).strftime("%Y-%m-%d %H:%M")
    if isinstance(value, date):
        return value.isoformat()
    return csv_safe(str(value))


def to_csv(table: Table) -> bytes:
    """UTF-8 (with BOM) CSV: one header row, then the rows; no title, no totals."""
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow([csv_safe(column.label) for column in table.columns])
    for row in table.rows:
        writer.writerow(
            [
                _csv_value(v, c.kind, c.decimals or table.decimals)
                for c, v in zip(table.columns, row, strict=True)
            ]
        )
    return ("\ufeff" + out.getvalue()).encode("utf-8")


def file_stem(*parts) -> str:
    """An ASCII file name from its parts: ("Xếp hạng", 2023, "SO") → "xep-hang-2023-so"."""
    return "-".join(slugify(str(part)) for part in parts if str(part)) or "bang"
