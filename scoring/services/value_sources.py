"""Rule items fed by a related index's component (issue 19, "the link").

An item linked to, say, the 766 index's component "2" for 2026-12 (`Item.source_kind`,
`source_component`, `source_period`) takes as its measured value that component's points as a
percentage of its maximum (`calculations.component_percent`). The value is written through the
one save path (`services.scores.apply_score_changes`) as both the unit's value (`self_value`)
and the appraisers' (`value`), with the provenance beside it (`source_value`, `source_text`,
`source_as_of`) and the history reason "từ chỉ số 766 kỳ 2026-12".

Either side may override its value with a reason (`override_value`): an override is never
overwritten when the index's values come again; clearing it (`clear_override`) restores the
index's value. Published years are never touched. Scoring reads the index only through
`scoring.extensions` (the indices app calls `fill_from_index` after an import).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.extensions import index_component_value
from scoring.models import AssessmentYear, Framework, Item, Score, Sheet, YearState
from scoring.permissions import Account
from scoring.services.errors import ServiceError
from scoring.services.results import recompute_group
from scoring.services.scores import (
    UNSET,
    ScoreChange,
    apply_score_changes,
    get_or_create_sheet,
    lock_sheet,
)
from units.models import Unit

UNIT_SIDE = "unit"
APPRAISAL_SIDE = "appraisal"
#: Which value and which override reason each side owns.
SIDES = (UNIT_SIDE, APPRAISAL_SIDE)


def _side_change(code: str, side: str, value: Decimal | None, reason: str | None) -> ScoreChange:
    """A change of one side's value and override reason (the unit's or the appraisers')."""
    if side == UNIT_SIDE:
        return ScoreChange(code, self_value=value, self_value_override=reason)
    if side == APPRAISAL_SIDE:
        return ScoreChange(code, value=value, value_override=reason)
    raise ValueError(f"unknown side {side!r}")


@dataclass(frozen=True)
class FillSummary:
    items: int
    sheets: int
    filled: int

    def __str__(self) -> str:
        return _("%(items)s tiêu chí liên kết, %(sheets)s phiếu, %(filled)s giá trị cập nhật.") % {
            "items": self.items,
            "sheets": self.sheets,
            "filled": self.filled,
        }


def history_reason(kind: str, period: str) -> str:
    """The history's reason of a value that came from an index: "từ chỉ số 766 kỳ 2026-12"."""
    return _("từ chỉ số %(kind)s kỳ %(period)s") % {"kind": kind, "period": period}


def linked_items(
    kind: str | None = None, period: str | None = None, year: AssessmentYear | None = None
) -> list[Item]:
    """Linked rule items of years not yet published (of one kind and period, or of a year)."""
    items = Item.objects.exclude(source_kind="").exclude(rule="")
    items = items.exclude(framework__year__state=YearState.PUBLISHED)
    if kind is not None:
        items = items.filter(source_kind=kind)
    if period is not None:
        items = items.filter(source_period=period)
    if year is not None:
        items = items.filter(framework__year=year)
    return list(items.select_related("framework__year", "framework__group"))


def _change_for(item: Item, unit: Unit, score: Score | None) -> ScoreChange | None:
    """The change that brings the index's value to a unit's score (None: nothing to bring)."""
    reading = index_component_value(
        unit, item.source_kind, item.source_component, item.source_period
    )
    if reading is None:
        return None
    percent = calc.component_percent(reading.points, reading.max_points)
    not_applicable = score is not None and score.not_applicable
    return ScoreChange(
        item.code,
        source_value=percent,
        source_text=calc.value_source_text(
            item.source_kind, item.source_component, item.source_period
        ),
        source_as_of=reading.as_of,
        self_value=UNSET
        if not_applicable or (score is not None and score.self_value_override)
        else percent,
        value=UNSET if not_applicable or (score is not None and score.value_override) else percent,
    )


@transaction.atomic
def fill_items(
    items: Iterable[Item], unit_ids: Iterable[int] | None = None, user: Account | None = None
) -> FillSummary:
    """Bring the index's values to the linked items' scores on every sheet concerned, all or
    nothing: each unit of the item's group that exists in the year and is scored on the item's
    framework (`Framework.objects.scored_on`); only `unit_ids`, when given."""
    wanted = set(unit_ids) if unit_ids is not None else None
    by_framework: dict[int, list[Item]] = defaultdict(list)
    frameworks: dict[int, Framework] = {}
    for item in items:
        by_framework[item.framework_id].append(item)
        frameworks[item.framework_id] = item.framework
    sheets = filled = 0
    for framework_id, framework_items in by_framework.items():
        framework = frameworks[framework_id]
        year = framework.year
        units = Unit.objects.filter(group_id=framework.group_id).select_related("group")
        if wanted is not None:
            units = units.filter(pk__in=wanted)
        touched: list[int] = []
        for unit in units:
            if not unit.exists_in(year.year) or (
                Framework.objects.scored_on(unit, year) != framework
            ):
                continue
            sheet = get_or_create_sheet(unit, year)
            scores = {s.item_id: s for s in sheet.scores.filter(item__in=framework_items)}
            changes = [
                change
                for item in framework_items
                if (change := _change_for(item, unit, scores.get(item.pk))) is not None
            ]
            if not changes:
                continue
            before = sheet.version
            first = framework_items[0]
            saved = apply_score_changes(
                sheet,
                changes,
                user=user,
                source=history_reason(first.source_kind, first.source_period),
                bump_unchanged=False,
                recompute=False,
            )
            if saved.version != before:
                sheets += 1
                filled += len(changes)
                touched.append(unit.pk)
        if touched:
            recompute_group(year, framework.group, unit_ids=touched)
    return FillSummary(sum(len(v) for v in by_framework.values()), sheets, filled)


def fill_from_index(
    kind: str, period: str, unit_ids: Iterable[int] | None = None, user: Account | None = None
) -> FillSummary:
    """After a related index's values of a period came in (indices.services.record_values)."""
    return fill_items(linked_items(kind, period), unit_ids, user)


def pull_year(year: AssessmentYear, user: Account | None = None) -> FillSummary:
    """Every linked item of a year, from whatever the indices hold now (the command)."""
    if year.state == YearState.PUBLISHED:
        raise ServiceError(
            _("Năm %(year)s đã công bố: không lấy lại giá trị từ chỉ số.") % {"year": year.year}
        )
    return fill_items(linked_items(year=year), None, user)


def _linked(sheet: Sheet, item_code: str) -> tuple[Item, Score]:
    score = (
        Score.objects.filter(sheet=sheet, item__code=item_code, item__framework__year=sheet.year)
        .select_related("item")
        .first()
    )
    if score is None or not score.item.source_kind:
        raise ServiceError(
            _("Tiêu chí %(code)s không lấy giá trị từ chỉ số liên quan.") % {"code": item_code}
        )
    return score.item, score


def override_value(
    sheet: Sheet,
    item_code: str,
    value: Decimal,
    reason: str,
    *,
    side: str,
    user: Account | None = None,
    state_check: Callable[[Sheet], None] | None = None,
) -> Sheet:
    """The unit's (side "unit") or the appraisers' (side "appraisal") own value of a linked
    item, kept over the index's with its reason; a reason is required."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(
            _("Tiêu chí %(code)s: cần ghi lý do khi sửa giá trị lấy từ chỉ số.")
            % {"code": item_code}
        )
    _item, _score = _linked(sheet, item_code)
    change = _side_change(item_code, side, value, reason)
    return apply_score_changes(lock_sheet(sheet), [change], user=user, state_check=state_check)


def clear_override(
    sheet: Sheet,
    item_code: str,
    *,
    side: str,
    user: Account | None = None,
    state_check: Callable[[Sheet], None] | None = None,
) -> Sheet:
    """Drop a side's override: its value is the index's again."""
    item, score = _linked(sheet, item_code)
    change = _side_change(item_code, side, score.source_value, None)
    return apply_score_changes(
        lock_sheet(sheet),
        [change],
        user=user,
        source=history_reason(item.source_kind, item.source_period),
        state_check=state_check,
    )
