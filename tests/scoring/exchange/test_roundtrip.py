"""The Excel round trip (scoring/exchange/roundtrip/ and its pages): download, fill, upload, preview,
confirm — for the self-assessment, the appraisal and the survey; every bad file refused."""

import io
import time
import zipfile
from decimal import Decimal as D

import pytest
from django.test import override_settings
from openpyxl import Workbook, load_workbook

from scoring.exchange import roundtrip
from scoring.models import AssessmentYear, Score, Sheet, SheetState, YearState
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import (
    cp1258_bytes,
    db_snapshot,
    make_sheet,
    make_unit,
    make_user,
    make_year,
    personas,
)
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

SELF_COLUMNS = {"na": 5, "self": 6, "note": 7}  # columns of the self-assessment file
FIRST_ITEM_ROW = 8  # header, six meta rows, then the items
ROW = {
    "1": 8,
    "1.1": 9,
    "1.1.1": 10,
    "1.1.2": 11,
    "1.2": 12,
    "2": 13,
    "2.1": 14,
    "2.2": 15,
    "3": 16,
    "3.1": 17,
    "3.2": 18,
}


@pytest.fixture
def year():
    return make_year(2024)


@pytest.fixture
def people(year):
    snv = make_unit("SNV", "Sở Nội vụ")
    stp = make_unit("STP", "Sở Tư pháp")
    return personas(snv, stp, make_unit("HDTD", "Hội đồng thẩm định"))


@pytest.fixture
def sheet(people, year):
    sheet = make_sheet(Unit.objects.get(code="SNV"), year)
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1.1", self_points=D("8"), note="Đã ban hành"),
            ScoreChange("2.1", self_points=D("15.5")),
        ],
        source="test",
    )
    sheet.refresh_from_db()
    return sheet


def subject_of(sheet, user, kind=roundtrip.SELF):
    sheet = Sheet.objects.select_related("unit__group", "year").get(pk=sheet.pk)
    return roundtrip.sheet_subject(sheet, kind, user)


def download(sheet, user, kind=roundtrip.SELF) -> bytes:
    return roundtrip.to_xlsx(subject_of(sheet, user, kind))


def edit(data: bytes, cells: dict, *, fmt=None) -> bytes:
    """Set cells {(row, column): value} in the first worksheet; return the new file."""
    book = load_workbook(io.BytesIO(data))
    ws = book.active
    for (row, column), value in cells.items():
        ws.cell(row=row, column=column).value = value
    if fmt:
        fmt(book, ws)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def preview(sheet, user, data, kind=roundtrip.SELF):
    return roundtrip.read_upload(data, subject_of(sheet, user, kind), user=user)


def changes(result) -> list[tuple]:
    return [(c.row, c.item_code, c.label, c.old_shown, c.new_shown) for c in result.changes]


def refused(sheet, user, data, kind=roundtrip.SELF) -> list[str]:
    before = db_snapshot()
    with pytest.raises(roundtrip.RoundTripError) as error:
        preview(sheet, user, data, kind)
    assert db_snapshot() == before
    return error.value.messages


def confirm(sheet, user, result, kind=roundtrip.SELF) -> int:
    return roundtrip.apply_upload(subject_of(sheet, user, kind), result.to_session(), user=user)


def scores(sheet) -> dict:
    return {
        s.item.code: (s.self_points, s.not_applicable, s.note, s.points, s.reason)
        for s in Score.objects.filter(sheet=sheet).select_related("item")
    }


# --------------------------------------------------------------------------- the file


class TestTheFile:
    def test_row_one_is_the_header_then_the_meta_rows_then_the_item_tree(self, sheet, people):
        ws = load_workbook(io.BytesIO(download(sheet, people["staff_a"]))).active
        rows = [list(r) for r in ws.iter_rows(values_only=True)]
        assert rows[0] == [
            "Mã",
            "Tiêu chí",
            "Phương pháp",
            "Điểm tối đa",
            "Không áp dụng",
            "Điểm tự đánh giá",
            "Ghi chú của đơn vị",
        ]
        assert [r[:2] for r in rows[1:5]] == [
            ["# Mã đơn vị", "SNV"],
            ["# Năm", 2024],
            ["# Loại tệp", "Tự đánh giá"],
            ["# Phiên bản", sheet.version],
        ]
        assert rows[5][0] == "# Mã kiểm tra (không sửa)" and len(rows[5][1]) > 40
        assert rows[6][0] == "# Hướng dẫn"
        assert rows[7:] == [
            ["1", "Công tác chỉ đạo, điều hành CCHC", "Thẩm định", 30, None, None, None],
            ["1.1", "Kế hoạch CCHC năm", "Thẩm định", 20, None, None, None],
            ["1.1.1", "Ban hành kế hoạch đúng hạn", "Thẩm định", 10, None, 8, "Đã ban hành"],
            ["1.1.2", "Mức độ hoàn thành kế hoạch", "Thẩm định", 10, None, None, None],
            ["1.2", "Tuyên truyền CCHC", "Thẩm định", 10, None, None, None],
            ["2", "Cải cách thủ tục hành chính", "Thẩm định", 40, None, None, None],
            ["2.1", "Công bố, công khai TTHC", "Thẩm định", 20, None, 15.5, None],
            ["2.2", "Tiếp nhận hồ sơ trực tuyến", "Thẩm định", 20, None, None, None],
            ["3", "Mức độ hài lòng của người dân", "ĐTXHH", 30, None, None, None],
            ["3.1", "Hài lòng về tiếp cận dịch vụ", "ĐTXHH", 15, None, None, None],
            ["3.2", "Hài lòng về kết quả giải quyết", "ĐTXHH", 15, None, None, None],
        ]

    def test_it_is_frozen_filtered_with_numbers_as_numbers_and_editable_cells_marked(
        self, sheet, people
    ):
        ws = load_workbook(io.BytesIO(download(sheet, people["staff_a"]))).active
        assert ws.freeze_panes == "A2"
        assert ws.auto_filter.ref == "A1:G18"
        cell = ws.cell(row=ROW["1.1.1"], column=6)
        assert (cell.data_type, cell.number_format) == ("n", "0.00")
        assert cell.fill.fgColor.rgb == "00FFF2CC"  # yellow: to be filled
        assert ws.cell(row=ROW["1.1"], column=6).fill.fgColor.rgb != "00FFF2CC"
        assert ws.cell(row=ROW["1.1.1"], column=2).alignment.indent == 4
        assert not ws.merged_cells.ranges
        assert not any(d.hidden for d in ws.row_dimensions.values())
        # Excel refuses points outside 0…maximum while typing.
        rules = {(v.formula1, v.formula2): str(v.sqref) for v in ws.data_validations.dataValidation}
        assert rules == {
            ("0", "10.00"): "F10 F11 F12",
            ("0", "20.00"): "F14 F15",
            ('"Có,Không"', None): "E10 E11 E12 E14 E15",
        }

    def test_a_note_starting_with_an_equals_sign_is_written_as_text_and_read_back(
        self, sheet, people
    ):
        notes = {"1.1.1": "=> đã xong", "1.1.2": "- gạch đầu dòng", "2.1": "'trích", "1.2": "@x"}
        apply_score_changes(
            sheet, [ScoreChange(c, note=n) for c, n in notes.items()], source="test"
        )
        data = download(sheet, people["staff_a"])
        ws = load_workbook(io.BytesIO(data)).active
        assert ws.cell(row=ROW["1.1.1"], column=7).value == "'=> đã xong"
        assert ws.cell(row=ROW["1.1.1"], column=7).data_type == "s"
        assert ws.cell(row=ROW["1.1.2"], column=7).value == "- gạch đầu dòng"
        assert ws.cell(row=ROW["1.1.2"], column=7).quotePrefix
        assert changes(preview(sheet, people["staff_a"], data)) == []


# --------------------------------------------------------------------------- the round trip


class TestSelfAssessmentRoundTrip:
    def test_three_changed_values_are_exactly_the_three_cells_of_the_preview(self, sheet, people):
        staff = people["staff_a"]
        data = edit(
            download(sheet, staff),
            {
                (ROW["1.1.1"], 6): 9.5,
                (ROW["1.2"], 6): 7,
                (ROW["2.1"], 7): "Đã công khai trên cổng",
            },
        )
        result = preview(sheet, staff, data)
        assert changes(result) == [
            (10, "1.1.1", "Điểm tự đánh giá", "8,00", "9,50"),
            (12, "1.2", "Điểm tự đánh giá", "–", "7,00"),
            (14, "2.1", "Ghi chú của đơn vị", "–", "Đã công khai trên cổng"),
        ]
        assert scores(sheet)["1.1.1"][0] == D("8.00")  # nothing saved by the preview

    def test_confirming_saves_them_all_with_upload_as_the_history_source(self, sheet, people):
        staff = people["staff_a"]
        data = edit(download(sheet, staff), {(ROW["1.1.1"], 6): 9.5, (ROW["2.2"], 5): "Có"})
        assert confirm(sheet, staff, preview(sheet, staff, data)) == 2
        assert scores(sheet)["1.1.1"] == (D("9.50"), False, "Đã ban hành", None, "")
        assert scores(sheet)["2.2"] == (None, True, "", None, "")
        latest = Score.history.filter(item__code="1.1.1").latest("history_date")
        assert (latest.history_change_reason, latest.history_user) == ("upload", staff)
        assert Sheet.objects.get(pk=sheet.pk).version == sheet.version + 1

    def test_every_value_filled_in_comes_back_identical_after_export_and_import(
        self, sheet, people
    ):
        staff = people["staff_a"]
        filled = {
            "1.1.1": (None, D("9.75"), "Kế hoạch số 12/KH-SNV\nngày 05/01/2024"),
            "1.1.2": (None, D("0"), "=> chưa đạt"),
            "1.2": (None, D("10"), "Tuyên truyền trên báo Quảng Nam; “trích dẫn”"),
            "2.1": (None, D("19.99"), "'trích nguyên văn"),
            "2.2": ("Có", None, "Không phát sinh TTHC"),
        }
        cells = {}
        for code, (na, points, note) in filled.items():
            cells[(ROW[code], 5)] = na
            cells[(ROW[code], 6)] = float(points) if points is not None else None
            cells[(ROW[code], 7)] = roundtrip.escape_text(note)
        confirm(sheet, staff, preview(sheet, staff, edit(download(sheet, staff), cells)))
        assert {code: value[:3] for code, value in scores(sheet).items()} == {
            code: (points, na == "Có", note) for code, (na, points, note) in filled.items()
        }
        again = load_workbook(io.BytesIO(download(sheet, staff))).active
        for code, (na, points, note) in filled.items():
            row = [again.cell(row=ROW[code], column=c).value for c in (5, 6, 7)]
            assert row == [
                na,
                None if points is None else float(points),
                roundtrip.escape_text(note),
            ], code
        assert changes(preview(sheet, staff, download(sheet, staff))) == []

    def test_an_emptied_cell_clears_the_value(self, sheet, people):
        staff = people["staff_a"]
        data = edit(download(sheet, staff), {(ROW["1.1.1"], 6): None, (ROW["1.1.1"], 7): None})
        result = preview(sheet, staff, data)
        assert changes(result) == [
            (10, "1.1.1", "Điểm tự đánh giá", "8,00", "–"),
            (10, "1.1.1", "Ghi chú của đơn vị", "Đã ban hành", "–"),
        ]
        confirm(sheet, staff, result)
        assert scores(sheet)["1.1.1"][:3] == (None, False, "")

    def test_a_csv_saved_from_the_file_in_utf8_with_bom_or_windows_1258_reads_the_same(
        self, sheet, people
    ):
        staff = people["staff_a"]
        data = edit(
            download(sheet, staff), {(ROW["1.2"], 6): 7, (ROW["1.2"], 7): "Đã tuyên truyền"}
        )
        ws = load_workbook(io.BytesIO(data)).active
        lines = []
        for row in ws.iter_rows(values_only=True):
            cells = ["" if v is None else str(v) for v in row]
            lines.append(",".join(f'"{c}"' if "," in c or "\n" in c else c for c in cells))
        text = "\r\n".join(lines) + "\r\n"
        expected = [
            (12, "1.2", "Điểm tự đánh giá", "–", "7,00"),
            (12, "1.2", "Ghi chú của đơn vị", "–", "Đã tuyên truyền"),
        ]
        assert changes(preview(sheet, staff, text.encode("utf-8-sig"))) == expected
        assert changes(preview(sheet, staff, cp1258_bytes(text))) == expected

    def test_a_value_changed_on_the_portal_after_the_download_is_kept_unless_edited_too(
        self, sheet, people
    ):
        staff, leader = people["staff_a"], people["leader_a"]
        data = download(sheet, staff)
        apply_score_changes(
            sheet,
            [
                ScoreChange("1.1.1", self_points=D("6")),
                ScoreChange("2.1", self_points=D("11")),
            ],
            user=leader,
            source="form",
        )
        result = preview(sheet, staff, edit(data, {(ROW["1.2"], 6): 5}))
        assert changes(result) == [(12, "1.2", "Điểm tự đánh giá", "–", "5,00")]
        assert [(c.item_code, c.old_shown, c.new_shown) for c in result.kept] == [
            ("1.1.1", "6,00", "8,00"),
            ("2.1", "11,00", "15,50"),
        ]
        confirm(sheet, staff, result)
        assert [scores(sheet)[c][0] for c in ("1.1.1", "1.2", "2.1")] == [D("6"), D("5"), D("11")]
        messages = refused(sheet, staff, edit(data, {(ROW["1.1.1"], 6): 9}))
        assert messages == [
            "Dòng 10, cột Điểm tự đánh giá: giá trị trên cổng đã đổi thành “6,00” sau khi bạn "
            "tải tệp; hãy tải tệp mới rồi nhập lại."
        ]

    def test_a_confirmation_after_the_sheet_changed_saves_nothing(self, sheet, people):
        staff = people["staff_a"]
        result = preview(sheet, staff, edit(download(sheet, staff), {(ROW["1.2"], 6): 5}))
        apply_score_changes(sheet, [ScoreChange("2.1", note="khác")], source="form")
        before = db_snapshot()
        with pytest.raises(roundtrip.StaleUpload) as error:
            confirm(sheet, staff, result)
        assert error.value.messages == [
            "Phiếu đã được cập nhật sau khi bạn xem trước; không có gì được lưu. Hãy tải tệp "
            "lên lại để xem trước với các giá trị mới."
        ]
        assert db_snapshot() == before


# --------------------------------------------------------------------------- bad files


def xlsx(rows, *, sheets=1) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    for n in range(1, sheets):
        book.create_sheet(f"Trang {n + 1}")
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class TestBadFiles:
    @pytest.fixture
    def good(self, sheet, people):
        return download(sheet, people["staff_a"])

    def check(self, sheet, people, data, expected):
        assert refused(sheet, people["staff_a"], data) == expected

    def test_not_an_xlsx_at_all(self, sheet, people):
        not_a_table = ["Tệp không phải bảng tính Excel hoặc CSV"]
        self.check(sheet, people, b"%PDF-1.4\x00\x01\x02 binary", not_a_table)
        # A small PDF renamed .xlsx is plain ASCII: not read as a CSV without columns.
        self.check(sheet, people, b"%PDF-1.4\n1 0 obj\n<< >>\nendobj\n%%EOF\n", not_a_table)

    def test_a_corrupt_or_truncated_xlsx(self, sheet, people, good):
        self.check(sheet, people, good[: len(good) // 2], ["Tệp xlsx bị hỏng hoặc không đọc được"])
        broken = io.BytesIO()
        with zipfile.ZipFile(broken, "w") as archive:
            archive.writestr("[Content_Types].xml", "<Types/>")
        # An Office zip without a workbook part (a Word file renamed .xlsx) is not a table.
        self.check(sheet, people, broken.getvalue(), ["Tệp không phải bảng tính Excel hoặc CSV"])

    def test_an_empty_sheet(self, sheet, people):
        self.check(sheet, people, xlsx([]), ["Tệp không có dữ liệu"])

    def test_merged_cells(self, sheet, people, good):
        data = edit(good, {}, fmt=lambda book, ws: ws.merge_cells("E10:F10"))
        self.check(sheet, people, data, ["Tệp có ô gộp (merged cells) ở E10:F10; hãy bỏ gộp ô"])

    def test_hidden_rows(self, sheet, people, good):
        def hide(book, ws):
            ws.row_dimensions[11].hidden = True

        self.check(
            sheet,
            people,
            edit(good, {}, fmt=hide),
            ["Tệp có dòng bị ẩn chứa dữ liệu (dòng 11); hãy bỏ ẩn hoặc xoá các dòng này"],
        )

    def test_extra_sheets(self, sheet, people, good):
        data = edit(good, {}, fmt=lambda book, ws: book.create_sheet("Nháp"))
        self.check(
            sheet,
            people,
            data,
            ["Tệp có 2 trang tính (Tự đánh giá, Nháp); chỉ được có một trang tính"],
        )

    @override_settings(IMPORT_MAX_BYTES=2048)
    def test_a_file_above_the_size_limit_of_the_settings(self, sheet, people, good):
        self.check(sheet, people, good, ["Tệp quá lớn (tối đa 2 KB)"])

    def test_a_formula(self, sheet, people, good):
        data = edit(good, {(ROW["1.1.1"], 6): "=5+4"})
        self.check(
            sheet,
            people,
            data,
            [
                "Dòng 10, cột Điểm tự đánh giá: Ô chứa công thức; hãy dán giá trị (Paste Values) "
                "thay cho công thức"
            ],
        )

    def test_a_macro_bearing_file(self, sheet, people, good):
        out = io.BytesIO()
        with zipfile.ZipFile(io.BytesIO(good)) as source, zipfile.ZipFile(out, "w") as target:
            for info in source.infolist():
                target.writestr(info, source.read(info))
            target.writestr("xl/vbaProject.bin", b"\x00macro")
        self.check(
            sheet,
            people,
            out.getvalue(),
            ["Tệp có macro (xlsm) không được chấp nhận; hãy lưu lại dưới dạng .xlsx thường"],
        )

    def test_a_csv_in_an_undecodable_encoding(self, sheet, people):
        self.check(
            sheet,
            people,
            "Mã,Tiêu chí\r\n".encode("utf-16"),
            ["Tệp không phải bảng tính Excel hoặc CSV"],
        )

    def test_a_file_name_that_does_not_match_the_content(self, good):
        with pytest.raises(roundtrip.RoundTripError) as error:
            roundtrip.check_file_name("phieu.csv", good[:8])
        assert error.value.messages == [
            "Tệp “phieu.csv” có đuôi .csv nhưng nội dung là tệp xlsx: hãy đặt lại đúng đuôi .xlsx."
        ]
        for name, message in [
            ("phieu.pdf", "Chỉ nhận tệp .xlsx (hoặc .csv); tệp “phieu.pdf” không phải."),
            (
                "phieu.xlsm",
                "Tệp có macro (.xlsm) không được chấp nhận; hãy lưu lại dưới dạng .xlsx thường",
            ),
        ]:
            with pytest.raises(roundtrip.RoundTripError) as error:
                roundtrip.check_file_name(name, good[:8])
            assert error.value.messages == [message]
        roundtrip.check_file_name("Phiếu.XLSX", good[:8])  # accepted

    def test_a_tampered_header(self, sheet, people, good):
        data = edit(good, {}, fmt=lambda book, ws: ws.delete_cols(6))
        self.check(
            sheet,
            people,
            data,
            ["Thiếu cột “Điểm tự đánh giá”: dòng tiêu đề đã bị sửa; hãy tải tệp mới."],
        )
        messages = refused(sheet, people["staff_a"], edit(good, {(1, 6): "Điểm"}))
        assert messages == [
            "Cột “Điểm” không được hỗ trợ; các cột hợp lệ: mã, tiêu chí, phương pháp, điểm tối "
            "đa, không áp dụng, điểm tự đánh giá, ghi chú của đơn vị, điểm thẩm định, lý do thẩm "
            "định, mã đơn vị, đơn vị, mã tiêu chí, điểm đtxhh, quy tắc, giá trị tự đánh giá, "
            "giá trị thẩm định"
        ]

    def test_a_tampered_meta_block(self, sheet, people, good):
        self.check(
            sheet,
            people,
            edit(good, {(6, 2): "giả"}),
            ["Mã kiểm tra của tệp không hợp lệ (phần đầu tệp đã bị sửa). Hãy tải tệp mới."],
        )
        self.check(
            sheet,
            people,
            edit(good, {(6, 1): None, (6, 2): None}),
            [
                "Không tìm thấy dòng “# Mã kiểm tra (không sửa)”: tệp này không phải tệp nhập điểm "
                "tải từ cổng, hoặc phần đầu tệp đã bị xóa. Hãy tải tệp mẫu và nhập lại."
            ],
        )
        self.check(
            sheet,
            people,
            edit(good, {(3, 2): 2023}),
            ["Dòng “# Năm” đã bị sửa (ghi “2023”, đúng là “2024”). Hãy tải tệp mới."],
        )

    def test_a_sheet_of_another_unit_or_year(self, sheet, people, year):
        other = make_sheet(Unit.objects.get(code="STP"), year)
        data = download(other, people["staff_b"])
        self.check(
            sheet,
            people,
            data,
            ["Tệp này là của đơn vị STP năm 2024, không phải của đơn vị SNV năm 2024."],
        )
        earlier = make_year(2023)
        old = download(make_sheet(Unit.objects.get(code="SNV"), earlier), people["staff_a"])
        self.check(
            sheet,
            people,
            old,
            ["Tệp này là của đơn vị SNV năm 2023, không phải của đơn vị SNV năm 2024."],
        )

    def test_a_file_of_another_kind(self, sheet, people):
        data = download(sheet, people["appraiser"], roundtrip.APPRAISAL)
        self.check(
            sheet, people, data, ["Đây là tệp nhập “Thẩm định”, không phải tệp nhập “Tự đánh giá”."]
        )

    def test_a_locked_sheet_refuses_the_changes(self, sheet, people, good):
        Sheet.objects.filter(pk=sheet.pk).update(state=SheetState.SUBMITTED)
        self.check(
            sheet,
            people,
            edit(good, {(ROW["1.2"], 6): 5}),
            ["Phiếu đã gửi lúc – nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa."],
        )

    def test_unknown_changed_or_repeated_item_codes(self, sheet, people, good):
        data = edit(
            good,
            {(ROW["1.2"], 1): "1.9", (ROW["2.1"], 1): "1.1.1", (ROW["2.2"], 2): "Tiếp nhận hồ sơ"},
        )
        self.check(
            sheet,
            people,
            data,
            [
                "Dòng 12, cột Mã: “1.9” không có trong tệp đã tải về (mã đã bị sửa hoặc dòng được "
                "thêm).",
                "Dòng 14: 1.1.1 đã có ở dòng 10.",
                "Dòng 15, cột Tiêu chí: không sửa cột này (trên cổng là “Tiếp nhận hồ sơ trực "
                "tuyến”).",
            ],
        )

    def test_points_above_the_maximum_negative_with_three_decimals_or_text(
        self, sheet, people, good
    ):
        data = edit(
            good,
            {
                (ROW["1.1.1"], 6): 10.5,
                (ROW["1.1.2"], 6): -1,
                (ROW["1.2"], 6): 2.125,
                (ROW["2.1"], 6): "mười",
                (ROW["2.2"], 5): "có lẽ",
            },
        )
        self.check(
            sheet,
            people,
            data,
            [
                "Dòng 10, cột Điểm tự đánh giá: 10,50 vượt điểm tối đa 10,00.",
                "Dòng 11, cột Điểm tự đánh giá: không được âm, nhận được “-1”",
                "Dòng 12, cột Điểm tự đánh giá: tối đa 2 chữ số thập phân, nhận được “2.125”",
                "Dòng 14, cột Điểm tự đánh giá: không phải là số, nhận được “mười”",
                "Dòng 15, cột Không áp dụng: giá trị có/không không hợp lệ (dùng có/không, x, 1/0, "
                "yes/no, true/false), nhận được “có lẽ”",
            ],
        )

    def test_cells_that_are_only_for_reading(self, sheet, people, good):
        data = edit(good, {(ROW["1.1"], 6): 5, (ROW["3.1"], 6): 10})
        self.check(
            sheet,
            people,
            data,
            [
                "Dòng 9, cột Điểm tự đánh giá: ô này chỉ để xem (dòng tiêu đề của lĩnh vực, tiêu "
                "chí); không sửa.",
                "Dòng 17, cột Điểm tự đánh giá: ô này chỉ để xem (tiêu chí chấm bằng điều tra xã hội học); "
                "không sửa.",
            ],
        )

    def test_the_services_own_rules_are_shown_at_preview(self, sheet, people, good):
        # 1.2 may not be marked not applicable (only 2.2 may): the service says so.
        self.check(
            sheet,
            people,
            edit(good, {(ROW["1.2"], 5): "Có"}),
            ["Tiêu chí 1.2: tiêu chí 1.2 không được chọn “không áp dụng”."],
        )


# --------------------------------------------------------------------------- appraisal, survey


class TestAppraisalRoundTrip:
    @pytest.fixture
    def appraisal_year(self, sheet, year):
        AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
        return year

    def test_appraisers_set_points_and_reasons_in_their_domains(
        self, sheet, people, appraisal_year
    ):
        appraiser = people["appraiser"]
        data = download(sheet, appraiser, roundtrip.APPRAISAL)
        header = [c.value for c in load_workbook(io.BytesIO(data)).active[1]]
        assert header[-2:] == ["Điểm thẩm định", "Lý do thẩm định"]
        data = edit(
            data,
            {(ROW["1.1.1"], 8): 7.5, (ROW["1.1.1"], 9): "Ban hành chậm", (ROW["2.1"], 8): 15.5},
        )
        result = preview(sheet, appraiser, data, roundtrip.APPRAISAL)
        assert changes(result) == [
            (10, "1.1.1", "Điểm thẩm định", "–", "7,50"),
            (10, "1.1.1", "Lý do thẩm định", "–", "Ban hành chậm"),
            (14, "2.1", "Điểm thẩm định", "–", "15,50"),
        ]
        confirm(sheet, appraiser, result, roundtrip.APPRAISAL)
        assert scores(sheet)["1.1.1"] == (D("8"), False, "Đã ban hành", D("7.5"), "Ban hành chậm")
        assert Score.history.filter(history_change_reason="upload").count() == 2

    def test_a_changed_claim_without_a_reason_is_refused_at_preview(
        self, sheet, people, appraisal_year
    ):
        data = edit(
            download(sheet, people["appraiser"], roundtrip.APPRAISAL), {(ROW["1.1.1"], 8): 7}
        )
        assert refused(sheet, people["appraiser"], data, roundtrip.APPRAISAL) == [
            "Tiêu chí 1.1.1: điểm thẩm định 7,00 khác điểm tự đánh giá 8,00: cần ghi lý do thẩm "
            "định."
        ]

    def test_items_outside_the_appraisers_domains_are_for_reading_only(
        self, sheet, people, appraisal_year
    ):
        narrow = make_user("narrow", Role.APPRAISER, Unit.objects.get(code="HDTD"), domains=["2"])
        data = edit(
            download(sheet, narrow, roundtrip.APPRAISAL),
            {(ROW["1.1.1"], 8): 8, (ROW["2.1"], 8): 15.5},
        )
        assert refused(sheet, narrow, data, roundtrip.APPRAISAL) == [
            "Dòng 10, cột Điểm thẩm định: ô này chỉ để xem (tiêu chí không thuộc lĩnh vực bạn "
            "được giao thẩm định); không sửa."
        ]

    def test_the_unit_cannot_change_its_claim_in_an_appraisal_file(
        self, sheet, people, appraisal_year
    ):
        # The claim columns are shown for reading: a change there is simply not read.
        data = edit(
            download(sheet, people["appraiser"], roundtrip.APPRAISAL), {(ROW["1.1.1"], 6): 1}
        )
        assert changes(preview(sheet, people["appraiser"], data, roundtrip.APPRAISAL)) == []


class TestSurveyRoundTrip:
    def test_survey_points_of_every_unit_in_one_file(self, sheet, people, year):
        admin = people["admin"]
        subject = roundtrip.survey_subject(year, admin)
        assert [line.key for line in subject.lines] == [
            "HDTD|3.1",
            "HDTD|3.2",
            "SNV|3.1",
            "SNV|3.2",
            "STP|3.1",
            "STP|3.2",
        ]
        data = roundtrip.to_xlsx(subject)
        ws = load_workbook(io.BytesIO(data)).active
        assert [c.value for c in ws[1]] == [
            "Mã đơn vị",
            "Đơn vị",
            "Mã tiêu chí",
            "Tiêu chí",
            "Điểm tối đa",
            "Điểm ĐTXHH",
        ]
        assert [ws.cell(row=r, column=1).value for r in range(2, 7)] == [
            "# Khối",
            "# Năm",
            "# Loại tệp",
            "# Mã kiểm tra (không sửa)",
            "# Hướng dẫn",
        ]
        data = edit(data, {(9, 6): 13.11, (10, 6): 13.11})
        result = roundtrip.read_upload(data, roundtrip.survey_subject(year, admin), user=admin)
        assert [(c.unit_code, c.item_code, c.old_shown, c.new_shown) for c in result.changes] == [
            ("SNV", "3.1", "–", "13,11"),
            ("SNV", "3.2", "–", "13,11"),
        ]
        assert (
            roundtrip.apply_upload(
                roundtrip.survey_subject(year, admin), result.to_session(), user=admin
            )
            == 2
        )
        assert scores(sheet)["3.1"][3] == D("13.11")
        assert set(
            Score.history.filter(item__code="3.2").values_list("history_change_reason", flat=True)
        ) == {"upload"}

    def test_appraisers_never_enter_their_own_units_survey_points(self, people, year):
        subject = roundtrip.survey_subject(year, people["appraiser"])
        assert {line.unit_code for line in subject.lines} == {"SNV", "STP"}

    def test_the_survey_file_does_not_grow_in_queries_with_the_units(self, client, people, year):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        client.force_login(people["admin"])
        group = Unit.objects.get(code="SNV").group
        # The signed-in person is read from the database once, then from the cache.
        client.get("/nhap-excel/dieu-tra/2024/tep-mau.xlsx")
        counts = []
        for start in (0, 20):
            Unit.objects.bulk_create(
                [
                    Unit(code=f"XA{n:03d}", name=f"UBND xã số {n}", group=group)
                    for n in range(start, start + 20)
                ]
            )
            with CaptureQueriesContext(connection) as queries:
                client.get("/nhap-excel/dieu-tra/2024/tep-mau.xlsx")
            counts.append(len(queries.captured_queries))
        assert counts[0] == counts[1]

    def test_a_hundred_units_are_validated_and_previewed_within_five_seconds(
        self, client, people, year
    ):
        Unit.objects.bulk_create(
            [
                Unit(
                    code=f"XA{n:03d}",
                    name=f"UBND xã số {n}",
                    group=Unit.objects.get(code="SNV").group,
                )
                for n in range(100)
            ]
        )
        client.force_login(people["admin"])
        data = client.get("/nhap-excel/dieu-tra/2024/tep-mau.xlsx").content
        book = load_workbook(io.BytesIO(data))
        ws = book.active
        for row in range(7, ws.max_row + 1):
            ws.cell(row=row, column=6).value = 12.5
        out = io.BytesIO()
        book.save(out)
        upload = io.BytesIO(out.getvalue())
        upload.name = "dieu-tra.xlsx"
        started = time.monotonic()
        response = client.post("/nhap-excel/dieu-tra/2024/", {"file": upload})
        elapsed = time.monotonic() - started
        assert response.status_code == 200, response.content.decode()[:2000]
        assert len(response.context["preview"].changes) == 2 * 103
        assert elapsed < 5, elapsed


# --------------------------------------------------------------------------- the pages


class TestPages:
    def post_file(self, client, url, data, name="phieu.xlsx"):
        upload = io.BytesIO(data)
        upload.name = name
        return client.post(url, {"file": upload})

    def test_upload_preview_confirm(self, client, sheet, people):
        client.force_login(people["staff_a"])
        page = client.get("/nhap-excel/tu-danh-gia/SNV/2024/")
        assert page.status_code == 200
        assert "Tải tệp để điền (.xlsx)" in page.content.decode()
        data = client.get("/nhap-excel/tu-danh-gia/SNV/2024/tep-mau.xlsx")
        assert data["Content-Disposition"] == 'attachment; filename="nhap-self-snv-2024.xlsx"'
        filled = edit(data.content, {(ROW["1.2"], 6): 7})
        response = self.post_file(client, "/nhap-excel/tu-danh-gia/SNV/2024/", filled)
        html = response.content.decode()
        assert response.status_code == 200
        assert "Tệp thay đổi 1 ô" in html and "7,00" in html
        nonce = response.context["nonce"]
        response = client.post("/nhap-excel/tu-danh-gia/SNV/2024/xac-nhan/", {"nonce": nonce})
        assert response.status_code == 302 and response["Location"] == "/phieu/SNV/2024/"
        assert scores(sheet)["1.2"][0] == D("7")
        again = client.post("/nhap-excel/tu-danh-gia/SNV/2024/xac-nhan/", {"nonce": nonce})
        assert again["Location"] == "/nhap-excel/tu-danh-gia/SNV/2024/"

    def test_problems_are_listed_and_nothing_is_saved(self, client, sheet, people):
        client.force_login(people["staff_a"])
        data = client.get("/nhap-excel/tu-danh-gia/SNV/2024/tep-mau.xlsx").content
        response = self.post_file(
            client, "/nhap-excel/tu-danh-gia/SNV/2024/", edit(data, {(ROW["1.2"], 6): 12})
        )
        assert response.status_code == 400
        assert response.context["errors"] == [
            "Dòng 12, cột Điểm tự đánh giá: 12,00 vượt điểm tối đa 10,00."
        ]
        assert "Không có gì được lưu" in response.content.decode()
        response = self.post_file(client, "/nhap-excel/tu-danh-gia/SNV/2024/", data, "a.pdf")
        assert response.status_code == 400
        assert list(response.context["form"].errors["file"]) == [
            "Chỉ nhận tệp .xlsx (hoặc .csv); tệp “a.pdf” không phải."
        ]

    def test_only_the_units_staff_round_trip_its_self_assessment(self, client, sheet, people):
        for name, status in [("staff_b", 403), ("appraiser", 403), ("leader_a", 200)]:
            client.force_login(people[name])
            assert client.get("/nhap-excel/tu-danh-gia/SNV/2024/").status_code == status, name
            assert (
                client.get("/nhap-excel/tu-danh-gia/SNV/2024/tep-mau.xlsx").status_code == status
            ), name
        client.force_login(people["staff_a"])
        assert client.get("/nhap-excel/tham-dinh/SNV/2024/").status_code == 403
        assert client.get("/nhap-excel/khac/SNV/2024/").status_code == 404

    def test_a_locked_sheet_shows_why_and_takes_no_file(self, client, sheet, people):
        Sheet.objects.filter(pk=sheet.pk).update(state=SheetState.SUBMITTED)
        client.force_login(people["staff_a"])
        html = client.get("/nhap-excel/tu-danh-gia/SNV/2024/").content.decode()
        assert "Phiếu đã gửi lúc – nên đã khóa." in html
        assert 'id="roundtrip-form"' not in html
