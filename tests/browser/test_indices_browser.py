"""The related indices in a real browser: a demo department's profile shows its PAR index, its
766 (monthly) and DTI (yearly) values on one time axis, at desktop and at phone width; the
ranking of a month. Screenshots in test-artifacts/ (indices-profile-*, indices-ranking-*)."""

import pytest

from demo import api as demo
from tests.browser.conftest import ARTIFACTS

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def loaded():
    demo.load_demo()


def test_a_departments_profile_shows_par_766_and_dti_on_one_time_axis(live_server, browser, loaded):
    for width in (1280, 390):
        context = browser.new_context(
            locale="vi-VN", viewport={"width": width, "height": 900}, reduced_motion="reduce"
        )
        page = context.new_page()
        errors = []
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(f"{live_server.url}/don-vi/SO-TP/")
        page.wait_for_load_state("networkidle")
        panel = page.locator("#chi-so-lien-quan")
        text = panel.inner_text()
        for expected in ("CCHC", "766", "DTI", "Mất điểm ở 766 kỳ 2026-11"):
            assert expected in text, f"{expected!r} missing at {width}px"
        canvas = panel.locator("canvas[data-chart]")
        canvas.scroll_into_view_if_needed()
        drawn = canvas.evaluate(
            """c => { const chart = Chart.getChart(c); return chart && {
                labels: chart.data.labels.length,
                first: chart.data.labels[0], last: chart.data.labels.at(-1),
                series: chart.data.datasets.map(d => [d.label, d.data.filter(v => v !== null).length]),
            }; }"""
        )
        # One axis of months from the first PAR year shown (2021) to November 2026.
        assert drawn["first"] == "01/2021" and drawn["last"] == "11/2026"
        series = dict(drawn["series"])
        assert series["766"] == 23 and series["DTI"] == 2 and series["CCHC"] >= 5
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        ARTIFACTS.mkdir(exist_ok=True)
        panel.screenshot(path=str(ARTIFACTS / f"indices-profile-{width}.png"))
        page.goto(f"{live_server.url}/chi-so/766/?period=2026-11&group=XA")
        page.wait_for_load_state("networkidle")
        assert "thứ 1/" in page.inner_text("#index-ranking")
        assert page.evaluate("document.documentElement.scrollWidth") <= width + 1
        page.screenshot(path=str(ARTIFACTS / f"indices-ranking-{width}.png"), full_page=True)
        context.close()
        assert not errors
