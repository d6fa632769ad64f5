"""Exports (scoring/exchange/exports/, scoring/views/exports.py): the pages' tables as xlsx and CSV."""

import csv
import io
from datetime import UTC, datetime
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from scoring.exchange import exports
from scoring.exchange.exports import tables
from scoring.models import AssessmentYear, Evidence, Sheet, YearState
from scoring.selectors import tracker
from scoring.selectors.comparison import compare
from scoring.selectors.province import overview
from scoring.services.frameworks import replace_framework
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import (
    make_sheet,
    make_small_province,
    make_unit,
    make_year,
    personas,
    score,
)
from tests.queue import clear_queue
from units.models import Unit, UnitGroup

pytestmark = pytest.mark.django_db

NOW = datetime(2024, 3, 20, 7, 5, tzinfo=UTC)  # 14:05 in Việt Nam
RANKING_HEADER = [
    "Xếp hạng",
    "Trên tổng số",
    "Mã đơn vị",
    "Đơn vị",
    "Điểm thẩm định",
    "Điểm ĐTXHH",
    "Tổng điểm",
    "Điểm tối đa áp dụng",
    "Chỉ số (%)",
    "Xếp loại",
    "Chỉ số năm 2022 (%)",
    "Thay đổi chỉ số",
    "Thay đổi thứ hạng",
    "So sánh với",
    "Trạng thái",
]
PUBLISHED = "Đã công bố"


def publish(year: AssessmentYear) -> AssessmentYear:
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    year.refresh_from_db()
    return year


def workbook(data: bytes):
    return load_workbook(io.BytesIO(data))


def values(ws, first_row: int, last_row: int | None = None) -> list[list]:
    return [list(r) for r in ws.iter_rows(min_row=first_row, max_row=last_row, values_only=True)]


def csv_rows(data: bytes) -> list[list[str]]:
    assert data.startswith("\ufeff".encode())
    return list(csv.reader(io.StringIO(data.decode("utf-8-sig"), newline="")))


def so_overview(year):
    return next(g for g in overview(year) if g.group.code == "SO")


def ranking_xlsx(year):
    return workbook(exports.to_xlsx([tables.ranking_table(year, so_overview(year))], now=NOW))


@pytest.fixture
def province():
    year = publish(make_small_province())
    UnitGroup.objects.filter(code="SO").update(name="Sở, ban, ngành")
    return year


# --------------------------------------------------------------------------- the ranking


class TestRankingXlsx:
    def test_a_title_block_names_the_province_the_year_the_group_and_when_it_was_made(
        self, province
    ):
        ws = ranking_xlsx(province)["SO"]
        assert values(ws, 1, 4) == [
            ["TỈNH THỬ NGHIỆM"] + [None] * 14,
            ["Kết quả Chỉ số CCHC năm 2023 · Sở, ban, ngành"] + [None] * 14,
            ["Tạo lúc 14:05 ngày 20/03/2024 (giờ Việt Nam)"] + [None] * 14,
            [None] * 15,
        ]
        assert ws["A1"].font.bold and ws["A2"].font.bold and ws["A3"].font.italic
        assert {str(r) for r in ws.merged_cells.ranges} == {"A1:O1", "A2:O2", "A3:O3"}

    def test_the_vietnamese_header_is_frozen_and_filtered(self, province):
        ws = ranking_xlsx(province)["SO"]
        assert [c.value for c in ws[5]] == RANKING_HEADER
        assert all(c.font.bold for c in ws[5])
        assert ws.freeze_panes == "A6"
        assert ws.auto_filter.ref == "A5:O10"
        assert ws.print_title_rows == "$5:$5"

    def test_figures_are_numbers_with_two_decimals_and_ties_share_a_rank(self, province):
        ws = ranking_xlsx(province)["SO"]
        assert values(ws, 6) == [
            [1, 5, "SNV", "Sở Nội vụ", 69.5, 27.36, 96.86, 100, 96.86, "Tốt"]
            + [None, None, None, None, PUBLISHED],
            [2, 5, "SLDTBXH", "Sở Lao động - Thương binh và Xã hội", 65.81, 26.22, 92.03]
            + [100, 92.03, "Tốt", None, None, None, None, PUBLISHED],
            [3, 5, "SCT", "Sở Công Thương", 55, 30, 85, 100, 85, "Khá"]
            + [None, None, None, None, PUBLISHED],
            [3, 5, "STP", "Sở Tư pháp", 60, 25, 85, 100, 85, "Khá", None, None, None, None]
            + [PUBLISHED],
            [5, 5, "STNMT", "Sở Tài nguyên và Môi trường", 40, 26, 66, 80, 82.5, "Khá"]
            + [None, None, None, None, PUBLISHED],
        ]
        for column in "EFGHI":
            cell = ws[f"{column}7"]
            assert (cell.data_type, cell.number_format) == ("n", "0.00")
        assert (ws["A7"].data_type, ws["A7"].number_format) == ("n", "0")

    def test_column_widths_fit_the_longest_value(self, province):
        ws = ranking_xlsx(province)["SO"]
        assert ws.column_dimensions["D"].width == len("Sở Lao động - Thương binh và Xã hội") + 2
        assert ws.column_dimensions["C"].width == len("Mã đơn vị") + 2

    def test_the_previous_year_gives_the_change_of_index_and_rank(self, province):
        year_2024 = make_year(2024, group_codes=("SO",))
        score(make_sheet(Unit.objects.get(code="SNV"), year_2024), **{"1.1.1": 10, "3.1": 15})
        score(make_sheet(Unit.objects.get(code="STP"), year_2024), **{"2.1": 20, "2.2": 20})
        publish(year_2024)
        ws = ranking_xlsx(year_2024)["SO"]
        assert values(ws, 6) == [
            [1, 2, "STP", "Sở Tư pháp", 40, 0, 40, 100, 40, "Yếu", 85, -45, 2, None, PUBLISHED],
            [2, 2, "SNV", "Sở Nội vụ", 10, 15, 25, 100, 25, "Yếu", 96.86, -71.86, -1, None]
            + [PUBLISHED],
        ]

    def test_a_merged_unit_is_compared_with_its_predecessors_and_says_so(self, province):
        from units.models import LineageEvent, LineageKind

        year_2024 = make_year(2024, group_codes=("SO",))
        snv, labour = Unit.objects.get(code="SNV"), Unit.objects.get(code="SLDTBXH")
        Unit.objects.filter(pk=labour.pk).update(last_year=2023)
        merge = LineageEvent.objects.create(year=2024, kind=LineageKind.MERGE)
        merge.predecessors.set([snv, labour])
        merge.successors.set([snv])
        score(make_sheet(snv, year_2024), **{"1.1.1": 10, "3.1": 15})
        publish(year_2024)
        row = values(ranking_xlsx(year_2024)["SO"], 6)[0]
        assert row[2:4] == ["SNV", "Sở Nội vụ"]
        assert row[10:13] == [94.45, -69.45, None]  # the mean of 96,86 and 92,03; no rank move
        assert row[13] == (
            "trung bình chỉ số năm 2023 của 2 đơn vị trước hợp nhất: Sở Nội vụ, Sở Lao động - "
            "Thương binh và Xã hội"
        )

    def test_an_unpublished_year_says_its_figures_are_provisional(self):
        year = make_small_province()
        ws = ranking_xlsx(year)["SO"]
        assert ws["A3"].value == "Số liệu tạm tính, chưa công bố."
        assert ws["A4"].value == "Tạo lúc 14:05 ngày 20/03/2024 (giờ Việt Nam)"
        assert ws.freeze_panes == "A7"
        assert ws["O7"].value == "Đang soạn"


class TestRankingCsv:
    def test_it_is_one_header_row_then_the_rows_with_dot_decimals(self, province):
        data = exports.to_csv(tables.ranking_table(province, so_overview(province)))
        assert csv_rows(data) == [
            RANKING_HEADER,
            ["1", "5", "SNV", "Sở Nội vụ", "69.50", "27.36", "96.86", "100.00", "96.86", "Tốt"]
            + ["", "", "", "", PUBLISHED],
            ["2", "5", "SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "65.81", "26.22"]
            + ["92.03", "100.00", "92.03", "Tốt", "", "", "", "", PUBLISHED],
            ["3", "5", "SCT", "Sở Công Thương", "55.00", "30.00", "85.00", "100.00", "85.00"]
            + ["Khá", "", "", "", "", PUBLISHED],
            ["3", "5", "STP", "Sở Tư pháp", "60.00", "25.00", "85.00", "100.00", "85.00", "Khá"]
            + ["", "", "", "", PUBLISHED],
            ["5", "5", "STNMT", "Sở Tài nguyên và Môi trường", "40.00", "26.00", "66.00"]
            + ["80.00", "82.50", "Khá", "", "", "", "", PUBLISHED],
        ]


# --------------------------------------------------------------------------- formula injection


class TestFormulaInjection:
    NAMES = ['=HYPERLINK("http://x","y")', "+1+1", "-2+3", "@SUM(A1)", "\tTab", "Bình thường"]

    def test_csv_prefixes_text_that_a_spreadsheet_would_run_with_a_quote(self):
        assert [exports.csv_safe(n) for n in self.NAMES] == [
            '\'=HYPERLINK("http://x","y")',
            "'+1+1",
            "'-2+3",
            "'@SUM(A1)",
            "'\tTab",
            "Bình thường",
        ]

    def test_xlsx_writes_such_text_as_explicit_strings_never_formulas(self):
        table = exports.Table(
            name="T",
            owner="=Tỉnh",
            title="Bảng",
            columns=[exports.Column("Tên"), exports.Column("Điểm", exports.POINTS)],
            rows=[[name, D("-1.5")] for name in self.NAMES],
        )
        ws = workbook(exports.to_xlsx([table], now=NOW))["T"]
        assert ws["A1"].value == "=TỈNH" and ws["A1"].data_type == "s"
        cells = [ws.cell(row=5 + i, column=1) for i in range(1, 7)]
        assert [c.value for c in cells] == self.NAMES
        assert [c.data_type for c in cells] == ["s"] * 6
        assert [c.quotePrefix for c in cells] == [True] * 5 + [False]
        # Negative numbers are numbers, not text.
        assert ws["B6"].value == -1.5 and ws["B6"].data_type == "n"

    def test_a_unit_named_like_a_formula_is_safe_in_both_formats(self, province):
        Unit.objects.filter(code="SNV").update(name="=1+2")
        group = so_overview(province)
        table = tables.ranking_table(province, group)
        assert csv_rows(exports.to_csv(table))[1][3] == "'=1+2"
        ws = workbook(exports.to_xlsx([table], now=NOW))["SO"]
        assert (ws["D6"].value, ws["D6"].data_type) == ("=1+2", "s")

    def test_control_characters_that_xlsx_cannot_hold_are_dropped(self):
        table = exports.Table("T", "Tỉnh", "Bảng", [exports.Column("Tên")], [["a\x00b\x07c"]])
        assert workbook(exports.to_xlsx([table], now=NOW))["T"]["A6"].value == "abc"


# --------------------------------------------------------------------------- a unit's sheet


@pytest.fixture
def sheet_2024():
    year = make_year(2024)
    unit = make_unit("SNV", "Sở Nội vụ")
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange(
                "1.1.1",
                self_points=D("10"),
                points=D("9.5"),
                note="Đã ban hành",
                reason="Ban hành chậm 2 ngày",
            ),
            ScoreChange("1.1.2", self_points=D("8")),
            ScoreChange("2.2", not_applicable=True, note="Không có TTHC"),
            ScoreChange("3.1", points=D("12.25")),
        ],
        source="test",
    )
    score_row = sheet.scores.get(item__code="1.1.1")
    Evidence.objects.create(
        score=score_row, file="x.pdf", original_name="x.pdf", content_type="application/pdf", size=3
    )
    Evidence.objects.create(
        score=score_row, file="y.pdf", original_name="y.pdf", content_type="application/pdf", size=3
    )
    return Sheet.objects.select_related("unit__group", "year").get(pk=sheet.pk)


SHEET_HEADER = [
    "Mã",
    "Tiêu chí",
    "Phương pháp",
    "Điểm tối đa",
    "Không áp dụng",
    "Điểm tự đánh giá",
    "Điểm thẩm định / ĐTXHH",
    "Điểm bị mất",
    "Ghi chú của đơn vị",
    "Lý do thẩm định",
    "Số tài liệu kiểm chứng",
]
A, S = "Thẩm định", "ĐTXHH"


class TestSheetExport:
    def test_it_lists_the_item_tree_with_every_figure(self, sheet_2024):
        table = tables.sheet_table(sheet_2024, sees_appraisal=True)
        ws = workbook(exports.to_xlsx([table], now=NOW)).active
        assert ws["A2"].value == "Phiếu chấm điểm Chỉ số CCHC năm 2024 · Sở Nội vụ · Sở, ban, ngành"
        assert ws["A3"].value == "Số liệu tạm tính, chưa công bố."
        assert [c.value for c in ws[6]] == SHEET_HEADER
        assert values(ws, 7) == [
            ["1", "Công tác chỉ đạo, điều hành CCHC", A, 30, None, 18, 9.5, 0.5, None, None, None],
            ["1.1", "Kế hoạch CCHC năm", A, 20, None, 18, 9.5, 0.5, None, None, None],
            [
                "1.1.1",
                "Ban hành kế hoạch đúng hạn",
                A,
                10,
                None,
                10,
                9.5,
                0.5,
                "Đã ban hành",
                "Ban hành chậm 2 ngày",
                2,
            ],
            ["1.1.2", "Mức độ hoàn thành kế hoạch", A, 10, None, 8, None, None, None, None, 0],
            ["1.2", "Tuyên truyền CCHC", A, 10, None, None, None, None, None, None, None],
            ["2", "Cải cách thủ tục hành chính", A, 40, None, 0, 0, 0, None, None, None],
            ["2.1", "Công bố, công khai TTHC", A, 20, None, None, None, None, None, None, None],
            [
                "2.2",
                "Tiếp nhận hồ sơ trực tuyến",
                A,
                20,
                "Có",
                None,
                None,
                0,
                "Không có TTHC",
                None,
                0,
            ],
            [
                "3",
                "Mức độ hài lòng của người dân",
                S,
                30,
                None,
                None,
                12.25,
                2.75,
                None,
                None,
                None,
            ],
            ["3.1", "Hài lòng về tiếp cận dịch vụ", S, 15, None, None, 12.25, 2.75, None, None, 0],
            [
                "3.2",
                "Hài lòng về kết quả giải quyết",
                S,
                15,
                None,
                None,
                None,
                None,
                None,
                None,
                None,
            ],
            ["Tổng", None, None, 100, None, 18, 21.75, 3.25, None, None, None],
        ]

    def test_the_tree_is_indented_and_the_domains_are_bold(self, sheet_2024):
        table = tables.sheet_table(sheet_2024, sees_appraisal=True)
        ws = workbook(exports.to_xlsx([table], now=NOW)).active
        assert [ws.cell(row=r, column=2).alignment.indent for r in (7, 8, 9)] == [0, 2, 4]
        assert ws["B7"].font.bold and not ws["B9"].font.bold
        assert ws["B9"].alignment.wrap_text

    def test_a_unit_before_publication_sees_no_appraisal_columns(self, sheet_2024):
        table = tables.sheet_table(sheet_2024, sees_appraisal=False)
        rows = csv_rows(exports.to_csv(table))
        assert rows[0] == [
            "Mã",
            "Tiêu chí",
            "Phương pháp",
            "Điểm tối đa",
            "Không áp dụng",
            "Điểm tự đánh giá",
            "Ghi chú của đơn vị",
            "Số tài liệu kiểm chứng",
        ]
        assert rows[3] == [
            "1.1.1",
            "Ban hành kế hoạch đúng hạn",
            A,
            "10.00",
            "",
            "10.00",
            "Đã ban hành",
            "2",
        ]
        assert len(rows) == 12  # header + 11 items, no total line in CSV


# --------------------------------------------------------------------------- comparison, tracker


class TestComparisonExport:
    def test_three_worksheets_units_domains_and_items(self, province):
        later = make_year(2024, group_codes=("SO",))
        score(make_sheet(Unit.objects.get(code="SNV"), later), **{"1.1.1": 10, "3.1": 15})
        publish(later)
        comparison = compare(UnitGroup.objects.get(code="SO"), province, later)
        book = workbook(exports.to_xlsx(tables.comparison_tables(comparison), now=NOW))
        assert book.sheetnames == ["Đơn vị", "Lĩnh vực", "Tiêu chí"]
        units = book["Đơn vị"]
        assert units["A2"].value == (
            "So sánh Chỉ số CCHC 2023 → 2024 · Sở, ban, ngành · theo đơn vị"
        )
        assert [c.value for c in units[5]] == [
            "Mã đơn vị",
            "Đơn vị",
            "Chỉ số 2023 (%)",
            "Chỉ số 2024 (%)",
            "Thay đổi chỉ số",
            "Hạng 2023",
            "Hạng 2024",
            "Thay đổi thứ hạng",
            "So sánh với",
        ]
        assert values(units, 6, 7) == [
            ["SNV", "Sở Nội vụ", 96.86, 25, -71.86, 1, 1, 0, None],
            ["SCT", "Sở Công Thương", 85, None, None, 3, None, None, None],
        ]
        items = book["Tiêu chí"]
        assert values(items, 6, 6) == [
            [
                "1.1.1",
                "Ban hành kế hoạch đúng hạn",
                "1.1.1",
                "Ban hành kế hoạch đúng hạn",
                "Cùng mã",
                9.4,
                10,
                10,
                10,
                0.6,
            ]
        ]

    def test_csv_takes_one_table(self, province):
        later = publish(make_year(2024, group_codes=("SO",)))
        comparison = compare(UnitGroup.objects.get(code="SO"), province, later)
        rows = csv_rows(exports.to_csv(tables.comparison_tables(comparison)[1]))
        assert rows[0] == [
            "Mã 2023",
            "Tên 2023",
            "Mã 2024",
            "Tên 2024",
            "Đối chiếu",
            "Tỷ lệ đạt 2023 (%)",
            "Tỷ lệ đạt 2024 (%)",
            "Thay đổi",
        ]
        assert rows[1] == [
            "1",
            "Công tác chỉ đạo, điều hành CCHC",
            "1",
            "Công tác chỉ đạo, điều hành CCHC",
            "Cùng mã",
            "90.54",
            "",
            "",
        ]


class TestTrackerExport:
    def test_one_row_per_sheet_with_its_progress(self):
        year = make_year(2024, self_assessment_deadline=datetime(2024, 1, 31, 10, 0, tzinfo=UTC))
        snv = make_sheet(make_unit("SNV", "Sở Nội vụ"), year)
        apply_score_changes(snv, [ScoreChange("1.1.1", self_points=D("9"))], source="test")
        make_sheet(make_unit("STP", "Sở Tư pháp"), year)
        rows = tracker.tracker_rows(year, now=datetime(2024, 1, 20, tzinfo=UTC))
        table = tables.tracker_table(year, rows, tracker.appraisal_progress(year))
        ws = workbook(exports.to_xlsx([table], now=NOW)).active
        assert ws["A2"].value == "Theo dõi nộp phiếu tự đánh giá năm 2024"
        assert ws["A3"].value == "Hạn tự đánh giá: 17:00 31/01/2024"
        assert values(ws, 7) == [
            ["Sở, ban, ngành", "SNV", "Sở Nội vụ", "Đang soạn", None, 1, 5, 0, 0, 0, None, 0, 0, 0],
            [
                "Sở, ban, ngành",
                "STP",
                "Sở Tư pháp",
                "Đang soạn",
                None,
                0,
                5,
                0,
                0,
                0,
                None,
                0,
                0,
                0,
            ],
        ]


# --------------------------------------------------------------------------- the views


@pytest.fixture
def people(province):
    snv, sld = Unit.objects.get(code="SNV"), Unit.objects.get(code="SLDTBXH")
    return personas(snv, sld, make_unit("SNVX", "Hội đồng thẩm định"))


class TestDownloadViews:
    def test_anyone_downloads_a_published_ranking_as_xlsx_or_csv(self, client, province):
        response = client.get("/xuat/ket-qua-2023.xlsx?group=SO")
        assert response.status_code == 200
        assert response["Content-Type"] == exports.XLSX_TYPE
        assert response["Content-Disposition"] == 'attachment; filename="ket-qua-2023-so.xlsx"'
        assert workbook(response.content)["SO"]["D6"].value == "Sở Nội vụ"
        response = client.get("/xuat/ket-qua-2023.csv?group=HUYEN")
        assert response["Content-Type"] == "text/csv; charset=utf-8"
        assert csv_rows(response.content)[1][2:4] == [
            "TAMKY",
            "UBND thành phố Tam Kỳ, tỉnh Quảng Nam",
        ]

    def test_the_xlsx_without_a_group_has_a_worksheet_per_group(self, client, province):
        response = client.get("/xuat/ket-qua-2023.xlsx")
        assert workbook(response.content).sheetnames == ["SO", "HUYEN"]

    def test_a_year_in_progress_is_hidden_from_the_public_but_not_from_appraisers(
        self, client, people
    ):
        AssessmentYear.objects.filter(year=2023).update(state=YearState.APPRAISAL)
        assert client.get("/xuat/ket-qua-2023.xlsx?group=SO").status_code == 404
        client.force_login(people["staff_a"])
        assert client.get("/xuat/ket-qua-2023.csv?group=SO").status_code == 404
        client.force_login(people["appraiser"])
        assert client.get("/xuat/ket-qua-2023.csv?group=SO").status_code == 200

    def test_an_unknown_format_or_group_is_not_found(self, client, province):
        assert client.get("/xuat/ket-qua-2023.pdf?group=SO").status_code == 404
        assert client.get("/xuat/ket-qua-2023.csv?group=XA").status_code == 404
        assert client.get("/xuat/ket-qua-2023.csv").status_code == 404

    def test_a_sheet_is_for_its_unit_and_the_provincial_roles_only(self, client, people):
        url = "/xuat/phieu/SNV/2023.xlsx"
        assert client.get(url).status_code == 302  # to the login page
        client.force_login(people["staff_b"])
        assert client.get(url).status_code == 403
        for name in ("staff_a", "appraiser", "leadership", "admin"):
            client.force_login(people[name])
            assert client.get(url).status_code == 200, name

    def test_the_unit_sees_appraisal_columns_once_published_only(self, client, people):
        client.force_login(people["staff_a"])
        assert "Lý do thẩm định" in csv_rows(client.get("/xuat/phieu/SNV/2023.csv").content)[0]
        AssessmentYear.objects.filter(year=2023).update(state=YearState.APPRAISAL)
        header = csv_rows(client.get("/xuat/phieu/SNV/2023.csv").content)[0]
        assert "Lý do thẩm định" not in header
        client.force_login(people["appraiser"])
        assert "Lý do thẩm định" in csv_rows(client.get("/xuat/phieu/SNV/2023.csv").content)[0]

    def test_the_tracker_is_for_the_provincial_roles(self, client, people):
        client.force_login(people["leader_a"])
        assert client.get("/xuat/theo-doi-2023.xlsx").status_code == 403
        client.force_login(people["leadership"])
        response = client.get("/xuat/theo-doi-2023.csv?khoi=HUYEN")
        assert [row[1] for row in csv_rows(response.content)[1:]] == ["TAMKY"]

    def test_the_comparison_follows_the_comparison_page(self, client, province):
        later = make_year(2024, group_codes=("SO",))
        score(make_sheet(Unit.objects.get(code="SNV"), later), **{"1.1.1": 10})
        url = "/xuat/so-sanh.csv?from=2023&to=2024&group=SO"
        assert client.get(url).status_code == 404  # 2024 is not published
        publish(later)
        rows = csv_rows(client.get(url).content)
        assert rows[1][:5] == ["SNV", "Sở Nội vụ", "96.86", "10.00", "-86.86"]
        rows = csv_rows(client.get(url + "&bang=tieu-chi").content)
        assert rows[0][0] == "Mã 2023" and rows[0][6] == "Tối đa 2023"
        assert client.get(url + "&bang=khac").status_code == 404

    def test_downloads_are_never_cached_by_shared_caches(self, client, province):
        response = client.get("/xuat/ket-qua-2023.csv?group=SO")
        assert response["Cache-Control"] == "private, no-store"


# --------------------------------------------------------------------------- commands


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


class TestCommands:
    def test_export_results_writes_the_ranking_or_the_report(self, province, tmp_path):
        from django.core.management import call_command
        from docx import Document

        call_command(
            "export_results", year=2023, output=str(tmp_path / "a.xlsx"), stdout=io.StringIO()
        )
        assert workbook((tmp_path / "a.xlsx").read_bytes()).sheetnames == ["SO", "HUYEN"]
        call_command(
            "export_results",
            year=2023,
            group="HUYEN",
            output=str(tmp_path / "b.csv"),
            stdout=io.StringIO(),
        )
        assert csv_rows((tmp_path / "b.csv").read_bytes())[1][2] == "TAMKY"
        call_command(
            "export_results", year=2023, output=str(tmp_path / "c.docx"), stdout=io.StringIO()
        )
        assert (
            len(Document(str(tmp_path / "c.docx")).tables) == 7
        )  # heading, 2 rankings, bands, 2 lost, signature

    def test_export_results_refuses_a_csv_of_every_group(self, province, tmp_path):
        from django.core.management import call_command
        from django.core.management.base import CommandError

        with pytest.raises(CommandError, match="Tệp .csv chứa một khối: hãy chọn --group."):
            call_command("export_results", year=2023, output=str(tmp_path / "a.csv"))

    def test_export_sheets_writes_one_file_per_unit_with_a_progress_bar(self, province, tmp_path):
        from django.core.management import call_command

        out, err = io.StringIO(), Terminal()
        call_command(
            "export_sheets", year=2023, group="SO", output=str(tmp_path), stdout=out, stderr=err
        )
        assert sorted(p.name for p in tmp_path.iterdir()) == [
            "phieu-sct-2023.xlsx",
            "phieu-sldtbxh-2023.xlsx",
            "phieu-snv-2023.xlsx",
            "phieu-stnmt-2023.xlsx",
            "phieu-stp-2023.xlsx",
        ]
        assert out.getvalue() == f"Đã ghi 5 tệp vào {tmp_path}.\n"
        assert "Xuất phiếu: 100%" in err.getvalue() and "5/5" in err.getvalue()
        ws = workbook((tmp_path / "phieu-snv-2023.xlsx").read_bytes()).active
        assert ws["A2"].value.startswith("Phiếu chấm điểm Chỉ số CCHC năm 2023 · Sở Nội vụ")

    def test_export_sheets_is_quiet_when_asked(self, province, tmp_path):
        from django.core.management import call_command

        err = Terminal()
        call_command(
            "export_sheets",
            year=2023,
            group="HUYEN",
            output=str(tmp_path),
            format="docx",
            no_progress=True,
            stdout=io.StringIO(),
            stderr=err,
        )
        assert err.getvalue() == ""
        assert [p.name for p in tmp_path.iterdir()] == ["phieu-tamky-2023.docx"]


# --------------------------------------------------------------------------- the buttons


def button_links(html: str) -> list[str]:
    """The hrefs of the download buttons of a page (the export-buttons groups)."""
    import html as html_lib
    import re

    links = []
    for group in re.findall(r'<div class="btn-group[^"]*export-buttons".*?</div>', html, re.S):
        links += [html_lib.unescape(h) for h in re.findall(r'href="([^"]+)"', group)]
    return links


class TestDownloadButtons:
    def test_the_home_page_offers_each_groups_ranking_and_the_report(self, client, province):
        links = button_links(client.get("/?year=2023").content.decode())
        assert links == [
            "/xuat/ket-qua-2023.xlsx?group=SO",
            "/xuat/ket-qua-2023.csv?group=SO",
            "/bao-cao/ket-qua-2023.docx",
            "/xuat/ket-qua-2023.xlsx?group=HUYEN",
            "/xuat/ket-qua-2023.csv?group=HUYEN",
            "/bao-cao/ket-qua-2023.docx",
        ]
        assert all(client.get(link).status_code == 200 for link in links)

    def test_the_comparison_page_offers_its_own_selection(self, client, province):
        later = make_year(2024, group_codes=("SO",))
        score(make_sheet(Unit.objects.get(code="SNV"), later), **{"1.1.1": 10})
        publish(later)
        html = client.get("/so-sanh/?from=2023&to=2024&group=SO&unit=SNV").content.decode()
        links = button_links(html)
        assert links == [
            "/xuat/so-sanh.xlsx?from=2023&to=2024&group=SO&unit=SNV",
            "/xuat/so-sanh.csv?from=2023&to=2024&group=SO&unit=SNV",
        ]
        assert all(client.get(link).status_code == 200 for link in links)

    def test_the_sheet_page_offers_the_sheet_the_report_and_the_round_trip(self, client, people):
        AssessmentYear.objects.filter(year=2023).update(state=YearState.SELF_ASSESSMENT)
        client.force_login(people["staff_a"])
        links = button_links(client.get("/phieu/SNV/2023/").content.decode())
        assert links == [
            "/xuat/phieu/SNV/2023.xlsx",
            "/xuat/phieu/SNV/2023.csv",
            "/bao-cao/tu-danh-gia/SNV/2023.docx",
            "/nhap-excel/tu-danh-gia/SNV/2023/",
        ]
        assert all(client.get(link).status_code == 200 for link in links)
        client.force_login(people["leadership"])
        assert len(button_links(client.get("/phieu/SNV/2023/").content.decode())) == 3

    def test_the_appraisal_tracker_and_survey_pages_offer_theirs(self, client, people):
        AssessmentYear.objects.filter(year=2023).update(state=YearState.APPRAISAL)
        client.force_login(people["appraiser"])
        pages = {
            "/tham-dinh/SNV/2023/": [
                "/xuat/phieu/SNV/2023.xlsx",
                "/xuat/phieu/SNV/2023.csv",
                "/nhap-excel/tham-dinh/SNV/2023/",
            ],
            "/theo-doi/2023/?khoi=SO": [
                "/xuat/theo-doi-2023.xlsx?khoi=SO",
                "/xuat/theo-doi-2023.csv?khoi=SO",
            ],
            "/dieu-tra/2023/": ["/nhap-excel/dieu-tra/2023/"],
        }
        for page, expected in pages.items():
            links = button_links(client.get(page).content.decode())
            assert links == expected, page
            assert all(client.get(link).status_code == 200 for link in links), page


# --------------------------------------------------------------------------- query counts


def queries_of(client, url: str) -> int:
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def add_units(year, count: int, start: int = 0) -> None:
    for n in range(start, start + count):
        sheet = make_sheet(make_unit(f"U{n:03d}", f"Sở số {n}"), year)
        score(sheet, **{"1.1.1": 5, "3.1": 10})


class TestQueryCounts:
    def test_the_ranking_and_tracker_downloads_do_not_grow_with_the_units(self, client, people):
        client.force_login(people["admin"])
        year = AssessmentYear.objects.get(year=2023)
        AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
        year.refresh_from_db()
        urls = ["/xuat/ket-qua-2023.xlsx?group=SO", "/xuat/theo-doi-2023.csv"]
        add_units(year, 3)
        before = [queries_of(client, url) for url in urls]
        add_units(year, 12, start=3)
        assert [queries_of(client, url) for url in urls] == before

    def test_the_sheet_downloads_do_not_grow_with_the_items(self, client):
        from tests.factories import wide_rows

        unit = make_unit("SNV", "Sở Nội vụ")
        client.force_login(personas(unit, make_unit("STP"), make_unit("HDTD"))["admin"])
        counts = {}
        for number, per_domain in ((2030, 2), (2031, 12)):
            year = make_year(number, state=YearState.PREPARING, group_codes=())
            replace_framework(year, unit.group, wide_rows(3, per_domain))
            apply_score_changes(
                make_sheet(unit, year),
                [
                    ScoreChange(f"{d}.{i}", self_points=D("1"), points=D("1"))
                    for d in (1, 2, 3)
                    for i in range(1, per_domain + 1)
                ],
                source="test",
            )
            counts[number] = [
                queries_of(client, f"/xuat/phieu/SNV/{number}.xlsx"),
                queries_of(client, f"/nhap-excel/tham-dinh/SNV/{number}/tep-mau.xlsx"),
            ]
        assert counts[2030] == counts[2031]


# --------------------------------------------------------------------------- the demo's 2023
# Last in the module: the demo is loaded once for the module and stays until its end.


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker):
    import datetime as dt

    from django.db import transaction

    from demo import api as demo

    with django_db_blocker.unblock():
        demo.load_demo(today=dt.date(2025, 1, 10))
        try:
            yield
        finally:
            with transaction.atomic():
                demo.delete_demo()
                clear_queue()


def test_the_2023_ranking_of_the_demo_exports_to_a_formatted_workbook(client, demo_province):
    response = client.get("/xuat/ket-qua-2023.xlsx?group=SO")
    ws = workbook(response.content)["SO"]
    assert ws["A1"].value == "TỈNH QUẢNG NAM (DỮ LIỆU MẪU)"
    assert ws["A2"].value.startswith("Kết quả Chỉ số CCHC năm 2023 · ")
    assert ws.freeze_panes == "A6" and ws.auto_filter.ref == "A5:O25"
    rows = values(ws, 6)
    assert len(rows) == 20
    assert (rows[0][3], rows[0][8], rows[0][9]) == ("Sở Nội vụ", 96.86, "Tốt")
    assert (rows[-1][3], rows[-1][8], rows[-1][9]) == ("Sở Tài nguyên và Môi trường", 82.35, "Khá")
    labour = next(r for r in rows if r[2] == "SO-LDTBXH")
    assert labour[4:10] == [65.81, 26.22, 92.03, 100, 92.03, "Khá"]
    assert [r[9] for r in rows].count("Tốt") == 15
    assert all(ws.cell(row=r, column=9).number_format == "0.00" for r in range(6, 26))
