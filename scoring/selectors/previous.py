"""What a unit's figure of a year is compared with (the lineage), and the movement since."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import AssessmentYear, Result, YearState
from units.lineage import SAME, Lineage, Reference
from units.models import Unit


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
    names: dict[int, str]  # unit id → its name that year
    for_year: int  # the year whose figure is compared

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
    def provisional(self) -> bool:
        """The figure compared with is of a year not published yet (only those who see the
        year in progress compare with one)."""
        return any(not r.year.is_published for r in self.results)

    @property
    def decimals(self) -> int:
        """The decimals of the year compared with (its figures are shown with them)."""
        return self.results[0].year.decimals if self.results else 2

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
        figures[unit.pk] = PreviousFigures(
            ref,
            found,
            missing,
            compared_index(ref, found),
            lineage.names_in(ref.units, number),
            year.year,
        )
    return figures


def compared_index(reference: Reference, results: Sequence[Result]) -> Decimal | None:
    """The figure a unit is compared with, from its reference units' results of that year.

    None unless the reference is comparable (not a split, not a new body) and every unit of it
    has a result; then the one unit's index or, after a merge, the mean of its predecessors'
    indices (`calculations.mean`, by that year's rounding). The one place of that decision: the
    change columns and a unit's history both use it.
    """
    if not reference.comparable or not results or len(results) < len(reference.units):
        return None
    if len(results) == 1:
        return results[0].index
    year = results[0].year
    return calc.mean([r.index for r in results], year.rounding, year.decimals)


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
    return calc.places_gained(current.rank, before.rank)


def index_change(current: Result | None, previous: PreviousFigures | None) -> Decimal | None:
    """The change of the index against the previous figure; None where nothing honest compares."""
    if current is None or previous is None or not previous.comparable:
        return None
    return calc.change(current.index, previous.index)


def movement_provisional(year: AssessmentYear, previous: PreviousFigures | None) -> bool:
    """Whether the change and rank movement of a figure of `year` are provisional, not final:
    the year, or that of the figure it is compared with, is not published. The calculation is
    the same (`index_change`, `rank_move`); the pages show such a movement greyed with "tạm
    tính", never as a final rise or fall."""
    return not year.is_published or (previous is not None and previous.provisional)


class ShowsRankMove:
    """For a row or page that has a `rank_move` (places gained, `rank_move` above): its size,
    which the arrow of `_rank_move.html` is shown with."""

    rank_move: int | None

    @property
    def rank_move_abs(self) -> int | None:
        return None if self.rank_move is None else abs(self.rank_move)
