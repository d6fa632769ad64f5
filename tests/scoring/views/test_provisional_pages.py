"""Provisional figures on every dashboard, for those who may see the year in progress: each is
marked "tạm tính" with its appraisal progress, and a change or rank movement of a year not
published is never shown as a final rise or fall. The overview opens on the latest published
year."""

import json
import re

import pytest

from tests.factories import make_user, personas
from tests.scoring.selectors.dashboard_data import appraise_partly, build_province, unit_named
from tests.scoring.views.test_home import group_key, ranking_rows

pytestmark = pytest.mark.django_db

# 2024 (in appraisal) per tests/scoring/selectors/dashboard_data.py `appraise_partly`.
PROVISIONAL_PAGES = {
    "overview": ("/?year=2024&group=SO", ["đã thẩm định 15/20 lượt tiêu chí · 2/4 đơn vị xong"]),
    "profile": ("/don-vi/SCT/?year=2024", ["đã thẩm định 3/5 tiêu chí"]),
    "move-up": ("/don-vi/SCT/2024/nang-hang/", ["đã thẩm định 3/5 tiêu chí"]),
    "compare": (
        "/so-sanh/?from=2023&to=2024&group=SO",
        ["Năm 2024:", "đã thẩm định 15/20 lượt tiêu chí · 2/4 đơn vị xong", ">3/5<"],
    ),
    "most-lost": (
        "/mat-diem/?year=2024&group=SO&item=1.1.2",
        ["đã thẩm định 15/20 lượt tiêu chí · 2/4 đơn vị xong", ">2/5<"],
    ),
}


@pytest.fixture
def years():
    years = build_province()
    appraise_partly(years[2024])
    return years


@pytest.fixture
def leader(client, years):
    people = personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    client.force_login(people["leadership"])
    return client


def text_of(html: str) -> str:
    return " ".join(re.sub(r"<[^>]+>", " ", html).split())


@pytest.mark.parametrize("page", list(PROVISIONAL_PAGES))
def test_each_dashboard_marks_provisional_figures_with_their_progress(leader, page):
    url, texts = PROVISIONAL_PAGES[page]
    response = leader.get(url)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="provisional-label"' in html
    for text in texts:
        assert text in html, (page, text)
    # Never a final-looking fall: no red ▼ anywhere on a page of the year in progress.
    assert "delta-down" not in html and "▼" not in text_of(html), page


def test_the_ranking_shows_each_units_progress_and_its_movement_as_provisional(leader):
    rows = ranking_rows(leader.get("/?year=2024&group=SO").content.decode(), group_key("SO"))
    assert [row[:1] + row[5:] for row in rows] == [
        ["thứ 1/4", "99,00", "Xuất sắc", "+2,14 tạm tính", "0 tạm tính", "5/5 Đang soạn"],
        ["thứ 2/4", "90,00", "Khá", "−2,03 tạm tính", "+1 tạm tính", "5/5 Đang soạn"],
        ["thứ 3/4", "25,00", "Yếu", "−70,00 tạm tính", "−1 tạm tính", "3/5 Đang soạn"],
        ["thứ 4/4", "10,00", "Yếu", "−40,00 tạm tính", "0 tạm tính", "2/5 Đang soạn"],
    ]


def test_the_overviews_cards_bands_and_charts_are_marked(leader):
    html = leader.get("/?year=2024&group=SO").content.decode()
    assert html.count('class="kpi-value provisional"') == 3  # average, highest, lowest
    assert 'Xếp loại: <span class="provisional-label">tạm tính</span>' in html
    key = group_key("SO")
    chart = json.loads(
        html.split(f'id="chart-index-{key}" type="application/json">')[1].split("<")[0]
    )
    assert chart["datasets"][0]["provisional"] == [True] * 4
    assert chart["options"]["provisionalLabel"] == "tạm tính"
    assert "Cột gạch chéo: số liệu tạm tính." in html


def test_the_profile_headline_and_history_of_a_year_in_progress(leader):
    response = leader.get("/don-vi/SCT/?year=2024")
    profile = response.context["profile"]
    assert (profile.index_change, profile.rank_move) == (-70, -1)  # computed as ever
    html = response.content.decode()
    headline = text_of(html.split('id="headline"')[1].split("</section>")[0])
    assert "25,00" in headline and "đã thẩm định 3/5 tiêu chí" in headline
    assert "−70,00 tạm tính" in headline and "Hạng: −1 tạm tính" in headline
    assert "Kết quả năm 2024 chưa công bố" in headline
    history = json.loads(html.split('id="chart-history" type="application/json">')[1].split("<")[0])
    assert history["labels"] == ["2023", "2024"]
    assert history["datasets"][0]["provisional"] == [False, True]
    assert "Nét đứt, điểm rỗng: số liệu tạm tính" in html


def test_the_comparison_with_a_year_in_progress_is_not_final(leader):
    html = leader.get("/so-sanh/?from=2023&to=2024&group=SO").content.decode()
    table = html.split('id="compare-units"')[1].split("</table>")[0]
    assert "−70,00 tạm tính" in text_of(table)
    assert "delta-up" not in table and "delta-down" not in table
    chart = json.loads(html.split('id="chart-compare" type="application/json">')[1].split("<")[0])
    assert chart["datasets"][0].get("provisional") is None  # 2023 is published
    assert chart["datasets"][1]["provisional"] == [True] * 4


def test_a_published_year_carries_no_provisional_mark(leader):
    for url in ("/?year=2023", "/so-sanh/?from=2022&to=2023", "/mat-diem/?year=2023"):
        html = leader.get(url).content.decode()
        assert "delta-provisional" not in html and "provisional-progress" not in html, url
        assert '"provisional"' not in html and "provisional-label" not in html, url
    # A published year's profile is final; only the year in progress in its history is marked.
    html = leader.get("/don-vi/SLDTBXH/?year=2023").content.decode()
    headline = html.split('id="headline"')[1].split("</section>")[0]
    assert "provisional" not in headline and "▼ 4,97" in text_of(headline)
    history = json.loads(html.split('id="chart-history" type="application/json">')[1].split("<")[0])
    assert history["datasets"][0]["provisional"] == [False, False, True]


def test_the_overview_opens_on_the_latest_published_year_for_a_leader(leader):
    response = leader.get("/")
    assert response.context["year"].year == 2023
    html = response.content.decode()
    assert "Kết quả Chỉ số CCHC năm 2023" in html
    # The year in progress is still there to choose.
    assert '<option value="2024">2024 (tạm tính)</option>' in html


@pytest.mark.parametrize("persona", ["appraiser", "admin"])
def test_every_viewer_of_provisional_figures_opens_on_the_published_year(client, years, persona):
    people = personas(unit_named("SNV"), unit_named("SCT"), unit_named("SYT"))
    client.force_login(people[persona])
    for url in ("/", "/don-vi/SNV/", "/mat-diem/"):
        assert client.get(url).context["year"].year == 2023, url


def test_without_a_published_year_the_overview_opens_on_the_newest(client, db):
    from tests.scoring.selectors.dashboard_data import scored_year

    scored_year(2023, units={"SNV": "10 10 10 20 20 15 15"})
    scored_year(2024, units={"SNV": "10 10 10 20 15 15 15"})
    client.force_login(make_user("lanhdao", "leadership", unit_named("SNV")))
    response = client.get("/")
    assert response.context["year"].year == 2024
    assert "tạm tính" in response.content.decode()


def test_the_progress_shown_follows_the_appraisal_at_once(leader, years):
    from tests.factories import make_sheet, score

    assert "đã thẩm định 15/20 lượt tiêu chí" in leader.get("/?year=2024").content.decode()
    score(make_sheet(unit_named("SYT"), years[2024]), **{"1.2": "5"})
    html = leader.get("/?year=2024").content.decode()
    assert "đã thẩm định 16/20 lượt tiêu chí" in html
    assert ranking_rows(html, group_key("SO"))[-1][-1] == "3/5 Đang soạn"
