"""No dead ends: the menu and a page's buttons offer only what the person can use.

"Phiếu của đơn vị" leads to the sheets of the units one works for: only a unit's staff and
leaders get it (leadership, appraisers and administrators would find an empty page). "Nhập từ
Excel" leads to an upload: not offered on a sheet that is locked, nor on an appraisal that is
closed.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import AssessmentYear, YearState
from tests.factories import make_sheet, make_unit, make_year, personas

pytestmark = pytest.mark.django_db

MY_SHEETS = 'href="/cua-toi/"'


@pytest.fixture
def people():
    year = make_year(2023)
    unit_a, unit_b = make_unit("STP", "Sở Tư pháp"), make_unit("SXD", "Sở Xây dựng")
    make_sheet(unit_a, year)
    make_sheet(unit_b, year)
    return personas(unit_a, unit_b, make_unit("SNV", "Sở Nội vụ"))


def page(client, user, url="/"):
    if user is not None:
        client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


@pytest.mark.parametrize("name", ["staff_a", "leader_a", "staff_b"])
def test_the_units_own_people_have_phieu_cua_don_vi_in_the_menu(client, people, name):
    html = page(client, people[name])

    assert MY_SHEETS in html
    assert "Phiếu của đơn vị" in html


@pytest.mark.parametrize("name", ["leadership", "appraiser", "admin"])
def test_leadership_appraisers_and_administrators_have_no_phieu_cua_don_vi(client, people, name):
    for url in ("/", reverse("compare"), "/theo-doi/2023/"):
        html = page(client, people[name], url)

        assert MY_SHEETS not in html, url
        assert "Phiếu của đơn vị" not in html, url


def test_anonymous_visitors_have_no_phieu_cua_don_vi(client, people):
    assert MY_SHEETS not in page(client, None)


def test_a_cached_page_keeps_each_persons_menu(client, people):
    assert MY_SHEETS in page(client, people["staff_a"])
    assert MY_SHEETS not in page(client, people["appraiser"])
    assert MY_SHEETS in page(client, people["staff_a"])


TRACKER = 'href="/theo-doi/"'


@pytest.mark.parametrize("name", ["leadership", "appraiser", "admin"])
def test_those_who_may_read_the_tracker_have_it_in_the_menu(client, people, name):
    html = page(client, people[name])

    assert TRACKER in html
    assert "Theo dõi nộp phiếu" in html


@pytest.mark.parametrize("name", ["staff_a", "leader_a"])
def test_a_units_own_people_have_no_tracker_in_the_menu(client, people, name):
    html = page(client, people[name], reverse("sheet", args=["STP", 2023]))

    assert TRACKER not in html
    assert "Theo dõi nộp phiếu" not in html


def test_the_menu_reads_no_model_permissions(client, people):
    """The menu asks the rules (`may`), as the views do: the model backend's two queries on
    every page of a unit's staff were for a permission no model grants."""
    client.force_login(people["staff_a"])
    with CaptureQueriesContext(connection) as captured:
        page(client, None, reverse("sheet", args=["STP", 2023]))

    assert not [query for query in captured if "auth_permission" in query["sql"]]


def roundtrip_link(kind: str) -> str:
    return 'href="{}"'.format(reverse("roundtrip", args=[kind, "STP", 2023]))


def set_state(state: str) -> None:
    AssessmentYear.objects.filter(year=2023).update(state=state)


def test_an_open_draft_offers_nhap_tu_excel(client, people):
    html = page(client, people["staff_a"], reverse("sheet", args=["STP", 2023]))

    assert roundtrip_link("tu-danh-gia") in html


@pytest.mark.parametrize("state", [YearState.APPRAISAL, YearState.PUBLISHED])
def test_a_locked_sheet_offers_no_nhap_tu_excel(client, people, state):
    set_state(state)

    html = page(client, people["staff_a"], reverse("sheet", args=["STP", 2023]))

    assert roundtrip_link("tu-danh-gia") not in html
    assert "Nhập từ Excel" not in html
    assert reverse("export_sheet", args=["STP", 2023, "xlsx"]) in html  # downloads stay


def test_an_open_appraisal_offers_nhap_tu_excel(client, people):
    set_state(YearState.APPRAISAL)

    html = page(client, people["appraiser"], reverse("appraisal_sheet", args=["STP", 2023]))

    assert roundtrip_link("tham-dinh") in html


@pytest.mark.parametrize("state", [YearState.SELF_ASSESSMENT, YearState.PUBLISHED])
def test_a_closed_appraisal_offers_no_nhap_tu_excel(client, people, state):
    set_state(state)

    html = page(client, people["appraiser"], reverse("appraisal_sheet", args=["STP", 2023]))

    assert roundtrip_link("tham-dinh") not in html
    assert "Nhập từ Excel" not in html


# --------------------------------------------------------------------------- the favicon


def test_every_page_and_the_admin_name_the_favicon(client, people, admin_client):
    link = '<link rel="icon" href="/static/img/favicon.svg" type="image/svg+xml">'

    assert link in page(client, None)
    assert link in page(client, people["staff_a"], reverse("sheet", args=["STP", 2023]))
    assert link in admin_client.get(reverse("admin:index")).content.decode()


def test_the_favicon_is_a_small_svg():
    from django.contrib.staticfiles import finders

    path = finders.find("img/favicon.svg")

    assert path is not None
    with open(path, encoding="utf-8") as svg:
        assert svg.read().startswith('<svg xmlns="http://www.w3.org/2000/svg"')


@pytest.mark.parametrize(
    ("state", "offered"), [(YearState.APPRAISAL, True), (YearState.PUBLISHED, False)]
)
def test_the_survey_page_offers_nhap_tu_excel_until_the_year_is_published(
    client, people, state, offered
):
    set_state(state)

    html = page(client, people["appraiser"], reverse("survey", args=[2023]))

    assert ('href="{}"'.format(reverse("roundtrip_survey", args=[2023])) in html) is offered
