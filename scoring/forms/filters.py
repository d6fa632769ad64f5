"""The list pages' filters (django-filter): the query parameters a list takes, checked against
the values it allows. An unknown value is ignored, as if the parameter were absent, except where
the page answers 404 (a unit group the overview does not have, as a tab that does not exist).
The same checked values make the cache key of a cached page (scoring/selectors/cache.py)."""

from __future__ import annotations

import django_filters
from django.db.models import QuerySet
from django.http import QueryDict

from scoring.models import AssessmentYear, Framework, Result, Sheet
from scoring.selectors.province import STATE_FILTERS, GroupOverview


class SheetFilter(django_filters.FilterSet):
    """A year's sheets as the workflow lists show them (the tracker and its export, the appraisal
    list, the survey round trip): `?khoi=` keeps one unit group with a framework that year."""

    khoi = django_filters.ChoiceFilter(field_name="unit__group__code")

    class Meta:
        model = Sheet
        fields: list[str] = []

    def __init__(self, data, queryset: QuerySet[Sheet] | None = None, *, year: AssessmentYear):
        if queryset is None:
            queryset = Sheet.objects.filter(year=year)
        super().__init__(data, queryset)
        frameworks = Framework.objects.filter(year=year).select_related("group")
        self.groups = sorted((f.group for f in frameworks), key=lambda g: (g.order, g.code))
        self.filters["khoi"].extra["choices"] = [(g.code, g.name) for g in self.groups]

    @property
    def group_code(self) -> str:
        """The unit group kept; "" for every group."""
        return _checked(self).get("khoi", "")


class RankingFilter(django_filters.FilterSet):
    """The overview's ranking: `?group=` the tab shown (a unit group of the year), `?band=` a
    classification of that group and `?state=` a sheet state (`province.STATE_FILTERS`).

    The choices are the overview's own (`GroupOverview.band_labels`), and its rows are listed by
    `GroupOverview.filter` with the checked values, because the summary figures stay the whole
    group's: this FilterSet checks the parameters, it does not filter a queryset.
    """

    group = django_filters.ChoiceFilter()
    band = django_filters.ChoiceFilter()
    state = django_filters.ChoiceFilter(choices=[(state, state) for state in STATE_FILTERS])

    class Meta:
        model = Result
        fields: list[str] = []

    def __init__(self, data: QueryDict | dict | None, *, groups: list[GroupOverview]):
        super().__init__(data, Result.objects.none())
        self.overviews = groups
        self.filters["group"].extra["choices"] = [(g.group.code, g.group.name) for g in groups]
        asked = (data or {}).get("group")
        filtered = next((g for g in groups if g.group.code == asked), groups[0] if groups else None)
        labels = filtered.band_labels if filtered else []
        self.filters["band"].extra["choices"] = [(label, label) for label in labels]

    @property
    def unknown_group(self) -> bool:
        return "group" in self.errors

    @property
    def group_code(self) -> str | None:
        """The tab shown: the group asked for, else the first one (None without any)."""
        first = self.overviews[0].group.code if self.overviews else None
        return _checked(self).get("group") or first

    def checked(self) -> dict[str, str]:
        """The parameters kept, in order: valid and not empty."""
        return _checked(self)


def _checked(filters: django_filters.FilterSet) -> dict[str, str]:
    """The filters' valid, non-empty values (an invalid one is left out: ignored)."""
    if not filters.is_bound:
        return {}
    filters.errors  # noqa: B018 - validates the form
    return {name: value for name, value in filters.form.cleaned_data.items() if value}
