"""Framework import (with preview) and export in the admin (scoring/exchange/framework_io.py)."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from openpyxl import load_workbook

from scoring.exchange import importers
from scoring.exchange.framework_io import framework_workbook
from scoring.models import AssessmentYear, Framework, Item, YearState
from tests.factories import FULL_MARKS, db_snapshot, make_sheet, make_unit, make_user, make_year
from tests.factories import score as give
from units.models import Role, UnitGroup

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/scoring/framework/nhap-xlsx/"
ITEM_FIELDS = (
    "code",
    "name",
    "max_points",
    "method",
    "is_scored",
    "depth",
    "guidance",
    "na_allowed",
    "evidence_required",
)


def tree(framework: Framework) -> list[tuple]:
    return list(framework.items.order_by("sort_key").values_list(*ITEM_FIELDS))


@pytest.fixture
def framework():
    year = make_year(2024)
    Item.objects.filter(code="1.1.1").update(guidance="=Xem Kế hoạch 12/KH", evidence_required=True)
    return Framework.objects.select_related("year", "group").get(year=year)


def upload(data: bytes, name="bo-chi-so.xlsx"):
    file = io.BytesIO(data)
    file.name = name
    return file


class TestExport:
    def test_it_writes_the_importers_columns_with_vietnamese_explanations(self, framework):
        book = load_workbook(io.BytesIO(framework_workbook(framework)))
        assert book.sheetnames == ["Bộ chỉ số", "Thông tin"]
        ws = book["Bộ chỉ số"]
        assert [c.value for c in ws[1]] == [
            "code",
            "name",
            "max_points",
            "method",
            "guidance",
            "na_allowed",
            "evidence_required",
            "rule",
            "source",
        ]
        assert ws["A1"].comment.text == "Mã tiêu chí: 1, 1.2, 1.2.3 (định dạng Văn bản)."
        assert [list(r) for r in ws.iter_rows(min_row=2, max_row=4, values_only=True)] == [
            [
                "1",
                "Công tác chỉ đạo, điều hành CCHC",
                30,
                "thẩm định",
                None,
                "không",
                "không",
                None,
                None,
            ],
            ["1.1", "Kế hoạch CCHC năm", 20, "thẩm định", None, "không", "không", None, None],
            [
                "1.1.1",
                "Ban hành kế hoạch đúng hạn",
                10,
                "thẩm định",
                "=Xem Kế hoạch 12/KH",
                "không",
                "có",
                None,
                None,
            ],
        ]
        assert ws["E4"].data_type == "s"  # user text, never a formula
        assert ws["C2"].number_format == "0.00"
        assert book["Thông tin"]["A2"].value == "Bộ chỉ số năm 2024 · Sở, ban, ngành"

    def test_the_command_line_importer_reads_it_back_to_the_same_tree(self, framework, tmp_path):
        path = tmp_path / "2024.xlsx"
        # A guidance starting with "=" is refused by the shared reader as a formula; a real one
        # does not start so.
        Item.objects.filter(code="1.1.1").update(guidance="Xem Kế hoạch 12/KH")
        path.write_bytes(framework_workbook(framework))
        call_command("import_framework", str(path), year=2025, group="SO", stdout=io.StringIO())
        copy = Framework.objects.get(year__year=2025, group__code="SO")
        assert tree(copy) == tree(framework)

    def test_the_admin_downloads_it_from_the_framework_page(self, client, admin_user, framework):
        client.force_login(admin_user)
        page = client.get(f"/admin/scoring/framework/{framework.pk}/change/")
        assert f"/admin/scoring/framework/{framework.pk}/xuat-xlsx/" in page.content.decode()
        response = client.get(f"/admin/scoring/framework/{framework.pk}/xuat-xlsx/")
        assert response["Content-Disposition"] == 'attachment; filename="bo-chi-so-2024-so.xlsx"'
        assert load_workbook(io.BytesIO(response.content))["Bộ chỉ số"]["A2"].value == "1"


class TestImport:
    @pytest.fixture
    def file(self, framework):
        Item.objects.filter(code="1.1.1").update(guidance="")
        book = load_workbook(io.BytesIO(framework_workbook(framework)))
        ws = book["Bộ chỉ số"]
        ws["B4"] = "Ban hành kế hoạch CCHC đúng hạn"
        ws["C4"] = 12  # 1.1.1 now 12: the parents follow (1.1 → 22, 1 → 32)
        ws["C3"] = None
        ws["C2"] = None
        out = io.BytesIO()
        book.save(out)
        return out.getvalue()

    def test_the_list_has_the_import_page_among_its_tools(self, client, admin_user):
        client.force_login(admin_user)
        html = client.get("/admin/scoring/framework/").content.decode()
        assert IMPORT_URL in html and "Nhập bộ chỉ số từ Excel" in html

    def test_the_preview_shows_the_tree_and_saves_nothing(self, client, admin_user, file):
        client.force_login(admin_user)
        before = db_snapshot()
        response = client.post(IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(file)})
        assert response.status_code == 200
        assert db_snapshot() == before
        assert response.context["summary"] == {
            "items": 11,
            "scored": 7,
            "appraisal_max": D("72"),
            "survey_max": D("30"),
        }
        assert [(line["row"].code, line["depth"]) for line in response.context["preview"]][:3] == [
            ("1", 1),
            ("1.1", 2),
            ("1.1.1", 3),
        ]
        assert "Xác nhận và nhập" in response.content.decode()

    def test_confirming_imports_it_all(self, client, admin_user, file):
        client.force_login(admin_user)
        preview = client.post(IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(file)})
        response = client.post(IMPORT_URL, {"nonce": preview.context["nonce"]})
        framework = Framework.objects.get(year__year=2025, group__code="SO")
        assert response["Location"] == f"/admin/scoring/framework/{framework.pk}/change/"
        assert framework.items.get(code="1").max_points == D("32")
        assert framework.items.get(code="1.1.1").name == "Ban hành kế hoạch CCHC đúng hạn"
        assert AssessmentYear.objects.get(year=2025).state == YearState.PREPARING
        again = client.post(IMPORT_URL, {"nonce": preview.context["nonce"]})
        assert again["Location"] == IMPORT_URL  # a preview is applied once

    def test_a_framework_with_scores_or_a_published_year_is_refused_at_preview(
        self, client, admin_user, file, framework
    ):
        give(make_sheet(make_unit("SNV"), framework.year), **FULL_MARKS)
        client.force_login(admin_user)
        before = db_snapshot()
        response = client.post(IMPORT_URL, {"year": 2024, "group": "SO", "file": upload(file)})
        assert response.status_code == 400
        assert response.context["errors"] == [
            "Bộ chỉ số SO năm 2024 đã có điểm chấm: không thể thay thế."
        ]
        assert db_snapshot() == before

    def test_every_problem_of_the_file_is_listed_by_row(self, client, admin_user, file):
        book = load_workbook(io.BytesIO(file))
        ws = book.active
        ws["C5"] = "mười"
        out = io.BytesIO()
        book.save(out)
        client.force_login(admin_user)
        response = client.post(
            IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(out.getvalue())}
        )
        assert response.context["errors"] == [
            "Dòng 5, cột max_points: không phải là số, nhận được “mười”",
        ]
        assert not Framework.objects.filter(year__year=2025).exists()

    @pytest.mark.parametrize(
        ("data", "message"),
        [
            (b"%PDF-1.4 \x00\x01", "Tệp không phải bảng tính Excel hoặc CSV"),
            (b"PK\x03\x04broken", "Tệp xlsx bị hỏng hoặc không đọc được"),
        ],
    )
    def test_bad_files_get_a_clear_message(self, client, admin_user, data, message):
        client.force_login(admin_user)
        response = client.post(IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(data)})
        assert response.status_code == 400
        assert response.context["errors"] == [message]

    def test_an_empty_file_is_refused_by_the_form(self, client, admin_user):
        client.force_login(admin_user)
        response = client.post(IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(b"")})
        assert response.status_code == 400
        assert response.context["form"].errors["file"] == ["Tập tin được gửi là rỗng."]

    def test_a_windows_1258_csv_imports_like_its_utf8_twin(self, client, admin_user):
        from tests.factories import cp1258_bytes

        text = (
            "code,name,max_points,method\r\n"
            "1,Công tác chỉ đạo điều hành,,\r\n"
            "1.1,Kế hoạch cải cách hành chính,10,thẩm định\r\n"
            "2,Mức độ hài lòng,,\r\n"
            "2.1,Hài lòng về tiếp cận dịch vụ,5.5,điều tra XHH\r\n"
        )
        client.force_login(admin_user)
        for year, data in ((2030, cp1258_bytes(text)), (2031, text.encode("utf-8-sig"))):
            preview = client.post(
                IMPORT_URL, {"year": year, "group": "SO", "file": upload(data, "a.csv")}
            )
            client.post(IMPORT_URL, {"nonce": preview.context["nonce"]})
        a, b = (Framework.objects.get(year__year=y) for y in (2030, 2031))
        assert tree(a) == tree(b)
        assert a.items.get(code="1.1").name == "Kế hoạch cải cách hành chính"

    def test_only_admins_may_import_or_export(self, client, framework):
        unit = make_unit("SNV")
        appraiser = make_user("appraiser", Role.APPRAISER, unit, is_staff=True)
        client.force_login(appraiser)
        assert client.get(IMPORT_URL).status_code == 403
        assert client.get(f"/admin/scoring/framework/{framework.pk}/xuat-xlsx/").status_code == 403
        assert UnitGroup.objects.filter(code="SO").exists()

    def test_the_importer_summary_is_the_message(self, client, admin_user, file):
        client.force_login(admin_user)
        preview = client.post(IMPORT_URL, {"year": 2025, "group": "SO", "file": upload(file)})
        response = client.post(IMPORT_URL, {"nonce": preview.context["nonce"]}, follow=True)
        assert [str(m) for m in response.context["messages"]] == [
            str(
                importers.FrameworkImportSummary(
                    framework=Framework.objects.get(year__year=2025),
                    year_created=True,
                    items=11,
                    scored=7,
                    appraisal_max=D("72"),
                    survey_max=D("30"),
                )
            )
        ]


class TestRealFrameworksRoundTrip:
    """Rules, bonus and deduction sections and a section's cap go out and come back in."""

    ROWS = [
        ("1", "Chỉ đạo", None, ""),
        ("1.1", "Tỷ lệ hồ sơ trực tuyến", D(2), "threshold 80:2 50:1 0:0"),
        ("1.2", "Kế hoạch", D(8), ""),
        ("T", "Điểm thưởng", None, ""),
        ("T.1", "Sáng kiến", D(1), ""),
        ("D", "Điểm trừ", D(1), ""),
        ("D.1", "Chậm báo cáo", D(1), "per_occurrence 0.25"),
        ("D.2", "Vi phạm", D(2), "yes_no"),
    ]
    METHODS = {"1.1": "appraisal", "1.2": "appraisal", "T.1": "bonus"}

    def test_the_export_previews_with_its_rules_and_cap_and_imports_back_the_same(
        self, client, admin_user
    ):
        from scoring.services.frameworks import ItemRow, replace_framework
        from scoring.specs import rule_text
        from tests.factories import make_group

        year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
        group = make_group("SO")
        replace_framework(
            year,
            group,
            [
                ItemRow(
                    code,
                    name,
                    maximum,
                    self.METHODS.get(
                        code, "deduction" if "." in code and code.startswith("D") else None
                    ),
                    rule=rule,
                )
                for code, name, maximum, rule in self.ROWS
            ],
        )
        framework = Framework.objects.select_related("year", "group").get(year=year)
        data = framework_workbook(framework)
        before = [(i.code, i.max_points, i.method, rule_text(i)) for i in framework.items.all()]

        client.force_login(admin_user)
        preview = client.post(IMPORT_URL, {"year": 2026, "group": "SO", "file": upload(data)})
        lines = {line["row"].code: line for line in preview.context["preview"]}
        assert lines["1.1"]["row"].rule == "threshold 80:2 50:1 0:0"
        assert lines["D"]["cap"] == "Điểm trừ"
        assert lines["T"]["cap"] is None
        page = preview.content.decode()
        assert "<code>threshold 80:2 50:1 0:0</code>" in page
        assert "mức trần của mục Điểm trừ" in page

        client.post(IMPORT_URL, {"nonce": preview.context["nonce"]})
        again = Framework.objects.get(year=year)
        assert [(i.code, i.max_points, i.method, rule_text(i)) for i in again.items.all()] == before
