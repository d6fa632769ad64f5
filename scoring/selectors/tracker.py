"""Where each unit stands in a year: the submission tracker's rows (also used by reminders).

Counts are made by the database per sheet in a fixed number of queries (four), however many
units, items or documents the year has. Days left and overdue explanation requests follow the
rules of `lib.deadlines` and `scoring.duties`, as the unit's own page and e-mails do.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from lib.deadlines import due
from scoring.duties import overdue_explanations
from scoring.models import (
    SETTLED,
    AssessmentYear,
    ExplanationRequest,
    ExplanationState,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
    count_per,
)
from scoring.selectors.cache import cached_per_sheet
from units.models import Unit, UnitGroup


@dataclass(frozen=True)
class TrackerRow:
    sheet: Sheet
    scored: int  # appraisal items with self points or marked not applicable
    total: int  # appraisal items of the unit's framework
    without_evidence: int  # evidence-required items (applicable) without any document
    open_explanations: int  # explanation requests waiting for the unit's answer
    overdue_explanations: int  # of which past their deadline (`scoring.duties`)
    days_left: int | None  # calendar days to the self-assessment deadline (negative: past)
    overdue: bool  # a draft after the deadline

    @property
    def unit(self) -> Unit:
        return self.sheet.unit

    @property
    def submitted(self) -> bool:
        return self.sheet.state == SheetState.SUBMITTED


def year_sheets(year: AssessmentYear) -> QuerySet[Sheet]:
    """A year's sheets in the tracker's order (unit group, then unit), with their units."""
    return (
        Sheet.objects.filter(year=year)
        .select_related("unit__group")
        .order_by("unit__group__order", "unit__code")
    )


def large_year_group(
    groups: Sequence[UnitGroup], count: Callable[[], int]
) -> tuple[str, int] | None:
    """The group a work list (tracker, appraisal list, survey page) shows when none is asked, and
    the year's count of units: the first of several groups when `count()` (read only then) is
    above `settings.WORK_LISTS_ALL_GROUPS_UP_TO`; None: every group."""
    if len(groups) < 2:
        return None
    units = count()
    if units <= settings.WORK_LISTS_ALL_GROUPS_UP_TO:
        return None
    return groups[0].code, units


@dataclass(frozen=True)
class ScoreCounts:
    """A sheet's appraisal items by where they stand (the rules of `Sheet.claim_counts` and
    `models.SETTLED`)."""

    answered: int  # self points given or marked not applicable
    appraised: int  # appraisal points set or marked not applicable
    differing: int  # appraisal points that differ from the claim


NO_SCORES = ScoreCounts(0, 0, 0)


def score_counts(
    year: AssessmentYear, sheets: Iterable[Sheet] | None = None
) -> dict[int, ScoreCounts]:
    """Sheet id → its `ScoreCounts`, in one pass over the year's appraisal scores (one query;
    three before), or only those of `sheets` (the page's unit group), each sheet's from the
    cache while its version is the one it was counted at (`cache.cached_per_sheet`; an
    aggregate of 15 000 scores on every request of a list before). A page that shows the
    tracker's rows and the appraisal progress reads it once and gives it to both (`counts=`)."""
    if sheets is not None:
        # The page's sheets: each one's counts from the cache while its version is the same.
        return cached_per_sheet(
            "score-counts", list(sheets), lambda missing: _count_scores(year, missing)
        )
    return _count_scores(year, None)


def _count_scores(year: AssessmentYear, sheets: list[Sheet] | None) -> dict[int, ScoreCounts]:
    scores = Score.objects.filter(
        sheet__year=year, item__is_scored=True, item__method=Method.APPRAISAL
    )
    if sheets is not None:
        scores = scores.filter(sheet__in=sheets)
    return {
        sheet_id: ScoreCounts(answered, appraised, differing)
        for sheet_id, answered, appraised, differing in scores.values("sheet_id")
        .annotate(
            answered=Count("id", filter=Q(self_points__isnull=False) | Q(not_applicable=True)),
            appraised=Count("id", filter=SETTLED),
            differing=Count(
                "id",
                filter=Q(points__isnull=False)
                & ~Q(self_points=F("points"), self_points__isnull=False),
            ),
        )
        .values_list("sheet_id", "answered", "appraised", "differing")
    }


def tracker_rows(
    year: AssessmentYear,
    *,
    group_code: str | None = None,
    sheets: Iterable[Sheet] | None = None,
    now: datetime | None = None,
    counts: dict[int, ScoreCounts] | None = None,
) -> list[TrackerRow]:
    """One row per sheet of the year (optionally of one unit group, or the given `sheets`)."""
    now = now or timezone.now()
    if sheets is None:
        sheets = year_sheets(year)
        if group_code:
            sheets = sheets.filter(unit__group__code=group_code)
    sheets = list(sheets)
    counts = score_counts(year, sheets) if counts is None else counts
    appraisal_items = Item.objects.filter(
        framework__year=year, is_scored=True, method=Method.APPRAISAL
    )
    # Group id → (appraisal items, of which evidence is required): one query.
    per_group = {
        group_id: (total, required)
        for group_id, total, required in appraisal_items.values("framework__group_id")
        .annotate(
            total=Count("id", distinct=True),
            required=Count("id", distinct=True, filter=Q(evidence_required=True)),
        )
        .values_list("framework__group_id", "total", "required")
    }
    scores = Score.objects.filter(sheet__in=sheets, item__in=appraisal_items)
    covered = count_per(
        scores.filter(item__evidence_required=True).filter(
            Q(not_applicable=True) | Q(evidence__isnull=False)
        )
    )
    # Open requests and the overdue ones among them, per sheet: one query for the page.
    waiting = {
        sheet_id: (open_count, overdue_count)
        for sheet_id, open_count, overdue_count in ExplanationRequest.objects.filter(
            score__sheet__in=sheets,
            state=ExplanationState.OPEN,
            score__item__framework__active=True,
        )
        .values("score__sheet_id")
        .annotate(
            open_count=Count("id"), overdue_count=Count("id", filter=overdue_explanations(now))
        )
        .values_list("score__sheet_id", "open_count", "overdue_count")
    }
    deadline = year.self_assessment_deadline
    sheet_due = due(deadline, now) if deadline is not None else None
    rows = []
    for sheet in sheets:
        total, required = per_group.get(sheet.unit.group_id, (0, 0))
        rows.append(
            TrackerRow(
                sheet=sheet,
                scored=counts.get(sheet.id, NO_SCORES).answered,
                total=total,
                without_evidence=required - covered.get(sheet.id, 0),
                open_explanations=waiting.get(sheet.id, (0, 0))[0],
                overdue_explanations=waiting.get(sheet.id, (0, 0))[1],
                days_left=sheet_due.days_left if sheet_due else None,
                overdue=sheet.state == SheetState.DRAFT
                and sheet_due is not None
                and sheet_due.overdue,
            )
        )
    return rows


@dataclass(frozen=True)
class AppraisalProgress:
    appraised: int  # appraisal items with appraisal points or marked not applicable
    differing: int  # appraisal points that differ from the claim
    answered: int  # explanations answered by the unit, waiting for the appraisers


def appraisal_progress(
    year: AssessmentYear,
    counts: dict[int, ScoreCounts] | None = None,
    sheets: Sequence[Sheet] | None = None,
) -> dict[int, AppraisalProgress]:
    """Sheet id → how far its appraisal has gone (two queries for the whole year, one if
    `score_counts` is given), or only of `sheets` (the page's, whose `counts` are given)."""
    counts = score_counts(year, sheets) if counts is None else counts
    appraised = {sheet_id: count.appraised for sheet_id, count in counts.items() if count.appraised}
    differing = {sheet_id: count.differing for sheet_id, count in counts.items() if count.differing}
    answers = ExplanationRequest.objects.filter(
        score__sheet__year=year,
        state=ExplanationState.ANSWERED,
        score__item__framework__active=True,
    )
    if sheets is not None:
        answers = answers.filter(score__sheet__in=sheets)
    answered = count_per(answers, "score__sheet_id")
    return {
        sheet_id: AppraisalProgress(
            appraised.get(sheet_id, 0), differing.get(sheet_id, 0), answered.get(sheet_id, 0)
        )
        for sheet_id in set(appraised) | set(differing) | set(answered)
    }
