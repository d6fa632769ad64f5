"""The foundation's management commands: import_framework, set_bands, import_scores, results
and copy_year. Every refused run raises CommandError (exit status 1) and saves nothing."""

import io
import json
from decimal import Decimal as D
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.exchange import importers
from scoring.models import AssessmentYear, Band, Item, Result, Score, Sheet, YearState
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import (
    csv_file,
    db_snapshot,
    make_sheet,
    make_small_province,
    make_unit,
    make_user,
    make_year,
    score,
    xlsx_file,
)
from tests.scoring.exchange.test_opendata import CSV_2023


def run(*args, **options) -> str:
    out = io.StringIO()
    call_command(*args, stdout=out, **options)
    return out.getvalue()


def refused(*args, **options) -> str:
    """Run a command that must fail; check that nothing changed; return its message."""
    before = db_snapshot()
    with pytest.raises(CommandError) as exc:
        run(*args, **options)
    assert exc.value.returncode == 1
    assert db_snapshot() == before
    return str(exc.value)


def write(tmp_path, fmt: str, rows) -> str:
    """rows as a file in one of the accepted formats (numbers as they would be typed)."""
    if fmt == "xlsx":
        return xlsx_file(tmp_path, rows)
    if fmt == "semicolon":
        rows = [[str(c).replace(".", ",") if isinstance(c, float) else c for c in r] for r in rows]
        return csv_file(tmp_path, rows, sep=";")
    return csv_file(tmp_path, rows, encoding=fmt)


FORMATS = ["utf-8", "utf-8-sig", "cp1258", "semicolon", "xlsx"]


# --------------------------------------------------------------------------- import_framework

FRAMEWORK_HEADER = [
    "code",
    "name",
    "max_points",
    "method",
    "guidance",
    "na_allowed",
    "evidence_required",
]
FRAMEWORK = [
    FRAMEWORK_HEADER,
    ["1", "Công tác chỉ đạo, điều hành CCHC", 30, "", "", "", ""],
    ["1.1", "Kế hoạch CCHC năm", None, "appraisal", "", "", ""],
    ["1.1.1", "Ban hành kế hoạch đúng hạn", 10, "appraisal", "Trước ngày 31/12", "", "x"],
    ["1.1.2", "Mức độ hoàn thành kế hoạch", 10.5, "Appraisal", "", "không", "có"],
    ["1.2", "Tuyên truyền CCHC", 9.5, "appraisal", "", "0", "1"],
    ["2", "Cải cách thủ tục hành chính", None, "", "", "", ""],
    ["2.1", "Công bố, công khai TTHC", 20, "appraisal", "", "", ""],
    ["2.2", "Tiếp nhận hồ sơ trực tuyến", 20, "appraisal", "", "có", ""],
    ["3", "Mức độ hài lòng của người dân", 30, "survey", "", "", ""],
    ["3.1", "Hài lòng về tiếp cận dịch vụ", 15, "survey", "", "", ""],
    ["3.2", "Hài lòng về kết quả giải quyết", 15, "survey", "", "", ""],
]
FRAMEWORK_ITEMS_2024 = [
    ("1", "Công tác chỉ đạo, điều hành CCHC", D("30.00"), "appraisal", False, "", False, False),
    ("1.1", "Kế hoạch CCHC năm", D("20.50"), "appraisal", False, "", False, False),
    ("1.1.1", "Ban hành kế hoạch đúng hạn", D("10.00"), "appraisal", True, "Trước ngày 31/12", False, True),
    ("1.1.2", "Mức độ hoàn thành kế hoạch", D("10.50"), "appraisal", True, "", False, True),
    ("1.2", "Tuyên truyền CCHC", D("9.50"), "appraisal", True, "", False, True),
    ("2", "Cải cách thủ tục hành chính", D("40.00"), "appraisal", False, "", False, False),
    ("2.1", "Công bố, công khai TTHC", D("20.00"), "appraisal", True, "", False, False),
    ("2.2", "Tiếp nhận hồ sơ trực tuyến", D("20.00"), "appraisal", True, "", True, False),
    ("3", "Mức độ hài lòng của người dân", D("30.00"), "survey", False, "", False, False),
    ("3.1", "Hài lòng về tiếp cận dịch vụ", D("15.00"), "survey", True, "", False, False),
    ("3.2", "Hài lòng về kết quả giải quyết", D("15.00"), "survey", True, "", False, False),
]  # fmt: skip


def framework_items(year: int, group: str = "SO") -> list[tuple]:
    return list(
        Item.objects.filter(framework__year__year=year, framework__group__code=group).values_list(
            "code", "name", "max_points", "method", "is_scored", "guidance", "na_allowed",
            "evidence_required",
        )
    )  # fmt: skip


def with_rows(rows, changes: dict[str, list]) -> list[list]:
    """The framework rows with some rows replaced (by code) or removed (None)."""
    out = []
    for row in rows:
        if row[0] in changes:
            if changes[row[0]] is not None:
                out.append(changes[row[0]])
        else:
            out.append(row)
    return out


@pytest.mark.django_db
class TestImportFramework:
    @pytest.mark.parametrize("fmt", FORMATS)
    def test_it_creates_the_year_in_preparation_with_the_framework_of_the_file(self, tmp_path, fmt):
        output = run("import_framework", write(tmp_path, fmt, FRAMEWORK), year=2024, group="SO")

        assert output == (
            "Đã nhập bộ chỉ số khối SO năm 2024: 11 tiêu chí, 7 tiêu chí được chấm "
            "(thẩm định 70,00 điểm, ĐTXHH 30,00 điểm). "
            "Đã tạo năm 2024 (trạng thái “Chuẩn bị”).\n"
        )
        assert AssessmentYear.objects.get(year=2024).state == YearState.PREPARING
        assert framework_items(2024) == FRAMEWORK_ITEMS_2024

    def test_columns_match_in_any_order_and_case(self, tmp_path):
        rows = [[r[3], r[0], r[1], r[2]] for r in FRAMEWORK]
        rows[0] = ["METHOD", "Code", "Name", "Max_Points"]

        run("import_framework", csv_file(tmp_path, rows), year=2024, group="so")

        assert [i[:5] for i in framework_items(2024)] == [i[:5] for i in FRAMEWORK_ITEMS_2024]

    def test_it_replaces_the_framework_of_an_existing_year_that_has_no_scores(self, tmp_path):
        year = make_year(2023, state=YearState.APPRAISAL)
        make_sheet(make_unit("SNV"), year)  # a sheet, no scores: its result follows the new max
        rows = with_rows(
            FRAMEWORK, {"2.2": None, "2.1": ["2.1", "Công bố, công khai TTHC", 40, "appraisal"]}
        )

        output = run("import_framework", csv_file(tmp_path, rows), year=2023, group="SO")

        assert output.startswith("Đã nhập bộ chỉ số khối SO năm 2023: 10 tiêu chí, 6 tiêu chí")
        assert "Đã tạo năm" not in output
        assert [i[0] for i in framework_items(2023)] == [
            "1", "1.1", "1.1.1", "1.1.2", "1.2", "2", "2.1", "3", "3.1", "3.2"
        ]  # fmt: skip
        assert AssessmentYear.objects.get(year=2023).state == YearState.APPRAISAL
        assert Result.objects.get(unit__code="SNV").domains.count() == 3

    def test_it_refuses_a_parent_whose_maximum_does_not_add_up(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"1": ["1", "Chỉ đạo, điều hành", 31, "", "", "", ""]})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message == (
            "Dòng 2, cột max_points: điểm tối đa của 1 là 31,00 nhưng tổng các tiêu chí con "
            "là 30,00."
        )

    def test_it_refuses_an_item_whose_parent_has_no_row(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"1.1": None})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert "Dòng 3: tiêu chí 1.1.1 thiếu tiêu chí cha 1.1." in message.splitlines()
        assert "Dòng 4: tiêu chí 1.1.2 thiếu tiêu chí cha 1.1." in message.splitlines()

    def test_it_refuses_a_parent_method_that_its_items_do_not_share(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"3.2": ["3.2", "Hài lòng", 15, "appraisal", "", "", ""]})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message == (
            "Dòng 10, cột method: 3 ghi “survey” nhưng không phải mọi tiêu chí con đều như vậy."
        )

    def test_it_refuses_an_unknown_method(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"2.2": ["2.2", "Trực tuyến", 20, "khảo sát", "", "", ""]})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert (
            message
            == "Dòng 9, cột method: “khảo sát” không hợp lệ (appraisal, survey, bonus hoặc deduction)."
        )

    def test_it_lists_every_tree_problem_at_once(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"2.1": ["2.1", "Công bố TTHC", None, "", "", "", ""]})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message.splitlines() == [
            "Dòng 8, cột method: tiêu chí được chấm 2.1 cần phương pháp (appraisal hoặc survey).",
            "Dòng 8, cột max_points: tiêu chí được chấm 2.1 cần điểm tối đa.",
        ]

    def test_it_refuses_points_with_more_than_two_decimals_and_negative_points(self, tmp_path):
        rows = with_rows(FRAMEWORK, {"3.1": ["3.1", "Tiếp cận", "15.005", "survey", "", "", ""]})
        rows = with_rows(rows, {"3.2": ["3.2", "Kết quả", "-15", "survey", "", "", ""]})

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message.splitlines() == [
            "Dòng 11, cột max_points: tối đa 2 chữ số thập phân, nhận được “15.005”",
            "Dòng 12, cột max_points: không được âm, nhận được “-15”",
        ]

    def test_it_refuses_to_replace_a_framework_that_has_scores(self, tmp_path):
        year = make_year(2023)
        score(make_sheet(make_unit("SNV"), year), **{"1.1.1": "9"})

        message = refused("import_framework", csv_file(tmp_path, FRAMEWORK), year=2023, group="SO")

        assert message == "Bộ chỉ số SO năm 2023 đã có điểm chấm: không thể thay thế."

    def test_it_refuses_a_published_year(self, tmp_path):
        make_year(2023, state=YearState.PUBLISHED)

        message = refused("import_framework", csv_file(tmp_path, FRAMEWORK), year=2023, group="SO")

        assert message == (
            "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        )

    def test_it_refuses_an_unknown_group(self, tmp_path):
        message = refused(
            "import_framework", csv_file(tmp_path, FRAMEWORK), year=2024, group="PHUONG"
        )

        assert message == "Không có khối “PHUONG” (các khối: SO, HUYEN, XA, NGANHDOC, TINH)."

    def test_it_refuses_a_file_without_a_required_column(self, tmp_path):
        rows = [row[:3] for row in FRAMEWORK]

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message == "Thiếu cột bắt buộc “method”"

    def test_it_refuses_an_unknown_column(self, tmp_path):
        rows = [[*row, "ghi chú" if i == 0 else ""] for i, row in enumerate(FRAMEWORK)]

        message = refused("import_framework", csv_file(tmp_path, rows), year=2024, group="SO")

        assert message.startswith("Cột “ghi chú” không được hỗ trợ; các cột hợp lệ: code, name")

    def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(self, tmp_path):
        path = tmp_path / "bo-chi-so.pdf"
        path.write_bytes(b"%PDF-1.7\n\x00\x01\x02\x03binary")

        message = refused("import_framework", str(path), year=2024, group="SO")

        assert message == "Tệp không phải bảng tính Excel hoặc CSV"

    def test_it_reports_a_file_that_cannot_be_opened(self, tmp_path):
        message = refused("import_framework", str(tmp_path / "khong-co.csv"), year=2024, group="SO")

        assert message.startswith("Không đọc được tệp “")


# --------------------------------------------------------------------------- set_bands


@pytest.mark.django_db
class TestSetBands:
    def test_it_replaces_the_bands_and_reclassifies_the_results(self):
        make_small_province()

        output = run(
            "set_bands", "Tốt=85", "Khá=80", "Trung bình=70", "Yếu=0", year=2023, group="SO"
        )

        assert output == (
            "Đã đặt 4 mức xếp loại cho khối SO năm 2023: Tốt từ 85,00; Khá từ 80,00; "
            "Trung bình từ 70,00; Yếu từ 0,00.\n"
        )
        assert list(
            Band.objects.filter(year__year=2023, group__code="SO").values_list("label", "min_index")
        ) == [("Tốt", D("85")), ("Khá", D("80")), ("Trung bình", D("70")), ("Yếu", D("0"))]
        assert dict(
            Result.objects.filter(group__code="SO").values_list("unit__code", "band_label")
        ) == {"SNV": "Tốt", "SLDTBXH": "Tốt", "SCT": "Tốt", "STP": "Tốt", "STNMT": "Khá"}
        assert Result.objects.get(unit__code="TAMKY").band_label == "Tốt"  # other group untouched

    def test_a_minimum_may_use_a_decimal_comma(self):
        make_year(2023)

        output = run("set_bands", "Xuất sắc=95,5", "Tốt=90", year=2023, group="SO")

        assert output.endswith("Xuất sắc từ 95,50; Tốt từ 90,00.\n")

    def test_it_refuses_malformed_bands_and_lists_them_all(self):
        make_year(2023)

        message = refused("set_bands", "Tốt90", "Khá=tám mươi", "=70", year=2023, group="SO")

        assert message.splitlines() == [
            "“Tốt90”: cần dạng Tên mức=chỉ số tối thiểu, ví dụ “Tốt=90”.",
            "“Khá=tám mươi”: chỉ số tối thiểu không phải là số, nhận được “tám mươi”.",
            "“=70”: cần dạng Tên mức=chỉ số tối thiểu, ví dụ “Tốt=90”.",
        ]

    def test_it_refuses_two_bands_with_the_same_minimum_or_a_minimum_above_100(self):
        make_year(2023)

        message = refused("set_bands", "Tốt=101", "Khá=80", "Đạt=80", year=2023, group="SO")

        assert message.splitlines() == [
            "Hai mức xếp loại có cùng chỉ số tối thiểu.",
            "Mức “Tốt”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.",
        ]

    def test_it_refuses_a_year_that_does_not_exist(self):
        message = refused("set_bands", "Tốt=90", year=2030, group="SO")

        assert message == (
            "Chưa có năm 2030 (kỳ đánh giá): hãy nhập bộ chỉ số hoặc sao chép từ năm trước."
        )

    def test_it_refuses_a_published_year(self):
        make_year(2023, state=YearState.PUBLISHED)

        message = refused("set_bands", "Tốt=90", year=2023, group="SO")

        assert message.startswith("Năm 2023 đã công bố kết quả")

    def test_it_refuses_an_unknown_group(self):
        make_year(2023)

        message = refused("set_bands", "Tốt=90", year=2023, group="PHUONG")

        assert message.startswith("Không có khối “PHUONG”")


# --------------------------------------------------------------------------- import_scores

SCORES_HEADER = ["unit_code", "item_code", "self_points", "points", "not_applicable", "note"]


@pytest.fixture
def scoring_year(db):
    """2023 in appraisal: SNV has claimed 9 and been given 8 on 1.1.1; STP has nothing yet."""
    year = make_year(2023, state=YearState.APPRAISAL)
    snv, stp = make_unit("SNV", "Sở Nội vụ"), make_unit("STP", "Sở Tư pháp")
    make_unit("HUYEN1", "UBND huyện Một", group="HUYEN")  # no HUYEN framework in 2023
    apply_score_changes(
        make_sheet(snv, year),
        [ScoreChange("1.1.1", self_points=D("9"), points=D("8"), note="Đã ban hành")],
        source="test",
    )
    make_sheet(stp, year)
    return year


def scores() -> dict[tuple[str, str], tuple]:
    return {
        (s.sheet.unit.code, s.item.code): (s.self_points, s.points, s.not_applicable, s.note)
        for s in Score.objects.select_related("sheet__unit", "item")
    }


@pytest.mark.django_db
class TestImportScores:
    GOOD = [
        SCORES_HEADER,
        ["SNV", "1.1.1", 10, 9.5, "", "Ban hành ngày 20/12"],
        ["SNV", "2.2", "", "", "x", "Không có thủ tục trực tuyến"],
        ["SNV", "3.1", "", 13.11, "", ""],
        ["STP", "1.2", 7.25, 6, "không", "Đã tuyên truyền"],
    ]

    @pytest.mark.parametrize("fmt", FORMATS)
    def test_it_saves_the_scores_of_every_unit_and_recomputes_results(
        self, tmp_path, scoring_year, fmt
    ):
        output = run("import_scores", write(tmp_path, fmt, self.GOOD), year=2023)

        assert output == (
            "Đã nhập 4 dòng điểm của 2 đơn vị năm 2023; "
            "đã tính lại kết quả và xếp hạng của 1 khối.\n"
        )
        assert scores() == {
            ("SNV", "1.1.1"): (D("10.00"), D("9.50"), False, "Ban hành ngày 20/12"),
            ("SNV", "2.2"): (None, None, True, "Không có thủ tục trực tuyến"),
            ("SNV", "3.1"): (None, D("13.11"), False, ""),
            ("STP", "1.2"): (D("7.25"), D("6.00"), False, "Đã tuyên truyền"),
        }
        snv = Result.objects.get(unit__code="SNV")
        assert (snv.total, snv.max_points, snv.index, snv.rank, snv.rank_of) == (
            D("22.61"), D("80.00"), D("28.26"), 1, 2
        )  # fmt: skip
        assert Result.objects.get(unit__code="STP").rank == 2

    def test_xlsx_true_and_false_cells_are_yes_and_no(self, tmp_path, scoring_year):
        rows = [
            ["unit_code", "item_code", "points", "not_applicable"],
            ["STP", "2.2", None, True],
            ["STP", "2.1", 19.75, False],
        ]

        run("import_scores", xlsx_file(tmp_path, rows), year=2023)

        assert scores()[("STP", "2.2")] == (None, None, True, "")
        assert scores()[("STP", "2.1")] == (None, D("19.75"), False, "")

    def test_the_progress_bar_follows_every_unit_as_it_is_saved(self, tmp_path, scoring_year):
        seen = []

        def progress(units):
            for unit in units:
                seen.append(unit.code)
                yield unit

        year = AssessmentYear.objects.get(year=2023)
        rows = importers.read_score_rows(Path(csv_file(tmp_path, self.GOOD)).read_bytes())
        importers.import_scores(year, rows, progress=progress)

        assert seen == ["SNV", "STP"]

    def test_history_records_the_import_as_the_source(self, tmp_path, scoring_year):
        run("import_scores", csv_file(tmp_path, self.GOOD), year=2023)

        latest = Score.history.filter(item__code="1.1.1").latest("history_date")
        assert (latest.history_change_reason, latest.points) == ("import", D("9.50"))

    def test_every_score_the_file_changes_gets_one_complete_history_row_and_no_other(
        self, tmp_path, scoring_year
    ):
        # The file's history rows are copied in the database from the saved scores (one
        # statement for the file): each row as saved, its user, source and kind.
        user = make_user("nhap-diem")
        before = Score.history.count()
        versions = dict(Sheet.objects.values_list("unit__code", "version"))
        year = AssessmentYear.objects.get(year=2023)
        rows = importers.read_score_rows(Path(csv_file(tmp_path, self.GOOD)).read_bytes())

        importers.import_scores(year, rows, user=user, source="upload")

        history = Score.history.order_by("history_id")[before:]
        assert len(history) == 4  # four rows, each changing its score
        fields = ("self_points", "points", "not_applicable", "note", "reason", "updated_by_id")
        for row in history:
            score = Score.all_versions.get(pk=row.id)
            assert {name: getattr(row, name) for name in fields} == {
                name: getattr(score, name) for name in fields
            }
            assert (row.history_change_reason, row.history_user_id) == ("upload", user.pk)
        assert sorted(
            (row.sheet.unit.code, row.item.code, row.history_type) for row in history
        ) == [("SNV", "1.1.1", "~"), ("SNV", "2.2", "+"), ("SNV", "3.1", "+"), ("STP", "1.2", "+")]
        assert dict(Sheet.objects.values_list("unit__code", "version")) == {
            code: version + 1 for code, version in versions.items()
        }

        # The same file again changes nothing: no history row more (the versions still move,
        # as a save of an unchanged sheet does).
        importers.import_scores(year, rows, user=user, source="upload")
        assert Score.history.count() == before + 4

    def test_an_absent_column_leaves_the_field_alone(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "1.1.1", "7"]]

        run("import_scores", csv_file(tmp_path, rows), year=2023)

        assert scores()[("SNV", "1.1.1")] == (D("9.00"), D("7.00"), False, "Đã ban hành")

    def test_an_empty_cell_clears_the_field(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "self_points", "note"], ["SNV", "1.1.1", "", ""]]

        run("import_scores", csv_file(tmp_path, rows), year=2023)

        assert scores()[("SNV", "1.1.1")] == (None, D("8.00"), False, "")

    def test_it_refuses_self_points_on_a_survey_item(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "self_points"], ["SNV", "3.1", "12"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == (
            "Dòng 2: tiêu chí 3.1 chấm bằng điều tra xã hội học: đơn vị không tự đánh giá."
        )

    def test_it_refuses_points_on_a_not_applicable_item(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points", "not_applicable"], ["STP", "2.2", "5", "có"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2: tiêu chí 2.2 không áp dụng thì không có điểm."

    def test_it_refuses_not_applicable_on_an_item_that_does_not_allow_it(
        self, tmp_path, scoring_year
    ):
        rows = [["unit_code", "item_code", "not_applicable"], ["STP", "2.1", "TRUE"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2: tiêu chí 2.1 không được chọn “không áp dụng”."

    def test_it_refuses_an_unknown_unit_once_with_its_number_of_rows(self, tmp_path, scoring_year):
        rows = [
            ["unit_code", "item_code", "points"],
            ["STP", "1.2", "5"],
            ["SXX", "1.1.1", "5"],
            ["SXX", "1.1.2", "5"],
        ]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 3, cột unit_code: không có đơn vị “SXX”. (2 dòng)"

    def test_it_refuses_a_unit_whose_group_has_no_framework_that_year(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["HUYEN1", "1.1.1", "5"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2, cột unit_code: chưa có bộ chỉ số năm 2023 cho khối HUYEN."

    def test_it_refuses_a_unit_that_is_not_assessed_that_year(self, tmp_path, scoring_year):
        make_unit("SKHDT", "Sở Kế hoạch và Đầu tư", last_year=2022)
        rows = [["unit_code", "item_code", "points"], ["SKHDT", "1.1.1", "5"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2, cột unit_code: đơn vị SKHDT không được đánh giá năm 2023."

    def test_it_refuses_an_unknown_item_or_a_parent_item(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "9.9", "5"], ["SNV", "1.1", "5"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message.splitlines() == [
            "Dòng 2: tiêu chí “9.9” không có (hoặc không được chấm) trong bộ chỉ số.",
            "Dòng 3: tiêu chí “1.1” không có (hoặc không được chấm) trong bộ chỉ số.",
        ]

    def test_it_refuses_points_above_the_maximum(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "1.1.1", "10,5"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2: điểm 10,50 vượt điểm tối đa 10,00 của tiêu chí 1.1.1."

    def test_it_refuses_negative_points(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "self_points"], ["SNV", "1.1.1", "-1"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2, cột self_points: không được âm, nhận được “-1”"

    def test_it_refuses_points_with_three_decimals_in_a_year_of_two(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "1.1.1", "9.555"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2: điểm có tối đa 2 chữ số thập phân."

    def test_it_refuses_points_with_four_decimals_in_the_file(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "1.1.1", "9.5555"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 2, cột points: tối đa 3 chữ số thập phân, nhận được “9.5555”"

    def test_it_refuses_the_same_unit_and_item_twice(self, tmp_path, scoring_year):
        rows = [["unit_code", "item_code", "points"], ["SNV", "1.2", "5"], ["SNV", "1.2", "6"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Dòng 3: đơn vị SNV, tiêu chí 1.2 đã có ở dòng 2."

    def test_it_lists_every_problem_of_every_unit_in_row_order_and_saves_nothing(
        self, tmp_path, scoring_year
    ):
        rows = [
            SCORES_HEADER,
            ["STP", "1.1.1", "5", "5", "", "đúng"],  # fine, but not saved
            ["STP", "1.1.2", "", "11", "", ""],
            ["SNV", "3.2", "1", "", "", ""],
            ["SXX", "1.1.1", "", "1", "", ""],
            ["SNV", "1.2", "", "abc", "", ""],
            ["SNV", "2.2", "", "3", "1", ""],
            ["STP", "", "", "3", "", ""],
            ["STP", "1.2", "", "", "có lẽ", ""],
        ]

        message = refused("import_scores", xlsx_file(tmp_path, rows), year=2023)

        assert message.splitlines() == [
            "Dòng 6, cột points: không phải là số, nhận được “abc”",
            "Dòng 8, cột item_code: không được để trống",
            "Dòng 9, cột not_applicable: giá trị có/không không hợp lệ (dùng có/không, x, 1/0, "
            "yes/no, true/false), nhận được “có lẽ”",
        ]  # file problems first: the rows are not checked against the database yet

        rows = [r for r in rows if r[1] and r[3] != "abc" and r[4] != "có lẽ"]
        message = refused("import_scores", xlsx_file(tmp_path, rows), year=2023)

        assert message.splitlines() == [
            "Dòng 3: điểm 11,00 vượt điểm tối đa 10,00 của tiêu chí 1.1.2.",
            "Dòng 4: tiêu chí 3.2 chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.",
            "Dòng 5, cột unit_code: không có đơn vị “SXX”.",
            "Dòng 6: tiêu chí 2.2 không áp dụng thì không có điểm.",
        ]

    def test_it_refuses_a_year_that_does_not_exist(self, tmp_path, scoring_year):
        message = refused("import_scores", csv_file(tmp_path, self.GOOD), year=2030)

        assert message.startswith("Chưa có năm 2030 (kỳ đánh giá)")

    def test_it_refuses_a_published_year(self, tmp_path, scoring_year):
        AssessmentYear.objects.filter(year=2023).update(state=YearState.PUBLISHED)

        message = refused("import_scores", csv_file(tmp_path, self.GOOD), year=2023)

        assert message == (
            "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        )

    def test_it_refuses_a_file_without_a_required_column(self, tmp_path, scoring_year):
        rows = [["unit_code", "points"], ["SNV", "5"]]

        message = refused("import_scores", csv_file(tmp_path, rows), year=2023)

        assert message == "Thiếu cột bắt buộc “item_code”"


# --------------------------------------------------------------------------- results

TABLE_2023_SO = """\
Khối Sở, ban, ngành (5 đơn vị)
Hạng     Mã       Đơn vị                               Thẩm định  ĐTXHH   Tổng  Chỉ số  Xếp loại
-------  -------  -----------------------------------  ---------  -----  -----  ------  --------
thứ 1/5  SNV      Sở Nội vụ                                69,50  27,36  96,86   96,86  Tốt
thứ 2/5  SLDTBXH  Sở Lao động - Thương binh và Xã hội      65,81  26,22  92,03   92,03  Tốt
thứ 3/5  SCT      Sở Công Thương                           55,00  30,00  85,00   85,00  Khá
thứ 3/5  STP      Sở Tư pháp                               60,00  25,00  85,00   85,00  Khá
thứ 5/5  STNMT    Sở Tài nguyên và Môi trường              40,00  26,00  66,00   82,50  Khá
"""


@pytest.mark.django_db
class TestResults:
    def test_csv_is_the_open_data_file(self):
        make_small_province()

        assert run("results", year=2023, format="csv") == CSV_2023

    def test_csv_of_one_group(self):
        make_small_province()

        output = run("results", year=2023, group="HUYEN", format="csv")

        assert output.splitlines()[1:] == [
            'TAMKY,"UBND thành phố Tam Kỳ, tỉnh Quảng Nam",HUYEN,70.00,25.00,95.00,95.00,Tốt,1,100.00,'
            ",0.00,0.00,"
        ]

    def test_json_gives_decimals_as_strings(self):
        make_small_province()

        data = json.loads(run("results", year=2023, format="json"))

        assert data[1] == {
            "code": "SLDTBXH",
            "name": "Sở Lao động - Thương binh và Xã hội",
            "group": "SO",
            "appraisal": "65.81",
            "survey": "26.22",
            "total": "92.03",
            "index": "92.03",
            "classification": "Tốt",
            "rank": 2,
            "max": "100.00",
            "publication_note": "",
            "bonus": "0.00",
            "deduction": "0.00",
            "cap_reason": "",
        }

    def test_the_table_shows_vietnamese_numbers_and_ranks_in_aligned_columns(self):
        make_small_province()

        output = run("results", year=2023, group="SO")

        assert output == TABLE_2023_SO

    def test_the_table_has_one_block_per_group(self):
        make_small_province()

        output = run("results", year=2023)

        assert output.startswith(TABLE_2023_SO + "\nKhối UBND cấp huyện (1 đơn vị)\n")
        assert output.splitlines()[-1].startswith("thứ 1/1  TAMKY  UBND thành phố Tam Kỳ")

    def test_a_year_without_results_says_so(self):
        make_year(2024)

        assert run("results", year=2024) == "Năm 2024 chưa có kết quả.\n"

    def test_it_refuses_a_year_that_does_not_exist(self):
        message = refused("results", year=1999)

        assert message.startswith("Chưa có năm 1999")

    def test_it_refuses_an_unknown_group(self):
        make_year(2023)

        assert refused("results", year=2023, group="PHUONG").startswith("Không có khối “PHUONG”")


# --------------------------------------------------------------------------- copy_year


@pytest.mark.django_db
class TestCopyYear:
    def test_it_starts_the_new_year_with_the_frameworks_and_bands_and_no_scores(self):
        make_small_province()

        output = run("copy_year", "2023", "2024")

        assert output == (
            "Đã tạo năm 2024 từ năm 2023: 2 bộ chỉ số (22 tiêu chí), 8 mức xếp loại; "
            "chưa có điểm.\n"
        )
        new = AssessmentYear.objects.get(year=2024)
        assert (new.state, new.owner_name) == (YearState.PREPARING, "Tỉnh Thử Nghiệm")
        assert framework_items(2024) == framework_items(2023)
        assert list(new.bands.filter(group__code="HUYEN").values_list("label", "min_index")) == [
            ("Tốt", D("90.00")), ("Khá", D("80.00")), ("Trung bình", D("65.00")), ("Yếu", D("0.00"))
        ]  # fmt: skip
        assert not Score.objects.filter(sheet__year=new).exists()

    def test_it_refuses_a_year_that_already_has_a_framework(self):
        make_year(2023)
        make_year(2024)

        message = refused("copy_year", "2023", "2024")

        assert message == "Năm 2024 đã có bộ chỉ số hoặc mức xếp loại: không sao chép đè."

    def test_it_refuses_to_copy_into_a_published_year(self):
        make_year(2023)
        AssessmentYear.objects.create(year=2024, state=YearState.PUBLISHED)

        message = refused("copy_year", "2023", "2024")

        assert message.startswith("Năm 2024 đã công bố kết quả")

    def test_it_refuses_a_source_year_that_does_not_exist(self):
        message = refused("copy_year", "2019", "2020")

        assert message.startswith("Chưa có năm 2019 (kỳ đánh giá)")

    def test_it_refuses_the_same_year(self):
        make_year(2023)

        assert refused("copy_year", "2023", "2023") == "Năm nguồn và năm mới phải khác nhau."
