"""The synthetic provinces of the benchmarks (demo/synthetic.py, `generate_data`)."""

from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.db import transaction

from demo import synthetic
from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Method, Result, Score, Sheet, YearState
from scoring.specs import item_specs
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db


def every_score() -> list[tuple]:
    return sorted(
        Score.objects.values_list(
            "sheet__unit__code",
            "sheet__year__year",
            "item__code",
            "self_points",
            "points",
            "not_applicable",
        )
    )


class TestAProvince:
    @pytest.fixture(autouse=True)
    def province(self, db):
        self.summary = synthetic.generate(units=5, years=3, items=30, group_size=2, prefix="T")

    def test_it_writes_units_in_groups_of_the_given_size(self):
        assert self.summary == synthetic.Summary(
            groups=3, units=5, years=3, items=30, sheets=15, scores=450, results=15
        )
        assert list(
            UnitGroup.objects.filter(code__startswith="T-").values_list("code", flat=True)
        ) == [
            "T-K01",
            "T-K02",
            "T-K03",
        ]
        assert list(Unit.objects.filter(group__code="T-K02").values_list("code", flat=True)) == [
            "T-0003",
            "T-0004",
        ]

    def test_every_year_but_the_last_is_published(self):
        assert list(AssessmentYear.objects.order_by("year").values_list("year", "state")) == [
            (2023, YearState.PUBLISHED),
            (2024, YearState.PUBLISHED),
            (2025, YearState.APPRAISAL),
        ]

    def test_each_framework_has_the_scored_items_asked_for_appraisal_70_and_survey_30(self):
        items = list(
            Item.objects.filter(framework__year__year=2024, framework__group__code="T-K01")
        )
        scored = [item for item in items if item.is_scored]
        assert len(scored) == 30
        assert [item.code for item in items if item.parent_id is None] == [
            str(n) for n in range(1, 9)
        ]
        figures = calc.compute_unit(item_specs(items), {})
        assert (figures.appraisal_max, figures.survey_max) == (D("70.00"), D("30.00"))
        assert {item.method for item in scored if item.code.startswith("8.")} == {Method.SURVEY}

    def test_every_item_of_every_sheet_is_scored_without_history(self):
        assert Sheet.objects.count() == 15
        assert Score.objects.count() == 15 * 30
        assert Score.history.count() == 0
        assert not Score.objects.filter(points__isnull=True, not_applicable=False).exists()

    def test_results_are_the_services_figures_from_the_stored_scores(self):
        result = Result.objects.select_related("year").get(unit__code="T-0001", year__year=2024)
        items = list(
            Item.objects.filter(framework__year__year=2024, framework__group__code="T-K01")
        )
        code = {item.id: item.code for item in items}
        values = {
            code[s.item_id]: calc.ScoreValue(s.points, s.not_applicable)
            for s in Score.objects.filter(sheet__unit__code="T-0001", sheet__year__year=2024)
        }
        figures = calc.compute_unit(item_specs(items), values, result.year.rounding)
        assert (result.total, result.index) == (figures.total, figures.index)
        assert result.rank_of == 2
        assert Result.objects.count() == 15

    def test_it_refuses_years_that_exist(self):
        with pytest.raises(synthetic.SyntheticError, match="Đã có năm 2023, 2024, 2025"):
            synthetic.generate(units=1, years=3, prefix="U")


def test_the_same_arguments_write_the_same_scores(db):
    with transaction.atomic():
        synthetic.generate(units=3, years=2, items=12)
        first = every_score()
        transaction.set_rollback(True)
    synthetic.generate(units=3, years=2, items=12)
    assert every_score() == first
    assert len(first) == 72


def test_another_seed_writes_other_scores(db):
    with transaction.atomic():
        synthetic.generate(units=3, years=2, items=12)
        first = every_score()
        transaction.set_rollback(True)
    synthetic.generate(units=3, years=2, items=12, seed=7)
    assert every_score() != first


def test_the_maxima_split_into_quarter_points_that_add_up_exactly():
    rng = synthetic.rng_for(1, "test")
    shares = synthetic.split_cents(7000, 131, rng)
    assert sum(shares) == 7000
    assert all(share >= 25 and share % 25 == 0 for share in shares)
    assert sum(synthetic.split_cents(3000, 400, rng)) == 3000  # cents when quarters run out


def test_the_command_reports_what_it_wrote(db, capsys):
    call_command("generate_data", "--units", "2", "--years", "1", "--items", "10", "--prefix", "C")
    out = capsys.readouterr().out
    assert out.startswith("Đã tạo 1 khối, 2 đơn vị, 1 năm, 2 phiếu, 20 điểm, 2 kết quả; mất ")
