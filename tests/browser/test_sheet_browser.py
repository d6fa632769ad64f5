"""The self-assessment sheet in a real browser: running totals from the server (htmx), the
not-applicable box, saving a draft, and a page that works on a phone."""

from decimal import Decimal as D

import pytest
from playwright.sync_api import expect

from scoring.models import Evidence, Item, Score
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
    expect(page.locator("#domain-total-1")).to_have_text("Tự đánh giá 7,25 / 30,00")
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


PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"

DROP = """([selector, names]) => {
    const data = new DataTransfer();
    for (const name of names) {
        data.items.add(new File(["%PDF-1.4\\n%%EOF\\n"], name, {type: "application/pdf"}));
    }
    const zone = document.querySelector(selector);
    zone.dispatchEvent(new DragEvent("dragover", {dataTransfer: data, bubbles: true, cancelable: true}));
    zone.dispatchEvent(new DragEvent("drop", {dataTransfer: data, bubbles: true, cancelable: true}));
}"""


def test_evidence_is_dropped_or_picked_on_the_sheet_without_losing_what_is_typed(
    live_server, page, tmp_path
):
    year = make_year(2023)
    Item.objects.filter(framework__year=year, code="2.1").update(evidence_required=True)
    personas(make_unit("STP", "Sở Tư pháp"), make_unit("SXD"), make_unit("SNV"))
    log_in(page, live_server.url, "/phieu/STP/2023/")
    expect(page.locator("#progress-evidence")).to_have_text("0/1")

    # Typed, not saved; then two files dropped on item 2.1 and one picked for 1.1.1.
    page.fill("#id_self_points-1\\.1\\.1", "7,25")
    expect(page.locator("#progress-answered")).to_have_text("1/5")
    page.evaluate(DROP, ["#item-2\\.1", ["ke-hoach.pdf", "bao-cao.pdf"]])
    expect(page.locator("#item-2\\.1 .sheet-evidence")).to_contain_text(
        "Đã tải lên: “ke-hoach.pdf”, “bao-cao.pdf”."
    )
    picked = tmp_path / "quyet-dinh.pdf"
    picked.write_bytes(PDF)
    page.set_input_files("#item-1\\.1\\.1 [data-evidence-input]", str(picked))
    expect(page.locator("#item-1\\.1\\.1 .sheet-evidence")).to_contain_text("quyet-dinh.pdf")

    # The page stayed, the typed points are still there, the progress counts the evidence.
    expect(page.locator("#id_self_points-1\\.1\\.1")).to_have_value("7,25")
    expect(page.locator("#progress-evidence")).to_have_text("1/1")
    assert sorted(Evidence.objects.values_list("score__item__code", "original_name")) == [
        ("1.1.1", "quyet-dinh.pdf"),
        ("2.1", "bao-cao.pdf"),
        ("2.1", "ke-hoach.pdf"),
    ]
    assert not Score.objects.filter(self_points__isnull=False).exists()

    # A wrong file is named and nothing is stored; then the draft saves as usual.
    bad = tmp_path / "virus.pdf"
    bad.write_bytes(b"MZ\x90\x00" + b"\x00" * 60)
    page.set_input_files("#item-1\\.2 [data-evidence-input]", str(bad))
    expect(page.locator("#item-1\\.2 .sheet-evidence [role=alert]")).to_contain_text(
        "Tệp “virus.pdf” không phải PDF, Word, Excel hay ảnh"
    )
    screenshot(page, "sheet-evidence-dropped")
    page.click("#sheet-bar-save")
    page.wait_for_selector(".portal-messages")
    assert "Đã lưu nháp phiếu tự đánh giá." in page.inner_text(".portal-messages")
    assert Score.objects.get(item__code="1.1.1").self_points == D("7.25")
    assert Evidence.objects.count() == 3


def test_the_bar_stays_in_view_and_the_error_banner_leads_to_the_field(live_server, page):
    make_year(2023)
    personas(make_unit("STP", "Sở Tư pháp"), make_unit("SXD"), make_unit("SNV"))
    log_in(page, live_server.url, "/phieu/STP/2023/")

    page.fill("#id_self_points-2\\.2", "99")
    page.click("#sheet-bar-save")
    banner = page.locator("#sheet-errors")
    expect(banner).to_contain_text("Tiêu chí 2.2 · Điểm tự đánh giá: Điểm 99,00 vượt điểm tối đa")
    banner.locator("a[href='#id_self_points-2.2']").click()
    expect(page.locator("#id_self_points-2\\.2")).to_be_focused()

    page.click("#sheet-jump-toggle")
    page.click(".sheet-jump a[href='#domain-2']")
    # The jump may scroll smoothly: measure once the bar has reached the top.
    for _ in range(50):  # (wait_for_function would need 'unsafe-eval', which the CSP forbids)
        box = page.locator("#sheet-bar").bounding_box()
        if box is not None and abs(box["y"]) < 1:
            break
        page.wait_for_timeout(100)
    bar = page.locator("#sheet-bar").bounding_box()
    heading = page.locator("#domain-title-2").bounding_box()
    assert bar is not None and heading is not None
    assert bar["y"] == 0  # stuck to the top while scrolled
    assert heading["y"] >= bar["height"]  # the heading lands below the bar, not under it
