"""Editing a framework or its bands in the admin keeps what the caps rely on: a bonus or deduction
section's cap survives an item's new maximum, and a band that a cap on classification names is
neither renamed nor deleted."""

from decimal import Decimal as D

import pytest

from scoring.models import AssessmentYear, Band, BandCap, Item, YearState
from scoring.services.errors import ServiceError
from scoring.services.frameworks import (
    CapRow,
    ItemRow,
    delete_bands,
    replace_framework,
    save_band,
    set_bands,
    update_item,
)
from scoring.specs import item_specs
from tests.factories import make_group

ROWS = [
    ItemRow("1", "Chỉ đạo", None),
    ItemRow("1.1", "Kế hoạch", D(8), "appraisal"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("T.2", "Mô hình", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", D(2)),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
    ItemRow("D.2", "Vi phạm", D(2), "deduction", rule="yes_no"),
]


@pytest.fixture
def framework(db):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    group = make_group("SO")
    replace_framework(year, group, ROWS)
    set_bands(
        year,
        group,
        [("Tốt", D(90)), ("Khá", D(80)), ("Yếu", D(0))],
        [CapRow("Khá", "item_above_zero", "D.2", text="Khá:D.2>0")],
    )
    return year, group


def cap_of(code: str):
    items = list(Item.objects.all())
    return next(spec.cap for spec in item_specs(items) if spec.code == code)


def edit_max(code: str, maximum: str) -> None:
    item = Item.objects.get(code=code)
    item.max_points = D(maximum)
    update_item(item, ["max_points"])


class TestASectionsCapSurvivesAnEdit:
    def test_a_capped_section_keeps_its_cap_when_an_item_grows(self, framework):
        assert cap_of("D") == D(2)

        edit_max("D.1", "1.5")

        assert Item.objects.get(code="D").max_points == D(2)
        assert cap_of("D") == D(2)

    def test_a_cap_that_no_longer_binds_becomes_the_sum(self, framework):
        edit_max("D.2", "0.5")

        assert Item.objects.get(code="D").max_points == D("1.5")
        assert cap_of("D") is None

    def test_an_uncapped_section_and_a_domain_follow_the_sum(self, framework):
        edit_max("T.1", "1.5")
        edit_max("1.1", "7")

        assert Item.objects.get(code="T").max_points == D("2.5")
        assert cap_of("T") is None
        assert Item.objects.get(code="1").max_points == D(7)


class TestABandACapNames:
    def test_it_may_not_be_renamed(self, framework):
        band = Band.objects.get(label="Khá")
        band.label = "Khá giỏi"

        with pytest.raises(ServiceError) as refused:
            save_band(band)

        assert refused.value.messages == [
            "Mức “Khá” đang được 1 quy tắc giới hạn xếp loại sử dụng: hãy sửa hoặc bỏ các quy tắc "
            "đó trước (lệnh set_bands --cap/--no-caps)."
        ]
        assert Band.objects.filter(label="Khá").exists()

    def test_it_may_not_be_deleted_but_its_minimum_may_change(self, framework):
        with pytest.raises(ServiceError, match="Mức “Khá” đang được 1 quy tắc"):
            delete_bands(Band.objects.filter(label__in=["Khá", "Yếu"]))
        assert Band.objects.count() == 3

        band = Band.objects.get(label="Khá")
        band.min_index = D(75)
        save_band(band)
        assert Band.objects.get(label="Khá").min_index == D(75)

    def test_without_the_cap_it_may_go(self, framework):
        BandCap.objects.all().delete()

        delete_bands(Band.objects.filter(label="Khá"))

        assert list(Band.objects.values_list("label", flat=True).order_by("label")) == [
            "Tốt",
            "Yếu",
        ]


def test_the_admin_refuses_renaming_a_band_a_cap_names(framework, client, admin_user):
    band = Band.objects.get(label="Khá")
    client.force_login(admin_user)

    response = client.post(
        f"/admin/scoring/band/{band.pk}/change/", {"label": "Khá giỏi", "min_index": "80"}
    )

    assert response.status_code == 200
    assert "Mức “Khá” đang được 1 quy tắc giới hạn xếp loại sử dụng" in response.content.decode()
    assert Band.objects.filter(label="Khá").exists()
