"""A year's states and the moves between them, each recorded (YearTransition) with who and why.

    preparing ──open_self_assessment(deadline)──► self_assessment ──start_appraisal──► appraisal
                                                    (change_deadline)                      │
    appraisal ◄──────────── reopen(reason) ──────────── published ◄──────── publish ───────┘

Published results are final: every write refuses them (`services.ensure_not_published`), the
admin included, until an administrator reopens the year with a reason. Reopening returns the year
to appraisal; publishing again recomputes and notifies again. Also here: the deadline reminders
(`send_reminders`, run each hour by the queue's scheduler, and by the command of that name).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from django.db import transaction
from django.db.models import F, QuerySet
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from scoring.duties import unit_duties
from scoring.models import (
    AssessmentYear,
    Framework,
    Rounding,
    Sheet,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.permissions import Account
from scoring.services import notifications
from scoring.services.errors import ServiceError, ensure_not_published
from scoring.services.readiness import publication_readiness
from scoring.services.results import recompute_year, rederive_rule_points
from units.models import Unit


def _when(moment: datetime) -> str:
    return date_format(timezone.localtime(moment), "H:i d/m/Y")


def _locked(year: AssessmentYear) -> AssessmentYear:
    return AssessmentYear.objects.select_for_update().get(pk=year.pk)


def _require_state(year: AssessmentYear, state: str, action: str) -> None:
    if year.state != state:
        raise ServiceError(
            _(
                "Năm %(year)s đang ở trạng thái “%(current)s”: chỉ %(action)s khi năm ở trạng thái “%(required)s”."
            )
            % {
                "year": year.year,
                "current": YearState(year.state).label,
                "action": action,
                "required": YearState(state).label,
            }
        )


def _move(
    year: AssessmentYear, to_state: str, user: Account | None, reason: str = "", **fields: Any
) -> None:
    from_state = year.state
    year.state = to_state
    for name, value in fields.items():
        setattr(year, name, value)
    year.save(update_fields=["state", *fields])
    YearTransition.objects.create(
        year=year, from_state=from_state, to_state=to_state, reason=reason, by=user
    )


def _check_deadline(deadline: datetime | None, now: datetime) -> None:
    if deadline is None:
        raise ServiceError(_("Cần nhập hạn tự đánh giá."))
    if deadline <= now:
        raise ServiceError(
            _("Hạn tự đánh giá (%(deadline)s) phải sau thời điểm hiện tại.")
            % {"deadline": _when(deadline)}
        )


@transaction.atomic
def open_self_assessment(
    year: AssessmentYear, deadline: datetime, *, user: Account | None, now: datetime | None = None
) -> int:
    """Open the self-assessment with its deadline; create every unit's sheet.

    Sheets are created for every unit that exists in the year and whose group has a framework
    that year. Returns the number of sheets created. Only from "preparing".
    """
    year = _locked(year)
    _require_state(year, YearState.PREPARING, _("mở tự đánh giá"))
    _check_deadline(deadline, now or timezone.now())
    group_ids = list(Framework.objects.filter(year=year).values_list("group_id", flat=True))
    if not group_ids:
        raise ServiceError(
            _("Năm %(year)s chưa có bộ chỉ số nào: hãy nhập bộ chỉ số trước.") % {"year": year.year}
        )
    have = set(Sheet.objects.filter(year=year).values_list("unit_id", flat=True))
    units = Unit.objects.existing_in(year.year).filter(group_id__in=group_ids).exclude(pk__in=have)
    created = Sheet.objects.bulk_create([Sheet(unit=unit, year=year) for unit in units])
    recompute_year(year)  # every sheet has its result, from the first day
    _move(
        year,
        YearState.SELF_ASSESSMENT,
        user,
        _("Hạn tự đánh giá: %(deadline)s.") % {"deadline": _when(deadline)},
        self_assessment_deadline=deadline,
    )
    return len(created)


@transaction.atomic
def change_deadline(
    year: AssessmentYear, deadline: datetime, *, user: Account | None, now: datetime | None = None
) -> AssessmentYear:
    """Move the self-assessment deadline (recorded); units are reminded again for the new one."""
    year = _locked(year)
    _require_state(year, YearState.SELF_ASSESSMENT, _("đổi hạn tự đánh giá"))
    _check_deadline(deadline, now or timezone.now())
    old = year.self_assessment_deadline
    if old == deadline:
        return year
    _move(
        year,
        YearState.SELF_ASSESSMENT,
        user,
        _("Đổi hạn tự đánh giá từ %(old)s sang %(new)s.")
        % {"old": _when(old) if old else "–", "new": _when(deadline)},
        self_assessment_deadline=deadline,
    )
    return year


@transaction.atomic
def start_appraisal(year: AssessmentYear, *, user: Account | None) -> AssessmentYear:
    """Close the self-assessment and open the appraisal.

    Sheets not submitted stay drafts: they are appraised as they stand.
    """
    year = _locked(year)
    _require_state(year, YearState.SELF_ASSESSMENT, _("chuyển sang thẩm định"))
    drafts = Sheet.objects.filter(year=year, state=SheetState.DRAFT).count()
    reason = ""
    if drafts:
        reason = _("%(count)s phiếu chưa gửi được thẩm định theo nội dung hiện có.") % {
            "count": drafts
        }
    _move(year, YearState.APPRAISAL, user, reason)
    return year


@transaction.atomic
def publish(
    year: AssessmentYear, *, user: Account | None, now: datetime | None = None
) -> AssessmentYear:
    """Announce the results: recompute them, lock the year and email every unit.

    Only from the appraisal state (so never straight from the self-assessment), and only when
    nothing is open (`readiness`): every sheet submitted and appraised, every explanation request
    closed, every survey point entered, every group with its framework and bands, or a recorded
    decision for each unit left open.
    """
    year = _locked(year)
    _require_state(year, YearState.APPRAISAL, _("công bố kết quả"))
    readiness = publication_readiness(year)
    refusal = readiness.refusal()
    if refusal:
        raise refusal
    recompute_year(year)
    year.refresh_from_db()
    reason = ""
    if readiness.decided_units:
        reason = _("Công bố theo quyết định cho %(units)s.") % {
            "units": ", ".join(unit.unit.code for unit in readiness.decided_units)
        }
    _move(year, YearState.PUBLISHED, user, reason, published_at=now or timezone.now())
    notifications.notify_published(year)
    return year


@transaction.atomic
def reopen(year: AssessmentYear, reason: str, *, user: Account | None) -> AssessmentYear:
    """Reopen a published year for corrections: back to appraisal, with a recorded reason."""
    year = _locked(year)
    _require_state(year, YearState.PUBLISHED, _("mở lại năm"))
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError(_("Cần ghi lý do mở lại năm đã công bố."))
    _move(year, YearState.APPRAISAL, user, reason, published_at=None)
    return year


@transaction.atomic
def save_year(
    year: AssessmentYear,
    changed: Iterable[str],
    *,
    previous_state: str,
    user: Account | None = None,
) -> AssessmentYear:
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
    if previous_state and changed & {"rounding", "decimals"}:
        rederive_rule_points(year)
        recompute_year(year)
    return year


@transaction.atomic
def set_year_settings(
    number: int, *, decimals: int | None = None, rounding: str | None = None
) -> tuple[AssessmentYear, bool]:
    """Create a year (state preparing) or change its number of decimals and rounding mode;
    refused once the year is published. A change re-derives the points of rule items (rounded
    at the item) and recomputes the year's results. Returns (the year, whether it was created).
    """
    problems = []
    if decimals is not None and decimals not in (2, 3):
        problems.append(
            _("Số chữ số thập phân là 2 hoặc 3, không phải %(value)s.") % {"value": decimals}
        )
    if rounding is not None and rounding not in Rounding.values:
        problems.append(
            _("Cách làm tròn “%(value)s” không hợp lệ (half_up hoặc truncate).")
            % {"value": rounding}
        )
    if problems:
        raise ServiceError(problems)
    year, created = AssessmentYear.objects.select_for_update().get_or_create(
        year=number, defaults={"state": YearState.PREPARING}
    )
    ensure_not_published(year)
    changed = set()
    if decimals is not None and year.decimals != decimals:
        year.decimals = decimals
        changed.add("decimals")
    if rounding is not None and year.rounding != rounding:
        year.rounding = rounding
        changed.add("rounding")
    if changed:
        year.save(update_fields=sorted(changed))
        if not created:
            rederive_rule_points(year)
            recompute_year(year)
    return year, created


# --------------------------------------------------------------------------- reminders


@dataclass
class ReminderReport:
    sent: list[str] = field(default_factory=list)  # unit codes
    no_address: list[str] = field(default_factory=list)
    failed: list[str] = field(default_factory=list)


def reminders_due(days: int, now: datetime | None = None) -> QuerySet[Sheet]:
    """Draft sheets whose deadline is within `days` days, not past, not yet reminded for it."""
    now = now or timezone.now()
    return (
        Sheet.objects.filter(
            year__state=YearState.SELF_ASSESSMENT,
            state=SheetState.DRAFT,
            year__self_assessment_deadline__gt=now,
            year__self_assessment_deadline__lte=now + timedelta(days=days),
        )
        .exclude(reminded_for=F("year__self_assessment_deadline"))
        .select_related("unit__group", "year")
        .order_by("year__year", "unit__code")
    )


def send_reminders(
    days: int = 3, *, now: datetime | None = None, dry_run: bool = False
) -> ReminderReport:
    """Email each unit with an unfinished sheet as its deadline nears, once per deadline.

    Each reminder is queued in the outbox (delivered by the queue's worker, retried while the
    mail server is down) and the sheet marked reminded (`Sheet.reminded_for` = the deadline) in
    the same transaction, under a key of the sheet and the deadline: never twice per deadline,
    whether the periodic task or the command runs. A unit without any address is tried again on
    the next run. A moved deadline is a new deadline: units are reminded again.
    """
    now = now or timezone.now()
    report = ReminderReport()
    sheets = list(reminders_due(days, now))
    by_year: dict[int, list[Sheet]] = {}
    for sheet in sheets:
        by_year.setdefault(sheet.year_id, []).append(sheet)
    for year_sheets in by_year.values():
        year = year_sheets[0].year
        claims = Sheet.objects.filter(pk__in=[s.pk for s in year_sheets]).claim_counts(year)
        units = [] if dry_run else [sheet.unit for sheet in year_sheets]
        duties = {d.unit.pk: d for d in unit_duties(units, now)}
        for sheet in year_sheets:
            scored, total = claims[sheet.pk]
            if dry_run:
                report.sent.append(sheet.unit.code)
                continue
            with transaction.atomic():
                count = notifications.send_reminder(
                    sheet, scored=scored, total=total, duties=duties[sheet.unit_id]
                )
                if count:
                    Sheet.objects.filter(pk=sheet.pk).update(
                        reminded_for=year.self_assessment_deadline
                    )
            if not count:
                report.no_address.append(sheet.unit.code)
                continue
            report.sent.append(sheet.unit.code)
    return report
