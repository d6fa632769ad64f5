"""The items that cost a unit group the most points in a year.

Points lost are `calculations.NodeFigures.lost`: items not scored yet are not lost, they are
counted apart ("chưa chấm").
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring.models import (
    AssessmentYear,
    Result,
    ResultSource,
    Score,
)
from scoring.selectors.common import (
    ZERO,
    Chart,
    chart_label,
    framework_items,
    mark_provisional,
    stored_figures,
)
from scoring.selectors.provisional import (
    GroupProgress,
    Progress,
    group_progress,
    is_provisional,
    progress_of,
)
from units.models import UnitGroup


@dataclass
class ItemLoss:
    code: str
    name: str
    method: str
    max_points: Decimal
    lost: Decimal  # over all units
    units: int  # how many units lost points on it


@dataclass
class UnitLoss:
    result: Result
    earned: Decimal
    max_points: Decimal
    lost: Decimal
    progress: Progress | None = None  # a year not published: how far its appraisal has gone


@dataclass
class MostLost:
    items: list[ItemLoss]
    units_counted: int  # units whose scores are stored (imported results have none)
    units_total: int
    item: ItemLoss | None = None  # the item asked for, with its units
    item_units: list[UnitLoss] = field(default_factory=list)
    item_unscored: list[Result] = field(default_factory=list)  # units yet to be scored on it
    unscored: int = 0  # items not scored yet, over the units counted ("chưa chấm")
    unscored_units: int = 0  # units counted with at least one of them
    unscored_max: Decimal = ZERO  # their maxima
    provisional: bool = False  # a year not published: the points lost so far
    progress: GroupProgress | None = None  # how far the group's appraisal has gone

    def chart(self, limit: int = 15) -> Chart:
        top = self.items[:limit]
        chart: Chart = {
            "labels": [chart_label(f"{entry.code}. {entry.name}", 26) for entry in top],
            "datasets": [{"label": _("Tổng điểm bị mất"), "data": [str(e.lost) for e in top]}],
            "options": {"horizontal": True},
        }
        return mark_provisional(chart, {0: [self.provisional] * len(top)})


def most_lost(year: AssessmentYear, group: UnitGroup, item_code: str | None = None) -> MostLost:
    """The scored items that cost a group's units the most points in a year (3 queries; 4 for
    a year not published, with the appraisal progress), and apart the items not scored yet (for
    `item_code`: the units yet to be scored on it)."""
    results = list(
        Result.objects.filter(year=year, group=group)
        .select_related("unit")
        .order_by("rank", "unit__code")
    )
    for result in results:
        result.year = year  # the page's year: no query per result
    progress = progress_of(results)
    items = framework_items([(year.id, group.id)]).get((year.id, group.id), [])
    scores: dict[int, list[Score]] = defaultdict(list)
    for score in Score.objects.filter(
        sheet__year=year, sheet__unit_id__in=[r.unit_id for r in results]
    ).select_related("sheet"):
        scores[score.sheet.unit_id].append(score)

    lost: dict[str, Decimal] = defaultdict(lambda: ZERO)
    counts: dict[str, int] = defaultdict(int)
    per_unit: list[UnitLoss] = []
    item_unscored: list[Result] = []
    counted = unscored = unscored_units = 0
    unscored_max = ZERO
    for result in results:
        if not scores.get(result.unit_id) or result.source == ResultSource.IMPORTED:
            continue
        counted += 1
        figures = stored_figures(items, scores[result.unit_id], year.rounding, year.decimals)
        unscored += figures.unscored
        unscored_units += 1 if figures.unscored else 0
        unscored_max += figures.unscored_max
        for item in items:
            if not item.is_scored:
                continue
            node = figures.nodes[item.code]
            if node.lost > ZERO:
                lost[item.code] += node.lost
                counts[item.code] += 1
                if item.code == item_code:
                    per_unit.append(
                        UnitLoss(
                            result,
                            node.earned,
                            node.max_points,
                            node.lost,
                            progress.get(result.pk),
                        )
                    )
            elif node.unscored and item.code == item_code:
                item_unscored.append(result)
    entries = [
        ItemLoss(
            item.code, item.name, item.method, item.max_points, lost[item.code], counts[item.code]
        )
        for item in items
        if item.is_scored and counts[item.code]
    ]
    entries.sort(key=lambda entry: -entry.lost)
    chosen = next((e for e in entries if e.code == item_code), None)
    per_unit.sort(key=lambda entry: -entry.lost)
    return MostLost(
        entries,
        counted,
        len(results),
        chosen,
        per_unit if chosen else [],
        item_unscored if chosen else [],
        unscored,
        unscored_units,
        unscored_max,
        is_provisional(year),
        group_progress(progress.get(r.pk) for r in results),
    )
