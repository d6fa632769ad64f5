"""Public results: the province overview (home page) and the results as open data.

Anonymous visitors and unit staff see published years only; appraisers, provincial leadership
and admins may also open the year in progress on the overview, marked "tạm tính". Open data is
published years only, for everyone.
"""

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scoring.caching import PageCache, cached_bytes, deferred
from scoring.dashboards import can_see_unpublished, visible_years
from scoring.dashboards.province import overview
from scoring.models import AssessmentYear
from scoring.opendata import records_to_csv, records_to_json, result_records
from scoring.views.dashboards import load_year


def home(request):
    years = visible_years(request.user)
    year = load_year(years, request.GET.get("year"))
    published_only = not can_see_unpublished(request.user)
    chosen = request.GET.get("group") or None
    # The ranking of the chosen group may be filtered by classification and sheet state.
    band, state = request.GET.get("band", ""), request.GET.get("state", "")
    page = PageCache(
        "home", years, year and year.year, chosen, published_only, band, state, request=request
    )
    if page.page_hit:
        return page.response()

    def groups_of_year():
        groups = overview(year, published_only_previous=published_only) if year else []
        filtered = chosen or (groups[0].group.code if groups else None)
        for g in groups:
            if g.group.code == filtered:
                g.filter(band, state)
        return groups

    if page.hit:
        # Stored only after a page with these parameters was shown: nothing to check again.
        groups = deferred(groups_of_year)
        active = chosen or deferred(lambda: groups[0].group.code if groups else None)
    else:
        groups = groups_of_year()
        if chosen and not any(g.group.code == chosen for g in groups):
            raise Http404(_("Không có khối đơn vị này."))
        active = chosen or (groups[0].group.code if groups else None)
    return page.finish(
        render(
            request,
            "scoring/home.html",
            {"years": years, "year": year, "groups": groups, "active": active, **page.context},
        )
    )


def open_data(request):
    years = list(AssessmentYear.objects.published().order_by("-year"))
    page = PageCache("open_data", years, request=request)
    if page.page_hit:
        return page.response()
    return page.finish(
        render(request, "scoring/dashboards/open_data.html", {"years": years, **page.context})
    )


def _published_year(year: int) -> AssessmentYear:
    found = AssessmentYear.objects.published().filter(year=year).first()
    if found is None:
        raise Http404(_("Không có kết quả công bố của năm này."))
    return found


def _records_file(request, year: int, fmt: str) -> bytes:
    """The open-data file of a published year, from the cache (see scoring/caching.py)."""
    found = _published_year(year)
    group = request.GET.get("group") or None
    to_text = records_to_csv if fmt == "csv" else records_to_json
    return cached_bytes(
        f"open_data_{fmt}",
        [found],
        (group,),
        lambda: to_text(result_records(found, group)).encode(),
    )


def open_data_csv(request, year: int):
    response = HttpResponse(
        _records_file(request, year, "csv"), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{year}.csv"'
    return response


def open_data_json(request, year: int):
    response = HttpResponse(_records_file(request, year, "json"), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
