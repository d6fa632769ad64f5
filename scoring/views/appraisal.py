"""Appraisal pages: the list of a year's units, one unit's appraisal sheet, explanation rounds.

Reading needs `scoring.view_tracker` (appraisers, provincial leadership, admins) and, for a
sheet, `scoring.view_sheet`; writing needs `scoring.appraise_sheet` (never on one's own unit),
and the services refuse items outside the appraiser's domains. The unit answers explanation
requests on its own page (`explanation_answer`, `scoring.answer_explanation`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from lib.deadlines import due
from lib.requests import accepts_upload, answer_request_bytes
from scoring.duties import explanation_deadline
from scoring.forms.appraisal import AppraisalForm, ExplanationAnswerForm, ExplanationRequestForm
from scoring.forms.filters import SheetFilter
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Result,
    Sheet,
    YearState,
)
from scoring.permissions import User, appraised_domains, may, own_unit_conflict, require
from scoring.selectors import sheets, tracker
from scoring.selectors.sheets import self_totals
from scoring.services import appraisal as appraisal_service
from scoring.services.appraisal import (
    answer_explanation,
    appraisal_closed_reason,
    appraise,
    explanation_closed_reason,
)
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.views.loading import current_year, load_explanation, load_sheet, load_year

# --------------------------------------------------------------------------- loading


def _appraisal_url(sheet: Sheet, anchor: str = "") -> str:
    url = reverse("appraisal_sheet", args=[sheet.unit.code, sheet.year.year])
    return f"{url}#{anchor}" if anchor else url


def _errors(request, error: ServiceError) -> None:
    for message in error.messages:
        messages.error(request, message)


# --------------------------------------------------------------------------- the list


@login_required
def appraisal_index(request):
    require(request.user, "scoring.view_tracker")
    return redirect("appraisal_list", year=current_year().year)


@login_required
def appraisal_list(request, year: int):
    """Every unit of the year (`?khoi=`: of one unit group): its sheet's state and how far its
    appraisal has gone."""
    assessment_year = load_year(request.user, year, "scoring.view_tracker")
    filters = SheetFilter(request.GET, tracker.year_sheets(assessment_year), year=assessment_year)
    rows = tracker.tracker_rows(assessment_year, sheets=filters.qs)
    progress = tracker.appraisal_progress(assessment_year)
    empty = tracker.AppraisalProgress(0, 0, 0)
    context = {
        "year": assessment_year,
        "years": AssessmentYear.objects.exclude(state=YearState.PREPARING),
        "groups": filters.groups,
        "group_code": filters.group_code,
        "closed_reason": appraisal_closed_reason(assessment_year),
        "rows": [
            {
                "row": row,
                "progress": progress.get(row.sheet.id, empty),
                "can_appraise": may(request.user, "scoring.appraise_sheet", row.sheet),
            }
            for row in rows
        ],
    }
    return render(request, "scoring/appraisal/list.html", context)


# --------------------------------------------------------------------------- one sheet


def _editable_domains(user: User, sheet: Sheet) -> set[str] | None:
    """What the user may appraise on this sheet now: domain codes, None for all, empty for none."""
    if appraisal_closed_reason(sheet.year) or not may(user, "scoring.appraise_sheet", sheet):
        return set()
    return appraised_domains(user, sheet)


def _render_sheet(request, sheet: Sheet, form=None, status: int = 200):
    domains = sheets.appraisal_sheet(sheet, _editable_domains(request.user, sheet))
    rows = [row for domain in domains for row in domain.rows]
    if form is None and any(row.editable for row in rows):
        form = AppraisalForm(rows=rows, sheet=sheet)
    for row in rows:
        row.fields = form.fields_for(row.item.code) if form is not None else None
    items = [row.item for row in rows]
    claimed = self_totals(
        items,
        {
            row.item.code: (row.score.self_points, row.score.not_applicable)
            for row in rows
            if row.score
        },
        sheet.year.rounding,
    )
    context = {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "domains": domains,
        "form": form,
        "claimed": claimed,
        "result": Result.objects.filter(unit=sheet.unit, year=sheet.year).first(),
        "closed_reason": appraisal_closed_reason(sheet.year),
        "can_appraise": may(request.user, "scoring.appraise_sheet", sheet),
        "own_unit_conflict": own_unit_conflict(request.user, sheet),
        "request_form": ExplanationRequestForm(),
    }
    return render(request, "scoring/appraisal/sheet.html", context, status=status)


@login_required
def appraisal_sheet(request, unit_code: str, year: int):
    """Self points, notes and evidence beside the appraisal inputs (the user's domains only)."""
    require(request.user, "scoring.view_tracker")
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    if request.method != "POST":
        return _render_sheet(request, sheet)
    require(request.user, "scoring.appraise_sheet", sheet)
    reason = appraisal_closed_reason(sheet.year)
    if reason:
        messages.error(request, reason)
        return redirect(_appraisal_url(sheet))
    editable = _editable_domains(request.user, sheet)
    rows = [row for d in sheets.appraisal_sheet(sheet, editable) for row in d.rows]
    form = AppraisalForm(request.POST, rows=rows, sheet=sheet)
    if not form.is_valid():
        return _render_sheet(request, sheet, form, status=400)
    try:
        appraise(
            sheet,
            form.changes(),
            user=request.user,
            domains=editable,
            expected_version=form.cleaned_data["version"],
        )
    except StaleSheetError as error:
        _errors(request, error)
        return redirect(_appraisal_url(sheet))
    except ServiceError as error:
        for message in error.messages:
            form.add_error(None, message)
        return _render_sheet(request, sheet, form, status=400)
    messages.success(request, _("Đã lưu điểm thẩm định."))
    return redirect(_appraisal_url(sheet))


@login_required
@require_POST
def request_explanation(request, unit_code: str, year: int, item_code: str):
    sheet = load_sheet(request.user, unit_code, year, "scoring.appraise_sheet")
    form = ExplanationRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                # django-stubs: an ErrorList yields its messages (str), never a ValidationError.
                messages.error(request, message)  # type: ignore[arg-type]
        return redirect(_appraisal_url(sheet, f"item-{item_code}"))
    try:
        appraisal_service.request_explanation(
            sheet,
            item_code,
            form.cleaned_data["question"],
            user=request.user,
            domains=appraised_domains(request.user, sheet),
        )
    except ServiceError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Đã gửi yêu cầu giải trình tiêu chí %(code)s đến đơn vị.") % {"code": item_code},
        )
    return redirect(_appraisal_url(sheet, f"item-{item_code}"))


@login_required
@require_POST
def close_explanation(request, unit_code: str, year: int, pk: int):
    sheet = load_sheet(request.user, unit_code, year, "scoring.appraise_sheet")
    explanation = load_explanation(sheet, pk)
    try:
        appraisal_service.close_explanation(
            explanation, user=request.user, domains=appraised_domains(request.user, sheet)
        )
    except ServiceError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã đóng yêu cầu giải trình."))
    return redirect(_appraisal_url(sheet, f"item-{explanation.score.item.code}"))


# --------------------------------------------------------------------------- the unit's answer


@accepts_upload(answer_request_bytes)
@login_required
def explanation_answer(request, unit_code: str, year: int, pk: int):
    """The unit reads a request and answers it (text and files) while it is open."""
    sheet = load_sheet(request.user, unit_code, year, "scoring.view_sheet")
    explanation = load_explanation(sheet, pk)
    explanation.score.sheet = sheet
    can_answer = may(request.user, "scoring.answer_explanation", sheet)
    closed_reason = explanation_closed_reason(explanation)
    form = ExplanationAnswerForm() if can_answer and not closed_reason else None
    status = 200
    if request.method == "POST":
        require(request.user, "scoring.answer_explanation", sheet)
        if closed_reason:
            messages.error(request, closed_reason)
            return redirect(request.path)
        form = ExplanationAnswerForm(request.POST, request.FILES)
        if form.is_valid():
            try:
                answer_explanation(
                    explanation,
                    form.cleaned_data["answer"],
                    form.cleaned_data["files"],
                    user=request.user,
                )
            except ServiceError as error:
                for message in error.messages:
                    form.add_error(None, message)
            else:
                messages.success(request, _("Đã gửi giải trình đến Hội đồng thẩm định."))
                return redirect(request.path)
        status = 400
    context = {
        "sheet": sheet,
        "unit": sheet.unit,
        "year": sheet.year,
        "explanation": explanation,
        "item": explanation.score.item,
        "score": explanation.score,
        "files": Evidence.objects.filter(explanation=explanation),
        "earlier": ExplanationRequest.objects.filter(score=explanation.score)
        .exclude(pk=explanation.pk)
        .order_by("round"),
        "form": form,
        "closed_reason": closed_reason if can_answer else None,
        # When the answer is due, while the request waits for it (scoring/duties.py).
        "due": due(explanation_deadline(explanation.requested_at))
        if explanation.state == ExplanationState.OPEN
        else None,
    }
    return render(request, "scoring/explanation_answer.html", context, status=status)
