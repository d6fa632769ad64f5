"""Importing the lineage of units (import_lineage FILE) and units with their years (import_units
with first_year, last_year): a reorganised province set up in one step, all or nothing."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tests.factories import csv_file, make_unit, xlsx_file
from units import lineage
from units.models import LineageEvent, Unit, UnitName

pytestmark = pytest.mark.django_db

HEADER = ["year", "event", "from_codes", "to_codes", "new_name"]
GOOD = [
    HEADER,
    ["2025", "merge", "SNV+SLDTBXH", "SNV", ""],
    ["2025", "merge", "SNNPTNT + STNMT", "SNNMT", ""],
    ["2025", "rename", "BDT", "", "Sở Dân tộc và Tôn giáo"],
    ["2025", "split", "KKT", "KKT-A+KKT-B", ""],
    ["2025", "end", "HUYEN-NS+HUYEN-BTM", "", ""],
]


@pytest.fixture
def province():
    for code, name in [
        ("SNV", "Sở Nội vụ"),
        ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội"),
        ("SNNPTNT", "Sở Nông nghiệp và Phát triển nông thôn"),
        ("STNMT", "Sở Tài nguyên và Môi trường"),
        ("BDT", "Ban Dân tộc"),
        ("KKT", "Ban Quản lý các Khu kinh tế"),
        ("STP", "Sở Tư pháp"),
        ("KKT-A", "Ban Quản lý Khu kinh tế mở"),
        ("KKT-B", "Ban Quản lý các Khu công nghiệp"),
    ]:
        make_unit(code, name)
    make_unit("SNNMT", "Sở Nông nghiệp và Môi trường", first_year=2025)
    make_unit("HUYEN-NS", "UBND huyện Nông Sơn", group="HUYEN")
    make_unit("HUYEN-BTM", "UBND huyện Bắc Trà My", group="HUYEN")


def run(path: str, command: str = "import_lineage") -> str:
    out = io.StringIO()
    call_command(command, path, stdout=out)
    return out.getvalue()


def snapshot() -> dict:
    return {
        "units": sorted(Unit.objects.values_list("code", "name", "first_year", "last_year")),
        "names": sorted(UnitName.objects.values_list("unit__code", "from_year", "name")),
        "events": sorted(
            (e.year, e.kind, e.new_name, tuple(sorted(u.code for u in e.predecessors.all())))
            for e in LineageEvent.objects.prefetch_related("predecessors")
        ),
    }


def refused(path: str, command: str = "import_lineage") -> list[str]:
    """Run an import that must fail; check that nothing changed; return its messages."""
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        run(path, command)
    assert snapshot() == before
    return str(exc.value).splitlines()


def years(code: str) -> tuple:
    unit = Unit.objects.get(code=code)
    return unit.first_year, unit.last_year


class TestImportLineage:
    def test_it_records_every_event_and_applies_it_to_the_units(self, tmp_path, province):
        output = run(csv_file(tmp_path, GOOD))

        assert output == (
            "Đã nhập 5 thay đổi đơn vị (0 thay đổi đã có từ trước): 6 đơn vị kết thúc, "
            "2 đơn vị mới bắt đầu, 1 đơn vị đổi tên.\n"
        )
        assert snapshot()["events"] == [
            (2025, "end", "", ("HUYEN-BTM", "HUYEN-NS")),
            (2025, "merge", "", ("SLDTBXH", "SNV")),
            (2025, "merge", "", ("SNNPTNT", "STNMT")),
            (2025, "rename", "Sở Dân tộc và Tôn giáo", ("BDT",)),
            (2025, "split", "", ("KKT",)),
        ]
        assert [years(c) for c in ("SNV", "SLDTBXH", "SNNMT", "KKT", "KKT-A", "HUYEN-NS")] == [
            (None, None),
            (None, 2024),
            (2025, None),
            (None, 2024),
            (2025, None),
            (None, 2024),
        ]
        bdt = Unit.objects.get(code="BDT")
        assert (bdt.name, lineage.name_in(bdt, 2024)) == ("Sở Dân tộc và Tôn giáo", "Ban Dân tộc")
        kind, before = lineage.predecessors(Unit.objects.get(code="SNV"), 2025)
        assert (kind, [u.code for u in before]) == ("merge", ["SLDTBXH", "SNV"])

    def test_running_the_same_file_again_changes_nothing(self, tmp_path, province):
        path = csv_file(tmp_path, GOOD)
        run(path)
        before = snapshot()

        output = run(path)

        assert output == (
            "Đã nhập 0 thay đổi đơn vị (5 thay đổi đã có từ trước): 0 đơn vị kết thúc, "
            "0 đơn vị mới bắt đầu, 0 đơn vị đổi tên.\n"
        )
        assert snapshot() == before

    def test_it_reads_xlsx_vietnamese_event_words_and_a_note(self, tmp_path, province):
        rows = [
            [*HEADER, "note"],
            [2025, "Hợp nhất", "SNV+SLDTBXH", "SNV", None, "Nghị định 45/2025/NĐ-CP"],
            [2025, "đổi tên", "BDT", None, "Sở Dân tộc và Tôn giáo", None],
            [2025, "Kết thúc", "HUYEN-NS", None, None, None],
        ]

        run(xlsx_file(tmp_path, rows))

        assert [(e.kind, e.note) for e in LineageEvent.objects.order_by("kind")] == [
            ("end", ""),
            ("merge", "Nghị định 45/2025/NĐ-CP"),
            ("rename", ""),
        ]

    def test_a_rename_may_hand_over_to_a_unit_under_another_code(self, tmp_path, province):
        make_unit("STP2", "Sở Tư pháp thành phố", first_year=2025)
        run(csv_file(tmp_path, [HEADER, ["2025", "rename", "STP", "STP2", ""]]))

        assert (years("STP"), years("STP2")) == ((None, 2024), (2025, None))
        ref = lineage.reference_for(Unit.objects.get(code="STP2"), 2025, 2024)
        assert (ref.kind, ref.comparable, [u.code for u in ref.units]) == (
            "renamed",
            True,
            ["STP"],
        )


class TestEveryBadLineageFileIsRefusedWhole:
    def test_a_unit_merged_into_two_successors_in_one_year(self, tmp_path, province):
        rows = [*GOOD, ["2025", "merge", "SLDTBXH+STP", "SNNMT", ""]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 7, cột from_codes: đơn vị “SLDTBXH” đã thay đổi năm 2025 ở dòng 2 (một đơn vị "
            "chỉ được hợp nhất, chia tách, đổi tên hoặc kết thúc một lần mỗi năm)",
            "Dòng 7, cột to_codes: đơn vị “SNNMT” đã là đơn vị sau của dòng 3 cùng năm 2025",
        ]

    def test_a_merge_naming_two_successors(self, tmp_path, province):
        rows = [HEADER, ["2025", "merge", "SNV+SLDTBXH", "SNV+STP", ""]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 2, cột to_codes: hợp nhất cần đúng một đơn vị sau (có thể là một đơn vị trước)"
        ]

    def test_a_successor_that_does_not_exist(self, tmp_path, province):
        rows = [*GOOD, ["2025", "merge", "STP+SLDTBXH", "SO-KHONGCO", ""]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 7, cột to_codes: không có đơn vị mã “SO-KHONGCO”"
        ]

    def test_a_unit_succeeding_itself_through_a_chain_of_events(self, tmp_path, province):
        make_unit("SNV2", "Sở Nội vụ (mới)")
        rows = [
            HEADER,
            ["2025", "merge", "SNV+SLDTBXH", "SNV2", ""],
            ["2025", "rename", "SNV2", "SNV", ""],
        ]

        assert refused(csv_file(tmp_path, rows)) == [
            "Đơn vị “SNV” tiếp nối chính nó qua chuỗi thay đổi: SNV → SNV2 → SNV",
            "Dòng 3, cột from_codes: đơn vị “SNV2” không tồn tại năm 2024 (từ năm 2025)",
            "Dòng 3, cột to_codes: đơn vị “SNV” đã kết thúc năm 2024",
        ]

    def test_a_chain_through_events_already_recorded(self, tmp_path, province):
        run(csv_file(tmp_path, [HEADER, ["2025", "rename", "STP", "KKT-A", ""]]))
        rows = [HEADER, ["2026", "split", "KKT-A", "STP+KKT-B", ""]]

        messages = refused(csv_file(tmp_path, rows, name="chain.csv"))

        assert "Đơn vị “STP” tiếp nối chính nó qua chuỗi thay đổi: STP → KKT-A → STP" in messages
        assert "Dòng 2, cột to_codes: đơn vị “STP” đã kết thúc năm 2024" in messages

    def test_a_unit_that_no_longer_exists_cannot_change_again(self, tmp_path, province):
        run(csv_file(tmp_path, GOOD))
        rows = [HEADER, ["2026", "merge", "SLDTBXH+STP", "STP", ""]]

        assert refused(csv_file(tmp_path, rows, name="later.csv")) == [
            "Dòng 2, cột from_codes: đơn vị “SLDTBXH” không tồn tại năm 2025 (đến năm 2024)"
        ]

    def test_a_new_successor_that_began_in_another_year(self, tmp_path, province):
        Unit.objects.filter(code="SNNMT").update(first_year=2020)
        rows = [HEADER, ["2025", "merge", "SNNPTNT+STNMT", "SNNMT", ""]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 2, cột to_codes: đơn vị sau “SNNMT” bắt đầu từ năm 2020, không phải năm 2025 "
            "của thay đổi (nếu nó tiếp nối chính nó, hãy ghi cả ở cột from_codes)"
        ]

    def test_every_malformed_cell_is_listed_at_once(self, tmp_path, province):
        rows = [
            HEADER,
            ["", "merge", "SNV+SLDTBXH", "SNV", ""],
            ["2025", "gộp", "SNV", "", ""],
            ["2025", "merge", "SNV++SLDTBXH", "SNV", ""],
            ["2025", "split", "KKT", "KKT-A", "Ban mới"],
            ["2025", "end", "STP", "SNV", ""],
            ["2025", "rename", "BDT", "", ""],
            ["1900", "end", "STP+STP", "", ""],
            ["2025", "merge", "SNV", "SNV", ""],
        ]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 2, cột year: không được để trống",
            "Dòng 3, cột event: loại thay đổi “gộp” không hợp lệ (dùng rename, merge, split "
            "hoặc end)",
            "Dòng 4, cột from_codes: có mã đơn vị trống (các mã cách nhau bằng dấu “+”)",
            "Dòng 5, cột to_codes: chia tách cần ít nhất hai đơn vị sau",
            "Dòng 5, cột new_name: tên mới chỉ dùng cho đổi tên hoặc hợp nhất",
            "Dòng 6, cột to_codes: đơn vị kết thúc không có đơn vị sau",
            "Dòng 7, cột new_name: đổi tên cần tên mới",
            "Dòng 8, cột year: năm phải từ 2000 đến 2100",
            "Dòng 8, cột from_codes: mã “STP” được ghi hai lần",
            "Dòng 9, cột from_codes: hợp nhất cần ít nhất hai đơn vị trước",
        ]

    def test_one_bad_row_among_good_ones_saves_nothing(self, tmp_path, province):
        rows = [*GOOD, ["2025", "end", "SO-KHONGCO", "", ""]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 7, cột from_codes: không có đơn vị mã “SO-KHONGCO”"
        ]
        assert not LineageEvent.objects.exists()

    def test_a_file_without_a_required_column_or_data(self, tmp_path, province):
        assert refused(csv_file(tmp_path, [["year", "event"], ["2025", "end"]])) == [
            "Thiếu cột bắt buộc “from_codes”"
        ]
        assert refused(csv_file(tmp_path, [HEADER], name="empty.csv")) == ["Tệp không có dữ liệu"]


class TestImportUnitsWithTheirYears:
    def test_units_get_the_years_in_which_they_exist(self, tmp_path, province):
        rows = [
            ["code", "name", "group", "first_year", "last_year"],
            ["XA-TK", "UBND phường Tam Kỳ", "XA", "2025", ""],
            ["HUYEN-NS", "UBND huyện Nông Sơn", "HUYEN", "", "2024"],
        ]

        assert run(csv_file(tmp_path, rows), "import_units") == (
            "Đã nhập 2 đơn vị (1 mới, 1 cập nhật).\n"
        )
        assert (years("XA-TK"), years("HUYEN-NS")) == ((2025, None), (None, 2024))

    def test_without_the_year_columns_the_years_are_left_alone(self, tmp_path, province):
        Unit.objects.filter(code="SNV").update(first_year=2008)
        run(
            csv_file(tmp_path, [["code", "name", "group"], ["SNV", "Sở Nội vụ", "SO"]]),
            "import_units",
        )

        assert years("SNV") == (2008, None)

    def test_an_empty_year_cell_clears_the_year(self, tmp_path, province):
        Unit.objects.filter(code="SNV").update(first_year=2008, last_year=2030)
        rows = [["code", "name", "group", "last_year"], ["SNV", "Sở Nội vụ", "SO", ""]]

        run(csv_file(tmp_path, rows), "import_units")

        assert years("SNV") == (2008, None)

    def test_years_out_of_order_or_out_of_range_are_refused(self, tmp_path, province):
        Unit.objects.filter(code="SNV").update(first_year=2026)
        rows = [
            ["code", "name", "group", "first_year", "last_year"],
            ["XA-1", "UBND xã Một", "XA", "2025", "2024"],
            ["XA-2", "UBND xã Hai", "XA", "năm 2025", "99999"],
            ["SNV", "Sở Nội vụ", "SO", "", "2025"],
        ]

        assert refused(csv_file(tmp_path, rows), "import_units") == [
            "Dòng 2, cột last_year: năm kết thúc 2024 trước năm bắt đầu 2025",
            "Dòng 3, cột first_year: không phải là số nguyên, nhận được “năm 2025”",
            "Dòng 3, cột last_year: năm phải từ 2000 đến 2100",
        ]


class TestTheAdmin:
    def test_recording_an_event_in_the_admin_applies_it(self, admin_client, province):
        units = {u.code: u.pk for u in Unit.objects.all()}
        response = admin_client.post(
            "/admin/units/lineageevent/add/",
            {
                "year": "2025",
                "kind": "merge",
                "predecessors": [units["SNV"], units["SLDTBXH"]],
                "successors": [units["SNV"]],
                "new_name": "",
                "note": "",
            },
        )

        assert response.status_code == 302
        assert years("SLDTBXH") == (None, 2024)

    def test_the_admin_refuses_an_event_of_the_wrong_shape(self, admin_client, province):
        units = {u.code: u.pk for u in Unit.objects.all()}
        response = admin_client.post(
            "/admin/units/lineageevent/add/",
            {
                "year": "2025",
                "kind": "split",
                "predecessors": [units["KKT"]],
                "successors": [units["KKT-A"]],
                "new_name": "",
                "note": "",
            },
        )

        assert response.status_code == 200
        assert "chia tách cần ít nhất hai đơn vị sau" in response.content.decode()
        assert not LineageEvent.objects.exists()
