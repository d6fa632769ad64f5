"""A unit's profile: headline, domains, history, where points were lost, claimed versus granted."""

from decimal import Decimal as D

import pytest

from scoring.models import Result, Sheet
from scoring.selectors.unit import unit_profile
from scoring.selectors.years import visible_years
from tests.factories import make_user, personas, score
from tests.scoring.selectors.dashboard_data import (
    REASON,
    add_units,
    build_province,
    scored_year,
    set_state,
    unit_named,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


def profile(code, year, **kwargs):
    from django.contrib.auth.models import AnonymousUser

    return unit_profile(unit_named(code), year, visible_years(AnonymousUser()), **kwargs)


def test_the_headline_gives_index_classification_rank_and_change(client, years):
    response = client.get("/don-vi/SLDTBXH/")
    assert response.status_code == 200
    assert response.context["year"].year == 2023
    p = response.context["profile"]
    assert (p.result.index, p.result.band_label, p.result.rank, p.result.rank_of) == (
        D("92.03"),
        "Khá",
        3,
        4,
    )
    assert (p.index_change, p.rank_move) == (D("-4.97"), -2)
    html = response.content.decode()
    for text in ("92,03", "Khá", "thứ 3/4", "▼ 4,97", "▼ 2", "65,81/70,00", "26,22/30,00"):
        assert text in html


def test_the_domains_chart_has_a_table_beside_it(client, years):
    html = client.get("/don-vi/SLDTBXH/").content.decode()
    assert '<script id="chart-domains" type="application/json">' in html
    assert '"data": ["29.81", "36.00", "26.22"]' in html
    assert '"data": ["30.00", "40.00", "30.00"]' in html
    assert "2. Cải cách thủ tục hành chính</td>" in html
    assert "99,37" in html and "90,00" in html and "87,40" in html


def test_the_history_lists_every_visible_year(years):
    p = profile("SLDTBXH", years[2023])
    assert [(r.year.year, r.index, r.rank) for r in p.history] == [
        (2022, D("97.00"), 1),
        (2023, D("92.03"), 3),
    ]


def test_the_points_lost_are_listed_by_domain_and_add_up_to_maximum_minus_total(years):
    p = profile("SLDTBXH", years[2023])
    assert [
        (d.code, d.lost, [(i.code, i.max_points, i.earned, i.lost) for i in d.items])
        for d in p.lost
    ] == [
        ("2", D("4.00"), [("2.1", D("20"), D("18"), D("2")), ("2.2", D("20"), D("18"), D("2"))]),
        (
            "3",
            D("3.78"),
            [("3.1", D("15"), D("13.11"), D("1.89")), ("3.2", D("15"), D("13.11"), D("1.89"))],
        ),
        ("1", D("0.19"), [("1.1.2", D("10"), D("9.81"), D("0.19"))]),
    ]
    assert p.lost_total == D("7.97") == p.result.max_points - p.result.total


def test_items_not_applicable_leave_the_points_lost(years):
    p = profile("SCT", years[2023])
    assert [(i.code, i.lost) for d in p.lost for i in d.items] == [("3.2", D("4"))]
    assert p.lost_total == D("4.00") == p.result.max_points - p.result.total  # 80 - 76


def test_the_lost_points_of_every_unit_add_up(years):
    for result in Result.objects.filter(year=years[2023]).select_related("unit"):
        p = profile(result.unit.code, years[2023])
        assert p.lost_total == result.max_points - result.total, result.unit.code


def test_claims_compare_self_points_with_appraised_points_by_domain_and_item(years):
    p = profile("SLDTBXH", years[2023])
    assert [
        (
            d.code,
            d.claimed,
            d.granted,
            d.over,
            [(i.code, i.claimed, i.granted, i.over) for i in d.items],
        )
        for d in p.claims
    ] == [
        (
            "1",
            D("30"),
            D("29.81"),
            D("0.19"),
            [
                ("1.1.1", D("10"), D("10"), D("0")),
                ("1.1.2", D("10"), D("9.81"), D("0.19")),
                ("1.2", D("10"), D("10"), D("0")),
            ],
        ),
        (
            "2",
            D("39"),
            D("36"),
            D("3"),
            [("2.1", D("20"), D("18"), D("2")), ("2.2", D("19"), D("18"), D("1"))],
        ),
    ]
    assert (p.claimed_total, p.granted_total, p.over_total) == (D("69"), D("65.81"), D("3.19"))
    assert sum(d.over for d in p.claims) == p.over_total
    assert p.granted_total == p.result.appraisal


def not_scored_yet(years, *codes):
    """SLDTBXH 2024 (10 10 10 20 15 13 12) with the points of `codes` cleared: not scored yet."""
    score(Sheet.objects.get(unit__code="SLDTBXH", year=years[2024]), **dict.fromkeys(codes))


def test_items_not_scored_yet_are_shown_apart_and_never_counted_as_lost(years):
    not_scored_yet(years, "2.1", "3.2")
    p = unit_profile(unit_named("SLDTBXH"), years[2024], list(years.values()))
    assert [(i.code, i.lost) for d in p.lost for i in d.items] == [("2.2", D("5")), ("3.1", D("2"))]
    assert [(d.code, d.items, d.max_points) for d in p.unscored] == [
        ("2", 1, D("20")),
        ("3", 1, D("15")),
    ]
    assert (p.lost_total, p.unscored_items, p.unscored_max) == (D("7"), 2, D("35"))
    # 100 − 7 lost − 35 not scored yet = 58 earned (10 + 10 + 10 + 15 + 13).
    assert p.result.max_points - p.lost_total - p.unscored_max == p.result.total == D("58")


def test_the_page_lists_the_items_not_scored_yet_as_chua_cham(client, years):
    not_scored_yet(years, "2.1", "3.2")
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people["appraiser"])
    html = client.get("/don-vi/SLDTBXH/?year=2024").content.decode()
    lost = html.split('id="lost-table"', 1)[1].split("</table>", 1)[0]
    assert "2.2. " in lost and "2.1. " not in lost and "3.2. " not in lost
    assert "7,00" in lost
    assert "2 tiêu chí chưa chấm, tối đa 35,00 điểm" in html
    unscored = html.split('id="unscored-table"', 1)[1].split("</table>", 1)[0]
    assert "2. Cải cách thủ tục hành chính" in unscored and "35,00" in unscored
    assert (
        "Điểm tối đa áp dụng 100,00 trừ tổng số điểm bị mất 7,00 và điểm tối đa của các tiêu chí "
        "chưa chấm 35,00 là 58,00, số điểm đạt được trước điểm thưởng"
    ) in html


def test_a_unit_that_lost_nothing_on_what_was_scored_does_not_read_full_marks(client, years):
    sheet = Sheet.objects.get(unit__code="SNV", year=years[2024])
    score(sheet, **{"3.2": None})  # 10 10 10 20 20 15 –: nothing lost, 3.2 not scored yet
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people["appraiser"])
    html = client.get("/don-vi/SNV/?year=2024").content.decode()
    assert "Đơn vị không mất điểm ở tiêu chí nào đã chấm." in html
    assert "Đơn vị đạt điểm tối đa ở mọi tiêu chí." not in html
    assert "1 tiêu chí chưa chấm, tối đa 15,00 điểm" in html


def test_claims_across_years_list_only_years_with_self_assessment(years):
    p = profile("SLDTBXH", years[2023])
    assert [(c.year.year, c.claimed, c.granted, c.over) for c in p.claim_years] == [
        (2023, D("69"), D("65.81"), D("3.19")),
    ]


def test_the_claims_table_shows_the_total_over_claim(client, years):
    html = client.get("/don-vi/SLDTBXH/").content.decode()
    claims = html.split('id="claims-table"', 1)[1].split("</table>", 1)[0]
    assert "69,00" in claims and "65,81" in claims and "3,19" in claims


def test_anonymous_visitors_see_figures_without_the_appraisers_reasons(client, years):
    html = client.get("/don-vi/SLDTBXH/").content.decode()
    assert REASON not in html
    assert "Lý do của Hội đồng thẩm định" not in html


@pytest.mark.parametrize(
    ("persona", "sees"),
    [
        ("staff_a", True),
        ("staff_b", False),
        ("appraiser", True),
        ("leadership", True),
        ("admin", True),
    ],
)
def test_the_reasons_show_only_to_those_who_may_read_the_units_sheet(client, years, persona, sees):
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people[persona])
    html = client.get("/don-vi/SLDTBXH/").content.decode()
    assert (REASON in html) is sees


@pytest.mark.parametrize(
    "persona", ["staff_a", "staff_b", "appraiser", "leadership", "admin", "anonymous"]
)
def test_who_reads_a_units_reasons_is_known_from_the_memberships_alone(
    years, persona, django_assert_num_queries
):
    from django.contrib.auth.models import AnonymousUser

    from scoring.permissions import may, memberships, reads_sheets_of

    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    user = people.get(persona, AnonymousUser())
    sheet = Sheet.objects.filter(unit__code="SLDTBXH").first()
    expected = may(user, "scoring.view_sheet", sheet)
    memberships(user)  # as the signed-in user comes from the cache, with them
    with django_assert_num_queries(0):
        assert reads_sheets_of(user, "SLDTBXH") is expected


def test_another_year_is_chosen_with_a_query_parameter(client, years):
    response = client.get("/don-vi/SLDTBXH/?year=2022")
    assert response.context["profile"].result.index == D("97.00")
    assert "Xuất sắc" in response.content.decode()


def test_a_year_without_a_result_says_so(client, years):
    html = client.get("/don-vi/SCT/?year=2022").content.decode()
    assert "Đơn vị chưa có kết quả năm 2022." in html


def test_an_unknown_unit_is_not_found(client, years):
    assert client.get("/don-vi/KHONG-CO/").status_code == 404


@pytest.mark.parametrize("persona", [None, "staff_a"])
def test_the_year_in_progress_is_not_found_for_the_public_and_unit_staff(client, years, persona):
    if persona:
        client.force_login(make_user("staff_a", "staff", unit_named("SNV")))
    assert client.get("/don-vi/SNV/?year=2024").status_code == 404


@pytest.mark.parametrize("persona", ["appraiser", "leadership", "admin"])
def test_the_year_in_progress_is_shown_provisional_to_appraisers_leadership_and_admins(
    client, years, persona
):
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people[persona])
    response = client.get("/don-vi/SNV/?year=2024")
    assert response.status_code == 200
    assert "tạm tính" in response.content.decode()
    assert response.context["profile"].index_change == D("2.14")  # 99.00 - 96.86


def test_the_profile_reads_a_fixed_number_of_queries(client, years, django_assert_num_queries):
    # years (in the view: a visitor's key no longer reads them), unit, lineage (3), results
    # across years, previous result, domains, items, scores, publication decision; the related
    # indices' panel (indices app): the indices covering the unit, its figures, its PAR results
    with django_assert_num_queries(14):
        client.get("/don-vi/SLDTBXH/")
    add_units(years[2023], 3)
    older = scored_year(2021, units={"SLDTBXH": "10 10 10 20 20 15 15"})
    set_state(older, "published")
    with django_assert_num_queries(14):
        response = client.get("/don-vi/SLDTBXH/")
    assert len(response.context["profile"].history) == 3
