"""The yearly workflow end to end in a real browser: the unit's staff fill the sheet and attach
evidence, the leader submits, the admin opens the appraisal, the appraiser appraises and asks for
an explanation, the unit answers, the appraiser sets the second-round points and closes the
request, the admin publishes, and the public ranking shows the unit's index."""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Item,
    Result,
    Score,
    Sheet,
    SheetState,
    YearState,
)
from scoring.permissions import survey_units
from scoring.services.survey import save_survey
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_sheet, make_unit, make_year, personas, score

pytestmark = pytest.mark.django_db(transaction=True)

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


def log_in_as(page, url: str, username: str, next_path: str) -> None:
    """Sign out whoever was signed in, sign in as `username` and land on `next_path`."""
    page.context.clear_cookies()
    page.goto(f"{url}/tai-khoan/login/?next={next_path}")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def message(page) -> str:
    return page.inner_text(".portal-messages")


def field(name: str, code: str) -> str:
    """The CSS selector of a sheet field: item codes hold dots, escaped in an id selector."""
    return "#id_{}-{}".format(name, code.replace(".", "\\."))


def test_a_year_goes_from_the_units_entry_to_the_published_ranking(
    live_server, page, phone_page, tmp_path
):
    year = make_year(2024, self_assessment_deadline=timezone.now() + timedelta(days=14))
    Item.objects.filter(framework__year=year, code="1.1.1").update(evidence_required=True)
    unit = make_unit("STP", "Sở Tư pháp")
    other = make_unit("SXD", "Sở Xây dựng")
    people = personas(unit, other, make_unit("SNV", "Sở Nội vụ"))
    # The other unit of the group, appraised already: 94,00, ahead of the unit in the ranking.
    score(make_sheet(other, year), **{"1.1.1": 10, "1.1.2": 10, "1.2": 10, "2.1": 15, "2.2": 20})
    Sheet.objects.filter(unit=other, year=year).update(state=SheetState.SUBMITTED)
    save_survey(
        year,
        {"STP": {"3.1": D("13.5"), "3.2": D("12.9")}, "SXD": {"3.1": D("14"), "3.2": D("15")}},
        user=people["admin"],
        allowed_units=survey_units(people["admin"], year),
    )
    evidence_file = tmp_path / "ke-hoach-cchc-2024.pdf"
    evidence_file.write_bytes(PDF)
    page.on("dialog", lambda dialog: dialog.accept())
    url = live_server.url

    # 1. The unit's staff: self points with a decimal comma, a note, the draft, the evidence.
    log_in_as(page, url, "staff_a", "/phieu/STP/2024/")
    claim = {"1.1.1": "8,5", "1.1.2": "9", "1.2": "10", "2.1": "18", "2.2": "17,25"}
    for code, points in claim.items():
        page.fill(field("self_points", code), points)
    page.fill(field("note", "1.1.1"), "Kế hoạch số 12/KH-STP ban hành ngày 15/01/2024.")
    expect(page.locator("#self-total")).to_have_text("62,75 / 70,00")
    page.click("button:has-text('Lưu nháp')")
    assert "Đã lưu nháp phiếu tự đánh giá." in message(page)
    screenshot(page, "workflow-1-self-assessment")

    # The evidence goes from the sheet itself (htmx), without leaving it.
    page.set_input_files("#item-1\\.1\\.1 [data-evidence-input]", str(evidence_file))
    expect(page.locator("#item-1\\.1\\.1 .sheet-evidence")).to_contain_text(
        "Đã tải lên: “ke-hoach-cchc-2024.pdf”."
    )

    # 2. The leader submits (with the confirmation dialog).
    log_in_as(page, url, "leader_a", "/phieu/STP/2024/")
    page.click("button:has-text('Gửi phiếu')")
    assert "Đã gửi phiếu tự đánh giá. Phiếu đã khóa đối với đơn vị." in message(page)
    screenshot(page, "workflow-2-submitted")
    sheet = Sheet.objects.get(unit=unit, year=year)
    assert (sheet.state, sheet.submitted_by) == (SheetState.SUBMITTED, people["leader_a"])
    assert sorted(
        sheet.scores.filter(item__method="appraisal").values_list("item__code", "self_points")
    ) == [
        ("1.1.1", D("8.50")),
        ("1.1.2", D("9.00")),
        ("1.2", D("10.00")),
        ("2.1", D("18.00")),
        ("2.2", D("17.25")),
    ]
    assert sheet.scores.get(item__code="1.1.1").note == (
        "Kế hoạch số 12/KH-STP ban hành ngày 15/01/2024."
    )
    assert list(Evidence.objects.filter(score__sheet=sheet).values_list("original_name")) == [
        ("ke-hoach-cchc-2024.pdf",)
    ]

    # 3. The admin closes the self-assessment.
    log_in_as(page, url, "admin", "/nam/2024/quan-ly/")
    page.click("button:has-text('Chuyển sang thẩm định')")
    assert "Năm 2024 đã chuyển sang thẩm định." in message(page)
    expect(page.locator("#year-state")).to_have_text("Đang thẩm định")

    # 4. The appraiser: points, a reason where they differ, an explanation request on 2.1.
    log_in_as(page, url, "appraiser", "/tham-dinh/STP/2024/")
    expect(page.locator("#item-1\\.1\\.1 [data-self-points]")).to_have_text("8,50")
    page.fill(field("points", "1.1.1"), "8,5")
    page.fill(field("points", "1.1.2"), "8")
    page.fill(field("reason", "1.1.2"), "Chưa hoàn thành 1/10 nhiệm vụ của kế hoạch.")
    page.fill(field("points", "1.2"), "10")
    page.fill(field("points", "2.1"), "15")
    page.fill(field("reason", "2.1"), "Thiếu minh chứng công khai TTHC trên cổng thông tin.")
    page.fill(field("points", "2.2"), "17,25")
    # The sticky bar's save: in the background, its message in the bar (no reload).
    page.click("#appraisal-bar button:has-text('Lưu điểm thẩm định')")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã lưu điểm thẩm định.")
    page.click("#item-2\\.1 summary")
    page.fill("#question-2\\.1", "Đề nghị gửi đường dẫn công khai các TTHC trên cổng thông tin.")
    page.click("#item-2\\.1 button:has-text('Gửi yêu cầu')")
    expect(page.locator("#appraisal-status")).to_contain_text(
        "Đã gửi yêu cầu giải trình tiêu chí 2.1 đến đơn vị."
    )
    screenshot(page, "workflow-3-appraisal")

    # 5. The unit answers on its sheet.
    log_in_as(page, url, "staff_a", "/phieu/STP/2024/")
    expect(page.locator("#sheet-explanations")).to_contain_text("Tiêu chí 2.1 · vòng 1")
    expect(page.locator("#sheet-explanations")).to_contain_text("Cần trả lời")
    page.click("#sheet-explanations >> text=Tiêu chí 2.1 · vòng 1")
    page.fill("#id_answer", "Các TTHC đã công khai tại dichvucong.tinh.gov.vn từ ngày 20/02/2024.")
    page.set_input_files("input[name=files]", str(evidence_file))
    page.click("button:has-text('Gửi giải trình')")
    assert "Đã gửi giải trình đến Hội đồng thẩm định." in message(page)
    expect(page.locator("#explanation-state")).to_have_text("Đã giải trình")
    screenshot(page, "workflow-4-explanation")

    # 6. The appraiser reads the answer, sets the second-round points and closes the request.
    log_in_as(page, url, "appraiser", "/tham-dinh/STP/2024/")
    expect(page.locator("#item-2\\.1")).to_contain_text("Các TTHC đã công khai tại dichvucong")
    page.fill(field("points", "2.1"), "17,5")
    page.fill(
        field("reason", "2.1"), "Đã bổ sung minh chứng khi giải trình; công khai chậm 0,5 điểm."
    )
    page.click("#appraisal-bar button:has-text('Lưu điểm thẩm định')")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã lưu điểm thẩm định.")
    page.click("#item-2\\.1 button:has-text('Đóng yêu cầu (đã xử lý)')")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã đóng yêu cầu giải trình.")
    explanation = ExplanationRequest.objects.get(score__sheet=sheet)
    assert (explanation.round, explanation.state) == (1, ExplanationState.CLOSED)
    assert explanation.answered_by == people["staff_a"]
    rounds = Score.history.filter(sheet_id=sheet.pk, item__code="2.1").order_by("history_date")
    assert [record.points for record in rounds if record.points is not None] == [
        D("15.00"),
        D("17.50"),
    ]

    # 7. The admin publishes.
    log_in_as(page, url, "admin", "/nam/2024/quan-ly/")
    page.click("button:has-text('Công bố kết quả')")
    assert "Đã công bố kết quả năm 2024" in message(page)
    expect(page.locator("#year-state")).to_have_text("Đã công bố")
    assert AssessmentYear.objects.get(year=2024).state == YearState.PUBLISHED

    # 8. Anyone sees the unit's result in the public ranking.
    page.context.clear_cookies()
    page.goto(f"{url}/")
    row = page.locator("table.table-ranking tbody tr", has_text="Sở Tư pháp")
    expect(row.locator("td.index")).to_have_text("87,65")
    expect(row.locator("td.rank")).to_have_text("thứ 2/2")
    expect(row).to_contain_text("61,25")
    expect(row).to_contain_text("26,40")
    expect(row).to_contain_text("Khá")
    screenshot(page, "workflow-5-ranking")
    result = Result.objects.get(unit=unit, year=year)
    assert (result.appraisal, result.survey, result.total, result.index) == (
        D("61.25"),
        D("26.40"),
        D("87.65"),
        D("87.65"),
    )
    assert (result.band_label, result.rank) == ("Khá", 2)

    # 9. And on a phone.
    phone_page.goto(f"{url}/")
    row = phone_page.locator("table.table-ranking tbody tr", has_text="Sở Tư pháp")
    expect(row.locator("td.index")).to_have_text("87,65")
    assert phone_page.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone_page, "workflow-6-ranking-phone")
