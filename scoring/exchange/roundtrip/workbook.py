"""Writing a round-trip file: the header, the meta rows and the items (openpyxl)."""

from __future__ import annotations

import io
from decimal import Decimal

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.worksheet.datavalidation import DataValidation

from scoring import calculations as calc
from scoring.exchange import exports
from scoring.exchange.roundtrip.layout import (
    BOOL,
    CODE,
    ITEM_CODE,
    MAX,
    META_GROUP,
    META_HELP,
    META_KIND,
    META_TOKEN,
    META_UNIT,
    META_VERSION,
    META_YEAR,
    METHOD,
    NA,
    NAME,
    NOTE,
    POINTS,
    POINTS_FIELD,
    REASON,
    SELF_POINTS,
    SURVEY_POINTS,
    TEXT,
    UNIT_CODE,
    UNIT_NAME,
    Subject,
    escape_text,
    has_values,
    kind_label,
    token,
)

EDIT_FILL = PatternFill("solid", fgColor="FFF2CC")
EDIT_HEADER_FILL = PatternFill("solid", fgColor="FFD966")
READ_FILL = PatternFill("solid", fgColor="F2F2F2")
META_FILL = PatternFill("solid", fgColor="DDEBF7")


def file_name(subject: Subject) -> str:
    if subject.sheet is not None:
        stem = exports.file_stem("nhap", subject.kind, subject.sheet.unit.code, subject.year.year)
    else:
        stem = exports.file_stem("nhap-dieu-tra", subject.year.year, subject.group_code)
    return stem + ".xlsx"


def _meta_rows(subject: Subject) -> list[tuple[str, object]]:
    layout = subject.layout
    rows: list[tuple[str, object]] = []
    if subject.sheet is not None:
        rows.append((META_UNIT, subject.sheet.unit.code))
    else:
        rows.append((META_GROUP, subject.group_code or _("tất cả")))
    rows += [(META_YEAR, subject.year.year), (META_KIND, kind_label(subject.kind))]
    if subject.sheet is not None:
        rows.append((META_VERSION, subject.version))
    rows.append((META_TOKEN, token(subject)))
    columns = ", ".join(f"“{f.column}”" for f in layout.editable)
    rows.append(
        (
            META_HELP,
            _(
                "%(owner)s · %(what)s. Chỉ nhập vào các ô nền vàng (cột %(columns)s); "
                "không sửa các cột khác, không thêm hay xóa các dòng bắt đầu bằng #. "
                "Điểm có tối đa 2 chữ số thập phân; ô để trống là xóa giá trị."
            )
            % {
                "owner": exports.owner_name(subject.year),
                "what": _title(subject),
                "columns": columns,
            },
        )
    )
    return rows


def _title(subject: Subject) -> str:
    if subject.sheet is not None:
        return _("%(kind)s năm %(year)s · %(unit)s") % {
            "kind": kind_label(subject.kind),
            "year": subject.year.year,
            "unit": subject.sheet.unit.name,
        }
    return _("Điểm điều tra xã hội học năm %(year)s") % {"year": subject.year.year}


def to_xlsx(subject: Subject) -> bytes:
    """The round-trip workbook of a subject (see the module docstring for the layout)."""
    layout = subject.layout
    workbook = Workbook()
    ws = workbook.worksheets[0]  # a new workbook's one sheet
    ws.title = kind_label(subject.kind)
    columns = layout.columns
    editable_columns = {f.column for f in layout.editable}
    for index, label in enumerate(columns, start=1):
        header = ws.cell(row=1, column=index, value=label)
        header.font = Font(bold=True)
        header.fill = EDIT_HEADER_FILL if label in editable_columns else exports.HEADER_FILL
        header.alignment = Alignment(wrap_text=True, vertical="center", horizontal="center")
    key_index = columns.index(layout.key_column) + 1
    value_index = columns.index(layout.value_column) + 1
    number = 1
    for key, value in _meta_rows(subject):
        number += 1
        exports.write_text(ws.cell(row=number, column=key_index), key)
        cell = ws.cell(row=number, column=value_index)
        if isinstance(value, int):
            cell.value = value
        else:
            exports.write_text(cell, str(value))
        for index in range(1, len(columns) + 1):
            ws.cell(row=number, column=index).fill = META_FILL
        cell.alignment = Alignment(wrap_text=key == META_HELP, vertical="top")
    validations: dict[Decimal, DataValidation] = {}
    yes_no = DataValidation(type="list", formula1='"Có,Không"', allow_blank=True)
    tree_index = columns.index(NAME) + 1
    for line in subject.lines:
        number += 1
        cells = list(line.identity)
        fields = (*layout.shown, *layout.editable)
        cells += [line.values.get(f.name) if has_values(line) else None for f in fields]
        kinds = [None] * len(line.identity) + [f.kind for f in fields]
        for index, (value, kind) in enumerate(zip(cells, kinds, strict=True), start=1):
            cell = ws.cell(row=number, column=index)
            _write_cell(cell, value, kind, subject.year.decimals)
            label = columns[index - 1]
            is_editable = line.editable and label in editable_columns
            if label in editable_columns:
                cell.fill = EDIT_FILL if is_editable else READ_FILL
            if is_editable and kind == POINTS:
                rule = validations.get(line.item.max_points)
                if rule is None:
                    rule = _points_validation(line.item.max_points)
                    validations[line.item.max_points] = rule
                rule.add(cell)
            if is_editable and kind == BOOL:
                yes_no.add(cell)
            if index == tree_index and subject.sheet is not None:
                cell.alignment = Alignment(indent=max(line.depth - 1, 0) * 2, wrap_text=True)
            if line.depth == 1 and subject.sheet is not None and not line.item.is_scored:
                cell.font = Font(bold=True)
    for rule in [*validations.values(), yes_no]:
        if rule.sqref:
            ws.add_data_validation(rule)
    widths = {
        CODE: 9,
        NAME: 60,
        METHOD: 13,
        MAX: 10,
        UNIT_CODE: 12,
        UNIT_NAME: 36,
        ITEM_CODE: 11,
        NA.column: 10,
        SELF_POINTS.column: 12,
        NOTE.column: 40,
        POINTS_FIELD.column: 12,
        REASON.column: 40,
        SURVEY_POINTS.column: 12,
    }
    for index, label in enumerate(columns, start=1):
        ws.column_dimensions[get_column_letter(index)].width = widths.get(label, 14)
    ws.freeze_panes = "A2"
    ws.auto_filter.ref = f"A1:{get_column_letter(len(columns))}{max(number, 1)}"
    workbook.properties.creator = "CCHC Portal"
    workbook.properties.title = _title(subject)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _write_cell(cell, value, kind, decimals: int = 2) -> None:
    if value is None:
        return
    if kind == BOOL:
        if value:
            cell.value = "Có"
    elif isinstance(value, Decimal):
        cell.value = value.quantize(calc.quantum(decimals))
        cell.number_format = exports.points_format(decimals)
    elif isinstance(value, int):
        cell.value = value
    else:
        exports.write_text(cell, escape_text(str(value)) if kind == TEXT else str(value))


def _points_validation(maximum: Decimal) -> DataValidation:
    rule = DataValidation(
        type="decimal",
        operator="between",
        formula1="0",
        formula2=format(maximum, "f"),
        allow_blank=True,
        showErrorMessage=True,
        errorTitle="Điểm không hợp lệ",
        error=f"Điểm phải là số từ 0 đến {format(maximum, 'f').replace('.', ',')}.",
    )
    return rule
