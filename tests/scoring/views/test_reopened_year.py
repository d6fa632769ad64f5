"""A published year reopened for corrections: its public pages say "Kết quả năm 2023 đang được
rà soát" (HTTP 200) instead of a bare 404, its files answer 404 with the same words; those who
see the year in progress see it as before (scoring/views/loading.py, hidden_year)."""

from datetime import datetime
from unittest import mock
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings

from scoring.models import AssessmentYear
from scoring.services import year_states
from scoring.views.loading import YearUnderReview, load_visible_year
from tests.factories import decide_open_units, make_user
from tests.scoring.selectors.dashboard_data import build_province, unit_named
from units.models import Role

pytestmark = pytest.mark.django_db

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
REOPENED_AT = datetime(2024, 3, 12, 10, 0, tzinfo=HANOI)

PAGES = [
    "/?year=2023",
    "/?year=2023&group=SO",
    "/don-vi/SNV/?year=2023",
    "/don-vi/SNV/2023/nang-hang/",
    "/so-sanh/?from=2022&to=2023",
    "/so-sanh/?from=2023&to=2022&group=SO",
    "/mat-diem/?year=2023",
]
FILES = [
    "/mo/ket-qua-2023.csv",
    "/mo/ket-qua-2023.json",
    "/xuat/ket-qua-2023.xlsx",
    "/xuat/ket-qua-2023.csv?group=SO",
    "/bao-cao/ket-qua-2023.docx",
]
UNDER_REVIEW = "Kết quả năm 2023 đang được rà soát"


@pytest.fixture
def years():
    years = build_province()  # 2022 and 2023 published, 2024 under appraisal
    admin = make_user("quantri", is_superuser=True)
    with mock.patch("django.utils.timezone.now", return_value=REOPENED_AT):
        year_states.reopen(years[2023], "Sửa điểm sau khiếu nại", user=admin)
    return years


@pytest.mark.parametrize("url", PAGES)
def test_anonymous_visitors_read_that_the_year_is_under_review(client, years, url):
    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert f'<h1 class="h3">{UNDER_REVIEW}</h1>' in html
    assert "được mở lại từ ngày 12/03/2024 để rà soát, điều chỉnh" in html
    assert '<meta name="robots" content="noindex">' in html
    assert "96,86" not in html  # none of its figures
    assert "Sửa điểm sau khiếu nại" not in html  # the reason stays inside


@pytest.mark.parametrize("url", FILES)
def test_its_files_are_not_found_and_say_why(client, years, url):
    response = client.get(url)

    assert response.status_code == 404
    html = response.content.decode()
    assert UNDER_REVIEW in html
    assert "tệp số liệu năm 2023 tạm thời không tải được" in html


@pytest.mark.parametrize("role", [Role.STAFF, Role.LEADER])
def test_unit_staff_who_see_published_years_only_read_the_same(client, years, role):
    client.force_login(make_user("snv", role, unit_named("SNV")))

    response = client.get("/don-vi/SNV/?year=2023")

    assert response.status_code == 200
    assert UNDER_REVIEW in response.content.decode()


@pytest.mark.parametrize("persona", ["appraiser", "leadership", "admin"])
@pytest.mark.parametrize("url", PAGES)
def test_those_who_see_the_year_in_progress_see_it_as_before(client, years, persona, url):
    people = {
        "appraiser": make_user("td", Role.APPRAISER, unit_named("SYT")),
        "leadership": make_user("ld", Role.LEADERSHIP, unit_named("SYT")),
        "admin": make_user("qt", is_superuser=True),
    }
    client.force_login(people[persona])

    response = client.get(url)

    assert response.status_code == 200
    html = response.content.decode()
    assert UNDER_REVIEW not in html
    assert "tạm tính" in html


@pytest.mark.parametrize("url", ["/?year=2024", "/don-vi/SNV/?year=2024", "/mo/ket-qua-2024.csv"])
def test_a_year_never_published_is_still_a_plain_404(client, years, url):
    response = client.get(url)

    assert response.status_code == 404
    assert "đang được rà soát" not in response.content.decode()


def test_published_again_it_is_back_with_its_figures(client, years):
    decide_open_units(years[2023])  # the fixture's sheets are drafts
    year_states.publish(years[2023], user=None)

    response = client.get("/?year=2023")

    assert response.status_code == 200
    assert UNDER_REVIEW not in response.content.decode()
    assert "96,86" in response.content.decode()
    assert client.get("/mo/ket-qua-2023.csv").status_code == 200


def test_the_year_loader_is_the_one_place_that_knows(years):
    published = list(AssessmentYear.objects.published())

    with pytest.raises(YearUnderReview) as raised:
        load_visible_year(published, "2023")

    assert (raised.value.year, raised.value.since) == (2023, REOPENED_AT)


def test_the_page_is_translated(client, years):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"  # the language switch's choice
    response = client.get("/?year=2023")
    html = response.content.decode()
    assert "Results of 2023 are under review" in html
