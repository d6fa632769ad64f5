"""The admin's writes that scoring.services does not cover, each in one transaction.

The admin edits single rows (one band, one item, one year), where the services replace whole sets;
these functions keep the same rules: nothing changes in a published year, parents' maxima stay the
sum of their children's, and results follow every change that affects them.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from scoring import services
from scoring.models import AssessmentYear, Band, Item, Score, Sheet, YearTransition
from scoring.services import ScoreChange, ServiceError, ensure_not_published

ZERO = Decimal("0")


def framework_has_scores(framework_id: int) -> bool:
    return Score.objects.filter(item__framework_id=framework_id).exists()


# --------------------------------------------------------------------------- years


@transaction.atomic
def save_year(year: AssessmentYear, changed: Iterable[str], *, previous_state: str, user=None):
    """Save a year edited in the admin; record a state change; recompute if rounding changed."""
    changed = set(changed)
    if year.pk and previous_state:
        ensure_not_published(AssessmentYear.objects.get(pk=year.pk))
    year.save()
    if previous_state and year.state != previous_state:
        YearTransition.objects.create(
            year=year,
            from_state=previous_state,
            to_state=year.state,
            reason=_("Thay đổi trong trang quản trị."),
            by=user,
        )
    if previous_state and "rounding" in changed:
        services.recompute_year(year)
    return year


# --------------------------------------------------------------------------- items


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
        services.recompute_group(framework.year, framework.group)
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


# --------------------------------------------------------------------------- bands


@transaction.atomic
def save_band(band: Band) -> Band:
    """Save one band and reclassify its year and group's results."""
    ensure_not_published(band.year)
    if band.pk:
        stored = Band.objects.select_related("year").get(pk=band.pk)
        ensure_not_published(stored.year)
    band.save()
    services.recompute_group(band.year, band.group)
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
        services.recompute_group(band.year, band.group)


# --------------------------------------------------------------------------- scores


def score_change_problems(sheet: Sheet, change: ScoreChange) -> list[str]:
    """What `services.apply_score_changes` would refuse in this change, without saving anything."""
    try:
        ensure_not_published(sheet.year)
        framework = services.framework_for(sheet.unit, sheet.year)
    except ServiceError as error:
        return error.messages
    items_by_code = {item.code: item for item in framework.items.all()}
    current = {s.item.code: s for s in sheet.scores.select_related("item")}
    return services.validate_score_changes(items_by_code, current, [change], lambda _change: "")
