"""Results: the one path that writes Result and DomainResult rows, from calculations."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import Any

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Band,
    BandCap,
    DomainResult,
    Framework,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
    Sheet,
    code_sort_key,
)
from scoring.signals import results_changed
from scoring.specs import band_specs, cap_reasons, cap_specs, item_specs, rule_spec
from units.models import UnitGroup

ZERO = Decimal("0")


def _result_fields(
    figures: calc.UnitFigures,
    bands: list[Band],
    caps: list[calc.CapSpec] | None = None,
    scores: dict[str, calc.ScoreValue] | None = None,
    deduction_codes: frozenset[str] = frozenset(),
) -> dict[str, Any]:
    specs = band_specs(bands)
    capped = calc.classify_capped(figures.index, specs, caps or [], figures, scores or {})
    band = capped.band
    band_obj = next((b for b in bands if band and b.label == band.label), None)
    return {
        "appraisal": figures.appraisal,
        "appraisal_max": figures.appraisal_max,
        "survey": figures.survey,
        "survey_max": figures.survey_max,
        "bonus": figures.bonus,
        "deduction": figures.deduction,
        "total": figures.total,
        "max_points": figures.max_points,
        "index": figures.index,
        "band": band_obj,
        "band_label": band_obj.label if band_obj else "",
        "uncapped_label": capped.uncapped.label if capped.is_capped and capped.uncapped else "",
        "cap_reason": cap_reasons(capped.fired, specs, deduction_codes),
    }


@transaction.atomic
def recompute_group(
    year: AssessmentYear, group: UnitGroup, unit_ids: Iterable[int] | None = None
) -> list[Result]:
    """Recompute the results of a year and group (or only of `unit_ids`), then its ranks.

    One unit's result is recomputed from its sheet; every unit with a sheet in the group gets a
    result; imported results are left as they are. Bumps the year's results version.

    A sheet belongs to the group whose framework it has scores on: `Unit.group` is today's group
    and a unit may have moved since. A sheet without scores goes by its result's group, else by
    its unit's (the same rule as `framework_for`).
    """
    framework = Framework.objects.filter(year=year, group=group).first()
    if framework is None:
        return []
    items = list(framework.items.all())
    specs = item_specs(items)
    bands = list(Band.objects.filter(year=year, group=group))
    caps = cap_specs(BandCap.objects.filter(year=year, group=group))
    deduction_codes = frozenset(item.code for item in items if item.method == Method.DEDUCTION)
    sheets = Sheet.objects.filter(
        Q(unit__group=group)
        | Q(pk__in=Score.objects.filter(item__framework=framework).values("sheet_id"))
        | Q(unit__in=Result.objects.filter(year=year, group=group).values("unit_id")),
        year=year,
    ).select_related("unit")
    if unit_ids is not None:
        sheets = sheets.filter(unit_id__in=list(unit_ids))
    group_sheets = list(sheets)
    # Plain tuples, not model instances: a group is ~100 sheets × ~150 scores.
    code_by_id = {item.id: item.code for item in items}
    values_by_sheet: dict[int, dict[str, calc.ScoreValue]] = defaultdict(dict)
    scored_elsewhere: set[int] = set()
    for sheet_id, item_id, points, not_applicable in Score.objects.filter(
        sheet__in=group_sheets
    ).values_list("sheet_id", "item_id", "points", "not_applicable"):
        if item_id in code_by_id:
            values_by_sheet[sheet_id][code_by_id[item_id]] = calc.ScoreValue(points, not_applicable)
        else:
            scored_elsewhere.add(sheet_id)

    existing = {
        r.unit_id: r
        for r in Result.objects.filter(year=year, unit_id__in=[s.unit_id for s in group_sheets])
    }

    def belongs(sheet: Sheet) -> bool:
        if sheet.id in values_by_sheet or sheet.id in scored_elsewhere:
            return sheet.id in values_by_sheet
        result = existing.get(sheet.unit_id)
        return (result.group_id if result else sheet.unit.group_id) == group.id

    now = timezone.now()
    to_create, to_update, changed, figures_by_unit = [], [], [], {}
    changed_fields: set[str] = set()
    for sheet in group_sheets:
        result = existing.get(sheet.unit_id)
        if not belongs(sheet) or (result is not None and result.source == ResultSource.IMPORTED):
            continue
        values = values_by_sheet.get(sheet.id, {})
        figures = calc.compute_unit(specs, values, year.rounding, decimals=year.decimals)
        figures_by_unit[sheet.unit_id] = figures
        fields = {
            **_result_fields(figures, bands, caps, values, deduction_codes),
            "group": group,
        }
        if result is None:
            to_create.append(Result(unit_id=sheet.unit_id, year=year, **fields))
            continue
        to_update.append(result)
        differing = _differing_fields(result, fields)
        if differing:
            for name in differing:
                setattr(result, name, fields[name])
            result.computed_at = now  # bulk_update does not apply auto_now
            changed.append(result)
            changed_fields |= differing
    Result.objects.bulk_create(to_create)
    if changed:
        # Only the fields that changed: bulk_update's cost grows with fields × rows.
        Result.objects.bulk_update(changed, [*sorted(changed_fields), "computed_at"])
    results = to_create + to_update
    DomainResult.objects.filter(result__in=results).delete()
    domain_items = {item.code: item for item in items if item.parent_id is None}
    DomainResult.objects.bulk_create(
        [
            DomainResult(
                result=result,
                item=domain_items[node.code],
                code=node.code,
                name=domain_items[node.code].name,
                earned=node.earned,
                max_points=node.max_points,
                index=node.index,
                sort_key=code_sort_key(node.code),
            )
            for result in results
            for node in figures_by_unit[result.unit_id].domains
        ]
    )
    rerank_group(year, group)
    AssessmentYear.objects.filter(pk=year.pk).update(results_version=F("results_version") + 1)
    results_changed.send(sender=AssessmentYear, year=year)
    return results


def _differing_fields(result: Result, fields: dict[str, Any]) -> set[str]:
    # Foreign keys by id: reading `result.band` would cost a query per result.
    return {
        name
        for name, value in fields.items()
        if (
            getattr(result, f"{name}_id") != (value.pk if value is not None else None)
            if name in ("band", "group")
            else getattr(result, name) != value
        )
    }


def _result_fields_names() -> list[str]:
    return [
        "appraisal",
        "appraisal_max",
        "survey",
        "survey_max",
        "bonus",
        "deduction",
        "total",
        "max_points",
        "index",
        "band",
        "band_label",
        "uncapped_label",
        "cap_reason",
    ]


def rerank_group(year: AssessmentYear, group: UnitGroup) -> None:
    """Store every rank of a year and group, from the rounded indices (calculations.rank)."""
    results = list(
        Result.objects.filter(year=year, group=group).only("id", "index", "rank", "rank_of")
    )
    ranks = calc.rank({r.id: r.index for r in results})
    changed = []
    for r in results:
        if r.rank != ranks[r.id] or r.rank_of != len(results):
            r.rank, r.rank_of = ranks[r.id], len(results)
            changed.append(r)
    Result.objects.bulk_update(changed, ["rank", "rank_of"])


def derive_rule_points(score: Score, item: Item, year: AssessmentYear) -> None:
    """A rule item's points from its values (`calculations.rule_points`), rounded at the item
    to the year's decimals by its rounding mode; no value, no points."""
    spec = rule_spec(item)
    if spec is None:
        return
    for value_name, points_name in (("self_value", "self_points"), ("value", "points")):
        value = getattr(score, value_name)
        setattr(
            score,
            points_name,
            None
            if value is None
            else calc.rule_points(
                spec,
                item.max_points,
                value,
                year.rounding,
                year.decimals,
                deduction=item.method == Method.DEDUCTION,
            ),
        )


def rederive_rule_points(year: AssessmentYear) -> int:
    """Recompute the points of every rule item's score of a year from its values, by the year's
    current decimals and rounding (after a change of either); returns how many scores changed.
    The caller recomputes the results."""
    changed = []
    scores = Score.objects.filter(sheet__year=year, item__framework__year=year).exclude(
        item__rule=""
    )
    for score in scores.select_related("item"):
        before = (score.self_points, score.points)
        derive_rule_points(score, score.item, year)
        if (score.self_points, score.points) != before:
            changed.append(score)
    Score.objects.bulk_update(changed, ["self_points", "points"])
    return len(changed)


def recompute_year(year: AssessmentYear) -> None:
    """Recompute every group's results of a year."""
    with transaction.atomic():
        for framework in Framework.objects.filter(year=year).select_related("group"):
            recompute_group(year, framework.group)
