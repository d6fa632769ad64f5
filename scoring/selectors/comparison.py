"""Year-over-year comparison of a unit group, and the matching of items across years.

Items are matched by code, except where an admin recorded a crosswalk (ItemCrosswalk) between
consecutive years' frameworks: renumbered, split or merged items are compared through it, and an
item touched by a crosswalk is never matched by code. Items with no counterpart are listed as new
or dropped, never compared with something else. `match_items` is the one place of that rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext_lazy

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    DomainResult,
    Framework,
    Item,
    ItemCrosswalk,
    Result,
    Score,
)
from scoring.selectors.common import Chart, chart_label, index_options, mark_provisional
from scoring.selectors.previous import (
    PreviousFigures,
    ShowsRankMove,
    index_change,
    movement_provisional,
    previous_figures,
    rank_move,
    show_names_of_year,
)
from scoring.selectors.provisional import (
    GroupProgress,
    Progress,
    group_progress,
    is_provisional,
    progress_of,
)
from scoring.specs import item_specs
from units.lineage import SAME, Lineage, Reference
from units.models import Unit, UnitGroup

ZERO = Decimal("0")

KIND_LABELS = {
    "same": gettext_lazy("Cùng mã"),
    "renumbered": gettext_lazy("Đổi mã"),
    "split": gettext_lazy("Tách"),
    "merged": gettext_lazy("Gộp"),
    "regrouped": gettext_lazy("Sắp xếp lại"),
    "new": gettext_lazy("Mới"),
    "dropped": gettext_lazy("Bỏ"),
}


@dataclass
class Match:
    """Items of the earlier year (`old`) matched to items of the later year (`new`)."""

    old: list[Item]
    new: list[Item]
    via_crosswalk: bool = False
    notes: list[str] = field(default_factory=list)

    @property
    def kind(self) -> str:
        if not self.new:
            return "dropped"
        if not self.old:
            return "new"
        if not self.via_crosswalk:
            return "same"
        if len(self.old) == 1 and len(self.new) == 1:
            return "renumbered"
        if len(self.old) == 1:
            return "split"
        if len(self.new) == 1:
            return "merged"
        return "regrouped"

    @property
    def kind_label(self) -> str:
        return str(KIND_LABELS[self.kind])

    @property
    def sort_key(self) -> str:
        first = (self.new or self.old)[0]
        return first.sort_key


def match_items(
    layers: Sequence[Sequence[Item]], crosswalks: Iterable[tuple[int, int, str]]
) -> list[Match]:
    """Match the items of the first layer (earliest year) to those of the last.

    `layers` holds the comparable items (e.g. the scored ones) of one unit group's frameworks,
    in chronological order; `crosswalks` are (from item id, to item id, note), in either
    direction. Between each pair of consecutive layers, the crosswalk links the items it names
    and the other items are linked by identical code; the links chain through the years and
    each connected set of items is one match.
    """
    parent: dict[int, int] = {}

    def find(node: int) -> int:
        while parent[node] != node:
            parent[node] = parent[parent[node]]
            node = parent[node]
        return node

    def union(a: int, b: int) -> None:
        parent[find(a)] = find(b)

    for layer in layers:
        for item in layer:
            parent[item.id] = item.id
    walked: set[int] = set()  # roots of the sets joined by a crosswalk
    notes: dict[int, list[str]] = defaultdict(list)
    edges = list(crosswalks)
    crosswalked: list[tuple[int, int, str]] = []
    for earlier, later in zip(layers, layers[1:], strict=False):
        earlier_ids = {item.id for item in earlier}
        later_ids = {item.id for item in later}
        touched: set[int] = set()
        for a, b, note in edges:
            if (a in earlier_ids and b in later_ids) or (b in earlier_ids and a in later_ids):
                union(a, b)
                touched.update((a, b))
                crosswalked.append((a, b, note))
        by_code = {item.code: item.id for item in later if item.id not in touched}
        for item in earlier:
            if item.id not in touched and item.code in by_code:
                union(item.id, by_code[item.code])
    for a, _b, note in crosswalked:
        walked.add(find(a))
        if note and note not in notes[find(a)]:
            notes[find(a)].append(note)

    first, last = (layers[0], layers[-1]) if layers else ([], [])
    groups: dict[int, Match] = {}
    for item in first:
        groups.setdefault(find(item.id), Match([], [])).old.append(item)
    for item in last:
        groups.setdefault(find(item.id), Match([], [])).new.append(item)
    matches = []
    for root, match in groups.items():
        match.via_crosswalk = root in walked
        match.notes = notes.get(root, [])
        if match.via_crosswalk or (match.old and match.new):
            matches.append(match)
        else:
            # Unmatched items are listed one by one.
            matches.extend(Match([item], []) for item in match.old)
            matches.extend(Match([], [item]) for item in match.new)
    return sorted(matches, key=lambda m: (m.sort_key, m.kind))


# --------------------------------------------------------------------------- the comparison page


@dataclass
class UnitRow(ShowsRankMove):
    """A unit of the later year with what its figure is compared with (`old`: the lineage's
    previous figures), or a unit of the earlier year only, with what became of it (`fate`)."""

    unit: Unit
    old: PreviousFigures | None
    new: Result | None
    fate: str = ""
    progress: Progress | None = None  # the later year not published: its appraisal progress
    index_change: Decimal | None = field(init=False)
    rank_move: int | None = field(init=False)
    movement_provisional: bool = field(init=False)  # not final: a year is not published

    def __post_init__(self) -> None:
        self.index_change = index_change(self.new, self.old)
        self.rank_move = rank_move(self.new, self.old)
        self.movement_provisional = self.new is not None and movement_provisional(
            self.new.year, self.old
        )

    @property
    def old_provisional(self) -> bool:
        """The earlier figure is of a year not published."""
        return self.old is not None and self.old.provisional

    @property
    def reference(self) -> Reference | None:
        return self.old.reference if self.old is not None else None


@dataclass
class MatchRow:
    """A match with its figures in each year: an index (domains) or points (items)."""

    match: Match
    old: Decimal | None
    old_max: Decimal | None
    new: Decimal | None
    new_max: Decimal | None

    @property
    def change(self) -> Decimal | None:
        return calc.change(self.new, self.old)


@dataclass
class Comparison:
    group: UnitGroup
    old_year: AssessmentYear
    new_year: AssessmentYear
    unit: Unit | None
    units: list[UnitRow]
    domains: list[MatchRow]
    items: list[MatchRow]
    # Each year not published: how far its appraisal has gone over the group's units.
    old_progress: GroupProgress | None = None
    new_progress: GroupProgress | None = None

    @property
    def old_provisional(self) -> bool:
        return is_provisional(self.old_year)

    @property
    def decimals(self) -> int:
        """The decimals of a change between the two years: each year's figures show their own,
        a change the finer of the two (between 91.651 and 90.50: 1.151)."""
        return max(self.old_year.decimals, self.new_year.decimals)

    @property
    def new_provisional(self) -> bool:
        return is_provisional(self.new_year)

    @property
    def provisional(self) -> bool:
        return self.old_provisional or self.new_provisional

    @property
    def year_progress(self) -> list[tuple[AssessmentYear, GroupProgress]]:
        """Each year not published with its progress over the group's units, earlier first."""
        pairs = ((self.old_year, self.old_progress), (self.new_year, self.new_progress))
        return [(year, progress) for year, progress in pairs if progress is not None]

    def chart(self) -> Chart:
        rows = self.units
        chart: Chart = {
            "labels": [chart_label(row.unit.name) for row in rows],
            "datasets": [
                {
                    "label": str(self.old_year.year),
                    "data": [
                        None if r.old is None or r.old.index is None else str(r.old.index)
                        for r in rows
                    ],
                },
                {
                    "label": str(self.new_year.year),
                    "data": [None if r.new is None else str(r.new.index) for r in rows],
                },
            ],
            "options": index_options(
                [r.old.index for r in rows if r.old is not None]
                + [r.new.index for r in rows if r.new is not None],
                horizontal=True,
            ),
        }
        return mark_provisional(
            chart,
            {
                0: [r.old_provisional for r in rows],
                1: [r.new is not None and is_provisional(self.new_year) for r in rows],
            },
        )


def compare(
    group: UnitGroup, old_year: AssessmentYear, new_year: AssessmentYear, unit: Unit | None = None
) -> Comparison:
    """Two years of a unit group side by side (6 queries; 7 with a year not published, for
    its appraisal progress); `old_year` is the earlier one.

    Per unit: index, change, rank and movement (provisional where a year is not published).
    Per domain and per scored item, matched by `match_items`: the index (domains) or points
    (items) of `unit`, or the group's average.
    """
    years = (old_year, new_year)
    results = list(
        Result.objects.filter(group=group, year__in=years)
        .select_related("unit", "year", "group")
        .order_by("unit__code")
    )
    lineage = Lineage.load()
    new_results = {r.unit_id: r for r in results if r.year_id == new_year.id}
    old_results = {r.unit_id: r for r in results if r.year_id == old_year.id}
    show_names_of_year(new_results.values(), new_year.year, lineage)
    show_names_of_year(old_results.values(), old_year.year, lineage)
    previous = previous_figures(
        [r.unit for r in new_results.values()],
        new_year,
        previous_year=old_year,
        lineage=lineage,
    )
    progress = progress_of(results)
    unit_rows = [
        UnitRow(r.unit, previous[uid], r, progress=progress.get(r.pk))
        for uid, r in new_results.items()
    ]
    year_progress = {
        year.id: group_progress(progress.get(r.pk) for r in results if r.year_id == year.id)
        for year in years
    }
    for uid, r in old_results.items():
        if uid not in new_results:
            own = PreviousFigures(
                Reference(SAME, (r.unit,), True, "", old_year.year),
                [r],
                [],
                r.index,
                {uid: r.unit.name},
                new_year.year,
            )
            unit_rows.append(
                UnitRow(r.unit, own, None, lineage.fate(r.unit, old_year.year, new_year.year))
            )
    units: dict[int, Unit] = {row.unit.pk: row.unit for row in unit_rows}
    unit_rows.sort(key=lambda r: (r.new is None, r.new.rank if r.new else 0, r.unit.code))

    frameworks = list(
        Framework.objects.filter(
            group=group, year__year__gte=old_year.year, year__year__lte=new_year.year
        )
        .select_related("year")
        .order_by("year__year")
    )
    items_by_framework: dict[int, list[Item]] = defaultdict(list)
    for item in Item.objects.filter(framework__in=frameworks).order_by("sort_key"):
        items_by_framework[item.framework_id].append(item)
    crosswalks = list(
        ItemCrosswalk.objects.filter(
            from_item__framework__in=frameworks, to_item__framework__in=frameworks
        ).values_list("from_item_id", "to_item_id", "note")
    )
    chain = [items_by_framework[f.id] for f in frameworks]
    ends = {
        f.year_id: items_by_framework[f.id]
        for f in frameworks
        if f.year_id in (old_year.id, new_year.id)
    }
    if len(ends) < 2:
        # A year without a framework for this group: nothing can be matched.
        return Comparison(
            group,
            old_year,
            new_year,
            unit,
            unit_rows,
            [],
            [],
            year_progress[old_year.id],
            year_progress[new_year.id],
        )

    domain_matches = match_items(
        [[i for i in layer if i.parent_id is None] for layer in chain], crosswalks
    )
    item_matches = match_items([[i for i in layer if i.is_scored] for layer in chain], crosswalks)

    if unit is not None:
        # One unit: its own figures in the later year, and in the earlier one those of the
        # units its lineage compares it with (its predecessors after a merge; none after a split).
        reference = lineage.reference_for(unit, new_year.year, old_year.year)
        before = [u.pk for u in reference.units] if reference.comparable else []
        chosen = {old_year.id: before, new_year.id: [unit.id]}
    else:
        chosen = {old_year.id: list(units), new_year.id: list(units)}
    every = sorted({uid for ids in chosen.values() for uid in ids})
    domain_figures = _domain_figures(years, every)
    item_figures = _item_figures(years, every, ends)
    return Comparison(
        group=group,
        old_year=old_year,
        new_year=new_year,
        unit=unit,
        units=unit_rows,
        domains=[
            _match_row(m, domain_figures, years, chosen, as_index=True) for m in domain_matches
        ],
        items=[_match_row(m, item_figures, years, chosen, as_index=False) for m in item_matches],
        old_progress=year_progress[old_year.id],
        new_progress=year_progress[new_year.id],
    )


# (year id, unit id) → item code → (earned, applicable maximum)
Figures = dict[tuple[int, int], dict[str, tuple[Decimal, Decimal]]]


def _domain_figures(years: Sequence[AssessmentYear], unit_ids: list[int]) -> Figures:
    figures: Figures = defaultdict(dict)
    for year_id, unit_id, code, earned, maximum in DomainResult.objects.filter(
        result__year__in=years, result__unit_id__in=unit_ids
    ).values_list("result__year_id", "result__unit_id", "code", "earned", "max_points"):
        figures[(year_id, unit_id)][code] = (earned, maximum)
    return figures


def _item_figures(
    years: Sequence[AssessmentYear], unit_ids: list[int], items: dict[int, list[Item]]
) -> Figures:
    """Every scored item's points and applicable maximum, by compute_unit on the stored scores."""
    values: dict[tuple[int, int], dict[int, calc.ScoreValue]] = defaultdict(dict)
    condition = Q(sheet__year__in=years, sheet__unit_id__in=unit_ids)
    for year_id, unit_id, item_id, points, na in Score.objects.filter(condition).values_list(
        "sheet__year_id", "sheet__unit_id", "item_id", "points", "not_applicable"
    ):
        values[(year_id, unit_id)][item_id] = calc.ScoreValue(points, na)
    rounding = {year.id: (year.rounding, year.decimals) for year in years}
    specs = {year_id: item_specs(year_items) for year_id, year_items in items.items()}
    figures: Figures = defaultdict(dict)
    for (year_id, unit_id), by_item in values.items():
        code_by_id = {item.id: item.code for item in items[year_id]}
        if not any(item_id in code_by_id for item_id in by_item):
            continue  # scored on another group's framework (a predecessor from another group)
        unit_figures = calc.compute_unit(
            specs[year_id],
            {code_by_id[i]: v for i, v in by_item.items() if i in code_by_id},
            rounding[year_id][0],
            decimals=rounding[year_id][1],
        )
        figures[(year_id, unit_id)] = {
            code: (node.earned, node.max_points) for code, node in unit_figures.nodes.items()
        }
    return figures


def _match_row(
    match: Match,
    figures: Figures,
    years: Sequence[AssessmentYear],
    unit_ids: dict[int, list[int]],
    *,
    as_index: bool,
) -> MatchRow:
    """A match's figures in each year: the mean over the year's chosen units (one unit's own,
    its predecessors', or the group's)."""
    row: list[Decimal | None] = []
    for year, side in zip(years, (match.old, match.new), strict=True):
        if not side:
            row += [None, None]
            continue
        per_unit = []
        for unit_id in unit_ids[year.id]:
            unit_figures = figures.get((year.id, unit_id))
            if not unit_figures or any(item.code not in unit_figures for item in side):
                continue
            earned = sum((unit_figures[item.code][0] for item in side), ZERO)
            maximum = sum((unit_figures[item.code][1] for item in side), ZERO)
            per_unit.append(
                calc.ratio_index(earned, maximum, year.rounding, year.decimals)
                if as_index
                else earned
            )
        value = calc.mean(per_unit, year.rounding, year.decimals)
        top = sum((item.max_points for item in side), ZERO)
        row += [value, top]
    return MatchRow(match, *row)
