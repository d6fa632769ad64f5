"""Synthetic provinces for benchmarks and scale tests: deterministic, in bulk, without history.

    generate(units=100, years=10)                  # a province: 100 units × 10 years
    generate(units=1000, years=10, prefix="VN")    # a country: 1 000 units, 1,5 million scores

Everything follows from the arguments and the seed (the same call writes the same rows): unit
groups of at most `group_size` units, `years` assessment years ending with `last_year` (all
published but the last, which is being appraised), a framework per year and group of 8 domains
with `items` scored items (appraisal 70 + survey 30 points), bands, one submitted sheet per unit
and year with every item scored, and the results, through `services.recompute_group` (the one
path that writes results). Scores are written with `bulk_create` in batches: no history rows, as
for any bulk load. Codes start with `prefix`, so a synthetic province is easy to tell apart.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass
from decimal import Decimal

from django.db import transaction
from django.utils.translation import gettext as _

from scoring.models import (
    AssessmentYear,
    Band,
    Framework,
    Item,
    Method,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.services.frameworks import ItemRow, build_items
from scoring.services.results import recompute_group
from units.models import Unit, UnitGroup

DOMAINS = [
    "Công tác chỉ đạo, điều hành cải cách hành chính",
    "Cải cách thể chế",
    "Cải cách thủ tục hành chính",
    "Cải cách tổ chức bộ máy hành chính nhà nước",
    "Cải cách chế độ công vụ",
    "Cải cách tài chính công",
    "Xây dựng và phát triển chính quyền điện tử, chính quyền số",
]
SURVEY_DOMAIN = "Mức độ hài lòng của người dân, tổ chức (điều tra xã hội học)"
BANDS = [
    ("Xuất sắc", Decimal("95")),
    ("Tốt", Decimal("85")),
    ("Khá", Decimal("70")),
    ("Trung bình", Decimal("50")),
    ("Yếu", Decimal("0")),
]
APPRAISAL_CENTS, SURVEY_CENTS = 7000, 3000
# Decimals for 0.00 … 100.00, built once: a country is 1,5 million scores.
CENTS = [Decimal(cents).scaleb(-2) for cents in range(10001)]
SHEETS_PER_BATCH = 50


class SyntheticError(Exception):
    pass


@dataclass(frozen=True)
class Summary:
    groups: int
    units: int
    years: int
    items: int
    sheets: int
    scores: int
    results: int


def rng_for(seed: int, *parts) -> random.Random:
    return random.Random(":".join(str(p) for p in (seed, *parts)))  # noqa: S311 - not crypto


def split_cents(total: int, count: int, rng: random.Random) -> list[int]:
    """`total` cents over `count` items, uneven but each at least a quarter point when possible,
    in quarter points when they divide evenly (like a real framework), summing exactly."""
    unit = 25 if total // 25 >= count else 1
    weights = [rng.choice((2, 2, 3, 4, 4, 6, 8)) for _ in range(count)]
    slots = total // unit
    extra = slots - count  # every item gets one slot, the rest by weight
    shares = [extra * w / sum(weights) for w in weights]
    counts = [1 + int(share) for share in shares]
    # Largest remainders take the slots left over by rounding down.
    left = slots - sum(counts)
    order = sorted(range(count), key=lambda i: (-(shares[i] - int(shares[i])), i))
    for i in order[:left]:
        counts[i] += 1
    return [c * unit for c in counts]


def framework_rows(items: int, seed: int, group_code: str) -> list[ItemRow]:
    """Domain → criterion → sub-criterion, `items` scored items: 7 appraisal domains (70 points)
    and one survey domain (30 points)."""
    rng = rng_for(seed, "framework", group_code)
    survey_items = max(1, items // 8)
    appraisal_items = max(len(DOMAINS), items - survey_items)
    per_domain = [appraisal_items // len(DOMAINS)] * len(DOMAINS)
    for i in range(appraisal_items % len(DOMAINS)):
        per_domain[i] += 1
    leaves: list[tuple[int, str]] = []  # (domain number, method)
    for number, count in enumerate(per_domain, start=1):
        leaves += [(number, Method.APPRAISAL)] * count
    leaves += [(len(DOMAINS) + 1, Method.SURVEY)] * survey_items
    appraisal_max = iter(split_cents(APPRAISAL_CENTS, appraisal_items, rng))
    survey_max = iter(split_cents(SURVEY_CENTS, survey_items, rng))

    rows: list[ItemRow] = []
    for number, name in enumerate([*DOMAINS, SURVEY_DOMAIN], start=1):
        rows.append(ItemRow(str(number), name, None))
        domain_leaves = [method for d, method in leaves if d == number]
        criterion, position = 0, 0
        while position < len(domain_leaves):
            criterion += 1
            size = min(rng.randint(2, 5), len(domain_leaves) - position)
            code = f"{number}.{criterion}"
            rows.append(ItemRow(code, f"Tiêu chí {code}", None))
            for sub in range(1, size + 1):
                method = domain_leaves[position]
                cents = next(appraisal_max if method == Method.APPRAISAL else survey_max)
                rows.append(
                    ItemRow(
                        f"{code}.{sub}",
                        f"Tiêu chí thành phần {code}.{sub}",
                        CENTS[cents],
                        method,
                        # Procedures items may not apply to a unit (no administrative procedures).
                        na_allowed=method == Method.APPRAISAL and number == 3 and sub == 1,
                    )
                )
                position += 1
    return rows


def unit_level(seed: int, code: str) -> float:
    """How well a unit does, as a share of the maximum (0.62–0.97)."""
    return rng_for(seed, "unit", code).uniform(0.62, 0.97)


def generate(
    *,
    units: int = 100,
    years: int = 10,
    items: int = 150,
    prefix: str = "SYN",
    last_year: int = 2025,
    group_size: int = 100,
    seed: int = 2025,
    progress: Callable[[str], None] | None = None,
) -> Summary:
    """Write a synthetic province (see the module docstring); refused if its years or codes exist."""
    if units < 1 or years < 1 or items < 1 or group_size < 1:
        raise SyntheticError(_("Số đơn vị, số năm, số tiêu chí và cỡ khối phải lớn hơn 0."))
    numbers = list(range(last_year - years + 1, last_year + 1))
    taken = list(AssessmentYear.objects.filter(year__in=numbers).values_list("year", flat=True))
    if taken:
        raise SyntheticError(
            _("Đã có năm %(years)s: hãy dùng một cơ sở dữ liệu trống hoặc --last-year khác.")
            % {"years": ", ".join(str(y) for y in sorted(taken))}
        )
    if Unit.objects.filter(code__startswith=f"{prefix}-").exists():
        raise SyntheticError(
            _("Đã có đơn vị mã %(prefix)s-…: hãy chọn --prefix khác.") % {"prefix": prefix}
        )
    say = progress or (lambda message: None)

    with transaction.atomic():
        groups = _groups(units, group_size, prefix)
        unit_rows = _units(units, group_size, prefix, groups)
    scores = sheets = results = 0
    for number in numbers:
        # One transaction per year: a country's year is 150 000 scores.
        with transaction.atomic():
            year = AssessmentYear.objects.create(
                year=number,
                state=YearState.PUBLISHED if number != last_year else YearState.APPRAISAL,
                owner_name=_("Tỉnh %(prefix)s (dữ liệu tổng hợp)") % {"prefix": prefix},
            )
            items_by_group = {}
            for group in groups:
                framework = Framework.objects.create(year=year, group=group)
                built = build_items(framework, framework_rows(items, seed, group.code))
                items_by_group[group.id] = [item for item in built if item.is_scored]
            Band.objects.bulk_create(
                [
                    Band(year=year, group=group, label=label, min_index=minimum)
                    for group in groups
                    for label, minimum in BANDS
                ]
            )
            year_sheets = Sheet.objects.bulk_create(
                [Sheet(unit=unit, year=year, state=SheetState.SUBMITTED) for unit in unit_rows]
            )
            sheets += len(year_sheets)
            for start in range(0, len(year_sheets), SHEETS_PER_BATCH):
                batch = []
                for sheet in year_sheets[start : start + SHEETS_PER_BATCH]:
                    batch += _scores(sheet, items_by_group[sheet.unit.group_id], number, seed)
                Score.objects.bulk_create(batch, batch_size=5000)
                scores += len(batch)
            for group in groups:
                results += len(recompute_group(year, group))
        say(_("Năm %(year)s: %(scores)s điểm.") % {"year": number, "scores": scores})
    return Summary(
        groups=len(groups),
        units=len(unit_rows),
        years=len(numbers),
        items=items,
        sheets=sheets,
        scores=scores,
        results=results,
    )


def _groups(units: int, group_size: int, prefix: str) -> list[UnitGroup]:
    count = -(-units // group_size)
    return list(
        UnitGroup.objects.bulk_create(
            [
                UnitGroup(
                    code=f"{prefix}-K{number:02d}",
                    name=_("Khối %(number)s") % {"number": number},
                    order=100 + number,
                )
                for number in range(1, count + 1)
            ]
        )
    )


def _units(units: int, group_size: int, prefix: str, groups: list[UnitGroup]) -> list[Unit]:
    return list(
        Unit.objects.bulk_create(
            [
                Unit(
                    code=f"{prefix}-{number:04d}",
                    name=_("Đơn vị %(prefix)s số %(number)s")
                    % {"prefix": prefix, "number": number},
                    group=groups[(number - 1) // group_size],
                )
                for number in range(1, units + 1)
            ]
        )
    )


def _scores(sheet: Sheet, items: list[Item], year: int, seed: int) -> list[Score]:
    """Every scored item of a sheet: appraised points around the unit's level (improving a little
    each year), the unit's claim at or above them, a few items not applicable."""
    rng = rng_for(seed, "sheet", sheet.unit.code, year)
    level = min(0.99, unit_level(seed, sheet.unit.code) + (year % 100) * 0.002)
    scores = []
    for item in items:
        if item.na_allowed and rng.random() < 0.1:
            scores.append(Score(sheet=sheet, item=item, not_applicable=True))
            continue
        maximum = int(item.max_points * 100)
        share = min(1.0, max(0.0, rng.gauss(level, 0.12)))
        points = round(maximum * share)
        claim = None
        reason = ""
        if item.method == Method.APPRAISAL:
            claim = points if rng.random() < 0.7 else min(maximum, points + rng.randint(1, 50))
            if claim != points:
                reason = "Tài liệu kiểm chứng chưa đầy đủ."
        scores.append(
            Score(
                sheet=sheet,
                item=item,
                self_points=None if claim is None else CENTS[claim],
                points=CENTS[points],
                reason=reason,
            )
        )
    return scores
