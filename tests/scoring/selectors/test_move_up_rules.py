"""Moving up with items scored by rule, bonus and deduction sections and caps on classification:
the values that would earn more, a projection through the caps, what lifts a cap."""

from decimal import Decimal as D

import pytest
from django.urls import reverse

from scoring.models import AssessmentYear, Result, YearState
from scoring.selectors.moving_up import RuleStep, move_up_basis, project
from scoring.services.appraisal import appraise
from scoring.services.frameworks import CapRow, ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange
from tests.factories import make_group, make_sheet, make_unit, make_user

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow("1.1", "Tỷ lệ hồ sơ trực tuyến", D(2), "appraisal", rule="threshold 80:2 50:1 0:0"),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", None),
    ItemRow("D.2", "Vi phạm kỷ luật", D(2), "deduction", rule="yes_no"),
]


@pytest.fixture
def sheet(db):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(
        year,
        group,
        [("Tốt", D(90)), ("Khá", D(70)), ("Yếu", D(0))],
        [CapRow("Khá", "item_above_zero", "D.2", text="Khá:D.2>0")],
    )
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    year.refresh_from_db()
    return make_sheet(make_unit("STP"), year)


def appraised(sheet, value_11: str) -> Result:
    appraise(
        sheet,
        [
            ScoreChange("1.1", value=D(value_11), reason="Số liệu hệ thống."),
            ScoreChange("1.2", points=D(8), reason="Đủ."),
            ScoreChange("T.1", points=D(1), reason="Sáng kiến được công nhận."),
            ScoreChange("D.2", value=D(1), reason="Có quyết định kỷ luật."),
        ],
        user=None,
        domains=None,
    )
    return Result.objects.select_related("year").get()


def test_a_rule_item_says_which_value_earns_more_and_the_projection_goes_through_the_caps(sheet):
    result = appraised(sheet, "60")
    # 1 + 8 + bonus 1 − deduction 2 = 8 of 10.
    assert (result.total, result.index, result.band_label) == (D(8), D(80), "Khá")

    basis = move_up_basis(result)
    (candidate,) = basis.candidates
    assert (candidate.code, candidate.lost, candidate.steps) == (
        "1.1",
        D(1),
        (RuleStep(D(80), D(1)),),
    )

    projection = project(basis, {"1.1": D(1)})
    # The bonus and deduction are counted once (from their items): 9 of 10 → 90, Tốt by index,
    # Khá by the cap.
    assert (projection.total, projection.index) == (D(9), D(90))
    assert projection.band_label == "Khá"
    assert projection.cap_reason == "Không xếp loại Tốt do có điểm trừ tại D.2"


def test_a_capped_unit_is_told_what_lifts_the_cap(sheet):
    result = appraised(sheet, "80")
    assert (result.index, result.uncapped_label, result.band_label) == (D(90), "Tốt", "Khá")

    basis = move_up_basis(result)

    assert [(cap.kind, cap.code) for cap in basis.cap_lifts] == [("item_above_zero", "D.2")]
    assert basis.candidates == []


def test_the_page_shows_what_lifts_the_cap(sheet, client):
    appraised(sheet, "80")
    client.force_login(make_user("admin_x", is_superuser=True, is_staff=True))

    page = client.get(reverse("move_up", args=["STP", 2026])).content.decode()

    assert "Chỉ số đạt mức “Tốt” nhưng xếp loại bị giới hạn." in page
    assert "không có điểm trừ tại D.2" in page


def test_the_page_shows_the_values_that_earn_more(sheet, client):
    appraised(sheet, "60")
    client.force_login(make_user("admin_x", is_superuser=True, is_staff=True))

    page = client.get(reverse("move_up", args=["STP", 2026]), {"full": "1.1"}).content.decode()

    assert 'đạt 80 → +<span class="num">1,00</span>' in page
    assert "Không xếp loại Tốt do có điểm trừ tại D.2" in page
