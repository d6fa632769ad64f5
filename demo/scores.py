"""The demo's scores: deterministic plausible points that hit each unit's index.

One seeded generator per unit and year; the published 2023 figures come out exactly.
"""

from __future__ import annotations

import random
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal

from demo.data import (
    COMMUNE_BASE,
    COMMUNE_SPREAD,
    EXACT_2023,
    EXACT_SPLIT,
    FIXED_NOT_APPLICABLE,
    INDEX_2023,
    INDEX_CEILINGS,
    INDEX_OVERRIDES,
    NOT_APPLICABLE_CHANCE,
    PINNED_POINTS,
    PINNED_REASONS,
    REASON_HIGHER,
    REASONS_LOWER,
    YEAR_TREND,
)
from scoring import calculations as calc
from scoring.models import Item, Method


def cents(value: str) -> int:
    return int(Decimal(value) * 100)


def points(value: int | None) -> Decimal | None:
    """Whole hundredths → Decimal points with two places."""
    return None if value is None else (Decimal(value) / 100).quantize(calc.CENT)


def base_index(unit_code: str) -> int:
    """The unit's index around which its years vary (hundredths): its 2023 figure; for the new
    department, the mean of the two it came from; for a commune, a seeded draw."""
    if unit_code in INDEX_2023:
        return cents(INDEX_2023[unit_code])
    if unit_code == "SO-NNMT":
        return (cents(INDEX_2023["SO-NNPTNT"]) + cents(INDEX_2023["SO-TNMT"])) // 2
    draw = random.Random(f"cchc-demo-commune:{unit_code}")  # noqa: S311 - sample data
    return COMMUNE_BASE + draw.randint(-COMMUNE_SPREAD, COMMUNE_SPREAD)


def target_index(group_code: str, unit_code: str, year: int, rng: random.Random) -> int:
    """The unit's index in a year, in hundredths of a percent."""
    base = base_index(unit_code)
    if year == 2023:
        return base
    if (year, unit_code) in INDEX_OVERRIDES:
        return INDEX_OVERRIDES[year, unit_code]
    value = base + YEAR_TREND[group_code][year] + rng.randint(-150, 150)
    value = min(value, INDEX_CEILINGS.get((year, group_code), 9850))
    return max(value, 6000)


def is_exact(year: int, unit_code: str) -> bool:
    return (
        (year == 2023 and unit_code in EXACT_2023)
        or (year, unit_code) in INDEX_OVERRIDES
        or (year, unit_code) in EXACT_SPLIT
    )


def spread(
    maxima: Sequence[int],
    target: int,
    rng: random.Random,
    *,
    survey: bool,
    prefer: frozenset[int] = frozenset(),
) -> list[int]:
    """Points (whole hundredths) within 0..max for each item, summing exactly to `target`.

    Appraisal items start at full marks and lose points in quarter-point steps (a residue under a
    quarter goes to an item in `prefer`, the ratio-based ones, if it can); survey items start near
    the common ratio with some spread, then move by a few hundredths until the sum is exact.
    """
    total = sum(maxima)
    if not 0 <= target <= total:
        raise ValueError(f"target {target} outside 0..{total}")
    if survey:
        ratio = target / total if total else 0
        values = [min(m, max(0, round(m * ratio * (1 + rng.uniform(-0.06, 0.06))))) for m in maxima]
    else:
        values = list(maxima)
    diff = target - sum(values)
    while diff:
        if diff > 0:
            candidates = [i for i, m in enumerate(maxima) if values[i] < m]
        else:
            candidates = [i for i in range(len(maxima)) if values[i] > 0]
        room = {i: (maxima[i] - values[i]) if diff > 0 else values[i] for i in candidates}
        if survey:
            step = rng.randint(1, 20)
        elif abs(diff) >= 25:
            step = 25 * rng.choice((1, 1, 2, 2, 4))
            candidates = [i for i in candidates if room[i] >= 25] or candidates
        else:
            step = abs(diff)
            candidates = [i for i in candidates if i in prefer and room[i] >= step] or candidates
        i = rng.choice(candidates)
        amount = min(abs(diff), room[i], step)
        values[i] += amount if diff > 0 else -amount
        diff += -amount if diff > 0 else amount
    return values


@dataclass
class UnitYearScores:
    """The generated scores of one unit in one year (hundredths; None = not applicable)."""

    points: dict[str, int | None]
    self_points: dict[str, int | None]
    reasons: dict[str, str]


def generate_scores(
    group_code: str, unit_code: str, year: int, items: Sequence[Item]
) -> UnitYearScores:
    """Deterministic plausible scores hitting the unit's index (and split, where published)."""
    rng = random.Random(f"cchc-demo:{year}:{unit_code}")  # noqa: S311 - sample data, not secrets
    index = target_index(group_code, unit_code, year, rng)
    scored = [item for item in items if item.is_scored]
    fixed_na = FIXED_NOT_APPLICABLE.get(unit_code, set())
    not_applicable = set()
    if not is_exact(year, unit_code):
        for item in scored:
            if item.na_allowed and (item.code in fixed_na or rng.random() < NOT_APPLICABLE_CHANCE):
                not_applicable.add(item.code)
    pinned = {
        code: cents(value) for code, value in PINNED_POINTS.get((year, unit_code), {}).items()
    }
    appraisal = [i for i in scored if i.method == Method.APPRAISAL and i.code not in not_applicable]
    survey = [i for i in scored if i.method == Method.SURVEY]
    appraisal_max = sum(cents(str(i.max_points)) for i in appraisal)
    survey_max = sum(cents(str(i.max_points)) for i in survey)
    applicable_max = appraisal_max + survey_max

    if (year, unit_code) in EXACT_SPLIT:
        appraisal_target, survey_target = (cents(v) for v in EXACT_SPLIT[year, unit_code])
    else:
        # total ÷ applicable max, rounded half-up, gives back the index.
        total = (index * applicable_max * 2 + 10000) // 20000
        survey_target = round(total * survey_max / applicable_max * rng.uniform(0.96, 1.04))
        survey_target = max(min(survey_target, survey_max), total - appraisal_max)
        appraisal_target = total - survey_target

    earned: dict[str, int] = {}  # the points of the items scored (not those not applicable)
    for group, target, is_survey in (
        (appraisal, appraisal_target, False),
        (survey, survey_target, True),
    ):
        free = [item for item in group if item.code not in pinned]
        target -= sum(pinned.get(item.code, 0) for item in group)
        maxima = [cents(str(item.max_points)) for item in free]
        prefer = frozenset(
            n for n, item in enumerate(free) if item.name.startswith(("Tỷ lệ", "Mức độ"))
        )
        for item, value in zip(
            free, spread(maxima, target, rng, survey=is_survey, prefer=prefer), strict=True
        ):
            earned[item.code] = value
        for item in group:
            if item.code in pinned:
                earned[item.code] = pinned[item.code]
    values: dict[str, int | None] = {**dict.fromkeys(not_applicable), **earned}

    self_points: dict[str, int | None] = {}
    reasons: dict[str, str] = {}
    for item in appraisal:
        value, maximum = earned[item.code], cents(str(item.max_points))
        if item.code in pinned:
            claim = maximum
        elif value < maximum:
            draw = rng.random()
            if draw < 0.4:
                claim = maximum
            elif draw < 0.6:
                half = (maximum - value) // 50 * 25  # half the loss, in quarter points
                claim = value + half if half else maximum
            else:
                claim = value
        elif maximum >= 50 and rng.random() < 0.015:
            claim = maximum - 25
        else:
            claim = maximum
        self_points[item.code] = claim
        if claim > value:
            reason = PINNED_REASONS.get(item.code) if item.code in pinned else None
            reasons[item.code] = reason or rng.choice(REASONS_LOWER)
        elif claim < value:
            reasons[item.code] = REASON_HIGHER
    return UnitYearScores(points=values, self_points=self_points, reasons=reasons)
