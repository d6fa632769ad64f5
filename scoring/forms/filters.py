"""The list pages' filters (django-filter): the query parameters a list takes, checked against
the values it allows. An unknown value is ignored, as if the parameter were absent, except where
the page answers 404 (a unit group the overview does not have, as a tab that does not exist).
The same checked values make the cache key of a cached page (scoring/selectors/cache.py)."""

from __future__ import annotations

import django_filters
from django.db.models import Count, Exists, F, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce
from django.http import QueryDict
from django.utils.translation import gettext_lazy

from scoring.models import (
    SETTLED,
    AssessmentYear,
    ExplanationRequest,
    ExplanationState,
    Framework,
    Item,
    Method,
    Result,
    Score,
    Sheet,
    SheetState,
)
from scoring.selectors.province import STATE_FILTERS, GroupOverview
from scoring.selectors.tracker import large_year_group


class SheetFilter(django_filters.FilterSet):
    """A year's sheets as the workflow lists show them (the tracker and its export, the appraisal
    list, the survey round trip): `?khoi=` keeps one unit group with a framework that year.

    `one_group_when_large`: a page (not a file) of a large year shows its first group when
    `?khoi=` is absent (`tracker.large_year_group`), and says so (`one_group_of`): a thousand
    rows were a page of megabytes, too long to read on a phone and most of a second to draw.
    `?khoi=` present but empty (the filter's "every group") still lists every sheet."""

    khoi = django_filters.ChoiceFilter(field_name="unit__group__code")

    class Meta:
        model = Sheet
        fields: list[str] = []

    def __init__(
        self,
        data,
        queryset: QuerySet[Sheet] | None = None,
        *,
        year: AssessmentYear,
        one_group_when_large: bool = False,
    ):
        if queryset is None:
            queryset = Sheet.objects.filter(year=year)
        frameworks = Framework.objects.filter(year=year).select_related("group")
        self.groups = sorted((f.group for f in frameworks), key=lambda g: (g.order, g.code))
        #: The year's number of sheets when only the first group is shown by default, else None.
        self.one_group_of: int | None = None
        if one_group_when_large and data is not None and "khoi" not in data:
            shown = large_year_group(self.groups, queryset.order_by().count)
            if shown is not None:
                data = data.copy()
                data["khoi"], self.one_group_of = shown
        super().__init__(data, queryset)
        self.filters["khoi"].extra["choices"] = [(g.code, g.name) for g in self.groups]

    @property
    def group_code(self) -> str:
        """The unit group kept; "" for every group."""
        return _checked(self).get("khoi", "")


# The appraisal list's progress filter: no item appraised, some, every one (`models.SETTLED`).
PROGRESS_CHOICES = [
    ("chua", gettext_lazy("Chưa thẩm định")),
    ("dang", gettext_lazy("Đang thẩm định")),
    ("xong", gettext_lazy("Đã thẩm định xong")),
]
# Its explanation filter: a request waiting for the unit, an answer waiting for the appraisers.
EXPLANATION_CHOICES = [
    ("cho-don-vi", gettext_lazy("Có yêu cầu chờ đơn vị giải trình")),
    ("cho-tham-dinh", gettext_lazy("Có giải trình chờ xem")),
]


class AppraisalListFilter(SheetFilter):
    """The appraisal list: `?khoi=` a unit group, `?trang_thai=` the sheet's state,
    `?tien_do=` how far its appraisal has gone (`PROGRESS_CHOICES`), `?giai_trinh=` its open
    explanation rounds (`EXPLANATION_CHOICES`). Each is counted by the database."""

    trang_thai = django_filters.ChoiceFilter(field_name="state", choices=SheetState.choices)
    tien_do = django_filters.ChoiceFilter(choices=PROGRESS_CHOICES, method="filter_progress")
    giai_trinh = django_filters.ChoiceFilter(
        choices=EXPLANATION_CHOICES, method="filter_explanations"
    )

    def filter_progress(self, queryset: QuerySet[Sheet], name: str, value: str):
        appraisal = {"item__is_scored": True, "item__method": Method.APPRAISAL}
        settled = (
            Score.objects.filter(sheet=OuterRef("pk"), **appraisal)
            .filter(SETTLED)
            .order_by()
            .values("sheet")
            .annotate(n=Count("id"))
            .values("n")
        )
        items = (
            Item.objects.filter(
                framework__year=OuterRef("year"),
                framework__group=OuterRef("unit__group"),
                is_scored=True,
                method=Method.APPRAISAL,
            )
            .order_by()
            .values("framework")
            .annotate(n=Count("id"))
            .values("n")
        )
        queryset = queryset.annotate(
            settled_count=Coalesce(Subquery(settled), 0),
            item_count=Coalesce(Subquery(items), 0),
        )
        if value == "chua":
            return queryset.filter(settled_count=0)
        if value == "dang":
            return queryset.filter(settled_count__gt=0, settled_count__lt=F("item_count"))
        return queryset.filter(settled_count__gt=0, settled_count__gte=F("item_count"))

    def filter_explanations(self, queryset: QuerySet[Sheet], name: str, value: str):
        state = ExplanationState.OPEN if value == "cho-don-vi" else ExplanationState.ANSWERED
        return queryset.filter(
            Exists(ExplanationRequest.objects.filter(score__sheet=OuterRef("pk"), state=state))
        )

    def checked(self) -> dict[str, str]:
        """The parameters kept, in order: valid and not empty."""
        return _checked(self)


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
