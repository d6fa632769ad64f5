"""What a URL names, loaded with the permission it needs: one loader per kind of object.

Every view and export loads through these (as healthchecks' `_get_check_for_user`): a value that
names nothing is a 404, a permission the user lacks a 403 (`permissions.require`), and a year the
user may not see is a 404, so a guessed URL or query parameter shows nothing the menus do not.
"""

from __future__ import annotations

from datetime import datetime
from typing import overload

from django.http import Http404
from django.shortcuts import get_object_or_404
from django.utils.translation import gettext as _

from scoring.converters import CODE
from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    Framework,
    Item,
    Sheet,
    YearState,
    YearTransition,
)
from scoring.permissions import User, require
from scoring.selectors.sheets import sheet_for
from scoring.selectors.years import default_year
from units.models import Unit, UnitGroup

# --------------------------------------------------------------------------- years


class YearUnderReview(Http404):
    """A published year since reopened for corrections, asked for by someone who sees published
    years only. Its public pages say "Kết quả năm 2026 đang được rà soát" (HTTP 200; a file:
    404 with the same words) instead of a bare 404: `cchc_portal.middleware.YearUnderReviewMiddleware`
    renders it, for every loader below that raises it."""

    def __init__(self, year: int, since: datetime) -> None:
        self.year = year
        self.since = since  # when it was reopened
        super().__init__(_("Kết quả năm %(year)s đang được rà soát.") % {"year": year})


def hidden_year(number: int, message: str) -> Http404:
    """The 404 of a year the viewer may not see: a YearUnderReview for a published year that
    was reopened and is not published again yet (one query, on this path only)."""
    reopened = (
        YearTransition.objects.filter(year__year=number, from_state=YearState.PUBLISHED)
        .exclude(year__state=YearState.PUBLISHED)
        .order_by("-at")
        .values_list("at", flat=True)
        .first()
    )
    if reopened is not None:
        return YearUnderReview(number, reopened)
    return Http404(message)


def load_year(user: User, number: int, perm: str) -> AssessmentYear:
    """The year `number`, for a page that needs `perm` (403 without it, 404 if there is none)."""
    require(user, perm)
    return get_object_or_404(AssessmentYear, year=number)


# A year number (from the URL's path) is that year or a 404, never None.
@overload
def load_visible_year(
    years: list[AssessmentYear], value: int, *, fallback: bool = True
) -> AssessmentYear: ...


@overload
def load_visible_year(
    years: list[AssessmentYear], value: str | None, *, fallback: bool = True
) -> AssessmentYear | None: ...


def load_visible_year(
    years: list[AssessmentYear], value: str | int | None, *, fallback: bool = True
) -> AssessmentYear | None:
    """The year named by a URL or query parameter, among the years the user may see
    (`selectors.years.visible_years`).

    An unknown, malformed or hidden year is a 404 (a published year since reopened says so:
    `hidden_year`); no value gives the default year (or None without `fallback`).
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
    raise hidden_year(number, _("Không có kỳ đánh giá này."))


def current_year() -> AssessmentYear:
    """The year the workflow pages open on: in appraisal, else the latest one under way."""
    years = list(AssessmentYear.objects.order_by("-year"))
    for wanted in (YearState.APPRAISAL, YearState.SELF_ASSESSMENT, YearState.PUBLISHED):
        for year in years:
            if year.state == wanted:
                return year
    if not years:
        raise Http404(_("Chưa có kỳ đánh giá nào."))
    return years[0]


# --------------------------------------------------------------------------- units and groups


def load_group(groups: list[UnitGroup], code: str | None) -> UnitGroup | None:
    """The unit group named by ?group= among `groups`; the first one when none is named."""
    if not code:
        return groups[0] if groups else None
    return load_named_group(groups, code)


def load_named_group(groups: list[UnitGroup], code: str) -> UnitGroup:
    """The unit group `code` among `groups` (404 if it is not one of them)."""
    for group in groups:
        if group.code == code:
            return group
    raise Http404(_("Không có khối đơn vị này."))


def checked_code(value: str) -> str:
    """A code from a query parameter, if it can name something (404 otherwise, before any
    query: NUL, control characters, a 10,000-character value)."""
    if not CODE.fullmatch(value):
        raise Http404(_("Không có mã này."))
    return value


def load_unit(code: str) -> Unit:
    return get_object_or_404(Unit.objects.select_related("group"), code=checked_code(code))


# --------------------------------------------------------------------------- sheets and what hangs on them


def load_sheet(user: User, unit_code: str, year: int, perm: str) -> Sheet:
    """The sheet of the unit and year in the URL, if the user has `perm` on it (else 403/404).

    A sheet nobody has saved yet is an unsaved one (`selectors.sheets.sheet_for`).
    """
    unit = load_unit(unit_code)
    assessment_year = get_object_or_404(AssessmentYear, year=year)
    if not unit.exists_in(assessment_year.year):
        raise Http404(_("Đơn vị không được đánh giá trong năm này."))
    sheet = sheet_for(unit, assessment_year)
    require(user, perm, sheet)
    return sheet


def load_framework(sheet: Sheet) -> Framework:
    framework = Framework.objects.filter(year=sheet.year, group_id=sheet.unit.group_id).first()
    if framework is None:
        raise Http404(_("Chưa có bộ chỉ số cho đơn vị này trong năm này."))
    return framework


def load_item(sheet: Sheet, item_code: str) -> Item:
    """A scored item of the sheet's framework."""
    return get_object_or_404(
        Item,
        framework__year=sheet.year,
        framework__group_id=sheet.unit.group_id,
        code=item_code,
        is_scored=True,
    )


def load_evidence(sheet: Sheet, pk: int) -> Evidence:
    """An evidence document of this sheet: another sheet's id is a 404, never its document."""
    return get_object_or_404(
        Evidence.objects.select_related("score__item"), pk=pk, score__sheet_id=sheet.pk
    )


def load_explanation(sheet: Sheet, pk: int) -> ExplanationRequest:
    """An explanation request of this sheet (404 for another sheet's)."""
    return get_object_or_404(
        ExplanationRequest.objects.select_related("score__item", "requested_by", "answered_by"),
        pk=pk,
        score__sheet_id=sheet.pk,
    )
