"""The survey page's grid: units × survey items with their current points."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scoring.models import AssessmentYear, Framework, Item, Method, Score
from scoring.selectors.tracker import large_year_group
from units.models import Unit, UnitGroup


@dataclass(frozen=True)
class SurveyScope:
    """The part of a year's survey grid a page shows: every group (`group_code` "") or one.

    `groups` are the year's unit groups with survey items (the page's choice); `one_group_of`
    the year's number of units when a large year shows its first group by default (the
    tracker's rule, `tracker.large_year_group`), else None."""

    groups: list[UnitGroup]
    group_code: str
    one_group_of: int | None = None


def survey_scope(year: AssessmentYear, data: Mapping[str, str]) -> SurveyScope:
    """`?khoi=` (or the form's `khoi`) checked against the year's groups with survey items: an
    unknown or empty value is every group; absent, a large year shows its first group
    (`tracker.large_year_group`)."""
    groups = list(
        UnitGroup.objects.filter(
            frameworks__year=year,
            frameworks__items__method=Method.SURVEY,
            frameworks__items__is_scored=True,
        )
        .distinct()
        .order_by("order", "code")
    )
    if "khoi" in data:
        code = data.get("khoi") or ""
        return SurveyScope(groups, code if code in {g.code for g in groups} else "")
    shown = large_year_group(
        groups, Unit.objects.existing_in(year.year).filter(group__in=groups).order_by().count
    )
    if shown is not None:
        return SurveyScope(groups, shown[0], one_group_of=shown[1])
    return SurveyScope(groups, "")


@dataclass
class SurveyGroup:
    """One unit group's part of the survey grid: its survey items and its units' points."""

    group: UnitGroup
    items: list[Item]
    units: list[tuple[Unit, dict[str, Decimal | None]]]


def survey_grid(year: AssessmentYear, group_code: str = "") -> list[SurveyGroup]:
    """Units × survey items of every group with a framework in the year (fixed query count), or
    of the group `group_code` only.

    The units are those that exist in the year; the values are their current survey points.
    """
    chosen = Framework.objects.filter(year=year).select_related("group")
    if group_code:
        chosen = chosen.filter(group__code=group_code)
    frameworks = list(chosen)
    items_by_group: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(
        framework__in=frameworks, is_scored=True, method=Method.SURVEY
    ).select_related("framework"):
        items_by_group[item.framework.group_id].append(item)
    units = Unit.objects.existing_in(year.year).filter(group__in=[f.group_id for f in frameworks])
    points: dict[int, dict[str, Decimal | None]] = defaultdict(dict)
    scores = Score.objects.filter(
        sheet__year=year, item__method=Method.SURVEY, item__is_scored=True
    )
    if group_code:
        scores = scores.filter(sheet__unit__in=units)
    for unit_id, code, value in scores.values_list("sheet__unit_id", "item__code", "points"):
        points[unit_id][code] = value
    by_group: dict[int, list[tuple[Unit, dict[str, Decimal | None]]]] = defaultdict(list)
    for unit in units.order_by("code"):
        by_group[unit.group_id].append((unit, points[unit.id]))
    return [
        SurveyGroup(f.group, items_by_group[f.group_id], by_group[f.group_id])
        for f in sorted(frameworks, key=lambda f: (f.group.order, f.group.code))
        if items_by_group[f.group_id] and by_group[f.group_id]
    ]
