"""Database work on scores and results, each in one transaction.

Views, admin actions, importers and commands call these; none of them writes scores or results
directly. Every accepted change of points recomputes the unit's result and its group's ranks in
the same transaction, so pages always read figures that match the scores.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.translation import gettext as _
from simple_history.utils import bulk_create_with_history, bulk_update_with_history

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Band,
    DomainResult,
    Framework,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
    Sheet,
    YearState,
    code_sort_key,
)
from units.models import Unit, UnitGroup

ZERO = Decimal("0")


class ServiceError(Exception):
    """A refused operation; `messages` are Vietnamese sentences for the user."""

    def __init__(self, messages: str | Sequence[str]):
        self.messages = [messages] if isinstance(messages, str) else list(messages)
        super().__init__("; ".join(self.messages))


# --------------------------------------------------------------------------- frameworks


def item_specs(items: Iterable[Item]) -> list[calc.ItemSpec]:
    """The calculations' view of a framework's items (parents looked up by id, in memory)."""
    items = list(items)
    code_by_id = {item.id: item.code for item in items}
    return [
        calc.ItemSpec(
            code=item.code,
            max_points=item.max_points,
            parent_code=code_by_id.get(item.parent_id),
            is_scored=item.is_scored,
            method=item.method or Method.APPRAISAL,
            name=item.name,
        )
        for item in items
    ]


def band_specs(bands: Iterable[Band]) -> list[calc.BandSpec]:
    return [calc.BandSpec(band.label, band.min_index) for band in bands]


def ensure_not_published(year: AssessmentYear) -> None:
    if year.state == YearState.PUBLISHED:
        raise ServiceError(
            _("Năm %(year)s đã công bố kết quả: không thể thay đổi (cần mở lại năm trước).")
            % {"year": year.year}
        )


@dataclass(frozen=True)
class ItemRow:
    """One row of a framework as read from a file or a form (row = spreadsheet row number)."""

    code: str
    name: str
    max_points: Decimal | None
    method: str = ""
    guidance: str = ""
    na_allowed: bool = False
    evidence_required: bool = False
    row: int = 0


def validate_framework_rows(rows: Sequence[ItemRow]) -> list[str]:
    """Check a framework tree; return every problem found (empty list: the tree is valid).

    Every node has a row; the parent of 1.2.3 is 1.2; leaves are the scored items and need a
    method; a parent's method, if given, must match all its items; a parent's maximum may be
    empty and, if given, must equal the sum of its children.
    """
    problems: list[str] = []
    by_code: dict[str, ItemRow] = {}
    for row in rows:
        code = row.code.strip()
        if not code or any(not part for part in code.split(".")):
            problems.append(
                _("Dòng %(row)s: mã tiêu chí “%(code)s” không hợp lệ.")
                % {"row": row.row, "code": row.code}
            )
            continue
        if code in by_code:
            problems.append(
                _("Dòng %(row)s: mã tiêu chí %(code)s bị trùng.") % {"row": row.row, "code": code}
            )
            continue
        by_code[code] = row
    children: dict[str, list[str]] = defaultdict(list)
    for code, row in by_code.items():
        if "." in code:
            parent = code.rsplit(".", 1)[0]
            if parent not in by_code:
                problems.append(
                    _("Dòng %(row)s: tiêu chí %(code)s thiếu tiêu chí cha %(parent)s.")
                    % {"row": row.row, "code": code, "parent": parent}
                )
            children[parent].append(code)
        if row.method and row.method not in Method.values:
            problems.append(
                _("Dòng %(row)s, cột method: “%(method)s” không hợp lệ (appraisal hoặc survey).")
                % {"row": row.row, "method": row.method}
            )
    if problems:
        return problems

    def check(code: str) -> tuple[Decimal, set[str]]:
        row = by_code[code]
        kids = children.get(code, [])
        if not kids:
            if not row.method:
                problems.append(
                    _(
                        "Dòng %(row)s, cột method: tiêu chí được chấm %(code)s cần phương pháp (appraisal hoặc survey)."
                    )
                    % {"row": row.row, "code": code}
                )
            if row.max_points is None:
                problems.append(
                    _("Dòng %(row)s, cột max_points: tiêu chí được chấm %(code)s cần điểm tối đa.")
                    % {"row": row.row, "code": code}
                )
                return ZERO, {row.method}
            if row.max_points < 0 or row.max_points != row.max_points.quantize(calc.CENT):
                problems.append(
                    _(
                        "Dòng %(row)s, cột max_points: điểm tối đa của %(code)s không được âm và có tối đa 2 chữ số thập phân."
                    )
                    % {"row": row.row, "code": code}
                )
            return row.max_points, {row.method}
        total, methods = ZERO, set()
        for kid in kids:
            kid_total, kid_methods = check(kid)
            total += kid_total
            methods |= kid_methods
        if row.max_points is not None and row.max_points != total:
            problems.append(
                _(
                    "Dòng %(row)s, cột max_points: điểm tối đa của %(code)s là %(given)s nhưng tổng các tiêu chí con là %(sum)s."
                )
                % {
                    "row": row.row,
                    "code": code,
                    "given": number_format(row.max_points, 2),
                    "sum": number_format(total, 2),
                }
            )
        if row.method and methods != {row.method}:
            problems.append(
                _(
                    "Dòng %(row)s, cột method: %(code)s ghi “%(method)s” nhưng không phải mọi tiêu chí con đều như vậy."
                )
                % {"row": row.row, "code": code, "method": row.method}
            )
        return total, methods

    for code in by_code:
        if "." not in code:
            check(code)
    if not by_code:
        problems.append(_("Bộ chỉ số không có tiêu chí nào."))
    return problems


@transaction.atomic
def replace_framework(year: AssessmentYear, group: UnitGroup, rows: Sequence[ItemRow]) -> Framework:
    """Replace a year and group's framework with `rows`, all or nothing, and recompute results.

    Refused when the year is published or when the framework already has scores. Sheets without
    scores may already have results: their maxima and domains follow the new tree.
    """
    ensure_not_published(year)
    problems = validate_framework_rows(rows)
    if problems:
        raise ServiceError(problems)
    framework, _created = Framework.objects.select_for_update().get_or_create(
        year=year, group=group
    )
    if Score.objects.filter(item__framework=framework).exists():
        raise ServiceError(
            _("Bộ chỉ số %(group)s năm %(year)s đã có điểm chấm: không thể thay thế.")
            % {"group": group.code, "year": year.year}
        )
    framework.items.all().delete()
    build_items(framework, rows)
    recompute_group(year, group)
    return framework


def build_items(framework: Framework, rows: Sequence[ItemRow]) -> list[Item]:
    """Create a validated tree of items in bulk; parents' maxima and methods are derived."""
    rows = sorted(rows, key=lambda r: code_sort_key(r.code.strip()))
    codes = {row.code.strip() for row in rows}
    parent_codes = {code.rsplit(".", 1)[0] for code in codes if "." in code}
    leaf_sum: dict[str, Decimal] = defaultdict(lambda: ZERO)
    methods: dict[str, set[str]] = defaultdict(set)
    for row in rows:
        code = row.code.strip()
        if code in parent_codes:
            continue
        parts = code.split(".")
        for depth in range(1, len(parts) + 1):
            ancestor = ".".join(parts[:depth])
            leaf_sum[ancestor] += row.max_points or ZERO
            methods[ancestor].add(row.method)
    created: dict[str, Item] = {}
    # Create level by level so that parents have ids before their children.
    by_depth: dict[int, list[ItemRow]] = defaultdict(list)
    for row in rows:
        by_depth[row.code.strip().count(".")].append(row)
    for depth in sorted(by_depth):
        batch = []
        for row in by_depth[depth]:
            code = row.code.strip()
            node_methods = methods[code]
            batch.append(
                Item(
                    framework=framework,
                    parent=created.get(code.rsplit(".", 1)[0]) if "." in code else None,
                    code=code,
                    sort_key=code_sort_key(code),
                    depth=depth + 1,
                    name=row.name.strip(),
                    max_points=leaf_sum[code],
                    method=next(iter(node_methods)) if len(node_methods) == 1 else "",
                    is_scored=code not in parent_codes,
                    guidance=row.guidance,
                    na_allowed=row.na_allowed,
                    evidence_required=row.evidence_required,
                )
            )
        for item in Item.objects.bulk_create(batch):
            created[item.code] = item
    return list(created.values())


@transaction.atomic
def set_bands(
    year: AssessmentYear, group: UnitGroup, bands: Sequence[tuple[str, Decimal]]
) -> list[Band]:
    """Replace a year and group's classification bands and reclassify its results."""
    ensure_not_published(year)
    problems = []
    labels = [label.strip() for label, _minimum in bands]
    minima = [minimum for _label, minimum in bands]
    if not bands:
        problems.append(_("Cần ít nhất một mức xếp loại."))
    if len(set(labels)) != len(labels):
        problems.append(_("Tên mức xếp loại bị trùng."))
    if len(set(minima)) != len(minima):
        problems.append(_("Hai mức xếp loại có cùng chỉ số tối thiểu."))
    for label, minimum in zip(labels, minima, strict=True):
        if not label:
            problems.append(_("Tên mức xếp loại không được để trống."))
        if minimum < 0 or minimum > 100 or minimum != minimum.quantize(calc.CENT):
            problems.append(
                _("Mức “%(label)s”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.")
                % {"label": label}
            )
    if problems:
        raise ServiceError(problems)
    Result.objects.filter(year=year, group=group).update(band=None)
    Band.objects.filter(year=year, group=group).delete()
    created = Band.objects.bulk_create(
        [
            Band(year=year, group=group, label=label, min_index=minimum)
            for label, minimum in zip(labels, minima, strict=True)
        ]
    )
    # Imported results are never reclassified: they keep their published label, and its band
    # when the new set still has one of that name.
    for band in created:
        Result.objects.filter(
            year=year, group=group, source=ResultSource.IMPORTED, band_label=band.label
        ).update(band=band)
    recompute_group(year, group)
    return created


@transaction.atomic
def copy_year(
    source: AssessmentYear, target_year: int, owner_name: str | None = None
) -> AssessmentYear:
    """Start a new year from an earlier one: every framework and band set, no scores."""
    target, _created = AssessmentYear.objects.get_or_create(
        year=target_year,
        defaults={
            "owner_name": source.owner_name if owner_name is None else owner_name,
            "rounding": source.rounding,
        },
    )
    ensure_not_published(target)
    if target.frameworks.exists() or target.bands.exists():
        raise ServiceError(
            _("Năm %(year)s đã có bộ chỉ số hoặc mức xếp loại: không sao chép đè.")
            % {"year": target_year}
        )
    for framework in source.frameworks.select_related("group"):
        new = Framework.objects.create(year=target, group=framework.group, name=framework.name)
        items = list(framework.items.all())
        rows = [
            ItemRow(
                code=item.code,
                name=item.name,
                max_points=item.max_points if item.is_scored else None,
                method=item.method if item.is_scored else "",
                guidance=item.guidance,
                na_allowed=item.na_allowed,
                evidence_required=item.evidence_required,
            )
            for item in items
        ]
        build_items(new, rows)
    Band.objects.bulk_create(
        [
            Band(year=target, group_id=b.group_id, label=b.label, min_index=b.min_index)
            for b in source.bands.all()
        ]
    )
    return target


# --------------------------------------------------------------------------- results


def _result_fields(figures: calc.UnitFigures, bands: list[Band]) -> dict:
    band = calc.classify(figures.index, band_specs(bands))
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
    sheets = Sheet.objects.filter(
        Q(unit__group=group)
        | Q(pk__in=Score.objects.filter(item__framework=framework).values("sheet_id"))
        | Q(unit__in=Result.objects.filter(year=year, group=group).values("unit_id")),
        year=year,
    ).select_related("unit")
    if unit_ids is not None:
        sheets = sheets.filter(unit_id__in=list(unit_ids))
    sheets = list(sheets)
    # Plain tuples, not model instances: a group is ~100 sheets × ~150 scores.
    code_by_id = {item.id: item.code for item in items}
    values_by_sheet: dict[int, dict[str, calc.ScoreValue]] = defaultdict(dict)
    scored_elsewhere: set[int] = set()
    for sheet_id, item_id, points, not_applicable in Score.objects.filter(
        sheet__in=sheets
    ).values_list("sheet_id", "item_id", "points", "not_applicable"):
        if item_id in code_by_id:
            values_by_sheet[sheet_id][code_by_id[item_id]] = calc.ScoreValue(points, not_applicable)
        else:
            scored_elsewhere.add(sheet_id)

    existing = {
        r.unit_id: r
        for r in Result.objects.filter(year=year, unit_id__in=[s.unit_id for s in sheets])
    }

    def belongs(sheet: Sheet) -> bool:
        if sheet.id in values_by_sheet or sheet.id in scored_elsewhere:
            return sheet.id in values_by_sheet
        result = existing.get(sheet.unit_id)
        return (result.group_id if result else sheet.unit.group_id) == group.id

    now = timezone.now()
    to_create, to_update, changed, figures_by_unit = [], [], [], {}
    changed_fields: set[str] = set()
    for sheet in sheets:
        result = existing.get(sheet.unit_id)
        if not belongs(sheet) or (result is not None and result.source == ResultSource.IMPORTED):
            continue
        figures = calc.compute_unit(specs, values_by_sheet.get(sheet.id, {}), year.rounding)
        figures_by_unit[sheet.unit_id] = figures
        fields = {**_result_fields(figures, bands), "group": group}
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
    return results


def _differing_fields(result: Result, fields: dict) -> set[str]:
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


def recompute_year(year: AssessmentYear) -> None:
    """Recompute every group's results of a year."""
    with transaction.atomic():
        for framework in Framework.objects.filter(year=year).select_related("group"):
            recompute_group(year, framework.group)


def recompute_unit(sheet: Sheet) -> None:
    """Recompute one sheet's result and its group's ranks (called inside the saving transaction)."""
    framework = _framework_of(sheet.unit, sheet.year)
    if framework is not None:
        recompute_group(sheet.year, framework.group, unit_ids=[sheet.unit_id])


def _framework_of(unit: Unit, year: AssessmentYear) -> Framework | None:
    # `Unit.group` is today's group: a unit may have moved since it was scored in `year`.
    # From the unit's sheet to one of its scores, unordered: a join from the frameworks, sorted
    # for .first(), took ~0.1 s per unit on PostgreSQL (a 100-unit import: 20 s).
    scored_on = list(
        Score.objects.filter(sheet__unit=unit, sheet__year=year, item__framework__year=year)
        .order_by()
        .values_list("item__framework_id", flat=True)[:1]
    )
    if scored_on:
        return Framework.objects.select_related("group").get(pk=scored_on[0])
    result_group = (
        Result.objects.filter(unit=unit, year=year).values_list("group_id", flat=True).first()
    )
    return (
        Framework.objects.filter(year=year, group_id=result_group or unit.group_id)
        .select_related("group")
        .first()
    )


# --------------------------------------------------------------------------- scores


@dataclass(frozen=True)
class ScoreChange:
    """A change to one score. A field left as UNSET is not touched; None clears it."""

    item_code: str
    self_points: Decimal | None | object = ...
    points: Decimal | None | object = ...
    not_applicable: bool | object = ...
    note: str | object = ...
    reason: str | object = ...
    row: int = 0


UNSET = ...
CLEARED = {"not_applicable": False, "note": "", "reason": ""}


def get_or_create_sheet(unit: Unit, year: AssessmentYear) -> Sheet:
    sheet, _created = Sheet.objects.get_or_create(unit=unit, year=year)
    return sheet


def framework_for(unit: Unit, year: AssessmentYear) -> Framework:
    """The framework a unit is scored on in a year; refused if there is none.

    That is the framework its sheet has scores on, else its result's group's, else its group's:
    `Unit.group` is today's group and a unit may have moved since (see `recompute_group`).
    """
    framework = _framework_of(unit, year)
    if framework is None:
        raise ServiceError(
            _("Chưa có bộ chỉ số năm %(year)s cho khối %(group)s.")
            % {"year": year.year, "group": unit.group.name}
        )
    return framework


def validate_score_changes(
    items_by_code: dict[str, Item],
    current: dict[str, Score],
    changes: Sequence[ScoreChange],
    where: Callable[[ScoreChange], str] | None = None,
) -> list[str]:
    """Check changes against the framework; return every problem (empty list: all valid).

    Without `where` each message is a sentence of its own. With it, a message follows the place
    `where(change)` gives (e.g. "Dòng 7: "), as written, even when the place is empty: importers
    file the bare message under their own row.
    """
    problems = []
    for change in changes:
        item = items_by_code.get(change.item_code)
        prefix = where(change) if where is not None else None
        if item is None or not item.is_scored:
            problems.append(
                _placed(
                    prefix,
                    _("tiêu chí “%(code)s” không có (hoặc không được chấm) trong bộ chỉ số.")
                    % {"code": change.item_code},
                )
            )
            continue
        score = current.get(item.code)
        na = (
            change.not_applicable
            if change.not_applicable is not UNSET
            else (score.not_applicable if score else False)
        )
        self_points = (
            change.self_points
            if change.self_points is not UNSET
            else (score.self_points if score else None)
        )
        points = change.points if change.points is not UNSET else (score.points if score else None)
        for label, value in (
            (_("điểm tự đánh giá"), change.self_points),
            (_("điểm"), change.points),
        ):
            if value is UNSET or value is None:
                continue
            if value < 0:
                problems.append(_placed(prefix, _("%(field)s không được âm.") % {"field": label}))
            elif value != value.quantize(calc.CENT):
                problems.append(
                    _placed(prefix, _("%(field)s có tối đa 2 chữ số thập phân.") % {"field": label})
                )
            elif value > item.max_points:
                problems.append(
                    _placed(
                        prefix,
                        _("%(field)s %(value)s vượt điểm tối đa %(max)s của tiêu chí %(code)s.")
                        % {
                            "field": label,
                            "value": number_format(value, 2),
                            "max": number_format(item.max_points, 2),
                            "code": item.code,
                        },
                    )
                )
        if (
            item.method == Method.SURVEY
            and self_points is not None
            and change.self_points is not UNSET
        ):
            problems.append(
                _placed(
                    prefix,
                    _("tiêu chí %(code)s chấm bằng điều tra XHH: đơn vị không tự chấm.")
                    % {"code": item.code},
                )
            )
        if na and not item.na_allowed and change.not_applicable is not UNSET:
            problems.append(
                _placed(
                    prefix,
                    _("tiêu chí %(code)s không được chọn “không áp dụng”.") % {"code": item.code},
                )
            )
        if na and (
            (change.self_points is not UNSET and self_points is not None)
            or (change.points is not UNSET and points is not None)
        ):
            problems.append(
                _placed(
                    prefix,
                    _("tiêu chí %(code)s không áp dụng thì không có điểm.") % {"code": item.code},
                )
            )
    return problems


def _placed(prefix: str | None, message: str) -> str:
    """A message after its place, or on its own as a sentence (first letter capitalised)."""
    if prefix is None:
        return message[:1].upper() + message[1:]
    return prefix + message


@transaction.atomic
def apply_score_changes(
    sheet: Sheet,
    changes: Sequence[ScoreChange],
    *,
    user=None,
    source: str = "form",
    expected_version: int | None = None,
    where: Callable[[ScoreChange], str] | None = None,
    recompute: bool = True,
) -> Sheet:
    """Write score changes to one sheet, all or nothing, then recompute its result and ranks.

    With `expected_version`, a save made from an older version of the sheet is refused
    (optimistic locking: nobody's change is silently overwritten). History records the user and
    `source` (form, import, admin, command). With `recompute=False` the caller recomputes
    (importers: once per group with `recompute_group`, in the same transaction).
    """
    sheet = Sheet.objects.select_for_update().select_related("unit", "year").get(pk=sheet.pk)
    ensure_not_published(sheet.year)
    if expected_version is not None and sheet.version != expected_version:
        raise StaleSheetError(sheet)
    framework = framework_for(sheet.unit, sheet.year)
    items_by_code = {item.code: item for item in framework.items.all()}
    current = {s.item.code: s for s in sheet.scores.select_related("item")}
    problems = validate_score_changes(items_by_code, current, changes, where)
    if problems:
        raise ServiceError(problems)
    created: dict[str, Score] = {}
    updated: dict[str, Score] = {}
    changed_fields: set[str] = set()
    for change in changes:
        item = items_by_code[change.item_code]
        score = current.get(item.code) or Score(sheet=sheet, item=item)
        before = (score.self_points, score.points, score.not_applicable, score.note, score.reason)
        for name in ("self_points", "points", "not_applicable", "note", "reason"):
            value = getattr(change, name)
            if value is not UNSET:
                # None clears a field: points become empty, texts "", not applicable False.
                setattr(score, name, CLEARED.get(name) if value is None else value)
        if score.not_applicable:
            score.self_points = score.points = None
        after = (score.self_points, score.points, score.not_applicable, score.note, score.reason)
        if score.pk and before == after:
            continue
        changed_fields.update(
            name for name, old, new in zip(SCORE_FIELDS, before, after, strict=True) if old != new
        )
        score.updated_by = user
        score._change_reason = source
        if user is not None:
            score._history_user = user
        (updated if score.pk else created)[item.code] = score
        current[item.code] = score
    _write_scores(list(created.values()), list(updated.values()), changed_fields)
    Sheet.objects.filter(pk=sheet.pk).update(version=F("version") + 1)
    sheet.refresh_from_db()
    if recompute:
        recompute_unit(sheet)
    return sheet


SCORE_FIELDS = ("self_points", "points", "not_applicable", "note", "reason")


def _write_scores(created: list[Score], updated: list[Score], fields: Iterable[str]) -> None:
    """Save scores in bulk, each with its history row (user and source as `save()` records them).

    One save per score (with simple_history's per-save work) made a 100-unit file take half a
    minute; in bulk it is a few queries per sheet. Updates write only the `fields` that changed
    on some score (bulk_update's cost grows with fields × rows); history rows are complete.
    """
    now = timezone.now()
    for score in updated:
        score.updated_at = now  # bulk_update does not apply auto_now
    bulk_create_with_history(created, Score)
    if updated:
        bulk_update_with_history(
            updated,
            Score,
            [name for name in SCORE_FIELDS if name in fields] + ["updated_by", "updated_at"],
        )


class StaleSheetError(ServiceError):
    """The sheet changed since the form was loaded."""

    def __init__(self, sheet: Sheet):
        self.sheet = sheet
        super().__init__(
            _(
                "Phiếu đã được người khác cập nhật sau khi bạn mở trang. Không có gì được lưu; hãy xem giá trị mới và nhập lại."
            )
        )
