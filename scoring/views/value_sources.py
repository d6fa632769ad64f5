"""A linked rule item's value (issue 19): where it came from, and the side's override of it."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from scoring.forms.value_source import ValueOverrideForm
from scoring.models import Score
from scoring.services import value_sources
from scoring.services.appraisal import ensure_appraisal_open
from scoring.services.errors import ServiceError
from scoring.services.self_assessment import ensure_self_assessment_open
from scoring.views.loading import load_item, load_sheet

# The side → the permission it needs, the state it needs, the page to go back to.
SIDES = {
    value_sources.UNIT_SIDE: (
        "scoring.edit_self_assessment",
        ensure_self_assessment_open,
        "sheet",
    ),
    value_sources.APPRAISAL_SIDE: (
        "scoring.appraise_sheet",
        lambda sheet: ensure_appraisal_open(sheet.year),
        "appraisal_sheet",
    ),
}


@login_required
def value_source(request, unit_code, year, item_code, side):
    """GET: the value's source and the side's override; POST: override (value and reason) or,
    with `clear`, go back to the index's value."""
    if side not in SIDES:
        raise Http404
    perm, state_check, back = SIDES[side]
    sheet = load_sheet(request.user, unit_code, year, perm)
    item = load_item(sheet, item_code)
    score = Score.objects.filter(sheet_id=sheet.pk, item=item).first() if sheet.pk else None
    if not item.source_kind or score is None or score.source_value is None:
        raise Http404(_("Tiêu chí này chưa có giá trị lấy từ chỉ số liên quan."))
    back_url = reverse(back, args=[sheet.unit.code, sheet.year.year]) + f"#item-{item.code}"
    own = (
        (score.self_value, score.self_value_override)
        if side == value_sources.UNIT_SIDE
        else (score.value, score.value_override)
    )
    form = ValueOverrideForm(request.POST or None, initial={"value": own[0], "reason": own[1]})
    if request.method == "POST" and ("clear" in request.POST or form.is_valid()):
        try:
            if "clear" in request.POST:
                value_sources.clear_override(
                    sheet, item.code, side=side, user=request.user, state_check=state_check
                )
            else:
                value_sources.override_value(
                    sheet,
                    item.code,
                    form.cleaned_data["value"],
                    form.cleaned_data["reason"],
                    side=side,
                    user=request.user,
                    state_check=state_check,
                )
        except ServiceError as error:
            for message in error.messages:
                form.add_error(None, message)
        else:
            messages.success(
                request, _("Đã lưu giá trị của tiêu chí %(code)s.") % {"code": item.code}
            )
            return redirect(back_url)
    status = 400 if request.method == "POST" else 200
    return render(
        request,
        "scoring/value_source/override.html",
        {
            "sheet": sheet,
            "unit": sheet.unit,
            "year": sheet.year,
            "item": item,
            "score": score,
            "side": side,
            "form": form,
            "back_url": back_url,
        },
        status=status,
    )
