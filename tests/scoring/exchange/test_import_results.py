"""import_results FILE --year Y: another side's published results, marked "nhập từ tệp" and never
recomputed (scoring/exchange/results_import.py)."""

import io
from decimal import Decimal as D

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from scoring.exchange.opendata import records_to_csv, result_records
from scoring.models import Result, ResultSource
from scoring.services.results import recompute_year
from tests.factories import csv_file, make_sheet, make_unit, make_year, xlsx_file
from units.models import UnitGroup

pytestmark = pytest.mark.django_db

HEADER = [
    "code",
    "name",
    "group",
    "appraisal",
    "survey",
    "total",
    "index",
    "classification",
    "rank",
    "max",
]
ROWS = [
    HEADER,
    ["DN-SNV", "Sở Nội vụ Đà Nẵng", "SODN", "67.10", "27.50", "94.60", "94.60", "Tốt", "1", "100"],
    [
        "DN-SLD",
        "Sở LĐ-TB&XH Đà Nẵng",
        "SODN",
        "63.00",
        "25.12",
        "88.12",
        "88.12",
        "Khá",
        "2",
        "100",
    ],
    ["DN-SYT", "Sở Y tế Đà Nẵng", "SODN", "60", "24,5", "84.5", "88.02", "Khá", "3", "96"],
]


@pytest.fixture
def year():
    year = make_year(2024, group_codes=("SO",))
    UnitGroup.objects.create(code="SODN", name="Sở, ban, ngành (Đà Nẵng cũ)", order=5)
    for code, name in [
        ("DN-SNV", "Sở Nội vụ Đà Nẵng"),
        ("DN-SLD", "Sở LĐ-TB&XH Đà Nẵng"),
        ("DN-SYT", "Sở Y tế Đà Nẵng"),
    ]:
        make_unit(code, name, group="SODN", last_year=2024)
    return year


def run(path: str, year: int = 2024) -> str:
    out = io.StringIO()
    call_command("import_results", path, year=year, stdout=out)
    return out.getvalue()


def results() -> list[tuple]:
    return list(
        Result.objects.filter(group__code="SODN")
        .order_by("rank", "unit__code")
        .values_list(
            "unit__code",
            "appraisal",
            "survey",
            "total",
            "max_points",
            "index",
            "band_label",
            "rank",
            "rank_of",
            "source",
        )
    )


def snapshot() -> list[tuple]:
    return sorted(Result.objects.values_list("unit__code", "year__year", "index", "rank", "source"))


def refused(path: str, year: int = 2024) -> list[str]:
    before = snapshot()
    with pytest.raises(CommandError) as exc:
        run(path, year)
    assert snapshot() == before
    return str(exc.value).splitlines()


EXPECTED = [
    (
        "DN-SNV",
        D("67.10"),
        D("27.50"),
        D("94.60"),
        D("100.00"),
        D("94.60"),
        "Tốt",
        1,
        3,
        "imported",
    ),
    (
        "DN-SLD",
        D("63.00"),
        D("25.12"),
        D("88.12"),
        D("100.00"),
        D("88.12"),
        "Khá",
        2,
        3,
        "imported",
    ),
    ("DN-SYT", D("60.00"), D("24.50"), D("84.50"), D("96.00"), D("88.02"), "Khá", 3, 3, "imported"),
]


class TestImportResults:
    def test_it_stores_the_published_figures_as_imported(self, tmp_path, year):
        output = run(csv_file(tmp_path, ROWS))

        assert output == (
            "Đã nhập 3 kết quả năm 2024 (3 mới, 0 thay thế) của khối SODN, đánh dấu “nhập từ "
            "tệp”.\n"
        )
        assert results() == EXPECTED

    def test_it_reads_xlsx(self, tmp_path, year):
        run(xlsx_file(tmp_path, ROWS))

        assert results() == EXPECTED

    def test_they_are_never_recomputed(self, tmp_path, year):
        run(csv_file(tmp_path, ROWS))

        recompute_year(year)

        assert results() == EXPECTED

    def test_importing_again_replaces_the_imported_figures(self, tmp_path, year):
        run(csv_file(tmp_path, ROWS))
        rows = [HEADER, [*ROWS[1][:6], "95.00", "Xuất sắc", "1", "100"]]
        rows[1][5] = "95.00"

        output = run(csv_file(tmp_path, rows, name="again.csv"))

        assert output.startswith("Đã nhập 1 kết quả năm 2024 (0 mới, 1 thay thế)")
        imported = Result.objects.get(unit__code="DN-SNV")
        assert (imported.index, imported.band_label, imported.source) == (
            D("95.00"),
            "Xuất sắc",
            ResultSource.IMPORTED,
        )

    def test_without_ranks_the_units_are_ranked_by_index(self, tmp_path, year):
        rows = [[*row[:8], "", row[9]] if n else row for n, row in enumerate(ROWS)]
        rows[3][6] = "88.12"  # tied with DN-SLD

        run(csv_file(tmp_path, rows))

        assert [(r[0], r[7], r[8]) for r in results()] == [
            ("DN-SNV", 1, 3),
            ("DN-SLD", 2, 3),
            ("DN-SYT", 2, 3),
        ]

    def test_a_file_written_by_the_open_data_page_imports_as_it_is(self, tmp_path, year):
        run(csv_file(tmp_path, ROWS))
        data = records_to_csv(result_records(2024, "SODN"))
        Result.objects.filter(group__code="SODN").delete()
        path = tmp_path / "du-lieu-mo.csv"
        path.write_text(data, encoding="utf-8")

        run(str(path))

        assert results() == EXPECTED

    def test_the_overview_marks_them_nhap_tu_tep(self, client, tmp_path, year):
        year.state = "published"
        year.save()
        run(csv_file(tmp_path, ROWS))

        html = client.get("/?year=2024&group=SODN").content.decode()

        assert "nhập từ tệp" in html
        assert "94,60" in html


class TestEveryBadResultsFileIsRefusedWhole:
    def test_unknown_units_and_groups_and_repeated_codes(self, tmp_path, year):
        rows = [
            *ROWS,
            ["DN-KHONG", "Không có", "SODN", "", "", "80", "80", "", "4", "100"],
            ["DN-SNV", "Sở Nội vụ (lặp)", "SODN", "", "", "80", "80", "", "5", "100"],
            ["DN-SYT", "Sở Y tế", "PHUONG", "", "", "80", "80", "", "1", "100"],
        ]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 5, cột code: không có đơn vị mã “DN-KHONG” (hãy nhập danh sách đơn vị trước: "
            "import_units)",
            "Dòng 6, cột code: mã đơn vị “DN-SNV” đã có ở dòng 2",
            "Dòng 7, cột code: mã đơn vị “DN-SYT” đã có ở dòng 4",
            "Dòng 7, cột group: không có khối “PHUONG” (các khối: SO, HUYEN, XA, NGANHDOC, SODN, TINH)",
        ]

    def test_a_group_that_does_not_exist_that_year(self, tmp_path, year):
        UnitGroup.objects.filter(code="SODN").update(last_year=2023)

        assert refused(csv_file(tmp_path, ROWS))[0] == (
            "Dòng 2, cột group: khối “SODN” không có trong năm 2024"
        )

    def test_a_group_with_computed_results_or_a_unit_with_a_sheet(self, tmp_path, year):
        snv = make_unit("SNV", "Sở Nội vụ")
        make_sheet(snv, year)
        recompute_year(year)
        rows = [HEADER, ["SNV", "Sở Nội vụ", "SO", "", "", "90", "90", "Tốt", "1", "100"]]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 2, cột code: đơn vị “SNV” đã có phiếu chấm điểm năm 2024: kết quả của nó được "
            "tính từ điểm",
            "Dòng 2, cột group: khối “SO” năm 2024 đã có kết quả tính từ điểm: hãy nhập vào một "
            "khối riêng (thứ hạng được tính lại trong cả khối)",
        ]

    def test_figures_out_of_range_and_ranks_given_for_some_units_only(self, tmp_path, year):
        rows = [
            HEADER,
            ["DN-SNV", "", "SODN", "", "", "94.6", "194.60", "", "1", "100"],
            ["DN-SLD", "", "SODN", "", "", "120", "88", "", "", "100"],
            ["DN-SYT", "", "SODN", "-1", "x", "", "88.123", "", "0", "100"],
        ]

        assert refused(csv_file(tmp_path, rows)) == [
            "Dòng 2, cột index: chỉ số phải từ 0 đến 100",
            "Dòng 3, cột total: tổng điểm lớn hơn điểm tối đa",
            "Dòng 4, cột total: không được để trống",
            "Dòng 4, cột index: tối đa 2 chữ số thập phân, nhận được “88.123”",
            "Dòng 4, cột appraisal: không được âm, nhận được “-1”",
            "Dòng 4, cột survey: không phải là số, nhận được “x”",
            "Dòng 4, cột rank: thứ hạng phải từ 1 trở lên",
        ]
        rows = [ROWS[0], ROWS[1], [*ROWS[2][:8], "", "100"]]
        assert refused(csv_file(tmp_path, rows, name="ranks.csv")) == [
            "Dòng 3, cột rank: cột rank phải có cho mọi đơn vị của khối “SODN” hoặc để trống hết"
        ]

    def test_a_year_that_does_not_exist_or_a_missing_column(self, tmp_path, year):
        assert refused(csv_file(tmp_path, ROWS), year=2019)[0].startswith("Chưa có năm 2019")
        rows = [row[:6] for row in ROWS]
        assert refused(csv_file(tmp_path, rows, name="short.csv")) == [
            "Thiếu cột bắt buộc “index”",
            "Thiếu cột bắt buộc “max”",
        ]
