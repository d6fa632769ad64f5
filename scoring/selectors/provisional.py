"""Provisional figures: how far the appraisal behind a result of a year in progress has gone.

A result of a year that is not published is provisional ("tạm tính"): its items not appraised
yet count 0, so its index, classification, rank, change and rank movement are not final. Every
dashboard that shows such a figure marks it and gives its progress, "đã thẩm định 34/80 tiêu
chí": the appraisal items of the unit's framework that have been appraised (appraisal points
set, or marked not applicable: the rule of `tracker.appraisal_progress`), out of all of them.

`progress_of` reads the progress of any number of results in one query (none when every result
is of a published year), so a page asks once, whatever its units and years.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce

from scoring.models import SETTLED, AssessmentYear, Item, Method, Result, ResultSource, Score


@dataclass(frozen=True)
class Progress:
    """How far a unit's appraisal has gone in a year."""

    appraised: int  # appraisal items appraised
    total: int  # appraisal items of the framework

    @property
    def done(self) -> bool:
        return self.appraised >= self.total

    @property
    def percent(self) -> int:
        """The share appraised, in whole percent (for sorting a table by progress)."""
        return self.appraised * 100 // self.total if self.total else 100

    @property
    def started(self) -> bool:
        """Whether the result has figures yet: at least one item appraised (a framework without
        appraisal items has its figures from the survey alone)."""
        return self.appraised > 0 or self.total == 0


@dataclass(frozen=True)
class GroupProgress(Progress):
    """A unit group's progress: its units' items summed, and how many units are done."""

    units: int = 0
    units_done: int = 0


def is_provisional(year: AssessmentYear) -> bool:
    """A year's figures are provisional until it is published."""
    return not year.is_published


def progress_of(results: Iterable[Result]) -> dict[int, Progress]:
    """Result id → its appraisal progress, for the computed results of years not published.

    One query for any number of results (none if there is none to count). Results of published
    years are final, and imported ones have no items: neither is in the answer.
    """
    wanted = [
        result.pk
        for result in results
        if is_provisional(result.year) and result.source != ResultSource.IMPORTED
    ]
    if not wanted:
        return {}
    items = Item.objects.filter(
        framework__year_id=OuterRef("year_id"),
        framework__group_id=OuterRef("group_id"),
        is_scored=True,
        method=Method.APPRAISAL,
    )
    total = items.order_by().values("framework_id").annotate(n=Count("pk")).values("n")
    appraised = (
        Score.objects.filter(
            SETTLED,  # appraised: points, or not applicable
            sheet__year_id=OuterRef("year_id"),
            sheet__unit_id=OuterRef("unit_id"),
            item__framework__year_id=OuterRef("year_id"),
            item__framework__group_id=OuterRef("group_id"),
            item__is_scored=True,
            item__method=Method.APPRAISAL,
        )
        .order_by()
        .values("sheet_id")
        .annotate(n=Count("pk"))
        .values("n")
    )
    counts = (
        Result.objects.filter(pk__in=wanted)
        .order_by()
        .values_list(
            "pk",
            Coalesce(Subquery(appraised, output_field=IntegerField()), Value(0)),
            Coalesce(Subquery(total, output_field=IntegerField()), Value(0)),
        )
    )
    return {pk: Progress(done, of) for pk, done, of in counts}


def group_progress(progress: Iterable[Progress | None]) -> GroupProgress | None:
    """The progress of a group from its units' (None where no unit has one: every result
    final or imported)."""
    entries = [p for p in progress if p is not None]
    if not entries:
        return None
    return GroupProgress(
        appraised=sum(p.appraised for p in entries),
        total=sum(p.total for p in entries),
        units=len(entries),
        units_done=sum(1 for p in entries if p.done),
    )
