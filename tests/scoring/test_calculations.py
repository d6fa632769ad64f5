"""The scoring rules (scoring/calculations.py): exact decimals, rounding, N/A, bands and ranks."""

from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import calculations as calc
from scoring.calculations import BandSpec, ItemSpec, ScoreValue


def tree(*rows) -> list[ItemSpec]:
    """Items from (code, max, method) rows: the parent comes from the code, leaves are scored."""
    codes = {row[0] for row in rows}
    parents = {code.rsplit(".", 1)[0] for code in codes if "." in code}
    return [
        ItemSpec(
            code=code,
            max_points=D(maximum),
            parent_code=code.rsplit(".", 1)[0] if "." in code else None,
            is_scored=code not in parents,
            method=method,
        )
        for code, maximum, method in rows
    ]


def points(**by_code) -> dict[str, ScoreValue]:
    """points(**{"1.1": "9.5", "2.1": "na"}): "na" marks the item not applicable."""
    return {
        code: ScoreValue(not_applicable=True) if value == "na" else ScoreValue(D(value))
        for code, value in by_code.items()
    }


# 70 appraisal points in two domains, 30 survey points in one.
DEPARTMENTS = tree(
    ("1", "30", ""),
    ("1.1", "20", "appraisal"),
    ("1.2", "10", "appraisal"),
    ("2", "40", ""),
    ("2.1", "25", "appraisal"),
    ("2.2", "15", "appraisal"),
    ("3", "30", ""),
    ("3.1", "30", "survey"),
)

BANDS = [
    BandSpec("Tốt", D("90")),
    BandSpec("Khá", D("80")),
    BandSpec("Trung bình", D("65")),
    BandSpec("Yếu", D("50")),
]


class TestTotalsAndIndex:
    def test_appraisal_and_survey_points_add_up_to_the_published_total(self):
        # Sở LĐ-TB&XH Quảng Nam 2023: 65.81/70 + 26.22/30 = 92.03/100.
        figures = calc.compute_unit(
            DEPARTMENTS,
            points(**{"1.1": "19.5", "1.2": "8.31", "2.1": "24", "2.2": "14", "3.1": "26.22"}),
        )
        assert (figures.appraisal, figures.appraisal_max) == (D("65.81"), D("70"))
        assert (figures.survey, figures.survey_max) == (D("26.22"), D("30"))
        assert (figures.total, figures.max_points) == (D("92.03"), D("100"))
        assert str(figures.index) == "92.03"

    def test_a_not_applicable_item_leaves_both_the_points_and_the_maximum(self):
        items = tree(("1", "100", ""), ("1.1", "95", "appraisal"), ("1.2", "5", "appraisal"))
        figures = calc.compute_unit(items, points(**{"1.1": "63", "1.2": "na"}))
        assert (figures.total, figures.max_points) == (D("63"), D("95"))
        assert str(figures.index) == "66.32"  # 63/95 = 66.3157…

    def test_an_unscored_item_counts_zero_but_keeps_its_maximum(self):
        figures = calc.compute_unit(DEPARTMENTS, points(**{"1.1": "20"}))
        assert (figures.total, figures.max_points, figures.index) == (D("20"), D("100"), D("20.00"))
        assert figures.nodes["1.2"] == calc.NodeFigures(
            "1.2", D("0"), D("10"), D("0.00"), assessed=0, unscored=1, unscored_max=D("10")
        )

    def test_a_node_whose_applicable_maximum_is_zero_has_index_zero(self):
        figures = calc.compute_unit(DEPARTMENTS, points(**{"1.1": "na", "1.2": "na", "2.1": "25"}))
        assert figures.nodes["1"] == calc.NodeFigures("1", D("0"), D("0"), D("0.00"), assessed=2)
        assert str(calc.ratio_index(D("0"), D("0"))) == "0.00"

    def test_every_item_not_applicable_gives_index_zero(self):
        items = tree(("1", "10", ""), ("1.1", "10", "appraisal"))
        figures = calc.compute_unit(items, points(**{"1.1": "na"}))
        assert (figures.total, figures.max_points, figures.index) == (D("0"), D("0"), D("0.00"))

    def test_points_above_an_items_maximum_count_only_up_to_it(self):
        items = tree(("1", "10", ""), ("1.1", "10", "appraisal"))
        assert calc.compute_unit(items, points(**{"1.1": "12"})).total == D("10")

    def test_bonus_and_deduction_change_the_total_and_the_index_stays_within_100(self):
        full = points(**{"1.1": "20", "1.2": "10", "2.1": "25", "2.2": "15", "3.1": "28"})
        with_bonus = calc.compute_unit(DEPARTMENTS, full, bonus=D("3.5"))
        assert (with_bonus.total, with_bonus.index) == (D("101.5"), D("100.00"))
        with_deduction = calc.compute_unit(DEPARTMENTS, full, deduction=D("1.25"))
        assert (with_deduction.total, with_deduction.index) == (D("96.75"), D("96.75"))
        wiped_out = calc.compute_unit(DEPARTMENTS, points(**{"1.1": "1"}), deduction=D("5"))
        assert (wiped_out.total, wiped_out.index) == (D("0"), D("0.00"))

    def test_an_empty_framework_has_nothing_and_index_zero(self):
        figures = calc.compute_unit([], {})
        assert (figures.total, figures.max_points, figures.index) == (D("0"), D("0"), D("0.00"))
        assert figures.domains == []


class TestTree:
    ITEMS = tree(
        ("1", "30", ""),
        ("1.1", "20", ""),
        ("1.1.1", "12.5", "appraisal"),
        ("1.1.2", "7.5", "appraisal"),
        ("1.2", "10", "appraisal"),  # a scored item one level higher than its neighbours
        ("2", "70", ""),
        ("2.1", "40", "appraisal"),
        ("2.2", "30", "survey"),
    )
    SCORES = points(
        **{"1.1.1": "11.25", "1.1.2": "na", "1.2": "9.99", "2.1": "33.33", "2.2": "21.07"}
    )

    def test_parents_earned_and_maximum_are_exact_sums_of_their_children(self):
        nodes = calc.compute_unit(self.ITEMS, self.SCORES).nodes
        assert (nodes["1.1"].earned, nodes["1.1"].max_points) == (D("11.25"), D("12.5"))
        assert (nodes["1"].earned, nodes["1"].max_points) == (D("21.24"), D("22.5"))
        assert (nodes["2"].earned, nodes["2"].max_points) == (D("54.40"), D("70"))

    def test_domain_indices_are_each_domains_own_ratio(self):
        figures = calc.compute_unit(self.ITEMS, self.SCORES)
        assert [(d.code, str(d.index)) for d in figures.domains] == [("1", "94.40"), ("2", "77.71")]
        assert str(figures.nodes["1.1"].index) == "90.00"

    def test_appraisal_and_survey_are_split_by_the_method_of_the_scored_items(self):
        figures = calc.compute_unit(self.ITEMS, self.SCORES)
        assert (figures.appraisal, figures.appraisal_max) == (D("54.57"), D("62.5"))
        assert (figures.survey, figures.survey_max) == (D("21.07"), D("30"))
        assert figures.total == figures.appraisal + figures.survey == D("75.64")

    def test_the_index_is_rounded_once_at_the_end_not_per_domain(self):
        # Three domains of 100 with 1 point each: 3/300 = 1.00 %. Rounding each domain's share of
        # the index first (1/300 = 0.33 %) and adding would publish 0.99.
        items = tree(
            ("1", "100", ""), ("1.1", "100", "appraisal"),
            ("2", "100", ""), ("2.1", "100", "appraisal"),
            ("3", "100", ""), ("3.1", "100", "appraisal"),
        )  # fmt: skip
        figures = calc.compute_unit(items, points(**{"1.1": "1", "2.1": "1", "3.1": "1"}))
        assert str(figures.index) == "1.00"
        per_domain = sum(calc.ratio_index(d.earned, figures.max_points) for d in figures.domains)
        assert per_domain == D("0.99")


class TestRounding:
    def test_half_up_and_truncation_of_two_thirds(self):
        assert str(calc.ratio_index(D("2"), D("3"))) == "66.67"
        assert str(calc.ratio_index(D("2"), D("3"), calc.TRUNCATE)) == "66.66"

    def test_an_exact_half_hundredth_rounds_up(self):
        # 1.21/40 = 3.025 % exactly (in floating point it is 3.0249999…, which would round down;
        # banker's rounding would give 3.02 as well).
        assert str(calc.ratio_index(D("1.21"), D("40"))) == "3.03"
        assert str(calc.ratio_index(D("1.21"), D("40"), calc.TRUNCATE)) == "3.02"

    def test_just_below_a_half_hundredth_rounds_down(self):
        # 80.99/88 = 92.034090…
        assert str(calc.ratio_index(D("80.99"), D("88"))) == "92.03"

    def test_the_index_is_exact_for_figures_with_more_than_two_decimals(self):
        # Projections and averages may carry more decimals than points do.
        assert calc.ratio_index(D("0.005"), D("0.01")) == D("50.00")
        assert calc.ratio_index(D("66.665"), D("100")) == D("66.67")
        assert calc.ratio_index(D("66.665"), D("100"), calc.TRUNCATE) == D("66.66")
        assert calc.ratio_index(D("0.001"), D("0.003")) == D("33.33")

    def test_the_year_rounding_mode_applies_to_the_index_and_the_domains(self):
        items = tree(("1", "3", ""), ("1.1", "3", "appraisal"))
        figures = calc.compute_unit(items, points(**{"1.1": "2"}), calc.TRUNCATE)
        assert (figures.index, figures.domains[0].index) == (D("66.66"), D("66.66"))

    def test_round_figure_half_up_and_truncated(self):
        assert calc.round_figure(D("1.005")) == D("1.01")
        assert calc.round_figure(D("1.0049999")) == D("1.00")
        assert calc.round_figure(D("1.009"), calc.TRUNCATE) == D("1.00")

    @pytest.mark.parametrize(
        "call",
        [
            lambda: calc.ratio_index(D("1"), D("3"), "bankers"),
            lambda: calc.ratio_index(D("1"), D("2"), "bankers"),
            lambda: calc.ratio_index(D("0"), D("0"), "bankers"),
            lambda: calc.round_figure(D("1.005"), "bankers"),
            lambda: calc.mean([D("1"), D("2")], "bankers"),
            lambda: calc.compute_unit(DEPARTMENTS, {}, "bankers"),
        ],
        ids=[
            "ratio_index",
            "ratio_index_exact",
            "ratio_index_zero_max",
            "round_figure",
            "mean",
            "compute_unit",
        ],
    )
    def test_an_unknown_rounding_mode_is_refused(self, call):
        with pytest.raises(ValueError, match="bankers"):
            call()


class TestRank:
    def test_equal_indices_share_a_rank_and_the_next_rank_skips(self):
        ranks = calc.rank({"a": D("95"), "b": D("90"), "c": D("90"), "d": D("80")})
        assert ranks == {"a": 1, "b": 2, "c": 2, "d": 4}

    def test_all_equal_indices_are_all_first(self):
        assert calc.rank({"a": D("88.5"), "b": D("88.50"), "c": D("88.5")}) == {
            "a": 1,
            "b": 1,
            "c": 1,
        }

    def test_no_units_no_ranks(self):
        assert calc.rank({}) == {}

    def test_ranks_use_the_rounded_index_so_near_equal_units_tie(self):
        # 80.99/88 = 92.0341 % and 88.35/96 = 92.03125 %: both published as 92.03, so they tie.
        items = tree(("1", "100", ""), ("1.1", "88", "appraisal"), ("1.2", "12", "appraisal"))
        a = calc.compute_unit(items, points(**{"1.1": "80.99", "1.2": "na"}))
        b = calc.compute_unit(
            tree(("1", "100", ""), ("1.1", "96", "appraisal"), ("1.2", "4", "appraisal")),
            points(**{"1.1": "88.35", "1.2": "na"}),
        )
        c = calc.compute_unit(items, points(**{"1.1": "81", "1.2": "na"}))  # 92.045… → 92.05
        assert (a.index, b.index, c.index) == (D("92.03"), D("92.03"), D("92.05"))
        assert calc.rank({"a": a.index, "b": b.index, "c": c.index}) == {"a": 2, "b": 2, "c": 1}


class TestBands:
    @pytest.mark.parametrize(
        ("index", "label"),
        [
            ("100", "Tốt"),
            ("90.00", "Tốt"),
            ("89.99", "Khá"),
            ("80", "Khá"),
            ("79.99", "Trung bình"),
            ("65.00", "Trung bình"),
            ("64.99", "Yếu"),
            ("50", "Yếu"),
        ],
    )
    def test_an_index_at_a_bands_minimum_is_in_that_band_and_a_hundredth_below_is_not(
        self, index, label
    ):
        assert calc.classify(D(index), BANDS).label == label

    def test_no_band_matches_below_the_lowest_minimum(self):
        assert calc.classify(D("49.99"), BANDS) is None
        assert calc.classify(D("0"), []) is None

    def test_bands_may_come_in_any_order(self):
        shuffled = [BANDS[2], BANDS[0], BANDS[3], BANDS[1]]
        assert calc.classify(D("92.03"), shuffled).label == "Tốt"
        assert calc.classify(D("89.45"), shuffled).label == "Khá"
        assert calc.next_band(D("70"), shuffled).label == "Khá"

    @pytest.mark.parametrize(
        ("index", "label"),
        [
            ("40", "Yếu"),
            ("50", "Trung bình"),
            ("85", "Tốt"),
            ("89.99", "Tốt"),
            ("90", None),
            ("100", None),
        ],
    )
    def test_next_band_is_the_lowest_band_above_the_current_one(self, index, label):
        band = calc.next_band(D(index), BANDS)
        assert (band.label if band else None) == label


class TestPointsLost:
    """Points lost: applicable maximum − points on the items with points or N/A; items not
    scored yet are "chưa chấm", apart, never lost."""

    ITEMS = tree(
        ("1", "40", ""),
        ("1.1", "20", ""),
        ("1.1.1", "12", "appraisal"),
        ("1.1.2", "8", "appraisal"),
        ("1.2", "10", "appraisal"),
        ("1.3", "5", "appraisal"),
        ("1.4", "5", "appraisal"),
        ("2", "60", ""),
        ("2.1", "30", "appraisal"),
        ("2.2", "30", "survey"),
    )

    def nodes(self, **by_code):
        return calc.compute_unit(self.ITEMS, points(**by_code)).nodes

    def test_an_item_with_points_loses_its_maximum_minus_its_points(self):
        node = self.nodes(**{"1.1.1": "11.75"})["1.1.1"]
        assert (node.lost, node.assessed, node.unscored, node.unscored_max) == (
            D("0.25"),
            1,
            0,
            D("0"),
        )

    def test_zero_points_lose_the_whole_maximum_and_full_points_lose_nothing(self):
        nodes = self.nodes(**{"1.1.1": "0", "1.1.2": "8.00"})
        assert (nodes["1.1.1"].lost, nodes["1.1.1"].unscored) == (D("12"), 0)
        assert nodes["1.1.2"].lost == D("0")
        assert nodes["1.1"].lost == D("12")

    def test_points_above_the_maximum_lose_nothing(self):
        assert self.nodes(**{"1.2": "12"})["1.2"].lost == D("0")

    def test_a_not_applicable_item_loses_nothing_and_is_assessed(self):
        node = self.nodes(**{"1.3": "na"})["1.3"]
        assert (node.lost, node.max_points, node.assessed, node.unscored) == (D("0"), D("0"), 1, 0)

    def test_an_item_not_scored_yet_is_not_lost_but_counted_apart(self):
        nodes = self.nodes()
        assert (nodes["1.4"].lost, nodes["1.4"].unscored, nodes["1.4"].unscored_max) == (
            D("0"),
            1,
            D("5"),
        )
        assert nodes["1.4"].assessed == 0
        # A score row without points and not N/A is the same as no row.
        stored = calc.compute_unit(self.ITEMS, {"1.4": ScoreValue(None)}).nodes["1.4"]
        assert (stored.lost, stored.unscored) == (D("0"), 1)

    def test_parents_sum_their_items_points_lost_and_items_not_scored_yet(self):
        # 0.25 + 8 lost under 1.1; 1.2 N/A; 1.3 not scored yet; 5 lost on 1.4 (0 points).
        nodes = self.nodes(**{"1.1.1": "11.75", "1.1.2": "0", "1.2": "na", "1.4": "0"})
        domain = nodes["1"]
        assert (domain.max_points, domain.earned) == (D("30"), D("11.75"))
        assert (domain.lost, domain.unscored, domain.unscored_max) == (D("13.25"), 1, D("5"))
        assert domain.assessed == 4
        assert domain.lost == sum((nodes[c].lost for c in ("1.1", "1.2", "1.3", "1.4")), D("0"))
        assert domain.max_points - domain.lost - domain.unscored_max == domain.earned

    def test_a_parent_with_nothing_scored_yet_has_nothing_assessed_and_nothing_lost(self):
        domain = self.nodes(**{"1.2": "10"})["2"]
        assert (domain.assessed, domain.unscored, domain.unscored_max) == (0, 2, D("60"))
        assert domain.lost == D("0")

    def test_the_units_points_lost_and_items_not_scored_yet_are_the_domains_sums(self):
        figures = calc.compute_unit(self.ITEMS, points(**{"1.1.1": "10", "2.1": "25"}))
        assert figures.lost == D("7")  # 2 on 1.1.1, 5 on 2.1
        assert (figures.unscored, figures.unscored_max) == (5, D("58"))  # 8 + 10 + 5 + 5 + 30
        assert figures.max_points - figures.lost - figures.unscored_max == figures.total


class TestSmallFigures:
    def test_mean_is_rounded_once(self):
        assert calc.mean([D("92.03"), D("89.45"), D("76.95")]) == D("86.14")  # 86.1433…
        assert calc.mean([D("0.01"), D("0")]) == D("0.01")  # 0.005 rounds up
        assert calc.mean([D("0.01"), D("0")], calc.TRUNCATE) == D("0.00")

    def test_mean_of_nothing_is_none(self):
        assert calc.mean([]) is None

    def test_change_between_years(self):
        assert calc.change(D("96.86"), D("91.44")) == D("5.42")
        assert calc.change(None, D("91.44")) is None
        assert calc.change(D("91.44"), None) is None

    def test_places_gained_between_two_ranks(self):
        assert calc.places_gained(2, 5) == 3  # from 5th to 2nd
        assert calc.places_gained(5, 2) == -3
        assert calc.places_gained(4, 4) == 0
        assert calc.places_gained(None, 4) is None
        assert calc.places_gained(4, None) is None

    def test_the_mean_of_a_merged_units_predecessors_follows_the_years_rounding(self):
        assert calc.mean([D("90.50"), D("85.25")]) == D("87.88")  # 87.875
        assert calc.mean([D("90.50"), D("85.25")], calc.TRUNCATE) == D("87.87")

    @pytest.mark.parametrize("value", ["0", "0.01", "9.5", "100.00", "1.500"])
    def test_check_points_accepts_non_negative_points_with_two_decimals(self, value):
        assert calc.check_points(D(value)) == D(value)

    @pytest.mark.parametrize(
        ("value", "message"),
        [
            ("-0.01", "non-negative"),
            ("1.234", "two decimal places"),
            ("NaN", "finite"),
            ("Infinity", "finite"),
        ],
    )
    def test_check_points_refuses_negative_long_or_non_finite_values(self, value, message):
        with pytest.raises(ValueError, match=message):
            calc.check_points(D(value))


# --------------------------------------------------------------------------- properties

cents = st.integers(min_value=0, max_value=5000).map(lambda c: D(c).scaleb(-2))
indices = st.integers(min_value=0, max_value=10000).map(lambda c: D(c).scaleb(-2))


@st.composite
def unit_case(draw):
    """A random framework of up to 4 domains × 4 items and a sheet scoring it."""
    rows, scores = [], {}
    for d in range(1, draw(st.integers(1, 4)) + 1):
        leaves = draw(st.lists(cents, min_size=1, max_size=4))
        rows.append(ItemSpec(str(d), sum(leaves), None, False, ""))
        for i, maximum in enumerate(leaves, start=1):
            code = f"{d}.{i}"
            method = draw(st.sampled_from([calc.APPRAISAL, calc.SURVEY]))
            rows.append(ItemSpec(code, maximum, str(d), True, method))
            kind = draw(st.sampled_from(["points", "points", "none", "na"]))
            if kind == "na":
                scores[code] = ScoreValue(not_applicable=True)
            elif kind == "points":
                earned = draw(st.integers(0, int(maximum * 100))) if maximum else 0
                scores[code] = ScoreValue(D(earned).scaleb(-2))
    return rows, scores


class TestProperties:
    @given(unit_case(), st.sampled_from([calc.HALF_UP, calc.TRUNCATE]))
    def test_the_index_is_always_within_0_and_100(self, case, rounding):
        figures = calc.compute_unit(*case, rounding)
        assert D("0") <= figures.index <= D("100")
        assert all(D("0") <= node.index <= D("100") for node in figures.nodes.values())

    @given(unit_case())
    def test_maximum_minus_points_lost_minus_items_not_scored_yet_is_the_points(self, case):
        figures = calc.compute_unit(*case)
        assert figures.max_points - figures.lost - figures.unscored_max == figures.total
        assert all(node.lost >= D("0") for node in figures.nodes.values())
        scored = sum(1 for item in case[0] if item.is_scored)
        assert sum(d.assessed + d.unscored for d in figures.domains) == scored

    @given(unit_case())
    def test_domains_add_up_to_the_total_and_the_methods_too(self, case):
        figures = calc.compute_unit(*case)
        assert sum((d.earned for d in figures.domains), D("0")) == figures.total
        assert sum((d.max_points for d in figures.domains), D("0")) == figures.max_points
        assert figures.appraisal + figures.survey == figures.total
        assert figures.appraisal_max + figures.survey_max == figures.max_points

    @given(cents, cents)
    def test_truncation_is_never_above_half_up_and_at_most_a_hundredth_below(self, earned, maximum):
        half_up = calc.ratio_index(earned, maximum)
        truncated = calc.ratio_index(earned, maximum, calc.TRUNCATE)
        assert D("0") <= half_up - truncated <= D("0.01")

    @given(cents, cents.filter(bool))
    def test_the_index_is_the_exact_ratio_rounded_half_up(self, earned, maximum):
        exact = min(earned, maximum) / maximum * 100
        assert abs(calc.ratio_index(min(earned, maximum), maximum) - exact) <= D("0.005")

    @given(st.dictionaries(st.integers(0, 50), indices, max_size=30))
    def test_ranks_follow_the_order_of_the_indices(self, by_unit):
        ranks = calc.rank(by_unit)
        for a in by_unit:
            assert 1 <= ranks[a] <= len(by_unit)
            # A rank is one more than the number of units strictly ahead.
            assert ranks[a] == 1 + sum(1 for b in by_unit if by_unit[b] > by_unit[a])
            for b in by_unit:
                if by_unit[a] > by_unit[b]:
                    assert ranks[a] < ranks[b]
                assert (by_unit[a] == by_unit[b]) == (ranks[a] == ranks[b])

    @given(indices, indices)
    def test_a_higher_index_is_never_in_a_lower_band(self, low, high):
        low, high = sorted([low, high])
        order = {band.label: position for position, band in enumerate(reversed(BANDS), start=1)}
        low_band, high_band = calc.classify(low, BANDS), calc.classify(high, BANDS)
        assert order.get(low_band.label if low_band else None, 0) <= order.get(
            high_band.label if high_band else None, 0
        )


class TestFiguresThatAddUp:
    @pytest.mark.parametrize(
        ("maximum", "differs"),
        [
            (D("100"), False),
            (D("100.00"), False),
            (D("96.5"), True),
            (D("80"), True),
            (D("0"), False),
        ],
    )
    def test_the_maximum_is_shown_beside_the_total_where_the_index_reads_differently(
        self, maximum, differs
    ):
        assert calc.index_differs_from_total(maximum) is differs

    @pytest.mark.parametrize(
        ("values", "start"),
        [
            ([D("85.9"), D("98.1")], 80),
            ([D("90"), D("97")], 80),
            ([D("92.5"), D("99")], 80),
            ([D("95"), None], 90),
            ([D("41.2"), D("70")], 30),
            ([D("3"), D("60")], 0),
            ([D("0")], 0),
            ([None], 0),
            ([], 0),
        ],
    )
    def test_an_axis_of_indices_starts_near_its_lowest_figure(self, values, start):
        assert calc.axis_start(values) == start

    @given(st.lists(st.decimals(min_value=0, max_value=100, places=2), min_size=1, max_size=30))
    def test_the_axis_start_leaves_every_bar_visible(self, values):
        start = calc.axis_start(values)
        assert start % 10 == 0
        assert start >= 0
        assert start == 0 or min(values) - start >= 5
