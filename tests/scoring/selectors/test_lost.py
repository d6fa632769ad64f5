"""The items that cost a unit group the most points in a year, and the units concerned."""

from decimal import Decimal as D

import pytest

from scoring.models import Result, Sheet
from scoring.selectors.losses import most_lost
from tests.factories import make_group, personas, score
from tests.scoring.selectors.dashboard_data import add_units, build_province, unit_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


def test_items_are_ranked_by_the_points_lost_over_all_units(years):
    losses = most_lost(years[2023], make_group("SO"))
    assert [(e.code, e.lost, e.units) for e in losses.items] == [
        # SNV 1.64 + SCT 4 + SLDTBXH 1.89 + SYT 7.5
        ("3.2", D("15.03"), 4),
        # SNV 0.5 + SLDTBXH 2 + SYT 10 (not applicable for SCT)
        ("2.2", D("12.50"), 3),
        ("2.1", D("12.00"), 2),
        ("3.1", D("10.39"), 3),
        ("1.1.2", D("5.19"), 2),
        ("1.1.1", D("5.00"), 1),
        ("1.2", D("5.00"), 1),
    ]
    assert (losses.units_counted, losses.units_total) == (4, 4)


def test_the_points_lost_add_up_to_the_units_maxima_minus_their_totals(years):
    losses = most_lost(years[2023], make_group("SO"))
    results = Result.objects.filter(year=years[2023], group__code="SO")
    assert sum(e.lost for e in losses.items) == sum(r.max_points - r.total for r in results)


def test_an_item_lists_the_units_that_lost_points_on_it(years):
    losses = most_lost(years[2023], make_group("SO"), "2.1")
    assert (losses.item.code, losses.item.lost) == ("2.1", D("12.00"))
    assert [(u.result.unit.code, u.earned, u.max_points, u.lost) for u in losses.item_units] == [
        ("SYT", D("10"), D("20"), D("10")),
        ("SLDTBXH", D("18"), D("20"), D("2")),
    ]


def test_items_not_scored_yet_are_not_lost_and_are_counted_apart(years):
    # 2024: SNV 10 10 10 20 20 15 14; SLDTBXH 10 10 10 20 15 13 12, then 2.1 and 3.2 cleared.
    sldtbxh = Sheet.objects.get(unit__code="SLDTBXH", year=years[2024])
    score(sldtbxh, **{"2.1": None, "3.2": None})
    losses = most_lost(years[2024], make_group("SO"))
    assert [(e.code, e.lost, e.units) for e in losses.items] == [
        ("2.2", D("5"), 1),
        ("3.1", D("2"), 1),
        ("3.2", D("1"), 1),  # SNV's; SLDTBXH's 3.2 is not scored yet
    ]
    assert (losses.unscored, losses.unscored_units, losses.unscored_max) == (2, 1, D("35"))
    item = most_lost(years[2024], make_group("SO"), "3.2")
    assert [u.result.unit.code for u in item.item_units] == ["SNV"]
    assert [r.unit.code for r in item.item_unscored] == ["SLDTBXH"]


def test_the_page_says_how_many_items_are_not_scored_yet(client, years):
    score(Sheet.objects.get(unit__code="SLDTBXH", year=years[2024]), **{"2.1": None, "3.2": None})
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people["appraiser"])
    html = client.get("/mat-diem/?year=2024&group=SO&item=3.2").content.decode()
    assert "Chưa chấm: 2 lượt tiêu chí ở 1 đơn vị (tối đa 35,00 điểm)" in html
    unscored = html.split('id="item-unscored"', 1)[1].split("</p>", 1)[0]
    assert 'href="/don-vi/SLDTBXH/?year=2024"' in unscored
    assert "Chưa chấm" not in client.get("/mat-diem/?year=2023&group=SO").content.decode()


def test_the_page_links_each_item_to_its_units(client, years):
    html = client.get("/mat-diem/").content.decode()
    assert 'href="?year=2023&amp;group=SO&amp;item=2.1"' in html
    response = client.get("/mat-diem/?year=2023&group=SO&item=2.1")
    html = response.content.decode()
    assert "Các đơn vị mất điểm ở tiêu chí 2.1. Công bố, công khai TTHC" in html
    assert 'href="/don-vi/SYT/?year=2023"' in html
    assert "15,03" in html and "12,50" in html


def test_the_chart_has_the_items_as_plain_numbers(client, years):
    html = client.get("/mat-diem/").content.decode()
    assert '<script id="chart-lost" type="application/json">' in html
    assert '"data": ["15.03", "12.50", "12.00", "10.39", "5.19", "5.00", "5.00"]' in html


def test_another_group_and_year(client, years):
    response = client.get("/mat-diem/?year=2023&group=HUYEN")
    assert [(e.code, e.lost) for e in response.context["losses"].items] == [("3.1", D("5"))]
    response = client.get("/mat-diem/?year=2022")
    assert response.context["group"].code == "SO"
    assert client.get("/mat-diem/?year=2022&group=HUYEN").status_code == 404  # no results


def test_the_year_in_progress_is_not_found_for_the_public(client, years):
    assert client.get("/mat-diem/?year=2024").status_code == 404


def test_the_page_reads_a_fixed_number_of_queries(client, years, django_assert_num_queries):
    # The page is cached (scoring/selectors/cache.py): on a miss, the years and the check of
    # ?item= (groups, items), then the view's years, groups, results, items, scores: 8.
    with django_assert_num_queries(8):
        client.get("/mat-diem/?item=2.1")
    # A visitor's hit: no query (one cache round trip: the generation and the page).
    with django_assert_num_queries(0):
        assert client.get("/mat-diem/?item=2.1").page_cache.page_hit
    add_units(years[2023], 3)
    with django_assert_num_queries(8):
        response = client.get("/mat-diem/?item=2.1")
    assert response.context["losses"].units_counted == 7
