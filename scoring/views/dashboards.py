"""Dashboards: a unit's profile, what it takes to move up, the comparison of two years and the
items that cost the most points. The province overview is the home page (views/public.py).

Every view loads what the URL names through the helpers below, which answer 404 for a year the
user may not see (an unpublished year for anyone without scoring.view_unpublished_results), so a
guessed URL or query parameter shows nothing more than the menus do.
"""

from __future__ import annotations

from decimal import Decimal

from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.extensions import panels
from scoring.forms.fields import parse_points
from scoring.models import AssessmentYear, Result, Sheet
from scoring.permissions import User, reads_sheets_of, sees_provisional, sees_reasons
from scoring.selectors import dashboards as shared
from scoring.selectors.cache import cached_page
from scoring.selectors.common import framework_items
from scoring.selectors.losses import most_lost as most_lost_items
from scoring.selectors.moving_up import Candidate, move_up_basis, project
from scoring.selectors.years import visible_years
from scoring.views.loading import (
    checked_code,
    load_group,
    load_named_group,
    load_unit,
    load_visible_year,
)
from units.models import UnitGroup

# --------------------------------------------------------------------------- loading


def groups_with_results(years: list[AssessmentYear]) -> list[UnitGroup]:
    return list(
        UnitGroup.objects.filter(results__year__in=years).distinct().order_by("order", "code")
    )


# --------------------------------------------------------------------------- pages


def _reasons_shown(user: User, unit_code: str, year: AssessmentYear) -> bool:
    if not user.is_authenticated:  # the public never sees reasons: no query
        return False
    sheet = Sheet.objects.filter(unit__code=unit_code, year=year).select_related("unit", "year")
    return sees_reasons(user, sheet.first())


def _profile_year(years: list[AssessmentYear], query) -> AssessmentYear:
    year = load_visible_year(years, query.get("year"))
    if year is None:
        raise Http404(_("Chưa có kết quả nào được công bố."))
    return year


def _profile_query(request, years: list[AssessmentYear], code: str) -> dict[str, str]:
    year = _profile_year(years, request.GET)
    return {"year": str(year.year)} if request.GET.get("year") else {}


def _profile_viewer(request, code: str) -> tuple:
    """Whether the viewer reads the appraisers' reasons of this unit (a per-viewer rule): whether
    they may read its sheets, from their memberships. Whether the year has a sheet is the page's
    data, under the generation of its key, so it need not be asked here (a query of the years and
    one of the sheet on every request before)."""
    return (reads_sheets_of(request.user, code),)


@cached_page("unit_profile", query=("year",), check=_profile_query, vary=_profile_viewer)
def unit_profile(request, code: str):
    years = visible_years(request.user)
    year = _profile_year(years, request.GET)
    profile = shared.unit_profile(
        load_unit(code),
        year,
        years,
        show_reasons=_reasons_shown(request.user, code, year),
        published_only=not sees_provisional(request.user),
    )
    return render(
        request,
        "scoring/dashboards/unit_profile.html",
        # The profile's unit carries the name it had that year.
        {
            "unit": profile.unit,
            "year": year,
            "years": years,
            "profile": profile,
            "panels": panels("unit_profile", request, unit=profile.unit, year=year, years=years),
        },
    )


def move_up(request, code: str, year: int):
    unit = load_unit(code)
    chosen = load_visible_year(visible_years(request.user), year)
    result = get_object_or_404(
        Result.objects.select_related("year", "group", "band"), unit=unit, year=chosen
    )
    basis = move_up_basis(result)
    recover, errors = recovery_from(request.GET, basis.candidates, chosen.rounding, chosen.decimals)
    context = {
        "unit": unit,
        "year": chosen,
        "result": result,
        "basis": basis,
        "projection": project(basis, recover),
        "errors": errors,
        "chosen": bool(recover),
    }
    if request.headers.get("HX-Request"):
        return render(request, "scoring/dashboards/_projection.html", context)
    return render(request, "scoring/dashboards/move_up.html", context)


def recovery_from(
    query, candidates: list[Candidate], rounding: str, decimals: int = 2
) -> tuple[dict[str, Decimal], list[str]]:
    """The points the user chose to recover: ticked items in full, or the points typed in.

    Typed points go through the one web parser (`forms.fields.parse_points`) and are rounded to
    the year's decimals (2 or 3) by its rule. Fills each candidate's `recover` for the form; a value that
    is not a number between 0 and the points lost on the item is left out, with a message.
    """
    full = set(query.getlist("full"))
    recover: dict[str, Decimal] = {}
    errors: list[str] = []
    for candidate in candidates:
        if candidate.code in full:
            value = candidate.lost
        else:
            try:
                typed = parse_points(query.get(f"pts-{candidate.code}"))
                if typed is not None and typed > candidate.lost:
                    raise ValidationError("more than the points lost", code="above_lost")
            except ValidationError:
                errors.append(
                    _("Tiêu chí %(code)s: số điểm khôi phục phải là một số từ 0 đến %(lost)s.")
                    % {"code": candidate.code, "lost": number_format(candidate.lost, decimals)}
                )
                continue
            if typed is None:
                continue
            value = calc.round_figure(typed, rounding, decimals)
        if value > calc.ZERO:
            candidate.recover = value
            recover[candidate.code] = value
    return recover, errors


def _compared_years(years: list[AssessmentYear], query):
    """The two years of ?from= and ?to=, earlier first (by default the latest and the one
    before it); 404 for a year the viewer may not see."""
    new_year = load_visible_year(years, query.get("to"))
    older = [y for y in years if new_year is not None and y.year < new_year.year]
    old_year = load_visible_year(years, query.get("from"), fallback=False) or (
        older[0] if older else None
    )
    if old_year is not None and new_year is not None and old_year.year > new_year.year:
        old_year, new_year = new_year, old_year
    return old_year, new_year


def _comparison_query(request, years: list[AssessmentYear]) -> dict[str, str]:
    query = request.GET
    old_year, new_year = _compared_years(years, query)
    checked = {name: str(int(query[name])) for name in ("from", "to") if query.get(name)}
    if old_year is not None and new_year is not None and old_year != new_year:
        # The group and the unit count only when two years are compared (else ignored).
        if query.get("group"):
            groups = groups_with_results([old_year, new_year])
            checked["group"] = load_named_group(groups, query["group"]).code
        if query.get("unit"):
            checked["unit"] = load_unit(query["unit"]).code
    return checked


@cached_page("compare", query=("from", "to", "group", "unit"), check=_comparison_query)
def compare(request):
    years = visible_years(request.user)
    old_year, new_year = _compared_years(years, request.GET)
    context = {"years": years, "old_year": old_year, "new_year": new_year, "comparison": None}
    if old_year is not None and new_year is not None and old_year != new_year:
        groups = groups_with_results([old_year, new_year])
        group = load_group(groups, request.GET.get("group"))
        unit_code = request.GET.get("unit")
        unit = load_unit(unit_code) if unit_code else None
        comparison = shared.compare(group, old_year, new_year, unit, years) if group else None
        if unit is not None and (
            comparison is None or not any(row.unit == unit for row in comparison.units)
        ):
            raise Http404(_("Đơn vị không có kết quả trong khối này ở hai năm đã chọn."))
        context.update(groups=groups, group=group, unit=unit, comparison=comparison)
    return render(request, "scoring/dashboards/compare.html", context)


def _most_lost_query(request, years: list[AssessmentYear]) -> dict[str, str]:
    """?year= and ?group= as the view loads them (404 when invalid); ?item= kept only when it
    is a scored item of that year and group (else ignored: the page without it)."""
    query = request.GET
    year = load_visible_year(years, query.get("year"))
    checked = {"year": str(year.year)} if query.get("year") and year else {}
    groups = groups_with_results([year]) if year else []
    group = load_named_group(groups, query["group"]) if query.get("group") else None
    if group is not None:
        checked["group"] = group.code
    if query.get("item") and year:
        code = checked_code(query["item"])
        shown = group or (groups[0] if groups else None)
        items = framework_items([(year.id, shown.id)]).get((year.id, shown.id), []) if shown else []
        if any(item.code == code and item.is_scored for item in items):
            checked["item"] = code
    return checked


@cached_page("most_lost", query=("year", "group", "item"), check=_most_lost_query)
def most_lost(request):
    years = visible_years(request.user)
    year = load_visible_year(years, request.GET.get("year"))
    groups = groups_with_results([year]) if year else []
    group = load_group(groups, request.GET.get("group"))
    item = request.GET.get("item")
    # No year: no groups, so no group either.
    losses = (
        most_lost_items(year, group, checked_code(item) if item else None)
        if year and group
        else None
    )
    return render(
        request,
        "scoring/dashboards/most_lost.html",
        {"years": years, "year": year, "groups": groups, "group": group, "losses": losses},
    )
