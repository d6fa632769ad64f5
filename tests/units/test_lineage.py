"""The lineage rules (units/lineage.py): names by year, the years a unit exists, and what a
unit's figure may be compared with across a reorganisation.

The province of these tests, reorganised in 2025:

    merge   SNV + SLDTBXH → SNV              (Sở Nội vụ continues and absorbs Sở LĐ-TB&XH)
    merge   SNNPTNT + STNMT → SNNMT          (a new department)
    rename  BDT → “Sở Dân tộc và Tôn giáo”   (same code)
    split   KKT → KKT-A + KKT-B
    end     HUYEN-NS                         (the districts are no longer assessed)
    new     XA-TK (a commune, from 2025)     STP: unchanged
"""

import pytest

from tests.factories import make_unit
from units import lineage, services
from units.lineage import Lineage
from units.models import LineageKind, Unit

pytestmark = pytest.mark.django_db

EVENTS = [
    services.LineageRow(2025, LineageKind.MERGE, ("SNV", "SLDTBXH"), ("SNV",), row=2),
    services.LineageRow(2025, LineageKind.MERGE, ("SNNPTNT", "STNMT"), ("SNNMT",), row=3),
    services.LineageRow(2025, LineageKind.RENAME, ("BDT",), (), "Sở Dân tộc và Tôn giáo", row=4),
    services.LineageRow(2025, LineageKind.SPLIT, ("KKT",), ("KKT-A", "KKT-B"), row=5),
    services.LineageRow(2025, LineageKind.END, ("HUYEN-NS",), row=6),
]


@pytest.fixture
def units():
    made = {
        code: make_unit(code, name)
        for code, name in [
            ("SNV", "Sở Nội vụ"),
            ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
            ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
            ("STNMT", "Sở Tài nguyên và Môi trường"),
            ("BDT", "Ban Dân tộc"),
            ("KKT", "Ban Quản lý các Khu kinh tế"),
            ("STP", "Sở Tư pháp"),
        ]
    }
    made["SNNMT"] = make_unit("SNNMT", "Sở Nông nghiệp và Môi trường", first_year=2025)
    made["KKT-A"] = make_unit("KKT-A", "Ban Quản lý Khu kinh tế mở")
    made["KKT-B"] = make_unit("KKT-B", "Ban Quản lý các Khu công nghiệp")
    made["HUYEN-NS"] = make_unit("HUYEN-NS", "UBND huyện Nông Sơn", group="HUYEN")
    made["XA-TK"] = make_unit("XA-TK", "UBND phường Tam Kỳ", group="XA", first_year=2025)
    services.import_lineage(EVENTS)
    return {unit.code: unit for unit in Unit.objects.all()}


def codes(units) -> list[str]:
    return [unit.code for unit in units]


class TestNamesByYear:
    def test_a_renamed_unit_keeps_its_old_name_in_earlier_years(self, units):
        bdt = units["BDT"]
        assert bdt.name == "Sở Dân tộc và Tôn giáo"
        assert lineage.name_in(bdt, 2023) == "Ban Dân tộc"
        assert lineage.name_in(bdt, 2024) == "Ban Dân tộc"
        assert lineage.name_in(bdt, 2025) == "Sở Dân tộc và Tôn giáo"
        assert lineage.name_in(bdt, 2030) == "Sở Dân tộc và Tôn giáo"

    def test_a_unit_without_recorded_names_always_has_its_name(self, units):
        assert lineage.name_in(units["STP"], 2015) == "Sở Tư pháp"

    def test_years_before_the_first_recorded_name_show_that_name(self, units):
        assert lineage.name_in(units["BDT"], 1999) == "Ban Dân tộc"

    def test_todays_name_is_the_units_name_where_admins_correct_it(self, units):
        Unit.objects.filter(code="BDT").update(name="Sở Dân tộc và Tôn giáo thành phố")
        bdt = Unit.objects.get(code="BDT")
        assert lineage.name_in(bdt, 2025) == "Sở Dân tộc và Tôn giáo thành phố"
        assert lineage.name_in(bdt, 2024) == "Ban Dân tộc"


class TestWhichYearsAUnitExists:
    def test_units_that_do_not_continue_end_the_year_before_the_event(self, units):
        assert (units["SLDTBXH"].first_year, units["SLDTBXH"].last_year) == (None, 2024)
        assert units["HUYEN-NS"].last_year == 2024
        assert units["KKT"].last_year == 2024
        assert units["SLDTBXH"].exists_in(2024)
        assert not units["SLDTBXH"].exists_in(2025)

    def test_a_unit_that_continues_through_a_merge_or_a_rename_goes_on(self, units):
        assert (units["SNV"].first_year, units["SNV"].last_year) == (None, None)
        assert (units["BDT"].first_year, units["BDT"].last_year) == (None, None)

    def test_new_units_begin_in_the_year_of_the_event(self, units):
        assert units["SNNMT"].first_year == 2025
        assert (units["KKT-A"].first_year, units["KKT-B"].first_year) == (2025, 2025)

    def test_the_units_assessed_in_a_year_are_those_that_exist_in_it(self, units):
        in_2025 = set(Unit.objects.existing_in(2025).values_list("code", flat=True))
        in_2024 = set(Unit.objects.existing_in(2024).values_list("code", flat=True))
        assert in_2025 == {"SNV", "SNNMT", "BDT", "KKT-A", "KKT-B", "STP", "XA-TK"}
        assert in_2024 == {"SNV", "SLDTBXH", "SNNPTNT", "STNMT", "BDT", "KKT", "STP", "HUYEN-NS"}


class TestPredecessors:
    def test_a_merged_unit_came_out_of_every_unit_merged_into_it(self, units):
        kind, before = lineage.predecessors(units["SNV"], 2025)
        assert (kind, codes(before)) == ("merge", ["SLDTBXH", "SNV"])

    def test_no_event_of_that_year_means_no_predecessors(self, units):
        assert lineage.predecessors(units["SNV"], 2024) == ("", [])
        assert lineage.predecessors(units["STP"], 2025) == ("", [])

    def test_what_became_of_a_unit_is_said_in_words(self, units):
        found = Lineage.load()
        assert found.fate(units["SLDTBXH"], 2024) == "hợp nhất vào Sở Nội vụ từ năm 2025"
        assert found.fate(units["HUYEN-NS"], 2024) == "kết thúc từ năm 2025"
        assert found.fate(units["KKT"], 2024) == (
            "chia tách thành Ban Quản lý Khu kinh tế mở, Ban Quản lý các Khu công nghiệp "
            "từ năm 2025"
        )
        assert found.fate(units["SNV"], 2024) == ""
        assert found.fate(units["SLDTBXH"], 2025) == ""


class TestReferences:
    def test_a_merge_is_compared_with_the_mean_of_its_predecessors(self, units):
        ref = lineage.reference_for(units["SNV"], 2025, 2024)
        assert (ref.kind, codes(ref.units), ref.comparable) == ("merged", ["SNV", "SLDTBXH"], True)
        assert ref.is_mean and not ref.same_body
        assert ref.label == (
            "trung bình chỉ số năm 2024 của 2 đơn vị trước hợp nhất: Sở Nội vụ, "
            "Sở Lao động - Thương binh và Xã hội"
        )
        assert ref.short_label == "TB 2 đơn vị trước hợp nhất"

    def test_a_new_department_out_of_a_merge_is_compared_with_its_predecessors(self, units):
        ref = lineage.reference_for(units["SNNMT"], 2025, 2024)
        assert (ref.kind, codes(ref.units), ref.comparable) == (
            "merged",
            ["SNNPTNT", "STNMT"],
            True,
        )

    def test_a_renamed_unit_is_the_same_body_under_its_old_name(self, units):
        ref = lineage.reference_for(units["BDT"], 2025, 2024)
        assert (ref.kind, codes(ref.units), ref.comparable, ref.same_body) == (
            "renamed",
            ["BDT"],
            True,
            True,
        )
        assert ref.label == "cùng đơn vị, năm 2024 mang tên “Ban Dân tộc”"

    def test_a_split_is_not_compared(self, units):
        for code in ("KKT-A", "KKT-B"):
            ref = lineage.reference_for(units[code], 2025, 2024)
            assert (ref.kind, codes(ref.units), ref.comparable) == ("split", ["KKT"], False)
            assert ref.label == (
                "không so sánh được: chia tách từ Ban Quản lý các Khu kinh tế năm 2025"
            )
            assert ref.short_label == "không so sánh được"

    def test_a_new_body_is_not_compared(self, units):
        ref = lineage.reference_for(units["XA-TK"], 2025, 2024)
        assert (ref.kind, ref.comparable) == ("new", False)
        assert ref.label == "không so sánh được: đơn vị mới từ năm 2025"

    def test_an_unchanged_unit_is_compared_with_itself(self, units):
        ref = lineage.reference_for(units["STP"], 2025, 2024)
        assert (ref.kind, codes(ref.units), ref.comparable, ref.same_body) == (
            "same",
            ["STP"],
            True,
            True,
        )
        assert ref.label == "cùng đơn vị"

    def test_before_the_reorganisation_every_unit_is_itself(self, units):
        for code in ("SNV", "SLDTBXH", "KKT", "HUYEN-NS"):
            ref = lineage.reference_for(units[code], 2024, 2023)
            assert (ref.kind, codes(ref.units)) == ("same", [code])

    def test_the_lineage_is_followed_across_several_years(self, units):
        ref = lineage.reference_for(units["SNV"], 2026, 2023)
        assert (ref.kind, codes(ref.units)) == ("merged", ["SNV", "SLDTBXH"])
        later = lineage.reference_for(units["SNV"], 2026, 2025)
        assert (later.kind, codes(later.units)) == ("same", ["SNV"])

    def test_there_is_nothing_to_compare_with_without_an_earlier_year(self, units):
        for previous in (None, 2025, 2026):
            ref = lineage.reference_for(units["SNV"], 2025, previous)
            assert (ref.kind, ref.units, ref.comparable) == ("none", (), False)

    def test_a_chain_of_merges_reaches_every_original_unit(self, units):
        make_unit("SNV2", "Sở Nội vụ mới", first_year=2027)
        services.import_lineage(
            [services.LineageRow(2027, LineageKind.MERGE, ("SNV", "STP"), ("SNV2",), row=2)]
        )
        ref = lineage.reference_for(Unit.objects.get(code="SNV2"), 2027, 2024)
        assert (ref.kind, codes(ref.units)) == ("merged", ["SLDTBXH", "SNV", "STP"])

    def test_a_page_reads_the_lineage_once_and_every_reference_without_queries(
        self, units, django_assert_num_queries
    ):
        with django_assert_num_queries(3):
            found = Lineage.load()
        with django_assert_num_queries(0):
            refs = found.references(list(units.values()), 2025, 2024)
            names = found.names_in(units.values(), 2024)
        assert refs[units["SNV"].pk].kind == "merged"
        assert names[units["BDT"].pk] == "Ban Dân tộc"
