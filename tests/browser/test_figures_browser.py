"""Figures that add up at a glance, in a real browser: the axis of a chart of indices starts near
its figures, and colours keep one meaning (red is a decline, never the top of a ranking).

Data: tests/scoring/selectors/dashboard_data.py (2023, Sở: 96,86 · 95,00 · 92,03 · 50,00).
"""

import pytest

from tests.scoring.selectors.dashboard_data import build_province

pytestmark = pytest.mark.django_db(transaction=True)

DECLINE = "rgb(200, 16, 46)"  # portal.css --portal-down


@pytest.fixture
def province():
    return build_province()


def test_the_index_chart_starts_its_axis_near_the_lowest_index(live_server, page, province):
    page.goto(f"{live_server.url}/?year=2023&group=SO")
    page.wait_for_load_state("networkidle")
    canvas = page.locator("canvas[data-source^='chart-index-']:visible").first

    scale = canvas.evaluate("c => { const x = Chart.getChart(c).scales.x; return [x.min, x.max]; }")

    assert scale == [40, 100]  # 50,00 − 5 = 45, down to 40


def test_the_top_ranks_are_not_painted_in_the_colour_of_a_decline(live_server, page, province):
    page.goto(f"{live_server.url}/?year=2023&group=SO")
    page.wait_for_load_state("networkidle")
    table = page.locator("table.table-ranking:visible").first

    top = table.locator("td.rank-1").first.evaluate("td => getComputedStyle(td).color")
    decline = page.evaluate(
        "() => getComputedStyle(document.documentElement).getPropertyValue('--portal-down').trim()"
    )

    assert decline == "#c8102e"
    assert top != DECLINE


def test_no_chart_series_is_drawn_in_red(live_server, page, province):
    page.goto(f"{live_server.url}/so-sanh/?from=2022&to=2023&group=SO")
    page.wait_for_load_state("networkidle")
    canvas = page.locator("canvas[data-chart]:visible").first

    colours = canvas.evaluate("c => Chart.getChart(c).data.datasets.map(d => d.borderColor)")

    assert len(colours) == 2
    assert "#c8102e" not in colours
