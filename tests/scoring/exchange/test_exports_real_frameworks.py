"""Exports of a year with rule items, bonus and deduction sections and caps: the ranking carries
the cap reason, the sheet the rules and measured values, and figures follow the year's decimals."""

import csv
import io
from decimal import Decimal as D

from django.urls import reverse
from openpyxl import load_workbook

from scoring.models import AssessmentYear
from tests.factories import make_user
from tests.scoring.selectors.test_move_up_rules import appraised, sheet  # noqa: F401


def rows_of(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"))))


def test_the_ranking_carries_bonus_deduction_and_the_cap_reason(sheet, client):  # noqa: F811
    appraised(sheet, "80")
    client.force_login(make_user("admin_x", is_superuser=True, is_staff=True))

    header, row = rows_of(client.get(reverse("export_ranking", args=[2026, "csv"])))[:2]

    shown = dict(zip(header, row, strict=True))
    assert (shown["Điểm thưởng"], shown["Điểm trừ"], shown["Tổng điểm"]) == ("1.00", "2.00", "9.00")
    assert shown["Xếp loại"] == "Khá"
    assert shown["Lý do giới hạn xếp loại"] == "Không xếp loại Tốt do có điểm trừ tại D.2"


def test_the_sheet_carries_the_rules_and_values(sheet, client):  # noqa: F811
    appraised(sheet, "80")
    client.force_login(make_user("admin_x", is_superuser=True, is_staff=True))

    rows = rows_of(client.get(reverse("export_sheet", args=["STP", 2026, "csv"])))

    shown = {row[0]: dict(zip(rows[0], row, strict=True)) for row in rows[1:]}
    assert shown["1.1"]["Quy tắc chấm"] == "Từ 80: 2,00 điểm; từ 50: 1,00 điểm; dưới 50: 0,00 điểm"
    assert (shown["1.1"]["Giá trị thẩm định"], shown["1.1"]["Điểm thẩm định / ĐTXHH"]) == (
        "80",
        "2.00",
    )
    assert shown["D.2"]["Giá trị thẩm định"] == "1"
    assert shown["1.2"]["Quy tắc chấm"] == ""


def test_a_three_decimal_year_exports_three_decimals(sheet, client):  # noqa: F811
    AssessmentYear.objects.filter(pk=sheet.year_id).update(decimals=3)
    appraised(sheet, "80")
    client.force_login(make_user("admin_x", is_superuser=True, is_staff=True))

    book = load_workbook(
        io.BytesIO(client.get(reverse("export_ranking", args=[2026, "xlsx"])).content)
    )
    ws = book.worksheets[0]
    formats = {
        cell.number_format
        for row in ws.iter_rows()
        for cell in row
        if isinstance(cell.value, (int, float)) and cell.number_format.startswith("0.")
    }
    assert formats == {"0.000"}
    header, row = rows_of(client.get(reverse("export_ranking", args=[2026, "csv"])))[:2]
    assert dict(zip(header, row, strict=True))["Chỉ số (%)"] == "90.000"
    assert D(dict(zip(header, row, strict=True))["Tổng điểm"]) == D(9)


def test_the_results_report_names_bonus_deduction_and_the_cap(sheet):  # noqa: F811
    from scoring.exchange import reports
    from tests.scoring.exchange.test_reports import open_docx, paragraphs

    appraised(sheet, "80")

    text = paragraphs(open_docx(reports.results_report(AssessmentYear.objects.get(year=2026))))

    assert (
        "Tổng điểm đã gồm điểm thưởng, điểm trừ: Sở STP: điểm thưởng 1,00, điểm trừ 2,00." in text
    )
    assert "Xếp loại bị giới hạn: Sở STP: Không xếp loại Tốt do có điểm trừ tại D.2." in text
