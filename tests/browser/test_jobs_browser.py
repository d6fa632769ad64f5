"""Long work in a real browser: an administrator starts a year's export, the job's page waits,
the worker runs it, and the page's progress part (htmx, every second) turns to the outcome and
the file without a reload."""

import pytest
from playwright.sync_api import expect

from scoring.models import YearState
from tests.browser.conftest import login
from tests.factories import make_sheet, make_unit, make_year, personas
from tests.queue import run_jobs

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_jobs_page_follows_the_worker_to_the_file(live_server, page):
    year = make_year(2024, state=YearState.APPRAISAL)
    unit = make_unit("SNV", "Sở Nội vụ")
    personas(unit, make_unit("STP", "Sở Tư pháp"), make_unit("HDTD", "Hội đồng thẩm định"))
    make_sheet(unit, year)
    login(page, live_server, "admin")

    page.goto(f"{live_server.url}/quan-tri/viec-nen/")
    page.select_option("#id_export-what", "export_sheets_xlsx")
    page.click("#export-form button[type=submit]")
    expect(page.locator("#job-state")).to_have_text("Đang chờ")
    url = page.url

    assert run_jobs() == 1  # the worker, while the page is open

    expect(page.locator("#job-state")).to_have_text("Xong", timeout=10_000)
    assert page.url == url  # no reload: htmx replaced the progress part
    expect(page.locator("#job-message")).to_contain_text("Đã xuất phiếu của 1 đơn vị.")
    with page.expect_download() as download:
        page.click("#job-file")
    assert download.value.suggested_filename == "phieu-2024.xlsx"
