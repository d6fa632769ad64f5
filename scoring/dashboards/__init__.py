"""Reads shaped for the dashboards, one module per page: the province overview (`province`),
a unit's profile (`unit`), what it takes to move up (`moving_up`), the items that cost the most
points (`losses`) and the year-over-year comparison with the crosswalk (`comparison`).

Every figure comes from the stored results (Result, DomainResult) or from `calculations.py`
applied to the stored scores; nothing here writes, and nothing repeats a scoring rule. Each
selector runs a fixed number of queries, whatever the number of units, items or years.
This module holds what they share: which years a user may see and the previous figure of a unit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Result, Score, SheetState, YearState
from scoring.services import item_specs
from units.models import Unit

ZERO = Decimal("0")


# --------------------------------------------------------------------------- years


def chart_label(text: str, limit: int = 32) -> str:
    """A chart's axis label, shortened (the table beside the chart has the full name)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.-") + "…"


def can_see_unpublished(user) -> bool:
    """Appraisers, provincial leadership and admins see the year in progress (tạm tính)."""
    return user.has_perm("scoring.view_unpublished_results")


def visible_years(user) -> list[AssessmentYear]:
    """The years this user may open, newest first: published ones, or every one."""
    years = AssessmentYear.objects.order_by("-year")
    if not can_see_unpublished(user):
        years = years.published()
    return list(years)


def default_year(years: list[AssessmentYear]) -> AssessmentYear | None:
    """The latest published year; the latest year at all when none is published yet."""
    for year in years:
        if year.is_published:
            return year
    return years[0] if years else None


def previous_results(
    units: Iterable[Unit | int], year: AssessmentYear, *, published_only: bool = True
) -> dict[int, Result]:
    """The figure each unit is compared with: its own result of the year before, by unit id.

    The one place that answers "what did this unit have last year"; the lineage of units across
    the 2025 reorganisation will replace this lookup. With `published_only`, a previous year that
    is not published is treated as missing.
    """
    ids = [getattr(unit, "pk", unit) for unit in units]
    results = Result.objects.filter(unit_id__in=ids, year__year=year.year - 1).select_related(
        "year"
    )
    if published_only:
        results = results.filter(year__state=YearState.PUBLISHED)
    return {result.unit_id: result for result in results}


def rank_move(current: Result | None, previous: Result | None) -> int | None:
    """Places gained since the previous figure (positive: moved up), None without both ranks."""
    if current is None or previous is None or current.rank is None or previous.rank is None:
        return None
    return previous.rank - current.rank


def index_change(current: Result | None, previous: Result | None) -> Decimal | None:
    if current is None or previous is None:
        return None
    return calc.change(current.index, previous.index)


def framework_items(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Item]]:
    """Every item of the frameworks of the given (year id, group id) pairs, in one query."""
    pairs = set(pairs)
    if not pairs:
        return {}
    condition = Q()
    for year_id, group_id in pairs:
        condition |= Q(framework__year_id=year_id, framework__group_id=group_id)
    items: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for item in Item.objects.filter(condition).select_related("framework").order_by("sort_key"):
        items[(item.framework.year_id, item.framework.group_id)].append(item)
    return items


def sheet_state_label(state: str | None, year: AssessmentYear) -> str:
    if year.is_published:
        return str(YearState.PUBLISHED.label)
    if state is None:
        return _("Chưa có phiếu")
    return str(SheetState(state).label)


def stored_figures(
    items: list[Item], scores: list[Score], rounding: str, *, claimed: bool = False
) -> calc.UnitFigures:
    """compute_unit on stored scores: the points that count, or the unit's own claims."""
    code_by_id = {item.id: item.code for item in items}
    values = {
        code_by_id[s.item_id]: calc.ScoreValue(
            s.self_points if claimed else s.points, s.not_applicable
        )
        for s in scores
        if s.item_id in code_by_id
    }
    return calc.compute_unit(item_specs(items), values, rounding)


def domains_by_code(items: list[Item]) -> dict[str, Item]:
    return {item.code: item for item in items if item.parent_id is None}
