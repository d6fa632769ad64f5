"""The appraisal sheet as an appraiser works it: a domain saved in the background keeps one's
place and what is typed elsewhere, an explanation request mid-page drops no typed points, the
filter, the bulk "accept the claim", and the warning before leaving with changes not saved."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from scoring.models import ExplanationRequest, Score, YearState
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.browser.conftest import login, screenshot
from tests.factories import make_sheet, make_unit, make_year, personas

pytestmark = pytest.mark.django_db(transaction=True)


def escaped(code: str) -> str:
    """An item code in an id selector: its dots escaped."""
    return code.replace(".", "\\.")


def field(name: str, code: str) -> str:
    return f"#id_{name}-{escaped(code)}"


def item(code: str) -> str:
    return f"#item-{escaped(code)}"


def points(code: str):
    return Score.objects.get(sheet__unit__code="STP", item__code=code).points


def test_an_appraiser_saves_domain_by_domain_without_losing_place_or_typed_points(
    live_server, browser
):
    year = make_year(2024, state=YearState.APPRAISAL)
    unit = make_unit("STP", "Sở Tư pháp")
    personas(unit, make_unit("SXD"), make_unit("SNV", "Sở Nội vụ"))
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1.1", self_points=D("10"), points=D("10")),
            ScoreChange("1.1.2", self_points=D("8")),
            ScoreChange("1.2", self_points=D("10")),
            ScoreChange("2.1", self_points=D("20")),
            ScoreChange("2.2", self_points=D("15")),
        ],
        source="test",
    )
    # A short window: the page scrolls, and the sticky bar stays in view.
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 600})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors: list[str] = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    asked: list[str] = []

    def answer(dialog):
        # Leaving with changes not saved: recorded and refused (stay); any other: accepted.
        if dialog.type == "beforeunload":
            asked.append(dialog.type)
            dialog.dismiss()
        else:
            dialog.accept()

    page.on("dialog", answer)
    login(page, live_server, "appraiser")
    page.goto(f"{live_server.url}/tham-dinh/STP/2024/")
    page.evaluate("window.notReloaded = true")
    expect(page.locator("#appraisal-progress")).to_contain_text("Đã thẩm định 1/5 tiêu chí")

    # Points typed in both domains, not saved.
    page.fill(field("points", "1.1.2"), "8")
    page.fill(field("points", "2.1"), "18")
    page.fill(field("reason", "2.1"), "Công khai chưa đầy đủ.")
    expect(page.locator("[data-unsaved-note]")).to_be_visible()

    # An explanation request mid-page: the typed points stay.
    page.click(f"{item('1.2')} summary")
    page.fill("#question-1\\.2", "Đề nghị gửi kế hoạch tuyên truyền.")
    page.click(f"{item('1.2')} button:has-text('Gửi yêu cầu')")
    expect(page.locator("#appraisal-status")).to_contain_text(
        "Đã gửi yêu cầu giải trình tiêu chí 1.2 đến đơn vị."
    )
    assert ExplanationRequest.objects.filter(score__item__code="1.2").count() == 1
    expect(page.locator(field("points", "1.1.2"))).to_have_value("8")
    expect(page.locator(field("points", "2.1"))).to_have_value("18")

    # Domain 1 saved from its own button: the place and domain 2's typed points stay.
    page.locator("#domain-1 button[name='linh-vuc']").scroll_into_view_if_needed()
    before = page.evaluate("window.scrollY")
    page.click("#domain-1 button[name='linh-vuc']")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã lưu điểm thẩm định lĩnh vực 1.")
    assert page.evaluate("window.notReloaded") is True
    assert abs(page.evaluate("window.scrollY") - before) < 5
    expect(page.locator("#appraisal-bar")).to_be_in_viewport()
    expect(page.locator("#appraisal-progress")).to_contain_text("Đã thẩm định 2/5 tiêu chí")
    expect(page.locator(field("points", "2.1"))).to_have_value("18")
    assert (points("1.1.2"), points("2.1")) == (D("8.00"), None)
    expect(page.locator("[data-unsaved-note]")).to_be_visible()  # domain 2 still holds changes

    # The filter shows the items not yet appraised, and back.
    page.select_option("[data-item-filter]", "unappraised")
    expect(page.locator(item("1.1.2"))).to_be_hidden()
    expect(page.locator(item("2.1"))).to_be_visible()
    page.select_option("[data-item-filter]", "open-request")  # the request sent above
    expect(page.locator(item("1.2"))).to_be_visible()
    expect(page.locator(item("2.1"))).to_be_hidden()
    expect(page.locator("#domain-2")).to_be_hidden()
    page.select_option("[data-item-filter]", "")
    expect(page.locator(item("1.1.2"))).to_be_visible()

    # Accept the claim of 2.2 in domain 2: saved with what is typed in the domain.
    page.check("#accept-2\\.2")
    page.click("#domain-2 button[name='chap-nhan']")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã lưu điểm thẩm định lĩnh vực 2.")
    assert (points("2.1"), points("2.2")) == (D("18.00"), D("15.00"))
    expect(page.locator("[data-unsaved-note]")).to_be_hidden()
    expect(page.locator("#appraisal-progress")).to_contain_text("Đã thẩm định 4/5 tiêu chí")
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "appraisal-sheet-domains")

    # A refused save keeps the typed value, with its error, and saves nothing.
    page.fill(field("points", "1.2"), "7")
    page.click("#domain-1 button[name='linh-vuc']")
    expect(page.locator("#appraisal-errors")).to_contain_text("cần ghi lý do")
    expect(page.locator(field("points", "1.2"))).to_have_value("7")
    assert points("1.2") is None

    # Leaving with changes not saved asks first (and stays when refused).
    page.click(".breadcrumb a")
    page.wait_for_timeout(500)
    assert asked == ["beforeunload"]
    assert page.url.endswith("/tham-dinh/STP/2024/")
    context.close()
    assert not errors, errors


def test_without_javascript_an_explanation_request_keeps_the_typed_points(live_server, browser):
    year = make_year(2024, state=YearState.APPRAISAL)
    unit = make_unit("STP", "Sở Tư pháp")
    personas(unit, make_unit("SXD"), make_unit("SNV", "Sở Nội vụ"))
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1.1", self_points=D("10")),
            ScoreChange("1.1.2", self_points=D("8")),
            ScoreChange("1.2", self_points=D("10")),
            ScoreChange("2.1", self_points=D("20")),
        ],
        source="test",
    )
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, java_script_enabled=False
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    login(page, live_server, "appraiser")
    page.goto(f"{live_server.url}/tham-dinh/STP/2024/")

    # Points typed in both domains, then a request mid-page (the <details> opens without script).
    page.fill(field("points", "1.1.2"), "8")
    page.fill(field("points", "2.1"), "18")
    page.fill(field("reason", "2.1"), "Công khai chưa đầy đủ.")
    page.click(f"{item('1.2')} summary")
    page.fill("#question-1\\.2", "Đề nghị gửi kế hoạch tuyên truyền.")
    page.click(f"{item('1.2')} button:has-text('Gửi yêu cầu')")

    # A new page, at the item: the request sent, the typed points still there, not saved.
    page.wait_for_url("**/yeu-cau/1.2/#item-1.2")
    expect(page.locator("#appraisal-status")).to_contain_text(
        "Đã gửi yêu cầu giải trình tiêu chí 1.2 đến đơn vị."
    )
    assert ExplanationRequest.objects.filter(score__item__code="1.2").count() == 1
    expect(page.locator(field("points", "1.1.2"))).to_have_value("8")
    expect(page.locator(field("points", "2.1"))).to_have_value("18")
    expect(page.locator(field("reason", "2.1"))).to_have_value("Công khai chưa đầy đủ.")
    assert (points("1.1.2"), points("2.1")) == (None, None)
    expect(page.locator("#domain-1 [data-dirty-note]")).to_be_visible()
    expect(page.locator("#domain-2 [data-dirty-note]")).to_be_visible()
    screenshot(page, "appraisal-sheet-no-script-request")

    # The whole sheet saved from the bar: the typed points are stored.
    page.click("#appraisal-bar button:has-text('Lưu điểm thẩm định')")
    page.wait_for_url("**/tham-dinh/STP/2024/")
    assert (points("1.1.2"), points("2.1")) == (D("8.00"), D("18.00"))
    context.close()
