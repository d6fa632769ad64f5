"""What it takes to move up: distances to the next band and rank, and the projection."""

from decimal import Decimal as D

import pytest

from scoring.models import AssessmentYear, Result, Sheet, YearState
from scoring.selectors.moving_up import move_up_basis, project
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import personas, score
from tests.scoring.selectors.dashboard_data import add_units, build_province, set_state, unit_named

pytestmark = pytest.mark.django_db

URL = "/don-vi/SLDTBXH/2023/nang-hang/"


@pytest.fixture
def years():
    return build_province()


def basis_of(code, year):
    return move_up_basis(Result.objects.select_related("year").get(unit__code=code, year=year))


def test_it_gives_the_distance_to_the_next_band_and_the_next_rank(years):
    basis = basis_of("SLDTBXH", years[2023])
    assert (basis.next_band.label, basis.next_band.min_index, basis.to_next_band) == (
        "Tốt",
        D("93"),
        D("0.97"),
    )
    assert (basis.next_rank_index, basis.to_next_rank) == (D("95.00"), D("2.97"))


def test_the_leader_has_no_rank_above(years):
    basis = basis_of("SNV", years[2023])
    assert (basis.next_rank_index, basis.to_next_rank) == (None, None)
    assert basis.next_band.label == "Xuất sắc"


def test_it_lists_the_appraisal_items_that_lost_points_largest_first(years):
    basis = basis_of("SLDTBXH", years[2023])
    # The survey items 3.1 and 3.2 lost points too, but the unit cannot recover them.
    assert [(c.code, c.lost) for c in basis.candidates] == [
        ("2.1", D("2")),
        ("2.2", D("2")),
        ("1.1.2", D("0.19")),
    ]


def test_nothing_chosen_projects_the_current_result(years):
    projection = project(basis_of("SLDTBXH", years[2023]), {})
    assert (projection.total, projection.index, projection.band_label, projection.rank) == (
        D("92.03"),
        D("92.03"),
        "Khá",
        3,
    )


@pytest.mark.parametrize(
    ("recover", "expected"),
    [
        ({"2.1": D("1")}, (D("93.03"), "Tốt", 3)),
        ({"2.1": D("2"), "2.2": D("1.5")}, (D("95.53"), "Tốt", 2)),
        ({"2.1": D("2"), "2.2": D("2"), "1.1.2": D("0.19")}, (D("96.22"), "Tốt", 2)),
    ],
)
def test_the_projection_matches_a_real_recomputation(years, recover, expected):
    year = years[2023]
    basis = basis_of("SLDTBXH", year)
    projection = project(basis, recover)
    assert (projection.index, projection.band_label, projection.rank) == expected
    assert projection.rank_of == 4

    # The same points, saved through the services, give the same figures.
    set_state(year, YearState.APPRAISAL)
    sheet = Sheet.objects.get(unit__code="SLDTBXH", year=year)
    earned = {c.code: c.earned for c in basis.candidates}
    apply_score_changes(
        sheet,
        [ScoreChange(code, points=earned[code] + extra) for code, extra in recover.items()],
        source="test",
    )
    real = Result.objects.get(unit__code="SLDTBXH", year=year)
    assert (real.total, real.index, real.band_label, real.rank, real.rank_of) == (
        projection.total,
        projection.index,
        projection.band_label,
        projection.rank,
        projection.rank_of,
    )


def test_a_projection_with_items_not_applicable_uses_the_applicable_maximum(years):
    basis = basis_of("SCT", years[2023])
    assert [(c.code, c.lost) for c in basis.candidates] == []  # only survey points lost
    basis = basis_of("SYT", years[2023])
    projection = project(basis, {"2.1": D("10"), "2.2": D("10")})
    assert (projection.index, projection.band_label, projection.rank) == (
        D("70.00"),
        "Trung bình",
        4,
    )


def test_the_page_recomputes_from_ticked_and_typed_points(client, years):
    response = client.get(URL + "?full=2.1&pts-2.2=1,5")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<dd class="col-5 num" id="projected-recovered">3,50</dd>' in html
    assert '<dd class="col-5 num" id="projected-total">95,53</dd>' in html
    assert "<strong>95,53</strong>" in html
    assert "thứ 2/4" in html.split('id="projected-rank"', 1)[1][:40]
    assert "band-tot" in html.split('id="projected-band"', 1)[1][:120]
    # The form keeps what was chosen.
    assert 'name="full" value="2.1" id="full-1" checked' in html
    assert 'name="pts-2.2"\n                           value="1,50"' in html


def test_values_out_of_range_are_refused_with_a_message(client, years):
    html = client.get(URL + "?pts-2.2=3&pts-2.1=abc").content.decode()
    assert "Tiêu chí 2.1: số điểm khôi phục phải là một số từ 0 đến 2,00." in html
    assert "Tiêu chí 2.2: số điểm khôi phục phải là một số từ 0 đến 2,00." in html
    assert '<dd class="col-5 num" id="projected-total">92,03</dd>' in html


def test_an_htmx_request_gets_the_projection_alone(client, years):
    response = client.get(URL + "?full=2.1", HTTP_HX_REQUEST="true")
    html = response.content.decode()
    assert html.lstrip().startswith(
        '<section class="card portal-card dash-projection" id="projection"'
    )
    assert "<html" not in html
    assert "94,03" in html


def test_the_form_works_without_javascript_and_posts_through_htmx(client, years):
    html = client.get(URL).content.decode()
    assert f'<form method="get" action="{URL}"' in html
    assert f'hx-get="{URL}" hx-trigger="change, submit" hx-target="#projection"' in html
    assert "onclick" not in html and "<script>" not in html


def test_the_year_in_progress_is_not_found_for_the_public(client, years):
    assert client.get("/don-vi/SNV/2024/nang-hang/").status_code == 404
    assert client.get("/don-vi/SCT/2022/nang-hang/").status_code == 404  # no result


def test_the_year_in_progress_is_projected_for_appraisers(client, years):
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people["appraiser"])
    response = client.get("/don-vi/SLDTBXH/2024/nang-hang/?full=2.2")
    assert response.status_code == 200
    assert "tạm tính" in response.content.decode()
    assert response.context["projection"].index == D("95.00")


def test_items_not_scored_yet_are_not_points_to_recover_and_are_shown_apart(client, years):
    # 2024 SLDTBXH: 10 10 10 20 15 13 12, then 2.1 (appraisal) and 3.2 (survey) cleared.
    score(Sheet.objects.get(unit__code="SLDTBXH", year=years[2024]), **{"2.1": None, "3.2": None})
    basis = basis_of("SLDTBXH", years[2024])
    assert [(c.code, c.lost) for c in basis.candidates] == [("2.2", D("5"))]
    assert (basis.unscored, basis.unscored_max) == (2, D("35"))
    # The projection starts from the result as it stands: the items not scored yet stay at 0.
    assert project(basis, {}).index == basis.result.index == D("58.00")
    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people["appraiser"])
    html = client.get("/don-vi/SLDTBXH/2024/nang-hang/").content.decode()
    assert "2 tiêu chí chưa chấm (tối đa 35,00 điểm) không phải điểm bị mất" in html
    assert 'name="pts-2.1"' not in html and 'name="pts-2.2"' in html


@pytest.mark.parametrize(("rounding", "recovered"), [("half_up", "1,56"), ("truncate", "1,55")])
def test_typed_points_are_rounded_by_the_years_rule(client, years, rounding, recovered):
    AssessmentYear.objects.filter(pk=years[2023].pk).update(rounding=rounding)
    html = client.get(URL + "?pts-2.2=1,555").content.decode()
    assert f'<dd class="col-5 num" id="projected-recovered">{recovered}</dd>' in html


@pytest.mark.parametrize("typed", ["1e0", "-1", "1,5,0", "abc"])
def test_typed_points_go_through_the_one_web_parser(client, years, typed):
    html = client.get(URL + f"?pts-2.2={typed}").content.decode()
    assert "Tiêu chí 2.2: số điểm khôi phục phải là một số từ 0 đến 2,00." in html
    assert '<dd class="col-5 num" id="projected-recovered">0,00</dd>' in html


def test_the_page_reads_a_fixed_number_of_queries(client, years, django_assert_num_queries):
    # years, unit, result, items, scores, bands, the other units' indices, the caps
    with django_assert_num_queries(8):
        client.get(URL + "?full=2.1")
    add_units(years[2023], 3)
    with django_assert_num_queries(8):
        response = client.get(URL + "?full=2.1")
    assert response.context["projection"].rank_of == 7
