"""The scoring rules, in pure Decimal arithmetic. No ORM, no request.

This is the one place where a scoring rule is written: sums per node, the applicable maximum
(not-applicable items leave both the points and the maximum), the index and its rounding, points
lost and items not scored yet, classification by bands, ranks within a unit group, the change of
a figure and of a rank between two years, and means. Services, pages, projections, exports and
commands all go through these functions.
"""

from __future__ import annotations

from collections.abc import Hashable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from decimal import ROUND_DOWN, ROUND_HALF_UP, Decimal
from fractions import Fraction
from typing import TypeVar

ZERO = Decimal("0")
HUNDRED = Decimal("100")
CENT = Decimal("0.01")

HALF_UP = "half_up"
TRUNCATE = "truncate"
APPRAISAL = "appraisal"
SURVEY = "survey"


@dataclass(frozen=True)
class ItemSpec:
    """A node of a framework. `parent_code` is None for a domain (top level)."""

    code: str
    max_points: Decimal
    parent_code: str | None = None
    is_scored: bool = True
    method: str = APPRAISAL
    name: str = ""


@dataclass(frozen=True)
class ScoreValue:
    """The points that count on one scored item (None: not scored yet, counts as 0)."""

    points: Decimal | None = None
    not_applicable: bool = False


@dataclass(frozen=True)
class BandSpec:
    label: str
    min_index: Decimal


@dataclass(frozen=True)
class NodeFigures:
    """A node's figures: for a scored item its own, for a parent the exact sums of its items'."""

    code: str
    earned: Decimal
    max_points: Decimal  # the applicable maximum
    index: Decimal
    assessed: int = 0  # scored items (this one, or below a parent) with points or not applicable
    unscored: int = 0  # scored items not scored yet ("chưa chấm"): no points, not N/A
    unscored_max: Decimal = ZERO  # their maxima (a part of the applicable maximum)

    @property
    def lost(self) -> Decimal:
        """Points lost: the applicable maximum minus the points, on the items that have points
        or are not applicable (N/A: 0 lost). Items not scored yet are not lost: they are
        "chưa chấm", counted apart in `unscored` and `unscored_max`.

        A domain with 1.1 (max 20, 19.5 points), 1.2 (max 10, not scored yet), 1.3 (max 5, N/A)
        and 1.4 (max 5, 0 points): applicable maximum 35, earned 19.5, chưa chấm 1 item of 10,
        lost 35 − 10 − 19.5 = 5.5 (0.5 on 1.1, 5 on 1.4; none on 1.2 or 1.3). So the maximum
        minus the points lost minus the maximum of the items not scored yet is the points earned,
        and a parent's points lost are the sum of its items'.
        """
        return self.max_points - self.unscored_max - self.earned


@dataclass(frozen=True)
class UnitFigures:
    appraisal: Decimal
    appraisal_max: Decimal
    survey: Decimal
    survey_max: Decimal
    bonus: Decimal
    deduction: Decimal
    total: Decimal
    max_points: Decimal
    index: Decimal
    nodes: Mapping[str, NodeFigures] = field(default_factory=dict)
    domain_codes: tuple[str, ...] = ()

    @property
    def domains(self) -> list[NodeFigures]:
        return [self.nodes[code] for code in self.domain_codes]

    @property
    def lost(self) -> Decimal:
        """The points lost over every domain (`NodeFigures.lost`), before bonus and deduction."""
        return sum((domain.lost for domain in self.domains), ZERO)

    @property
    def unscored(self) -> int:
        return sum(domain.unscored for domain in self.domains)

    @property
    def unscored_max(self) -> Decimal:
        return sum((domain.unscored_max for domain in self.domains), ZERO)


def check_points(value: Decimal) -> Decimal:
    """Points are never negative and have at most two decimal places."""
    if not value.is_finite() or value < ZERO:
        raise ValueError("points must be a finite, non-negative decimal")
    if value != value.quantize(CENT):
        raise ValueError("points have at most two decimal places")
    return value


def _check_rounding(rounding: str) -> None:
    # An unknown mode must not silently fall back to one of the two (a typo would truncate).
    if rounding not in (HALF_UP, TRUNCATE):
        raise ValueError(f"unknown rounding mode {rounding!r}")


def ratio_index(earned: Decimal, maximum: Decimal, rounding: str = HALF_UP) -> Decimal:
    """earned ÷ maximum × 100, rounded once to two decimals (half-up, or truncated).

    Computed on the exact fraction with integer division, so no intermediate rounding can creep
    in, whatever the number of decimals. A node whose applicable maximum is zero has index 0. The
    result is kept within 0–100.
    """
    _check_rounding(rounding)
    if maximum <= ZERO:
        return ZERO.quantize(CENT)
    earned_num, earned_den = earned.as_integer_ratio()
    max_num, max_den = maximum.as_integer_ratio()
    # index in hundredths of a percent = earned / max * 100 * 100
    divisor = earned_den * max_num
    quotient, remainder = divmod(earned_num * max_den * 10000, divisor)
    if rounding == HALF_UP and remainder * 2 >= divisor:
        quotient += 1
    value = (Decimal(quotient) / 100).quantize(CENT)
    return min(max(value, ZERO), HUNDRED.quantize(CENT))


def round_figure(value: Decimal, rounding: str = HALF_UP) -> Decimal:
    """Round a figure (an average, a projection) to two decimals by the year's rule."""
    _check_rounding(rounding)
    mode = ROUND_HALF_UP if rounding == HALF_UP else ROUND_DOWN
    return value.quantize(CENT, rounding=mode)


def compute_unit(
    items: Sequence[ItemSpec],
    scores: Mapping[str, ScoreValue],
    rounding: str = HALF_UP,
    bonus: Decimal = ZERO,
    deduction: Decimal = ZERO,
) -> UnitFigures:
    """A unit's figures for one year from its framework and the points that count.

    `items` is the whole tree (every node); `scores` maps a scored item's code to its value.
    Every parent's earned points and applicable maximum are the exact sums of its children's.
    """
    children: dict[str | None, list[ItemSpec]] = {}
    for item in items:
        children.setdefault(item.parent_code, []).append(item)

    nodes: dict[str, NodeFigures] = {}
    sums = {APPRAISAL: [ZERO, ZERO], SURVEY: [ZERO, ZERO]}

    def visit(item: ItemSpec) -> NodeFigures:
        if item.is_scored:
            score = scores.get(item.code, ScoreValue())
            if score.not_applicable:
                earned, maximum = ZERO, ZERO
            else:
                earned = min(score.points or ZERO, item.max_points)
                maximum = item.max_points
            if score.points is None and not score.not_applicable:
                assessed, unscored, unscored_max = 0, 1, maximum
            else:
                assessed, unscored, unscored_max = 1, 0, ZERO
            bucket = sums[SURVEY if item.method == SURVEY else APPRAISAL]
            bucket[0] += earned
            bucket[1] += maximum
        else:
            earned, maximum, unscored_max = ZERO, ZERO, ZERO
            assessed, unscored = 0, 0
            for child in children.get(item.code, []):
                below = visit(child)
                earned += below.earned
                maximum += below.max_points
                assessed += below.assessed
                unscored += below.unscored
                unscored_max += below.unscored_max
        node = nodes[item.code] = NodeFigures(
            item.code,
            earned,
            maximum,
            ratio_index(earned, maximum, rounding),
            assessed,
            unscored,
            unscored_max,
        )
        return node

    domains = children.get(None, [])
    total_earned, total_max = ZERO, ZERO
    for domain in domains:
        node = visit(domain)
        total_earned += node.earned
        total_max += node.max_points

    total = max(total_earned + bonus - deduction, ZERO)
    return UnitFigures(
        appraisal=sums[APPRAISAL][0],
        appraisal_max=sums[APPRAISAL][1],
        survey=sums[SURVEY][0],
        survey_max=sums[SURVEY][1],
        bonus=bonus,
        deduction=deduction,
        total=total,
        max_points=total_max,
        index=ratio_index(min(total, total_max), total_max, rounding),
        nodes=nodes,
        domain_codes=tuple(domain.code for domain in domains),
    )


def index_differs_from_total(max_points: Decimal) -> bool:
    """Whether a unit's index reads differently from its total, so that a page has to show the
    applicable maximum beside them for the two to add up.

    The index is the total over the applicable maximum × 100: it reads as the total itself only
    when that maximum is 100. With 2.2 (3.5 points) not applicable in a framework of 100, the
    maximum is 96.5 and a total of 93.53 is an index of 96.92; "93,53 / 96,50" explains it.
    A maximum of 0 (a result imported without one) has nothing to show.
    """
    return max_points > ZERO and max_points != HUNDRED


def axis_start(values: Iterable[Decimal | None], step: int = 10) -> int:
    """Where a chart's axis of indices (0–100) starts, so that figures close together do not
    look alike: the lowest figure less half a step, rounded down to a multiple of the step,
    never below 0.

    85.9 and 98.1 → 80 (85.9 − 5 = 80.9); 90 and 97 → 80, so that the bar of 90 is not empty;
    92.5 and 99 → 80; 41.2 → 30; nothing or only 3 → 0.
    """
    present = [value for value in values if value is not None]
    if not present:
        return 0
    lowest = min(present) - Decimal(step) / 2
    start = int(lowest // step) * step if lowest >= 0 else 0
    return max(start, 0)


def classify(index: Decimal, bands: Iterable[BandSpec]) -> BandSpec | None:
    """The band whose minimum is the highest one not above the (rounded) index."""
    for band in sorted(bands, key=lambda b: b.min_index, reverse=True):
        if index >= band.min_index:
            return band
    return None


def next_band(index: Decimal, bands: Iterable[BandSpec]) -> BandSpec | None:
    """The lowest band above the one the index falls in (None at the top)."""
    above = [band for band in bands if band.min_index > index]
    return min(above, key=lambda b: b.min_index) if above else None


K = TypeVar("K", bound=Hashable)


def rank(indices: Mapping[K, Decimal]) -> dict[K, int]:
    """Competition ranking, highest index first: equal indices share a rank, the next skips.

    {a: 95, b: 90, c: 90, d: 80} → {a: 1, b: 2, c: 2, d: 4}
    """
    ordered = sorted(indices.values(), reverse=True)
    first_position: dict[Decimal, int] = {}
    for position, value in enumerate(ordered, start=1):
        first_position.setdefault(value, position)
    return {key: first_position[value] for key, value in indices.items()}


def change(current: Decimal | None, previous: Decimal | None) -> Decimal | None:
    """The change of a figure between two years (None when either is missing).

    change(92.03, 90.50) → 1.53; the change of the index is the rounded index minus the rounded
    figure it is compared with, so it is exact and needs no rounding of its own.
    """
    if current is None or previous is None:
        return None
    return current - previous


def places_gained(current: int | None, previous: int | None) -> int | None:
    """The movement of a rank: places gained since the previous rank (positive: moved up).

    From 5th to 2nd → 3; from 2nd to 5th → −3; None when either rank is missing. Whether two
    ranks may be compared at all (the same body, the same group) is the caller's: the lineage's.
    """
    if current is None or previous is None:
        return None
    return previous - current


def mean(values: Sequence[Decimal], rounding: str = HALF_UP) -> Decimal | None:
    """The mean of figures, rounded once to two decimals by the year's rule (None for none).

    The group's average, a domain's average and, after a merge, the predecessors' mean index
    (the figure the merged unit is compared with): mean([90.50, 85.25]) → 87.88 (87.875 half-up).
    """
    if not values:
        return None
    return round_figure(sum(values, ZERO) / len(values), rounding)


# --------------------------------------------------------------------------- the survey (issue 18)
#
# Survey points from ballots: per unit and survey item, each respondent type's rate is the sum
# of the option weights (percent) of its valid answers to the item's questions ÷ their number
# (pooled over the questions, not a mean of question means); the types' rates are weighted by
# the year and group's type weights (or, without weights, every valid answer counts alike); the
# points are the item's maximum × result ÷ 100, computed on exact fractions and rounded once.
# Fractions are the stdlib's exact rationals: no intermediate rounding, whatever the divisions.

#: An answer weighted at least this much (percent) counts as satisfied.
SATISFIED_FROM = Decimal("60")


@dataclass(frozen=True)
class TypeTally:
    """One respondent type's valid answers to one item's questions: their number and the sum of
    their option weights (percent)."""

    count: int
    weight_sum: Decimal


class UnweightedType(ValueError):
    """A type answered but has no weight while the year and group use type weights."""

    def __init__(self, type_code: str):
        self.type_code = type_code
        super().__init__(f"respondent type {type_code!r} answered but has no weight")


def _exact(value: Decimal) -> Fraction:
    return Fraction(*value.as_integer_ratio())


def survey_result(
    tallies: Mapping[str, TypeTally], type_weights: Mapping[str, Decimal]
) -> Fraction | None:
    """The item's result in percent, exact (None: no valid answer at all).

    With type weights: Σ(weight × type's rate) ÷ Σ(weights) over the types with at least one
    valid answer; a type that answered without a weight raises `UnweightedType`. Without type
    weights: the pooled mean of every valid answer.
    """
    answered = {code: t for code, t in tallies.items() if t.count > 0}
    if not answered:
        return None
    if not type_weights:
        total = sum((t.weight_sum for t in answered.values()), ZERO)
        return _exact(total) / sum(t.count for t in answered.values())
    weighted = Fraction(0)
    weights = Fraction(0)
    for code in sorted(answered):
        if code not in type_weights:
            raise UnweightedType(code)
        weight = _exact(type_weights[code])
        tally = answered[code]
        weighted += weight * _exact(tally.weight_sum) / tally.count
        weights += weight
    if weights == 0:
        return None
    return weighted / weights


def round_exact(value: Fraction, decimals: int = 2, rounding: str = HALF_UP) -> Decimal:
    """An exact non-negative fraction rounded once to `decimals` places (half-up or truncated)."""
    _check_rounding(rounding)
    if value < 0:
        raise ValueError("only non-negative figures are rounded here")
    scale = 10**decimals
    quotient, remainder = divmod(value.numerator * scale, value.denominator)
    if rounding == HALF_UP and remainder * 2 >= value.denominator:
        quotient += 1
    return Decimal(quotient).scaleb(-decimals).quantize(Decimal(1).scaleb(-decimals))


def survey_points(
    maximum: Decimal,
    tallies: Mapping[str, TypeTally],
    type_weights: Mapping[str, Decimal],
    decimals: int = 2,
    rounding: str = HALF_UP,
) -> Decimal | None:
    """An item's survey points: maximum × result ÷ 100, rounded once (None: no valid answer).

    The issue's example: maximum 2, weights nguoi_dan 60 and cong_chuc 40; nguoi_dan answered
    A (100) and B (60) to Q1 and C (20) to Q2, cong_chuc A (100) to Q1: rates 60 and 100,
    result (60×60 + 40×100) ÷ 100 = 76, points 2 × 76 ÷ 100 = 1.52.
    """
    result = survey_result(tallies, type_weights)
    if result is None:
        return None
    return round_exact(_exact(maximum) * result / 100, decimals, rounding)


def satisfaction_rate(
    count: int, satisfied: int, decimals: int = 2, rounding: str = HALF_UP
) -> Decimal | None:
    """The share of valid answers weighted `SATISFIED_FROM` % or more, in percent, rounded once
    (None for no answer): 3 of 4 → 75.00."""
    if count <= 0:
        return None
    return round_exact(Fraction(satisfied * 100, count), decimals, rounding)


def mean_weight(
    count: int, weight_sum: Decimal, decimals: int = 2, rounding: str = HALF_UP
) -> Decimal | None:
    """The mean option weight of valid answers, in percent, rounded once (None for none)."""
    if count <= 0:
        return None
    return round_exact(_exact(weight_sum) / count, decimals, rounding)
