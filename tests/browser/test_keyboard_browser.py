"""A sheet and an appraisal completed with the keyboard alone (issue 15, part 8): every field and
button is reached with Tab from the top of the page, points are typed, buttons are pressed with
Enter. No mouse click, no `fill`. Marked `sweep`: CI runs it once, on PostgreSQL.
"""

from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from scoring.models import Score, Sheet, SheetState, YearState
from scoring.services.year_states import start_appraisal
from tests.factories import PASSWORD, make_unit, make_year, personas

pytestmark = [pytest.mark.django_db(transaction=True), pytest.mark.sweep]

CLAIM = {"1.1.1": "8,5", "1.1.2": "9", "1.2": "10", "2.1": "18", "2.2": "17,25"}
MOST_TABS = 400


def tab_to(page, selector: str) -> None:
    """Press Tab until the element `selector` has the focus (and fail if it is never reached)."""
    target = page.locator(selector)
    for _ in range(MOST_TABS):
        page.keyboard.press("Tab")
        if target.evaluate("element => element === document.activeElement"):
            return
    raise AssertionError(f"{selector} is not reached with the Tab key")


def field(name: str, code: str) -> str:
    return "#id_{}-{}".format(name, code.replace(".", "\\."))


def log_in_with_keyboard(page, url: str, username: str, next_path: str) -> None:
    page.context.clear_cookies()
    page.goto(f"{url}/tai-khoan/login/?next={next_path}")
    tab_to(page, "input[name=username]")
    page.keyboard.type(username)
    page.keyboard.press("Tab")
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_url(f"{url}{next_path}")
    page.wait_for_load_state("networkidle")


def type_points(page, name: str, values: dict[str, str]) -> None:
    """From the top of the page, Tab to each field in the page's order and type its points."""
    page.evaluate("window.scrollTo(0, 0); document.activeElement.blur()")
    for code, points in values.items():
        tab_to(page, field(name, code))
        page.keyboard.press("Control+A")
        page.keyboard.type(points)


def press_button(page, selector: str) -> None:
    """Tab to the button and press Enter: the page it posts to loads."""
    tab_to(page, selector)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    page.wait_for_load_state("networkidle")


def test_a_sheet_and_its_appraisal_are_completed_with_the_keyboard(live_server, page):
    year = make_year(2024, self_assessment_deadline=timezone.now() + timedelta(days=14))
    unit = make_unit("STP", "Sở Tư pháp")
    personas(unit, make_unit("SXD", "Sở Xây dựng"), make_unit("SNV", "Sở Nội vụ"))
    page.on("dialog", lambda dialog: dialog.accept())
    url = live_server.url

    # The unit's staff type every claim and save the draft.
    log_in_with_keyboard(page, url, "staff_a", "/phieu/STP/2024/")
    type_points(page, "self_points", CLAIM)
    press_button(page, "#sheet-form button:has-text('Lưu nháp')")
    assert "Đã lưu nháp phiếu tự đánh giá." in page.inner_text(".portal-messages")

    # The leader submits it (the confirmation dialog is accepted with the keyboard's Enter).
    log_in_with_keyboard(page, url, "leader_a", "/phieu/STP/2024/")
    press_button(page, "main button:has-text('Gửi phiếu')")
    sheet = Sheet.objects.get(unit=unit, year=year)
    assert sheet.state == SheetState.SUBMITTED

    # The appraiser appraises every item (the claim is right) and saves.
    start_appraisal(year, user=None)
    year.refresh_from_db()
    assert year.state == YearState.APPRAISAL
    log_in_with_keyboard(page, url, "appraiser", "/tham-dinh/STP/2024/")
    type_points(page, "points", CLAIM)
    # The sticky bar's save: in the background (htmx), the message in the bar's status.
    tab_to(page, "#appraisal-bar button:has-text('Lưu điểm thẩm định')")
    page.keyboard.press("Enter")
    expect(page.locator("#appraisal-status")).to_contain_text("Đã lưu điểm thẩm định.")
    appraised = dict(
        Score.objects.filter(sheet=sheet, item__method="appraisal").values_list(
            "item__code", "points"
        )
    )
    assert appraised == {
        "1.1.1": D("8.50"),
        "1.1.2": D("9.00"),
        "1.2": D("10.00"),
        "2.1": D("18.00"),
        "2.2": D("17.25"),
    }
