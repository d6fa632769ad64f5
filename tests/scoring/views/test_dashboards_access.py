"""Public results: published years only for the public and unit staff, on every page and file."""

import json

import pytest

from tests.factories import make_user, personas
from tests.scoring.selectors.dashboard_data import build_province, unit_named

pytestmark = pytest.mark.django_db

IN_PROGRESS = [
    "/?year=2024",
    "/don-vi/SNV/?year=2024",
    "/don-vi/SNV/2024/nang-hang/",
    "/so-sanh/?from=2023&to=2024",
    "/so-sanh/?from=2024&to=2023&group=SO",
    "/mat-diem/?year=2024",
    "/mat-diem/?year=2024&group=SO&item=2.1",
]
OPEN_DATA_IN_PROGRESS = ["/mo/ket-qua-2024.csv", "/mo/ket-qua-2024.json"]


@pytest.fixture
def years():
    return build_province()


@pytest.mark.parametrize("url", IN_PROGRESS + OPEN_DATA_IN_PROGRESS)
def test_anonymous_visitors_get_404_for_the_year_in_progress(client, years, url):
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("role", ["staff", "leader"])
@pytest.mark.parametrize("url", IN_PROGRESS + OPEN_DATA_IN_PROGRESS)
def test_unit_staff_get_404_for_the_year_in_progress_even_for_their_own_unit(
    client, years, url, role
):
    client.force_login(make_user(f"{role}_snv", role, unit_named("SNV")))
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", ["appraiser", "leadership", "admin"])
@pytest.mark.parametrize("url", IN_PROGRESS)
def test_appraisers_leadership_and_admins_see_it_marked_provisional(client, years, url, persona):
    people = personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    client.force_login(people[persona])
    response = client.get(url)
    assert response.status_code == 200
    assert "tạm tính" in response.content.decode()


@pytest.mark.parametrize("url", OPEN_DATA_IN_PROGRESS)
def test_open_data_is_published_years_only_even_for_admins(client, years, url):
    people = personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    client.force_login(people["admin"])
    assert client.get(url).status_code == 404


@pytest.mark.parametrize("persona", [None, "staff_a"])
def test_the_year_pickers_offer_published_years_only(client, years, persona):
    if persona:
        client.force_login(make_user("staff_a", "staff", unit_named("SNV")))
    for url in ("/", "/don-vi/SNV/", "/so-sanh/", "/mat-diem/"):
        html = client.get(url).content.decode()
        assert '<option value="2024"' not in html, url
        assert '<option value="2023"' in html, url


def test_the_profile_of_a_published_year_shows_figures_only(client, years):
    html = client.get("/don-vi/SLDTBXH/?year=2023").content.decode()
    assert "Công bố TTHC không đúng hạn" not in html
    assert "92,03" in html


def test_the_open_data_files_hold_the_published_results(client, years):
    response = client.get("/mo/ket-qua-2023.csv")
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2023.csv"'
    assert response.content.startswith(b"\xef\xbb\xbf")  # Excel reads it as UTF-8
    lines = response.content.decode("utf-8-sig").splitlines()
    assert (
        lines[0]
        == "code,name,group,appraisal,survey,total,index,classification,rank,max,publication_note,"
        "bonus,deduction,cap_reason"
    )
    assert (
        lines[3]
        == "SLDTBXH,Sở Lao động - Thương binh và Xã hội,SO,65.81,26.22,92.03,92.03,Khá,3,100.00,"
        ",0.00,0.00,"
    )
    assert len(lines) == 6

    data = json.loads(client.get("/mo/ket-qua-2023.json").content)
    assert data[2] == {
        "code": "SLDTBXH",
        "name": "Sở Lao động - Thương binh và Xã hội",
        "group": "SO",
        "appraisal": "65.81",
        "survey": "26.22",
        "total": "92.03",
        "index": "92.03",
        "classification": "Khá",
        "rank": 3,
        "max": "100.00",
        "publication_note": "",
        "bonus": "0.00",
        "deduction": "0.00",
        "cap_reason": "",
    }
    only_districts = json.loads(client.get("/mo/ket-qua-2023.json?group=HUYEN").content)
    assert [row["code"] for row in only_districts] == ["TAMKY"]


def test_the_open_data_page_lists_published_years(client, years):
    html = client.get("/mo/").content.decode()
    assert 'href="/mo/ket-qua-2023.csv"' in html
    assert 'href="/mo/ket-qua-2022.json"' in html
    assert "2024" not in html


def test_pages_carry_no_inline_script_or_style(client, years):
    for url in (
        "/",
        "/don-vi/SLDTBXH/",
        "/don-vi/SLDTBXH/2023/nang-hang/",
        "/so-sanh/",
        "/mat-diem/",
        "/mo/",
    ):
        html = client.get(url).content.decode()
        scripts = html.count("<script")
        assert scripts == html.count('<script src="') + html.count('type="application/json">'), url
        assert " style=" not in html and "onclick" not in html, url


PAGES = [
    "/?year=2024",
    "/?year=2023",
    "/don-vi/SLDTBXH/?year=2023",
    "/don-vi/SLDTBXH/2024/nang-hang/?full=2.2",
    "/so-sanh/?from=2023&to=2024",
    "/mat-diem/?year=2024&item=2.2",
]


@pytest.mark.parametrize("persona", ["staff_a", "leadership"])
def test_signed_in_pages_do_not_grow_with_units_or_years(client, years, persona):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from tests.scoring.selectors.dashboard_data import add_units, scored_year, set_state

    people = personas(unit_named("SLDTBXH"), unit_named("SNV"), unit_named("SYT"))
    client.force_login(people[persona])

    def counts():
        found = []
        for url in PAGES:
            with CaptureQueriesContext(connection) as queries:
                client.get(url)
            found.append(len(queries.captured_queries))
        return found

    before = counts()
    add_units(years[2024], 3)
    add_units(years[2023], 2, prefix="Y")
    set_state(scored_year(2021, units={"SLDTBXH": "10 10 10 20 20 15 15"}), "published")
    assert counts() == before
