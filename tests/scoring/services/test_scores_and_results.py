"""Services (scoring/services/): frameworks, bands, copying a year, score changes and results."""

from decimal import Decimal as D

import pytest
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext

from scoring import calculations as calc
from scoring.models import (
    AssessmentYear,
    Band,
    DomainResult,
    Framework,
    Item,
    Result,
    ResultSource,
    Rounding,
    Score,
    Sheet,
    YearState,
)
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.services.frameworks import (
    ItemRow,
    copy_year,
    replace_framework,
    set_bands,
    validate_framework_rows,
)
from scoring.services.results import _result_fields_names, recompute_group, recompute_year
from scoring.services.scores import ScoreChange, apply_score_changes, validate_score_changes
from scoring.specs import band_specs, item_specs
from tests.factories import make_group, make_sheet, make_unit, make_user, make_year, score
from units.models import Unit

CODES = ["1.1.1", "1.1.2", "1.2", "2.1", "2.2", "3.1", "3.2"]


def marks(sheet: Sheet, text: str) -> Sheet:
    """marks(sheet, "10 9.81 10 18 18 13.11 13.11"): points in the order of CODES, "-" for N/A."""
    values = dict(zip(CODES, text.split(), strict=True))
    sheet = score(sheet, **{code: value for code, value in values.items() if value != "-"})
    not_applicable = [
        ScoreChange(code, not_applicable=True) for code, v in values.items() if v == "-"
    ]
    if not_applicable:
        sheet = apply_score_changes(sheet, not_applicable, source="test")
    return sheet


def publish(year: AssessmentYear) -> None:
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    year.refresh_from_db()


def rows(*specs) -> list[ItemRow]:
    """Framework rows from (code, name, max, method), numbered like a spreadsheet from row 2."""
    return [
        ItemRow(code, name, None if maximum is None else D(maximum), method, row=number)
        for number, (code, name, maximum, method) in enumerate(specs, start=2)
    ]


def tree(framework: Framework) -> dict[str, tuple]:
    return {
        item.code: (
            item.parent.code if item.parent else None,
            item.depth,
            item.max_points,
            item.method,
            item.is_scored,
        )
        for item in framework.items.select_related("parent")
    }


def result_of(code: str, year: AssessmentYear) -> Result:
    return Result.objects.select_related("group").get(unit__code=code, year=year)


# --------------------------------------------------------------------------- frameworks


class TestReplaceFramework(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, state=YearState.PREPARING)
        cls.group = make_group("SO")
        cls.framework = Framework.objects.get(year=cls.year, group=cls.group)

    def test_parents_maxima_and_methods_are_derived_from_the_scored_items(self):
        assert tree(self.framework) == {
            "1": (None, 1, D("30"), "appraisal", False),
            "1.1": ("1", 2, D("20"), "appraisal", False),
            "1.1.1": ("1.1", 3, D("10"), "appraisal", True),
            "1.1.2": ("1.1", 3, D("10"), "appraisal", True),
            "1.2": ("1", 2, D("10"), "appraisal", True),
            "2": (None, 1, D("40"), "appraisal", False),
            "2.1": ("2", 2, D("20"), "appraisal", True),
            "2.2": ("2", 2, D("20"), "appraisal", True),
            "3": (None, 1, D("30"), "survey", False),
            "3.1": ("3", 2, D("15"), "survey", True),
            "3.2": ("3", 2, D("15"), "survey", True),
        }

    def test_a_parent_with_items_of_both_methods_has_no_method(self):
        framework = replace_framework(
            self.year,
            self.group,
            rows(
                ("1", "Lĩnh vực", None, ""),
                ("1.1", "Thẩm định", "60.5", "appraisal"),
                ("1.2", "Điều tra", "39.5", "survey"),
            ),
        )
        assert tree(framework)["1"] == (None, 1, D("100"), "", False)

    def test_the_new_tree_replaces_the_old_one(self):
        framework = replace_framework(
            self.year,
            self.group,
            rows(
                ("2", "Cải cách TTHC", "50", "appraisal"),
                ("1", "Chỉ đạo, điều hành", None, ""),
                ("1.10", "Tiêu chí mười", "30", "appraisal"),
                ("1.9", "Tiêu chí chín", "20", "appraisal"),
            ),
        )
        assert framework == self.framework
        assert list(framework.items.values_list("code", flat=True)) == ["1", "1.9", "1.10", "2"]
        assert tree(framework)["2"] == (None, 1, D("50"), "appraisal", True)

    def test_results_of_sheets_without_scores_follow_the_new_framework(self):
        make_sheet(make_unit("SNV"), self.year)
        recompute_group(self.year, self.group)
        replace_framework(
            self.year,
            self.group,
            rows(("1", "Chỉ đạo", None, ""), ("1.1", "Kế hoạch", "40", "appraisal"),
                 ("2", "Hài lòng", "10", "survey")),
        )  # fmt: skip
        result = result_of("SNV", self.year)
        assert (result.appraisal_max, result.survey_max, result.max_points) == (
            D("40"),
            D("10"),
            D("50"),
        )
        assert list(result.domains.values_list("code", "name", "max_points")) == [
            ("1", "Chỉ đạo", D("40")),
            ("2", "Hài lòng", D("10")),
        ]

    def test_it_refuses_a_framework_that_already_has_scores(self):
        score(make_sheet(make_unit("SNV"), self.year), **{"1.2": "5"})
        with pytest.raises(ServiceError) as refused:
            replace_framework(self.year, self.group, rows(("1", "Mới", "100", "survey")))
        assert refused.value.messages == [
            "Bộ chỉ số SO năm 2023 đã có điểm chấm: không thể thay thế."
        ]
        assert self.framework.items.count() == 11

    def test_it_refuses_a_published_year(self):
        publish(self.year)
        with pytest.raises(ServiceError) as refused:
            replace_framework(self.year, self.group, rows(("1", "Mới", "100", "survey")))
        assert refused.value.messages == [
            "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        ]
        assert self.framework.items.count() == 11

    def test_it_names_the_rows_of_every_problem_and_saves_nothing(self):
        with pytest.raises(ServiceError) as refused:
            replace_framework(
                self.year,
                self.group,
                rows(
                    ("1", "Chỉ đạo", "25", ""),
                    ("1.1", "Kế hoạch", "20", "appraisal"),
                    ("1.2", "Tuyên truyền", None, "appraisal"),
                ),
            )
        assert refused.value.messages == [
            "Dòng 4, cột max_points: tiêu chí được chấm 1.2 cần điểm tối đa.",
            "Dòng 2, cột max_points: điểm tối đa của 1 là 25,00 nhưng tổng các tiêu chí con là 20,00.",
        ]
        assert self.framework.items.count() == 11


class TestValidateFrameworkRows:
    def test_a_valid_tree_has_no_problems(self):
        assert (
            validate_framework_rows(
                rows(
                    (" 1 ", "Chỉ đạo", "30", "appraisal"),
                    ("1.1", "Kế hoạch", None, ""),
                    ("1.1.1", "Ban hành", "12.5", "appraisal"),
                    ("1.1.2", "Thực hiện", "7.5", "appraisal"),
                    ("1.2", "Tuyên truyền", "10", "appraisal"),
                )
            )
            == []
        )

    def test_an_empty_framework_is_refused(self):
        assert validate_framework_rows([]) == ["Bộ chỉ số không có tiêu chí nào."]

    @pytest.mark.parametrize(
        ("specs", "problems"),
        [
            (
                [
                    ("1..2", "x", "1", "survey"),
                    ("", "y", "1", "survey"),
                    ("2.", "z", "1", "survey"),
                ],
                [
                    "Dòng 2: mã tiêu chí “1..2” không hợp lệ.",
                    "Dòng 3: mã tiêu chí “” không hợp lệ.",
                    "Dòng 4: mã tiêu chí “2.” không hợp lệ.",
                ],
            ),
            (
                [("1", "x", "1", "survey"), (" 1", "y", "1", "survey")],
                ["Dòng 3: mã tiêu chí 1 bị trùng."],
            ),
            (
                [("1", "x", None, ""), ("2.1", "y", "1", "survey")],
                ["Dòng 3: tiêu chí 2.1 thiếu tiêu chí cha 2."],
            ),
            (
                [("1", "x", "1", "thẩm định")],
                [
                    "Dòng 2, cột method: “thẩm định” không hợp lệ (appraisal, survey, bonus hoặc deduction)."
                ],
            ),
            (
                [("1", "x", None, ""), ("1.1", "y", "1", "")],
                [
                    "Dòng 3, cột method: tiêu chí được chấm 1.1 cần phương pháp (appraisal hoặc survey)."
                ],
            ),
            (
                [("1", "x", None, "survey")],
                ["Dòng 2, cột max_points: tiêu chí được chấm 1 cần điểm tối đa."],
            ),
            (
                [
                    ("1", "x", "10.5", ""),
                    ("1.1", "y", "7.25", "appraisal"),
                    ("1.2", "z", "3", "appraisal"),
                ],
                [
                    "Dòng 2, cột max_points: điểm tối đa của 1 là 10,50 nhưng tổng các tiêu chí con là 10,25."
                ],
            ),
            (
                [
                    ("1", "x", None, "survey"),
                    ("1.1", "y", "5", "appraisal"),
                    ("1.2", "z", "5", "survey"),
                ],
                [
                    "Dòng 2, cột method: 1 ghi “survey” nhưng không phải mọi tiêu chí con đều như vậy."
                ],
            ),
            (
                [
                    ("1", "x", None, ""),
                    ("1.1", "y", "-5", "appraisal"),
                    ("1.2", "z", "2.555", "survey"),
                ],
                [
                    "Dòng 3, cột max_points: điểm tối đa của 1.1 không được âm và có tối đa 2 chữ số thập phân.",
                    "Dòng 4, cột max_points: điểm tối đa của 1.2 không được âm và có tối đa 2 chữ số thập phân.",
                ],
            ),
        ],
        ids=[
            "invalid-codes",
            "duplicate",
            "missing-parent",
            "unknown-method",
            "leaf-without-method",
            "leaf-without-maximum",
            "parent-maximum",
            "parent-method",
            "leaf-maximum",
        ],
    )
    def test_each_problem_names_its_row(self, specs, problems):
        assert validate_framework_rows(rows(*specs)) == problems


# --------------------------------------------------------------------------- bands


class TestSetBands(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.group = make_group("SO")
        marks(make_sheet(make_unit("SLDTBXH"), cls.year), "10 9.81 10 18 18 13.11 13.11")
        marks(make_sheet(make_unit("STP"), cls.year), "9 9 9 18 15 12.5 12.5")

    def bands(self) -> list[tuple[str, D]]:
        return list(
            Band.objects.filter(year=self.year, group=self.group)
            .order_by("-min_index")
            .values_list("label", "min_index")
        )

    def test_it_replaces_the_bands_and_reclassifies_the_results(self):
        assert result_of("SLDTBXH", self.year).band_label == "Tốt"
        set_bands(self.year, self.group, [("Khá", D("80")), (" Tốt ", D("92.04")), ("Yếu", D("0"))])
        assert self.bands() == [("Tốt", D("92.04")), ("Khá", D("80")), ("Yếu", D("0"))]
        # 92.03 is a hundredth below the new "Tốt".
        for code, label in [("SLDTBXH", "Khá"), ("STP", "Khá")]:
            result = result_of(code, self.year)
            assert (result.band.label, result.band_label) == (label, label)

    def test_an_index_at_the_minimum_is_in_that_band(self):
        set_bands(self.year, self.group, [("Tốt", D("92.03")), ("Khá", D("0"))])
        assert result_of("SLDTBXH", self.year).band_label == "Tốt"

    def test_no_band_below_the_lowest_minimum(self):
        set_bands(self.year, self.group, [("Tốt", D("90"))])
        result = result_of("STP", self.year)
        assert (result.band, result.band_label) == (None, "")

    def test_problems_are_refused_and_nothing_changes(self):
        cases = [
            ([], ["Cần ít nhất một mức xếp loại."]),
            ([("Tốt", D("90")), (" Tốt", D("80"))], ["Tên mức xếp loại bị trùng."]),
            (
                [("Tốt", D("90")), ("Khá", D("90.00"))],
                ["Hai mức xếp loại có cùng chỉ số tối thiểu."],
            ),
            ([("  ", D("90"))], ["Tên mức xếp loại không được để trống."]),
            (
                [("Xuất sắc", D("100.01")), ("Tốt", D("90.005")), ("Yếu", D("-0.01"))],
                [
                    "Mức “Xuất sắc”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.",
                    "Mức “Tốt”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.",
                    "Mức “Yếu”: chỉ số tối thiểu phải từ 0 đến 100, tối đa 2 chữ số thập phân.",
                ],
            ),
        ]
        before = self.bands()
        for bands, problems in cases:
            with pytest.raises(ServiceError) as refused:
                set_bands(self.year, self.group, bands)
            assert refused.value.messages == problems
        assert self.bands() == before
        assert result_of("SLDTBXH", self.year).band_label == "Tốt"

    def test_imported_results_keep_their_published_band(self):
        unit = make_unit("SKHDT")
        Result.objects.create(
            unit=unit,
            year=self.year,
            group=self.group,
            index=D("91"),
            band=Band.objects.get(year=self.year, group=self.group, label="Tốt"),
            band_label="Tốt",
            source=ResultSource.IMPORTED,
        )
        set_bands(self.year, self.group, [("Tốt", D("95")), ("Khá", D("0"))])
        imported = result_of("SKHDT", self.year)
        assert (imported.band.label, imported.band.min_index, imported.band_label) == (
            "Tốt",
            D("95"),
            "Tốt",
        )
        set_bands(self.year, self.group, [("Xuất sắc", D("95")), ("Đạt", D("0"))])
        imported = result_of("SKHDT", self.year)
        assert (imported.band, imported.band_label) == (None, "Tốt")

    def test_the_extreme_minima_0_and_100_are_accepted(self):
        set_bands(self.year, self.group, [("Tuyệt đối", D("100")), ("Còn lại", D("0"))])
        assert result_of("SLDTBXH", self.year).band_label == "Còn lại"

    def test_it_refuses_a_published_year(self):
        publish(self.year)
        with pytest.raises(ServiceError):
            set_bands(self.year, self.group, [("Tốt", D("95"))])
        assert self.bands()[0] == ("Tốt", D("90"))


# --------------------------------------------------------------------------- copying a year


class TestCopyYear(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.source = make_year(
            2023, state=YearState.PUBLISHED, group_codes=("SO", "HUYEN"), rounding=Rounding.TRUNCATE
        )
        Item.objects.filter(framework__year=cls.source, code="1.2").update(
            guidance="Có kế hoạch tuyên truyền", evidence_required=True
        )
        # The districts' bands differ from the departments'.
        Band.objects.filter(year=cls.source, group__code="HUYEN", label="Tốt").update(
            min_index=D("88.5")
        )
        sheet = make_sheet(make_unit("SNV"), cls.source)
        marks(sheet, "10 10 10 20 19.5 14 13.36")

    @staticmethod
    def items(year: AssessmentYear) -> list[tuple]:
        return list(
            Item.objects.filter(framework__year=year)
            .order_by("framework__group__code", "sort_key")
            .values_list(
                "framework__group__code",
                "code",
                "parent__code",
                "depth",
                "name",
                "max_points",
                "method",
                "is_scored",
                "guidance",
                "na_allowed",
                "evidence_required",
            )
        )

    @staticmethod
    def bands(year: AssessmentYear) -> list[tuple]:
        return sorted(
            Band.objects.filter(year=year).values_list("group__code", "label", "min_index")
        )

    def test_the_new_year_has_the_same_frameworks_and_bands_and_no_scores(self):
        target = copy_year(self.source, 2024)
        assert (target.year, target.state, target.rounding, target.owner_name) == (
            2024,
            YearState.PREPARING,
            Rounding.TRUNCATE,
            "Tỉnh Thử Nghiệm",
        )
        assert self.items(target) == self.items(self.source)
        assert len(self.items(target)) == 22
        flags = {row[1]: row[8:] for row in self.items(target) if row[0] == "SO"}
        assert flags["1.2"] == ("Có kế hoạch tuyên truyền", False, True)
        assert flags["2.2"] == ("", True, False)
        assert self.bands(target) == self.bands(self.source)
        assert ("HUYEN", "Tốt", D("88.5")) in self.bands(target)
        assert not Sheet.objects.filter(year=target).exists()
        assert not Result.objects.filter(year=target).exists()

    def test_a_new_owner_name_may_be_given(self):
        assert copy_year(self.source, 2024, owner_name="Thành phố Đà Nẵng").owner_name == (
            "Thành phố Đà Nẵng"
        )

    def test_it_fills_an_existing_empty_year(self):
        empty = AssessmentYear.objects.create(year=2024, rounding=Rounding.HALF_UP)
        target = copy_year(self.source, 2024)
        assert target == empty
        assert self.items(target) == self.items(self.source)

    def test_it_refuses_a_published_year(self):
        AssessmentYear.objects.create(year=2024, state=YearState.PUBLISHED)
        with pytest.raises(ServiceError) as refused:
            copy_year(self.source, 2024)
        assert refused.value.messages == [
            "Năm 2024 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        ]
        assert not Framework.objects.filter(year__year=2024).exists()

    def test_it_refuses_a_year_that_already_has_a_framework(self):
        existing = AssessmentYear.objects.create(year=2024)
        replace_framework(existing, make_group("SO"), rows(("1", "Một", "100", "survey")))
        with pytest.raises(ServiceError) as refused:
            copy_year(self.source, 2024)
        assert refused.value.messages == [
            "Năm 2024 đã có bộ chỉ số hoặc mức xếp loại: không sao chép đè."
        ]
        assert Item.objects.filter(framework__year=existing).count() == 1
        assert not Band.objects.filter(year=existing).exists()


# --------------------------------------------------------------------------- score changes


class TestApplyScoreChanges(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.sheet = make_sheet(make_unit("SNV"), cls.year)
        cls.appraiser = make_user("appraiser")

    def scores(self) -> dict[str, tuple]:
        return {
            s.item.code: (s.self_points, s.points, s.not_applicable, s.note, s.reason)
            for s in Score.objects.filter(sheet=self.sheet).select_related("item")
        }

    def apply(self, *changes: ScoreChange, **kwargs) -> Sheet:
        kwargs.setdefault("source", "test")
        return apply_score_changes(self.sheet, changes, **kwargs)

    def test_it_writes_the_changes_and_returns_the_sheet_one_version_later(self):
        sheet = self.apply(
            ScoreChange(
                "1.1.1", self_points=D("10"), points=D("9.5"), note="Đã ban hành", reason="Chậm"
            ),
            ScoreChange("3.1", points=D("12.34")),
            user=self.appraiser,
        )
        assert sheet.version == 1
        assert self.scores() == {
            "1.1.1": (D("10"), D("9.5"), False, "Đã ban hành", "Chậm"),
            "3.1": (None, D("12.34"), False, "", ""),
        }
        assert Score.objects.filter(updated_by=self.appraiser).count() == 2
        assert self.apply(ScoreChange("1.2", points=D("1"))).version == 2

    def test_history_records_the_source_and_the_user(self):
        self.apply(ScoreChange("1.1.1", points=D("9")), user=self.appraiser, source="import")
        self.apply(ScoreChange("1.1.1", points=D("8")), source="admin")
        history = Score.history.filter(sheet_id=self.sheet.pk).order_by("history_id")
        assert list(
            history.values_list("history_type", "points", "history_change_reason", "history_user")
        ) == [("+", D("9"), "import", self.appraiser.pk), ("~", D("8"), "admin", None)]

    def test_a_change_that_changes_nothing_writes_no_history(self):
        self.apply(ScoreChange("1.1.1", points=D("9"), note="Ghi chú"))
        self.apply(ScoreChange("1.1.1", points=D("9.00"), note="Ghi chú"))
        assert Score.history.filter(sheet_id=self.sheet.pk).count() == 1

    def test_fields_left_unset_are_kept_and_none_clears_them(self):
        self.apply(ScoreChange("1.1.1", self_points=D("10"), points=D("9"), note="A", reason="B"))
        self.apply(ScoreChange("1.1.1", points=None))
        assert self.scores()["1.1.1"] == (D("10"), None, False, "A", "B")
        self.apply(ScoreChange("1.1.1", self_points=None, note=None, reason=None))
        assert self.scores()["1.1.1"] == (None, None, False, "", "")

    def test_not_applicable_none_means_applicable(self):
        self.apply(ScoreChange("2.2", not_applicable=True))
        self.apply(ScoreChange("2.2", not_applicable=None, points=D("12")))
        assert self.scores()["2.2"] == (None, D("12"), False, "", "")

    def test_marking_an_item_not_applicable_clears_its_points(self):
        self.apply(ScoreChange("2.2", self_points=D("20"), points=D("18")))
        self.apply(ScoreChange("2.2", not_applicable=True))
        assert self.scores()["2.2"] == (None, None, True, "", "")
        result = result_of("SNV", self.year)
        assert (result.total, result.max_points) == (D("0"), D("80"))
        self.apply(ScoreChange("2.2", not_applicable=False, points=D("15")))
        assert self.scores()["2.2"] == (None, D("15"), False, "", "")

    def test_the_result_and_ranks_follow_in_the_same_call(self):
        self.apply(ScoreChange("1.1.1", points=D("9.5")), ScoreChange("3.2", points=D("14.25")))
        result = result_of("SNV", self.year)
        assert (result.total, result.index, result.rank, result.rank_of) == (
            D("23.75"),
            D("23.75"),
            1,
            1,
        )

    REFUSED = [
        (
            ScoreChange("1.1.1", points=D("10.01"), row=7),
            "Dòng 7: điểm 10,01 vượt điểm tối đa 10,00 của tiêu chí 1.1.1.",
        ),
        (
            ScoreChange("1.1.1", self_points=D("-0.5"), row=7),
            "Dòng 7: điểm tự đánh giá không được âm.",
        ),
        (
            ScoreChange("1.1.1", points=D("9.125"), row=7),
            "Dòng 7: điểm có tối đa 2 chữ số thập phân.",
        ),
        (
            ScoreChange("9.9", points=D("1"), row=7),
            "Dòng 7: tiêu chí “9.9” không có (hoặc không được chấm) trong bộ chỉ số.",
        ),
        (
            ScoreChange("1.1", points=D("1"), row=7),
            "Dòng 7: tiêu chí “1.1” không có (hoặc không được chấm) trong bộ chỉ số.",
        ),
        (
            ScoreChange("3.1", self_points=D("15"), row=7),
            "Dòng 7: tiêu chí 3.1 chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.",
        ),
        (
            ScoreChange("1.2", not_applicable=True, row=7),
            "Dòng 7: tiêu chí 1.2 không được chọn “không áp dụng”.",
        ),
        (
            ScoreChange("2.2", not_applicable=True, self_points=D("5"), row=7),
            "Dòng 7: tiêu chí 2.2 không áp dụng thì không có điểm.",
        ),
    ]

    def test_a_bad_change_among_several_is_refused_and_nothing_is_saved(self):
        for bad, message in self.REFUSED:
            with pytest.raises(ServiceError) as refused:
                self.apply(
                    ScoreChange("1.1.2", points=D("8"), row=6),
                    bad,
                    ScoreChange("2.1", points=D("20"), row=8),
                    where=lambda change: f"Dòng {change.row}: ",
                )
            assert refused.value.messages == [message]
        assert self.scores() == {}
        assert Sheet.objects.get(pk=self.sheet.pk).version == 0
        assert not Result.objects.filter(unit__code="SNV").exists()

    def test_every_bad_change_is_reported(self):
        with pytest.raises(ServiceError) as refused:
            self.apply(
                *(bad for bad, _message in self.REFUSED),
                where=lambda change: f"Dòng {change.row}: ",
            )
        assert refused.value.messages == [message for _bad, message in self.REFUSED]

    def test_without_a_place_each_message_is_a_sentence(self):
        with pytest.raises(ServiceError) as refused:
            self.apply(ScoreChange("1.1.1", points=D("10.01")), ScoreChange("9.9", points=D("1")))
        assert refused.value.messages == [
            "Điểm 10,01 vượt điểm tối đa 10,00 của tiêu chí 1.1.1.",
            "Tiêu chí “9.9” không có (hoặc không được chấm) trong bộ chỉ số.",
        ]

    def test_with_a_place_a_message_follows_it_as_written(self):
        # Importers file the message under their own "Dòng 7: " and pass an empty place.
        items = {item.code: item for item in Item.objects.filter(framework__year=self.year)}
        change = ScoreChange("1.1.1", self_points=D("-1"))
        assert validate_score_changes(items, {}, [change], lambda change: "") == [
            "điểm tự đánh giá không được âm."
        ]
        assert validate_score_changes(items, {}, [change]) == ["Điểm tự đánh giá không được âm."]

    def test_points_on_an_item_already_not_applicable_are_refused(self):
        self.apply(ScoreChange("2.2", not_applicable=True))
        with pytest.raises(ServiceError) as refused:
            self.apply(ScoreChange("2.2", points=D("3")), where=lambda change: "* ")
        assert refused.value.messages == ["* tiêu chí 2.2 không áp dụng thì không có điểm."]

    def test_a_save_from_an_older_version_is_refused_and_nothing_is_saved(self):
        self.apply(ScoreChange("1.1.1", points=D("9")), expected_version=0)
        with pytest.raises(StaleSheetError) as refused:
            self.apply(ScoreChange("1.1.1", points=D("5")), expected_version=0)
        assert refused.value.messages == [
            "Phiếu đã được người khác cập nhật sau khi bạn mở trang. Không có gì được lưu; "
            "hãy xem giá trị mới và nhập lại."
        ]
        assert refused.value.sheet.version == 1
        assert self.scores()["1.1.1"][1] == D("9")
        assert self.apply(ScoreChange("1.1.1", points=D("5")), expected_version=1).version == 2

    def test_it_refuses_a_published_year(self):
        publish(self.year)
        with pytest.raises(ServiceError) as refused:
            self.apply(ScoreChange("1.1.1", points=D("5")))
        assert refused.value.messages == [
            "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        ]
        assert self.scores() == {}


# --------------------------------------------------------------------------- results


class TestRecomputeGroup(TestCase):
    """Five departments with sheets, one without; one district ranked on its own."""

    MARKS = {
        "SNV": "10 10 10 20 19.5 14 13.36",  # 96.86
        "SLDTBXH": "10 9.81 10 18 18 13.11 13.11",  # 65.81 + 26.22 = 92.03
        "STP": "9 9 9 18 15 12.5 12.5",  # 85.00
        "SCT": "10 10 5 15 15 15 15",  # 85.00
        "STNMT": "8 8 8 16 - 13 13",  # 66/80 = 82.50
    }

    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, group_codes=("SO", "HUYEN"))
        cls.group = make_group("SO")
        for code, text in cls.MARKS.items():
            marks(make_sheet(make_unit(code), cls.year), text)
        make_unit("SYT")  # no sheet: no result, not counted
        marks(make_sheet(make_unit("TAMKY", group="HUYEN"), cls.year), "10 10 10 20 20 10 15")

    def test_stored_figures_equal_the_calculations_on_the_same_scores(self):
        items = list(Item.objects.filter(framework__year=self.year, framework__group=self.group))
        code_by_id = {item.id: item.code for item in items}
        bands = list(Band.objects.filter(year=self.year, group=self.group))
        for code in self.MARKS:
            values = {
                code_by_id[s.item_id]: calc.ScoreValue(s.points, s.not_applicable)
                for s in Score.objects.filter(sheet__unit__code=code)
            }
            figures = calc.compute_unit(item_specs(items), values, self.year.rounding)
            band = calc.classify(figures.index, band_specs(bands))
            result = result_of(code, self.year)
            assert {name: getattr(result, name) for name in _result_fields_names()} == {
                "appraisal": figures.appraisal,
                "appraisal_max": figures.appraisal_max,
                "survey": figures.survey,
                "survey_max": figures.survey_max,
                "bonus": D("0"),
                "deduction": D("0"),
                "total": figures.total,
                "max_points": figures.max_points,
                "index": figures.index,
                "band": next(b for b in bands if b.label == band.label),
                "band_label": band.label,
                "uncapped_label": "",  # no caps in this year
                "cap_reason": "",
            }

    def test_the_published_example_and_a_unit_with_an_item_not_applicable(self):
        labour = result_of("SLDTBXH", self.year)
        assert (labour.appraisal, labour.appraisal_max, labour.survey, labour.survey_max) == (
            D("65.81"),
            D("70"),
            D("26.22"),
            D("30"),
        )
        assert (labour.total, labour.max_points, str(labour.index), labour.band_label) == (
            D("92.03"),
            D("100"),
            "92.03",
            "Tốt",
        )
        environment = result_of("STNMT", self.year)
        assert (environment.total, environment.max_points, str(environment.index)) == (
            D("66"),
            D("80"),
            "82.50",
        )
        assert (environment.appraisal_max, environment.band_label) == (D("50"), "Khá")

    def test_one_domain_result_per_domain(self):
        domains = DomainResult.objects.filter(result=result_of("SLDTBXH", self.year))
        assert list(
            domains.values_list("code", "name", "earned", "max_points", "index", "item__code")
        ) == [
            ("1", "Công tác chỉ đạo, điều hành CCHC", D("29.81"), D("30"), D("99.37"), "1"),
            ("2", "Cải cách thủ tục hành chính", D("36"), D("40"), D("90.00"), "2"),
            ("3", "Mức độ hài lòng của người dân", D("26.22"), D("30"), D("87.40"), "3"),
        ]
        environment = DomainResult.objects.get(result=result_of("STNMT", self.year), code="2")
        assert (environment.earned, environment.max_points, environment.index) == (
            D("16"),
            D("20"),
            D("80.00"),
        )

    def test_ties_share_a_rank_the_next_skips_and_groups_are_ranked_apart(self):
        ranks = dict(Result.objects.filter(year=self.year).values_list("unit__code", "rank"))
        assert ranks == {"SNV": 1, "SLDTBXH": 2, "STP": 3, "SCT": 3, "STNMT": 5, "TAMKY": 1}
        assert set(
            Result.objects.filter(year=self.year, group=self.group).values_list(
                "rank_of", flat=True
            )
        ) == {5}
        assert result_of("TAMKY", self.year).rank_of == 1
        assert not Result.objects.filter(unit__code="SYT").exists()

    def test_a_recompute_after_a_change_moves_the_ranks(self):
        sheet = Sheet.objects.get(unit__code="SCT", year=self.year)
        score(sheet, **{"1.2": "5.01"})  # 85.01: SCT alone in third place
        ranks = dict(
            Result.objects.filter(year=self.year, group=self.group).values_list(
                "unit__code", "rank"
            )
        )
        assert ranks == {"SNV": 1, "SLDTBXH": 2, "SCT": 3, "STP": 4, "STNMT": 5}

    def test_recomputing_some_units_returns_their_results_only(self):
        results = recompute_group(self.year, self.group, unit_ids=[Unit.objects.get(code="STP").pk])
        assert [r.unit.code for r in results] == ["STP"]
        assert DomainResult.objects.filter(result__year=self.year).count() == 18

    def test_a_changed_result_records_when_it_was_computed(self):
        before = result_of("STP", self.year).computed_at
        score(Sheet.objects.get(unit__code="STP"), **{"1.2": "10"})
        assert result_of("STP", self.year).computed_at > before

    def test_the_number_of_queries_does_not_grow_with_the_units(self):
        # One changed result and no changed rank in each run (only what changes is rewritten).
        Score.objects.filter(sheet__unit__code="SNV", item__code="1.2").update(points=D("9.5"))
        with CaptureQueriesContext(connection) as five_units:
            recompute_group(self.year, self.group)
        for unit in [make_unit("SXD"), make_unit("SGDDT"), Unit.objects.get(code="SYT")]:
            marks(make_sheet(unit, self.year), "1 2 3 4 5 6 7")
        Score.objects.filter(sheet__unit__code="SNV", item__code="1.2").update(points=D("9"))
        with CaptureQueriesContext(connection) as eight_units:
            recompute_group(self.year, self.group)
        assert len(eight_units) == len(five_units)
        assert result_of("SNV", self.year).total == D("95.86")

    def test_every_recompute_bumps_the_results_version(self):
        before = AssessmentYear.objects.get(pk=self.year.pk).results_version
        recompute_group(self.year, self.group)
        recompute_group(self.year, self.group)
        score(Sheet.objects.get(unit__code="SNV"), **{"1.2": "9"})
        assert AssessmentYear.objects.get(pk=self.year.pk).results_version == before + 3

    def test_a_group_without_a_framework_has_nothing_to_recompute(self):
        assert recompute_group(self.year, make_group("XA")) == []

    def test_imported_results_are_left_untouched(self):
        unit = make_unit("SKHDT")
        sheet = make_sheet(unit, self.year)
        Result.objects.create(
            unit=unit,
            year=self.year,
            group=self.group,
            total=D("90.5"),
            max_points=D("100"),
            index=D("90.5"),
            band_label="Tốt",
            source=ResultSource.IMPORTED,
        )
        score(sheet, **{"1.1.1": "1"})
        recompute_group(self.year, self.group)
        imported = result_of("SKHDT", self.year)
        assert (imported.total, imported.index, imported.band_label, imported.source) == (
            D("90.5"),
            D("90.50"),
            "Tốt",
            ResultSource.IMPORTED,
        )
        assert not imported.domains.exists()
        # It still takes its place among the others.
        assert (imported.rank, imported.rank_of) == (3, 6)


class TestAUnitThatMovedToAnotherGroup(TestCase):
    """Kho bạc was scored with the central agencies in 2023, then moved to the departments.

    `Unit.group` is today's group: the 2023 sheet stays on the framework it was scored on.
    """

    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, group_codes=("SO", "NGANHDOC"))
        marks(make_sheet(make_unit("SNV"), cls.year), "10 10 10 20 20 10 10")  # 90
        cls.sheet = marks(
            make_sheet(make_unit("KBNN", group="NGANHDOC"), cls.year), "10 10 10 20 20 15 10"
        )  # 95
        Unit.objects.filter(code="KBNN").update(group=make_group("SO"))

    def figures(self) -> dict[str, tuple]:
        return {
            r.unit.code: (r.group.code, r.total, r.max_points, r.rank, r.rank_of)
            for r in Result.objects.filter(year=self.year).select_related("unit", "group")
        }

    def test_recomputing_the_year_keeps_its_result_in_the_group_it_was_scored_in(self):
        recompute_year(self.year)
        assert self.figures() == {
            "SNV": ("SO", D("90"), D("100"), 1, 1),
            "KBNN": ("NGANHDOC", D("95"), D("100"), 1, 1),
        }
        assert (
            list(
                DomainResult.objects.filter(result__unit__code="KBNN").values_list(
                    "item__framework__group__code", flat=True
                )
            )
            == ["NGANHDOC"] * 3
        )

    def test_a_change_to_its_old_sheet_uses_the_framework_it_was_scored_on(self):
        score(self.sheet, **{"1.1.1": "5"})
        assert self.figures() == {
            "SNV": ("SO", D("90"), D("100"), 1, 1),
            "KBNN": ("NGANHDOC", D("90"), D("100"), 1, 1),
        }
        assert set(
            Score.objects.filter(sheet=self.sheet).values_list(
                "item__framework__group__code", flat=True
            )
        ) == {"NGANHDOC"}
