"""The related indices' arithmetic (scoring/calculations.py, section "related indices"): periods,
versions, the index on a kind's scale, components' points lost, the shared time axis."""

import datetime
from decimal import Decimal as D

import pytest
from hypothesis import given
from hypothesis import strategies as st

from scoring import calculations as calc
from scoring.calculations import MONTH, QUARTER, WEEK, YEAR, parse_period


def test_each_kind_of_period_is_parsed_with_its_start_and_end():
    year = parse_period("2026", YEAR)
    assert (year.start, year.end, str(year)) == (
        datetime.date(2026, 1, 1),
        datetime.date(2026, 12, 31),
        "2026",
    )
    quarter = parse_period("2026-Q3", QUARTER)
    assert (quarter.start, quarter.end) == (datetime.date(2026, 7, 1), datetime.date(2026, 9, 30))
    month = parse_period("2026-02", MONTH)
    assert (month.start, month.end) == (datetime.date(2026, 2, 1), datetime.date(2026, 2, 28))
    assert parse_period("2024-2", MONTH).end == datetime.date(2024, 2, 29)
    assert str(parse_period("2024-2", MONTH)) == "2024-02"
    december = parse_period("2026-12", MONTH)
    assert december.end == datetime.date(2026, 12, 31)


def test_iso_weeks_start_on_monday_and_may_belong_to_the_year_before_or_after():
    week = parse_period("2026-W42", WEEK)
    assert (week.start, week.end) == (datetime.date(2026, 10, 12), datetime.date(2026, 10, 18))
    assert parse_period("2026-W01", WEEK).start == datetime.date(2025, 12, 29)
    assert parse_period("2020-W53", WEEK).end == datetime.date(2021, 1, 3)
    with pytest.raises(ValueError):
        parse_period("2027-W53", WEEK)  # 2027 has 52 ISO weeks (2026 has 53)
    assert str(parse_period("2026-W53", WEEK).end) == "2027-01-03"
    with pytest.raises(ValueError):
        parse_period("2026-W00", WEEK)


@pytest.mark.parametrize(
    ("text", "kind"),
    [
        ("2026-10", YEAR),
        ("2026", MONTH),
        ("2026-13", MONTH),
        ("2026-00", MONTH),
        ("2026-Q5", QUARTER),
        ("2026-W42", MONTH),
        ("26", YEAR),
        ("", YEAR),
        ("1800", YEAR),
    ],
)
def test_a_period_written_for_another_kind_or_out_of_range_is_refused(text, kind):
    with pytest.raises(ValueError):
        parse_period(text, kind)


def test_an_unknown_kind_of_period_fails_loudly():
    with pytest.raises(ValueError, match="unknown period kind"):
        parse_period("2026", "decade")


def test_periods_order_by_time_across_a_year_boundary():
    texts = ["2026-01", "2025-12", "2025-02", "2026-10"]
    assert [str(p) for p in sorted(parse_period(t, MONTH) for t in texts)] == [
        "2025-02",
        "2025-12",
        "2026-01",
        "2026-10",
    ]
    weeks = sorted(parse_period(t, WEEK) for t in ["2026-W01", "2025-W52", "2026-W10"])
    assert [str(w) for w in weeks] == ["2025-W52", "2026-W01", "2026-W10"]


@pytest.mark.parametrize(
    ("text", "kind", "before"),
    [
        ("2026", YEAR, "2025"),
        ("2026-Q1", QUARTER, "2025-Q4"),
        ("2026-Q3", QUARTER, "2026-Q2"),
        ("2026-01", MONTH, "2025-12"),
        ("2026-10", MONTH, "2026-09"),
        ("2026-W01", WEEK, "2025-W52"),
        ("2021-W01", WEEK, "2020-W53"),
        ("2027-W01", WEEK, "2026-W53"),
        ("2026-W42", WEEK, "2026-W41"),
    ],
)
def test_the_period_before(text, kind, before):
    assert str(calc.previous_period(parse_period(text, kind))) == before


@given(st.dates(min_value=datetime.date(1901, 1, 8), max_value=datetime.date(2998, 12, 1)))
def test_every_week_and_month_follows_the_one_before_without_gap(day):
    iso = day.isocalendar()
    week = parse_period(f"{iso.year}-W{iso.week:02d}", WEEK)
    assert week.start <= day <= week.end
    assert calc.previous_period(week).end + datetime.timedelta(days=1) == week.start
    month = parse_period(f"{day.year}-{day.month:02d}", MONTH)
    assert calc.previous_period(month).end + datetime.timedelta(days=1) == month.start


def test_the_version_in_force_is_the_latest_not_after_the_period():
    starts = [parse_period("2022-01", MONTH), parse_period("2024-01", MONTH)]
    assert str(calc.version_for(parse_period("2023-12", MONTH), starts)) == "2022-01"
    assert str(calc.version_for(parse_period("2024-01", MONTH), starts)) == "2024-01"
    assert str(calc.version_for(parse_period("2026-10", MONTH), starts)) == "2024-01"
    assert calc.version_for(parse_period("2021-12", MONTH), starts) is None


def test_the_index_on_the_kinds_scale_is_the_total_when_the_tree_adds_up_to_the_scale():
    assert calc.index_on_scale(D("912.5"), D("1000"), D("1000")) == D("912.50")
    assert calc.index_on_scale(D("87.25"), D("100"), D("100")) == D("87.25")


def test_the_index_on_the_kinds_scale_rebases_a_tree_of_another_maximum_rounded_once():
    assert calc.index_on_scale(D("81"), D("90"), D("100")) == D("90.00")
    # 2/3 × 100 = 66.666… → 66.67 half-up, 66.66 truncated
    assert calc.index_on_scale(D("2"), D("3"), D("100")) == D("66.67")
    assert calc.index_on_scale(D("2"), D("3"), D("100"), calc.TRUNCATE) == D("66.66")
    assert calc.index_on_scale(D("0.25"), D("8"), D("100")) == D("3.13")  # 3.125 half-up
    assert calc.index_on_scale(D("5"), D("0"), D("100")) == D("0.00")


def test_a_units_total_keeps_each_component_within_its_maximum():
    maxima = {"1": D("18"), "2": D("20")}
    assert calc.component_total({"1": D("17.5"), "2": D("19")}, maxima) == D("36.5")
    assert calc.component_total({"1": D("25"), "2": D("19")}, maxima) == D("37")


def test_points_lost_on_a_component():
    assert calc.points_lost(D("22"), D("17.25")) == D("4.75")
    assert calc.points_lost(D("10"), D("10")) == D("0")


def test_bands_and_ranks_of_a_related_index_are_the_par_indexs_own():
    bands = [calc.BandSpec("Xuất sắc", D("90")), calc.BandSpec("Tốt", D("80"))]
    indices = {"a": D("95.10"), "b": D("90.00"), "c": D("90.00"), "d": D("79.99")}
    assert {k: (b.label if (b := calc.classify(v, bands)) else "") for k, v in indices.items()} == {
        "a": "Xuất sắc",
        "b": "Xuất sắc",
        "c": "Xuất sắc",
        "d": "",
    }
    assert calc.rank(indices) == {"a": 1, "b": 2, "c": 2, "d": 4}


def test_a_shared_time_axis_puts_years_weeks_and_quarters_on_the_month_they_end():
    assert calc.month_axis(datetime.date(2024, 11, 5), datetime.date(2025, 2, 1)) == [
        (2024, 11),
        (2024, 12),
        (2025, 1),
        (2025, 2),
    ]
    assert calc.axis_month(parse_period("2024", YEAR)) == (2024, 12)
    assert calc.axis_month(parse_period("2026-Q3", QUARTER)) == (2026, 9)
    assert calc.axis_month(parse_period("2026-W42", WEEK)) == (2026, 10)
    assert calc.axis_month(parse_period("2026-W01", WEEK)) == (2026, 1)
