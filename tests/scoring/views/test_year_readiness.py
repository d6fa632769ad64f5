"""The readiness check on the year's management page, the decisions recorded there, and where a
decision shows once published: the unit's result, the ranking export, open data."""

import csv
import io

import pytest
from django.urls import reverse

from scoring.models import PublicationDecision, Sheet, SheetState, YearState
from tests.factories import FULL_MARKS, make_sheet, make_unit, make_year, personas, score

pytestmark = pytest.mark.django_db

REASON = "Không nộp phiếu: chấm theo kết quả thẩm định."


@pytest.fixture
def world():
    year = make_year(2023, state=YearState.APPRAISAL)
    stp, sxd = make_unit("STP", "Sở Tư pháp"), make_unit("SXD", "Sở Xây dựng")
    people = personas(stp, sxd, make_unit("SNV", "Sở Nội vụ"))
    for unit in (stp, sxd):
        score(make_sheet(unit, year), **FULL_MARKS)
    Sheet.objects.filter(unit=sxd).update(state=SheetState.SUBMITTED)
    return year, people


def manage(client):
    return client.get(reverse("year_manage", args=[2023]))


def test_the_page_lists_each_open_unit_with_links_to_where_it_is_fixed(client, world):
    _year, people = world
    client.force_login(people["admin"])
    page = manage(client).content.decode()
    assert "Kiểm tra trước khi công bố" in page
    assert "Còn 1 đơn vị chưa xong" in page
    assert 'id="readiness-unit-STP"' in page and 'id="readiness-unit-SXD"' not in page
    assert f'href="{reverse("sheet", args=["STP", 2023])}">Phiếu chưa gửi</a>' in page


def test_publishing_is_refused_with_one_message_pointing_to_the_list(client, world):
    year, people = world
    client.force_login(people["admin"])
    response = client.post(reverse("year_publish", args=[2023]), follow=True)
    assert response.redirect_chain[-1][0] == "/nam/2023/quan-ly/#readiness"
    shown = [str(m) for m in response.context["messages"]]
    assert shown == [
        "Chưa thể công bố kết quả năm 2023: còn việc chưa xong. Hãy hoàn tất, hoặc ghi quyết "
        "định công bố (có lý do) cho từng đơn vị còn thiếu: 1 mục, liệt kê ở phần “Kiểm tra "
        "trước khi công bố”."
    ]
    year.refresh_from_db()
    assert year.state == YearState.APPRAISAL


def test_a_decision_without_a_reason_is_refused_on_the_page(client, world):
    _year, people = world
    client.force_login(people["admin"])
    response = client.post(reverse("year_decision", args=[2023, "STP"]), {"reason": "  "})
    assert response.status_code == 400
    assert "Cần ghi lý do của quyết định công bố." in response.content.decode()
    assert not PublicationDecision.objects.exists()


def test_a_recorded_decision_is_shown_then_published_with_the_result(client, world):
    _year, people = world
    client.force_login(people["admin"])
    response = client.post(
        reverse("year_decision", args=[2023, "STP"]), {"reason": REASON}, follow=True
    )
    assert "Đã ghi quyết định công bố cho Sở Tư pháp." in response.content.decode()
    assert "Sẵn sàng công bố" in response.content.decode()

    client.post(reverse("year_publish", args=[2023]))

    note = "Công bố theo quyết định: Không nộp phiếu: chấm theo kết quả thẩm định. (admin,"
    client.logout()
    profile = client.get("/don-vi/STP/?year=2023").content.decode()
    assert note in profile
    assert note not in client.get("/don-vi/SXD/?year=2023").content.decode()
    rows = list(
        csv.DictReader(io.StringIO(client.get("/mo/ket-qua-2023.csv").content.decode("utf-8-sig")))
    )
    assert {row["code"]: row["publication_note"][: len(note)] for row in rows} == {
        "STP": note,
        "SXD": "",
    }
    export = client.get("/xuat/ket-qua-2023.csv").content.decode("utf-8-sig")
    assert "Ghi chú công bố" in export
    assert note in export


def test_a_decision_can_be_withdrawn_before_publishing(client, world):
    year, people = world
    client.force_login(people["admin"])
    client.post(reverse("year_decision", args=[2023, "STP"]), {"reason": REASON})
    client.post(reverse("year_decision_withdraw", args=[2023, "STP"]))
    assert not PublicationDecision.objects.filter(year=year).exists()
