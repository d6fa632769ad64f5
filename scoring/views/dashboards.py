"""Dashboards: a unit's profile, what it takes to move up, the comparison of two years and the
items that cost the most points. The province overview is the home page (views/public.py).

Every view loads what the URL names through the helpers below, which answer 404 for a year the
user may not see (an unpublished year for anyone without scoring.view_unpublished_results), so a
guessed URL or query parameter shows nothing more than the menus do.
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation

from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.caching import PageCache, deferred
from scoring.dashboards import can_see_unpublished, default_year, visible_years
from scoring.dashboards.comparison import compare as compare_years
from scoring.dashboards.losses import most_lost as most_lost_items
from scoring.dashboards.moving_up import Candidate, move_up_basis, project
from scoring.dashboards.unit import unit_profile as profile_of
from scoring.models import AssessmentYear, Result, Sheet
from units.models import Unit, UnitGroup

# --------------------------------------------------------------------------- loading


def load_year(
    years: list[AssessmentYear], value: str | int | None, *, fallback: bool = True
) -> AssessmentYear | None:
    """The year named by a URL or query parameter, among the years the user may see.

    An unknown, malformed or hidden year is a 404; no value gives the default year.
    """
    if value in (None, ""):
        return default_year(years) if fallback else None
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise Http404(_("Không có kỳ đánh giá này.")) from None
    for year in years:
        if year.year == number:
            return year
    raise Http404(_("Không có kỳ đánh giá này."))


def load_group(groups: list[UnitGroup], code: str | None) -> UnitGroup | None:
    """The unit group named by ?group= among `groups`; the first one when none is named."""
    if not code:
        return groups[0] if groups else None
    for group in groups:
        if group.code == code:
            return group
    raise Http404(_("Không có khối đơn vị này."))


def groups_with_results(years: list[AssessmentYear]) -> list[UnitGroup]:
    return list(
        UnitGroup.objects.filter(results__year__in=years).distinct().order_by("order", "code")
    )


def load_unit(code: str) -> Unit:
    return get_object_or_404(Unit.objects.select_related("group"), code=code)


def may_see_reasons(user, unit_code: str, year: AssessmentYear) -> bool:
    """The appraisers' reasons are not public: only for those who may read the unit's sheet."""
    if not user.is_authenticated:
        return False
    sheet = Sheet.objects.filter(unit__code=unit_code, year=year).first()
    return sheet is not None and user.has_perm("scoring.view_sheet", sheet)


# --------------------------------------------------------------------------- pages


def unit_profile(request, code: str):
    years = visible_years(request.user)
    year = load_year(years, request.GET.get("year"))
    if year is None:
        raise Http404(_("Chưa có kết quả nào được công bố."))
    show_reasons = may_see_reasons(request.user, code, year)
    published_only = not can_see_unpublished(request.user)
    page = PageCache(
        "unit_profile", years, code, year.year, show_reasons, published_only, request=request
    )
    if page.page_hit:
        # Stored only for a unit that exists: a unit's change replaces the catalog generation.
        return page.response()
    unit = load_unit(code)

    def build():
        return profile_of(
            unit,
            year,
            years,
            show_reasons=show_reasons,
            published_only_previous=published_only,
        )

    return page.finish(
        render(
            request,
            "scoring/dashboards/unit_profile.html",
            {
                "unit": unit,
                "year": year,
                "years": years,
                "profile": deferred(build) if page.hit else build(),
                **page.context,
            },
        )
    )


def move_up(request, code: str, year: int):
    unit = load_unit(code)
    year = load_year(visible_years(request.user), year)
    result = get_object_or_404(
        Result.objects.select_related("year", "group", "band"), unit=unit, year=year
    )
    basis = move_up_basis(result)
    recover, errors = recovery_from(request.GET, basis.candidates)
    context = {
        "unit": unit,
        "year": year,
        "result": result,
        "basis": basis,
        "projection": project(basis, recover),
        "errors": errors,
        "chosen": bool(recover),
    }
    if request.headers.get("HX-Request"):
        return render(request, "scoring/dashboards/_projection.html", context)
    return render(request, "scoring/dashboards/move_up.html", context)


def recovery_from(query, candidates: list[Candidate]) -> tuple[dict[str, Decimal], list[str]]:
    """The points the user chose to recover: ticked items in full, or the points typed in.

    Fills each candidate's `recover` for the form; a value that is not a number between 0 and the
    points lost on the item is left out, with a message.
    """
    full = set(query.getlist("full"))
    recover, errors = {}, []
    for candidate in candidates:
        raw = query.get(f"pts-{candidate.code}", "").strip().replace(",", ".")
        if candidate.code in full:
            value = candidate.lost
        elif raw:
            try:
                value = Decimal(raw)
            except InvalidOperation:
                value = None
            if value is None or not value.is_finite() or not calc.ZERO <= value <= candidate.lost:
                errors.append(
                    _("Tiêu chí %(code)s: số điểm khôi phục phải là một số từ 0 đến %(lost)s.")
                    % {"code": candidate.code, "lost": number_format(candidate.lost, 2)}
                )
                continue
            value = calc.round_figure(value)
        else:
            continue
        if value > calc.ZERO:
            candidate.recover = value
            recover[candidate.code] = value
    return recover, errors


def compare(request):
    years = visible_years(request.user)
    new_year = load_year(years, request.GET.get("to"))
    older = [y for y in years if new_year is not None and y.year < new_year.year]
    old_year = load_year(years, request.GET.get("from"), fallback=False) or (
        older[0] if older else None
    )
    context = {"years": years, "old_year": old_year, "new_year": new_year, "comparison": None}
    if old_year is not None and new_year is not None and old_year != new_year:
        if old_year.year > new_year.year:
            old_year, new_year = new_year, old_year
        group_code, unit_code = request.GET.get("group"), request.GET.get("unit")
        page = PageCache(
            "compare", years, old_year.year, new_year.year, group_code, unit_code, request=request
        )
        if page.page_hit:
            return page.response()

        def build() -> dict:
            groups = groups_with_results([old_year, new_year])
            group = load_group(groups, group_code)
            unit = load_unit(unit_code) if unit_code else None
            comparison = compare_years(group, old_year, new_year, unit) if group else None
            if unit is not None and (
                comparison is None or not any(row.unit == unit for row in comparison.units)
            ):
                raise Http404(_("Đơn vị không có kết quả trong khối này ở hai năm đã chọn."))
            return {"groups": groups, "group": group, "unit": unit, "comparison": comparison}

        context.update(old_year=old_year, new_year=new_year, **page.context)
        if page.hit:
            # Stored only after a page with these parameters was shown: nothing to check again.
            built = deferred(build)
            for name in ("groups", "group", "unit", "comparison"):
                context[name] = deferred(lambda name=name: built[name])
        else:
            context.update(build())
        return page.finish(render(request, "scoring/dashboards/compare.html", context))
    return render(request, "scoring/dashboards/compare.html", context)


def most_lost(request):
    years = visible_years(request.user)
    year = load_year(years, request.GET.get("year"))
    groups = groups_with_results([year]) if year else []
    group = load_group(groups, request.GET.get("group"))
    losses = most_lost_items(year, group, request.GET.get("item") or None) if group else None
    return render(
        request,
        "scoring/dashboards/most_lost.html",
        {"years": years, "year": year, "groups": groups, "group": group, "losses": losses},
    )
