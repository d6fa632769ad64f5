"""Real frameworks through the commands (issue 13): import_framework with rules, bonus and
deduction sections and a section cap; import_scores with measured values; set_bands with caps;
the year command; results with bonus, deduction and cap_reason. Every refusal names its row,
is in Vietnamese and changes nothing."""

import csv
import json
from decimal import Decimal as D

import pytest

from scoring.models import AssessmentYear, BandCap, Item, Result, Score, YearState
from tests.factories import make_group, make_sheet, make_unit
from tests.scoring.exchange.test_commands import refused, run

HEADER = ["code", "name", "max_points", "method", "rule"]
ROWS = [
    ["1", "Chỉ đạo, điều hành CCHC", "", "", ""],
    ["1.1", "Tỷ lệ hồ sơ trực tuyến toàn trình", "2", "appraisal", "threshold 80:2 50:1 0:0"],
    ["1.2", "Báo cáo đúng hạn", "1", "appraisal", "per_occurrence 0.25"],
    ["1.3", "Công khai TTHC", "1", "appraisal", "yes_no"],
    ["1.4", "Thanh toán trực tuyến", "2", "appraisal", "proportional 100"],
    ["1.5", "Kế hoạch CCHC", "4", "appraisal", ""],
    ["2", "Mức độ hài lòng", "", "", ""],
    ["2.1", "Khảo sát người dân", "10", "survey", ""],
    ["T", "Điểm thưởng", "", "", ""],
    ["T.1", "Sáng kiến CCHC được công nhận", "1", "bonus", ""],
    ["T.2", "Giải thưởng", "1", "bonus", ""],
    ["D", "Điểm trừ", "1", "", ""],
    ["D.1", "Chậm báo cáo", "0.5", "deduction", "per_occurrence 0.25"],
    ["D.2", "Vi phạm kỷ luật", "1", "deduction", ""],
]


def framework_file(tmp_path, rows=ROWS, name="framework.csv") -> str:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([HEADER, *rows])
    return str(path)


def scores_file(tmp_path, header, rows, name="scores.csv") -> str:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return str(path)


def replaced(row_code: str, column: str, value: str) -> list[list[str]]:
    index = HEADER.index(column)
    return [[*row[:index], value, *row[index + 1 :]] if row[0] == row_code else row for row in ROWS]


@pytest.fixture
def framework(tmp_path, db):
    make_group("SO")
    run("import_framework", framework_file(tmp_path), year=2026, group="SO")
    return AssessmentYear.objects.get(year=2026)


@pytest.mark.django_db
class TestImportFramework:
    def test_it_creates_rules_sections_and_the_section_cap(self, framework):
        items = {item.code: item for item in Item.objects.filter(framework__year=framework)}
        assert items["1.1"].rule == "threshold"
        assert items["1.1"].rule_params == {"bounds": [["80", "2"], ["50", "1"], ["0", "0"]]}
        assert items["1.4"].rule_params == {"target": "100"}
        assert items["1.2"].rule_params == {"k": "0.25"}
        assert items["1.3"].rule == "yes_no"
        assert items["1.5"].rule == ""
        assert (items["T"].method, items["T"].max_points) == ("bonus", D(2))
        assert (items["D"].method, items["D"].max_points) == ("deduction", D(1))  # capped

    @pytest.mark.parametrize(
        "rows, message",
        [
            (
                replaced("1.1", "rule", "threshold 80:3 0:0"),
                "Dòng 3, cột rule: bảng ngưỡng cho điểm vượt điểm tối đa 2 của tiêu chí.",
            ),
            (
                replaced("1.1", "rule", "ngưỡng 80:2 0:0"),
                "Dòng 3, cột rule: quy tắc “ngưỡng” không hợp lệ (threshold, proportional, "
                "per_occurrence, yes_no).",
            ),
            (
                replaced("1.1", "rule", "threshold 80:2 50:1"),
                "Dòng 3, cột rule: bảng ngưỡng phải có mức 0 (ví dụ 0:0).",
            ),
            (
                replaced("1.4", "rule", "proportional 0"),
                "Dòng 6, cột rule: chỉ tiêu của quy tắc proportional phải lớn hơn 0.",
            ),
            (
                replaced("1.2", "rule", "per_occurrence -0.25"),
                "Dòng 4, cột rule: quy tắc có số âm.",
            ),
            (
                replaced("1.1", "rule", "threshold 80:2 50:1,5 0:0"),
                "Dòng 3, cột rule: ngưỡng “50:1,5” không hợp lệ: cần dạng mức:điểm, số viết bằng "
                "dấu chấm, ví dụ 80:1.",
            ),
            (
                replaced("1", "max_points", "5"),
                "Dòng 2, cột max_points: điểm tối đa 5,00 của 1 thấp hơn tổng các tiêu chí con "
                "10,00; chỉ mục điểm thưởng hoặc điểm trừ (cấp cao nhất) mới có mức trần như vậy.",
            ),
            (
                replaced("2.1", "rule", "yes_no"),
                "Dòng 9, cột rule: 2.1 chấm bằng điều tra xã hội học (điểm lấy từ kết quả điều tra), "
                "không chấm theo quy tắc.",
            ),
            (
                replaced("T.2", "method", "appraisal"),
                "Dòng 10: T trộn điểm thưởng hoặc điểm trừ với tiêu chí khác; điểm thưởng, điểm "
                "trừ là mục riêng ở cấp cao nhất.",
            ),
            (
                replaced("D", "max_points", "2"),
                "Dòng 13, cột max_points: điểm tối đa của D là 2,00 nhưng tổng các tiêu chí con "
                "là 1,50.",
            ),
        ],
    )
    def test_each_bad_row_is_refused_by_its_row_and_nothing_changes(
        self, framework, tmp_path, rows, message
    ):
        Item.objects.filter(framework__year=framework).delete()  # so a new import would apply
        assert refused(
            "import_framework", framework_file(tmp_path, rows), year=2026, group="SO"
        ) == (message)


@pytest.fixture
def unit(framework):
    unit = make_unit("STP", "Sở Tư pháp")
    make_sheet(unit, framework)
    AssessmentYear.objects.filter(pk=framework.pk).update(state=YearState.APPRAISAL)
    return unit


SCORE_HEADER = ["unit_code", "item_code", "self_value", "value", "points"]


def stored(code: str) -> Score:
    return Score.objects.get(sheet__unit__code="STP", item__code=code)


@pytest.mark.django_db
class TestImportScores:
    def test_values_give_points_by_the_rule(self, unit, tmp_path):
        path = scores_file(
            tmp_path,
            ["unit_code", "item_code", "self_value", "value"],
            [
                ["STP", "1.1", "85", "79,5"],
                ["STP", "1.2", "1", "2"],
                ["STP", "1.3", "đạt", "không đạt"],
                ["STP", "1.4", "85.5", "120"],
                ["STP", "D.1", "", "3"],
            ],
        )
        run("import_scores", path, year=2026, no_progress=True)
        assert (stored("1.1").self_points, stored("1.1").points) == (D(2), D(1))
        assert (stored("1.2").self_points, stored("1.2").points) == (D("0.75"), D("0.5"))
        assert (stored("1.3").self_points, stored("1.3").points) == (D(1), D(0))
        assert (stored("1.4").self_points, stored("1.4").points) == (D("1.71"), D(2))
        assert stored("D.1").points == D("0.5")  # 3 × 0.25 deducted, up to the maximum 0.5
        assert stored("1.1").value == D("79.5")

    def test_the_result_counts_bonus_and_deduction(self, unit, tmp_path):
        path = scores_file(
            tmp_path,
            ["unit_code", "item_code", "points", "value"],
            [
                ["STP", "1.5", "4", ""],
                ["STP", "2.1", "9", ""],
                ["STP", "T.1", "1", ""],
                ["STP", "D.2", "1", ""],
                ["STP", "D.1", "", "1"],
            ],
        )
        run("import_scores", path, year=2026, no_progress=True)
        result = Result.objects.get(unit=unit)
        # appraisal 4 + survey 9 + bonus 1 − deduction min(0.25 + 1, cap 1) = 13
        assert (result.bonus, result.deduction, result.total) == (D(1), D(1), D(13))
        assert result.max_points == D(20)
        assert result.index == D(65)

    @pytest.mark.parametrize(
        "row, message",
        [
            (
                ["STP", "1.1", "", "", "1"],
                "Dòng 2: tiêu chí 1.1 chấm theo quy tắc (threshold 80:2 50:1 0:0): nhập giá trị "
                "đo, điểm tự tính theo quy tắc.",
            ),
            (
                ["STP", "1.5", "", "3", ""],
                "Dòng 2: tiêu chí 1.5 nhập điểm, không nhập giá trị đo.",
            ),
            (
                ["STP", "1.2", "", "1.5", ""],
                "Dòng 2: giá trị của tiêu chí 1.2 là số lần, phải là số nguyên (1,5).",
            ),
            (
                ["STP", "1.3", "", "2", ""],
                "Dòng 2: giá trị của tiêu chí 1.3 là đạt (1) hoặc không đạt (0), không phải 2.",
            ),
            (
                ["STP", "1.1", "", "đạt", ""],
                "Dòng 2, cột value: tiêu chí 1.1 không phải đạt/không đạt: cần một số.",
            ),
            (
                ["STP", "1.1", "", "-5", ""],
                "Dòng 2, cột value: không được âm (-5)",
            ),
            (
                ["STP", "1.1", "", "nhiều", ""],
                "Dòng 2, cột value: “nhiều” không phải là số hay đạt/không đạt",
            ),
        ],
    )
    def test_each_bad_row_is_refused_by_its_row_and_nothing_changes(
        self, unit, tmp_path, row, message
    ):
        path = scores_file(tmp_path, SCORE_HEADER, [row])
        assert message in refused("import_scores", path, year=2026, no_progress=True)

    def test_points_with_three_decimals_need_a_year_of_three(self, unit, tmp_path):
        path = scores_file(
            tmp_path, ["unit_code", "item_code", "points"], [["STP", "1.5", "3.125"]]
        )
        assert "Dòng 2: điểm có tối đa 2 chữ số thập phân." in refused(
            "import_scores", path, year=2026, no_progress=True
        )


BANDS = ["Tốt=92.5", "Khá=80", "Trung bình=65", "Yếu=0"]


@pytest.mark.django_db
class TestSetBandsWithCaps:
    def test_caps_are_set_kept_and_removed(self, framework):
        output = run(
            "set_bands", *BANDS, "--cap", "Khá:D.1>0", "--cap", "Trung bình:1.5=0",
            "--cap", "Khá:2<50", year=2026, group="SO",
        )  # fmt: skip
        caps = list(BandCap.objects.values_list("band_label", "kind", "code", "figure"))
        assert caps == [
            ("Khá", "item_above_zero", "D.1", None),
            ("Trung bình", "item_zero", "1.5", None),
            ("Khá", "domain_below", "2", D(50)),
        ]
        assert "Không xếp loại Tốt do có điểm trừ tại D.1" in output
        assert "Không xếp loại Khá do tiêu chí 1.5 đạt 0 điểm" in output
        assert "Không xếp loại Tốt do chỉ số lĩnh vực 2 dưới 50" in output
        run("set_bands", *BANDS, year=2026, group="SO")
        assert BandCap.objects.count() == 3
        run("set_bands", *BANDS, "--no-caps", year=2026, group="SO")
        assert BandCap.objects.count() == 0

    @pytest.mark.parametrize(
        "cap, message",
        [
            ("Khá:D.1>1", "Giới hạn “Khá:D.1>1” không hợp lệ: cần dạng MỨC:TIÊU_CHÍ>0"),
            ("Khá D.1>0", "Giới hạn “Khá D.1>0” không hợp lệ"),
            ("Khá:2<abc", "Giới hạn “Khá:2<abc” không hợp lệ"),
            ("Xuất sắc:D.1>0", "Giới hạn “Xuất sắc:D.1>0”: không có mức xếp loại “Xuất sắc”"),
            ("Khá:9.9>0", "không có tiêu chí được chấm 9.9 trong bộ chỉ số khối SO năm 2026"),
            ("Khá:T<50", "Giới hạn “Khá:T<50”: không có lĩnh vực T trong bộ chỉ số"),
            ("Khá:2<150", "Giới hạn “Khá:2<150”: mức chỉ số phải từ 0 đến 100."),
        ],
    )
    def test_a_bad_cap_is_refused_and_nothing_changes(self, framework, cap, message):
        assert message in refused("set_bands", *BANDS, "--cap", cap, year=2026, group="SO")

    def test_a_capped_unit_shows_its_band_and_reason_and_keeps_its_rank(self, unit, tmp_path):
        run("set_bands", *BANDS, "--cap", "Khá:D.1>0", year=2026, group="SO")
        path = scores_file(
            tmp_path,
            ["unit_code", "item_code", "points", "value"],
            [
                ["STP", "1.1", "", "90"],
                ["STP", "1.2", "", "0"],
                ["STP", "1.3", "", "1"],
                ["STP", "1.4", "", "100"],
                ["STP", "1.5", "4", ""],
                ["STP", "2.1", "10", ""],
                ["STP", "D.1", "", "1"],
            ],
        )
        run("import_scores", path, year=2026, no_progress=True)
        result = Result.objects.get(unit=unit)
        assert (result.total, result.index) == (D("19.75"), D("98.75"))
        assert (result.band_label, result.uncapped_label) == ("Khá", "Tốt")
        assert result.cap_reason == "Không xếp loại Tốt do có điểm trừ tại D.1"
        assert result.rank == 1
        data = json.loads(run("results", year=2026, format="json"))
        assert (data[0]["bonus"], data[0]["deduction"]) == ("0.00", "0.25")
        assert data[0]["cap_reason"] == "Không xếp loại Tốt do có điểm trừ tại D.1"
        assert data[0]["classification"] == "Khá"


@pytest.mark.django_db
class TestYearCommand:
    def test_it_creates_a_year_and_changes_its_settings(self):
        assert "Đã tạo năm 2027" in run("year", "2027", decimals=3)
        year = AssessmentYear.objects.get(year=2027)
        assert (year.decimals, year.rounding, year.state) == (3, "half_up", "preparing")
        run("year", "2027", rounding="truncate")
        year.refresh_from_db()
        assert (year.decimals, year.rounding) == (3, "truncate")

    def test_three_decimals_reach_the_rule_points_the_index_and_the_files(self, unit, tmp_path):
        run("year", "2026", decimals=3)
        path = scores_file(
            tmp_path,
            ["unit_code", "item_code", "points", "value"],
            [["STP", "1.4", "", "33.35"], ["STP", "1.5", "3.125", ""]],
        )
        run("import_scores", path, year=2026, no_progress=True)
        assert stored("1.4").points == D("0.667")  # 2 × 33.35 ÷ 100 = 0.667
        result = Result.objects.get(unit=unit)
        assert result.total == D("3.792")
        assert result.index == D("18.960")  # 3.792 ÷ 20
        run("year", "2026", decimals=2)
        assert stored("1.4").points == D("0.67")  # re-derived at the item
        run("year", "2026", decimals=3, rounding="truncate")
        assert stored("1.4").points == D("0.667")
        data = json.loads(run("results", year=2026, format="json"))
        assert data[0]["total"] == "3.792"

    @pytest.mark.parametrize(
        "options, message",
        [
            ({"decimals": 4}, "Số chữ số thập phân là 2 hoặc 3, không phải 4."),
            ({"rounding": "ceil"}, "Cách làm tròn “ceil” không hợp lệ (half_up hoặc truncate)."),
        ],
    )
    def test_bad_settings_are_refused(self, options, message):
        assert refused("year", "2027", **options) == message

    def test_a_published_year_is_refused(self, framework):
        AssessmentYear.objects.filter(pk=framework.pk).update(state=YearState.PUBLISHED)
        assert "2026" in refused("year", "2026", decimals=3)
