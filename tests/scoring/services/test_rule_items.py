"""Rule items, bonus and deduction items through the one save path (services.scores) and the
services on top of it: the unit enters a measured value, the appraisers correct it with a
reason, the points follow from the rule; results count bonus, deduction and caps."""

from decimal import Decimal as D

import pytest

from scoring.models import AssessmentYear, BandCap, Result, Score, YearState
from scoring.services.appraisal import appraise
from scoring.services.errors import ServiceError
from scoring.services.frameworks import ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import save_self_assessment
from tests.factories import make_group, make_sheet, make_unit

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow("1.1", "Tỷ lệ hồ sơ trực tuyến", D(2), "appraisal", rule="threshold 80:2 50:1 0:0"),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal", na_allowed=True),
    ItemRow("1.3", "Công khai", D(1), "appraisal", rule="yes_no", na_allowed=True),
    ItemRow("2", "Hài lòng", None),
    ItemRow("2.1", "Khảo sát", D(9), "survey"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", D("0.5")),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
]


@pytest.fixture
def sheet(db):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(year, group, [("Tốt", D(90)), ("Khá", D(80)), ("Yếu", D(0))])
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.SELF_ASSESSMENT)
    year.refresh_from_db()
    return make_sheet(make_unit("STP"), year)


def score(code: str) -> Score:
    return Score.objects.get(item__code=code)


def to_appraisal(sheet):
    AssessmentYear.objects.filter(pk=sheet.year_id).update(state=YearState.APPRAISAL)
    sheet.year.refresh_from_db()


class TestSelfAssessment:
    def test_the_unit_enters_values_and_the_points_follow(self, sheet):
        save_self_assessment(
            sheet, [ScoreChange("1.1", self_value=D("79.9")), ScoreChange("1.3", self_value=D(1))]
        )
        assert (score("1.1").self_value, score("1.1").self_points) == (D("79.9"), D(1))
        assert score("1.3").self_points == D(1)

    def test_the_unit_may_not_enter_the_appraised_value(self, sheet):
        with pytest.raises(ServiceError, match="không được sửa điểm thẩm định"):
            save_self_assessment(sheet, [ScoreChange("1.1", value=D(90))])

    def test_points_on_a_rule_item_and_values_on_a_plain_item_are_refused(self, sheet):
        with pytest.raises(ServiceError) as refused:
            save_self_assessment(
                sheet,
                [ScoreChange("1.1", self_points=D(2)), ScoreChange("1.2", self_value=D(5))],
            )
        assert refused.value.messages == [
            "Tiêu chí 1.1: tiêu chí 1.1 chấm theo quy tắc (threshold 80:2 50:1 0:0): nhập giá trị "
            "đo, điểm tự tính theo quy tắc.",
            "Tiêu chí 1.2: tiêu chí 1.2 nhập điểm, không nhập giá trị đo.",
        ]
        assert not Score.objects.exists()

    def test_not_applicable_clears_the_values_and_the_points(self, sheet):
        save_self_assessment(sheet, [ScoreChange("1.3", self_value=D(1))])
        save_self_assessment(sheet, [ScoreChange("1.3", not_applicable=True)])
        stored = score("1.3")
        assert (stored.self_value, stored.self_points, stored.not_applicable) == (None, None, True)

    def test_a_value_with_a_not_applicable_mark_is_refused(self, sheet):
        with pytest.raises(ServiceError, match="không áp dụng thì không có giá trị"):
            save_self_assessment(sheet, [ScoreChange("1.3", self_value=D(1), not_applicable=True)])


class TestAppraisal:
    def test_the_appraisers_correct_the_value_with_a_reason_and_history_keeps_both(self, sheet):
        save_self_assessment(sheet, [ScoreChange("1.1", self_value=D(85))])
        to_appraisal(sheet)
        with pytest.raises(ServiceError, match="giá trị thẩm định 79,50 khác giá trị"):
            appraise(sheet, [ScoreChange("1.1", value=D("79.5"))], user=None, domains=None)
        appraise(
            sheet,
            [ScoreChange("1.1", value=D("79.5"), reason="Số liệu hệ thống: 79,5%.")],
            user=None,
            domains=None,
        )
        stored = score("1.1")
        assert (stored.self_points, stored.value, stored.points) == (D(2), D("79.5"), D(1))
        assert [h.value for h in stored.history.order_by("history_id")] == [None, D("79.5")]
        result = Result.objects.get(unit=sheet.unit)
        assert result.appraisal == D(1)

    def test_points_on_a_rule_item_are_refused_in_the_appraisal(self, sheet):
        to_appraisal(sheet)
        with pytest.raises(ServiceError, match="chấm theo quy tắc: nhập giá trị đo"):
            appraise(sheet, [ScoreChange("1.1", points=D(2), reason="x")], user=None, domains=None)

    def test_bonus_and_deduction_items_are_appraised_like_others(self, sheet):
        to_appraisal(sheet)
        appraise(
            sheet,
            [
                ScoreChange("1.2", points=D(8), reason="Đủ hồ sơ."),
                ScoreChange("T.1", points=D(1), reason="QĐ công nhận sáng kiến."),
                ScoreChange("D.1", value=D(3), reason="3 báo cáo chậm."),
            ],
            user=None,
            domains=None,
        )
        assert score("D.1").points == D("0.75")
        result = Result.objects.get(unit=sheet.unit)
        # 8 + bonus 1 − deduction min(0.75, cap 0.5) = 8.5 of an applicable 20
        assert (result.bonus, result.deduction, result.total) == (D(1), D("0.5"), D("8.5"))
        assert result.max_points == D(20)


class TestCapsOnResults:
    def test_a_cap_lowers_the_band_and_gives_its_reason_and_is_lifted_when_the_deduction_goes(
        self, sheet
    ):
        BandCap.objects.create(
            year=sheet.year, group=sheet.unit.group, band_label="Khá", kind="item_above_zero",
            code="D.1",
        )  # fmt: skip
        to_appraisal(sheet)
        reason = "Kiểm tra hồ sơ."
        appraise(
            sheet,
            [
                ScoreChange("1.1", value=D(100), reason=reason),
                ScoreChange("1.2", points=D(8), reason=reason),
                ScoreChange("1.3", value=D(1), reason=reason),
                ScoreChange("D.1", value=D(1), reason=reason),
            ],
            user=None,
            domains=None,
        )
        apply_score_changes(sheet, [ScoreChange("2.1", points=D(9))])
        result = Result.objects.get(unit=sheet.unit)
        assert (result.total, result.index) == (D("19.75"), D("98.75"))
        assert (result.band_label, result.uncapped_label) == ("Khá", "Tốt")
        assert result.cap_reason == "Không xếp loại Tốt do có điểm trừ tại D.1"
        appraise(sheet, [ScoreChange("D.1", value=D(0), reason=reason)], user=None, domains=None)
        result.refresh_from_db()
        assert (result.band_label, result.uncapped_label, result.cap_reason) == ("Tốt", "", "")


class TestPointsLost:
    def test_a_capped_deduction_section_loses_its_cap_and_its_items_say_deduction(self, sheet):
        from scoring.selectors.unit import unit_profile

        to_appraisal(sheet)
        appraise(
            sheet,
            [
                ScoreChange("1.2", points=D(8), reason="Đủ hồ sơ."),
                ScoreChange("D.1", value=D(3), reason="3 báo cáo chậm."),
            ],
            user=None,
            domains=None,
        )
        year = AssessmentYear.objects.get(pk=sheet.year_id)

        profile = unit_profile(sheet.unit, year, [year])

        section = next(domain for domain in profile.lost if domain.code == "D")
        # D.1 deducts 3 × 0,25 = 0,75, the section's cap is 0,50.
        assert (section.lost, section.cap) == (D("0.5"), D("0.5"))
        assert [(i.code, i.method, i.lost) for i in section.items] == [
            ("D.1", "deduction", D("0.75"))
        ]
