"""Report documents (scoring/exchange/reports/): opened again with python-docx, tables checked."""

import datetime
import io
from decimal import Decimal as D

import pytest
from django.db import transaction
from docx import Document
from docx.shared import Pt

from demo import api as demo
from scoring.exchange import reports
from scoring.models import AssessmentYear, Evidence, ExplanationRequest, Sheet
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_sheet, make_unit, make_year, personas
from tests.queue import clear_queue

pytestmark = pytest.mark.django_db


def open_docx(data: bytes) -> Document:
    return Document(io.BytesIO(data))


def texts(table) -> list[list[str]]:
    return [[cell.text for cell in row.cells] for row in table.rows]


def paragraphs(document) -> list[str]:
    return [p.text for p in document.paragraphs if p.text.strip()]


def test_the_date_line_names_the_place_with_leading_zeros_where_the_rules_want_them():
    moment = datetime.datetime(2024, 2, 5, 3, 0, tzinfo=datetime.UTC)
    assert reports.date_line("Tỉnh Quảng Nam", moment) == "Quảng Nam, ngày 05 tháng 02 năm 2024"
    moment = datetime.datetime(2024, 11, 20, 3, 0, tzinfo=datetime.UTC)
    assert reports.date_line("Thành phố Đà Nẵng", moment) == "Đà Nẵng, ngày 20 tháng 11 năm 2024"


# --------------------------------------------------------------------------- the unit's report


@pytest.fixture
def sheet():
    year = make_year(2024)
    unit = make_unit("SNV", "Sở Nội vụ")
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1.1", self_points=D("10")),
            ScoreChange("1.1.2", self_points=D("8.5"), note="Đang hoàn thiện hồ sơ"),
            ScoreChange("1.2", self_points=D("9")),
            ScoreChange("2.1", self_points=D("18")),
            ScoreChange("2.2", not_applicable=True),
        ],
        source="test",
    )
    evidence_on = sheet.scores.get(item__code="1.1.1")
    Evidence.objects.create(
        score=evidence_on,
        file="a.pdf",
        original_name="a.pdf",
        content_type="application/pdf",
        size=1,
    )
    ExplanationRequest.objects.create(
        score=sheet.scores.get(item__code="2.1"), question="?", answer="Đã bổ sung văn bản số 45"
    )
    Sheet.objects.filter(pk=sheet.pk).update(
        difficulties="Thiếu nhân lực.\nPhần mềm chưa liên thông.",
        proposals="Tập huấn chuyển đổi số.",
    )
    return Sheet.objects.select_related("unit__group", "year").get(pk=sheet.pk)


class TestSelfAssessmentReport:
    def test_it_opens_with_the_national_heading_and_the_issuing_body(self, sheet):
        document = open_docx(reports.self_assessment_report(sheet))
        heading = texts(document.tables[0])
        assert heading[0][0] == "UBND TỈNH THỬ NGHIỆM\nSỞ NỘI VỤ"
        assert heading[0][1] == "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM\nĐộc lập - Tự do - Hạnh phúc"
        assert heading[1][0] == "Số:        /BC-"
        assert heading[1][1].startswith("Thử Nghiệm, ngày ")
        assert paragraphs(document)[:2] == [
            "BÁO CÁO",
            "Kết quả tự đánh giá, chấm điểm Chỉ số cải cách hành chính năm 2024",
        ]

    def test_the_page_is_a4_in_times_new_roman(self, sheet):
        document = open_docx(reports.self_assessment_report(sheet))
        section = document.sections[0]
        assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)
        assert round(section.left_margin.mm) == 30
        normal = document.styles["Normal"].font
        assert (normal.name, normal.size) == ("Times New Roman", Pt(14))

    def test_the_summary_table_has_one_row_per_domain_and_the_total(self, sheet):
        document = open_docx(reports.self_assessment_report(sheet))
        assert texts(document.tables[1]) == [
            ["STT", "Lĩnh vực", "Điểm tối đa áp dụng", "Điểm tự đánh giá", "Tỷ lệ đạt (%)"],
            ["1", "1. Công tác chỉ đạo, điều hành CCHC", "30,00", "27,50", "91,67"],
            # 2.2 (20 points) is not applicable: 18 of the 20 that apply.
            ["2", "2. Cải cách thủ tục hành chính", "20,00", "18,00", "90,00"],
            ["3", "3. Mức độ hài lòng của người dân", "30,00", "ĐTXHH", "–"],
            ["", "Tổng (các tiêu chí thẩm định)", "50,00", "45,50", "91,00"],
        ]
        assert any(
            line.startswith("Tổng điểm tự đánh giá: 45,50/50,00 điểm")
            for line in paragraphs(document)
        )

    def test_each_rate_is_the_printed_points_over_the_printed_maximum(self, sheet):
        # 9 of 9.5 was printed "9,00 · 94,74 %" beside the domain's full 10: the rate must be
        # worked out again from the figures on the page, by whoever reads it.
        year = make_year(2025)
        unit = make_unit("SCT", "Sở Công Thương")
        claimed = make_sheet(unit, year)
        apply_score_changes(
            claimed,
            [
                ScoreChange("1.1.1", self_points=D("9.5")),
                ScoreChange("1.1.2", self_points=D("9")),
                ScoreChange("1.2", self_points=D("10")),
                ScoreChange("2.1", self_points=D("17.25")),
                ScoreChange("2.2", not_applicable=True),
            ],
            source="test",
        )
        document = open_docx(reports.self_assessment_report(claimed))

        for row in texts(document.tables[1])[1:]:
            if row[4] == "–":
                continue
            maximum, earned, rate = (D(cell.replace(",", ".")) for cell in row[2:5])
            assert rate == (earned / maximum * 100).quantize(D("0.01")), row
        assert texts(document.tables[1])[2][2:] == ["20,00", "17,25", "86,25"]
        assert any(line.startswith("Điểm tối đa áp dụng:") for line in paragraphs(document))

    def test_items_without_evidence_are_listed_with_the_units_explanations(self, sheet):
        document = open_docx(reports.self_assessment_report(sheet))
        assert texts(document.tables[2]) == [
            ["STT", "Mã", "Tiêu chí", "Điểm tự đánh giá", "Giải trình của đơn vị"],
            ["1", "1.1.2", "Mức độ hoàn thành kế hoạch", "8,50", "Đang hoàn thiện hồ sơ"],
            ["2", "1.2", "Tuyên truyền CCHC", "9,00", "(chưa giải trình)"],
            ["3", "2.1", "Công bố, công khai TTHC", "18,00", "Đã bổ sung văn bản số 45"],
        ]

    def test_the_difficulties_and_proposals_the_unit_wrote_follow(self, sheet):
        lines = paragraphs(open_docx(reports.self_assessment_report(sheet)))
        start = lines.index("III. KHÓ KHĂN, VƯỚNG MẮC")
        assert lines[start : start + 5] == [
            "III. KHÓ KHĂN, VƯỚNG MẮC",
            "Thiếu nhân lực.",
            "Phần mềm chưa liên thông.",
            "IV. ĐỀ XUẤT, KIẾN NGHỊ",
            "Tập huấn chuyển đổi số.",
        ]

    def test_the_page_downloads_it_for_those_who_read_the_sheet(self, client, sheet):
        people = personas(sheet.unit, make_unit("STP"), make_unit("HDTD"))
        url = "/bao-cao/tu-danh-gia/SNV/2024.docx"
        client.force_login(people["staff_b"])
        assert client.get(url).status_code == 403
        client.force_login(people["staff_a"])
        response = client.get(url)
        assert response.status_code == 200
        assert response["Content-Disposition"] == (
            'attachment; filename="bao-cao-tu-danh-gia-snv-2024.docx"'
        )
        assert len(open_docx(response.content).tables) == 4


# --------------------------------------------------------------------------- page numbers

W = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}"


def page_field(part) -> str:
    """The field instructions of a header or footer part ("PAGE"), in order."""
    return " ".join(t.text.strip() for t in part._element.iter(f"{W}instrText"))


def test_a_report_numbers_its_pages_from_the_second_centred_at_the_top(sheet):
    document = open_docx(reports.self_assessment_report(sheet))
    section = document.sections[0]

    assert page_field(section.header) == "PAGE"
    assert section.header.paragraphs[0].alignment == 1  # centred
    kinds = [c.get(f"{W}fldCharType") for c in section.header._element.iter(f"{W}fldChar")]
    assert kinds == ["begin", "separate", "end"]
    # Nghị định 30/2020: no number on the first page.
    assert section.different_first_page_header_footer is True
    assert page_field(section.first_page_header) == ""


# --------------------------------------------------------------------------- the province's report


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        demo.load_demo(today=datetime.date(2025, 1, 10))
        try:
            yield
        finally:
            with transaction.atomic():
                demo.delete_demo()
                clear_queue()


class TestResultsReport:
    @pytest.fixture
    def document(self, demo_province):
        return open_docx(reports.results_report(AssessmentYear.objects.get(year=2023)))

    def test_its_pages_are_numbered_too(self, document):
        assert page_field(document.sections[0].header) == "PAGE"

    def test_the_heading_and_title(self, document):
        assert texts(document.tables[0])[0][0] == "UBND TỈNH QUẢNG NAM (DỮ LIỆU MẪU)\nSỞ NỘI VỤ"
        assert paragraphs(document)[1] == (
            "Kết quả xác định Chỉ số cải cách hành chính năm 2023 của các cơ quan, đơn vị trên "
            "địa bàn"
        )

    def test_the_departments_ranking_has_the_published_figures(self, document):
        rows = texts(document.tables[1])
        assert rows[0] == [
            "Hạng",
            "Đơn vị",
            "Điểm thẩm định",
            "Điểm ĐTXHH",
            "Tổng điểm",
            "Chỉ số (%)",
            "Xếp loại",
        ]
        assert len(rows) == 21
        assert rows[1][1:] == [*rows[1][1:2], *rows[1][2:5], "96,86", "Tốt"]
        assert rows[1][:2] == ["1", "Sở Nội vụ"]
        labour = next(r for r in rows if r[1] == "Sở Lao động - Thương binh và Xã hội")
        assert labour[2:] == ["65,81", "26,22", "92,03", "92,03", "Khá"]
        assert rows[-1][1:] == [rows[-1][1], *rows[-1][2:5], "82,35", "Khá"]
        assert rows[-1][1] == "Sở Tài nguyên và Môi trường"

    def test_the_districts_go_from_bac_tra_my_to_nong_son(self, document):
        rows = texts(document.tables[2])
        assert len(rows) == 19
        assert (rows[1][1], rows[1][5]) == ("UBND huyện Bắc Trà My", "89,45")
        assert (rows[-1][1], rows[-1][5]) == ("UBND huyện Nông Sơn", "76,95")
        assert {r[6] for r in rows[1:]} == {"Khá"}

    def test_the_classification_counts(self, document):
        counts = [r for r in texts(document.tables[4]) if r[0] != "Khối"]
        by_group = {}
        for group, label, count in counts:
            by_group.setdefault(group, {})[label] = count
        departments = next(
            v for k, v in by_group.items() if "ngành" in k.lower() or "sở" in k.lower()
        )
        assert (departments.get("Tốt"), departments.get("Khá")) == ("15", "5")

    def test_the_most_lost_items_are_listed_per_group(self, document):
        rows = texts(document.tables[5])
        assert rows[0] == [
            "STT",
            "Mã",
            "Tiêu chí",
            "Điểm tối đa",
            "Tổng điểm bị mất",
            "Số đơn vị bị mất điểm",
        ]
        assert 1 < len(rows) <= 11
        lost = [D(r[4].replace(",", ".")) for r in rows[1:]]
        assert lost == sorted(lost, reverse=True)

    def test_anyone_downloads_a_published_years_report(self, client, demo_province):
        response = client.get("/bao-cao/ket-qua-2023.docx")
        assert response.status_code == 200
        assert len(open_docx(response.content).tables) >= 6
        assert client.get("/bao-cao/ket-qua-2026.docx").status_code == 404  # in progress
