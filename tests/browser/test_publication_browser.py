"""Publishing the demo's 2026, still in appraisal, in a real browser: the administrator is
refused with the list of what is open, records a decision for one unit and sees it on that
unit's result. Screenshots of the readiness check and of the result at both widths."""

import pytest

from demo import api as demo
from scoring.models import AssessmentYear, PublicationDecision, YearState
from tests.browser.conftest import login, screenshot

pytestmark = pytest.mark.django_db(transaction=True)

REASON = "Tiêu chí 3.3.2 còn chờ giải trình: công bố theo kết quả thẩm định hiện có."


@pytest.fixture
def loaded():
    demo.load_demo()


def test_publishing_mid_appraisal_is_refused_then_a_decision_shows_on_the_result(
    live_server, page, phone_page, loaded
):
    login(page, live_server, "admin", demo.PASSWORD)
    page.goto(f"{live_server.url}/nam/2026/quan-ly/")
    assert "Còn" in page.inner_text("#readiness-state")
    page.on("dialog", lambda dialog: dialog.accept())  # "Công bố kết quả?"
    page.click("#year-actions button:has-text('Công bố kết quả')")
    page.wait_for_load_state("networkidle")

    body = page.inner_text("main")
    assert "Chưa thể công bố kết quả năm 2026: còn việc chưa xong." in body
    assert "mục, liệt kê ở phần “Kiểm tra trước khi công bố”" in body
    listed = page.inner_text("#readiness-unit-SO-TP")
    assert "Sở Tư pháp" in listed and "1 yêu cầu giải trình chưa đóng" in listed
    assert AssessmentYear.objects.get(year=2026).state == YearState.APPRAISAL
    screenshot(page, "publication-refused-1280")

    row = page.locator("#readiness-unit-SO-TP")
    row.locator("summary").click()
    row.locator("textarea[name=reason]").fill(REASON)
    row.locator("button:has-text('Ghi quyết định')").click()
    page.wait_for_load_state("networkidle")
    assert "Đã ghi quyết định công bố cho Sở Tư pháp." in page.inner_text("main")
    assert "Công bố theo quyết định" in page.inner_text("#readiness-unit-SO-TP")
    assert PublicationDecision.objects.get(unit__code="SO-TP").decided_by.username == "admin"

    for viewer, width in ((page, 1280), (phone_page, 390)):
        if viewer is phone_page:
            login(viewer, live_server, "admin", demo.PASSWORD)
            viewer.goto(f"{live_server.url}/nam/2026/quan-ly/")
            screenshot(viewer, "publication-readiness-390")
            assert viewer.evaluate("document.documentElement.scrollWidth") <= width + 1
        viewer.goto(f"{live_server.url}/don-vi/SO-TP/?year=2026")
        note = viewer.inner_text("#publication-note")
        assert REASON in note and "Công bố theo quyết định" in note
        assert viewer.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(viewer, f"publication-note-{width}")
