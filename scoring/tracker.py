"""Where each unit stands in a year: the submission tracker's rows (also used by reminders).

Counts are made by the database per sheet in a fixed number of queries (five), however many
units, items or documents the year has.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from django.db.models import Count, F, Q
from django.utils import timezone

from scoring.models import (
    AssessmentYear,
    ExplanationRequest,
    ExplanationState,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
)


@dataclass(frozen=True)
class TrackerRow:
    sheet: Sheet
    scored: int  # appraisal items with self points or marked not applicable
    total: int  # appraisal items of the unit's framework
    without_evidence: int  # evidence-required items (applicable) without any document
    open_explanations: int  # explanation requests waiting for the unit's answer
    days_left: int | None  # calendar days to the self-assessment deadline (negative: past)
    overdue: bool  # a draft after the deadline

    @property
    def unit(self):
        return self.sheet.unit

    @property
    def submitted(self) -> bool:
        return self.sheet.state == SheetState.SUBMITTED


def _per_sheet(queryset, key: str = "sheet_id") -> dict[int, int]:
    return dict(queryset.values(key).annotate(n=Count("id", distinct=True)).values_list(key, "n"))


def tracker_rows(
    year: AssessmentYear,
    *,
    group_code: str | None = None,
    sheets=None,
    now: datetime | None = None,
) -> list[TrackerRow]:
    """One row per sheet of the year (optionally of one unit group, or the given `sheets`)."""
    now = now or timezone.now()
    if sheets is None:
        sheets = Sheet.objects.filter(year=year)
        if group_code:
            sheets = sheets.filter(unit__group__code=group_code)
        sheets = sheets.select_related("unit__group").order_by("unit__group__order", "unit__code")
    sheets = list(sheets)
    appraisal_items = Item.objects.filter(
        framework__year=year, is_scored=True, method=Method.APPRAISAL
    )
    totals = {
        group_id: (total, required)
        for group_id, total, required in appraisal_items.values("framework__group_id")
        .annotate(total=Count("id"), required=Count("id", filter=Q(evidence_required=True)))
        .values_list("framework__group_id", "total", "required")
    }
    scores = Score.objects.filter(sheet__in=sheets, item__in=appraisal_items)
    scored = _per_sheet(scores.filter(Q(self_points__isnull=False) | Q(not_applicable=True)))
    covered = _per_sheet(
        scores.filter(item__evidence_required=True).filter(
            Q(not_applicable=True) | Q(evidence__isnull=False)
        )
    )
    waiting = _per_sheet(
        ExplanationRequest.objects.filter(score__sheet__in=sheets, state=ExplanationState.OPEN),
        "score__sheet_id",
    )
    deadline = year.self_assessment_deadline
    days_left = None
    if deadline is not None:
        days_left = (timezone.localdate(deadline) - timezone.localdate(now)).days
    rows = []
    for sheet in sheets:
        total, required = totals.get(sheet.unit.group_id, (0, 0))
        rows.append(
            TrackerRow(
                sheet=sheet,
                scored=scored.get(sheet.id, 0),
                total=total,
                without_evidence=required - covered.get(sheet.id, 0),
                open_explanations=waiting.get(sheet.id, 0),
                days_left=days_left,
                overdue=sheet.state == SheetState.DRAFT and deadline is not None and now > deadline,
            )
        )
    return rows


@dataclass(frozen=True)
class AppraisalProgress:
    appraised: int  # appraisal items with appraisal points or marked not applicable
    differing: int  # appraisal points that differ from the claim
    answered: int  # explanations answered by the unit, waiting for the appraisers


def appraisal_progress(year: AssessmentYear) -> dict[int, AppraisalProgress]:
    """Sheet id → how far its appraisal has gone (three queries for the whole year)."""
    scores = Score.objects.filter(
        sheet__year=year, item__is_scored=True, item__method=Method.APPRAISAL
    )
    appraised = _per_sheet(scores.filter(Q(points__isnull=False) | Q(not_applicable=True)))
    differing = _per_sheet(
        scores.filter(points__isnull=False).exclude(
            self_points=F("points"), self_points__isnull=False
        )
    )
    answered = _per_sheet(
        ExplanationRequest.objects.filter(score__sheet__year=year, state=ExplanationState.ANSWERED),
        "score__sheet_id",
    )
    return {
        sheet_id: AppraisalProgress(
            appraised.get(sheet_id, 0), differing.get(sheet_id, 0), answered.get(sheet_id, 0)
        )
        for sheet_id in set(appraised) | set(differing) | set(answered)
    }
