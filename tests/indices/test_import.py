"""The related indices' files: import_index_framework and import_index_values, all or nothing,
every refused row named; totals, index, bands and ranks computed on import."""

from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from indices.models import IndexBand, IndexKind, IndexResult, IndexValue, IndexVersion
from tests.factories import csv_file, db_snapshot, make_unit, xlsx_file

pytestmark = pytest.mark.django_db

HEADER = ["unit_code", "component_code", "points"]


def month_rows(unit_code, *points):
    return [[unit_code, str(n), p] for n, p in enumerate(points, start=1)]


@pytest.fixture
def units():
    return [make_unit("STP", "Sở Tư pháp"), make_unit("SYT", "Sở Y tế"), make_unit("SNV")]


def import_values(path, period="2026-10", *extra):
    call_command("import_index_values", path, "--index", "766", "--period", period, *extra)


def test_the_known_kinds_exist_with_the_766_trees_of_2022_and_2024():
    kind = IndexKind.objects.get(code="766")
    assert kind.period == "month"
    versions = {
        v.from_period: [(c.code, c.max_points) for c in v.components.all()]
        for v in kind.versions.all()
    }
    assert versions["2022-01"][3] == ("4", D("22"))
    assert [code for code, _ in versions["2024-01"]] == ["1", "2", "3", "4", "5", "6"]
    assert sum(m for _, m in versions["2024-01"]) == D("100")
    codes = set(IndexKind.objects.values_list("code", flat=True))
    assert {"CCHC", "PAR", "766", "DTI", "SIPAS", "DDCI", "PAPI", "PCI"} <= codes
    assert IndexKind.objects.get(code="CCHC").is_computed
    assert IndexKind.objects.get(code="DTI").scale == D("1000")


def test_a_month_of_766_gives_totals_bands_and_ranks_per_group(tmp_path, units):
    kind = IndexKind.objects.get(code="766")
    IndexBand.objects.create(
        kind=kind, group=units[0].group, from_period="2024-01", label="Xuất sắc", min_index=90
    )
    IndexBand.objects.create(
        kind=kind, group=units[0].group, from_period="2024-01", label="Tốt", min_index=80
    )
    rows = [
        HEADER,
        *month_rows("STP", "18", "19.5", "20", "11", "9", "17"),  # 94.5
        *month_rows("SYT", "15", "18", "18", "10", "8", "16"),  # 85
        *month_rows("SNV", "15", "18", "18", "10", "8", "16"),  # 85
    ]
    import_values(
        csv_file(tmp_path, rows), "2026-10", "--as-of", "2026-10-31", "--source", "Cổng DVC"
    )
    results = {r.unit.code: r for r in IndexResult.objects.select_related("unit")}
    assert {
        code: (r.total, r.index, r.band_label, r.rank, r.rank_of) for code, r in results.items()
    } == {
        "STP": (D("94.5"), D("94.50"), "Xuất sắc", 1, 3),
        "SYT": (D("85"), D("85.00"), "Tốt", 2, 3),
        "SNV": (D("85"), D("85.00"), "Tốt", 2, 3),
    }
    assert results["STP"].as_of.isoformat() == "2026-10-31"
    assert results["STP"].source == "Cổng DVC"
    assert results["STP"].version.from_period == "2024-01"
    assert IndexValue.objects.count() == 18


def test_a_period_before_2024_uses_the_2022_tree(tmp_path, units):
    path = csv_file(tmp_path, [HEADER, *month_rows("STP", "18", "20", "22", "20", "17")])
    import_values(path, "2023-12")
    result = IndexResult.objects.get()
    assert (result.version.from_period, result.total, result.index) == (
        "2022-01",
        D("97"),
        D("97.00"),
    )


def test_a_reimport_replaces_the_units_values_of_the_period_and_reranks(tmp_path, units):
    import_values(
        csv_file(
            tmp_path,
            [
                HEADER,
                *month_rows("STP", "18", "20", "22", "12", "10", "18"),
                *month_rows("SYT", "1", "1", "1", "1", "1", "1"),
            ],
        )
    )
    import_values(
        csv_file(
            tmp_path,
            [HEADER, *month_rows("SYT", "18", "20", "22", "12", "10", "18")],
            name="again.csv",
        )
    )
    ranks = dict(IndexResult.objects.values_list("unit__code", "rank"))
    assert ranks == {"STP": 1, "SYT": 1}
    assert IndexValue.objects.count() == 12


def test_a_file_that_does_not_fit_is_refused_with_every_row_named_and_nothing_saved(
    tmp_path, units
):
    make_unit("X1", "Xã Một", group="XA")
    make_unit("NGD", "Cục Thuế", group="NGANHDOC")
    rows = [
        HEADER,
        *month_rows("STP", "18", "20", "22", "12", "10", "18"),
        ["KHONGCO", "1", "10"],  # row 8: unknown unit
        ["NGD", "1", "10"],  # row 9: a group 766 does not cover
        ["SYT", "7", "1"],  # row 10: no component 7 in the 2024 tree
        ["SYT", "1", "19"],  # row 11: above the maximum of 18
        ["STP", "1", "17"],  # row 12: a second value for STP, 1
        ["SNV", "1", "abc"],  # row 13: not a number
    ]
    before = db_snapshot()
    with pytest.raises(CommandError) as error:
        import_values(csv_file(tmp_path, rows))
    text = str(error.value)
    assert "Dòng 13, cột points" in text  # the reader stops before the database is read
    assert db_snapshot() == before
    rows.pop()
    with pytest.raises(CommandError) as error:
        import_values(csv_file(tmp_path, rows))
    text = str(error.value)
    for expected in (
        "Dòng 8, cột unit_code: không có đơn vị mã “KHONGCO”",
        "Dòng 9, cột unit_code: đơn vị “NGD” thuộc khối",
        "Dòng 10, cột component_code: thành phần “7” không có trong bộ thành phần 766 từ kỳ 2024-01",
        "Dòng 11, cột points: 19 vượt điểm tối đa 18",
        "Dòng 12: đơn vị “STP”, thành phần “1” trùng với dòng 2",
    ):
        assert expected in text
    assert IndexResult.objects.count() == 0


def test_a_unit_missing_a_component_is_named_at_its_first_row(tmp_path, units):
    rows = [HEADER, ["STP", "1", "18"], ["STP", "2", "18"]]
    with pytest.raises(CommandError, match="Dòng 2: đơn vị “STP” thiếu thành phần 3, 4, 5, 6"):
        import_values(csv_file(tmp_path, rows))
    assert IndexResult.objects.count() == 0


@pytest.mark.parametrize("period", ["2026", "2026-W42", "2026-13", "tháng 10"])
def test_a_period_not_of_the_kinds_form_is_refused(tmp_path, units, period):
    path = csv_file(tmp_path, [HEADER, *month_rows("STP", "18", "20", "22", "12", "10", "18")])
    with pytest.raises(CommandError, match="không hợp lệ cho chỉ số 766 .* ví dụ 2026-10"):
        import_values(path, period)


def test_the_computed_par_index_takes_no_file(tmp_path, units):
    path = csv_file(tmp_path, [HEADER, ["STP", "1", "1"]])
    with pytest.raises(CommandError, match="được tính từ kết quả chấm điểm"):
        call_command("import_index_values", path, "--index", "CCHC", "--period", "2026")


def test_an_unknown_index_and_a_bad_date_are_named(tmp_path, units):
    path = csv_file(tmp_path, [HEADER, ["STP", "1", "1"]])
    with pytest.raises(CommandError, match="Không có chỉ số mã “XYZ”"):
        call_command("import_index_values", path, "--index", "XYZ", "--period", "2026")
    with pytest.raises(CommandError, match="Ngày “31/10/2026” không hợp lệ"):
        import_values(path, "2026-10", "--as-of", "31/10/2026")


def test_a_framework_version_from_a_period_with_nested_components(tmp_path):
    rows = [
        ["code", "name", "max_points"],
        ["1", "Hiệu quả", "6"],
        ["1.1", "Thành phần A", "4"],
        ["1.2", "Thành phần B", "2"],
        ["2", "Minh bạch", "4"],
    ]
    call_command(
        "import_index_framework", xlsx_file(tmp_path, rows), "--index", "DDCI", "--from", "2025"
    )
    version = IndexVersion.objects.get(kind__code="DDCI")
    assert version.from_period == "2025"
    leaves = {c.code: c.is_leaf for c in version.components.all()}
    assert leaves == {"1": False, "1.1": True, "1.2": True, "2": True}
    assert version.components.get(code="1.1").parent.code == "1"


def test_a_framework_whose_parents_do_not_add_up_or_are_missing_is_refused(tmp_path):
    rows = [
        ["code", "name", "max_points"],
        ["1", "Hiệu quả", "7"],
        ["1.1", "A", "4"],
        ["1.2", "B", "2"],
        ["3.1", "C", "1"],
        ["1.1", "A lại", "4"],
    ]
    with pytest.raises(CommandError) as error:
        call_command(
            "import_index_framework", csv_file(tmp_path, rows), "--index", "DDCI", "--from", "2025"
        )
    text = str(error.value)
    assert "Dòng 2, cột max_points: điểm tối đa 7 khác tổng các thành phần con 6" in text
    assert "Dòng 5, cột code: thành phần cha “3” không có trong tệp" in text
    assert "Dòng 6: mã “1.1” trùng với dòng 3" in text
    assert not IndexVersion.objects.filter(kind__code="DDCI").exists()


def test_a_version_with_values_is_not_replaced(tmp_path, units):
    import_values(
        csv_file(tmp_path, [HEADER, *month_rows("STP", "18", "20", "22", "12", "10", "18")])
    )
    rows = [["code", "name", "max_points"], ["1", "Một", "100"]]
    with pytest.raises(CommandError, match="766 từ kỳ 2024-01 đã có số liệu"):
        call_command(
            "import_index_framework",
            csv_file(tmp_path, rows, name="f.csv"),
            "--index",
            "766",
            "--from",
            "2024-01",
        )
