"""Years of three decimals (issue 13) everywhere a figure leaves the portal: pages, exports,
reports, open data, commands; a year of two decimals still shows two; a comparison shows each
year's figure with its own decimals. Also the self-assessment report's rule items, sections and
cap reason, the points-lost sentence with a deduction and a bonus, and the results importer's
bonus, deduction and cap_reason (round trip)."""

import csv
import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from docx import Document
from openpyxl import load_workbook

from scoring.exchange import exports, reports
from scoring.exchange.exports import tables
from scoring.exchange.opendata import records_to_csv, result_records
from scoring.models import AssessmentYear, Result, ResultSource, Sheet, YearState
from scoring.selectors import tracker
from scoring.selectors.comparison import compare
from scoring.selectors.province import overview
from scoring.services.frameworks import CapRow, ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import FULL_MARKS, csv_file, make_group, make_sheet, make_unit, make_year
from tests.factories import personas as make_personas
from units.models import UnitGroup

pytestmark = pytest.mark.django_db

#: "91,65" not followed by a third decimal: the 3-decimal figure cut to two.
CUT = re.compile(r"91,65(?!\d)")


def publish(year: AssessmentYear) -> AssessmentYear:
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    year.refresh_from_db()
    return year


def claim_and_grant(sheet: Sheet, points: dict[str, str]) -> Sheet:
    """The unit claims and the appraisers grant the same points (the survey items: points)."""
    changes = [
        ScoreChange(code, points=D(value))
        if code.startswith("3.")
        else ScoreChange(code, self_points=D(value), points=D(value))
        for code, value in points.items()
    ]
    return apply_score_changes(sheet, changes, source="test")


@pytest.fixture
def years():
    """2022 with two decimals (SNV 92.03), 2023 with three (SNV 91.651), both published."""
    old = make_year(2022)
    new = make_year(2023, decimals=3)
    unit = make_unit("SNV", "Sở Nội vụ")
    claim_and_grant(make_sheet(unit, old), {**FULL_MARKS, "2.2": "12.03"})
    claim_and_grant(make_sheet(unit, new), {**FULL_MARKS, "2.2": "11.651"})
    return publish(old), publish(new)


def docx_text(data: bytes) -> str:
    document = Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        for row in table.rows:
            parts += [cell.text for cell in row.cells]
    return "\n".join(parts)


def csv_rows(data: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))


class TestThreeDecimalsEverywhere:
    def test_the_stored_figures_are_the_years_own(self, years):
        old, new = years
        assert Result.objects.get(year=old).index == D("92.03")
        assert Result.objects.get(year=new).index == D("91.651")

    def test_the_unit_page_shows_each_years_figure_with_its_decimals(self, client, years):
        client.force_login(make_personas(make_unit("A"), make_unit("B"), make_unit("C"))["admin"])
        html = client.get("/don-vi/SNV/?year=2023").content.decode()
        assert "91,651" in html and not CUT.search(html)
        assert "92,03" in html and "92,030" not in html  # the 2022 figure compared with
        assert "▼ 0,379" in html  # the change, exact
        assert "61,651" in html  # the appraisal points
        older = client.get("/don-vi/SNV/?year=2022").content.decode()
        assert "92,03" in older and "92,030" not in older

    def test_the_ranking_page_and_the_comparison_page(self, client, years):
        client.force_login(make_personas(make_unit("A"), make_unit("B"), make_unit("C"))["admin"])
        ranking = client.get("/?year=2023").content.decode()
        assert "91,651" in ranking and not CUT.search(ranking)
        page = client.get("/so-sanh/?from=2022&to=2023&group=SO&unit=SNV").content.decode()
        assert "91,651" in page and not CUT.search(page)
        assert "92,03" in page and "92,030" not in page
        assert "0,379" in page

    def test_the_comparison_export_gives_each_year_its_decimals(self, years):
        old, new = years
        comparison = compare(UnitGroup.objects.get(code="SO"), old, new)
        units = comparison_units = tables.comparison_tables(comparison)[0]
        rows = csv_rows(exports.to_csv(comparison_units))
        header, row = rows[0], rows[1]
        assert row[header.index("Chỉ số 2022 (%)")] == "92.03"
        assert row[header.index("Chỉ số 2023 (%)")] == "91.651"
        assert row[header.index("Thay đổi chỉ số")] == "-0.379"
        sheet = load_workbook(io.BytesIO(exports.to_xlsx([units]))).worksheets[0]
        (row,) = [r for r in sheet.iter_rows() if r[0].value == "SNV"]
        formats = {float(c.value): c.number_format for c in row if isinstance(c.value, D | float)}
        assert formats[92.03] == "0.00" and formats[91.651] == "0.000"

    def test_the_tracker_and_ranking_exports_have_the_years_decimals(self, years):
        _old, new = years
        assert tables.tracker_table(new, tracker.tracker_rows(new)).decimals == 3
        ranking = tables.ranking_table(new, overview(new)[0])
        assert "91.651" in csv_rows(exports.to_csv(ranking))[1]

    def test_the_results_report_and_the_self_assessment_report(self, years):
        old, new = years
        results = docx_text(reports.results_report(new))
        assert "91,651" in results and not CUT.search(results)
        assert "92,03" in docx_text(reports.results_report(old))
        claims = docx_text(reports.self_assessment_report(Sheet.objects.get(year=new)))
        assert "61,651" in claims and "61,65\n" not in claims
        older = docx_text(reports.self_assessment_report(Sheet.objects.get(year=old)))
        assert "62,03" in older and "62,030" not in older

    def test_open_data_and_the_results_command(self, years):
        old, new = years
        assert "91.651" in records_to_csv(result_records(new))
        assert ",92.03," in records_to_csv(result_records(old))
        out = io.StringIO()
        call_command("results", "--year", "2023", stdout=out)
        assert "91,651" in out.getvalue() and not CUT.search(out.getvalue())
        out = io.StringIO()
        call_command("results", "--year", "2022", stdout=out)
        assert "92,03" in out.getvalue() and "92,030" not in out.getvalue()


# --------------------------------------------------------------------------- real frameworks

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow("1.1", "Tỷ lệ hồ sơ trực tuyến", D(2), "appraisal", rule="threshold 80:2 50:1 0:0"),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal"),
    ItemRow("1.3", "Công khai", D(1), "appraisal", rule="yes_no"),
    ItemRow("2", "Hài lòng", None),
    ItemRow("2.1", "Khảo sát", D(9), "survey"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", D("0.5")),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
]


@pytest.fixture
def real(db):
    """A unit on a framework with rule items, a bonus, a deduction section capped at 0.5 and a
    cap "not above Khá if D.1 > 0": 1.2 loses 2 points, D.1 deducts 0.5 (3 × 0.25, capped)."""
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(
        year,
        group,
        [("Tốt", D(90)), ("Khá", D(80)), ("Yếu", D(0))],
        [CapRow("Khá", "item_above_zero", "D.1")],
    )
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    year.refresh_from_db()
    unit = make_unit("STP", "Sở Tư pháp")
    apply_score_changes(
        make_sheet(unit, year),
        [
            ScoreChange("1.1", self_value=D(85), value=D(85)),
            ScoreChange("1.2", self_points=D(6), points=D(6)),
            ScoreChange("1.3", self_value=D(1), value=D(1)),
            ScoreChange("2.1", points=D(9)),
            ScoreChange("T.1", self_points=D(1), points=D(1)),
            ScoreChange("D.1", self_value=D(3), value=D(3)),
        ],
        source="test",
    )
    return year, unit


def test_the_real_result_has_a_bonus_a_capped_deduction_and_a_cap_reason(real):
    result = Result.objects.get(unit__code="STP")
    # 2 + 6 + 1 + 9 = 18 of 20, + bonus 1 − deduction min(0.75, 0.5) = 18.5
    assert (result.bonus, result.deduction, result.total) == (D(1), D("0.5"), D("18.5"))
    assert result.band_label == "Khá" and "D.1" in result.cap_reason


def test_the_self_assessment_report_lists_rules_sections_and_the_cap_reason(real):
    text = docx_text(reports.self_assessment_report(Sheet.objects.get(unit__code="STP")))
    assert "Từ 80: 2,00 điểm; từ 50: 1,00 điểm; dưới 50: 0,00 điểm" in text
    assert "đạt 85 → 2,00 điểm" in text
    assert "Đạt → 1,00 điểm" in text
    assert "3 lần → 0,75 điểm" in text  # the item's points; the section caps the sum
    assert "Điểm thưởng: T. Điểm thưởng" in text and "Điểm trừ: D. Điểm trừ" in text
    assert "Tổng điểm trừ của mục không vượt 0,50." in text
    result = Result.objects.get(unit__code="STP")
    assert f"Xếp loại theo kết quả hiện tại: Khá (giới hạn xếp loại: {result.cap_reason})" in text
    # The domains' table has the domains only, not the sections.
    document = Document(io.BytesIO(reports.self_assessment_report(result.unit.sheets.get())))
    domains = [row.cells[1].text for row in document.tables[1].rows[1:]]
    assert domains == ["1. Chỉ đạo", "2. Hài lòng", "Tổng (các tiêu chí thẩm định)"]


NUMBER = re.compile(r"\d+(?:\.\d{3})*,\d+")


def figure(text: str) -> D:
    return D(text.replace(".", "").replace(",", "."))


def test_the_points_lost_sentence_adds_up_with_a_deduction_and_a_bonus(client, real):
    client.force_login(make_personas(make_unit("A"), make_unit("B"), make_unit("C"))["admin"])
    html = client.get("/don-vi/STP/?year=2026").content.decode()
    sentence = re.search(r'id="lost-sum">(.*?)</p>', html, re.S).group(1)
    assert "điểm trừ được tính là điểm bị mất" in sentence
    maximum, lost, earned, bonus, total = (figure(n) for n in NUMBER.findall(sentence))
    result = Result.objects.get(unit__code="STP")
    assert (maximum, lost) == (D(20), D("2.5"))  # 2 on 1.2, 0.5 deducted
    assert maximum - lost == earned == result.total - result.bonus == D("17.5")
    assert earned + bonus == total == result.total


def test_with_items_not_scored_yet_the_sentence_still_adds_up(client, real):
    year, unit = real
    apply_score_changes(
        Sheet.objects.get(unit=unit), [ScoreChange("1.2", points=None)], source="test"
    )
    client.force_login(make_personas(make_unit("A"), make_unit("B"), make_unit("C"))["admin"])
    html = client.get("/don-vi/STP/?year=2026").content.decode()
    sentence = re.search(r'id="lost-sum">(.*?)</p>', html, re.S).group(1)
    maximum, lost, unscored, earned, bonus, total = (figure(n) for n in NUMBER.findall(sentence))
    assert (lost, unscored) == (D("0.5"), D(8))
    assert maximum - lost - unscored == earned == Result.objects.get(unit=unit).total - bonus


# --------------------------------------------------------------------------- the importer


def exported_csv(year: int, group: str, tmp_path, name: str):
    out = io.StringIO()
    call_command("results", "--year", str(year), "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header = rows[0]
    for row in rows[1:]:
        row[header.index("group")] = group
    return csv_file(tmp_path, rows, name=name), header, rows


def test_results_round_trip_with_bonus_deduction_and_cap(real, tmp_path):
    AssessmentYear.objects.create(year=2020, state=YearState.PUBLISHED)
    UnitGroup.objects.create(code="CU", name="Khối cũ", order=9)
    path, header, _rows = exported_csv(2026, "CU", tmp_path, "real.csv")
    assert {"bonus", "deduction", "cap_reason"} <= set(header)
    call_command("import_results", str(path), "--year", "2020", stdout=io.StringIO())
    source = Result.objects.get(year__year=2026)
    copy = Result.objects.get(year__year=2020)
    fields = ("appraisal", "survey", "total", "index", "max_points", "bonus", "deduction")
    assert [getattr(copy, f) for f in fields] == [getattr(source, f) for f in fields]
    assert (copy.band_label, copy.cap_reason) == (source.band_label, source.cap_reason)
    assert copy.source == ResultSource.IMPORTED


def test_a_three_decimal_year_round_trips_exactly(years, tmp_path):
    AssessmentYear.objects.create(year=2020, state=YearState.PUBLISHED, decimals=3)
    UnitGroup.objects.create(code="CU", name="Khối cũ", order=9)
    path, _header, _rows = exported_csv(2023, "CU", tmp_path, "three.csv")
    call_command("import_results", str(path), "--year", "2020", stdout=io.StringIO())
    assert Result.objects.get(year__year=2020).index == D("91.651")


def test_a_two_decimal_year_refuses_three_and_saves_nothing(years, tmp_path):
    AssessmentYear.objects.create(year=2020, state=YearState.PUBLISHED)
    UnitGroup.objects.create(code="CU", name="Khối cũ", order=9)
    path, _header, _rows = exported_csv(2023, "CU", tmp_path, "three.csv")
    with pytest.raises(CommandError) as error:
        call_command("import_results", str(path), "--year", "2020", stdout=io.StringIO())
    assert "Dòng 2" in str(error.value) and "tối đa 2 chữ số thập phân" in str(error.value)
    assert not Result.objects.filter(year__year=2020).exists()


@pytest.mark.parametrize(
    ("column", "value", "message"),
    [
        ("bonus", "-1", "không được âm"),
        ("deduction", "một", ""),
        ("bonus", "0.125", "tối đa 2 chữ số thập phân"),
        ("cap_reason", "Không xếp loại Tốt", "không có xếp loại"),
    ],
)
def test_bad_bonus_deduction_or_cap_reason_is_refused_with_its_row(
    real, tmp_path, column, value, message
):
    AssessmentYear.objects.create(year=2020, state=YearState.PUBLISHED)
    UnitGroup.objects.create(code="CU", name="Khối cũ", order=9)
    make_unit("SXD", "Sở Xây dựng")
    out = io.StringIO()
    call_command("results", "--year", "2026", "--format", "csv", stdout=out)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    header = rows[0]
    rows[1][header.index("group")] = "CU"
    good = list(rows[1])
    good[header.index("code")] = "SXD"
    bad = list(rows[1])
    bad[header.index(column)] = value
    if column == "cap_reason":
        bad[header.index("classification")] = ""
    path = csv_file(tmp_path, [header, good, bad], name="bad.csv")
    with pytest.raises(CommandError) as error:
        call_command("import_results", str(path), "--year", "2020", stdout=io.StringIO())
    assert f"Dòng 3, cột {column}" in str(error.value) and message in str(error.value)
    assert not Result.objects.filter(year__year=2020).exists()


# --------------------------------------------------------------------------- the round trip


def test_the_round_trip_workbook_keeps_and_takes_three_decimals(db):
    from tests.scoring.exchange.test_roundtrip import (
        ROW,
        SELF_COLUMNS,
        confirm,
        download,
        edit,
        preview,
    )

    year = make_year(2024, decimals=3)
    unit = make_unit("SNV", "Sở Nội vụ")
    people = make_personas(unit, make_unit("STP"), make_unit("HDTD"))
    sheet = make_sheet(unit, year)
    apply_score_changes(sheet, [ScoreChange("1.1.1", self_points=D("8.125"))], source="test")
    data = download(sheet, people["staff_a"])
    cell = load_workbook(io.BytesIO(data)).active.cell(ROW["1.1.1"], SELF_COLUMNS["self"])
    assert (cell.value, cell.number_format) == (8.125, "0.000")
    # 8.125 and 8.124 differ: the upload sees the change and stores it exactly.
    edited = edit(data, {(ROW["1.1.1"], SELF_COLUMNS["self"]): 8.124})
    result = preview(sheet, people["staff_a"], edited)
    assert [(c.item_code, c.old_shown, c.new_shown) for c in result.changes] == [
        ("1.1.1", "8,125", "8,124")
    ]
    confirm(sheet, people["staff_a"], result)
    assert sheet.scores.get(item__code="1.1.1").self_points == D("8.124")
