"""A group's recompute (scores read as tuples, the units computed together by
`calculations.compute_units`, only the figures that moved written) stores exactly what the
straightforward computation gives: `compute_unit` on each unit's Score rows, `classify_capped`,
the cap reasons and `rank`, on a generated year with rule items, a bonus and a capped deduction
section, caps on classification, items not applicable and items not scored yet."""

from __future__ import annotations

import random
from decimal import Decimal as D

import pytest

from demo import synthetic
from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Band,
    BandCap,
    DomainResult,
    Item,
    Method,
    Result,
    Score,
    YearState,
)
from scoring.services.frameworks import CapRow, ItemRow, replace_framework, set_bands
from scoring.services.results import derive_rule_points, recompute_group
from scoring.services.scores import get_or_create_sheet
from scoring.specs import band_specs, cap_reasons, cap_specs, item_specs
from tests.factories import make_group, make_unit

EXTRA_ROWS = [
    ItemRow("1.99", "Tiêu chí có quy tắc", None),
    ItemRow("1.99.1", "Tỷ lệ hồ sơ đúng hạn", D(2), "appraisal", rule="threshold 90:2 70:1 0:0"),
    ItemRow("1.99.2", "Số sáng kiến", D(1), "appraisal", rule="per_occurrence 0.25"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("T.2", "Mô hình", D("1.5"), "bonus"),
    ItemRow("D", "Điểm trừ", D(2)),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
    ItemRow("D.2", "Vi phạm", D(2), "deduction", rule="yes_no"),
]
UNITS = 24


def generated_year(rounding: str, decimals: int) -> tuple[AssessmentYear, object]:
    year = AssessmentYear.objects.create(
        year=2026, state=YearState.PREPARING, rounding=rounding, decimals=decimals
    )
    group = make_group("SO")
    rows = synthetic.framework_rows(60, seed=3, group_code="SO")
    replace_framework(year, group, [*rows, *EXTRA_ROWS])
    set_bands(
        year,
        group,
        [("Xuất sắc", D(80)), ("Tốt", D(70)), ("Khá", D(50)), ("Yếu", D(0))],
        [
            CapRow("Khá", calc.ITEM_ABOVE_ZERO, "D.2", text="Khá:D.2>0"),
            CapRow("Khá", calc.DOMAIN_BELOW, "1", D(60), text="Khá:1<60"),
        ],
    )
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    year.refresh_from_db()
    rng = random.Random(20)
    items = list(Item.objects.filter(framework__year=year, is_scored=True))
    step = calc.quantum(decimals)
    for n in range(UNITS):
        sheet = get_or_create_sheet(make_unit(f"U{n:02d}"), year)
        scores = []
        for item in items:
            draw = rng.random()
            if draw < 0.05:
                continue  # not scored yet
            score = Score(sheet=sheet, item=item)
            if item.na_allowed and draw < 0.3:
                score.not_applicable = True
            elif item.rule:
                score.value = D(rng.choice([0, 1] if item.rule == calc.YES_NO else [0, 3, 75, 95]))
                derive_rule_points(score, item, year)
            else:
                # Mostly high marks, so that the caps on the top bands come into play.
                most = int(item.max_points / step)
                cents = rng.randint(most // 2 if n % 4 else 0, most)
                score.points = cents * step
            scores.append(score)
        Score.objects.bulk_create(scores)
    return year, group


def straightforward(year: AssessmentYear, group) -> dict[str, dict]:
    """Each unit's figures by `compute_unit` on its Score rows, one unit at a time."""
    items = list(Item.objects.filter(framework__year=year, framework__group=group))
    specs = item_specs(items)
    bands = list(Band.objects.filter(year=year, group=group))
    caps = cap_specs(BandCap.objects.filter(year=year, group=group))
    deductions = {item.code for item in items if item.method == Method.DEDUCTION}
    expected = {}
    for result in Result.objects.filter(year=year, group=group).select_related("unit"):
        values = {
            score.item.code: calc.ScoreValue(score.points, score.not_applicable)
            for score in Score.objects.filter(
                sheet__unit=result.unit, sheet__year=year
            ).select_related("item")
        }
        figures = calc.compute_unit(specs, values, year.rounding, decimals=year.decimals)
        capped = calc.classify_capped(figures.index, band_specs(bands), caps, figures, values)
        expected[result.unit.code] = {
            "appraisal": figures.appraisal,
            "survey": figures.survey,
            "bonus": figures.bonus,
            "deduction": figures.deduction,
            "total": figures.total,
            "max_points": figures.max_points,
            "index": figures.index,
            "band_label": capped.band.label if capped.band else "",
            "uncapped_label": capped.uncapped.label if capped.is_capped and capped.uncapped else "",
            "cap_reason": cap_reasons(capped.fired, band_specs(bands), deductions),
            "domains": [
                (node.code, node.earned, node.max_points, node.index) for node in figures.domains
            ],
        }
    ranks = calc.rank({code: figures["index"] for code, figures in expected.items()})
    for code, figures in expected.items():
        figures["rank"], figures["rank_of"] = ranks[code], len(expected)
    return expected


def stored(year: AssessmentYear, group) -> dict[str, dict]:
    stored = {}
    for result in Result.objects.filter(year=year, group=group).select_related("unit"):
        stored[result.unit.code] = {
            "appraisal": result.appraisal,
            "survey": result.survey,
            "bonus": result.bonus,
            "deduction": result.deduction,
            "total": result.total,
            "max_points": result.max_points,
            "index": result.index,
            "band_label": result.band_label,
            "uncapped_label": result.uncapped_label,
            "cap_reason": result.cap_reason,
            "domains": [
                (d.code, d.earned, d.max_points, d.index)
                for d in DomainResult.objects.filter(result=result).order_by("sort_key")
            ],
            "rank": result.rank,
            "rank_of": result.rank_of,
        }
    return stored


@pytest.mark.parametrize(("rounding", "decimals"), [("half_up", 2), ("truncate", 3)])
def test_a_groups_recompute_stores_what_compute_unit_gives_unit_by_unit(db, rounding, decimals):
    year, group = generated_year(rounding, decimals)

    recompute_group(year, group)

    expected = straightforward(year, group)
    assert len(expected) == UNITS
    assert stored(year, group) == expected
    # The generated year exercises what the fast path must get right.
    assert any(figures["cap_reason"] for figures in expected.values())
    assert any(figures["deduction"] and figures["bonus"] for figures in expected.values())


def test_a_recompute_of_some_units_after_a_change_writes_what_moved_and_nothing_else(db):
    year, group = generated_year("half_up", 2)
    recompute_group(year, group)
    untouched = dict(
        Result.objects.filter(year=year).exclude(unit__code="U03").values_list("id", "computed_at")
    )
    domain_ids = set(DomainResult.objects.values_list("id", flat=True))
    # U03 loses every point of domain 1 and gains the whole bonus: its figures, band and rank
    # move, and so may the others' ranks.
    Score.objects.filter(sheet__unit__code="U03", item__code__startswith="1.").update(
        points=D(0), not_applicable=False
    )
    Score.objects.filter(sheet__unit__code="U03", item__code__startswith="T.").update(points=D(1))
    year.refresh_from_db()
    version = year.results_version

    recompute_group(year, group, unit_ids=[Result.objects.get(unit__code="U03").unit_id])

    assert stored(year, group) == straightforward(year, group)
    year.refresh_from_db()
    assert year.results_version == version + 1
    # The other units' figures did not move: their rows were not rewritten (only ranks may).
    assert (
        dict(
            Result.objects.filter(year=year)
            .exclude(unit__code="U03")
            .values_list("id", "computed_at")
        )
        == untouched
    )
    # Domain rows are updated in place, not deleted and inserted again.
    assert set(DomainResult.objects.values_list("id", flat=True)) == domain_ids
