"""Reads shaped for the dashboards, one module per page: the province overview (`province`),
a unit's profile (`unit`), what it takes to move up (`moving_up`), the items that cost the most
points (`losses`) and the year-over-year comparison with the crosswalk (`comparison`).

Every figure comes from the stored results (Result, DomainResult) or from `calculations.py`
applied to the stored scores; nothing here writes, and nothing repeats a scoring rule. Each
selector runs a fixed number of queries, whatever the number of units, items or years.
This module holds what they share: which years a user may see, and the figure a unit is compared
with in an earlier year (`previous_figures`, which follows the units' lineage).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Result, Score, SheetState, YearState
from scoring.services import item_specs
from units.lineage import SAME, Lineage, Reference
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


@dataclass
class PreviousFigures:
    """What a unit's figure of a year is compared with, by the lineage rule (`units.lineage`).

    The one place that answers "what did this unit have before": the unit's own result of the
    earlier year, or after a merge the mean index of its predecessors (`calculations.mean`),
    each predecessor's own result beside it; nothing after a split or for a new body.
    """

    reference: Reference
    results: list[Result]  # the reference units' results, in the reference's order
    missing: list[Unit]  # reference units without a (visible) result that year
    index: Decimal | None  # the figure compared with: one result's index, or the mean
    names: dict[int, str] = field(default_factory=dict)  # unit id → its name that year
    for_year: int | None = None  # the year whose figure is compared

    @property
    def comparable(self) -> bool:
        return self.reference.comparable and self.index is not None

    @property
    def is_mean(self) -> bool:
        return self.reference.is_mean

    @property
    def refused(self) -> bool:
        """No honest comparison: a split, a new body, or units of the lineage without figures
        that year (a unit's own missing figure is just "no data")."""
        if not self.reference.comparable:
            return True
        return bool(self.missing) and self.reference.kind != SAME

    @property
    def result(self) -> Result | None:
        """The earlier result of the same body (itself, or under its earlier name)."""
        if self.reference.same_body and len(self.results) == 1:
            return self.results[0]
        return None

    @property
    def rank(self) -> int | None:
        return self.result.rank if self.result else None

    @property
    def rank_of(self) -> int | None:
        return self.result.rank_of if self.result else None

    @property
    def band_label(self) -> str:
        return self.result.band_label if self.result else ""

    @property
    def members(self) -> list[tuple[str, Result]]:
        """Each reference unit's name that year beside its own result."""
        return [(self.names.get(r.unit_id, ""), r) for r in self.results]

    @property
    def label(self) -> str:
        """Which figure the comparison uses, in words ("" for the unit's own)."""
        if self.reference.kind == SAME and self.comparable:
            return ""
        if self.reference.comparable and self.missing:
            return _("không so sánh được: chưa có kết quả năm %(year)s của %(names)s") % {
                "year": self.reference.year,
                "names": ", ".join(self.names.get(u.pk, u.name) for u in self.missing),
            }
        return self.reference.label

    @property
    def short_label(self) -> str:
        if self.reference.comparable and self.missing and self.reference.kind != SAME:
            return _("không so sánh được")
        return self.reference.short_label


def previous_figures(
    units: Iterable[Unit],
    year: AssessmentYear,
    *,
    previous_year: AssessmentYear | None = None,
    published_only: bool = True,
    lineage: Lineage | None = None,
) -> dict[int, PreviousFigures]:
    """The figure each unit of `year` is compared with, by unit id (the lineage's 3 queries,
    then one for the results, however many units).

    `previous_year` defaults to the year before; with `published_only`, a default previous year
    that is not published counts as missing (an explicit one is the caller's choice).
    """
    units = list(units)
    lineage = lineage or Lineage.load()
    number = previous_year.year if previous_year is not None else year.year - 1
    references = lineage.references(units, year.year, number)
    wanted = {u.pk for ref in references.values() for u in ref.units}
    results = Result.objects.filter(unit_id__in=wanted).select_related("year", "group")
    if previous_year is not None:
        results = results.filter(year=previous_year)
    else:
        results = results.filter(year__year=number)
        if published_only:
            results = results.filter(year__state=YearState.PUBLISHED)
    by_unit = {result.unit_id: result for result in results}
    figures = {}
    for unit in units:
        ref = references[unit.pk]
        found = [by_unit[u.pk] for u in ref.units if u.pk in by_unit]
        missing = [u for u in ref.units if u.pk not in by_unit]
        index = None
        if ref.comparable and found and not missing:
            if len(found) == 1:
                index = found[0].index
            else:
                index = calc.mean([r.index for r in found], found[0].year.rounding)
        figures[unit.pk] = PreviousFigures(
            ref, found, missing, index, lineage.names_in(ref.units, number), year.year
        )
    return figures


def show_names_of_year(results: Iterable[Result], year: int, lineage: Lineage) -> None:
    """Give each result's unit the name it had in `year`, for this page only.

    A renamed unit keeps its old name on the pages of earlier years. The units are the page's
    own instances (select_related), never saved.
    """
    for result in results:
        result.unit.name = lineage.name_in(result.unit, year)


def rank_move(current: Result | None, previous: PreviousFigures | None) -> int | None:
    """Places gained since the previous figure (positive: moved up).

    Only for the same body, ranked in the same group, a group that exists in both years; None
    otherwise (a merge, a split, a new body: no rank movement across a reorganisation).
    """
    if current is None or previous is None or previous.result is None:
        return None
    before = previous.result
    if current.rank is None or before.rank is None or before.group_id != current.group_id:
        return None
    group = current.group
    if not (group.exists_in(before.year.year) and group.exists_in(previous.for_year)):
        return None
    return before.rank - current.rank


def index_change(current: Result | None, previous: PreviousFigures | None) -> Decimal | None:
    """The change of the index against the previous figure; None where nothing honest compares."""
    if current is None or previous is None or not previous.comparable:
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
