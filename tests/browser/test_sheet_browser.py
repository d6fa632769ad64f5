"""The self-assessment sheet in a real browser: running totals from the server (htmx), the
not-applicable box, saving a draft, and a page that works on a phone."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from scoring.models import Score
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_unit, make_year, personas

pytestmark = pytest.mark.django_db(transaction=True)


def log_in(page, url: str, next_path: str) -> None:
    page.goto(f"{url}/tai-khoan/login/?next={next_path}")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_the_unit_fills_its_sheet_and_sees_running_totals(live_server, page):
    make_year(2023)
    personas(make_unit("STP", "Sở Tư pháp"), make_unit("SXD"), make_unit("SNV"))
    log_in(page, live_server.url, "/phieu/STP/2023/")

    page.fill("#id_self_points-1\\.1\\.1", "7,25")
    page.fill("#id_self_points-2\\.1", "12.5")
    expect(page.locator("#self-total")).to_have_text("19,75 / 70,00")
    expect(page.locator("#domain-total-1")).to_have_text("Tự chấm 7,25 / 30,00")
    page.check("#id_na-2\\.2")
    expect(page.locator("#self-total")).to_have_text("19,75 / 50,00")
    expect(page.locator("#id_self_points-2\\.2")).to_be_disabled()

    page.click("button:has-text('Lưu nháp')")
    page.wait_for_selector(".portal-messages")

    assert "Đã lưu nháp phiếu tự đánh giá." in page.inner_text(".portal-messages")
    assert sorted(Score.objects.values_list("item__code", "self_points", "not_applicable")) == [
        ("1.1.1", D("7.25"), False),
        ("2.1", D("12.50"), False),
        ("2.2", None, True),
    ]


def test_the_sheet_reads_on_a_phone(live_server, phone_page):
    make_year(2023)
    personas(make_unit("STP", "Sở Tư pháp"), make_unit("SXD"), make_unit("SNV"))
    log_in(phone_page, live_server.url, "/phieu/STP/2023/")

    width = phone_page.evaluate("document.documentElement.scrollWidth")

    assert width <= 390
    assert phone_page.is_visible("#id_self_points-1\\.1\\.1")
    screenshot(phone_page, "sheet-phone")
