"""Public results: the province overview (home page) and the results as open data.

Anonymous visitors and unit staff see published years only; appraisers, provincial leadership
and admins may also open the year in progress on the overview, marked "tạm tính". Open data is
published years only, for everyone.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scoring.dashboards import can_see_unpublished, visible_years
from scoring.dashboards.province import overview
from scoring.models import AssessmentYear
from scoring.opendata import records_to_csv, records_to_json, result_records
from scoring.views.dashboards import load_year


def home(request):
    years = visible_years(request.user)
    year = load_year(years, request.GET.get("year"))
    groups = (
        overview(year, published_only_previous=not can_see_unpublished(request.user))
        if year
        else []
    )
    chosen = request.GET.get("group")
    if chosen and not any(g.group.code == chosen for g in groups):
        raise Http404(_("Không có khối đơn vị này."))
    active = chosen or (groups[0].group.code if groups else None)
    return render(
        request,
        "scoring/home.html",
        {"years": years, "year": year, "groups": groups, "active": active},
    )


def open_data(request):
    years = list(AssessmentYear.objects.published().order_by("-year"))
    return render(request, "scoring/dashboards/open_data.html", {"years": years})


def _published_year(year: int) -> AssessmentYear:
    found = AssessmentYear.objects.published().filter(year=year).first()
    if found is None:
        raise Http404(_("Không có kết quả công bố của năm này."))
    return found


def open_data_csv(request, year: int):
    records = result_records(_published_year(year), request.GET.get("group") or None)
    response = HttpResponse(records_to_csv(records), content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{year}.csv"'
    return response


def open_data_json(request, year: int):
    records = result_records(_published_year(year), request.GET.get("group") or None)
    response = HttpResponse(records_to_json(records), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
