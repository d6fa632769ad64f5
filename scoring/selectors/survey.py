"""The survey page's grid: units × survey items with their current points."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from scoring.models import AssessmentYear, Framework, Item, Method, Score
from units.models import Unit, UnitGroup


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
    by_group: dict[int, list[tuple[Unit, dict[str, Decimal | None]]]] = defaultdict(list)
    for unit in units.order_by("code"):
        by_group[unit.group_id].append((unit, points[unit.id]))
    return [
        SurveyGroup(f.group, items_by_group[f.group_id], by_group[f.group_id])
        for f in sorted(frameworks, key=lambda f: (f.group.order, f.group.code))
        if items_by_group[f.group_id] and by_group[f.group_id]
    ]
