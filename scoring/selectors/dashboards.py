"""The dashboards' costly reads, shared through the cache by every viewer of the same class.

Each is its page's selector (`province.overview`, `unit.unit_profile`, `comparison.compare`)
memoised by `cache.memoized`: keyed by the stamps of the years the viewer may see, the catalog
generation, the language and the arguments (among them what the viewer may see), so any change
of what it shows gives a new key at once. The whole page per viewer is `cache.cached_page`.
"""

from __future__ import annotations

from scoring.models import AssessmentYear
from scoring.selectors import comparison, province, unit
from scoring.selectors.cache import memoized
from units.models import Unit, UnitGroup


def overview(
    year: AssessmentYear, years: list[AssessmentYear], *, published_only: bool
) -> list[province.GroupOverview]:
    """`province.overview` of `year`; `years`: those the viewer may see."""
    return memoized(
        "overview",
        years,
        (year.pk, published_only),
        lambda: province.overview(year, published_only_previous=published_only),
    )


def unit_profile(
    subject: Unit,
    year: AssessmentYear,
    years: list[AssessmentYear],
    *,
    show_reasons: bool,
    published_only: bool,
) -> unit.UnitProfile:
    """`unit.unit_profile`; its `unit` carries the name it had in `year` (read that one)."""
    return memoized(
        "unit_profile",
        years,
        (subject.pk, year.pk, show_reasons, published_only),
        lambda: unit.unit_profile(
            subject,
            year,
            years,
            show_reasons=show_reasons,
            published_only_previous=published_only,
        ),
    )


def compare(
    group: UnitGroup,
    old_year: AssessmentYear,
    new_year: AssessmentYear,
    subject: Unit | None,
    years: list[AssessmentYear],
) -> comparison.Comparison:
    """`comparison.compare` of two years of a group (and one unit of it, or the average)."""
    return memoized(
        "compare",
        years,
        (group.pk, old_year.pk, new_year.pk, subject.pk if subject else None),
        lambda: comparison.compare(group, old_year, new_year, subject),
    )
