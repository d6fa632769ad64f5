"""The indices' panels on scoring's pages (scoring/extensions.py, settings.PAGE_PANELS): the unit
profile's related indices, the overview's switch between indices, open data's files."""

from __future__ import annotations

from django.http import HttpRequest
from django.template.loader import render_to_string

from indices import selectors
from indices.models import IndexKind, IndexResult
from scoring.models import AssessmentYear
from units.models import Unit


def unit_profile(
    request: HttpRequest, *, unit: Unit, year: AssessmentYear, years: list[AssessmentYear]
) -> str:
    indices = selectors.unit_indices(unit, years)
    if not indices.panels:
        return ""
    return render_to_string(
        "indices/_unit_panel.html", {"unit": unit, "indices": indices}, request=request
    )


def index_switch(request: HttpRequest, *, year: AssessmentYear | None) -> str:
    kinds = list(IndexKind.objects.order_by("order", "code"))
    return render_to_string(
        "indices/_switch.html", {"kinds": kinds, "current": None, "year": year}, request=request
    )


def open_data(request: HttpRequest) -> str:
    kinds = {kind.pk: kind for kind in IndexKind.objects.exclude(source="computed")}
    files: dict[int, list[str]] = {}
    for kind_id, period in (
        IndexResult.objects.order_by("kind_id", "-starts_on")
        .values_list("kind_id", "period")
        .distinct()
    ):
        files.setdefault(kind_id, []).append(period)
    rows = [(kind, files[pk]) for pk, kind in kinds.items() if pk in files]
    rows.sort(key=lambda row: (row[0].order, row[0].code))
    return render_to_string("indices/_open_data.html", {"rows": rows}, request=request)
