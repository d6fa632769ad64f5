"""The pages run under the strict Content-Security-Policy in a real browser: no violation.

Each page is opened in headless Chromium with a listener for `securitypolicyviolation` events
(installed before any page script, which the policy does not apply to) and for console errors
about the policy. A positive control proves the listener sees a violation when one happens.
"""

from pathlib import Path

import pytest

from scoring.models import AssessmentYear, Framework, YearState
from tests.browser.conftest import CHROMIUM
from tests.factories import PASSWORD, make_small_province, personas
from units.models import Unit

pytestmark = [
    pytest.mark.browser,
    pytest.mark.skipif(not Path(CHROMIUM).exists(), reason=f"Chromium not found at {CHROMIUM}"),
    pytest.mark.django_db(transaction=True),
]

LISTENER = """
window.__csp = [];
document.addEventListener("securitypolicyviolation", function (e) {
  window.__csp.push(e.violatedDirective + " " + (e.blockedURI || "inline") + " " + e.sourceFile);
});
"""


@pytest.fixture
def watched(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    context.add_init_script(LISTENER)
    page = context.new_page()
    page.set_default_timeout(15_000)
    problems = []
    page.on("pageerror", lambda error: problems.append(f"pageerror: {error}"))
    page.on(
        "console",
        lambda message: (
            problems.append(f"console: {message.text}")
            if message.type == "error" and "Content Security Policy" in message.text
            else None
        ),
    )
    yield page, problems
    context.close()


def violations(page) -> list[str]:
    return page.evaluate("window.__csp")


def log_in(page, base: str, username: str) -> None:
    page.goto(f"{base}/tai-khoan/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")


def open_page(page, url: str) -> None:
    response = page.goto(url)
    assert response.status < 400, (url, response.status)
    page.wait_for_load_state("networkidle")


@pytest.fixture
def province(db):
    year = make_small_province()
    personas(
        Unit.objects.get(code="STP"), Unit.objects.get(code="SCT"), Unit.objects.get(code="SNV")
    )
    return year


def test_the_home_page_and_the_dashboards_run_without_a_violation(live_server, watched, province):
    page, problems = watched
    AssessmentYear.objects.filter(pk=province.pk).update(state=YearState.PUBLISHED)
    for path in ["/", "/don-vi/SNV/", "/so-sanh/", "/mat-diem/", "/mo/"]:
        open_page(page, f"{live_server.url}{path}")
        assert violations(page) == [], path
    # The charts were drawn by the static scripts from json_script data.
    open_page(page, f"{live_server.url}/")
    assert page.locator("canvas").count() >= 1
    assert problems == []


def test_a_sheet_runs_without_a_violation_while_it_is_filled(live_server, watched, province):
    page, problems = watched
    log_in(page, live_server.url, "staff_a")
    open_page(page, f"{live_server.url}/phieu/STP/2023/")
    page.fill("#id_self_points-1\\.1\\.1", "7,25")
    page.wait_for_load_state("networkidle")
    assert violations(page) == []
    assert problems == []


def test_the_two_factor_setup_page_shows_its_qr_code_without_a_violation(
    live_server, watched, province
):
    page, problems = watched
    log_in(page, live_server.url, "appraiser")
    open_page(page, f"{live_server.url}/tai-khoan/xac-thuc-hai-buoc/thiet-lap/")
    width = page.evaluate("document.querySelector('img.portal-otp-qr').naturalWidth")
    assert width > 0
    assert violations(page) == []
    assert problems == []


def test_the_admin_runs_under_its_policy_without_a_violation(live_server, watched, province):
    page, problems = watched
    log_in(page, live_server.url, "admin")
    framework = Framework.objects.first()
    for path in ["", "scoring/framework/", f"scoring/framework/{framework.pk}/change/"]:
        open_page(page, f"{live_server.url}/admin/{path}")
        assert violations(page) == [], path
    assert problems == []


def test_the_listener_does_see_a_violation(live_server, watched, db):
    page, _problems = watched
    open_page(page, f"{live_server.url}/")
    page.evaluate(
        "() => { const s = document.createElement('script'); s.textContent = 'window.x = 1';"
        " document.body.appendChild(s); }"
    )
    page.wait_for_function("window.__csp.length > 0")
    assert violations(page)[0].startswith("script-src-elem inline")
    assert page.evaluate("window.x") is None
