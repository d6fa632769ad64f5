"""Appraisal pages: the list of a year's units, one unit's appraisal sheet, explanation rounds.

Reading needs `scoring.view_tracker` (appraisers, provincial leadership, admins) and, for a
sheet, `scoring.view_sheet`; writing needs `scoring.appraise_sheet` (never on one's own unit),
and the services refuse items outside the appraiser's domains. The unit answers explanation
requests on its own page (`explanation_answer`, `scoring.answer_explanation`).
"""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring import appraisal, tracker, workflow
from scoring.forms_appraisal import AppraisalForm, ExplanationAnswerForm, ExplanationRequestForm
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    Result,
    Sheet,
    YearState,
)
from scoring.permissions import may, require
from scoring.services import ServiceError, StaleSheetError
from units.models import Unit

# --------------------------------------------------------------------------- loading


def current_year() -> AssessmentYear:
    """The year the workflow pages open on: in appraisal, else the latest one under way."""
    years = list(AssessmentYear.objects.order_by("-year"))
    for wanted in (YearState.APPRAISAL, YearState.SELF_ASSESSMENT, YearState.PUBLISHED):
        for year in years:
            if year.state == wanted:
                return year
    if not years:
        raise Http404(_("Chưa có kỳ đánh giá nào."))
    return years[0]


def _sheet_for(request, unit_code: str, year: int, perm: str) -> Sheet:
    """The sheet of the unit and year in the URL, if the user has `perm` on it (else 403/404)."""
    unit = get_object_or_404(Unit.objects.select_related("group"), code=unit_code)
    assessment_year = get_object_or_404(AssessmentYear, year=year)
    if not unit.exists_in(assessment_year.year):
        raise Http404(_("Đơn vị không được đánh giá trong năm này."))
    sheet = workflow.sheet_for(unit, assessment_year)
    require(request.user, perm, sheet)
    return sheet


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
    """Every unit of the year: its sheet's state and how far its appraisal has gone."""
    require(request.user, "scoring.view_tracker")
    assessment_year = get_object_or_404(AssessmentYear, year=year)
    rows = tracker.tracker_rows(assessment_year)
    progress = tracker.appraisal_progress(assessment_year)
    empty = tracker.AppraisalProgress(0, 0, 0)
    context = {
        "year": assessment_year,
        "years": AssessmentYear.objects.exclude(state=YearState.PREPARING),
        "closed_reason": appraisal.appraisal_closed_reason(assessment_year),
        "rows": [
            {
                "row": row,
                "progress": progress.get(row.sheet.id, empty),
                "can_appraise": request.user.has_perm("scoring.appraise_sheet", row.sheet),
            }
            for row in rows
        ],
    }
    return render(request, "scoring/appraisal/list.html", context)


# --------------------------------------------------------------------------- one sheet


def _render_sheet(request, sheet: Sheet, form=None, status: int = 200):
    domains = appraisal.appraisal_sheet(sheet, request.user)
    rows = [row for domain in domains for row in domain.rows]
    if form is None and any(row.editable for row in rows):
        form = AppraisalForm(rows=rows, sheet=sheet)
    for row in rows:
        row.fields = form.fields_for(row.item.code) if form is not None else None
    items = [row.item for row in rows]
    claimed = workflow.self_totals(
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
        "closed_reason": appraisal.appraisal_closed_reason(sheet.year),
        "can_appraise": request.user.has_perm("scoring.appraise_sheet", sheet),
        "request_form": ExplanationRequestForm(),
    }
    return render(request, "scoring/appraisal/sheet.html", context, status=status)


@login_required
def appraisal_sheet(request, unit_code: str, year: int):
    """Self points, notes and evidence beside the appraisal inputs (the user's domains only)."""
    require(request.user, "scoring.view_tracker")
    sheet = _sheet_for(request, unit_code, year, "scoring.view_sheet")
    if request.method != "POST":
        return _render_sheet(request, sheet)
    require(request.user, "scoring.appraise_sheet", sheet)
    reason = appraisal.appraisal_closed_reason(sheet.year)
    if reason:
        messages.error(request, reason)
        return redirect(_appraisal_url(sheet))
    rows = [row for d in appraisal.appraisal_sheet(sheet, request.user) for row in d.rows]
    form = AppraisalForm(request.POST, rows=rows, sheet=sheet)
    if not form.is_valid():
        return _render_sheet(request, sheet, form, status=400)
    try:
        appraisal.appraise(
            sheet,
            form.changes(),
            user=request.user,
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
    sheet = _sheet_for(request, unit_code, year, "scoring.appraise_sheet")
    form = ExplanationRequestForm(request.POST)
    if not form.is_valid():
        for errors in form.errors.values():
            for message in errors:
                messages.error(request, message)
        return redirect(_appraisal_url(sheet, f"item-{item_code}"))
    try:
        appraisal.request_explanation(
            sheet, item_code, form.cleaned_data["question"], user=request.user
        )
    except ServiceError as error:
        _errors(request, error)
    else:
        messages.success(
            request,
            _("Đã gửi yêu cầu giải trình tiêu chí %(code)s đến đơn vị.") % {"code": item_code},
        )
    return redirect(_appraisal_url(sheet, f"item-{item_code}"))


def _explanation_for(sheet: Sheet, pk: int) -> ExplanationRequest:
    return get_object_or_404(
        ExplanationRequest.objects.select_related("score__item", "requested_by", "answered_by"),
        pk=pk,
        score__sheet_id=sheet.pk,
    )


@login_required
@require_POST
def close_explanation(request, unit_code: str, year: int, pk: int):
    sheet = _sheet_for(request, unit_code, year, "scoring.appraise_sheet")
    explanation = _explanation_for(sheet, pk)
    try:
        appraisal.close_explanation(explanation, user=request.user)
    except ServiceError as error:
        _errors(request, error)
    else:
        messages.success(request, _("Đã đóng yêu cầu giải trình."))
    return redirect(_appraisal_url(sheet, f"item-{explanation.score.item.code}"))


# --------------------------------------------------------------------------- the unit's answer


@login_required
def explanation_answer(request, unit_code: str, year: int, pk: int):
    """The unit reads a request and answers it (text and files) while it is open."""
    sheet = _sheet_for(request, unit_code, year, "scoring.view_sheet")
    explanation = _explanation_for(sheet, pk)
    explanation.score.sheet = sheet
    can_answer = may(request.user, "scoring.answer_explanation", sheet)
    closed_reason = appraisal.explanation_closed_reason(explanation)
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
                appraisal.answer_explanation(
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
    }
    return render(request, "scoring/explanation_answer.html", context, status=status)
