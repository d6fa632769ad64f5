"""Public results: the province overview (home page) and the results as open data.

Anonymous visitors and unit staff see published years only; appraisers, provincial leadership
and admins may also open the year in progress on the overview, marked "tạm tính". Open data is
published years only, for everyone.

The pages are served whole from the cache (`cached_page`, scoring/selectors/cache.py): the
views below are plain views, given only the query parameters the decorator names and checks.
"""

import codecs

from django.http import Http404, HttpResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from scoring.exchange.opendata import records_to_csv, records_to_json, result_records
from scoring.extensions import panels
from scoring.forms.filters import RankingFilter
from scoring.models import AssessmentYear, Result
from scoring.permissions import sees_provisional
from scoring.selectors.cache import cached_bytes, cached_page, public_file
from scoring.selectors.dashboards import overview
from scoring.selectors.years import visible_years
from scoring.views.loading import checked_code, hidden_year, load_visible_year


def _ranking(request, years: list[AssessmentYear]):
    """The year asked for, its overview and the ranking's filters: 404 for a year the viewer
    may not see or a unit group the year does not have."""
    year = load_visible_year(years, request.GET.get("year"))
    published_only = not sees_provisional(request.user)
    groups = overview(year, years, published_only=published_only) if year else []
    filters = RankingFilter(request.GET, groups=groups)
    if filters.unknown_group:
        raise Http404(_("Không có khối đơn vị này."))
    return year, groups, filters


def _ranking_query(request, years: list[AssessmentYear]) -> dict[str, str]:
    year, _groups, filters = _ranking(request, years)
    query = {"year": str(year.year)} if request.GET.get("year") else {}
    return {**query, **filters.checked()}


@cached_page("home", query=("year", "group", "band", "state"), check=_ranking_query)
def home(request):
    years = visible_years(request.user)
    year, groups, filters = _ranking(request, years)
    # The ranking of the group shown may be filtered by classification and sheet state.
    active, checked = filters.group_code, filters.checked()
    for g in groups:
        if g.group.code == active:
            g.filter(checked.get("band", ""), checked.get("state", ""))
    return render(
        request,
        "scoring/home.html",
        {
            "years": years,
            "year": year,
            "groups": groups,
            "active": active,
            "panels": panels("home", request, year=year),
        },
    )


def _published_years(request=None) -> list[AssessmentYear]:
    return list(AssessmentYear.objects.published().order_by("-year"))


@cached_page("open_data", years=_published_years)
def open_data(request):
    return render(
        request,
        "scoring/dashboards/open_data.html",
        {"years": _published_years(), "panels": panels("open_data", request)},
    )


def _published_year(year: int) -> AssessmentYear:
    found = AssessmentYear.objects.published().filter(year=year).first()
    if found is None:
        raise hidden_year(year, _("Không có kết quả công bố của năm này."))
    return found


def _records_file(request, year: int, fmt: str) -> bytes:
    """The open-data file of a published year, from the cache (see scoring/selectors/cache.py).

    `?group=` keeps a unit group with results that year; another one is a 404, checked when the
    file is built, so it never makes a cache entry.
    """
    found = _published_year(year)
    group = request.GET.get("group") or None
    if group is not None:
        checked_code(group)
    to_text = records_to_csv if fmt == "csv" else records_to_json

    def build() -> bytes:
        if group is not None and not Result.objects.filter(year=found, group__code=group).exists():
            raise Http404(_("Không có khối đơn vị này."))
        return to_text(result_records(found, group)).encode()

    return cached_bytes(f"open_data_{fmt}", [found], (group,), build)


@public_file("file_open_data_csv", query=("group",))
def open_data_csv(request, year: int):
    # With a byte-order mark, so that Excel reads the Vietnamese letters as UTF-8 (the
    # `results` command's CSV, for machines, has none).
    response = HttpResponse(
        codecs.BOM_UTF8 + _records_file(request, year, "csv"),
        content_type="text/csv; charset=utf-8",
    )
    response["Content-Disposition"] = f'attachment; filename="ket-qua-{year}.csv"'
    return response


@public_file("file_open_data_json", query=("group",))
def open_data_json(request, year: int):
    response = HttpResponse(_records_file(request, year, "json"), content_type="application/json")
    response["Access-Control-Allow-Origin"] = "*"
    return response
