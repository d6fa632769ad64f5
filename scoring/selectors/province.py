"""The province overview: every unit group's ranking of a year with its summary figures."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from decimal import Decimal

from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    AssessmentYear,
    Band,
    DomainResult,
    Framework,
    Result,
    Sheet,
)
from scoring.selectors.common import (
    Chart,
    chart_label,
    framework_items,
    index_options,
    mark_provisional,
    sheet_state_label,
)
from scoring.selectors.previous import (
    PreviousFigures,
    ShowsRankMove,
    index_change,
    movement_provisional,
    previous_figures,
    rank_move,
    show_names_of_year,
)
from scoring.selectors.provisional import GroupProgress, Progress, group_progress, progress_of
from scoring.specs import item_specs
from units.lineage import Lineage
from units.models import UnitGroup

#: The sheet states a ranking may be filtered by (?state=); "none": no sheet yet.
STATE_FILTERS = ("draft", "submitted", "none")


@dataclass
class RankingRow(ShowsRankMove):
    result: Result
    previous: PreviousFigures | None  # what the change columns compare with (the lineage)
    index_change: Decimal | None
    rank_move: int | None
    state_label: str
    state: str = "none"  # the sheet's state, "none" without a sheet
    provisional: bool = False  # the figures are of a year not published
    movement_provisional: bool = False  # the change and rank movement are not final
    progress: Progress | None = None  # how far its appraisal has gone (a provisional result)

    @property
    def applicable_max(self) -> Decimal | None:
        """The maximum to show beside the total, where the index reads differently (N/A items
        left it, or a framework not of 100); None where the total is the index."""
        maximum = self.result.max_points
        return maximum if calc.index_differs_from_total(maximum) else None


@dataclass
class DomainAverage:
    code: str
    name: str
    max_points: Decimal
    average: Decimal | None
    average_index: Decimal | None


@dataclass
class GroupOverview:
    group: UnitGroup
    rows: list[RankingRow]
    appraisal_max: Decimal | None
    survey_max: Decimal | None
    band_counts: list[tuple[str, int]]
    average: Decimal | None
    highest: list[RankingRow]
    lowest: list[RankingRow]
    domains: list[DomainAverage]
    provisional: bool = False  # the figures are of a year not published
    progress: GroupProgress | None = None  # how far the group's appraisal has gone
    shown: list[RankingRow] | None = None  # the rows the table lists (filtered), default all
    band: str = ""  # the classification filter applied
    state: str = ""  # the sheet state filter applied

    @property
    def table_rows(self) -> list[RankingRow]:
        return self.rows if self.shown is None else self.shown

    @property
    def band_labels(self) -> list[str]:
        return [label for label, _count in self.band_counts if label]

    def filter(self, band: str = "", state: str = "") -> None:
        """List only the rows of one classification and/or one sheet state (the summary figures
        stay those of the whole group)."""
        self.band = band if band in self.band_labels else ""
        self.state = state if state in STATE_FILTERS else ""
        rows = self.rows
        if self.band:
            unclassified = str(_("Chưa xếp loại"))
            rows = [
                r
                for r in rows
                if r.result.band_label == self.band
                or (self.band == unclassified and not r.result.band_label)
            ]
        if self.state:
            rows = [r for r in rows if r.state == self.state]
        self.shown = rows

    @property
    def shows_applicable_max(self) -> bool:
        """Some row shows an applicable maximum beside its total (the table's note says why)."""
        return any(row.applicable_max is not None for row in self.table_rows)

    @property
    def comparisons(self) -> list[tuple[str, str]]:
        """The references other than each unit's own figure, (short, full) without repeats: the
        note under the table says what the change columns compare."""
        seen: dict[str, str] = {}
        for row in self.rows:
            if row.previous is not None and row.previous.label:
                seen.setdefault(row.previous.label, row.previous.short_label)
        return [(short, label) for label, short in seen.items()]

    @property
    def key(self) -> str:
        """A fragment for element ids (tabs, chart data)."""
        return f"g{self.group.pk}"

    def index_chart(self) -> Chart:
        chart: Chart = {
            "labels": [chart_label(row.result.unit.name) for row in self.rows],
            "datasets": [
                {"label": _("Chỉ số (%)"), "data": [str(row.result.index) for row in self.rows]}
            ],
            "options": index_options([row.result.index for row in self.rows], horizontal=True),
        }
        return mark_provisional(chart, {0: [row.provisional for row in self.rows]})

    def domain_chart(self) -> Chart:
        chart: Chart = {
            "labels": [chart_label(f"{domain.code}. {domain.name}", 26) for domain in self.domains],
            "datasets": [
                {
                    "label": _("Điểm trung bình"),
                    "data": [_text(domain.average) for domain in self.domains],
                },
                {
                    "label": _("Điểm tối đa"),
                    "data": [str(domain.max_points) for domain in self.domains],
                },
            ],
            "options": {"horizontal": True},
        }
        # The averages are provisional; the maxima are the framework's.
        return mark_provisional(chart, {0: [self.provisional] * len(self.domains)})


def _text(value: Decimal | None) -> str | None:
    """A figure for chart data: "92.03", never localised; None leaves a gap."""
    return None if value is None else str(value)


def overview(year: AssessmentYear, *, published_only_previous: bool = True) -> list[GroupOverview]:
    """The ranking of every unit group of a year, with its summary figures (10 queries; 11 for
    a year not published, with each unit's appraisal progress).

    Units carry the names they had that year; each row's change is against `previous_figures`
    (the unit's lineage: its own result of the year before, or its predecessors' mean). The
    figures of a year not published are provisional, and so are the change and rank movement
    compared with one (`movement_provisional`).
    """
    frameworks = list(Framework.objects.filter(year=year).select_related("group"))
    results = list(
        Result.objects.filter(year=year)
        .select_related("unit", "group", "band")
        .order_by("group__order", "group__code", "rank", "unit__code")
    )
    groups = {framework.group_id: framework.group for framework in frameworks}
    for result in results:
        groups.setdefault(result.group_id, result.group)
    items = framework_items((year.id, group_id) for group_id in groups)
    bands = defaultdict(list)
    for band in Band.objects.filter(year=year):
        bands[band.group_id].append(band)
    lineage = Lineage.load()
    show_names_of_year(results, year.year, lineage)
    previous = previous_figures(
        [r.unit for r in results], year, published_only=published_only_previous, lineage=lineage
    )
    states = dict(Sheet.objects.filter(year=year).values_list("unit_id", "state"))
    domain_results: dict[tuple[int, str], list[tuple[Decimal, Decimal]]] = defaultdict(list)
    for group_id, code, earned, index in DomainResult.objects.filter(result__year=year).values_list(
        "result__group_id", "code", "earned", "index"
    ):
        domain_results[(group_id, code)].append((earned, index))

    for result in results:
        result.year = year  # the page's year: no query per row
    progress = progress_of(results)

    by_group = defaultdict(list)
    for result in results:
        before = previous.get(result.unit_id)
        by_group[result.group_id].append(
            RankingRow(
                result=result,
                previous=before,
                index_change=index_change(result, before),
                rank_move=rank_move(result, before),
                state_label=sheet_state_label(states.get(result.unit_id), year),
                state=states.get(result.unit_id) or "none",
                provisional=not year.is_published,
                movement_provisional=movement_provisional(year, before),
                progress=progress.get(result.pk),
            )
        )

    overviews = []
    for group in sorted(groups.values(), key=lambda g: (g.order, g.code)):
        rows = by_group[group.id]
        group_items = items.get((year.id, group.id), [])
        maxima = calc.compute_unit(item_specs(group_items), {}) if group_items else None
        indices = [row.result.index for row in rows]
        top = max(indices, default=None)
        bottom = min(indices, default=None)
        overviews.append(
            GroupOverview(
                group=group,
                rows=rows,
                appraisal_max=maxima.appraisal_max if maxima else None,
                survey_max=maxima.survey_max if maxima else None,
                band_counts=_band_counts(rows, bands[group.id]),
                average=calc.mean(indices, year.rounding, year.decimals),
                highest=[row for row in rows if row.result.index == top],
                lowest=[row for row in rows if row.result.index == bottom],
                domains=[
                    DomainAverage(
                        code=item.code,
                        name=item.name,
                        max_points=item.max_points,
                        average=calc.mean(
                            [earned for earned, _i in domain_results[(group.id, item.code)]],
                            year.rounding,
                            year.decimals,
                        ),
                        average_index=calc.mean(
                            [index for _e, index in domain_results[(group.id, item.code)]],
                            year.rounding,
                            year.decimals,
                        ),
                    )
                    for item in group_items
                    # domains only: the bonus and deduction sections have no domain figures
                    if item.parent_id is None and item.method not in EXTRA_METHODS
                ],
                provisional=not year.is_published,
                progress=group_progress(row.progress for row in rows),
            )
        )
    return overviews


def _band_counts(rows: list[RankingRow], bands: list[Band]) -> list[tuple[str, int]]:
    """How many units fall in each band, highest band first (unclassified last, if any)."""
    counts: dict[str, int] = defaultdict(int)
    for row in rows:
        counts[row.result.band_label] += 1
    ordered = [
        (band.label, counts.pop(band.label, 0))
        for band in sorted(bands, key=lambda b: b.min_index, reverse=True)
    ]
    ordered += [(label, count) for label, count in sorted(counts.items()) if label]
    if counts.get(""):
        ordered.append((_("Chưa xếp loại"), counts[""]))
    return ordered
