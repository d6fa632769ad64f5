"""What it takes to move up: the distance to the next band and rank, and a projection.

The points a unit can recover are its points lost on appraisal items (`NodeFigures.lost`). Items
not scored yet ("chưa chấm", in a year still being appraised) are not lost points: they count 0
in the current result as in every result, and the projection keeps them at 0, so it starts from
the result as it stands. The page shows them apart, with their maximum: scoring them will change
the result whatever the unit recovers.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from scoring import calculations as calc
from scoring.models import (
    EXTRA_METHODS,
    Band,
    BandCap,
    Item,
    Method,
    Result,
    ResultSource,
    Score,
)
from scoring.selectors.common import ZERO, framework_items, stored_figures
from scoring.selectors.provisional import Progress, is_provisional, progress_of
from scoring.specs import band_specs, cap_reasons, cap_specs, item_specs, rule_spec


@dataclass(frozen=True)
class RuleStep:
    """On an item scored by rule: a measured value above the current one and the points it would
    add (`calculations.rule_points`): "đạt 80 → +0,50"."""

    value: Decimal
    gain: Decimal


def rule_steps(item: Item, score: Score | None, rounding: str, decimals: int) -> list[RuleStep]:
    """The values that would earn more points on a rule item than its current ones, each with
    the points it adds: every threshold bound above the current value; a proportional item's
    target; đạt on a yes_no item; no occurrence on a per_occurrence item."""
    spec = rule_spec(item)
    if spec is None or score is None or score.not_applicable:
        return []
    current = score.value if score.value is not None else score.self_value
    earned = score.points or ZERO
    if spec.kind == calc.THRESHOLD:
        candidates = sorted(bound for bound, _points in spec.bounds)
    elif spec.kind == calc.PROPORTIONAL and spec.target is not None:
        candidates = [spec.target]
    elif spec.kind == calc.YES_NO:
        candidates = [Decimal(1)]
    else:
        candidates = [ZERO]
    steps = []
    for value in candidates:
        if current is not None and (
            value <= current if spec.kind != calc.PER_OCCURRENCE else value >= current
        ):
            continue
        points = calc.rule_points(spec, item.max_points, value, rounding, decimals)
        if points > earned:
            steps.append(RuleStep(value, points - earned))
    return steps


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
    rule: str = ""  # the item's rule (`Item.rule`), "" when its points are entered
    steps: tuple[RuleStep, ...] = ()  # on a rule item: which values would earn more
    method: str = Method.APPRAISAL

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
    caps: list[calc.CapSpec] = field(default_factory=list)  # caps on classification

    @property
    def deduction_codes(self) -> frozenset[str]:
        return frozenset(i.code for i in self.items if i.method == Method.DEDUCTION)

    @property
    def cap_lifts(self) -> list[calc.CapSpec]:
        """The caps that lower the unit's band now: what the page tells it would lift the cap
        (no deduction at the item, points on the item, the domain's index up to the figure)."""
        if not self.result.cap_reason or not self.scores:
            return []
        return list(_capped(self, _values(self, {})).fired)

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
    cap_reason: str = ""  # why the band is below the one the index reaches (caps)


def move_up_basis(result: Result) -> MoveUpBasis:
    """Load what `project` needs for one unit and year (5 queries; 6 for a year not published,
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
        figures = stored_figures(items, scores, year.rounding, year.decimals)
        unscored, unscored_max = figures.unscored, figures.unscored_max
        score_by_item = {score.item_id: score for score in scores}
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
                        rule=item.rule,
                        steps=tuple(
                            rule_steps(
                                item, score_by_item.get(item.id), year.rounding, year.decimals
                            )
                        ),
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
        cap_specs(BandCap.objects.filter(year=year, group_id=result.group_id)),
    )


def _values(basis: MoveUpBasis, recover: Mapping[str, Decimal]) -> dict[str, calc.ScoreValue]:
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
    return values


def _figures(basis: MoveUpBasis, values: Mapping[str, calc.ScoreValue]) -> calc.UnitFigures:
    result = basis.result
    # The bonus and deduction come from the framework's sections when it has them; a framework
    # without (an older year) keeps the result's own.
    sections = any(item.method in EXTRA_METHODS for item in basis.items)
    return calc.compute_unit(
        item_specs(basis.items),
        values,
        result.year.rounding,
        bonus=ZERO if sections else result.bonus,
        deduction=ZERO if sections else result.deduction,
        decimals=result.year.decimals,
    )


def _capped(basis: MoveUpBasis, values: Mapping[str, calc.ScoreValue]) -> calc.Capped:
    figures = _figures(basis, values)
    return calc.classify_capped(figures.index, basis.bands, basis.caps, figures, values)


def project(basis: MoveUpBasis, recover: Mapping[str, Decimal]) -> Projection:
    """The figures the unit would have with `recover` points more on the given items.

    The same `compute_unit`, `classify` and `rank` as the real results; the other units keep
    their stored indices. Recovery beyond an item's lost points is capped by compute_unit.
    """
    result = basis.result
    values = _values(basis, recover)
    figures = _figures(basis, values)
    capped = calc.classify_capped(figures.index, basis.bands, basis.caps, figures, values)
    band = capped.band
    ranks = calc.rank({**basis.others, result.unit_id: figures.index})
    return Projection(
        recovered=sum(recover.values(), ZERO),
        total=figures.total,
        index=figures.index,
        band_label=band.label if band else "",
        rank=ranks[result.unit_id],
        rank_of=len(ranks),
        index_change=calc.change(figures.index, result.index),
        cap_reason=cap_reasons(capped.fired, basis.bands, basis.deduction_codes),
    )
