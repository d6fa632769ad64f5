"""Helpers shared by the dashboards' selectors: chart labels, framework items, stored figures."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from decimal import Decimal
from typing import NotRequired, TypedDict

from django.db.models import F, Q
from django.utils.translation import gettext as _

from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Score, SheetState, YearState
from scoring.specs import item_specs

ZERO = Decimal("0")


class ChartDataset(TypedDict):
    label: str
    data: list[str | None]  # figures as text ("92.03", never localised); None leaves a gap
    # One flag per figure: True for a provisional one (a year not published), drawn hatched
    # (bars) or dashed (lines) by charts.js. Left out when no figure is provisional.
    provisional: NotRequired[list[bool]]


class ChartOptions(TypedDict, total=False):
    horizontal: bool
    suggestedMax: int
    min: int  # where the value axis starts (0 unless given: `index_options`)
    percent: bool
    provisionalLabel: str  # what the tooltip adds to a provisional figure ("tạm tính")
    spanGaps: bool  # lines run across the empty months of a shared time axis (indices)


class Chart(TypedDict):
    """A chart's data as static/js/charts.js reads it (through `json_script`)."""

    labels: list[str]
    datasets: list[ChartDataset]
    options: ChartOptions


def index_options(values: Iterable[Decimal | None], *, horizontal: bool = False) -> ChartOptions:
    """The options of a chart of indices (%): up to 100, the axis starting near the lowest
    figure (`calc.axis_start`) so that 85,9 and 98,1 do not look alike."""
    options: ChartOptions = {
        "suggestedMax": 100,
        "min": calc.axis_start(values),
        "percent": True,
    }
    if horizontal:
        options["horizontal"] = True
    return options


def mark_provisional(chart: Chart, flags: dict[int, list[bool]]) -> Chart:
    """The chart with its provisional figures flagged: dataset position → one flag per figure.

    Styling is the script's (charts.js); the data stay plain figures.
    """
    marked = False
    for position, dataset_flags in flags.items():
        if any(dataset_flags):
            chart["datasets"][position]["provisional"] = dataset_flags
            marked = True
    if marked:
        chart["options"]["provisionalLabel"] = _("tạm tính")
    return chart


def chart_label(text: str, limit: int = 32) -> str:
    """A chart's axis label, shortened (the table beside the chart has the full name)."""
    text = " ".join(str(text).split())
    return text if len(text) <= limit else text[: limit - 1].rstrip(" ,.-") + "…"


def framework_items(pairs: Iterable[tuple[int, int]]) -> dict[tuple[int, int], list[Item]]:
    """Every item of the frameworks of the given (year id, group id) pairs, in one query (its
    framework's year and group read with each item, not a framework instance built with each: a
    unit's profile reads 2 000 items of ten years)."""
    pairs = set(pairs)
    if not pairs:
        return {}
    condition = Q()
    for year_id, group_id in pairs:
        condition |= Q(framework__year_id=year_id, framework__group_id=group_id)
    items: dict[tuple[int, int], list[Item]] = defaultdict(list)
    for item in (
        Item.objects.filter(condition)
        .annotate(framework_year=F("framework__year_id"), framework_group=F("framework__group_id"))
        .order_by("sort_key")
    ):
        items[(item.framework_year, item.framework_group)].append(item)
    return items


def sheet_state_label(state: str | None, year: AssessmentYear) -> str:
    if year.is_published:
        return str(YearState.PUBLISHED.label)
    if state is None:
        return _("Chưa có phiếu")
    return str(SheetState(state).label)


def stored_figures(
    items: list[Item],
    scores: list[Score],
    rounding: str,
    decimals: int = 2,
    *,
    claimed: bool = False,
) -> calc.UnitFigures:
    """compute_unit on stored scores: the points that count, or the unit's own claims, rounded
    to the year's decimals (2 or 3) by its rule."""
    code_by_id = {item.id: item.code for item in items}
    values = {
        code_by_id[s.item_id]: calc.ScoreValue(
            s.self_points if claimed else s.points, s.not_applicable
        )
        for s in scores
        if s.item_id in code_by_id
    }
    return calc.compute_unit(item_specs(items), values, rounding, decimals=decimals)


def domains_by_code(items: list[Item]) -> dict[str, Item]:
    return {item.code: item for item in items if item.parent_id is None}
