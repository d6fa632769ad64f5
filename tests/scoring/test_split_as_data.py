"""The appraisal/survey split as data (issue 16): a framework of 65 appraisal + 35 survey points,
and one whose total is 80 (60 + 20), shown and computed from their own maxima in the pages, the
exports and the `results` command; nothing assumes 70, 30 or 100."""

import csv
import io
import json
from decimal import Decimal as D

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import AssessmentYear, Result, YearState
from scoring.services.frameworks import replace_framework, set_bands
from tests.factories import BANDS, item_rows, make_group, make_sheet, make_unit, score
from tests.scoring.exchange.test_commands import run

SIXTY_FIVE = [
    ("1", "Chỉ đạo, điều hành", None, ""),
    ("1.1", "Kế hoạch CCHC", D("40"), "appraisal"),
    ("1.2", "Kiểm tra CCHC", D("25"), "appraisal"),
    ("2", "Mức độ hài lòng", None, "survey"),
    ("2.1", "Hài lòng về phục vụ", D("35"), "survey"),
]
EIGHTY = [
    ("1", "Chỉ đạo, điều hành", None, ""),
    ("1.1", "Kế hoạch CCHC", D("60"), "appraisal"),
    ("2", "Mức độ hài lòng", None, "survey"),
    ("2.1", "Hài lòng về phục vụ", D("20"), "survey"),
]


@pytest.fixture
def year(db):
    year = AssessmentYear.objects.create(year=2026, owner_name="Tỉnh Thử Nghiệm")
    for code, rows in (("SO", SIXTY_FIVE), ("XA", EIGHTY)):
        group = make_group(code)
        replace_framework(year, group, item_rows(rows))
        set_bands(year, group, BANDS)
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    year.refresh_from_db()
    score(make_sheet(make_unit("S1", "Sở Một"), year), **{"1.1": 40, "1.2": 20, "2.1": 30})
    score(make_sheet(make_unit("X1", "Xã Một", group="XA"), year), **{"1.1": 50, "2.1": 15})
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    year.refresh_from_db()
    return year


def test_the_results_follow_each_frameworks_own_maxima(year):
    so = Result.objects.get(unit__code="S1")
    assert (so.appraisal, so.survey, so.total, so.max_points, so.index) == (
        D("60.00"),
        D("30.00"),
        D("90.00"),
        D("100.00"),
        D("90.00"),
    )
    xa = Result.objects.get(unit__code="X1")
    # 65 of 80: the index is on the framework's own total, not on 100.
    assert (xa.total, xa.max_points, xa.index, xa.band_label) == (
        D("65.00"),
        D("80.00"),
        D("81.25"),
        "Khá",
    )


def test_the_results_command(year):
    records = {r["code"]: r for r in json.loads(run("results", year=2026, format="json"))}
    assert {k: records["X1"][k] for k in ("appraisal", "survey", "total", "max", "index")} == {
        "appraisal": "50.00",
        "survey": "15.00",
        "total": "65.00",
        "max": "80.00",
        "index": "81.25",
    }
    assert records["S1"]["max"] == "100.00" and records["S1"]["index"] == "90.00"
    rows = list(csv.DictReader(io.StringIO(run("results", year=2026, format="csv"))))
    assert [(r["code"], r["max"], r["index"]) for r in rows] == [
        ("S1", "100.00", "90.00"),
        ("X1", "80.00", "81.25"),
    ]
    table = run("results", year=2026)
    assert "81,25" in table and "65,00" in table


def test_the_ranking_shows_each_groups_maxima(client, year):
    so = client.get(reverse("home"), {"year": 2026, "group": "SO"}).content.decode()
    assert "/ 65,00" in so and "/ 35,00" in so
    xa = client.get(reverse("home"), {"year": 2026, "group": "XA"}).content.decode()
    assert "/ 60,00" in xa and "/ 20,00" in xa
    assert "/ 70,00" not in so + xa and "/ 30,00" not in so + xa


def test_the_profile_shows_the_units_own_maxima(client, year):
    page = client.get(reverse("unit_profile", args=["X1"]), {"year": 2026}).content.decode()
    assert "Điểm thẩm định 50,00/60,00 · điểm điều tra xã hội học 15,00/20,00" in page
    page = client.get(reverse("unit_profile", args=["S1"]), {"year": 2026}).content.decode()
    assert "Điểm thẩm định 60,00/65,00 · điểm điều tra xã hội học 30,00/35,00" in page


def test_the_ranking_export(client, year):
    response = client.get(reverse("export_ranking", args=[2026, "xlsx"]), {"group": "XA"})
    ws = load_workbook(io.BytesIO(response.content))["XA"]
    header = [cell.value for cell in ws[5]]
    row = dict(zip(header, [cell.value for cell in ws[6]], strict=True))
    assert (row["Điểm thẩm định"], row["Điểm ĐTXHH"], row["Tổng điểm"]) == (50, 15, 65)
    assert (row["Điểm tối đa áp dụng"], row["Chỉ số (%)"]) == (80, 81.25)
