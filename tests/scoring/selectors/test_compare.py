"""Year-over-year comparison, and items matched across years by code and through the crosswalk."""

from decimal import Decimal as D

import pytest

from scoring.models import Item
from scoring.selectors.comparison import compare, match_items
from tests.factories import FRAMEWORK_ROWS, make_group
from tests.scoring.selectors.dashboard_data import (
    ROWS_2024,
    add_units,
    build_province,
    crosswalk,
    marks,
    unit_named,
    year_with_framework,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


def test_it_compares_every_unit_between_two_years(client, years):
    response = client.get("/so-sanh/?from=2022&to=2023&group=SO")
    assert response.status_code == 200
    rows = response.context["comparison"].units
    assert [
        (
            r.unit.code,
            r.old.index if r.old else None,
            r.new.index if r.new else None,
            r.index_change,
            r.old.rank if r.old else None,
            r.new.rank if r.new else None,
            r.rank_move,
        )
        for r in rows
    ] == [
        ("SNV", D("95.00"), D("96.86"), D("1.86"), 2, 1, 1),
        ("SCT", None, D("95.00"), None, None, 2, None),
        ("SLDTBXH", D("97.00"), D("92.03"), D("-4.97"), 1, 3, -2),
        ("SYT", D("52.00"), D("50.00"), D("-2.00"), 3, 4, -1),
    ]
    html = response.content.decode()
    for text in ("▲ 1,86", "▼ 4,97", "▼ 2", "thứ 1/3", "thứ 3/4"):
        assert text in html


def test_by_default_it_compares_the_latest_published_year_with_the_one_before(client, years):
    response = client.get("/so-sanh/")
    assert (response.context["old_year"].year, response.context["new_year"].year) == (2022, 2023)
    assert response.context["group"].code == "SO"


def test_years_given_in_reverse_are_compared_oldest_first(client, years):
    response = client.get("/so-sanh/?from=2023&to=2022")
    assert (response.context["old_year"].year, response.context["new_year"].year) == (2022, 2023)


def test_the_group_average_per_domain(years):
    comparison = compare(make_group("SO"), years[2022], years[2023])
    assert [
        (r.match.kind, r.match.new[0].code, r.old, r.new, r.change) for r in comparison.domains
    ] == [
        # 2022: 100, 100, 50 → 83.33; 2023: 100, 100, 99.37, 50 → 87.34
        ("same", "1", D("83.33"), D("87.34"), D("4.01")),
        ("same", "2", D("80.83"), D("84.69"), D("3.86")),
        ("same", "3", D("80.00"), D("78.82"), D("-1.18")),
    ]


def test_one_units_domains(years):
    comparison = compare(make_group("SO"), years[2022], years[2023], unit_named("SNV"))
    assert [(r.match.new[0].code, r.old, r.new, r.change) for r in comparison.domains] == [
        ("1", D("100.00"), D("100.00"), D("0.00")),
        ("2", D("87.50"), D("98.75"), D("11.25")),
        ("3", D("100.00"), D("91.20"), D("-8.80")),
    ]


@pytest.fixture
def reframed():
    """2023 on the usual framework, 2024 on ROWS_2024 with a crosswalk for 1.2 and 2.2."""
    old = year_with_framework(2023, FRAMEWORK_ROWS, {"SNV": marks("10 10 8 20 18 15 15")})
    new = year_with_framework(
        2024,
        ROWS_2024,
        {
            "SNV": {
                "1.1.1": "10",
                "1.2": "4",
                "1.3": "9",
                "2.1": "20",
                "2.2": "9",
                "2.3": "14",
                "3.1": "15",
                "3.2": "15",
            }
        },
    )
    crosswalk(old, "1.2", new, "1.3", note="Đổi mã 1.2 thành 1.3")
    crosswalk(old, "2.2", new, "2.2", "2.3", note="Tách 2.2")
    return old, new


def summary(rows):
    return [
        (
            [i.code for i in r.match.old],
            [i.code for i in r.match.new],
            r.match.kind,
            r.old,
            r.old_max,
            r.new,
            r.new_max,
            r.change,
        )
        for r in rows
    ]


def test_items_are_matched_by_code_and_through_the_crosswalk(reframed):
    old, new = reframed
    comparison = compare(make_group("SO"), old, new, unit_named("SNV"))
    assert summary(comparison.items) == [
        (["1.1.1"], ["1.1.1"], "same", D("10"), D("10"), D("10"), D("10"), D("0")),
        (["1.1.2"], [], "dropped", D("10"), D("10"), None, None, None),
        # 1.2 exists in both years but is another item in 2024: never compared by its code.
        ([], ["1.2"], "new", None, None, D("4"), D("5"), None),
        (["1.2"], ["1.3"], "renumbered", D("8"), D("10"), D("9"), D("10"), D("1")),
        (["2.1"], ["2.1"], "same", D("20"), D("20"), D("20"), D("20"), D("0")),
        (["2.2"], ["2.2", "2.3"], "split", D("18"), D("20"), D("23"), D("25"), D("5")),
        (["3.1"], ["3.1"], "same", D("15"), D("15"), D("15"), D("15"), D("0")),
        (["3.2"], ["3.2"], "same", D("15"), D("15"), D("15"), D("15"), D("0")),
    ]
    split = comparison.items[5].match
    assert split.notes == ["Tách 2.2"]


def test_domains_are_compared_by_their_index_when_the_maximum_changed(reframed):
    old, new = reframed
    comparison = compare(make_group("SO"), old, new, unit_named("SNV"))
    # Domain 1: 28/30 = 93.33 in 2023, 23/25 = 92.00 in 2024.
    assert [(r.match.new[0].code, r.old, r.new, r.change) for r in comparison.domains] == [
        ("1", D("93.33"), D("92.00"), D("-1.33")),
        ("2", D("95.00"), D("95.56"), D("0.56")),
        ("3", D("100.00"), D("100.00"), D("0.00")),
    ]


def test_the_page_lists_new_and_dropped_items_without_comparing_them(client, reframed):
    html = client.get("/so-sanh/?from=2023&to=2024&unit=SNV").content.decode()
    items = html.split('id="compare-items"', 1)[1].split("</table>", 1)[0]
    assert items.count("không so sánh") == 2
    for text in (
        "Mới",
        "Bỏ",
        "Đổi mã",
        "Tách",
        "Đổi mã 1.2 thành 1.3",
        "23,00",
        "/ 25,00",
        "▲ 5,00",
    ):
        assert text in items


def test_the_crosswalk_chains_through_the_years_between(reframed):
    old, new = reframed
    later = year_with_framework(2025, ROWS_2024, {"SNV": {"1.3": "10", "2.2": "10", "2.3": "15"}})
    comparison = compare(make_group("SO"), old, later, unit_named("SNV"))
    kinds = {
        (tuple(i.code for i in r.match.old), tuple(i.code for i in r.match.new)): r.match.kind
        for r in comparison.items
    }
    assert kinds[(("1.2",), ("1.3",))] == "renumbered"
    assert kinds[((), ("1.2",))] == "new"
    assert kinds[(("2.2",), ("2.2", "2.3"))] == "split"
    assert kinds[(("1.1.2",), ())] == "dropped"


def test_match_items_handles_a_merge(reframed):
    old, new = reframed
    old_items = list(Item.objects.filter(framework__year=old, is_scored=True))
    new_items = list(Item.objects.filter(framework__year=new, is_scored=True))
    by_code_old = {i.code: i for i in old_items}
    by_code_new = {i.code: i for i in new_items}
    merge = [
        (by_code_old["3.1"].id, by_code_new["3.1"].id, ""),
        (by_code_old["3.2"].id, by_code_new["3.1"].id, "Gộp"),
    ]
    matches = match_items([old_items, new_items], merge)
    merged = [m for m in matches if m.kind == "merged"]
    assert [([i.code for i in m.old], [i.code for i in m.new]) for m in merged] == [
        (["3.1", "3.2"], ["3.1"])
    ]
    # 3.2 of the later year lost its counterpart: it is new.
    assert any(m.kind == "new" and m.new[0].code == "3.2" for m in matches)


def test_the_year_in_progress_is_not_found_for_the_public(client, years):
    assert client.get("/so-sanh/?from=2023&to=2024").status_code == 404
    assert client.get("/so-sanh/?from=2024&to=2022").status_code == 404


def test_a_unit_outside_the_group_is_not_found(client, years):
    assert client.get("/so-sanh/?from=2022&to=2023&group=SO&unit=TAMKY").status_code == 404
    assert client.get("/so-sanh/?from=2022&to=2023&group=SO&unit=NOPE").status_code == 404


def test_choosing_the_same_year_twice_asks_for_two_years(client, years):
    html = client.get("/so-sanh/?from=2023&to=2023").content.decode()
    assert "Chọn hai năm khác nhau đã có kết quả để so sánh." in html


def test_the_comparison_reads_a_fixed_number_of_queries(client, years, django_assert_num_queries):
    # years (for the cache key, then in the view), groups, results, lineage (3), previous
    # results, frameworks, items, crosswalks, domain results, scores
    with django_assert_num_queries(13):
        client.get("/so-sanh/?from=2022&to=2023")
    add_units(years[2023], 3)
    add_units(years[2022], 2, prefix="Y")
    with django_assert_num_queries(13):
        response = client.get("/so-sanh/?from=2022&to=2023")
    assert len(response.context["comparison"].units) == 9
