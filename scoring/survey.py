"""Survey points (điều tra XHH): entered by Sở Nội vụ per unit and survey item, or imported.

Survey points are the points that count on survey items; units never self-score them. They may
be entered until the year is published (the survey runs alongside the self-assessment and the
appraisal). Both the grid and the file are all or nothing: one wrong cell and nothing is saved.
Writes go through `services.apply_score_changes` (history with source "form" or "import"),
then each touched group's results and ranks are recomputed once, in the same transaction.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from cchc_portal import tabular
from scoring import services
from scoring.models import AssessmentYear, Framework, Item, Method, Score, Sheet
from scoring.services import ScoreChange, ServiceError
from units.models import Unit, UnitGroup

REQUIRED_COLUMNS = ("unit_code", "item_code", "points")

# unit code → item code → points (None clears the item's survey points)
SurveyValues = Mapping[str, Mapping[str, Decimal | None]]


@dataclass
class SurveyGroup:
    """One unit group's part of the survey grid: its survey items and its units' points."""

    group: UnitGroup
    items: list[Item]
    units: list[tuple[Unit, dict[str, Decimal | None]]]


def survey_grid(year: AssessmentYear) -> list[SurveyGroup]:
    """Units × survey items of every group with a framework in the year (fixed query count).

    The units are those that exist in the year; the values are their current survey points.
    """
    frameworks = list(Framework.objects.filter(year=year).select_related("group"))
    items_by_group: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(
        framework__in=frameworks, is_scored=True, method=Method.SURVEY
    ).select_related("framework"):
        items_by_group[item.framework.group_id].append(item)
    units = Unit.objects.existing_in(year.year).filter(group__in=[f.group_id for f in frameworks])
    points: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    for unit_id, code, value in Score.objects.filter(
        sheet__year=year, item__method=Method.SURVEY, item__is_scored=True
    ).values_list("sheet__unit_id", "item__code", "points"):
        points[unit_id][code] = value
    by_group: dict[int, list[tuple[Unit, dict]]] = defaultdict(list)
    for unit in units.order_by("code"):
        by_group[unit.group_id].append((unit, points[unit.id]))
    return [
        SurveyGroup(f.group, items_by_group[f.group_id], by_group[f.group_id])
        for f in sorted(frameworks, key=lambda f: (f.group.order, f.group.code))
        if items_by_group[f.group_id] and by_group[f.group_id]
    ]


def _survey_problems(
    year: AssessmentYear, values: SurveyValues, where, user
) -> tuple[list[str], dict[str, Unit], dict[int, Sheet]]:
    """Check every value against units, frameworks and items; `where(unit, item)` prefixes.

    With a `user`, units they may not enter survey points for (`scoring.enter_survey`: not
    their own unit) are refused too; None (a command) skips that check.
    """
    units = {u.code: u for u in Unit.objects.filter(code__in=list(values)).select_related("group")}
    frameworks = {f.group_id: f for f in Framework.objects.filter(year=year)}
    items: dict[int, dict[str, Item]] = defaultdict(dict)
    for item in Item.objects.filter(framework__year=year):
        items[item.framework_id][item.code] = item
    sheets = {s.unit_id: s for s in Sheet.objects.filter(year=year, unit__in=units.values())}
    stored: dict[int, dict[str, Score]] = defaultdict(dict)
    for score in Score.objects.filter(sheet__in=sheets.values()).select_related("item"):
        stored[score.sheet_id][score.item.code] = score
    problems: list[str] = []
    for unit_code, by_item in values.items():
        unit = units.get(unit_code)
        first = next(iter(by_item), "")
        if unit is None:
            problems.append(
                where(unit_code, first) + _("không có đơn vị “%(code)s”.") % {"code": unit_code}
            )
            continue
        if user is not None and not user.has_perm(
            "scoring.enter_survey", Sheet(unit=unit, year=year)
        ):
            problems.append(
                where(unit_code, first)
                + _("bạn không được nhập điểm điều tra XHH của đơn vị %(code)s.")
                % {"code": unit_code}
            )
            continue
        framework = frameworks.get(unit.group_id)
        if not unit.exists_in(year.year) or framework is None:
            problems.append(
                where(unit_code, first)
                + _("đơn vị %(code)s không được đánh giá năm %(year)s.")
                % {"code": unit_code, "year": year.year}
            )
            continue
        sheet = sheets.get(unit.id)
        current = stored[sheet.id] if sheet else {}
        for item_code, points in by_item.items():
            item = items[framework.id].get(item_code)
            if item is not None and item.is_scored and item.method != Method.SURVEY:
                problems.append(
                    where(unit_code, item_code)
                    + _("tiêu chí %(code)s không phải tiêu chí điều tra XHH.") % {"code": item_code}
                )
                continue
            problems += services.validate_score_changes(
                items[framework.id],
                current,
                [ScoreChange(item_code, points=points)],
                lambda change, unit_code=unit_code: where(unit_code, change.item_code),
            )
    return problems, units, sheets


def _write(
    year: AssessmentYear, values: SurveyValues, units: dict[str, Unit], sheets, *, user, source
) -> int:
    """Apply checked values; recompute each touched group once. Returns the cells written."""
    touched: dict[int, tuple[UnitGroup, list[int]]] = {}
    count = 0
    for unit_code in sorted(values):
        unit = units[unit_code]
        changes = [ScoreChange(code, points=p) for code, p in values[unit_code].items()]
        if not changes:
            continue
        sheet = sheets.get(unit.id) or services.get_or_create_sheet(unit, year)
        services.apply_score_changes(sheet, changes, user=user, source=source, recompute=False)
        touched.setdefault(unit.group_id, (unit.group, []))[1].append(unit.id)
        count += len(changes)
    for group, unit_ids in touched.values():
        services.recompute_group(year, group, unit_ids=unit_ids)
    return count


@transaction.atomic
def save_survey(year: AssessmentYear, values: SurveyValues, *, user, source: str = "form") -> int:
    """Save survey points of many units (the grid), all or nothing. Returns the cells saved.

    Refused when the year is published, for an unknown unit, a unit not assessed in the year, an
    item that is not a survey item of the unit's framework, or points outside 0…maximum.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    services.ensure_not_published(year)
    problems, units, sheets = _survey_problems(
        year,
        values,
        lambda unit, item: _("Đơn vị %(unit)s, tiêu chí %(item)s: ") % {"unit": unit, "item": item},
        user,
    )
    if problems:
        raise ServiceError(problems)
    return _write(year, values, units, sheets, user=user, source=source)


def set_survey_points(
    sheet: Sheet, points_by_code: Mapping[str, Decimal | None], *, user, source: str = "form"
) -> int:
    """Survey points of one unit: {item code: points}; see `save_survey`."""
    return save_survey(sheet.year, {sheet.unit.code: points_by_code}, user=user, source=source)


# --------------------------------------------------------------------------- the file


@dataclass(frozen=True)
class SurveyImportSummary:
    year: int
    cells: int
    units: int

    def __str__(self) -> str:
        return _("Đã nhập %(cells)s điểm điều tra XHH của %(units)s đơn vị năm %(year)s.") % {
            "cells": self.cells,
            "units": self.units,
            "year": self.year,
        }


@transaction.atomic
def import_survey(data, year: AssessmentYear, *, user) -> SurveyImportSummary:
    """Import survey points from a CSV or xlsx file (unit_code, item_code, points).

    All or nothing, every problem listed with its row (the foundation's importers' rules, read
    by `cchc_portal.tabular`): empty cells, duplicate unit and item pairs, unknown units, items
    that are not survey items, points above the maximum. Raises `tabular.TableError` for the
    file and its rows, `ServiceError` for a published year.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    services.ensure_not_published(year)
    rows = tabular.read_table(data, required=REQUIRED_COLUMNS)
    problems = tabular.Problems()
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    row_of: dict[tuple[str, str], int] = {}
    for row in rows:
        unit_code = problems.parse(row, "unit_code", tabular.parse_text)
        item_code = problems.parse(row, "item_code", tabular.parse_text)
        points = problems.parse(row, "points", tabular.parse_points, default=...)
        for column, value in (
            ("unit_code", unit_code),
            ("item_code", item_code),
            ("points", points),
        ):
            if value in ("", None):
                problems.add(row, column, _("không được để trống"))
        if not unit_code or not item_code or points in (None, ...):
            continue
        key = (unit_code, item_code)
        if key in row_of:
            problems.add(
                row,
                None,
                _("đơn vị %(unit)s, tiêu chí %(item)s đã có ở dòng %(first)s.")
                % {"unit": unit_code, "item": item_code, "first": row_of[key]},
            )
            continue
        row_of[key] = row.number
        values[unit_code][item_code] = points
    if not rows:
        problems.add(None, None, _("Tệp không có dữ liệu"))
    # Each message is filed under its row: where() prefixes it with "row number\0".
    checked, units, sheets = _survey_problems(
        year, values, lambda unit, item: f"{row_of.get((unit, item), 0)}\0", user
    )
    for message in checked:
        number, _sep, text = message.partition("\0")
        problems.add(int(number), None, text)
    problems.raise_if_any()
    cells = _write(year, values, units, sheets, user=user, source="import")
    return SurveyImportSummary(year=year.year, cells=cells, units=len(values))
