"""The survey's panel on scoring's open-data page (settings.PAGE_PANELS): the aggregates of each
published year's questionnaires, never a ballot."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from scoring.models import AssessmentYear
from survey.models import Questionnaire


def open_data(request: HttpRequest) -> str:
    questionnaires = list(
        Questionnaire.objects.filter(year__in=AssessmentYear.objects.published())
        .select_related("year", "group")
        .order_by("-year__year", "group__order")
    )
    if not questionnaires:
        return ""
    return render_to_string(
        "survey/_open_data.html", {"questionnaires": questionnaires}, request=request
    )
