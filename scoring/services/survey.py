"""Survey points (điều tra xã hội học, ĐTXHH): entered per unit and survey item, or imported."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import partial

from django.db import transaction
from django.utils.translation import gettext as _

from lib import tabular
from scoring.models import AssessmentYear, Framework, Item, Method, Score, Sheet
from scoring.permissions import Account
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.scores import (
    ScoreChange,
    framework_for,
    lock_sheets,
    validate_score_changes,
    write_checked_changes,
)
from units.models import Unit

REQUIRED_COLUMNS = ("unit_code", "item_code", "points")
#: One row per unit and survey item (a 10,000-row file with a wide margin).
SURVEY_FILE_LIMITS = tabular.Limits(rows=50_000, columns=20, cells=500_000)
# What a cell that could not be read becomes (points are never negative): not "empty".
_UNREADABLE = Decimal("-1")


# unit code → item code → points (None clears the item's survey points)
SurveyValues = Mapping[str, Mapping[str, Decimal | None]]


def _survey_problems(
    year: AssessmentYear,
    values: SurveyValues,
    where: Callable[[str, str], str],
    allowed_units: Collection[str] | None,
) -> tuple[list[str], dict[str, Unit], dict[int, Sheet]]:
    """Check every value against units, frameworks and items; `where(unit, item)` prefixes.

    Units outside `allowed_units` (the codes the caller may enter points for, decided by
    `permissions.survey_units`) are refused too; None (a command) allows every unit.
    """
    units = {u.code: u for u in Unit.objects.filter(code__in=list(values)).select_related("group")}
    frameworks = {f.group_id: f for f in Framework.objects.filter(year=year)}
    items: dict[int, dict[str, Item]] = defaultdict(dict)
    for item in Item.objects.filter(framework__year=year):
        items[item.framework_id][item.code] = item
    sheets = {s.unit_id: s for s in Sheet.objects.filter(year=year, unit__in=units.values())}
    # Only the survey items' scores: a value on another item is refused before it is checked.
    code_of = {item.id: item.code for by_code in items.values() for item in by_code.values()}
    stored: dict[int, dict[str, Score]] = defaultdict(dict)
    for score in Score.objects.filter(
        sheet__in=sheets.values(), item__method=Method.SURVEY
    ).order_by():
        stored[score.sheet_id][code_of[score.item_id]] = score
    problems: list[str] = []
    for unit_code, by_item in values.items():
        unit = units.get(unit_code)
        first = next(iter(by_item), "")
        if unit is None:
            problems.append(
                where(unit_code, first) + _("không có đơn vị “%(code)s”.") % {"code": unit_code}
            )
            continue
        if allowed_units is not None and unit_code not in allowed_units:
            problems.append(
                where(unit_code, first)
                + _("bạn không được nhập điểm điều tra xã hội học của đơn vị %(code)s.")
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
            found = items[framework.id].get(item_code)
            if found is not None and found.is_scored and found.method != Method.SURVEY:
                problems.append(
                    where(unit_code, item_code)
                    + _("tiêu chí %(code)s không phải tiêu chí điều tra xã hội học.")
                    % {"code": item_code}
                )
                continue
            problems += validate_score_changes(
                items[framework.id],
                current,
                [ScoreChange(item_code, points=points)],
                partial(_where_item, where, unit_code),
                year.decimals,
            )
    return problems, units, sheets


def _write(
    year: AssessmentYear,
    values: SurveyValues,
    units: dict[str, Unit],
    sheets: dict[int, Sheet],
    *,
    user: Account | None,
    source: str,
) -> int:
    """Apply checked values; recompute each touched group once. Returns the cells written.

    As `apply_score_changes` does for each unit, for all of them at once: the sheets locked (one
    query, by id), the values checked again on the locked scores against the framework each
    unit is scored on, the scores and their history written together, every sheet's version
    bumped.
    """
    lock_sheets(sheet.id for sheet in sheets.values())
    codes = sorted(code for code in values if values[code])
    frameworks = Framework.objects.scored_on_many([units[code] for code in codes], year)
    items: dict[int, dict[str, Item]] = defaultdict(dict)
    for item in Item.objects.filter(framework__year=year):
        items[item.framework_id][item.code] = item
    stored: dict[int, list[Score]] = defaultdict(list)
    for score in Score.objects.filter(
        sheet__in=sheets.values(), item__method=Method.SURVEY
    ).order_by():
        stored[score.sheet_id].append(score)
    failures: list[str] = []
    staged: list[tuple[Unit, Framework, dict[str, Score], list[ScoreChange]]] = []
    for unit_code in codes:
        unit = units[unit_code]
        framework = frameworks[unit.id] or framework_for(unit, year)  # refuses: none
        by_code = items[framework.id]
        sheet = sheets.get(unit.id)
        code_of = {item.id: item.code for item in by_code.values()}
        current = {
            code_of[score.item_id]: score
            for score in (stored[sheet.id] if sheet else [])
            if score.item_id in code_of
        }
        changes = [ScoreChange(code, points=p) for code, p in values[unit_code].items()]
        failures += validate_score_changes(by_code, current, changes, None, year.decimals)
        staged.append((unit, framework, current, changes))
    if failures:
        raise ServiceError(failures)
    write_checked_changes(
        year,
        (
            (unit, sheets.get(unit.id), framework, items[framework.id], current, changes)
            for unit, framework, current, changes in staged
        ),
        user,
        source,
    )
    return sum(len(changes) for *_unit, changes in staged)


@transaction.atomic
def save_survey(
    year: AssessmentYear,
    values: SurveyValues,
    *,
    user: Account | None,
    allowed_units: Collection[str] | None,
    source: str = "form",
) -> int:
    """Save survey points of many units (the grid), all or nothing. Returns the cells saved.

    Refused when the year is published, for an unknown unit, a unit not assessed in the year, an
    item that is not a survey item of the unit's framework, or points outside 0…maximum.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    problems, units, sheets = _survey_problems(year, values, _cell, allowed_units)
    if problems:
        raise ServiceError(problems)
    return _write(year, values, units, sheets, user=user, source=source)


def _where_item(where: Callable[[str, str], str], unit_code: str, change: ScoreChange) -> str:
    return where(unit_code, change.item_code)


def _cell(unit: str, item: str) -> str:
    return _("Đơn vị %(unit)s, tiêu chí %(item)s: ") % {"unit": unit, "item": item}


def survey_problems(
    year: AssessmentYear, values: SurveyValues, *, allowed_units: Collection[str] | None
) -> list[str]:
    """What `save_survey` would refuse in `values`, without writing (the upload's preview)."""
    return _survey_problems(year, values, _cell, allowed_units)[0]


def set_survey_points(
    sheet: Sheet,
    points_by_code: Mapping[str, Decimal | None],
    *,
    user: Account | None,
    source: str = "form",
) -> int:
    """Survey points of one unit (a command, the demo): {item code: points}; see `save_survey`."""
    return save_survey(
        sheet.year,
        {sheet.unit.code: points_by_code},
        user=user,
        allowed_units=None,
        source=source,
    )


@dataclass(frozen=True)
class SurveyImportSummary:
    year: int
    cells: int
    units: int

    def __str__(self) -> str:
        return _(
            "Đã nhập %(cells)s điểm điều tra xã hội học của %(units)s đơn vị năm %(year)s."
        ) % {
            "cells": self.cells,
            "units": self.units,
            "year": self.year,
        }


@transaction.atomic
def import_survey(
    data: tabular.Source,
    year: AssessmentYear,
    *,
    user: Account | None,
    allowed_units: Collection[str] | None,
) -> SurveyImportSummary:
    """Import survey points from a CSV or xlsx file (unit_code, item_code, points).

    All or nothing, every problem listed with its row (the foundation's importers' rules, read
    by `cchc_portal.tabular`): empty cells, duplicate unit and item pairs, unknown units, items
    that are not survey items, points above the maximum. Raises `tabular.TableError` for the
    file and its rows, `ServiceError` for a published year.
    """
    year = AssessmentYear.objects.select_for_update().get(pk=year.pk)
    ensure_not_published(year)
    rows = tabular.read_table(data, required=REQUIRED_COLUMNS, limits=SURVEY_FILE_LIMITS)
    problems = tabular.Problems()
    values: dict[str, dict[str, Decimal]] = defaultdict(dict)
    row_of: dict[tuple[str, str], int] = {}
    for row in rows:
        unit_code = problems.parse(row, "unit_code", tabular.parse_text)
        item_code = problems.parse(row, "item_code", tabular.parse_text)
        points = problems.parse(
            row,
            "points",
            lambda value: tabular.parse_points(value, places=year.decimals),
            default=_UNREADABLE,
        )
        for column, value in (
            ("unit_code", unit_code),
            ("item_code", item_code),
            ("points", points),
        ):
            if value in ("", None):
                problems.add(row, column, _("không được để trống"))
        if not unit_code or not item_code or points is None or points is _UNREADABLE:
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
        year, values, lambda unit, item: f"{row_of.get((unit, item), 0)}\0", allowed_units
    )
    for message in checked:
        number, _sep, text = message.partition("\0")
        problems.add(int(number), None, text)
    problems.raise_if_any()
    cells = _write(year, values, units, sheets, user=user, source="import")
    return SurveyImportSummary(year=year.year, cells=cells, units=len(values))
