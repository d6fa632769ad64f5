"""Chart labels are never clipped (issue 15, part 4): every chart of the dashboards, at 390 and
1280 px, read through Chart.js's own layout of its tick labels.

For each drawn chart, each scale's label items (`_labelItems`: the text, its font, its anchor and
alignment as Chart.js drew it) are measured in the chart's own canvas context; a label whose box
runs past the canvas's edge is clipped. Data: the demo (its units' full names, the longest of
which, "Ban Quản lý các Khu kinh tế và Khu công nghiệp tỉnh", is wider than half a phone).
"""

import pytest

from demo import api as demo

pytestmark = pytest.mark.django_db(transaction=True)

PAGES = ["/", "/don-vi/SO-TP/", "/mat-diem/", "/so-sanh/?from=2024&to=2025"]
WIDTHS = (390, 1280)

# Each label of each scale of the chart drawn on canvas `c`, with its box in canvas pixels.
LABEL_BOXES = """c => {
  const chart = Chart.getChart(c), context = chart.ctx, boxes = [];
  for (const scale of Object.values(chart.scales)) {
    if (scale.type === "radialLinear") continue;
    for (const item of scale._labelItems || []) {
      context.save();
      context.font = item.font.string;
      const lines = [].concat(item.label).map(String);
      const width = Math.max(...lines.map(line => context.measureText(line).width));
      context.restore();
      const [x, y] = item.options.translation;
      const align = item.options.textAlign;
      const left = align === "right" ? x - width : align === "center" ? x - width / 2 : x;
      boxes.push({scale: scale.id, label: lines.join(" "), left: left, right: left + width,
                  rotation: item.options.rotation, y: y});
    }
  }
  return {source: c.dataset.source, width: chart.width, height: chart.height, boxes: boxes};
}"""


def clipped(chart: dict) -> list[str]:
    return [
        f"{chart['source']} {box['scale']} “{box['label']}”: {box['left']:.0f}…{box['right']:.0f}"
        f" of {chart['width']:.0f} px"
        for box in chart["boxes"]
        if box["rotation"] == 0 and (box["left"] < -0.5 or box["right"] > chart["width"] + 0.5)
    ]


def charts_on(page) -> list[dict]:
    page.wait_for_load_state("networkidle")
    page.wait_for_function(
        "() => [...document.querySelectorAll('canvas[data-chart]')]"
        ".filter(c => c.offsetParent).every(c => Chart.getChart(c))"
    )
    canvases = page.locator("canvas[data-chart]:visible")
    return [canvases.nth(i).evaluate(LABEL_BOXES) for i in range(canvases.count())]


@pytest.fixture
def loaded():
    demo.load_demo()


def test_no_chart_label_is_clipped_on_a_phone_or_a_desktop(live_server, browser, loaded):
    problems: list[str] = []
    seen: list[str] = []
    for width in WIDTHS:
        context = browser.new_context(
            locale="vi-VN", viewport={"width": width, "height": 900}, reduced_motion="reduce"
        )
        page = context.new_page()
        addresses = list(PAGES)
        page.goto(f"{live_server.url}/")
        # The overview's other groups, each in its own tab (?group=…).
        addresses += page.locator("a[data-bs-toggle='tab'][href^='?']").evaluate_all(
            "links => links.map(a => '/' + a.getAttribute('href'))"
        )
        for address in addresses:
            page.goto(f"{live_server.url}{address}")
            for chart in charts_on(page):
                seen.append(f"{width} {address} {chart['source']}")
                assert chart["boxes"], f"{chart['source']} on {address} has no labels"
                problems += [f"{width}px {address}: {p}" for p in clipped(chart)]
        context.close()

    # Every page has its charts: the overview's index and domain charts per group, the unit's
    # domains and history, the points lost, the comparison.
    sources = {entry.split()[-1] for entry in seen}
    assert {"chart-domains", "chart-history", "chart-lost", "chart-compare"} <= sources, seen
    assert any(s.startswith("chart-index-") for s in sources), seen
    assert problems == [], "\n".join(problems)


def test_a_shortened_label_keeps_its_whole_name_in_the_tooltip(live_server, browser, loaded):
    context = browser.new_context(locale="vi-VN", viewport={"width": 390, "height": 900})
    page = context.new_page()
    page.goto(f"{live_server.url}/")
    chart = page.locator("canvas[data-source^='chart-index-']:visible").first
    page.wait_for_function("c => Chart.getChart(c)", arg=chart.element_handle())

    names = chart.evaluate(
        """c => { const chart = Chart.getChart(c), y = chart.scales.y;
                  return chart.data.labels.map((name, i) => [name, y.getLabelForValue(i),
                                                             y.ticks[i].label]); }"""
    )

    shortened = [(name, shown) for name, _, shown in names if shown != name]
    assert shortened, "no name is too long for a phone: the demo's names changed?"
    for name, shown in shortened:
        assert shown.endswith("…") and name.startswith(shown[:-1].rstrip())
    # The tooltip reads the data's label, not the tick's: the whole name.
    assert all(full == name for name, full, _ in names)
    context.close()
