"""Importing the list of units: units/services.py and the import_units command."""

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from lib.tabular import TableError
from tests.factories import csv_file, db_snapshot, make_unit, xlsx_file
from units import services
from units.models import Unit

UNITS = [
    ["code", "name", "group"],
    ["SNV", "Sở Nội vụ", "SO"],
    ["SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SO"],
    ["BACTRAMY", "UBND huyện Bắc Trà My", "HUYEN"],
]


def run(path: str) -> str:
    out = io.StringIO()
    call_command("import_units", path, stdout=out)
    return out.getvalue()


def refused(path: str) -> str:
    """Run an import that must fail; check that nothing changed; return its message."""
    before = db_snapshot()
    with pytest.raises(CommandError) as exc:
        run(path)
    assert exc.value.returncode == 1
    assert db_snapshot() == before
    return str(exc.value)


def units() -> list[tuple[str, str, str]]:
    return list(Unit.objects.order_by("code").values_list("code", "name", "group__code"))


EXPECTED = [
    ("BACTRAMY", "UBND huyện Bắc Trà My", "HUYEN"),
    ("SLDTBXH", "Sở Lao động - Thương binh và Xã hội", "SO"),
    ("SNV", "Sở Nội vụ", "SO"),
]


@pytest.mark.django_db
class TestImportUnitsCommand:
    def test_it_creates_new_units_and_updates_existing_ones_by_code(self, tmp_path):
        make_unit("SNV", "Sở Nội vụ tỉnh", group="HUYEN")
        make_unit("SYT", "Sở Y tế")  # not in the file: left alone

        output = run(csv_file(tmp_path, UNITS))

        assert output == "Đã nhập 3 đơn vị (2 mới, 1 cập nhật).\n"
        assert units() == [*EXPECTED, ("SYT", "Sở Y tế", "SO")]

    @pytest.mark.parametrize("encoding", ["utf-8", "utf-8-sig", "cp1258"])
    def test_it_reads_csv_in_utf8_with_or_without_bom_and_in_windows_1258(self, tmp_path, encoding):
        run(csv_file(tmp_path, UNITS, encoding=encoding))

        assert units() == EXPECTED

    def test_it_reads_semicolon_separated_csv(self, tmp_path):
        run(csv_file(tmp_path, UNITS, sep=";"))

        assert units() == EXPECTED

    def test_it_reads_the_first_sheet_of_an_xlsx_file(self, tmp_path):
        run(xlsx_file(tmp_path, UNITS))

        assert units() == EXPECTED

    def test_columns_match_in_any_order_and_case_and_group_codes_in_any_case(self, tmp_path):
        rows = [["Group", "NAME", "Code"], ["so", "Sở Tư pháp", "STP"]]

        run(csv_file(tmp_path, rows))

        assert units() == [("STP", "Sở Tư pháp", "SO")]

    def test_running_the_same_file_twice_changes_nothing(self, tmp_path):
        path = csv_file(tmp_path, UNITS)
        run(path)

        assert run(path) == "Đã nhập 3 đơn vị (0 mới, 3 cập nhật).\n"
        assert units() == EXPECTED

    def test_it_refuses_an_unknown_group(self, tmp_path):
        rows = [*UNITS, ["PHUONG1", "UBND phường Một", "PHUONG"]]

        message = refused(csv_file(tmp_path, rows))

        assert message == (
            "Dòng 5, cột group: không có khối “PHUONG” (các khối: SO, HUYEN, XA, NGANHDOC, TINH)"
        )

    def test_it_refuses_a_code_given_twice(self, tmp_path):
        rows = [*UNITS, ["SNV", "Sở Nội vụ (trùng)", "SO"]]

        message = refused(csv_file(tmp_path, rows))

        assert message == "Dòng 5, cột code: mã đơn vị “SNV” đã có ở dòng 2"

    def test_it_lists_every_empty_or_too_long_cell_at_once(self, tmp_path):
        rows = [*UNITS, ["", "Sở Y tế", "SO"], ["SYT", "", ""], ["X" * 31, "Sở X", "SO"]]

        message = refused(csv_file(tmp_path, rows))

        assert message.splitlines() == [
            "Dòng 5, cột code: không được để trống",
            "Dòng 6, cột name: không được để trống",
            "Dòng 6, cột group: không được để trống",
            "Dòng 7, cột code: dài quá 30 ký tự",
        ]

    def test_it_refuses_a_file_without_a_required_column(self, tmp_path):
        rows = [row[:2] for row in UNITS]

        assert refused(csv_file(tmp_path, rows)) == "Thiếu cột bắt buộc “group”"

    def test_it_refuses_an_unknown_column(self, tmp_path):
        rows = [[*row, "x"] for row in UNITS]
        rows[0][-1] = "email"

        message = refused(csv_file(tmp_path, rows))

        assert message == (
            "Cột “email” không được hỗ trợ; các cột hợp lệ: code, name, group, first_year, "
            "last_year"
        )

    def test_it_refuses_a_file_that_is_neither_csv_nor_xlsx(self, tmp_path):
        path = tmp_path / "don-vi.png"
        path.write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00")

        assert refused(str(path)) == "Tệp không phải bảng tính Excel hoặc CSV"

    def test_it_refuses_a_file_with_only_a_header(self, tmp_path):
        assert refused(csv_file(tmp_path, UNITS[:1])) == "Tệp không có dữ liệu"

    def test_it_reports_a_file_that_cannot_be_opened(self, tmp_path):
        message = refused(str(tmp_path / "khong-co.csv"))

        assert message.startswith("Không đọc được tệp “")
        assert "khong-co.csv" in message


@pytest.mark.django_db
class TestImportUnitsService:
    def test_it_returns_a_summary_of_new_and_updated_units(self):
        make_unit("SNV", "Sở Nội vụ cũ")
        rows = [
            services.UnitRow("SNV", "Sở Nội vụ", "SO", row=2),
            services.UnitRow("STP", "Sở Tư pháp", "SO", row=3),
        ]

        summary = services.import_units(rows)

        assert (summary.created, summary.updated) == (1, 1)
        assert str(summary) == "Đã nhập 2 đơn vị (1 mới, 1 cập nhật)."
        assert units() == [("SNV", "Sở Nội vụ", "SO"), ("STP", "Sở Tư pháp", "SO")]

    def test_it_raises_a_table_error_with_every_problem(self):
        rows = [
            services.UnitRow("SNV", "Sở Nội vụ", "PHUONG", row=2),
            services.UnitRow("SNV", "Sở Nội vụ", "SO", row=3),
        ]

        with pytest.raises(TableError) as exc:
            services.import_units(rows)

        assert exc.value.messages == [
            "Dòng 2, cột group: không có khối “PHUONG” (các khối: SO, HUYEN, XA, NGANHDOC, TINH)",
            "Dòng 3, cột code: mã đơn vị “SNV” đã có ở dòng 2",
        ]
        assert not Unit.objects.exists()

    def test_it_reads_rows_with_their_spreadsheet_row_numbers(self):
        data = "code,name,group\r\n\r\nSNV, Sở Nội vụ ,SO\r\n".encode()

        assert services.read_unit_rows(data) == [services.UnitRow("SNV", "Sở Nội vụ", "SO", 3)]
