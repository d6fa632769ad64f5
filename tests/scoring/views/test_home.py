"""The home page: the province overview of one year, in Vietnamese."""

import re
from decimal import Decimal as D

import pytest

from scoring.selectors.province import overview
from tests.factories import make_user, personas
from tests.scoring.selectors.dashboard_data import add_units, build_province, unit_named

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


def ranking_rows(html: str, group_key: str) -> list[list[str]]:
    """The cells' text of a ranking table, row by row (tags stripped, spaces collapsed)."""
    table = html.split(f'id="ranking-{group_key}"', 1)[1].split("</table>", 1)[0]
    body = table.split("<tbody>", 1)[1]
    rows = []
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body, re.S):
        cells = re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)
        rows.append([" ".join(re.sub(r"<[^>]+>", " ", c).split()) for c in cells])
    return rows


def group_key(code: str) -> str:
    from units.models import UnitGroup

    return f"g{UnitGroup.objects.get(code=code).pk}"


def test_it_shows_the_latest_published_year_by_default(client, years):
    response = client.get("/")
    assert response.status_code == 200
    assert response.context["year"].year == 2023
    html = response.content.decode()
    assert "Kết quả Chỉ số CCHC năm 2023" in html
    assert "tạm tính" not in html


def test_it_lists_each_unit_with_rank_figures_classification_and_changes(client, years):
    html = client.get("/").content.decode()
    assert ranking_rows(html, group_key("SO")) == [
        [
            "thứ 1/4",
            "Sở Nội vụ",
            "69,50",
            "27,36",
            "96,86",
            "96,86",
            "Tốt",
            "▲ 1,86",
            "▲ 1",
        ],
        [
            "thứ 2/4",
            "Sở Công Thương",
            "50,00",
            "26,00",
            "76,00 / 80,00",  # 2.2 (20 points) not applicable: the index is of 80
            "95,00",
            "Tốt",
            "–",
            "–",
        ],
        [
            "thứ 3/4",
            "Sở Lao động - Thương binh và Xã hội",
            "65,81",
            "26,22",
            "92,03",
            "92,03",
            "Khá",
            "▼ 4,97",
            "▼ 2",
        ],
        [
            "thứ 4/4",
            "Sở Y tế",
            "35,00",
            "15,00",
            "50,00",
            "50,00",
            "Yếu",
            "▼ 2,00",
            "▼ 1",
        ],
    ]
    assert ranking_rows(html, group_key("HUYEN")) == [
        [
            "thứ 1/1",
            "UBND thành phố Tam Kỳ",
            "70,00",
            "25,00",
            "95,00",
            "95,00",
            "Tốt",
            "–",
            "–",
        ],
    ]


def test_the_ranking_headers_give_the_framework_maxima(client, years):
    html = client.get("/").content.decode()
    assert 'Điểm thẩm định <span class="dash-max">/ 70,00</span>' in html
    assert 'Điểm ĐTXHH <span class="dash-max">/ 30,00</span>' in html


def test_the_applicable_maximum_shows_only_where_the_index_differs_from_the_total(client, years):
    html = client.get("/").content.decode()
    totals = {row[1]: row[4] for row in ranking_rows(html, group_key("SO"))}

    assert totals["Sở Công Thương"] == "76,00 / 80,00"
    assert totals["Sở Nội vụ"] == "96,86"  # of 100: the total is the index
    assert f'id="applicable-max-{group_key("SO")}"' in html
    assert "chỉ số = tổng điểm ÷ điểm tối đa áp dụng × 100" in html
    # No unit of the districts has an item not applicable: no note there.
    assert f'id="applicable-max-{group_key("HUYEN")}"' not in html


def test_the_index_chart_starts_its_axis_near_the_lowest_index(years):
    so, huyen = overview(years[2023])

    # 96.86, 95.00, 92.03 and 50.00: from 40 (50 − 5 = 45, down to a multiple of 10).
    assert so.index_chart()["options"] == {
        "horizontal": True,
        "suggestedMax": 100,
        "min": 40,
        "percent": True,
    }
    assert huyen.index_chart()["options"]["min"] == 90  # 95.00 alone


def test_it_summarises_each_group(years):
    so = overview(years[2023])[0]
    assert so.group.code == "SO"
    assert so.band_counts == [
        ("Xuất sắc", 0),
        ("Tốt", 2),
        ("Khá", 1),
        ("Trung bình", 0),
        ("Yếu", 1),
    ]
    # (96.86 + 95.00 + 92.03 + 50.00) / 4 = 83.4725 → 83.47
    assert so.average == D("83.47")
    assert [row.result.unit.code for row in so.highest] == ["SNV"]
    assert [row.result.unit.code for row in so.lowest] == ["SYT"]
    assert [(d.code, d.max_points, d.average, d.average_index) for d in so.domains] == [
        # earned 30 + 30 + 29.81 + 15 = 104.81 / 4; indices 100, 100, 99.37, 50 → 87.34
        ("1", D("30"), D("26.20"), D("87.34")),
        # 39.5 + 20 (of 20: 2.2 not applicable) + 36 + 20; indices 98.75, 100, 90, 50
        ("2", D("40"), D("28.88"), D("84.69")),
        ("3", D("30"), D("23.65"), D("78.82")),
    ]


def test_the_charts_get_plain_numbers_through_json_script(client, years):
    html = client.get("/").content.decode()
    key = group_key("SO")
    assert f'<script id="chart-index-{key}" type="application/json">' in html
    assert '"data": ["96.86", "95.00", "92.03", "50.00"]' in html
    assert f'data-chart="bar" data-source="chart-index-{key}"' in html


def test_another_published_year_is_chosen_with_a_query_parameter(client, years):
    response = client.get("/?year=2022")
    assert response.context["year"].year == 2022
    rows = ranking_rows(response.content.decode(), group_key("SO"))
    assert [row[:2] for row in rows] == [
        ["thứ 1/3", "Sở Lao động - Thương binh và Xã hội"],
        ["thứ 2/3", "Sở Nội vụ"],
        ["thứ 3/3", "Sở Y tế"],
    ]


def test_a_group_tab_is_chosen_with_a_query_parameter(client, years):
    response = client.get("/?group=HUYEN")
    assert response.context["active"] == "HUYEN"
    assert client.get("/?group=NOPE").status_code == 404


@pytest.mark.parametrize("query", ["?year=2024", "?year=2030", "?year=abc"])
def test_anonymous_visitors_never_see_a_year_that_is_not_published(client, years, query):
    assert client.get("/" + query).status_code == 404


def test_unit_staff_see_published_years_only(client, years):
    client.force_login(make_user("staff", "staff", unit_named("SNV")))
    assert client.get("/?year=2024").status_code == 404
    assert [y.year for y in client.get("/").context["years"]] == [2023, 2022]


@pytest.mark.parametrize("persona", ["appraiser", "leadership", "admin"])
def test_appraisers_leadership_and_admins_see_the_year_in_progress_marked_provisional(
    client, years, persona
):
    people = personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    client.force_login(people[persona])
    assert client.get("/").context["year"].year == 2023
    response = client.get("/?year=2024")
    assert response.status_code == 200
    html = response.content.decode()
    assert "tạm tính" in html
    # The year in progress also shows each unit's appraisal progress and the state of its
    # sheet; its change and rank movement are provisional, never a final ▲ or ▼.
    assert ranking_rows(html, group_key("SO"))[0] == [
        "thứ 1/2",
        "Sở Nội vụ",
        "70,00",
        "29,00",
        "99,00",
        "99,00",
        "Xuất sắc",
        "+2,14 tạm tính",
        "0 tạm tính",
        "5/5 Đang soạn",
    ]


def test_without_any_published_year_anonymous_visitors_get_a_notice(client, db):
    html = client.get("/").content.decode()
    assert "Chưa có kết quả nào được công bố." in html


def test_the_home_page_reads_a_fixed_number_of_queries(client, years, django_assert_num_queries):
    # years (in the view: a visitor's cache key needs none), frameworks, results, items, bands,
    # lineage (3), previous results, sheets, domain results, the related indices' switch
    with django_assert_num_queries(12):
        client.get("/")
    add_units(years[2023], 3)
    add_units(years[2022], 2, prefix="Y")
    with django_assert_num_queries(12):
        response = client.get("/")
    assert len(response.context["groups"][0].rows) == 7
