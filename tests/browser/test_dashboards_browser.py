"""The dashboards in a real browser, as a visitor would open them: headline figures on the page
(Vietnamese number format), charts drawn, and a screenshot at desktop and at phone width.

Data: tests/scoring/dashboard_data.py (Sở LĐ-TB&XH 2023: 65,81 + 26,22 = 92,03, Khá, thứ 3/4).
"""

import pytest

from tests.browser.conftest import login, screenshot
from tests.scoring.selectors.dashboard_data import build_province

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = [
    # (name, address, texts the page must show)
    (
        "overview",
        "/?year=2023&group=SO",
        ["Kết quả Chỉ số CCHC năm 2023", "92,03", "thứ 3/4", "96,86"],
    ),
    ("profile", "/don-vi/SLDTBXH/?year=2023", ["92,03", "Khá", "thứ 3/4", "65,81"]),
    ("move-up", "/don-vi/SLDTBXH/2023/nang-hang/", ["92,03", "Tốt"]),
    ("compare", "/so-sanh/?from=2022&to=2023&group=SO", ["97,00", "92,03"]),
    ("most-lost", "/mat-diem/?year=2023&group=SO", ["2.1"]),
    ("open-data", "/mo/", ["2023"]),
]


@pytest.fixture
def province():
    return build_province()


@pytest.mark.parametrize(("name", "path", "texts"), PAGES, ids=[p[0] for p in PAGES])
def test_each_dashboard_shows_its_headline_figures_on_desktop_and_phone(
    live_server, page, phone_page, province, name, path, texts
):
    for viewer, width in ((page, 1280), (phone_page, 390)):
        response = viewer.goto(f"{live_server.url}{path}")
        assert response.status == 200
        viewer.wait_for_load_state("networkidle")
        body = viewer.inner_text("main")
        for text in texts:
            assert text in body, f"{name} at {width}px lacks {text!r}"
        assert "92.03" not in body  # never the unformatted figure
        # Wide tables scroll inside their box; the page itself never scrolls sideways.
        assert viewer.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(viewer, f"dashboard-{name}-{width}")


def test_the_overview_draws_its_charts(live_server, page, province):
    page.goto(f"{live_server.url}/?year=2023&group=SO")
    page.wait_for_load_state("networkidle")
    # The charts of the tab in view (the other groups' tabs are drawn when opened).
    visible = page.locator("canvas[data-chart]:visible")
    assert visible.count() >= 2
    for index in range(visible.count()):
        # Chart.js registers every canvas it has drawn on.
        assert visible.nth(index).evaluate("c => Boolean(window.Chart && Chart.getChart(c))")


PROVISIONAL_PAGES = [
    # (name, address, texts the page must show): 2024 is being appraised (appraise_partly).
    (
        "overview",
        "/?year=2024&group=SO",
        ["tạm tính", "đã thẩm định 15/20 lượt tiêu chí", "25,00", "3/5"],
    ),
    ("profile", "/don-vi/SCT/?year=2024", ["tạm tính", "đã thẩm định 3/5 tiêu chí", "−70,00"]),
]


@pytest.fixture
def province_in_appraisal():
    from tests.factories import personas
    from tests.scoring.selectors.dashboard_data import appraise_partly, unit_named

    years = build_province()
    appraise_partly(years[2024])
    personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    return years


@pytest.mark.parametrize(
    ("name", "path", "texts"), PROVISIONAL_PAGES, ids=[p[0] for p in PROVISIONAL_PAGES]
)
def test_a_leader_sees_provisional_figures_marked_on_desktop_and_phone(
    live_server, page, phone_page, province_in_appraisal, name, path, texts
):
    for viewer, width in ((page, 1280), (phone_page, 390)):
        login(viewer, live_server, "leadership")
        response = viewer.goto(f"{live_server.url}{path}")
        assert response.status == 200
        viewer.wait_for_load_state("networkidle")
        body = viewer.inner_text("main")
        for text in texts:
            assert text in body, f"{name} at {width}px lacks {text!r}"
        assert "▼" not in body  # a fall of the year in progress is never shown as final
        assert viewer.evaluate("document.documentElement.scrollWidth") <= width + 1
        screenshot(viewer, f"dashboard-provisional-{name}-{width}")


def test_provisional_figures_are_hatched_and_dashed_in_the_charts(
    live_server, page, province_in_appraisal
):
    login(page, live_server, "leadership")
    page.goto(f"{live_server.url}/?year=2024&group=SO")
    page.wait_for_load_state("networkidle")
    canvas = page.locator("canvas[data-source^='chart-index-']:visible").first
    # Each provisional bar is filled with a pattern (hatched), not a plain colour.
    fills = canvas.evaluate(
        "c => Chart.getChart(c).data.datasets[0].backgroundColor.map(f => typeof f)"
    )
    assert fills == ["object"] * 4

    page.goto(f"{live_server.url}/don-vi/SCT/?year=2024")
    page.wait_for_load_state("networkidle")
    history = page.locator("canvas[data-source='chart-history']")
    # The line into the year in progress is dashed; the one between published years is not.
    dashes = history.evaluate(
        """c => { const meta = Chart.getChart(c).getDatasetMeta(0);
                  return meta.dataset.segments.map(s => s.style && s.style.borderDash || []); }"""
    )
    assert dashes and dashes[-1] == [6, 4]
    # Its tooltip says so.
    point = history.evaluate(
        """c => { const chart = Chart.getChart(c), meta = chart.getDatasetMeta(0);
                  const p = meta.data[meta.data.length - 1], r = c.getBoundingClientRect();
                  return {x: r.left + p.x, y: r.top + p.y}; }"""
    )
    page.mouse.move(point["x"], point["y"])
    page.wait_for_timeout(300)
    tooltip = history.evaluate("c => Chart.getChart(c).tooltip.body.map(b => b.lines.join(' '))")
    assert tooltip == ["Chỉ số (%): 25,00% (tạm tính)"]
