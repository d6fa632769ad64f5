"""What it takes to move up: the distance to the next band and rank, and a projection.

The points a unit can recover are its points lost on appraisal items (`NodeFigures.lost`). Items
not scored yet ("chưa chấm", in a year still being appraised) are not lost points: they count 0
in the current result as in every result, and the projection keeps them at 0, so it starts from
the result as it stands. The page shows them apart, with their maximum: scoring them will change
the result whatever the unit recovers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from scoring import calculations as calc
from scoring.models import (
    Band,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
)
from scoring.selectors.common import ZERO, framework_items, stored_figures
from scoring.selectors.provisional import Progress, is_provisional, progress_of
from scoring.specs import band_specs, item_specs


@dataclass
class Candidate:
    """An appraisal item where points were lost, with what the user chose to recover."""

    code: str
    name: str
    domain_code: str
    max_points: Decimal
    earned: Decimal
    lost: Decimal
    recover: Decimal = ZERO

    @property
    def full(self) -> bool:
        return self.recover == self.lost


@dataclass
class MoveUpBasis:
    """What a projection starts from: the stored result and the scores it was computed from."""

    result: Result
    items: list[Item]
    scores: list[Score]
    bands: list[calc.BandSpec]
    others: dict[int, Decimal]  # the other units' stored indices in the group, by unit id
    candidates: list[Candidate]
    unscored: int = 0  # items not scored yet (appraisal and survey), not candidates
    unscored_max: Decimal = ZERO  # their maxima
    progress: Progress | None = None  # a year not published: how far its appraisal has gone

    @property
    def provisional(self) -> bool:
        """The result, the distances and the projection are provisional (year not published)."""
        return is_provisional(self.result.year)

    @property
    def next_band(self) -> calc.BandSpec | None:
        return calc.next_band(self.result.index, self.bands)

    @property
    def to_next_band(self) -> Decimal | None:
        band = self.next_band
        return None if band is None else band.min_index - self.result.index

    @property
    def next_rank_index(self) -> Decimal | None:
        """The lowest index above this unit's: reaching it gains at least one place."""
        above = [index for index in self.others.values() if index > self.result.index]
        return min(above) if above else None

    @property
    def to_next_rank(self) -> Decimal | None:
        target = self.next_rank_index
        return None if target is None else target - self.result.index


@dataclass
class Projection:
    recovered: Decimal
    total: Decimal
    index: Decimal
    band_label: str
    rank: int
    rank_of: int
    index_change: Decimal | None


def move_up_basis(result: Result) -> MoveUpBasis:
    """Load what `project` needs for one unit and year (4 queries; 5 for a year not published,
    with its appraisal progress): the appraisal items that lost points are the candidates; the
    items not scored yet are counted apart."""
    year = result.year
    items = framework_items([(year.id, result.group_id)]).get((year.id, result.group_id), [])
    scores = list(Score.objects.filter(sheet__unit_id=result.unit_id, sheet__year=year))
    bands = band_specs(Band.objects.filter(year=year, group_id=result.group_id))
    others = dict(
        Result.objects.filter(year=year, group_id=result.group_id)
        .exclude(unit_id=result.unit_id)
        .values_list("unit_id", "index")
    )
    candidates = []
    unscored, unscored_max = 0, ZERO
    if scores and result.source != ResultSource.IMPORTED:
        figures = stored_figures(items, scores, year.rounding)
        unscored, unscored_max = figures.unscored, figures.unscored_max
        for item in items:
            if not item.is_scored or item.method != Method.APPRAISAL:
                continue
            node = figures.nodes[item.code]
            if node.lost > ZERO:
                candidates.append(
                    Candidate(
                        item.code,
                        item.name,
                        item.domain_code,
                        node.max_points,
                        node.earned,
                        node.lost,
                    )
                )
    candidates.sort(key=lambda c: -c.lost)
    return MoveUpBasis(
        result,
        items,
        scores,
        bands,
        others,
        candidates,
        unscored,
        unscored_max,
        progress_of([result]).get(result.pk),
    )


def project(basis: MoveUpBasis, recover: Mapping[str, Decimal]) -> Projection:
    """The figures the unit would have with `recover` points more on the given items.

    The same `compute_unit`, `classify` and `rank` as the real results; the other units keep
    their stored indices. Recovery beyond an item's lost points is capped by compute_unit.
    """
    result = basis.result
    code_by_id = {item.id: item.code for item in basis.items}
    values = {}
    for score in basis.scores:
        code = code_by_id.get(score.item_id)
        if code is None:
            continue
        points = score.points
        if code in recover and not score.not_applicable:
            points = (points or ZERO) + recover[code]
        values[code] = calc.ScoreValue(points, score.not_applicable)
    for code, extra in recover.items():
        values.setdefault(code, calc.ScoreValue(extra))
    figures = calc.compute_unit(
        item_specs(basis.items),
        values,
        result.year.rounding,
        bonus=result.bonus,
        deduction=result.deduction,
    )
    band = calc.classify(figures.index, basis.bands)
    ranks = calc.rank({**basis.others, result.unit_id: figures.index})
    return Projection(
        recovered=sum(recover.values(), ZERO),
        total=figures.total,
        index=figures.index,
        band_label=band.label if band else "",
        rank=ranks[result.unit_id],
        rank_of=len(ranks),
        index_change=calc.change(figures.index, result.index),
    )
