"""Real provincial frameworks in scoring/calculations.py: the four rules (on a bound and just
under, both rounding modes, two and three decimals), bonus and deduction sections with their
caps, the total never below 0, points lost, and caps on classification."""

from decimal import Decimal as D

import pytest

from scoring import calculations as calc
from scoring.calculations import BandSpec, CapSpec, ItemSpec, RuleSpec, ScoreValue

THRESHOLD = RuleSpec(calc.THRESHOLD, bounds=((D(80), D(1)), (D(50), D("0.5")), (D(0), D(0))))


class TestThreshold:
    @pytest.mark.parametrize(
        "value, expected",
        [
            ("100", "1"),
            ("80", "1"),  # exactly on the bound
            ("79.999", "0.5"),  # just under
            ("50", "0.5"),
            ("49.99", "0"),
            ("0", "0"),
        ],
    )
    def test_the_points_are_those_of_the_highest_bound_reached(self, value, expected):
        assert calc.rule_points(THRESHOLD, D(1), D(value)) == D(expected)

    def test_the_order_of_the_table_does_not_matter(self):
        shuffled = RuleSpec(calc.THRESHOLD, bounds=tuple(reversed(THRESHOLD.bounds)))
        assert calc.rule_points(shuffled, D(1), D(65)) == D("0.5")

    def test_a_table_without_a_zero_bound_is_a_problem_and_never_implies_zero(self):
        rule = RuleSpec(calc.THRESHOLD, bounds=((D(80), D(1)),))
        assert "no_zero_bound" in calc.rule_problems(rule, D(1))
        with pytest.raises(ValueError, match="bound of 0"):
            calc.rule_points(rule, D(1), D(10))

    def test_points_above_the_maximum_negative_and_repeated_bounds_are_problems(self):
        rule = RuleSpec(calc.THRESHOLD, bounds=((D(80), D(2)), (D(80), D(1)), (D(-1), D(0))))
        assert set(calc.rule_problems(rule, D(1))) == {
            "above_max",
            "duplicate_bound",
            "negative",
            "no_zero_bound",
        }
        assert calc.rule_problems(THRESHOLD, D(1)) == []


class TestProportional:
    RULE = RuleSpec(calc.PROPORTIONAL, target=D(100))

    @pytest.mark.parametrize(
        "value, expected",
        [("100", "2.00"), ("120", "2.00"), ("85", "1.70"), ("0", "0.00"), ("33.335", "0.67")],
    )
    def test_points_are_the_maximum_times_the_share_of_the_target(self, value, expected):
        assert calc.rule_points(self.RULE, D(2), D(value)) == D(expected)

    def test_a_target_of_zero_or_below_is_a_problem(self):
        assert calc.rule_problems(RuleSpec(calc.PROPORTIONAL, target=D(0)), D(1)) == ["target_zero"]
        assert calc.rule_problems(RuleSpec(calc.PROPORTIONAL, target=D(-5)), D(1)) == ["negative"]

    @pytest.mark.parametrize(
        "rounding, decimals, expected",
        [
            # 1 × 2 ÷ 3 = 0.6666…
            (calc.HALF_UP, 2, "0.67"),
            (calc.TRUNCATE, 2, "0.66"),
            (calc.HALF_UP, 3, "0.667"),
            (calc.TRUNCATE, 3, "0.666"),
        ],
    )
    def test_points_are_rounded_at_the_item_by_the_years_rule(self, rounding, decimals, expected):
        rule = RuleSpec(calc.PROPORTIONAL, target=D(3))
        assert calc.rule_points(rule, D(1), D(2), rounding, decimals) == D(expected)

    def test_a_half_on_the_last_place_goes_up_or_is_cut(self):
        rule = RuleSpec(calc.PROPORTIONAL, target=D(1000))
        # 1 × 5 ÷ 1000 = 0.005 (two decimals); 0.1 × 5 ÷ 1000 = 0.0005 (three)
        assert calc.rule_points(rule, D(1), D(5), calc.HALF_UP, 2) == D("0.01")
        assert calc.rule_points(rule, D(1), D(5), calc.TRUNCATE, 2) == D("0.00")
        assert calc.rule_points(rule, D("0.1"), D(5), calc.HALF_UP, 3) == D("0.001")
        assert calc.rule_points(rule, D("0.1"), D(5), calc.TRUNCATE, 3) == D("0.000")


class TestPerOccurrence:
    RULE = RuleSpec(calc.PER_OCCURRENCE, k=D("0.25"))

    @pytest.mark.parametrize(
        "count, expected", [("0", "1"), ("1", "0.75"), ("3", "0.25"), ("4", "0"), ("9", "0")]
    )
    def test_each_occurrence_takes_k_off_the_maximum_never_below_zero(self, count, expected):
        assert calc.rule_points(self.RULE, D(1), D(count)) == D(expected)

    def test_a_count_is_a_whole_number(self):
        assert calc.value_problem(self.RULE, D("1.5")) == "not_whole"
        assert calc.value_problem(self.RULE, D("2.0")) is None
        with pytest.raises(ValueError, match="not_whole"):
            calc.rule_points(self.RULE, D(1), D("1.5"))

    @pytest.mark.parametrize("count, expected", [("0", "0"), ("1", "0.25"), ("4", "1"), ("9", "1")])
    def test_on_a_deduction_item_each_occurrence_deducts_k_up_to_the_maximum(self, count, expected):
        assert calc.rule_points(self.RULE, D(1), D(count), deduction=True) == D(expected)

    def test_a_negative_k_is_a_problem(self):
        assert calc.rule_problems(RuleSpec(calc.PER_OCCURRENCE, k=D("-0.5")), D(1)) == ["negative"]


class TestYesNo:
    RULE = RuleSpec(calc.YES_NO)

    def test_dat_is_the_maximum_and_khong_dat_is_zero(self):
        assert calc.rule_points(self.RULE, D("1.5"), D(1)) == D("1.5")
        assert calc.rule_points(self.RULE, D("1.5"), D(0)) == D(0)

    def test_anything_else_is_refused(self):
        assert calc.value_problem(self.RULE, D(2)) == "not_yes_no"
        assert calc.value_problem(self.RULE, D("0.5")) == "not_yes_no"


def test_values_are_never_negative_whatever_the_rule():
    for rule in (THRESHOLD, TestProportional.RULE, TestPerOccurrence.RULE, TestYesNo.RULE):
        assert calc.value_problem(rule, D("-1")) == "negative"
        with pytest.raises(ValueError):
            calc.rule_points(rule, D(1), D("-1"))


def test_an_unknown_rule_is_a_problem():
    assert calc.rule_problems(RuleSpec("percent"), D(1)) == ["unknown"]


# --------------------------------------------------------------------------- bonus and deduction


def framework(deduction_cap=None, bonus_cap=None) -> list[ItemSpec]:
    """70 appraisal points (domain 1), 30 survey points (domain 2), a bonus section T (two
    items of 1) and a deduction section D (D.1 of 3, D.2 of 2)."""
    return [
        ItemSpec("1", D(70), None, False),
        ItemSpec("1.1", D(70), "1"),
        ItemSpec("2", D(30), None, False, calc.SURVEY),
        ItemSpec("2.1", D(30), "2", method=calc.SURVEY),
        ItemSpec("T", D(2), None, False, calc.BONUS, cap=bonus_cap),
        ItemSpec("T.1", D(1), "T", method=calc.BONUS),
        ItemSpec("T.2", D(1), "T", method=calc.BONUS),
        ItemSpec("D", D(5), None, False, calc.DEDUCTION, cap=deduction_cap),
        ItemSpec("D.1", D(3), "D", method=calc.DEDUCTION),
        ItemSpec("D.2", D(2), "D", method=calc.DEDUCTION),
    ]


def scores(**by_code) -> dict[str, ScoreValue]:
    return {code.replace("_", "."): ScoreValue(D(value)) for code, value in by_code.items()}


class TestBonusAndDeduction:
    def test_total_is_appraisal_plus_survey_plus_bonus_minus_deduction(self):
        figures = calc.compute_unit(
            framework(), scores(**{"1_1": "65.81", "2_1": "26.22", "T_1": "1", "D_1": "0.5"})
        )
        assert (figures.appraisal, figures.survey) == (D("65.81"), D("26.22"))
        assert (figures.bonus, figures.deduction) == (D(1), D("0.5"))
        assert figures.total == D("92.53")
        assert figures.max_points == D(100)  # appraisal and survey only
        assert figures.index == D("92.53")
        assert figures.domain_codes == ("1", "2")
        assert figures.extra_codes == ("T", "D")

    def test_a_section_cap_holds_its_sum(self):
        figures = calc.compute_unit(
            framework(deduction_cap=D(2)), scores(**{"1_1": "70", "D_1": "3", "D_2": "2"})
        )
        assert figures.deduction == D(2)
        assert figures.nodes["D"].earned == D(2)
        assert figures.total == D(68)

    def test_a_deduction_larger_than_the_total_leaves_zero(self):
        figures = calc.compute_unit(framework(), scores(**{"1_1": "2", "D_1": "3", "D_2": "2"}))
        assert figures.total == D(0)
        assert figures.index == D("0.00")

    def test_a_bonus_may_take_the_total_above_the_maximum_but_the_index_stays_at_100(self):
        figures = calc.compute_unit(
            framework(), scores(**{"1_1": "70", "2_1": "30", "T_1": "1", "T_2": "1"})
        )
        assert figures.total == D(102)
        assert figures.index == D("100.00")

    def test_an_item_point_above_its_maximum_counts_as_the_maximum(self):
        figures = calc.compute_unit(framework(), scores(**{"D_1": "9"}))
        assert figures.deduction == D(3)

    def test_a_deduction_is_points_lost_on_its_item_and_a_bonus_never(self):
        figures = calc.compute_unit(
            framework(), scores(**{"1_1": "60", "2_1": "30", "T_1": "1", "T_2": "0", "D_1": "0.5"})
        )
        assert figures.nodes["D.1"].lost == D("0.5")
        assert figures.nodes["T.2"].lost == D(0)
        assert figures.nodes["T"].lost == D(0)
        assert figures.lost == D("10.5")  # 10 in domain 1, 0.5 deducted

    def test_sections_have_no_domain_index_in_the_domains(self):
        figures = calc.compute_unit(framework(), {})
        assert [node.code for node in figures.domains] == ["1", "2"]
        assert [node.code for node in figures.sections] == ["T", "D"]

    @pytest.mark.parametrize(
        "rounding, decimals, expected",
        [
            (calc.HALF_UP, 2, "91.65"),
            (calc.TRUNCATE, 2, "91.65"),
            (calc.HALF_UP, 3, "91.651"),
            (calc.TRUNCATE, 3, "91.651"),
        ],
    )
    def test_three_decimals_in_the_index(self, rounding, decimals, expected):
        figures = calc.compute_unit(
            framework(), scores(**{"1_1": "65.651", "2_1": "26"}), rounding, decimals=decimals
        )
        assert figures.index == D(expected)

    @pytest.mark.parametrize(
        "rounding, decimals, expected",
        [
            # 61.5 ÷ 96 × 100 = 64.0625
            (calc.HALF_UP, 2, "64.06"),
            (calc.TRUNCATE, 2, "64.06"),
            (calc.HALF_UP, 3, "64.063"),
            (calc.TRUNCATE, 3, "64.062"),
        ],
    )
    def test_the_index_is_rounded_once_to_the_years_decimals(self, rounding, decimals, expected):
        assert calc.ratio_index(D("61.5"), D(96), rounding, decimals) == D(expected)

    def test_decimals_are_two_or_three(self):
        with pytest.raises(ValueError, match="2 or 3"):
            calc.ratio_index(D(1), D(2), calc.HALF_UP, 4)
        assert calc.check_points(D("0.125"), 3) == D("0.125")
        with pytest.raises(ValueError, match="two decimal places"):
            calc.check_points(D("0.125"), 2)


# --------------------------------------------------------------------------- caps

BANDS = [BandSpec("Tốt", D("92.5")), BandSpec("Khá", D(80)), BandSpec("Trung bình", D(65))]
DEDUCTED = CapSpec("Khá", calc.ITEM_ABOVE_ZERO, "D.1")
MUST = CapSpec("Khá", calc.ITEM_ZERO, "T.1")
DOMAIN = CapSpec("Trung bình", calc.DOMAIN_BELOW, "2", D(50))


def capped(values: dict[str, ScoreValue], caps) -> calc.Capped:
    figures = calc.compute_unit(framework(), values)
    return calc.classify_capped(figures.index, BANDS, caps, figures, values)


class TestCaps:
    def test_a_deduction_caps_tot_at_kha(self):
        result = capped(scores(**{"1_1": "70", "2_1": "30", "D_1": "0.5"}), [DEDUCTED])
        assert result.uncapped.label == "Tốt"
        assert result.band.label == "Khá"
        assert result.fired == (DEDUCTED,)

    def test_no_deduction_no_cap(self):
        result = capped(scores(**{"1_1": "70", "2_1": "30", "D_1": "0"}), [DEDUCTED])
        assert result.band.label == "Tốt" and not result.is_capped

    def test_a_cap_at_or_above_the_band_reached_does_not_fire(self):
        # 65 + 20 − 0.5 = 84.5: Khá already, the cap "not above Khá" changes nothing.
        result = capped(scores(**{"1_1": "65", "2_1": "20", "D_1": "0.5"}), [DEDUCTED])
        assert result.band.label == "Khá" and result.fired == ()

    def test_a_must_achieve_item_at_zero_fires_but_not_applicable_or_not_scored_never(self):
        base = scores(**{"1_1": "70", "2_1": "30"})
        assert capped({**base, "T.1": ScoreValue(D(0))}, [MUST]).band.label == "Khá"
        assert capped({**base, "T.1": ScoreValue(not_applicable=True)}, [MUST]).band.label == "Tốt"
        assert capped(base, [MUST]).band.label == "Tốt"

    def test_a_domain_index_on_the_figure_does_not_fire_and_just_under_does(self):
        # domain 2 of 30: 15 points is 50.00 %, 14.99 is 49.97 %
        on = capped(scores(**{"1_1": "70", "2_1": "15"}), [DOMAIN])
        under = capped(scores(**{"1_1": "70", "2_1": "14.99"}), [DOMAIN])
        assert on.band.label == "Khá" and not on.is_capped
        assert under.band.label == "Trung bình" and under.fired == (DOMAIN,)

    def test_two_caps_at_once_the_lowest_band_wins_and_every_reason_stays(self):
        values = scores(**{"1_1": "70", "2_1": "29", "D_1": "0.25"})
        values["T.1"] = ScoreValue(D(0))
        domain_high = CapSpec("Trung bình", calc.DOMAIN_BELOW, "2", D(99))
        result = capped(values, [DEDUCTED, domain_high, MUST])
        assert result.band.label == "Trung bình"
        assert result.fired == (DEDUCTED, domain_high, MUST)

    def test_the_band_just_above_a_caps_band_is_the_one_denied(self):
        assert calc.band_above("Khá", BANDS).label == "Tốt"
        assert calc.band_above("Tốt", BANDS) is None
        assert calc.band_above("Xuất sắc", BANDS) is None

    def test_ranks_stay_by_index(self):
        # A capped unit keeps its rank: rank() only ever sees indices.
        assert calc.rank({"capped": D(95), "other": D(90)}) == {"capped": 1, "other": 2}

    def test_an_unknown_cap_kind_fails_loudly(self):
        figures = calc.compute_unit(framework(), {})
        with pytest.raises(ValueError, match="unknown cap kind"):
            calc.cap_fires(CapSpec("Khá", "sometimes", "1"), figures, {})
