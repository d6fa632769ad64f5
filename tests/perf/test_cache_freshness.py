"""Cached pages never show a stale figure: every change is on the next page, at once.

Whole pages are cached by the catalog generation (years, names, frameworks, sheets…, and every
recompute: results_changed), the page's parameters, the language and the
viewer's class (scoring/selectors/cache.py). Each test first makes sure the page is served from the
cache, then changes something through the services and reads the page again.
"""

from decimal import Decimal as D

import pytest
from django.contrib import messages
from django.contrib.auth.models import AnonymousUser
from django.contrib.messages.storage.fallback import FallbackStorage
from django.core.cache.backends.base import BaseCache
from django.test import Client

from scoring.models import AssessmentYear, Item, Score, Sheet, SheetState
from scoring.selectors.cache import CSRF_PLACEHOLDER
from scoring.services import year_states
from scoring.services.results import recompute_year
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.views.public import home
from tests.factories import decide_open_units, make_user, personas
from tests.scoring.selectors.dashboard_data import build_province, unit_named
from units.services import UnitRow, import_units

pytestmark = pytest.mark.django_db


@pytest.fixture
def years():
    return build_province()


@pytest.fixture
def people(years):
    return personas(unit_named("SNV"), unit_named("SLDTBXH"), unit_named("SYT"))


def cached_page(client, url: str) -> str:
    """The page at `url`, read twice: the second time it must come from the cache."""
    first = client.get(url)
    assert first.status_code == 200
    again = client.get(url)
    assert again.page_cache.page_hit, url
    assert main(again) == main(first)
    return again.content.decode()


def main(response) -> str:
    """The page's content (the header holds a CSRF token that changes with every response)."""
    html = response.content.decode()
    return html[html.index("<main") : html.index("</main>")]


def fresh_page(client, url: str) -> str:
    response = client.get(url)
    assert response.status_code == 200
    assert not (response.page_cache.hit or response.page_cache.page_hit), url
    return response.content.decode()


def snv_2024(years) -> Sheet:
    return Sheet.objects.get(unit__code="SNV", year=years[2024])


def test_a_saved_score_is_on_the_overview_and_the_profile_at_once(client, years, people):
    client.force_login(people["leadership"])
    assert "99,00" in cached_page(client, "/?year=2024")
    assert "99,00" in cached_page(client, "/don-vi/SNV/?year=2024")

    apply_score_changes(snv_2024(years), [ScoreChange("3.2", points=D("10"))])

    overview = fresh_page(client, "/?year=2024")
    assert "95,00" in overview
    assert "99,00" not in overview
    profile = fresh_page(client, "/don-vi/SNV/?year=2024")
    assert "95,00" in profile
    assert "99,00" not in profile


def test_a_saved_score_is_on_every_instance_sharing_the_cache(client, years, people):
    # Another instance reads the same cache and database: the key it computes is the new one.
    client.force_login(people["leadership"])
    cached_page(client, "/?year=2024")
    apply_score_changes(snv_2024(years), [ScoreChange("3.2", points=D("10"))])
    other = Client()
    other.force_login(people["leadership"])
    assert "95,00" in fresh_page(other, "/?year=2024")


def test_a_reopened_year_leaves_the_public_pages_and_comes_back_with_its_new_figures(
    client, years, people
):
    assert "96,86" in cached_page(client, "/")
    assert client.get("/mo/ket-qua-2023.csv").content == client.get("/mo/ket-qua-2023.csv").content

    year_states.reopen(years[2023], "Sửa điểm sau khiếu nại", user=people["admin"])
    assert "Kết quả Chỉ số CCHC năm 2022" in fresh_page(client, "/")
    # Its page says why its figures are gone (tests/scoring/views/test_reopened_year.py).
    reviewed = client.get("/?year=2023").content.decode()
    assert "Kết quả năm 2023 đang được rà soát" in reviewed
    assert "96,86" not in reviewed
    assert client.get("/mo/ket-qua-2023.csv").status_code == 404

    sheet = Sheet.objects.get(unit__code="SNV", year=years[2023])
    apply_score_changes(sheet, [ScoreChange("3.2", points=D("15"))])
    decide_open_units(years[2023], people["admin"])
    year_states.publish(years[2023], user=people["admin"])
    page = fresh_page(client, "/")
    assert "Kết quả Chỉ số CCHC năm 2023" in page
    assert "98,50" in page  # 96,86 + 1,64 points
    assert "96,86" not in page
    csv = client.get("/mo/ket-qua-2023.csv").content.decode()
    assert "SNV,Sở Nội vụ,SO,69.50,29.00,98.50,98.50,Xuất sắc,1,100.00" in csv


def test_a_renamed_unit_shows_its_new_name_at_once(client, years):
    assert "Sở Nội vụ" in cached_page(client, "/don-vi/SNV/")
    unit = unit_named("SNV")
    unit.name = "Sở Nội vụ tỉnh"
    unit.save()
    assert "Sở Nội vụ tỉnh" in fresh_page(client, "/don-vi/SNV/")
    assert "Sở Nội vụ tỉnh" in fresh_page(client, "/")


def test_a_unit_renamed_by_the_bulk_import_shows_its_new_name_at_once(client, years):
    assert "Sở Nội vụ" in cached_page(client, "/don-vi/SNV/")
    unit = unit_named("SNV")

    import_units([UnitRow(code="SNV", name="Sở Nội vụ (đổi tên)", group_code=unit.group.code)])

    assert "Sở Nội vụ (đổi tên)" in fresh_page(client, "/don-vi/SNV/")


def test_a_renamed_item_shows_on_the_comparison_at_once(client, years):
    assert "Tuyên truyền CCHC" in cached_page(client, "/so-sanh/?from=2022&to=2023")
    item = Item.objects.get(framework__year=years[2023], framework__group__code="SO", code="1.2")
    item.name = "Thông tin, tuyên truyền về CCHC"
    item.save()
    assert "Thông tin, tuyên truyền về CCHC" in fresh_page(client, "/so-sanh/?from=2022&to=2023")


def test_a_submitted_sheet_shows_its_state_on_the_overview_at_once(client, years, people):
    client.force_login(people["leadership"])
    drafts = cached_page(client, "/?year=2024").count("Đang soạn")
    sheet = snv_2024(years)
    sheet.state = SheetState.SUBMITTED  # as submit_sheet saves it
    sheet.save()
    assert fresh_page(client, "/?year=2024").count("Đang soạn") == drafts - 1


def test_the_year_in_progress_cached_for_the_leadership_stays_hidden_from_visitors(
    client, years, people
):
    client.force_login(people["leadership"])
    cached_page(client, "/?year=2024")
    client.logout()
    assert client.get("/?year=2024").status_code == 404
    assert "tạm tính" not in client.get("/").content.decode()


def test_the_appraisers_reasons_cached_for_the_leadership_stay_hidden_from_visitors(
    client, years, people
):
    client.force_login(people["leadership"])
    assert "Công bố TTHC không đúng hạn" in cached_page(client, "/don-vi/SLDTBXH/")
    client.logout()
    assert "Công bố TTHC không đúng hạn" not in fresh_page(client, "/don-vi/SLDTBXH/")


def test_each_language_has_its_own_cached_page(client, years):
    assert "96,86" in cached_page(client, "/")
    client.cookies["django_language"] = "en"
    english = fresh_page(client, "/")
    assert "96.86" in english
    assert "96,86" not in english


def test_another_viewers_page_is_not_served_to_a_unit_member(client, years):
    staff = make_user("can_bo", "staff", unit_named("SNV"))
    client.force_login(staff)
    page = cached_page(client, "/")
    assert "Kết quả Chỉ số CCHC năm 2023" in page


class BrokenCache(BaseCache):
    """A cache server that does not answer."""

    def __init__(self, *args, **kwargs):
        super().__init__({})

    def _fail(self, *args, **kwargs):
        raise ConnectionError("cache down")

    get = set = add = get_many = set_many = delete = clear = _fail


def test_pages_are_computed_and_scores_saved_when_the_cache_is_down(
    client, years, people, settings, caplog
):
    settings.CACHES = {"default": {"BACKEND": "tests.perf.test_cache_freshness.BrokenCache"}}
    assert "96,86" in client.get("/").content.decode()
    assert "SNV,Sở Nội vụ,SO" in client.get("/mo/ket-qua-2023.csv").content.decode()
    apply_score_changes(snv_2024(years), [ScoreChange("3.2", points=D("10"))])
    client.force_login(people["leadership"])
    assert "95,00" in client.get("/?year=2024").content.decode()
    assert "cache: home could not be read" in caplog.text


def test_a_page_from_the_cache_carries_the_visitors_own_working_csrf_token(years):
    client = Client(enforce_csrf_checks=True)
    client.get("/")
    page = client.get("/")
    assert page.page_cache.page_hit
    html = page.content.decode()
    assert CSRF_PLACEHOLDER not in html
    token = html.split('name="csrfmiddlewaretoken" value="', 1)[1].split('"', 1)[0]
    switched = client.post(
        "/i18n/setlang/", {"language": "en", "next": "/", "csrfmiddlewaretoken": token}
    )
    assert switched.status_code == 302


def test_the_header_of_a_cached_page_is_each_users_own(client, years, people):
    client.force_login(people["leadership"])
    cached_page(client, "/")
    client.force_login(people["appraiser"])
    page = client.get("/").content.decode()
    assert "appraiser" in page
    assert "leadership" not in page


def test_a_request_with_messages_to_show_is_neither_served_a_stored_page_nor_stored(
    client, rf, years
):
    cached_page(client, "/")
    request = rf.get("/")
    request.user = AnonymousUser()
    request.session = {}
    request._messages = FallbackStorage(request)
    messages.success(request, "Đã lưu.")
    response = home(request)
    assert not response.page_cache.page_hit
    assert response.page_cache.key is None  # not stored either
    assert "Đã lưu." in response.content.decode()


def test_a_saved_score_is_on_most_points_lost_at_once(client, years, people):
    client.force_login(people["leadership"])
    before = main(client.get("/mat-diem/?year=2024&group=SO"))
    assert main(client.get("/mat-diem/?year=2024&group=SO")) == before
    cached_page(client, "/mat-diem/?year=2024&group=SO")

    apply_score_changes(snv_2024(years), [ScoreChange("3.2", points=D("10"))])

    after = fresh_page(client, "/mat-diem/?year=2024&group=SO")
    assert (
        main(client.get("/mat-diem/?year=2024&group=SO"))
        == after[after.index("<main") : after.index("</main>")]
    )
    assert after[after.index("<main") : after.index("</main>")] != before


def test_a_recompute_after_a_write_that_sends_no_signal_is_on_the_page_at_once(
    client, years, people
):
    # A bulk update sends no signal: the recompute's results_version bump (results_changed)
    # is what gives the page a new generation, as whole pages carry no year stamps.
    client.force_login(people["leadership"])
    assert "99,00" in cached_page(client, "/?year=2024")
    Score.objects.filter(sheet=snv_2024(years), item__code="3.2").update(points=D("10"))
    recompute_year(years[2024])
    overview = fresh_page(client, "/?year=2024")
    assert "95,00" in overview
    assert "99,00" not in overview


def test_a_year_saved_is_on_the_visitors_page_at_once(client, years):
    # A visitor's hit reads no year from the database: saving a year replaces the generation.
    assert "Tỉnh Thử Nghiệm Mới" not in cached_page(client, "/")
    year = AssessmentYear.objects.get(pk=years[2023].pk)
    year.owner_name = "Tỉnh Thử Nghiệm Mới"
    year.save()
    assert "Tỉnh Thử Nghiệm Mới" in fresh_page(client, "/")


def test_a_visitors_hit_reads_nothing_from_the_database(client, years, django_assert_num_queries):
    cached_page(client, "/")
    cached_page(client, "/don-vi/SNV/")
    with django_assert_num_queries(0):
        assert client.get("/").page_cache.page_hit
        assert client.get("/don-vi/SNV/?utm=x").page_cache.page_hit


PUBLIC_FILES = [
    "/mo/ket-qua-2023.csv",
    "/mo/ket-qua-2023.json?group=SO",
    "/xuat/ket-qua-2023.xlsx",
    "/xuat/so-sanh.xlsx?from=2022&to=2023&group=SO",
    "/bao-cao/ket-qua-2023.docx",
]


@pytest.mark.parametrize("url", PUBLIC_FILES)
def test_a_visitors_public_file_is_served_from_the_cache_with_no_query(
    client, years, url, django_assert_num_queries
):
    first = client.get(url)
    assert first.status_code == 200
    with django_assert_num_queries(0):
        again = client.get(url)
    assert again.content == first.content
    assert again["Content-Type"] == first["Content-Type"]
    assert again.get("Content-Disposition") == first.get("Content-Disposition")


def test_a_renamed_unit_is_in_a_visitors_public_file_at_once(client, years):
    assert "Sở Nội vụ" in client.get("/mo/ket-qua-2023.csv").content.decode()
    client.get("/mo/ket-qua-2023.csv")
    unit = unit_named("SNV")
    unit.name = "Sở Nội vụ tỉnh"
    unit.save()
    assert "Sở Nội vụ tỉnh" in client.get("/mo/ket-qua-2023.csv").content.decode()


def test_a_visitors_file_is_not_served_to_a_signed_in_viewer(client, years, people):
    # The year in progress: a 404 for visitors (never stored), the file for the leadership.
    assert client.get("/xuat/ket-qua-2024.xlsx").status_code == 404
    visitor = client.get("/xuat/ket-qua-2023.xlsx").content
    client.force_login(people["leadership"])
    assert client.get("/xuat/ket-qua-2024.xlsx").status_code == 200
    assert client.get("/xuat/ket-qua-2023.xlsx").content != b""
    client.logout()
    assert client.get("/xuat/ket-qua-2024.xlsx").status_code == 404
    assert client.get("/xuat/ket-qua-2023.xlsx").content == visitor


@pytest.mark.parametrize("url", ["/", "/don-vi/SNV/", "/mo/", *PUBLIC_FILES])
def test_a_visitors_page_or_file_varies_on_the_cookie_also_from_the_cache(client, years, url):
    # A hit reads neither the session nor the language's cookie: a shared cache must still not
    # give the visitors' copy to someone signed in or in another language.
    for _ in range(2):
        response = client.get(url)
        assert response.status_code == 200
        assert "Cookie" in response["Vary"]


def test_a_save_in_a_year_in_progress_leaves_the_visitors_page_cached(client, years, people):
    # A visitor sees published years only: the week of the deadline's saves (sheets, scores,
    # explanation requests, the results of the year in progress) keep the public pages cached,
    # while the leadership's page of that year shows the new figure at once.
    visitor = Client()
    cached_page(visitor, "/")
    client.force_login(people["leadership"])
    assert "99,00" in cached_page(client, "/?year=2024")

    apply_score_changes(snv_2024(years), [ScoreChange("3.2", points=D("10"))])
    sheet = snv_2024(years)
    sheet.difficulties = "Thiếu nhân lực"
    sheet.save()

    assert visitor.get("/").page_cache.page_hit
    overview = fresh_page(client, "/?year=2024")
    assert "95,00" in overview and "99,00" not in overview
