"""The survey's arithmetic (scoring/calculations.py, its survey section)."""

from decimal import Decimal as D
from fractions import Fraction

import pytest

from scoring.calculations import (
    TRUNCATE,
    TypeTally,
    UnweightedType,
    mean_weight,
    round_exact,
    satisfaction_rate,
    survey_points,
    survey_result,
)


def tally(*weights: str) -> TypeTally:
    return TypeTally(len(weights), sum((D(w) for w in weights), D(0)))


def test_the_issues_worked_example_gives_1_52():
    # nguoi_dan: A (100) and B (60) to Q1, C (20) to Q2 → pooled rate 60; cong_chuc: A → 100.
    tallies = {"nguoi_dan": tally("100", "60", "20"), "cong_chuc": tally("100")}
    weights = {"nguoi_dan": D("60"), "cong_chuc": D("40")}
    assert survey_result(tallies, weights) == 76
    assert survey_points(D("2"), tallies, weights) == D("1.52")


def test_a_types_rate_is_pooled_over_the_items_questions_not_a_mean_of_question_means():
    # Q1: 100, 100, 100 (mean 100); Q2: 0 (mean 0). Mean of means 50, pooled 75.
    tallies = {"nguoi_dan": tally("100", "100", "100", "0")}
    assert survey_result(tallies, {}) == 75


def test_without_type_weights_every_valid_answer_counts_alike():
    tallies = {"nguoi_dan": tally("100", "60", "20"), "cong_chuc": tally("100")}
    assert survey_result(tallies, {}) == 70  # (100+60+20+100) / 4
    assert survey_points(D("2"), tallies, {}) == D("1.40")


def test_a_type_without_answers_leaves_the_weighted_mean():
    tallies = {"nguoi_dan": tally("60"), "cong_chuc": TypeTally(0, D(0))}
    weights = {"nguoi_dan": D("60"), "cong_chuc": D("40")}
    assert survey_result(tallies, weights) == 60


def test_a_type_that_answered_without_a_weight_stops_the_computation_naming_it():
    tallies = {"nguoi_dan": tally("60"), "lanh_dao": tally("100")}
    with pytest.raises(UnweightedType) as caught:
        survey_result(tallies, {"nguoi_dan": D("60")})
    assert caught.value.type_code == "lanh_dao"


def test_an_item_without_valid_answers_has_no_points():
    assert survey_points(D("2"), {}, {}) is None
    assert survey_points(D("2"), {"nguoi_dan": TypeTally(0, D(0))}, {"nguoi_dan": D(1)}) is None


def test_points_are_rounded_once_at_the_item_by_the_years_mode_and_decimals():
    # 3 answers 100, 100, 0: result 200/3 %; maximum 1.5 → exactly 1.0 (no rounding at all)
    assert survey_points(D("1.5"), {"t": tally("100", "100", "0")}, {}) == D("1.00")
    # maximum 2 → 4/3 = 1.3333…: 1.33 half-up, 1.333 with three decimals
    assert survey_points(D("2"), {"t": tally("100", "100", "0")}, {}) == D("1.33")
    assert survey_points(D("2"), {"t": tally("100", "100", "0")}, {}, decimals=3) == D("1.333")
    # 5/8 of 1.00 → 0.625: half-up 0.63, truncated 0.62
    five_eighths = {"t": tally("100", "100", "100", "100", "100", "0", "0", "0")}
    assert survey_points(D("1"), five_eighths, {}) == D("0.63")
    assert survey_points(D("1"), five_eighths, {}, rounding=TRUNCATE) == D("0.62")
    # Rounding the rates first would differ: rates 66.67 and 33.33 → no drift here.
    tallies = {"a": tally("100", "100", "0"), "b": tally("100", "0", "0")}
    assert survey_result(tallies, {"a": D(1), "b": D(1)}) == 50


def test_round_exact_refuses_an_unknown_rounding_mode():
    with pytest.raises(ValueError):
        round_exact(Fraction(1, 3), 2, "banker")


def test_satisfaction_is_the_share_of_answers_weighted_60_or_more():
    assert satisfaction_rate(4, 3) == D("75.00")
    assert satisfaction_rate(3, 2) == D("66.67")
    assert satisfaction_rate(0, 0) is None
    assert mean_weight(3, D("180")) == D("60.00")
    assert mean_weight(0, D("0")) is None
