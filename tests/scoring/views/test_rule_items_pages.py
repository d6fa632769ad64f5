"""Rule items, bonus and deduction sections on the sheet and appraisal pages: the value inputs,
the points computed by the server as one types (the same `calculations.rule_points` as the save),
the appraisers' corrected value with its reason, what blocks a submission, the year's decimals."""

import re
from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Score, Sheet, YearState
from scoring.services.frameworks import ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import missing_for_submission
from scoring.specs import rule_spec
from tests.factories import make_group, make_sheet, make_unit, personas

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow("1.1", "Tỷ lệ hồ sơ trực tuyến", D(2), "appraisal", rule="threshold 80:2 50:1 0:0"),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal"),
    ItemRow("1.3", "Công khai", D(1), "appraisal", rule="yes_no"),
    ItemRow("1.4", "Nhiệm vụ đúng hạn", D(3), "appraisal", rule="proportional 90"),
    ItemRow("2", "Hài lòng", None),
    ItemRow("2.1", "Khảo sát", D(9), "survey"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus", evidence_required=True),
    ItemRow("D", "Điểm trừ", D("0.5")),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
]

HTMX = {"HTTP_HX_REQUEST": "true"}


@pytest.fixture
def setup(db):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(year, group, [("Tốt", D(90)), ("Khá", D(80)), ("Yếu", D(0))])
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.SELF_ASSESSMENT)
    year.refresh_from_db()
    unit = make_unit("STP", "Sở Tư pháp")
    people = personas(unit, make_unit("SXD"), make_unit("SNV"))
    return {"year": year, "unit": unit, "people": people}


def sheet_url() -> str:
    return reverse("sheet", args=["STP", 2026])


def sheet_post(version=0, **values) -> dict:
    data = {"version": str(version), "difficulties": "", "proposals": ""}
    for code in ("1.1", "1.3", "1.4", "D.1"):
        data[f"self_value-{code}"] = ""
    for code in ("1.2", "T.1"):
        data[f"self_points-{code}"] = ""
    for code in ("1.1", "1.2", "1.3", "1.4", "T.1", "D.1"):
        data[f"note-{code}"] = ""
    data.update(values)
    return data


def stored(code: str) -> Score:
    return Score.objects.get(item__code=code)


def shown_points(html: str, element_id: str) -> str | None:
    """The server's points in a rule item's output (data-points), None when it shows none."""
    match = re.search(rf'id="{re.escape(element_id)}"[^>]*>(.*?)</output>', html, re.S)
    assert match, f"{element_id} not in the answer"
    points = re.search(r'data-points="([^"]+)"', match.group(1))
    return points.group(1) if points else None


class TestTheSheet:
    def test_rule_items_have_a_value_input_and_their_rule_in_words(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        page = client.get(sheet_url()).content.decode()

        assert 'name="self_value-1.1"' in page
        assert 'name="self_points-1.1"' not in page
        assert "Từ 80: 2,00 điểm; từ 50: 1,00 điểm; dưới 50: 0,00 điểm" in page
        assert '<select name="self_value-1.3"' in page
        # The bonus and deduction sections are claimed on the sheet too.
        assert 'name="self_points-T.1"' in page
        assert 'name="self_value-D.1"' in page
        assert "Trừ 0,25 điểm mỗi lần, tối đa 1,00 điểm" in page

    @pytest.mark.parametrize(
        ("code", "typed"),
        [
            ("1.1", "80"),
            ("1.1", "79,999"),
            ("1.1", "50"),
            ("1.1", "49.9"),
            ("1.1", "100"),
            ("1.4", "60"),
            ("1.4", "89,5"),
            ("1.4", "120"),
            ("1.3", "1"),
            ("1.3", "0"),
            ("D.1", "3"),
            ("D.1", "7"),
        ],
    )
    def test_the_preview_shows_the_points_the_save_stores(self, client, setup, code, typed):
        client.force_login(setup["people"]["staff_a"])
        item = Item.objects.get(code=code)
        value = D(typed.replace(",", "."))
        expected = calc.rule_points(
            rule_spec(item), item.max_points, value, "half_up", 2, item.method == "deduction"
        )

        preview = client.post(
            reverse("sheet_preview", args=["STP", 2026]),
            sheet_post(**{f"self_value-{code}": typed}),
            **HTMX,
        ).content.decode()

        assert D(shown_points(preview, f"rule-points-{code}")) == expected
        client.post(sheet_url(), sheet_post(**{f"self_value-{code}": typed}))
        assert (stored(code).self_value, stored(code).self_points) == (value, expected)

    def test_the_preview_totals_count_the_rule_points(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        preview = client.post(
            reverse("sheet_preview", args=["STP", 2026]),
            sheet_post(**{"self_value-1.1": "85", "self_points-1.2": "7,5"}),
            **HTMX,
        ).content.decode()

        assert re.search(r'id="self-total">9,50<', preview)

    @pytest.mark.parametrize(
        ("field", "typed", "message"),
        [
            ("self_value-1.1", "-5", "Giá trị không được âm."),
            ("self_value-1.1", "tám", "Nhập một số, ví dụ 85 hoặc 85,5."),
            ("self_value-1.1", "85,1234", "Giá trị có tối đa 3 chữ số thập phân"),
            ("self_value-D.1", "1,5", "Số lần phải là số nguyên."),
            ("self_value-1.3", "2", "Chọn “Đạt” hoặc “Không đạt”."),
        ],
    )
    def test_a_bad_value_is_refused_and_nothing_is_saved(
        self, client, setup, field, typed, message
    ):
        client.force_login(setup["people"]["staff_a"])
        response = client.post(sheet_url(), sheet_post(**{field: typed, "self_points-1.2": "5"}))

        assert response.status_code == 200
        assert message in response.content.decode()
        assert not Score.objects.exists()

    def test_points_posted_on_a_rule_item_are_refused(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        response = client.post(sheet_url(), sheet_post(**{"self_points-1.1": "2"}))

        assert "Tiêu chí 1.1 chấm theo quy tắc: nhập giá trị" in response.content.decode()
        assert not Score.objects.exists()

    def test_a_saved_value_is_shown_again_with_its_points(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        client.post(sheet_url(), sheet_post(**{"self_value-1.1": "85,5"}))

        page = client.get(sheet_url()).content.decode()

        assert 'value="85,5"' in page
        assert shown_points(page, "rule-points-1.1") == "2.00"

    def test_the_history_shows_the_values(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        client.post(sheet_url(), sheet_post(**{"self_value-D.1": "3"}))
        client.post(sheet_url(), sheet_post(version=1, **{"self_value-D.1": "1"}))

        page = client.get(reverse("item_history", args=["STP", 2026, "D.1"])).content.decode()

        assert "Giá trị tự đánh giá" in page
        assert '<td class="num">3 lần</td><td class="num">1 lần</td>' in page

    def test_a_stale_save_names_the_newer_value(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        client.post(sheet_url(), sheet_post(**{"self_value-1.1": "85"}))

        response = client.post(sheet_url(), sheet_post(version=0, **{"self_value-1.1": "60,5"}))

        assert response.status_code == 409
        assert "đang lưu <strong>85</strong>, bạn nhập <strong>60,5</strong>" in (
            response.content.decode()
        )
        assert stored("1.1").self_value == D(85)

    def test_bonus_and_deduction_items_never_block_a_submission(self, setup):
        sheet = make_sheet(setup["unit"], setup["year"])
        apply_score_changes(
            sheet,
            [
                ScoreChange("1.1", self_value=D(90)),
                ScoreChange("1.2", self_points=D(8)),
                ScoreChange("1.3", self_value=D(1)),
                ScoreChange("1.4", self_value=D(90)),
            ],
            source="test",
        )
        items = list(Item.objects.filter(framework__year=setup["year"]))
        scores = {s.item_id: s for s in sheet.scores.all()}

        assert missing_for_submission(items, scores, {}) == ([], [])
        # A bonus claimed needs its required evidence.
        apply_score_changes(sheet, [ScoreChange("T.1", self_points=D(1))], source="test")
        scores = {s.item_id: s for s in sheet.scores.all()}
        assert missing_for_submission(items, scores, {}) == ([], ["T.1"])


class TestThreeDecimals:
    def test_a_three_decimal_year_takes_and_shows_three_decimals(self, client, setup):
        AssessmentYear.objects.filter(pk=setup["year"].pk).update(decimals=3)
        client.force_login(setup["people"]["staff_a"])

        client.post(sheet_url(), sheet_post(**{"self_points-1.2": "7,125"}))

        assert stored("1.2").self_points == D("7.125")
        assert 'value="7,125"' in client.get(sheet_url()).content.decode()

    def test_a_two_decimal_year_refuses_a_third(self, client, setup):
        client.force_login(setup["people"]["staff_a"])
        response = client.post(sheet_url(), sheet_post(**{"self_points-1.2": "7,125"}))

        assert "Điểm có tối đa 2 chữ số thập phân." in response.content.decode()
        assert not Score.objects.exists()


@pytest.fixture
def appraisal(setup):
    sheet = make_sheet(setup["unit"], setup["year"])
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1", self_value=D(85)),
            ScoreChange("1.2", self_points=D(8)),
            ScoreChange("D.1", self_value=D(0)),
            ScoreChange("T.1", self_points=D(1)),
        ],
        source="test",
    )
    AssessmentYear.objects.filter(pk=setup["year"].pk).update(state=YearState.APPRAISAL)
    return setup


def appraisal_url() -> str:
    return reverse("appraisal_sheet", args=["STP", 2026])


class TestTheAppraisal:
    def test_rule_items_and_the_sections_are_listed_with_value_inputs(self, client, appraisal):
        client.force_login(appraisal["people"]["appraiser"])
        page = client.get(appraisal_url()).content.decode()

        assert 'name="value-1.1"' in page
        assert 'name="points-1.1"' not in page
        assert 'id="domain-T"' in page
        assert 'id="domain-D"' in page
        assert 'name="points-T.1"' in page
        assert 'name="value-D.1"' in page

    def test_the_points_of_a_typed_value_come_from_the_server(self, client, appraisal):
        client.force_login(appraisal["people"]["appraiser"])
        url = reverse("appraisal_rule_points", args=["STP", 2026, "1.1"])

        for typed, expected in (("80", "2.00"), ("79,99", "1.00"), ("49", "0.00"), ("x", None)):
            answer = client.get(url, {"value-1.1": typed}, **HTMX).content.decode()
            assert shown_points(answer, "appraisal-rule-points-1.1") == expected

    def test_the_appraisers_correct_a_value_with_a_reason(self, client, appraisal):
        client.force_login(appraisal["people"]["appraiser"])
        version = Sheet.objects.get().version

        refused = client.post(appraisal_url(), {"version": version, "value-1.1": "79,5"})
        assert refused.status_code == 400
        assert stored("1.1").value is None

        client.post(
            appraisal_url(),
            {"version": version, "value-1.1": "79,5", "reason-1.1": "Số liệu hệ thống: 79,5%."},
        )
        score = stored("1.1")
        assert (score.self_points, score.value, score.points) == (D(2), D("79.5"), D(1))

        page = client.get(appraisal_url()).content.decode()
        assert 'value="79,5"' in page
        assert shown_points(page, "appraisal-rule-points-1.1") == "1.00"

    def test_accepting_the_claim_of_a_rule_item_takes_its_value(self, client, appraisal):
        client.force_login(appraisal["people"]["appraiser"])
        client.post(
            appraisal_url(),
            {"version": Sheet.objects.get().version, "chap-nhan": "1", "chon": ["1.1", "1.2"]},
        )

        assert (stored("1.1").value, stored("1.1").points) == (D(85), D(2))
        assert stored("1.2").points == D(8)
