"""Emails of the yearly workflow: plain Vietnamese text through Django's email backend.

Who hears what:

- the unit (its staff and leaders, and the unit's own address) on an explanation request, on
  publication of the results, and by `send_reminders` before the self-assessment deadline; the
  request and the reminder also list everything the unit has to do, with days left and links
  (`scoring.duties`, as the badge of /cua-toi/ says it);
- appraisers (users with an appraiser membership in another unit) when a unit submits its sheet;
- the appraiser who asked, when the unit answers an explanation request.

Services call the `notify_*` functions inside the transaction of the change: each renders its
mails and queues them in the outbox (`jobs.mail.queue_mail`), under a key naming the event, so a
change that rolls back queues nothing, a committed change's mails are delivered by the queue's
worker (retried with back-off while the mail server is down) and the same event never mails
twice. Nothing is sent inside the request. Bodies live in
templates/emails/<name>.txt and subjects in <name>_subject.txt. Links are absolute, from
`settings.PORTAL_BASE_URL` ("https://cchc.example.gov.vn"; required when DEBUG is off).
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.conf import settings
from django.template.loader import render_to_string
from django.urls import NoReverseMatch, reverse
from django.utils import translation

from jobs.mail import queue_mail
from scoring.duties import UNIT_ROLES, UnitDuties, unit_duties
from scoring.models import AssessmentYear, ExplanationRequest, Result, Sheet, SheetReplacement
from units.models import Membership, Role, Unit

logger = logging.getLogger(__name__)


# --------------------------------------------------------------------------- helpers


def link(name: str, *args: Any) -> str:
    """The page's address for an email; "" when the page does not exist (yet)."""
    try:
        path = reverse(name, args=args)
    except NoReverseMatch:
        return ""
    return str(settings.PORTAL_BASE_URL).rstrip("/") + path


def render_email(name: str, context: dict[str, Any]) -> tuple[str, str]:
    """(subject, body) from templates/emails/<name>_subject.txt and <name>.txt, in Vietnamese."""
    context = {"portal_name": settings.PORTAL_OWNER_NAME, **context}
    with translation.override(settings.LANGUAGE_CODE):
        subject = render_to_string(f"emails/{name}_subject.txt", context)
        body = render_to_string(f"emails/{name}.txt", context)
    return " ".join(subject.split()), body.strip() + "\n"


def unit_recipients(units: Iterable[Unit]) -> dict[int, list[str]]:
    """Unit id → addresses: its staff's and leaders' (active users) and the unit's own."""
    units = list(units)
    emails: dict[int, set[str]] = defaultdict(set)
    for unit in units:
        if unit.email:
            emails[unit.id].add(unit.email)
    memberships = Membership.objects.filter(
        unit__in=units, role__in=UNIT_ROLES, user__is_active=True
    ).exclude(user__email="")
    for unit_id, email in memberships.values_list("unit_id", "user__email"):
        emails[unit_id].add(email)
    return {unit.id: sorted(emails[unit.id]) for unit in units}


def duties_context(duties: UnitDuties) -> dict[str, Any]:
    """What a unit's e-mail says of everything it has to do (templates/emails/_duties.txt), as
    the badge of /cua-toi/ says it: the count, each thing with its deadline, days left and
    absolute link, and the link to /cua-toi/."""
    return {
        "duties": duties,
        "due_requests": [
            {
                "duty": request,
                "url": link("explanation_answer", request.unit_code, request.year, request.pk),
            }
            for request in duties.requests
        ],
        "due_sheets": [
            {"duty": sheet, "url": link("sheet", sheet.unit_code, sheet.year)}
            for sheet in duties.sheets
        ],
        "my_sheets_url": link("my_sheets"),
    }


def appraiser_recipients(sheet: Sheet) -> list[str]:
    """Addresses of the active appraisers who may appraise this sheet (not of its own unit)."""
    emails = (
        Membership.objects.filter(role=Role.APPRAISER, user__is_active=True)
        .exclude(unit=sheet.unit_id)
        .exclude(user__email="")
        .values_list("user__email", flat=True)
    )
    return sorted(set(emails))


def _stamp(moment: Any) -> str:
    """A moment in a mail's key: the same event always gives the same key."""
    return moment.isoformat() if moment is not None else "-"


def _queue(key: str, subject: str, body: str, recipients: list[str]) -> int:
    return 1 if queue_mail(key, subject, body, recipients) is not None else 0


# --------------------------------------------------------------------------- the messages


def notify_explanation_requested(explanation: ExplanationRequest) -> int:
    """Tell the unit that appraisers ask it to explain a score. Returns the mails queued."""
    explanation = ExplanationRequest.objects.select_related(
        "score__item", "score__sheet__unit", "score__sheet__year"
    ).get(pk=explanation.pk)
    score = explanation.score
    sheet = score.sheet
    recipients = unit_recipients([sheet.unit])[sheet.unit_id]
    if not recipients:
        return 0
    (duties,) = unit_duties([sheet.unit])
    subject, body = render_email(
        "explanation_requested",
        {
            "explanation": explanation,
            "score": score,
            "item": score.item,
            "unit": sheet.unit,
            "year": sheet.year,
            "url": link("explanation_answer", sheet.unit.code, sheet.year.year, explanation.pk),
            "this": next((r for r in duties.requests if r.pk == explanation.pk), None),
            **duties_context(duties),
        },
    )
    return _queue(f"explanation-requested:{explanation.pk}", subject, body, recipients)


def notify_explanation_answered(explanation: ExplanationRequest) -> int:
    """Tell the appraiser who asked that the unit has answered."""
    explanation = ExplanationRequest.objects.select_related(
        "score__item", "score__sheet__unit", "score__sheet__year", "requested_by"
    ).get(pk=explanation.pk)
    asker = explanation.requested_by
    if asker is None or not asker.email or not asker.is_active:
        return 0
    sheet = explanation.score.sheet
    subject, body = render_email(
        "explanation_answered",
        {
            "explanation": explanation,
            "item": explanation.score.item,
            "unit": sheet.unit,
            "year": sheet.year,
            "url": link("appraisal_sheet", sheet.unit.code, sheet.year.year),
        },
    )
    key = f"explanation-answered:{explanation.pk}:{_stamp(explanation.answered_at)}"
    return _queue(key, subject, body, [asker.email])


def notify_sheet_submitted(sheet: Sheet) -> int:
    """Tell the appraisers that a unit has submitted its sheet (one message each)."""
    sheet = Sheet.objects.select_related("unit", "year", "submitted_by").get(pk=sheet.pk)
    recipients = appraiser_recipients(sheet)
    if not recipients:
        return 0
    subject, body = render_email(
        "sheet_submitted",
        {
            "sheet": sheet,
            "unit": sheet.unit,
            "year": sheet.year,
            "url": link("appraisal_sheet", sheet.unit.code, sheet.year.year),
        },
    )
    key = f"sheet-submitted:{sheet.pk}:{_stamp(sheet.submitted_at)}"
    return sum(_queue(f"{key}:{email}", subject, body, [email]) for email in recipients)


def notify_framework_replaced(record: SheetReplacement) -> int:
    """Tell a unit that its sheet went back to draft because the framework was replaced, with
    what it must look at again."""
    record = SheetReplacement.objects.select_related(
        "sheet__unit", "sheet__year", "new_framework"
    ).get(pk=record.pk)
    sheet = record.sheet
    recipients = unit_recipients([sheet.unit])[sheet.unit_id]
    if not recipients:
        return 0
    subject, body = render_email(
        "framework_replaced",
        {
            "record": record,
            "framework": record.new_framework,
            "unit": sheet.unit,
            "year": sheet.year,
            "url": link("sheet", sheet.unit.code, sheet.year.year),
        },
    )
    return _queue(f"framework-replaced:{record.pk}", subject, body, recipients)


def notify_published(year: AssessmentYear) -> int:
    """Tell every unit with a sheet in the year that the results are published (one each)."""
    sheets = list(Sheet.objects.filter(year=year).select_related("unit").order_by("unit__code"))
    units = [sheet.unit for sheet in sheets]
    recipients = unit_recipients(units)
    results = {r.unit_id: r for r in Result.objects.filter(year=year, unit__in=units)}
    queued = 0
    for unit in units:
        if not recipients[unit.id]:
            continue
        subject, body = render_email(
            "published",
            {
                "unit": unit,
                "year": year,
                "result": results.get(unit.id),
                "url": link("sheet", unit.code, year.year),
            },
        )
        key = f"published:{year.pk}:{_stamp(year.published_at)}:{unit.pk}"
        queued += _queue(key, subject, body, recipients[unit.id])
    return queued


def send_reminder(
    sheet: Sheet, *, scored: int, total: int, duties: UnitDuties | None = None
) -> int:
    """Remind a unit that its sheet is not submitted and the deadline is near, with everything
    else it has to do (`duties`, read here when not given).

    Queued once per sheet and deadline (the key); the reminders task records the sheet as
    reminded in the same transaction.
    """
    recipients = unit_recipients([sheet.unit])[sheet.unit_id]
    if not recipients:
        return 0
    if duties is None:
        (duties,) = unit_duties([sheet.unit])
    subject, body = render_email(
        "reminder",
        {
            "sheet": sheet,
            "unit": sheet.unit,
            "year": sheet.year,
            "deadline": sheet.year.self_assessment_deadline,
            "scored": scored,
            "total": total,
            "url": link("sheet", sheet.unit.code, sheet.year.year),
            "this": next((s for s in duties.sheets if s.year == sheet.year.year), None),
            **duties_context(duties),
        },
    )
    deadline = sheet.year.self_assessment_deadline
    return _queue(f"reminder:{sheet.pk}:{_stamp(deadline)}", subject, body, recipients)
