"""The year management page for administrators: state, deadline, transitions and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from scoring.forms.years import DeadlineForm, ReopenForm
from scoring.models import AssessmentYear, Framework, Sheet, SheetState
from scoring.services import year_states
from scoring.services.errors import ServiceError
from scoring.views.loading import load_year


def _render(request, year: AssessmentYear, *, deadline_form=None, reopen_form=None, status=200):
    sheets = Sheet.objects.filter(year=year)
    context = {
        "year": year,
        "deadline_form": deadline_form or DeadlineForm(deadline=year.self_assessment_deadline),
        "reopen_form": reopen_form or ReopenForm(),
        "frameworks": Framework.objects.filter(year=year).select_related("group"),
        "sheet_count": sheets.count(),
        "submitted_count": sheets.filter(state=SheetState.SUBMITTED).count(),
        "transitions": year.transitions.select_related("by"),
    }
    return render(request, "scoring/years/manage.html", context, status=status)


def _done(request, year: AssessmentYear, message: str):
    messages.success(request, message)
    return redirect("year_manage", year=year.year)


def _refused(request, year: AssessmentYear, error: ServiceError):
    for message in error.messages:
        messages.error(request, message)
    return redirect("year_manage", year=year.year)


@login_required
def year_manage(request, year: int):
    return _render(request, load_year(request.user, year, "scoring.manage_year"))


@login_required
@require_POST
def year_open(request, year: int):
    """Preparing → self-assessment, with its deadline; every unit's sheet is created."""
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _render(request, assessment_year, deadline_form=form, status=400)
    try:
        created = year_states.open_self_assessment(
            assessment_year, form.cleaned_data["deadline"], user=request.user
        )
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Đã mở tự đánh giá năm %(year)s; đã tạo %(count)s phiếu.")
        % {"year": assessment_year.year, "count": created},
    )


@login_required
@require_POST
def year_deadline(request, year: int):
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    form = DeadlineForm(request.POST)
    if not form.is_valid():
        return _render(request, assessment_year, deadline_form=form, status=400)
    try:
        year_states.change_deadline(
            assessment_year, form.cleaned_data["deadline"], user=request.user
        )
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(request, assessment_year, _("Đã đổi hạn tự đánh giá."))


@login_required
@require_POST
def year_start_appraisal(request, year: int):
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    try:
        year_states.start_appraisal(assessment_year, user=request.user)
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Năm %(year)s đã chuyển sang thẩm định.") % {"year": assessment_year.year},
    )


@login_required
@require_POST
def year_publish(request, year: int):
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    try:
        year_states.publish(assessment_year, user=request.user)
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Đã công bố kết quả năm %(year)s; đã gửi thư báo cho các đơn vị.")
        % {"year": assessment_year.year},
    )


@login_required
@require_POST
def year_reopen(request, year: int):
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    form = ReopenForm(request.POST)
    if not form.is_valid():
        return _render(request, assessment_year, reopen_form=form, status=400)
    try:
        year_states.reopen(assessment_year, form.cleaned_data["reason"], user=request.user)
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Đã mở lại năm %(year)s: kết quả trở về giai đoạn thẩm định.")
        % {"year": assessment_year.year},
    )
