"""The year management page for administrators: state, deadline, the readiness check before
publishing (with the decisions that let a unit through), transitions and reopening."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from scoring.forms.years import DeadlineForm, DecisionForm, ReopenForm
from scoring.models import AssessmentYear, Framework, Sheet, SheetState, YearState
from scoring.services import readiness, year_states
from scoring.services.errors import ServiceError
from scoring.views.loading import load_unit, load_year


def _render(
    request,
    year: AssessmentYear,
    *,
    deadline_form=None,
    reopen_form=None,
    decision_unit: str = "",
    decision_form: DecisionForm | None = None,
    status=200,
):
    sheets = Sheet.objects.filter(year=year)
    checked = None
    if year.state in (YearState.SELF_ASSESSMENT, YearState.APPRAISAL):
        checked = readiness.publication_readiness(year)
    context = {
        "readiness": checked,
        "decision_unit": decision_unit,
        "decision_form": decision_form,
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
        if len(error.messages) <= 1:
            return _refused(request, assessment_year, error)
        # The readiness check below the actions lists every open item with its links: one
        # message that points there, not one banner per unit.
        headline, *items = error.messages
        messages.error(
            request,
            ngettext(
                "%(headline)s %(count)s mục, liệt kê ở phần “Kiểm tra trước khi công bố”.",
                "%(headline)s %(count)s mục, liệt kê ở phần “Kiểm tra trước khi công bố”.",
                len(items),
            )
            % {"headline": headline, "count": len(items)},
        )
        return redirect(reverse("year_manage", args=[assessment_year.year]) + "#readiness")
    return _done(
        request,
        assessment_year,
        _("Đã công bố kết quả năm %(year)s; đã gửi thư báo cho các đơn vị.")
        % {"year": assessment_year.year},
    )


@login_required
@require_POST
def year_decision(request, year: int, unit_code: str):
    """Record (or replace) the decision to publish a unit as it stands, with its reason."""
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    unit = load_unit(unit_code)
    form = DecisionForm(request.POST)
    if not form.is_valid():
        return _render(
            request, assessment_year, decision_unit=unit.code, decision_form=form, status=400
        )
    try:
        readiness.record_decision(
            assessment_year, unit, form.cleaned_data["reason"], user=request.user
        )
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Đã ghi quyết định công bố cho %(unit)s.") % {"unit": unit.name},
    )


@login_required
@require_POST
def year_decision_withdraw(request, year: int, unit_code: str):
    assessment_year = load_year(request.user, year, "scoring.manage_year")
    unit = load_unit(unit_code)
    try:
        readiness.withdraw_decision(assessment_year, unit, user=request.user)
    except ServiceError as error:
        return _refused(request, assessment_year, error)
    return _done(
        request,
        assessment_year,
        _("Đã bỏ quyết định công bố của %(unit)s.") % {"unit": unit.name},
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
