"""End-to-end tests in headless Chromium (Debian's /usr/bin/chromium, driven by Playwright).

Run with the rest of the suite; skipped where Chromium is not installed (CI installs it).
Screenshots go to test-artifacts/ for a human to look at.
"""

import os
from pathlib import Path

import pytest

from tests.factories import PASSWORD

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"


@pytest.fixture(scope="module", autouse=True)
def _allow_orm_beside_playwright():
    # While Playwright's sync API is started, its event loop counts as running in this thread and
    # Django refuses ORM calls (the test's own data set-up and pytest-django's flush, which are
    # synchronous and safe). Allowed for each browser module only, set up before and torn down
    # after its browser, so the setting never leaks into other tests (or `check --deploy`).
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        yield


def pytest_collection_modifyitems(config, items):
    missing = not Path(CHROMIUM).exists()
    for item in items:
        if "tests/browser" in str(item.fspath):
            item.add_marker(pytest.mark.browser)
            if missing:
                item.add_marker(pytest.mark.skip(reason=f"Chromium not found at {CHROMIUM}"))


@pytest.fixture(scope="module")
def browser(_allow_orm_beside_playwright):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(
            executable_path=CHROMIUM,
            headless=True,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-quic",
                "--no-first-run",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(locale="vi-VN", viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(15_000)
    errors = []
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors on the page: {errors}"


@pytest.fixture
def phone_page(browser):
    context = browser.new_context(
        locale="vi-VN", viewport={"width": 390, "height": 844}, is_mobile=True, has_touch=True
    )
    page = context.new_page()
    page.set_default_timeout(15_000)
    yield page
    context.close()


def screenshot(page, name: str) -> Path:
    ARTIFACTS.mkdir(exist_ok=True)
    path = ARTIFACTS / f"{name}.png"
    page.screenshot(path=str(path), full_page=True)
    return path


def login(page, live_server, username: str, password: str = PASSWORD) -> None:
    page.goto(f"{live_server.url}/tai-khoan/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", password)
    # The login form's own button (the header's language switcher is a form too).
    page.click("main button[type=submit]")
    page.wait_for_load_state("networkidle")
