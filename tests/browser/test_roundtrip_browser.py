"""The Excel round trip in a real browser: from the sheet page, download the file, change three
values offline, upload it, see exactly those three in the preview, confirm, see them saved."""

from decimal import Decimal as D

import pytest
from openpyxl import load_workbook
from playwright.sync_api import expect

from scoring.models import Score
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.browser.conftest import screenshot
from tests.factories import PASSWORD, make_sheet, make_unit, make_year, personas

pytestmark = pytest.mark.django_db(transaction=True)


ROWS = {"1.1.1": 10, "1.2": 12, "2.1": 14}  # sheet rows of the items in the downloaded file


def log_in(page, url: str, next_path: str) -> None:
    page.goto(f"{url}/tai-khoan/login/?next={next_path}")
    page.fill("input[name=username]", "staff_a")
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_url(f"**{next_path}")


def test_a_unit_round_trips_its_sheet_through_excel(live_server, page, tmp_path):
    year = make_year(2024)
    unit = make_unit("SNV", "Sở Nội vụ")
    personas(unit, make_unit("STP", "Sở Tư pháp"), make_unit("HDTD", "Hội đồng thẩm định"))
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [ScoreChange("1.1.1", self_points=D("8"), note="Đã ban hành")],
        source="form",
    )
    log_in(page, live_server.url, "/phieu/SNV/2024/")

    page.click(".export-buttons >> text=Nhập từ Excel")
    expect(page.locator("h1")).to_have_text("Nhập từ Excel: Tự đánh giá")
    with page.expect_download() as download:
        page.click("#roundtrip-download")
    path = tmp_path / download.value.suggested_filename
    download.value.save_as(path)
    assert path.name == "nhap-self-snv-2024.xlsx"

    book = load_workbook(path)
    ws = book.active
    ws.cell(row=ROWS["1.1.1"], column=6).value = 9.5
    ws.cell(row=ROWS["1.2"], column=6).value = 7
    ws.cell(row=ROWS["2.1"], column=7).value = "Công khai trên Cổng dịch vụ công"
    filled = tmp_path / "da-dien.xlsx"
    book.save(filled)

    page.set_input_files("#id_file", str(filled))
    page.click("#roundtrip-form button[type=submit]")
    rows = page.locator("#roundtrip-changes tbody tr")
    expect(rows).to_have_count(3)
    assert [" | ".join(r.split("\t")) for r in rows.all_inner_texts()] == [
        "10 | 1.1.1 Ban hành kế hoạch đúng hạn | Điểm tự đánh giá | 8,00 | 9,50",
        "12 | 1.2 Tuyên truyền CCHC | Điểm tự đánh giá | – | 7,00",
        "14 | 2.1 Công bố, công khai TTHC | Ghi chú của đơn vị | – | Công khai trên Cổng dịch vụ công",
    ]
    assert Score.objects.get(item__code="1.1.1").self_points == D("8")  # nothing saved yet
    screenshot(page, "roundtrip-preview")

    page.click("#roundtrip-confirm")
    page.wait_for_url("**/phieu/SNV/2024/")
    expect(page.locator(".portal-messages")).to_contain_text("Đã cập nhật 3 ô từ tệp Excel.")
    expect(page.locator("#id_self_points-1\\.1\\.1")).to_have_value("9,50")
    expect(page.locator("#id_self_points-1\\.2")).to_have_value("7,00")
    expect(page.locator("#id_note-2\\.1")).to_have_value("Công khai trên Cổng dịch vụ công")
    screenshot(page, "roundtrip-saved")

    page.goto(f"{live_server.url}/phieu/SNV/2024/lich-su/1.1.1/")
    expect(page.locator("main")).to_contain_text("9,50")
    latest = Score.history.filter(item__code="1.1.1").latest("history_date")
    assert (latest.history_change_reason, latest.history_user.username) == ("upload", "staff_a")
