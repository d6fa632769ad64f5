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
from scoring.services.bulk import update_rows
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
    specs: list[calc.BandSpec] | None = None,
) -> dict[str, Any]:
    if specs is None:
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


#: What a recompute compares and writes of a DomainResult (besides its result and code).
DOMAIN_FIELDS = ("item", "name", "earned", "max_points", "index", "sort_key")


@transaction.atomic
def recompute_group(
    year: AssessmentYear, group: UnitGroup, unit_ids: Iterable[int] | None = None
) -> list[Result]:
    """Recompute the results of a year and group (or only of `unit_ids`), then its ranks.

    One unit's result is recomputed from its sheet; every unit with a sheet in the group gets a
    result; imported results are left as they are. Bumps the year's results version (the page
    cache's key) in the same transaction, whether or not a figure moved.

    A sheet belongs to the group whose framework it has scores on: `Unit.group` is today's group
    and a unit may have moved since. A sheet without scores goes by its result's group, else by
    its unit's (the same rule as `framework_for`).

    A group of 100 units × 150 items is 15,000 scores: they are read as plain tuples, the units
    computed together (`calculations.compute_units`), and only the results and domain figures
    that moved are written, each kind in one statement (no model saves, no signals: the results
    version is what tells the pages). Returns the group's recomputed results.
    """
    framework = Framework.objects.filter(year=year, group=group).first()
    if framework is None:
        return []
    items = list(framework.items.all())
    specs = item_specs(items)
    bands = list(Band.objects.filter(year=year, group=group))
    specs_of_bands = band_specs(bands)
    caps = cap_specs(BandCap.objects.filter(year=year, group=group))
    deduction_codes = frozenset(item.code for item in items if item.method == Method.DEDUCTION)
    scored = Score.objects.filter(item__framework=framework)
    ranked = Result.objects.filter(year=year, group=group)
    if unit_ids is not None:
        # The subqueries too: a save of one sheet reads one unit's rows, not its group's.
        unit_ids = list(unit_ids)
        scored = scored.filter(sheet__unit_id__in=unit_ids)
        ranked = ranked.filter(unit_id__in=unit_ids)
    sheets = Sheet.objects.filter(
        Q(unit__group=group)
        | Q(pk__in=scored.values("sheet_id"))
        | Q(unit__in=ranked.values("unit_id")),
        year=year,
    )
    if unit_ids is not None:
        sheets = sheets.filter(unit_id__in=unit_ids)
    # (sheet id, unit id, the unit's group id): no model instances.
    group_sheets = list(sheets.values_list("id", "unit_id", "unit__group_id"))
    code_by_id = {item.id: item.code for item in items}
    values_by_sheet: dict[int, dict[str, calc.ScoreValue]] = defaultdict(dict)
    scored_elsewhere: set[int] = set()
    for sheet_id, item_id, points, not_applicable in Score.objects.filter(
        sheet_id__in=[sheet_id for sheet_id, _unit, _group in group_sheets]
    ).values_list("sheet_id", "item_id", "points", "not_applicable"):
        if item_id in code_by_id:
            values_by_sheet[sheet_id][code_by_id[item_id]] = calc.ScoreValue(points, not_applicable)
        else:
            scored_elsewhere.add(sheet_id)

    existing = {
        r.unit_id: r
        for r in Result.objects.filter(
            year=year, unit_id__in=[unit_id for _sheet, unit_id, _group in group_sheets]
        )
    }

    def belongs(sheet_id: int, unit_id: int, unit_group_id: int) -> bool:
        if sheet_id in values_by_sheet or sheet_id in scored_elsewhere:
            return sheet_id in values_by_sheet
        result = existing.get(unit_id)
        return (result.group_id if result else unit_group_id) == group.id

    computed: dict[int, dict[str, calc.ScoreValue]] = {}  # unit id → its values
    for sheet_id, unit_id, unit_group_id in group_sheets:
        result = existing.get(unit_id)
        if not belongs(sheet_id, unit_id, unit_group_id) or (
            result is not None and result.source == ResultSource.IMPORTED
        ):
            continue
        computed[unit_id] = values_by_sheet.get(sheet_id, {})
    figures_by_unit = calc.compute_units(specs, computed, year.rounding, decimals=year.decimals)

    now = timezone.now()
    to_create: list[Result] = []
    to_update: list[Result] = []
    changed: list[Result] = []
    changed_fields: set[str] = set()
    for unit_id, figures in figures_by_unit.items():
        fields = {
            **_result_fields(
                figures, bands, caps, computed[unit_id], deduction_codes, specs_of_bands
            ),
            "group": group,
        }
        result = existing.get(unit_id)
        if result is None:
            to_create.append(Result(unit_id=unit_id, year=year, **fields))
            continue
        to_update.append(result)
        differing = _differing_fields(result, fields)
        if differing:
            for name in differing:
                setattr(result, name, fields[name])
            result.computed_at = now  # a bulk write does not apply auto_now
            changed.append(result)
            changed_fields |= differing
    Result.objects.bulk_create(to_create)
    if changed:
        # Only the fields that changed, in one statement (bulk_update's CASE WHEN per field and
        # row grows with fields × rows).
        names = [*sorted(changed_fields), "computed_at"]
        attname_of = {field.name: field.attname for field in Result._meta.concrete_fields}
        attnames = [attname_of[name] for name in names]
        update_rows(
            Result,
            names,
            [(r.pk, *(getattr(r, attname) for attname in attnames)) for r in changed],
        )
    results = to_create + to_update
    _write_domains(results, figures_by_unit, items)
    rerank_group(year, group)
    AssessmentYear.objects.filter(pk=year.pk).update(results_version=F("results_version") + 1)
    results_changed.send(sender=AssessmentYear, year=year)
    return results


def _write_domains(
    results: list[Result], figures_by_unit: dict[int, calc.UnitFigures], items: list[Item]
) -> None:
    """Each result's domain figures as computed: the rows that moved updated in one statement,
    the new ones inserted, the domains no longer in the framework deleted."""
    domain_items = {item.code: item for item in items if item.parent_id is None}
    wanted: dict[tuple[int, str], tuple[Any, ...]] = {}
    for result in results:
        for node in figures_by_unit[result.unit_id].domains:
            item = domain_items[node.code]
            wanted[(result.pk, node.code)] = (
                item.pk,
                item.name,
                node.earned,
                node.max_points,
                node.index,
                code_sort_key(node.code),
            )
    stored = {
        (result_id, code): (pk, tuple(values))
        for pk, result_id, code, *values in DomainResult.objects.filter(
            result__in=[r.pk for r in results]
        )
        .order_by()
        .values_list("id", "result_id", "code", "item_id", *DOMAIN_FIELDS[1:])
    }
    gone = [pk for key, (pk, _values) in stored.items() if key not in wanted]
    if gone:
        DomainResult.objects.filter(pk__in=gone).delete()
    moved = [
        (stored[key][0], *values)
        for key, values in wanted.items()
        if key in stored and stored[key][1] != values
    ]
    update_rows(DomainResult, DOMAIN_FIELDS, moved)
    DomainResult.objects.bulk_create(
        [
            DomainResult(
                result_id=result_id,
                code=code,
                **dict(zip(("item_id", *DOMAIN_FIELDS[1:]), values, strict=True)),
            )
            for (result_id, code), values in wanted.items()
            if (result_id, code) not in stored
        ]
    )


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
        Result.objects.filter(year=year, group=group)
        .order_by()
        .values_list("id", "index", "rank", "rank_of")
    )
    ranks = calc.rank({pk: index for pk, index, _rank, _of in results})
    update_rows(
        Result,
        ("rank", "rank_of"),
        [
            (pk, ranks[pk], len(results))
            for pk, _index, rank, rank_of in results
            if rank != ranks[pk] or rank_of != len(results)
        ],
    )


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
