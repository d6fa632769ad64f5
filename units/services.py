"""Database work on units: importing the list of units from a file, all or nothing.

rows = read_unit_rows(upload)          # TableError listing every problem in the file
summary = import_units(rows)           # TableError listing every problem against the database
str(summary)                           # "Đã nhập 20 đơn vị (3 mới, 17 cập nhật)."
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from cchc_portal import tabular
from units.models import Unit, UnitGroup

UNIT_COLUMNS = ("code", "name", "group")
CODE_MAX = Unit._meta.get_field("code").max_length
NAME_MAX = Unit._meta.get_field("name").max_length


@dataclass(frozen=True)
class UnitRow:
    """One unit as read from a file (row = spreadsheet row number, header = 1)."""

    code: str
    name: str
    group_code: str
    row: int = 0


@dataclass(frozen=True)
class UnitImportSummary:
    created: int
    updated: int

    def __str__(self) -> str:
        total = self.created + self.updated
        return ngettext(
            "Đã nhập %(total)s đơn vị (%(created)s mới, %(updated)s cập nhật).",
            "Đã nhập %(total)s đơn vị (%(created)s mới, %(updated)s cập nhật).",
            total,
        ) % {"total": total, "created": self.created, "updated": self.updated}


def read_unit_rows(data) -> list[UnitRow]:
    """Read a units file (columns code, name, group); raise TableError with every problem."""
    rows = tabular.read_table(data, required=UNIT_COLUMNS)
    problems = tabular.Problems()
    unit_rows = []
    for row in rows:
        values = {}
        for column, limit in (("code", CODE_MAX), ("name", NAME_MAX), ("group", None)):
            text = problems.parse(row, column, tabular.parse_text)
            if text is None:
                continue  # unreadable cell, already reported
            if not text:
                problems.add(row, column, _("không được để trống"))
            elif limit and len(text) > limit:
                problems.add(row, column, _("dài quá %(limit)s ký tự") % {"limit": limit})
            values[column] = text
        if len(values) == 3:
            unit_rows.append(UnitRow(values["code"], values["name"], values["group"], row.number))
    problems.raise_if_any()
    if not unit_rows:
        raise tabular.TableError(_("Tệp không có dữ liệu"))
    return unit_rows


@transaction.atomic
def import_units(rows: Sequence[UnitRow]) -> UnitImportSummary:
    """Create or update units by code, all or nothing; raise TableError with every problem.

    A unit's name and group are replaced by the file's; units absent from the file are left
    alone. Group codes match case-insensitively.
    """
    problems = tabular.Problems()
    groups = {group.code.casefold(): group for group in UnitGroup.objects.all()}
    first_row: dict[str, int] = {}
    for row in rows:
        if row.code in first_row:
            problems.add(
                row.row,
                "code",
                _("mã đơn vị “%(code)s” đã có ở dòng %(first)s")
                % {"code": row.code, "first": first_row[row.code]},
            )
        else:
            first_row[row.code] = row.row
        if row.group_code.casefold() not in groups:
            problems.add(
                row.row,
                "group",
                _("không có khối “%(group)s” (các khối: %(known)s)")
                % {
                    "group": row.group_code,
                    "known": ", ".join(g.code for g in groups.values()),
                },
            )
    problems.raise_if_any()

    existing = {
        unit.code: unit
        for unit in Unit.objects.select_for_update().filter(code__in=[row.code for row in rows])
    }
    to_create, to_update = [], []
    for row in rows:
        group = groups[row.group_code.casefold()]
        unit = existing.get(row.code)
        if unit is None:
            to_create.append(Unit(code=row.code, name=row.name, group=group))
        elif unit.name != row.name or unit.group_id != group.id:
            unit.name, unit.group = row.name, group
            to_update.append(unit)
    Unit.objects.bulk_create(to_create)
    Unit.objects.bulk_update(to_update, ["name", "group"])
    return UnitImportSummary(created=len(to_create), updated=len(rows) - len(to_create))
