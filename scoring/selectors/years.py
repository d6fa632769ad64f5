"""Which years a viewer may open, and the one a page opens on."""

from __future__ import annotations

from scoring.models import AssessmentYear
from scoring.permissions import User, sees_provisional


def visible_years(user: User) -> list[AssessmentYear]:
    """The years this user may open, newest first: published ones, or every one."""
    years = AssessmentYear.objects.order_by("-year")
    if not sees_provisional(user):
        years = years.published()
    return list(years)


def default_year(years: list[AssessmentYear]) -> AssessmentYear | None:
    """The latest published year; the latest year at all when none is published yet."""
    for year in years:
        if year.is_published:
            return year
    return years[0] if years else None
