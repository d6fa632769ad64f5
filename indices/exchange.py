"""Files of the related indices, read through the one reader (lib/tabular.py).

    rows = read_component_rows(data)   # code, name, max_points: a version's component tree
    rows = read_value_rows(data)       # unit_code, component_code, points: one period's values

Both raise `tabular.TableError` listing every problem of the file, row by row; what the rows say
against the database (unknown unit, component not in the version, …) is `indices.services`'s.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _

from lib import tabular

#: A component tree has tens of rows; a month of 766 values some hundred units × six components.
COMPONENT_LIMITS = tabular.Limits(rows=2_000, columns=10, cells=20_000)
VALUE_LIMITS = tabular.Limits(rows=50_000, columns=10, cells=500_000)


@dataclass(frozen=True)
class ComponentRow:
    code: str
    name: str
    max_points: Decimal
    row: int


@dataclass(frozen=True)
class ValueRow:
    unit_code: str
    component_code: str
    points: Decimal
    row: int


def _blank(problems: tabular.Problems, row: tabular.Row, *columns: str) -> None:
    """An empty cell of a required column, named."""
    for column in columns:
        if row.get(column) is None:
            problems.add(row, column, _("không được để trống"))


def read_component_rows(data: Any) -> list[ComponentRow]:
    rows = tabular.read_table(
        data, required=["code", "name", "max_points"], limits=COMPONENT_LIMITS
    )
    problems = tabular.Problems()
    result: list[ComponentRow] = []
    for row in rows:
        code = problems.parse(row, "code", tabular.parse_text, "")
        name = problems.parse(row, "name", tabular.parse_text, "")
        points = problems.parse(row, "max_points", tabular.parse_points)
        _blank(problems, row, "code", "name", "max_points")
        if code and name and points is not None:
            result.append(ComponentRow(code, name, points, row.number))
    if not rows:
        problems.add(None, None, _("Tệp không có dòng dữ liệu nào."))
    problems.raise_if_any()
    return result


def read_value_rows(data: Any) -> list[ValueRow]:
    rows = tabular.read_table(
        data, required=["unit_code", "component_code", "points"], limits=VALUE_LIMITS
    )
    problems = tabular.Problems()
    result: list[ValueRow] = []
    for row in rows:
        unit = problems.parse(row, "unit_code", tabular.parse_text, "")
        component = problems.parse(row, "component_code", tabular.parse_text, "")
        points = problems.parse(row, "points", tabular.parse_points)
        _blank(problems, row, "unit_code", "component_code", "points")
        if unit and component and points is not None:
            result.append(ValueRow(unit, component, points, row.number))
    if not rows:
        problems.add(None, None, _("Tệp không có dòng dữ liệu nào."))
    problems.raise_if_any()
    return result
