"""The scoring rules, in pure Decimal arithmetic. No ORM, no request.

This is the one place where a scoring rule is written: sums per node, the applicable maximum
(not-applicable items leave both the points and the maximum), the index and its rounding, points
lost and items not scored yet, classification by bands, ranks within a unit group, the change of
a figure and of a rank between two years, and means. Services, pages, projections, exports and
commands all go through these functions.
"""

from __future__ import annotations

import datetime
import re
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
BONUS = "bonus"
DEDUCTION = "deduction"
#: Sections outside the domains: their sums are added to (bonus) or taken from (deduction) the
#: total, and they are no part of the applicable maximum.
EXTRA_METHODS = frozenset({BONUS, DEDUCTION})
DECIMALS = (2, 3)


def quantum(decimals: int = 2) -> Decimal:
    """The smallest step of a figure with `decimals` places (2 → 0.01, 3 → 0.001)."""
    if decimals not in DECIMALS:
        raise ValueError(f"a year has 2 or 3 decimals, not {decimals!r}")
    return Decimal(1).scaleb(-decimals)


@dataclass(frozen=True)
class ItemSpec:
    """A node of a framework. `parent_code` is None for a domain (top level)."""

    code: str
    max_points: Decimal
    parent_code: str | None = None
    is_scored: bool = True
    method: str = APPRAISAL
    name: str = ""
    # The top node of a bonus or deduction section: the cap on the section's sum (None: no cap).
    cap: Decimal | None = None


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
    method: str = APPRAISAL  # bonus and deduction nodes count their points lost differently

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

        A deduction item's points are points lost (it deducted them); a bonus never loses any.
        """
        if self.method == DEDUCTION:
            return self.earned
        if self.method == BONUS:
            return ZERO
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
    # The top nodes of the bonus and deduction sections (their figures are in `nodes`).
    extra_codes: tuple[str, ...] = ()

    @property
    def domains(self) -> list[NodeFigures]:
        return [self.nodes[code] for code in self.domain_codes]

    @property
    def sections(self) -> list[NodeFigures]:
        """The bonus and deduction sections (not domains: no domain index)."""
        return [self.nodes[code] for code in self.extra_codes]

    @property
    def lost(self) -> Decimal:
        """The points lost over every domain (`NodeFigures.lost`), and the deduction (after its
        section caps) as points lost; a bonus takes nothing off."""
        return sum((domain.lost for domain in self.domains), ZERO) + self.deduction

    @property
    def unscored(self) -> int:
        return sum(domain.unscored for domain in self.domains)

    @property
    def unscored_max(self) -> Decimal:
        return sum((domain.unscored_max for domain in self.domains), ZERO)


def check_points(value: Decimal, decimals: int = 2) -> Decimal:
    """Points are never negative and have at most the year's decimal places (2 or 3)."""
    if not value.is_finite() or value < ZERO:
        raise ValueError("points must be a finite, non-negative decimal")
    if value != value.quantize(quantum(decimals)):
        raise ValueError(f"points have at most {('two', 'three')[decimals - 2]} decimal places")
    return value


def _check_rounding(rounding: str) -> None:
    # An unknown mode must not silently fall back to one of the two (a typo would truncate).
    if rounding not in (HALF_UP, TRUNCATE):
        raise ValueError(f"unknown rounding mode {rounding!r}")


def ratio_index(
    earned: Decimal, maximum: Decimal, rounding: str = HALF_UP, decimals: int = 2
) -> Decimal:
    """earned ÷ maximum × 100, rounded once to the year's decimals (half-up, or truncated).

    Computed on the exact fraction with integer division, so no intermediate rounding can creep
    in, whatever the number of decimals. A node whose applicable maximum is zero has index 0. The
    result is kept within 0–100.
    """
    _check_rounding(rounding)
    step = quantum(decimals)
    if maximum <= ZERO:
        return ZERO.quantize(step)
    earned_num, earned_den = earned.as_integer_ratio()
    max_num, max_den = maximum.as_integer_ratio()
    # index in steps (hundredths or thousandths) of a percent = earned / max * 100 * 10**decimals
    divisor = earned_den * max_num
    quotient, remainder = divmod(earned_num * max_den * 100 * 10**decimals, divisor)
    if rounding == HALF_UP and remainder * 2 >= divisor:
        quotient += 1
    value = Decimal(quotient).scaleb(-decimals).quantize(step)
    return min(max(value, ZERO), HUNDRED.quantize(step))


def round_figure(value: Decimal, rounding: str = HALF_UP, decimals: int = 2) -> Decimal:
    """Round a figure (an average, a projection, a rule's points) to the year's decimals by the
    year's rule."""
    _check_rounding(rounding)
    mode = ROUND_HALF_UP if rounding == HALF_UP else ROUND_DOWN
    return value.quantize(quantum(decimals), rounding=mode)


def compute_unit(
    items: Sequence[ItemSpec],
    scores: Mapping[str, ScoreValue],
    rounding: str = HALF_UP,
    bonus: Decimal = ZERO,
    deduction: Decimal = ZERO,
    decimals: int = 2,
) -> UnitFigures:
    """A unit's figures for one year from its framework and the points that count.

    `items` is the whole tree (every node); `scores` maps a scored item's code to its value.
    Every parent's earned points and applicable maximum are the exact sums of its children's.

    Top nodes whose items are bonus or deduction items are sections, not domains: a section's
    sum is capped by its `cap` (the top node's maximum when it is below its items' sum), and
    total = appraisal + survey + bonus − deduction, never below 0 (it may exceed the maximum).
    The applicable maximum is the domains' (appraisal and survey items only); the index is the
    total over it, kept within 0–100 and rounded once to `decimals` places. `bonus` and
    `deduction` add amounts from outside the framework (none by default).

    A framework of 70 + 30 with a deduction section (cap 2) holding D.1 (3 points) and D.2
    (1 point): deduction min(4, 2) = 2; 65.81 + 26.22 − 2 = 90.03; index 90.03.
    """
    _check_rounding(rounding)
    return _compute(_Tree(items), scores, _Indices(rounding, decimals), bonus, deduction)


def compute_units(
    items: Sequence[ItemSpec],
    scores: Mapping[K, Mapping[str, ScoreValue]],
    rounding: str = HALF_UP,
    decimals: int = 2,
) -> dict[K, UnitFigures]:
    """`compute_unit` for many units on one framework (a group's recompute): the same figures,
    with the tree walked once for all of them and each index computed once per (points,
    maximum) pair, where a group of 100 units × 150 items computed 20,000 of them."""
    _check_rounding(rounding)
    tree, indices = _Tree(items), _Indices(rounding, decimals)
    return {key: _compute(tree, values, indices) for key, values in scores.items()}


class _Tree:
    """A framework's tree in the order `_compute` visits it: each top node's items after their
    children (a scored item is a leaf), with its section (bonus, deduction or None)."""

    def __init__(self, items: Sequence[ItemSpec]) -> None:
        children: dict[str | None, list[ItemSpec]] = {}
        for item in items:
            children.setdefault(item.parent_code, []).append(item)
        self.tops: list[tuple[ItemSpec, str | None]] = []
        # (item, its section, its children's codes)
        self.steps: list[tuple[ItemSpec, str | None, tuple[str, ...]]] = []

        def section_of(top: ItemSpec) -> str | None:
            """BONUS or DEDUCTION when every scored item below `top` has that method, else None."""
            methods: set[str] = set()
            stack = [top]
            while stack:
                node = stack.pop()
                if node.is_scored:
                    methods.add(node.method)
                stack.extend(children.get(node.code, []))
            if len(methods) == 1 and (method := next(iter(methods))) in EXTRA_METHODS:
                return method
            return None

        def walk(item: ItemSpec, section: str | None) -> None:
            below: tuple[str, ...] = ()
            if not item.is_scored:
                below = tuple(child.code for child in children.get(item.code, []))
                for child in children.get(item.code, []):
                    walk(child, section)
            self.steps.append((item, section, below))

        for top in children.get(None, []):
            section = section_of(top)
            self.tops.append((top, section))
            walk(top, section)


class _Indices:
    """`ratio_index` by one rounding and number of decimals, each pair computed once; and the
    figures of a scored item by its score, for the units of one tree."""

    def __init__(self, rounding: str, decimals: int) -> None:
        self.rounding, self.decimals = rounding, decimals
        self.known: dict[tuple[Decimal, Decimal], Decimal] = {}
        self.leaves: dict[tuple[str, ScoreValue], NodeFigures] = {}

    def __call__(self, earned: Decimal, maximum: Decimal) -> Decimal:
        key = (earned, maximum)
        index = self.known.get(key)
        if index is None:
            index = self.known[key] = ratio_index(earned, maximum, self.rounding, self.decimals)
        return index


_NOT_SCORED = ScoreValue()


def _compute(
    tree: _Tree,
    scores: Mapping[str, ScoreValue],
    index_of: _Indices,
    bonus: Decimal = ZERO,
    deduction: Decimal = ZERO,
) -> UnitFigures:
    """`compute_unit` on a prepared tree (see there for the rules)."""
    nodes: dict[str, NodeFigures] = {}
    sums = {APPRAISAL: [ZERO, ZERO], SURVEY: [ZERO, ZERO]}
    known, leaves = index_of.known, index_of.leaves
    for item, section, below in tree.steps:
        if item.is_scored:
            score = scores.get(item.code, _NOT_SCORED)
            # A leaf's figures depend on its item and its score only: units with the same
            # points on an item share them (equal values, immutable).
            leaf = leaves.get((item.code, score))
            if leaf is None:
                if score.not_applicable:
                    earned, maximum = ZERO, ZERO
                else:
                    earned = min(score.points or ZERO, item.max_points)
                    maximum = item.max_points
                if score.points is None and not score.not_applicable:
                    assessed, unscored, unscored_max = 0, 1, maximum
                else:
                    assessed, unscored, unscored_max = 1, 0, ZERO
                leaf = leaves[(item.code, score)] = NodeFigures(
                    item.code,
                    earned,
                    maximum,
                    index_of(earned, maximum),
                    assessed,
                    unscored,
                    unscored_max,
                    section or (item.method if item.method in (APPRAISAL, SURVEY) else APPRAISAL),
                )
            nodes[item.code] = leaf
            if section is None:
                bucket = sums[SURVEY if item.method == SURVEY else APPRAISAL]
                bucket[0] += leaf.earned
                bucket[1] += leaf.max_points
            continue
        earned, maximum, unscored_max = ZERO, ZERO, ZERO
        assessed, unscored = 0, 0
        for code in below:
            child = nodes[code]
            earned += child.earned
            maximum += child.max_points
            assessed += child.assessed
            unscored += child.unscored
            unscored_max += child.unscored_max
        if section is not None and item.cap is not None:
            # The section's cap: its sum never goes above it, nor does its maximum.
            earned, maximum = min(earned, item.cap), min(maximum, item.cap)
            unscored_max = min(unscored_max, maximum)
        index = known.get((earned, maximum))
        if index is None:
            index = index_of(earned, maximum)
        nodes[item.code] = NodeFigures(
            item.code,
            earned,
            maximum,
            index,
            assessed,
            unscored,
            unscored_max,
            section or (item.method if item.method in (APPRAISAL, SURVEY) else APPRAISAL),
        )

    domains, extras = [], []
    total_earned, total_max = ZERO, ZERO
    extra_sums = {BONUS: bonus, DEDUCTION: deduction}
    for top, section in tree.tops:
        node = nodes[top.code]
        if section is None:
            domains.append(top.code)
            total_earned += node.earned
            total_max += node.max_points
        else:
            extras.append(top.code)
            extra_sums[section] += node.earned

    total = max(total_earned + extra_sums[BONUS] - extra_sums[DEDUCTION], ZERO)
    return UnitFigures(
        appraisal=sums[APPRAISAL][0],
        appraisal_max=sums[APPRAISAL][1],
        survey=sums[SURVEY][0],
        survey_max=sums[SURVEY][1],
        bonus=extra_sums[BONUS],
        deduction=extra_sums[DEDUCTION],
        total=total,
        max_points=total_max,
        index=ratio_index(min(total, total_max), total_max, index_of.rounding, index_of.decimals),
        nodes=nodes,
        domain_codes=tuple(domains),
        extra_codes=tuple(extras),
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


def mean(values: Sequence[Decimal], rounding: str = HALF_UP, decimals: int = 2) -> Decimal | None:
    """The mean of figures, rounded once to the year's decimals by its rule (None for none).

    The group's average, a domain's average and, after a merge, the predecessors' mean index
    (the figure the merged unit is compared with): mean([90.50, 85.25]) → 87.88 (87.875 half-up).
    """
    if not values:
        return None
    return round_figure(sum(values, ZERO) / len(values), rounding, decimals)


# --------------------------------------------------------------------------- real frameworks
# Items scored by rule from a measured value, and caps on classification (issue 13).

THRESHOLD = "threshold"
PROPORTIONAL = "proportional"
PER_OCCURRENCE = "per_occurrence"
YES_NO = "yes_no"
RULES = (THRESHOLD, PROPORTIONAL, PER_OCCURRENCE, YES_NO)

ITEM_ABOVE_ZERO = "item_above_zero"
ITEM_ZERO = "item_zero"
DOMAIN_BELOW = "domain_below"
CAP_KINDS = (ITEM_ABOVE_ZERO, ITEM_ZERO, DOMAIN_BELOW)


@dataclass(frozen=True)
class RuleSpec:
    """How an item's points follow from its measured value.

    threshold: `bounds` are (lower bound, points) pairs, one of them with bound 0; proportional:
    `target` > 0; per_occurrence: `k` points off the maximum per occurrence; yes_no: nothing.
    """

    kind: str
    bounds: tuple[tuple[Decimal, Decimal], ...] = ()
    target: Decimal | None = None
    k: Decimal | None = None


def rule_problems(rule: RuleSpec, maximum: Decimal) -> list[str]:
    """What is wrong with a rule on an item of `maximum` points, as keys the callers word:
    "unknown", "negative", "no_zero_bound", "duplicate_bound", "above_max", "target_zero",
    "k_missing". Empty: the rule is sound."""
    problems: list[str] = []
    if rule.kind not in RULES:
        return ["unknown"]
    if rule.kind == THRESHOLD:
        figures = [figure for pair in rule.bounds for figure in pair]
        if any(figure < ZERO for figure in figures):
            problems.append("negative")
        if not any(bound == ZERO for bound, _points in rule.bounds):
            problems.append("no_zero_bound")
        if len({bound for bound, _points in rule.bounds}) != len(rule.bounds):
            problems.append("duplicate_bound")
        if any(points > maximum for _bound, points in rule.bounds):
            problems.append("above_max")
    elif rule.kind == PROPORTIONAL:
        if rule.target is None or rule.target < ZERO:
            problems.append("negative")
        elif rule.target == ZERO:
            problems.append("target_zero")
    elif rule.kind == PER_OCCURRENCE:
        if rule.k is None:
            problems.append("k_missing")
        elif rule.k < ZERO:
            problems.append("negative")
    return problems


def value_problem(rule: RuleSpec, value: Decimal) -> str | None:
    """Why a measured value does not fit its rule, as a key ("negative", "not_whole",
    "not_yes_no"), or None. Values are never negative; per_occurrence counts are whole numbers;
    yes_no is 1 (đạt) or 0 (không đạt)."""
    if not value.is_finite() or value < ZERO:
        return "negative"
    if rule.kind == PER_OCCURRENCE and value != value.to_integral_value():
        return "not_whole"
    if rule.kind == YES_NO and value not in (ZERO, Decimal(1)):
        return "not_yes_no"
    return None


def rule_points(
    rule: RuleSpec,
    maximum: Decimal,
    value: Decimal,
    rounding: str = HALF_UP,
    decimals: int = 2,
    deduction: bool = False,
) -> Decimal:
    """The points a measured value earns by its rule, rounded at the item to the year's decimals
    by the year's rounding mode (the index is still rounded once, from the sums).

    On a deduction item (`deduction`), per_occurrence counts up: k × count points deducted, up
    to the item's maximum ("mỗi báo cáo chậm trừ 0,25 điểm"); the other rules read the same.

    threshold 80:1 50:0.5 0:0 → 85 → 1; 80 → 1; 79.99 → 0.5; 50 → 0.5; 49.9 → 0.
    proportional 100 of a 2-point item → 85 → 1.70; 120 → 2 (the value counts up to the target).
    per_occurrence 0.25 of a 1-point item → 3 late reports → 0.25; 5 → 0 (never below 0).
    yes_no → 1 (đạt) → the maximum; 0 → 0.
    Never above the maximum. A value the rule refuses (`value_problem`) raises ValueError.
    """
    problem = value_problem(rule, value)
    if problem is not None:
        raise ValueError(f"value {value} does not fit the rule: {problem}")
    if rule.kind == THRESHOLD:
        reached = [(bound, points) for bound, points in rule.bounds if value >= bound]
        if not reached:
            raise ValueError("a threshold table needs a bound of 0")
        exact = max(reached)[1]  # the points of the highest bound reached
    elif rule.kind == PROPORTIONAL:
        if rule.target is None or rule.target <= ZERO:
            raise ValueError("the target of a proportional rule is above 0")
        exact = maximum * min(value, rule.target) / rule.target
    elif rule.kind == PER_OCCURRENCE and deduction:
        exact = (rule.k or ZERO) * value
    elif rule.kind == PER_OCCURRENCE:
        exact = max(ZERO, maximum - (rule.k or ZERO) * value)
    elif rule.kind == YES_NO:
        exact = maximum if value == Decimal(1) else ZERO
    else:
        raise ValueError(f"unknown rule {rule.kind!r}")
    return round_figure(min(exact, maximum), rounding, decimals)


@dataclass(frozen=True)
class CapSpec:
    """A cap on classification: not above band `band_label` if the condition holds."""

    band_label: str
    kind: str
    code: str
    figure: Decimal | None = None


def cap_fires(cap: CapSpec, figures: UnitFigures, scores: Mapping[str, ScoreValue]) -> bool:
    """Whether a cap's condition holds for a unit.

    item_above_zero: the item's points that count are above 0; item_zero: they are exactly 0
    (an item not applicable or not scored yet never fires it); domain_below: the domain's
    (rounded) index is below the figure. An unknown kind fails loudly.
    """
    if cap.kind in (ITEM_ABOVE_ZERO, ITEM_ZERO):
        score = scores.get(cap.code)
        if score is None or score.not_applicable or score.points is None:
            return False
        return score.points > ZERO if cap.kind == ITEM_ABOVE_ZERO else score.points == ZERO
    if cap.kind == DOMAIN_BELOW:
        node = figures.nodes.get(cap.code)
        if node is None or cap.code not in figures.domain_codes or cap.figure is None:
            return False
        return node.index < cap.figure
    raise ValueError(f"unknown cap kind {cap.kind!r}")


@dataclass(frozen=True)
class Capped:
    """A classification after its caps: the band shown, the band the index alone reaches, and
    the caps that lowered it (every one, in the order given)."""

    band: BandSpec | None
    uncapped: BandSpec | None
    fired: tuple[CapSpec, ...] = ()

    @property
    def is_capped(self) -> bool:
        return bool(self.fired)


def classify_capped(
    index: Decimal,
    bands: Iterable[BandSpec],
    caps: Iterable[CapSpec],
    figures: UnitFigures,
    scores: Mapping[str, ScoreValue],
) -> Capped:
    """The band of an index (`classify`), lowered by every cap that fires and whose band is
    below it: the lowest of their bands wins, and each of them is a reason.

    Bands Tốt ≥ 92.5, Khá ≥ 80, Trung bình ≥ 65; caps "Khá: D.1 > 0" and "Trung bình: 2 < 50".
    Index 95 with 0.5 deducted at D.1 and domain 2 at 48 → Trung bình, both reasons; index 85
    with the same → Trung bình, only the second cap lowers it (Khá is not below Khá). A cap
    whose band is not among the bands is ignored (set_bands refuses it). Ranks stay by index.
    """
    bands = list(bands)
    uncapped = classify(index, bands)
    by_label = {band.label: band for band in bands}
    band = uncapped
    fired: list[CapSpec] = []
    for cap in caps:
        limit = by_label.get(cap.band_label)
        if limit is None or uncapped is None or limit.min_index >= uncapped.min_index:
            continue
        if cap_fires(cap, figures, scores):
            fired.append(cap)
            if band is None or limit.min_index < band.min_index:
                band = limit
    return Capped(band, uncapped, tuple(fired))


def band_above(label: str, bands: Iterable[BandSpec]) -> BandSpec | None:
    """The band just above the band named `label` (None at the top or for an unknown label):
    the band a cap "not above `label`" denies, named in its reason."""
    bands = list(bands)
    current = next((band for band in bands if band.label == label), None)
    if current is None:
        return None
    return next_band(current.min_index, bands)


# --------------------------------------------------------------------------- related indices
# Issue 19: the related indices (766, DTI, SIPAS, DDCI, PAPI, PCI) beside the PAR index. Their
# periods (a year, a quarter, a month, an ISO week), totals, index on the kind's scale, bands and
# ranks. Bands and ranks are the PAR index's own functions (`classify`, `rank`), rounding is
# `round_figure`, means after a merge are `mean`.

YEAR = "year"
QUARTER = "quarter"
MONTH = "month"
WEEK = "week"
PERIOD_KINDS = (YEAR, QUARTER, MONTH, WEEK)


@dataclass(frozen=True, order=True)
class Period:
    """A period of a related index: `2026`, `2026-Q3`, `2026-10` or the ISO week `2026-W42`.

    Ordered by its start date, so periods of one kind sort in time and periods of different kinds
    can share one time axis (`start`, `end`). `number` is the quarter, month or week (0 for a year).
    """

    start: datetime.date
    kind: str
    year: int
    number: int = 0

    @property
    def end(self) -> datetime.date:
        if self.kind == YEAR:
            return datetime.date(self.year, 12, 31)
        if self.kind == QUARTER:
            return _month_end(self.year, self.number * 3)
        if self.kind == MONTH:
            return _month_end(self.year, self.number)
        return self.start + datetime.timedelta(days=6)

    def __str__(self) -> str:
        if self.kind == YEAR:
            return f"{self.year}"
        if self.kind == QUARTER:
            return f"{self.year}-Q{self.number}"
        if self.kind == MONTH:
            return f"{self.year}-{self.number:02d}"
        return f"{self.year}-W{self.number:02d}"


def _month_end(year: int, month: int) -> datetime.date:
    first_of_next = datetime.date(year + month // 12, month % 12 + 1, 1)
    return first_of_next - datetime.timedelta(days=1)


_PERIOD_PATTERNS = {
    YEAR: re.compile(r"(\d{4})"),
    QUARTER: re.compile(r"(\d{4})-[Qq]([1-4])"),
    MONTH: re.compile(r"(\d{4})-(\d{1,2})"),
    WEEK: re.compile(r"(\d{4})-[Ww](\d{1,2})"),
}
PERIOD_FORMS = {YEAR: "2026", QUARTER: "2026-Q3", MONTH: "2026-10", WEEK: "2026-W42"}


def parse_period(text: str, kind: str) -> Period:
    """The period written as `text` in a kind of period, or ValueError with the expected form.

    parse_period("2026-10", MONTH) → October 2026 (1/10–31/10); parse_period("2026-W42", WEEK) →
    the ISO week 42 of 2026, Monday 12/10 to Sunday 18/10; parse_period("2026-W53", WEEK) is a
    week (2026 has 53 ISO weeks), "2027-W53" is not; parse_period("2026-Q3", QUARTER) → 1/7–30/9.
    A month written for a yearly index ("2026-10" as a YEAR) is refused, so a file of one kind
    cannot be filed under another.
    """
    if kind not in PERIOD_KINDS:
        raise ValueError(f"unknown period kind {kind!r}")
    match = _PERIOD_PATTERNS[kind].fullmatch(text.strip())
    if match is None:
        raise ValueError(f"expected a period like {PERIOD_FORMS[kind]}")
    year = int(match.group(1))
    number = int(match.group(2)) if kind != YEAR else 0
    if not 1900 <= year <= 2999:
        raise ValueError("year out of range")
    if kind == YEAR:
        return Period(datetime.date(year, 1, 1), kind, year)
    if kind == QUARTER:
        return Period(datetime.date(year, number * 3 - 2, 1), kind, year, number)
    if kind == MONTH:
        if not 1 <= number <= 12:
            raise ValueError("month out of range")
        return Period(datetime.date(year, number, 1), kind, year, number)
    try:
        start = datetime.date.fromisocalendar(year, number, 1)
    except ValueError:
        raise ValueError("ISO week out of range") from None
    return Period(start, kind, year, number)


def previous_period(period: Period) -> Period:
    """The period before: 2026 → 2025, 2026-Q1 → 2025-Q4, 2026-01 → 2025-12, 2026-W01 → the
    last ISO week of 2025 (2026-W01 starts on Monday 29/12/2025, so the week before is 2025-W52)."""
    if period.kind == YEAR:
        return parse_period(str(period.year - 1), YEAR)
    if period.kind == QUARTER:
        year, number = (
            (period.year, period.number - 1) if period.number > 1 else (period.year - 1, 4)
        )
        return Period(datetime.date(year, number * 3 - 2, 1), QUARTER, year, number)
    if period.kind == MONTH:
        year, number = (
            (period.year, period.number - 1) if period.number > 1 else (period.year - 1, 12)
        )
        return Period(datetime.date(year, number, 1), MONTH, year, number)
    start = period.start - datetime.timedelta(days=7)
    iso = start.isocalendar()
    return Period(start, WEEK, iso.year, iso.week)


def version_for(period: Period, starts: Iterable[Period]) -> Period | None:
    """Which version of a component tree (or which set of bands) applies to a period: the one
    whose first period is the latest not after it. Versions from 2025-01 and 2026-01: 2025-12 →
    2025-01, 2026-03 → 2026-01, 2024-12 → None (nothing applies yet)."""
    applicable = [start for start in starts if start.start <= period.start]
    return max(applicable) if applicable else None


def index_on_scale(
    total: Decimal, maximum: Decimal, scale: Decimal, rounding: str = HALF_UP
) -> Decimal:
    """A related index's figure on its kind's scale (100, 1,000, or 100 for a percentage): the
    total over the maximum of its component tree × the scale, rounded once (`round_figure`).

    With a tree whose maxima add up to the scale (766: 100; DTI: 1,000) it is the total itself:
    index_on_scale(912.5, 1000, 1000) → 912.50. A tree of 90 on a scale of 100 rebases it:
    index_on_scale(81, 90, 100) → 90.00. A maximum of 0 gives 0; the figure stays within the scale.
    """
    if maximum <= ZERO:
        return round_figure(ZERO, rounding)
    value = total if maximum == scale else total * scale / maximum
    return round_figure(min(max(value, ZERO), scale), rounding)


def component_total(points: Mapping[str, Decimal], maxima: Mapping[str, Decimal]) -> Decimal:
    """A unit's total in a period: the sum of its components' points, each kept within its
    maximum (a component not in the tree is the caller's error and raises KeyError)."""
    return sum((min(value, maxima[code]) for code, value in points.items()), ZERO)


def points_lost(maximum: Decimal, earned: Decimal) -> Decimal:
    """Points lost on one component of a related index: its maximum minus its points, never
    below 0 ("where points were lost" for the related indices, like `NodeFigures.lost`)."""
    return max(maximum - earned, ZERO)


def month_axis(first: datetime.date, last: datetime.date) -> list[tuple[int, int]]:
    """The months of a shared time axis from `first` to `last`, both included: (year, month).

    A chart that puts the PAR index (yearly), DTI (yearly) and 766 (monthly) on one axis places
    each figure on the month its period ends (`axis_month`): 2024 on 12/2024, 2026-Q3 on 09/2026,
    the ISO week 2026-W42 on 10/2026.
    """
    months: list[tuple[int, int]] = []
    year, month = first.year, first.month
    while (year, month) <= (last.year, last.month):
        months.append((year, month))
        year, month = (year, month + 1) if month < 12 else (year + 1, 1)
    return months


def axis_month(period: Period) -> tuple[int, int]:
    """The month on a shared time axis where a period's figure is drawn: the month it ends."""
    return (period.end.year, period.end.month)


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


# --------------------------------------------------------------------------- value sources (issue 19, the link)
# A rule item may take its measured value from a related index's component for a period; the
# framework file writes the link as "766:5@2026-12" (kind code, component code, period).

_SOURCE_PATTERN = re.compile(r"([A-Za-z0-9_-]+):([A-Za-z0-9_.-]+)@(\S+)")
_PERIOD_YEAR = re.compile(r"(\d{4})(.*)")


def parse_value_source(text: str) -> tuple[str, str, str] | None:
    """ "766:5@2026-12" → ("766", "5", "2026-12"); None when the text is not of that form
    (whether the kind, component and period exist is for the caller to ask)."""
    match = _SOURCE_PATTERN.fullmatch(text.strip())
    if match is None:
        return None
    return match.group(1), match.group(2), match.group(3)


def value_source_text(kind: str, component: str, period: str) -> str:
    """The file form of a link: ("766", "5", "2026-12") → "766:5@2026-12"; "" for no link."""
    return f"{kind}:{component}@{period}" if kind else ""


def shift_period_years(period: str, years: int) -> str:
    """A period written as text moved by whole years: "2026-12" + 1 → "2027-12", "2026" + 1 →
    "2027", "2026-Q4" + 1 → "2027-Q4", "2026-W42" + 1 → "2027-W42" (copy_year's rule)."""
    match = _PERIOD_YEAR.fullmatch(period)
    if match is None:
        return period
    return f"{int(match.group(1)) + years}{match.group(2)}"


def component_percent(points: Decimal, max_points: Decimal, decimals: int = 2) -> Decimal:
    """A component's points as a percentage of its maximum, the measured value a linked rule
    item takes: 17 of 20 → 85.00; 9.5 of 10 → 95.00; a maximum of 0 gives 0."""
    if max_points <= 0:
        return Decimal(0).quantize(quantum(decimals))
    return round_exact(_exact(points) * 100 / _exact(max_points), decimals, HALF_UP)
