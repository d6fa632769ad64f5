"""Reads of the related indices, shaped per page: a unit's indices (its profile's panel), an
index's ranking of a period with its movement, the province's standing, open data, and the one
lookup of a component's value (the link from a rule-scored PAR item, issue 19 part 4).

The PAR index is one kind among them (source "computed"): its figures are the scoring engine's
`Result` rows of the years the viewer may see (`scoring.selectors.years.visible_years`), read,
never copied. Every other kind reads `IndexResult`. Both become `Figure`s, so no page treats
the PAR index apart.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.utils.translation import gettext as _

from indices.models import IndexComponent, IndexDriver, IndexKind, IndexResult, IndexValue
from scoring import calculations as calc
from scoring.models import AssessmentYear, Result
from scoring.selectors.common import Chart, ChartDataset, index_options
from units.lineage import SAME, Lineage, Reference
from units.models import LineageKind, Unit, UnitGroup

HUNDRED = Decimal("100")


@dataclass
class Figure:
    """One unit's figures in one index and period, whatever their source."""

    unit: Unit
    group_id: int
    period: calc.Period
    index: Decimal
    total: Decimal
    max_points: Decimal
    band_label: str = ""
    rank: int | None = None
    rank_of: int | None = None
    as_of: datetime.date | None = None
    source: str = ""
    provisional: bool = False
    result_id: int | None = None  # an IndexResult's (its components), None for the PAR index
    # The decimals it is shown with: a PAR index year's own (2 or 3); a related index's two.
    decimals: int = 2

    @property
    def rank_text(self) -> str:
        if self.rank is None or self.rank_of is None:
            return ""
        return _("thứ %(rank)s/%(of)s") % {"rank": self.rank, "of": self.rank_of}


def _year_figure(kind: IndexKind, result: Result) -> Figure:
    return Figure(
        unit=result.unit,
        group_id=result.group_id,
        period=calc.parse_period(str(result.year.year), calc.YEAR),
        index=result.index,
        total=result.total,
        max_points=result.max_points,
        band_label=result.band_label,
        rank=result.rank,
        rank_of=result.rank_of,
        as_of=result.year.published_at.date() if result.year.published_at else None,
        source=kind.publisher,
        provisional=not result.year.is_published,
        decimals=result.year.decimals,
    )


def _index_figure(kind: IndexKind, result: IndexResult) -> Figure:
    return Figure(
        unit=result.unit,
        group_id=result.group_id,
        period=kind.parse(result.period),
        index=result.index,
        total=result.total,
        max_points=result.max_points,
        band_label=result.band_label,
        rank=result.rank,
        rank_of=result.rank_of,
        as_of=result.as_of,
        source=result.source,
        result_id=result.pk,
    )


def figures(
    kind: IndexKind,
    years: Sequence[AssessmentYear],
    *,
    periods: Iterable[calc.Period] | None = None,
    group_ids: Iterable[int] | None = None,
    unit_ids: Iterable[int] | None = None,
) -> list[Figure]:
    """A kind's figures (one query), narrowed to periods, groups or units when given.

    For the PAR index the periods are the `years` the viewer may see.
    """
    if kind.is_computed:
        results = Result.objects.filter(year__in=list(years)).select_related("unit", "year")
        if periods is not None:
            results = results.filter(year__year__in=[p.year for p in periods])
        if group_ids is not None:
            results = results.filter(group_id__in=list(group_ids))
        if unit_ids is not None:
            results = results.filter(unit_id__in=list(unit_ids))
        return [_year_figure(kind, result) for result in results.order_by("year__year", "rank")]
    stored = IndexResult.objects.filter(kind=kind).select_related("unit")
    if periods is not None:
        stored = stored.filter(period__in=[str(p) for p in periods])
    if group_ids is not None:
        stored = stored.filter(group_id__in=list(group_ids))
    if unit_ids is not None:
        stored = stored.filter(unit_id__in=list(unit_ids))
    return [_index_figure(kind, result) for result in stored.order_by("starts_on", "rank")]


def periods_of(kind: IndexKind, years: Sequence[AssessmentYear]) -> list[calc.Period]:
    """The periods a kind has figures for, latest first (one query)."""
    if kind.is_computed:
        texts = Result.objects.filter(year__in=list(years)).values_list("year__year", flat=True)
        found = {calc.parse_period(str(year), calc.YEAR) for year in texts.distinct()}
    else:
        stored = IndexResult.objects.filter(kind=kind).order_by().values_list("period", flat=True)
        found = {kind.parse(text) for text in stored.distinct()}
    return sorted(found, reverse=True)


def kinds_for(group: UnitGroup) -> list[IndexKind]:
    return list(IndexKind.objects.filter(groups=group).order_by("order", "code"))


# --------------------------------------------------------------------------- the link (part 4)


@dataclass(frozen=True)
class ComponentValue:
    """A component's points in a unit's result of one period, with where they came from."""

    points: Decimal
    max_points: Decimal
    as_of: datetime.date | None
    source: str
    period: str


def component_value(
    unit: Unit, kind_code: str, component_code: str, period: str
) -> ComponentValue | None:
    """The value a rule-scored PAR item may take from a related index (one query).

    component_value(unit, "766", "5", "2026-12") → the 766 "thanh toán trực tuyến" points of the
    unit for December 2026, with the as-of date and source to show on the sheet; None when the
    index has no such value.
    """
    value = (
        IndexValue.objects.filter(
            result__unit=unit,
            result__kind__code=kind_code,
            result__period=period,
            component__code=component_code,
        )
        .select_related("result", "component")
        .first()
    )
    if value is None:
        return None
    return ComponentValue(
        value.points,
        value.component.max_points,
        value.result.as_of,
        value.result.source,
        value.result.period,
    )


def source_problem(kind_code: str, component_code: str, period: str) -> str | None:
    """Why a rule item cannot take its value from `kind_code`'s component `component_code` for
    `period` (None: it can): an unknown or computed kind, a period not of the kind's form or
    before its first tree, a component that is not one given points in the tree of that period.
    The period need not have values yet (December's are imported in January)."""
    kind = IndexKind.objects.filter(code=kind_code).first()
    if kind is None or kind.is_computed:
        return _("không có chỉ số liên quan mã “%(kind)s” (có giá trị nhập từ tệp).") % {
            "kind": kind_code
        }
    try:
        parsed = kind.parse(period)
    except ValueError:
        return _("kỳ “%(period)s” không hợp lệ cho chỉ số %(kind)s (ví dụ %(form)s).") % {
            "period": period,
            "kind": kind.code,
            "form": calc.PERIOD_FORMS[kind.period],
        }
    versions = {kind.parse(version.from_period): version for version in kind.versions.all()}
    start = calc.version_for(parsed, versions)
    if start is None:
        return _("chỉ số %(kind)s chưa có bộ thành phần cho kỳ %(period)s.") % {
            "kind": kind.code,
            "period": period,
        }
    if not versions[start].components.filter(code=component_code, is_leaf=True).exists():
        return _("chỉ số %(kind)s kỳ %(period)s không có thành phần “%(code)s” được cho điểm.") % {
            "kind": kind.code,
            "period": period,
            "code": component_code,
        }
    return None


# --------------------------------------------------------------------------- a unit's indices


@dataclass
class LostComponent:
    code: str
    name: str
    max_points: Decimal
    points: Decimal
    lost: Decimal


@dataclass
class TrendPoint:
    period: calc.Period
    index: Decimal
    note: str = ""  # "trung bình các đơn vị trước hợp nhất" for a merged unit's past
    provisional: bool = False
    decimals: int = 2  # as its `Figure`'s


@dataclass
class KindPanel:
    kind: IndexKind
    latest: Figure | None
    trend: list[TrendPoint]
    lost: list[LostComponent] = field(default_factory=list)
    lost_total: Decimal = Decimal("0")


@dataclass
class UnitIndices:
    panels: list[KindPanel]
    chart: Chart | None


def percent_of_scale(kind: IndexKind, index: Decimal) -> Decimal:
    """An index as a percentage of its kind's scale, for a chart shared by several indices."""
    if kind.scale == HUNDRED:
        return index
    return calc.round_figure(index * HUNDRED / kind.scale)


def unit_indices(unit: Unit, years: Sequence[AssessmentYear]) -> UnitIndices:
    """Every index covering the unit's group (or holding figures of it): the latest figure, the
    trend, the components where points were lost, and one chart of all of them on a shared time
    axis (each index as a % of its scale). Before a merge, the trend shows the predecessors'
    mean of each period (`units.lineage`, `calc.mean`), labelled so.
    """
    kinds = list(
        IndexKind.objects.filter(groups=unit.group_id).order_by("order", "code").distinct()
    )
    stored = list(
        IndexResult.objects.filter(unit=unit).select_related("unit").order_by("starts_on")
    )
    pars = [kind for kind in kinds if kind.is_computed]
    own: dict[int, list[Figure]] = defaultdict(list)
    by_kind = {kind.pk: kind for kind in kinds}
    for result in stored:
        if result.kind_id in by_kind:
            own[result.kind_id].append(_index_figure(by_kind[result.kind_id], result))
    if pars:
        computed = Result.objects.filter(unit=unit, year__in=list(years)).select_related(
            "unit", "year"
        )
        for year_result in computed.order_by("year__year"):
            for kind in pars:
                own[kind.pk].append(_year_figure(kind, year_result))
    # The lineage (three queries) matters only to a unit with figures of the related indices.
    merged = _merged_before(unit) if stored else None
    before = _predecessors_means([k for k in kinds if not k.is_computed], merged)

    latest_ids = [figs[-1].result_id for figs in own.values() if figs and figs[-1].result_id]
    values: dict[int, list[IndexValue]] = defaultdict(list)
    for value in IndexValue.objects.filter(result_id__in=latest_ids).select_related("component"):
        values[value.result_id].append(value)

    panels: list[KindPanel] = []
    for kind in kinds:
        mine = own.get(kind.pk, [])
        trend = [
            TrendPoint(f.period, f.index, provisional=f.provisional, decimals=f.decimals)
            for f in mine
        ]
        if kind.pk in before and merged is not None:  # the mean stands for the unit's own past
            merge_start = datetime.date(merged[0], 1, 1)
            trend = [point for point in trend if point.period.start >= merge_start]
        trend = sorted(before.get(kind.pk, []) + trend, key=lambda point: point.period)
        latest = mine[-1] if mine else None
        panel = KindPanel(kind, latest, trend)
        if latest is not None and latest.result_id is not None:
            for value in sorted(values[latest.result_id], key=lambda v: v.component.order):
                lost = calc.points_lost(value.component.max_points, value.points)
                if lost > 0:
                    panel.lost.append(
                        LostComponent(
                            value.component.code,
                            value.component.name,
                            value.component.max_points,
                            value.points,
                            lost,
                        )
                    )
            panel.lost.sort(key=lambda c: c.lost, reverse=True)
            panel.lost_total = sum((c.lost for c in panel.lost), Decimal("0"))
        if panel.trend:
            panels.append(panel)
    return UnitIndices(panels, _time_chart(panels))


def _merged_before(unit: Unit) -> tuple[int, list[Unit]] | None:
    """The year of the merge that formed (or enlarged) the unit and the units it merged."""
    lineage = Lineage.load()
    for year in reversed(lineage.years):
        kind_of, members = lineage.predecessors(unit, year)
        if kind_of == LineageKind.MERGE and len(members) > 1:
            return year, members
    return None


def _predecessors_means(
    kinds: list[IndexKind], merged: tuple[int, list[Unit]] | None
) -> dict[int, list[TrendPoint]]:
    """For a unit formed by a merge: per kind and period before it, the predecessors' mean."""
    if not kinds or merged is None:
        return {}
    year, members = merged
    note = _("trung bình các đơn vị trước hợp nhất")
    by_kind_period: dict[tuple[int, str], list[Decimal]] = defaultdict(list)
    for kind_id, period, index in IndexResult.objects.filter(
        kind__in=kinds, unit__in=members, starts_on__lt=datetime.date(year, 1, 1)
    ).values_list("kind_id", "period", "index"):
        by_kind_period[(kind_id, period)].append(index)
    kinds_by_id = {kind.pk: kind for kind in kinds}
    means: dict[int, list[TrendPoint]] = defaultdict(list)
    for (kind_id, period), indices in by_kind_period.items():
        mean = calc.mean(indices)
        if mean is not None:
            means[kind_id].append(TrendPoint(kinds_by_id[kind_id].parse(period), mean, note))
    return means


def _month_label(year: int, month: int) -> str:
    return f"{month:02d}/{year}"


def _time_chart(panels: list[KindPanel]) -> Chart | None:
    """One line per index on a shared axis of months (`calc.month_axis`, `calc.axis_month`)."""
    points = [point for panel in panels for point in panel.trend]
    if not points:
        return None
    axis = calc.month_axis(
        min(point.period.start for point in points), max(point.period.end for point in points)
    )
    position = {month: i for i, month in enumerate(axis)}
    datasets: list[ChartDataset] = []
    shown: list[Decimal] = []
    for panel in panels:
        data: list[str | None] = [None] * len(axis)
        flags = [False] * len(axis)
        for point in panel.trend:
            value = percent_of_scale(panel.kind, point.index)
            data[position[calc.axis_month(point.period)]] = str(value)
            flags[position[calc.axis_month(point.period)]] = point.provisional
            shown.append(value)
        dataset: ChartDataset = {"label": panel.kind.code, "data": data}
        if any(flags):
            dataset["provisional"] = flags
        datasets.append(dataset)
    options = index_options(shown)
    options["provisionalLabel"] = _("tạm tính")
    options["spanGaps"] = True  # a yearly figure every twelve months: the line runs across
    return {
        "labels": [_month_label(year, month) for year, month in axis],
        "datasets": datasets,
        "options": options,
    }


# --------------------------------------------------------------------------- a ranking


@dataclass
class RankingRow:
    figure: Figure
    name: str
    compared: Decimal | None = None
    change: Decimal | None = None
    move: int | None = None
    reference: str = ""

    @property
    def move_abs(self) -> int | None:
        return None if self.move is None else abs(self.move)


@dataclass
class Ranking:
    kind: IndexKind
    period: calc.Period
    compare_to: calc.Period | None
    group: UnitGroup
    rows: list[RankingRow]


def ranking(
    kind: IndexKind,
    period: calc.Period,
    group: UnitGroup,
    compare_to: calc.Period | None,
    years: Sequence[AssessmentYear],
) -> Ranking:
    """A kind's ranking of one group in a period, each unit compared with `compare_to` (by
    default the period before): the same body's index and rank, or after a merge the mean of
    its predecessors' indices (`units.lineage`; ranks only for the same body). Six queries
    whatever the number of units."""
    current = figures(kind, years, periods=[period], group_ids=[group.pk])
    current.sort(key=lambda f: (f.rank or 0, f.unit.code))
    rows = []
    lineage = Lineage.load()
    references: dict[int, Reference] = {}
    if compare_to is not None:
        if compare_to.end.year == period.end.year:
            references = {
                f.unit.pk: Reference(SAME, (f.unit,), True, _("cùng đơn vị"), compare_to.year)
                for f in current
            }
        else:
            references = lineage.references(
                [f.unit for f in current], period.end.year, compare_to.end.year
            )
    wanted = {u.pk for ref in references.values() if ref.comparable for u in ref.units}
    before: dict[int, Figure] = {}
    if wanted and compare_to is not None:
        before = {f.unit.pk: f for f in figures(kind, years, periods=[compare_to], unit_ids=wanted)}
    for figure in current:
        row = RankingRow(figure, lineage.name_in(figure.unit, period.end.year))
        reference = references.get(figure.unit.pk)
        if reference is not None and reference.comparable:
            found = [before[u.pk] for u in reference.units if u.pk in before]
            if len(found) == len(reference.units):
                row.compared = (
                    calc.mean([f.index for f in found]) if len(found) > 1 else found[0].index
                )
                row.change = calc.change(figure.index, row.compared)
                if reference.same_body and found[0].group_id == figure.group_id:
                    row.move = calc.places_gained(figure.rank, found[0].rank)
                if not reference.same_body or reference.kind != SAME:
                    row.reference = reference.label
        elif reference is not None:
            row.reference = reference.label
        rows.append(row)
    return Ranking(kind, period, compare_to, group, rows)


# --------------------------------------------------------------------------- the province


@dataclass
class Driver:
    unit: Unit
    criteria: str
    figure: Figure | None  # the department's own latest figure in this index, if any


@dataclass
class StandingComponent:
    code: str
    name: str
    max_points: Decimal
    points: Decimal | None
    lost: Decimal | None
    drivers: list[Driver]


@dataclass
class Standing:
    kind: IndexKind
    figures: list[Figure]  # the province's, latest first
    components: list[StandingComponent]


def province_units() -> list[Unit]:
    return list(Unit.objects.filter(group__code="TINH").order_by("code"))


def standing(province: Unit, years: Sequence[AssessmentYear]) -> list[Standing]:
    """The province's results in each national index, latest first, and for the latest one each
    component's points and the departments that drive it (`IndexDriver`, kept as data)."""
    kinds = list(IndexKind.objects.filter(is_national=True).order_by("order", "code"))
    stored = IndexResult.objects.filter(unit=province, kind__in=kinds).select_related("unit")
    own: dict[int, list[Figure]] = defaultdict(list)
    by_id = {kind.pk: kind for kind in kinds}
    for result in stored.order_by("-starts_on"):
        own[result.kind_id].append(_index_figure(by_id[result.kind_id], result))
    latest_ids = [figs[0].result_id for figs in own.values() if figs[0].result_id]
    values = {
        (value.result_id, value.component_id): value
        for value in IndexValue.objects.filter(result_id__in=latest_ids)
    }
    latest_versions = IndexResult.objects.filter(pk__in=latest_ids).values_list(
        "kind_id", "version_id"
    )
    components: dict[int, list[IndexComponent]] = defaultdict(list)
    version_kind = {version: kind for kind, version in latest_versions}
    for component in IndexComponent.objects.filter(version_id__in=version_kind).order_by("order"):
        components[version_kind[component.version_id]].append(component)
    drivers: dict[tuple[int, str], list[IndexDriver]] = defaultdict(list)
    driver_units: set[int] = set()
    for driver in IndexDriver.objects.filter(kind__in=kinds).select_related("unit"):
        drivers[(driver.kind_id, driver.component_code)].append(driver)
        driver_units.add(driver.unit_id)
    theirs: dict[tuple[int, int], IndexResult] = {}
    for result in (
        IndexResult.objects.filter(kind__in=kinds, unit_id__in=driver_units)
        .select_related("unit")
        .order_by("starts_on")
    ):
        theirs[(result.kind_id, result.unit_id)] = result  # the latest wins
    pages = []
    for kind in kinds:
        mine = own.get(kind.pk, [])
        rows = []
        latest = mine[0] if mine else None
        for component in components.get(kind.pk, []):
            value = (
                values.get((latest.result_id, component.pk))
                if latest and latest.result_id
                else None
            )
            rows.append(
                StandingComponent(
                    component.code,
                    component.name,
                    component.max_points,
                    value.points if value else None,
                    calc.points_lost(component.max_points, value.points) if value else None,
                    [
                        Driver(
                            d.unit,
                            d.criteria,
                            _index_figure(kind, theirs[(kind.pk, d.unit_id)])
                            if (kind.pk, d.unit_id) in theirs
                            else None,
                        )
                        for d in drivers.get((kind.pk, component.code), [])
                    ],
                )
            )
        if mine or rows:
            pages.append(Standing(kind, mine, rows))
    return pages


# --------------------------------------------------------------------------- open data


def open_data_rows(kind: IndexKind, period: calc.Period) -> tuple[list[str], list[list[str]]]:
    """A kind's period as open data: one row per unit, its figures and each component's points
    (columns named by component code), as plain text (two decimals, never localised)."""
    results = list(
        IndexResult.objects.filter(kind=kind, period=str(period))
        .select_related("unit", "group")
        .order_by("group__order", "rank", "unit__code")
    )
    values: dict[int, dict[str, Decimal]] = defaultdict(dict)
    codes: dict[str, int] = {}
    for value in IndexValue.objects.filter(result__in=results).select_related("component"):
        values[value.result_id][value.component.code] = value.points
        codes.setdefault(value.component.code, value.component.order)
    columns = sorted(codes, key=lambda code: codes[code])
    header = [
        "index",
        "period",
        "unit_code",
        "unit_name",
        "group",
        "total",
        "max",
        "value",
        "classification",
        "rank",
        "rank_of",
        "as_of",
        "source",
        *[f"component_{code}" for code in columns],
    ]
    # A related index is its own scale, stored with two places (`IndexValue`), not a figure of
    # an assessment year: two decimals whatever the PAR index year's `decimals`.
    rows = [
        [
            kind.code,
            str(period),
            r.unit.code,
            r.unit.name,
            r.group.code,
            f"{r.total:.2f}",
            f"{r.max_points:.2f}",
            f"{r.index:.2f}",
            r.band_label,
            "" if r.rank is None else str(r.rank),
            "" if r.rank_of is None else str(r.rank_of),
            r.as_of.isoformat() if r.as_of else "",
            r.source,
            *[f"{values[r.pk][code]:.2f}" if code in values[r.pk] else "" for code in columns],
        ]
        for r in results
    ]
    return header, rows
