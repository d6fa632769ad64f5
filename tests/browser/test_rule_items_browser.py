"""Items scored by rule in a real browser, at 1280 and 390 px: typing a value on the sheet or the
appraisal page shows the points the server computes by the rule, and saving keeps them."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from scoring.models import AssessmentYear, Score, YearState
from scoring.services.frameworks import ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.browser.conftest import login, screenshot
from tests.factories import make_group, make_sheet, make_unit, personas

pytestmark = pytest.mark.django_db(transaction=True)

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow(
        "1.1",
        "Tỷ lệ hồ sơ TTHC giải quyết trực tuyến toàn trình",
        D(1),
        "appraisal",
        rule="threshold 80:1 50:0.5 0:0",
        na_allowed=True,
    ),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến CCHC được công nhận", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", D(1)),
    ItemRow("D.1", "Chậm gửi báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
    ItemRow("D.2", "Vi phạm kỷ luật", D(2), "deduction", rule="yes_no"),
]


def build(state: str) -> AssessmentYear:
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(year, group, [("Tốt", D(90)), ("Khá", D(70)), ("Yếu", D(0))])
    AssessmentYear.objects.filter(pk=year.pk).update(state=state)
    year.refresh_from_db()
    personas(make_unit("STP", "Sở Tư pháp"), make_unit("SXD"), make_unit("SNV"))
    return year


def stored(code: str) -> Score:
    return Score.objects.get(item__code=code)


@pytest.mark.parametrize("width", [1280, 390])
def test_typing_a_value_on_the_sheet_shows_its_points_and_saving_keeps_them(
    live_server, browser, width
):
    build(YearState.SELF_ASSESSMENT)
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    login(page, live_server, "staff_a")
    page.goto(f"{live_server.url}/phieu/STP/2026/")

    # "Không áp dụng" empties and disables the value, as it does points.
    page.fill("#id_self_value-1\\.1", "50")
    page.check("#id_na-1\\.1")
    expect(page.locator("#id_self_value-1\\.1")).to_be_disabled()
    expect(page.locator("#id_self_value-1\\.1")).to_have_value("")
    page.uncheck("#id_na-1\\.1")
    page.fill("#id_self_value-1\\.1", "79,9")
    expect(page.locator("#rule-points-1\\.1")).to_have_text("đạt 79,9 → 0,50 điểm")
    page.fill("#id_self_value-1\\.1", "80")
    expect(page.locator("#rule-points-1\\.1")).to_have_text("đạt 80 → 1,00 điểm")
    page.fill("#id_self_points-1\\.2", "7")
    expect(page.locator("#self-total")).to_have_text("8,00 / 9,00")
    page.fill("#id_self_value-D\\.1", "2")
    expect(page.locator("#rule-points-D\\.1")).to_have_text("2 lần → 0,50 điểm")
    page.select_option("#id_self_value-D\\.2", "0")
    expect(page.locator("#rule-points-D\\.2")).to_have_text("Không → 0,00 điểm")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#item-1\\.1").screenshot(path=str(screenshot(page, f"rule-sheet-{width}")))

    page.click("button:has-text('Lưu nháp')")
    page.wait_for_selector(".portal-messages")

    assert (stored("1.1").self_value, stored("1.1").self_points) == (D(80), D(1))
    assert (stored("D.1").self_value, stored("D.1").self_points) == (D(2), D("0.5"))
    expect(page.locator("#rule-points-1\\.1")).to_have_text("đạt 80 → 1,00 điểm")
    expect(page.locator("#id_self_value-1\\.1")).to_have_value("80")
    context.close()


@pytest.mark.parametrize("width", [1280, 390])
def test_the_appraisers_correct_a_value_and_see_its_points_as_they_type(
    live_server, browser, width
):
    year = build(YearState.APPRAISAL)
    from scoring.models import Sheet
    from units.models import Unit

    sheet = make_sheet(Unit.objects.get(code="STP"), year)
    apply_score_changes(
        sheet,
        [ScoreChange("1.1", self_value=D(85)), ScoreChange("1.2", self_points=D(8))],
        source="test",
    )
    assert Sheet.objects.count() == 1
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="vi-VN")
    page = context.new_page()
    login(page, live_server, "appraiser")
    page.goto(f"{live_server.url}/tham-dinh/STP/2026/")

    page.fill("#id_value-1\\.1", "60")
    expect(page.locator("#appraisal-rule-points-1\\.1")).to_have_text("đạt 60 → 0,50 điểm")
    page.fill("#id_reason-1\\.1", "Số liệu hệ thống: 60%.")
    assert page.evaluate("document.documentElement.scrollWidth") <= width
    page.locator("#item-1\\.1").screenshot(path=str(screenshot(page, f"rule-appraisal-{width}")))
    page.click("#domain-1 button:has-text('Lưu lĩnh vực 1')")
    expect(page.locator("#domain-1 [data-dirty-note]")).to_be_hidden()

    score = stored("1.1")
    assert (score.value, score.points, score.reason) == (D(60), D("0.5"), "Số liệu hệ thống: 60%.")
    page.reload()
    expect(page.locator("#id_value-1\\.1")).to_have_value("60")
    expect(page.locator("#appraisal-rule-points-1\\.1")).to_have_text("đạt 60 → 0,50 điểm")
    context.close()
