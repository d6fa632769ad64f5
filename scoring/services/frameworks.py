"""Frameworks, their items and the classification bands: writes, each in one transaction."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from lib.names import name_problem
from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Band,
    Framework,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
    code_sort_key,
)
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.results import recompute_group
from units.models import UnitGroup

ZERO = Decimal("0")


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


def band_problems(bands: Sequence[tuple[str, Decimal]]) -> list[str]:
    """Every problem of a year and group's whole set of bands (empty list: valid).

    At least one band; labels not empty and distinct; minima distinct, from 0 to 100 with at
    most two decimals. The command, the importers and the admin's band form all check here.
    """
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
        elif problem := name_problem(label):
            problems.append(
                _("Mức “%(label)s”: %(problem)s.") % {"label": label, "problem": problem}
            )
        if minimum < 0 or minimum > 100 or minimum != minimum.quantize(calc.CENT):
            problems.append(
                _("Mức “%(label)s”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.")
                % {"label": label}
            )
    return problems


@transaction.atomic
def set_bands(
    year: AssessmentYear, group: UnitGroup, bands: Sequence[tuple[str, Decimal]]
) -> list[Band]:
    """Replace a year and group's classification bands and reclassify its results."""
    ensure_not_published(year)
    problems = band_problems(bands)
    labels = [label.strip() for label, _minimum in bands]
    minima = [minimum for _label, minimum in bands]
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


ZERO = Decimal("0")


def framework_has_scores(framework_id: int) -> bool:
    return Score.objects.filter(item__framework_id=framework_id).exists()


@transaction.atomic
def update_item(item: Item, changed: Iterable[str]) -> Item:
    """Save an item's editable fields; a changed maximum is carried up to every ancestor.

    The structure (code, parent, method, scored or not) never changes here: the framework
    importer rebuilds a tree all or nothing. A maximum changes only on a scored item of a
    framework without scores, so no score can end up above its item's maximum.
    """
    framework = item.framework
    ensure_not_published(framework.year)
    changed = set(changed)
    if "max_points" in changed:
        if not item.is_scored:
            raise ServiceError(
                _("Điểm tối đa của %(code)s là tổng các tiêu chí con: hãy sửa tiêu chí con.")
                % {"code": item.code}
            )
        if framework_has_scores(framework.pk):
            raise ServiceError(
                _("Bộ chỉ số %(framework)s đã có điểm chấm: không thể đổi điểm tối đa.")
                % {"framework": framework}
            )
    item.save()
    if "max_points" in changed:
        _recompute_ancestor_maxima(item)
        recompute_group(framework.year, framework.group)
    return item


def _recompute_ancestor_maxima(item: Item) -> None:
    items = list(Item.objects.filter(framework_id=item.framework_id))
    by_id = {node.pk: node for node in items}
    children: dict[int | None, list[Item]] = defaultdict(list)
    for node in items:
        children[node.parent_id].append(node)
    parent_id = item.parent_id
    while parent_id is not None:
        parent = by_id[parent_id]
        parent.max_points = sum((child.max_points for child in children[parent_id]), ZERO)
        parent.save(update_fields=["max_points"])
        parent_id = parent.parent_id


@transaction.atomic
def save_band(band: Band) -> Band:
    """Save one band and reclassify its year and group's results."""
    ensure_not_published(band.year)
    if band.pk:
        stored = Band.objects.select_related("year").get(pk=band.pk)
        ensure_not_published(stored.year)
    band.save()
    recompute_group(band.year, band.group)
    return band


@transaction.atomic
def delete_bands(bands: Iterable[Band]) -> None:
    """Delete bands and reclassify the results of every year and group they belonged to."""
    bands = list(bands)
    for band in bands:
        ensure_not_published(band.year)
    pairs = {(band.year_id, band.group_id): band for band in bands}
    Band.objects.filter(pk__in=[band.pk for band in bands]).delete()
    for band in pairs.values():
        recompute_group(band.year, band.group)
