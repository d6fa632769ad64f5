"""The Excel round trip of real frameworks (issue 13): items scored by rule carry their measured
value (the points follow from the rule), plain items their points, items linked to a related
index neither; bonus and deduction sections come like other items; a 3-decimal year writes,
reads and compares points with three places. Every refusal names its row; nothing partial."""

import datetime
import io
from decimal import Decimal as D

import pytest
from openpyxl import load_workbook

from demo.indices import ensure_known_kinds
from indices.exchange import ValueRow
from indices.models import IndexKind
from indices.services import record_values
from scoring.exchange import roundtrip
from scoring.models import AssessmentYear, Score, Sheet, YearState
from scoring.services.frameworks import ItemRow, replace_framework, set_bands
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import db_snapshot, make_sheet, make_unit, personas
from units.models import Unit

pytestmark = pytest.mark.django_db

LINK = "766:4@2026-10"
ROWS = [
    ItemRow("1", "Dịch vụ công", None),
    ItemRow("1.1", "Tỷ lệ hồ sơ trực tuyến", D(1), "appraisal", rule="threshold 80:1 50:0.5 0:0"),
    ItemRow("1.2", "Kế hoạch CCHC", D(8), "appraisal", na_allowed=True),
    ItemRow("1.3", "Công khai thủ tục", D(1), "appraisal", rule="yes_no"),
    ItemRow("1.4", "Báo cáo đúng hạn", D(1), "appraisal", rule="per_occurrence 0.25"),
    ItemRow(
        "1.5", "Dịch vụ công 766", D(2), "appraisal", rule="threshold 80:2 50:1 0:0", source=LINK
    ),
    ItemRow("2", "Hài lòng", None),
    ItemRow("2.1", "Khảo sát", D(9), "survey"),
    ItemRow("T", "Điểm thưởng", None),
    ItemRow("T.1", "Sáng kiến", D(1), "bonus"),
    ItemRow("D", "Điểm trừ", D("0.5")),
    ItemRow("D.1", "Chậm báo cáo", D(1), "deduction", rule="per_occurrence 0.25"),
    ItemRow("D.2", "Vi phạm kỷ luật", D(1), "deduction", rule="yes_no"),
]


def make_rule_year(decimals: int = 2, state: str = YearState.SELF_ASSESSMENT) -> AssessmentYear:
    ensure_known_kinds()  # the 766 kind, as the migrations create it
    year = AssessmentYear.objects.create(
        year=2026, state=YearState.PREPARING, owner_name="Tỉnh Thử Nghiệm", decimals=decimals
    )
    return year


@pytest.fixture
def people(db):
    ensure_known_kinds()
    return personas(
        make_unit("STP", "Sở Tư pháp"), make_unit("SNV", "Sở Nội vụ"), make_unit("HDTD")
    )


def start(year: AssessmentYear, state: str = YearState.SELF_ASSESSMENT) -> Sheet:
    group = Unit.objects.get(code="STP").group
    replace_framework(year, group, ROWS)
    set_bands(year, group, [("Tốt", D(90)), ("Khá", D(50)), ("Yếu", D(0))])
    AssessmentYear.objects.filter(pk=year.pk).update(state=state)
    year.refresh_from_db()
    return make_sheet(Unit.objects.get(code="STP"), year)


@pytest.fixture
def sheet(people):
    return start(make_rule_year())


def import_766(online: str) -> None:
    """October 2026 of the 766 index for STP: component 4 is `online` (of 12 points)."""
    points = {"1": "15", "2": "18", "3": "20", "4": online, "5": "8", "6": "16"}
    record_values(
        IndexKind.objects.get(code="766"),
        "2026-10",
        [ValueRow("STP", c, D(p), 0) for c, p in points.items()],
        as_of=datetime.date(2026, 11, 5),
        source="Cổng DVC quốc gia",
    )


def set_state(sheet: Sheet, state: str) -> None:
    AssessmentYear.objects.filter(pk=sheet.year_id).update(state=state)


def subject_of(sheet, user, kind=roundtrip.SELF):
    sheet = Sheet.objects.select_related("unit__group", "year").get(pk=sheet.pk)
    return roundtrip.sheet_subject(sheet, kind, user)


def download(sheet, user, kind=roundtrip.SELF) -> bytes:
    return roundtrip.to_xlsx(subject_of(sheet, user, kind))


class Grid:
    """A downloaded file read back: cells by item code and column header."""

    def __init__(self, data: bytes):
        self.book = load_workbook(io.BytesIO(data))
        self.ws = self.book.active
        self.header = [c.value for c in self.ws[1]]
        self.rows = {
            str(r[0].value): r[0].row
            for r in self.ws.iter_rows(min_row=2)
            if r[0].value is not None and not str(r[0].value).startswith("#")
        }

    def cell(self, code: str, column: str):
        return self.ws.cell(row=self.rows[code], column=self.header.index(column) + 1)

    def yellow(self, code: str, column: str) -> bool:
        return self.cell(code, column).fill.fgColor.rgb.endswith("FFF2CC")

    def edited(self, cells: dict) -> bytes:
        for (code, column), value in cells.items():
            self.cell(code, column).value = value
        out = io.BytesIO()
        self.book.save(out)
        return out.getvalue()


def edit(data: bytes, cells: dict) -> bytes:
    return Grid(data).edited(cells)


def preview(sheet, user, data, kind=roundtrip.SELF):
    return roundtrip.read_upload(data, subject_of(sheet, user, kind), user=user)


def changes(result) -> list[tuple]:
    return [(c.item_code, c.label, c.old_shown, c.new_shown) for c in result.changes]


def refused(sheet, user, data, kind=roundtrip.SELF) -> list[str]:
    before = db_snapshot()
    with pytest.raises(roundtrip.RoundTripError) as error:
        preview(sheet, user, data, kind)
    assert db_snapshot() == before
    return error.value.messages


def confirm(sheet, user, result, kind=roundtrip.SELF) -> int:
    return roundtrip.apply_upload(subject_of(sheet, user, kind), result.to_session(), user=user)


def stored(code: str) -> Score:
    return Score.objects.get(item__code=code, item__framework__year__year=2026)


SELF_VALUE, SELF_POINTS = "Giá trị tự đánh giá", "Điểm tự đánh giá"
VALUE, POINTS, REASON = "Giá trị thẩm định", "Điểm thẩm định", "Lý do thẩm định"


# --------------------------------------------------------------------------- the file


class TestTheFile:
    def test_a_framework_with_rules_has_the_rule_and_value_columns(self, sheet, people):
        grid = Grid(download(sheet, people["staff_a"]))
        assert grid.header == [
            "Mã",
            "Tiêu chí",
            "Phương pháp",
            "Điểm tối đa",
            "Quy tắc",
            "Không áp dụng",
            "Giá trị tự đánh giá",
            "Điểm tự đánh giá",
            "Ghi chú của đơn vị",
        ]
        assert grid.cell("1.1", "Quy tắc").value == (
            "Từ 80: 1,00 điểm; từ 50: 0,50 điểm; dưới 50: 0,00 điểm"
        )
        assert grid.cell("1.2", "Quy tắc").value is None

    def test_each_row_is_yellow_where_it_takes_input(self, sheet, people):
        grid = Grid(download(sheet, people["staff_a"]))
        # A rule item: its value; its points follow from the rule.
        assert grid.yellow("1.1", SELF_VALUE) and not grid.yellow("1.1", SELF_POINTS)
        # A plain item: its points; no value.
        assert grid.yellow("1.2", SELF_POINTS) and not grid.yellow("1.2", SELF_VALUE)
        # A linked item: neither, and the rule column says why.
        assert not grid.yellow("1.5", SELF_VALUE) and not grid.yellow("1.5", SELF_POINTS)
        assert grid.cell("1.5", "Quy tắc").value == (
            "Từ 80: 2,00 điểm; từ 50: 1,00 điểm; dưới 50: 0,00 điểm (giá trị lấy từ chỉ số 766 "
            "(thành phần 4, kỳ 2026-10); sửa giá trị trên cổng, kèm lý do)"
        )
        # The survey item and the header rows take nothing.
        assert not grid.yellow("2.1", SELF_POINTS) and not grid.yellow("1", SELF_VALUE)

    def test_bonus_and_deduction_items_come_like_the_others_with_their_cap_to_read(
        self, sheet, people
    ):
        apply_score_changes(
            sheet,
            [ScoreChange("T.1", self_points=D("0.75")), ScoreChange("D.2", self_value=D(1))],
            source="test",
        )
        grid = Grid(download(sheet, people["staff_a"]))
        assert grid.cell("T.1", SELF_POINTS).value == D("0.75")
        assert grid.yellow("T.1", SELF_POINTS)
        assert grid.cell("D.2", SELF_VALUE).value == "có"  # a deduction's yes_no: did it happen
        assert grid.cell("D.2", SELF_POINTS).value == 1
        assert grid.yellow("D.1", SELF_VALUE)
        assert grid.cell("D", "Quy tắc").value == "Tổng điểm của mục không vượt 0,50"
        assert grid.cell("D", "Điểm tối đa").value == D("0.5")
        assert not grid.yellow("D", SELF_POINTS)

    def test_values_are_written_as_people_read_them(self, sheet, people):
        apply_score_changes(
            sheet,
            [
                ScoreChange("1.1", self_value=D("85.5")),
                ScoreChange("1.3", self_value=D(0)),
                ScoreChange("1.4", self_value=D(2)),
            ],
            source="test",
        )
        grid = Grid(download(sheet, people["staff_a"]))
        assert grid.cell("1.1", SELF_VALUE).value == 85.5
        assert grid.cell("1.1", SELF_POINTS).value == 1
        assert grid.cell("1.3", SELF_VALUE).value == "không đạt"
        assert grid.cell("1.4", SELF_VALUE).value == 2
        assert grid.cell("1.4", SELF_POINTS).value == D("0.5")
        assert grid.cell("1.4", SELF_POINTS).number_format == "0.00"

    def test_a_plain_framework_keeps_its_file(self, people):
        from tests.factories import make_year

        year = make_year(2024)
        grid = Grid(download(make_sheet(Unit.objects.get(code="STP"), year), people["staff_a"]))
        assert "Quy tắc" not in grid.header and SELF_VALUE not in grid.header


# --------------------------------------------------------------------------- self-assessment


class TestValues:
    def test_the_unit_fills_values_sees_the_points_that_follow_and_confirms(self, sheet, people):
        staff = people["staff_a"]
        data = edit(
            download(sheet, staff),
            {
                ("1.1", SELF_VALUE): 85,
                ("1.2", SELF_POINTS): 7.5,
                ("1.3", SELF_VALUE): "Đạt",
                ("1.4", SELF_VALUE): "3",
                ("D.1", SELF_VALUE): 2,
                ("D.2", SELF_VALUE): "không",
            },
        )
        result = preview(sheet, staff, data)
        assert changes(result) == [
            ("1.1", SELF_VALUE, "–", "85 → 1,00 điểm"),
            ("1.2", SELF_POINTS, "–", "7,50"),
            ("1.3", SELF_VALUE, "–", "đạt → 1,00 điểm"),
            ("1.4", SELF_VALUE, "–", "3 → 0,25 điểm"),
            ("D.1", SELF_VALUE, "–", "2 → 0,50 điểm"),
            ("D.2", SELF_VALUE, "–", "không → 0,00 điểm"),
        ]
        assert not Score.objects.exists()  # the preview saved nothing
        assert confirm(sheet, staff, result) == 6
        assert (stored("1.1").self_value, stored("1.1").self_points) == (D(85), D(1))
        assert stored("1.2").self_points == D("7.5")
        assert (stored("1.3").self_value, stored("1.3").self_points) == (D(1), D(1))
        assert (stored("1.4").self_value, stored("1.4").self_points) == (D(3), D("0.25"))
        assert (stored("D.1").self_value, stored("D.1").self_points) == (D(2), D("0.5"))
        assert (stored("D.2").self_value, stored("D.2").self_points) == (D(0), D(0))
        assert Score.history.filter(history_change_reason="upload").count() == 6

    def test_a_changed_value_shows_old_and_new_with_their_points(self, sheet, people):
        apply_score_changes(sheet, [ScoreChange("1.1", self_value=D(60))], source="test")
        data = edit(download(sheet, people["staff_a"]), {("1.1", SELF_VALUE): "85,5"})
        result = preview(sheet, people["staff_a"], data)
        assert changes(result) == [("1.1", SELF_VALUE, "60 → 0,50 điểm", "85,5 → 1,00 điểm")]
        confirm(sheet, people["staff_a"], result)
        assert (stored("1.1").self_value, stored("1.1").self_points) == (D("85.5"), D(1))

    def test_yes_no_takes_words_or_one_and_zero_in_any_case(self, sheet, people):
        for typed, value in (("KHÔNG ĐẠT", 0), ("có", 1), (0, 0), ("1", 1), ("Đạt", 1)):
            data = edit(download(sheet, people["staff_a"]), {("1.3", SELF_VALUE): typed})
            result = preview(sheet, people["staff_a"], data)
            if result.changes:
                confirm(sheet, people["staff_a"], result)
            assert stored("1.3").self_value == value, typed

    def test_clearing_a_value_clears_its_points(self, sheet, people):
        apply_score_changes(sheet, [ScoreChange("1.1", self_value=D(90))], source="test")
        data = edit(download(sheet, people["staff_a"]), {("1.1", SELF_VALUE): None})
        result = preview(sheet, people["staff_a"], data)
        assert changes(result) == [("1.1", SELF_VALUE, "90 → 1,00 điểm", "–")]
        confirm(sheet, people["staff_a"], result)
        assert (stored("1.1").self_value, stored("1.1").self_points) == (None, None)

    def test_an_untouched_value_is_not_written_over_a_newer_one(self, sheet, people):
        data = edit(download(sheet, people["staff_a"]), {("1.2", SELF_POINTS): 6})
        apply_score_changes(sheet, [ScoreChange("1.1", self_value=D(70))], source="test")
        result = preview(sheet, people["staff_a"], data)
        assert changes(result) == [("1.2", SELF_POINTS, "–", "6,00")]
        assert [(c.item_code, c.old_shown) for c in result.kept] == [("1.1", "70 → 0,50 điểm")]

    def test_a_value_changed_on_both_sides_is_a_conflict(self, sheet, people):
        data = edit(download(sheet, people["staff_a"]), {("1.1", SELF_VALUE): 85})
        apply_score_changes(sheet, [ScoreChange("1.1", self_value=D(70))], source="test")
        assert refused(sheet, people["staff_a"], data) == [
            "Dòng 10, cột Giá trị tự đánh giá: giá trị trên cổng đã đổi thành “70 → 0,50 điểm” "
            "sau khi bạn tải tệp; hãy tải tệp mới rồi nhập lại."
        ]


class TestRefusals:
    def test_every_bad_cell_is_refused_by_its_row_and_nothing_is_saved(self, sheet, people):
        import_766("10.8")  # the linked item's value comes in: 90 %
        assert stored("1.5").self_value == D(90)
        data = edit(
            download(sheet, people["staff_a"]),
            {
                ("1.1", SELF_POINTS): 1,  # points of a rule item
                ("1.2", SELF_VALUE): 5,  # a value of a plain item
                ("1.1", SELF_VALUE): "đạt",  # a word on a percentage
                ("1.3", SELF_VALUE): 2,  # neither đạt nor không đạt
                ("1.4", SELF_VALUE): "2,5",  # a count that is not whole
                ("1.5", SELF_VALUE): 40,  # the linked item's value
                ("1.5", SELF_POINTS): 0,  # ... and its points
                ("D.1", SELF_VALUE): "-1",  # negative
                ("T.1", SELF_POINTS): "0.755",  # more decimals than the year's two
            },
        )
        assert refused(sheet, people["staff_a"], data) == [
            "Dòng 10, cột Giá trị tự đánh giá: tiêu chí 1.1 không phải đạt/không đạt: cần một số.",
            "Dòng 10, cột Điểm tự đánh giá: ô này chỉ để xem (tiêu chí chấm theo quy tắc: nhập "
            "giá trị đo, điểm tự tính theo quy tắc); không sửa.",
            "Dòng 11, cột Giá trị tự đánh giá: ô này chỉ để xem (tiêu chí nhập điểm, không nhập "
            "giá trị đo); không sửa.",
            "Dòng 12, cột Giá trị tự đánh giá: giá trị tự đánh giá của tiêu chí 1.3 là đạt (1) "
            "hoặc không đạt (0), không phải 2.",
            "Dòng 13, cột Giá trị tự đánh giá: giá trị tự đánh giá của tiêu chí 1.4 là số lần, "
            "phải là số nguyên (2,5).",
            "Dòng 14, cột Giá trị tự đánh giá: ô này chỉ để xem (giá trị lấy từ chỉ số 766 "
            "(thành phần 4, kỳ 2026-10); sửa giá trị trên cổng, kèm lý do); không sửa.",
            "Dòng 14, cột Điểm tự đánh giá: ô này chỉ để xem (giá trị lấy từ chỉ số 766 "
            "(thành phần 4, kỳ 2026-10); sửa giá trị trên cổng, kèm lý do); không sửa.",
            "Dòng 18, cột Giá trị tự đánh giá: không được âm (-1)",
            "Dòng 21, cột Điểm tự đánh giá: tối đa 2 chữ số thập phân, nhận được “0.755”",
        ]


# --------------------------------------------------------------------------- appraisal


class TestAppraisal:
    @pytest.fixture
    def claimed(self, sheet):
        apply_score_changes(
            sheet,
            [ScoreChange("1.1", self_value=D(85)), ScoreChange("1.2", self_points=D(8))],
            source="test",
        )
        set_state(sheet, YearState.APPRAISAL)
        return sheet

    def test_the_appraisal_file_shows_the_units_value_beside_the_appraisers(self, claimed, people):
        grid = Grid(download(claimed, people["appraiser"], roundtrip.APPRAISAL))
        assert grid.header[4:] == [
            "Quy tắc",
            "Không áp dụng",
            "Giá trị tự đánh giá",
            "Điểm tự đánh giá",
            "Ghi chú của đơn vị",
            VALUE,
            POINTS,
            REASON,
        ]
        assert grid.cell("1.1", SELF_VALUE).value == 85
        assert not grid.yellow("1.1", SELF_VALUE)
        assert grid.yellow("1.1", VALUE) and not grid.yellow("1.1", POINTS)
        assert grid.yellow("1.2", POINTS) and not grid.yellow("1.2", VALUE)

    def test_appraisers_correct_a_value_with_a_reason_and_the_points_follow(self, claimed, people):
        appraiser = people["appraiser"]
        data = edit(
            download(claimed, appraiser, roundtrip.APPRAISAL),
            {("1.1", VALUE): 70, ("1.1", REASON): "Số liệu quý IV thấp hơn", ("1.2", POINTS): 8},
        )
        result = preview(claimed, appraiser, data, roundtrip.APPRAISAL)
        assert changes(result) == [
            ("1.1", VALUE, "–", "70 → 0,50 điểm"),
            ("1.1", REASON, "–", "Số liệu quý IV thấp hơn"),
            ("1.2", POINTS, "–", "8,00"),
        ]
        confirm(claimed, appraiser, result, roundtrip.APPRAISAL)
        assert (stored("1.1").value, stored("1.1").points) == (D(70), D("0.5"))
        assert stored("1.1").reason == "Số liệu quý IV thấp hơn"
        assert stored("1.2").points == D(8)

    def test_a_value_unlike_the_units_without_a_reason_is_refused(self, claimed, people):
        data = edit(
            download(claimed, people["appraiser"], roundtrip.APPRAISAL), {("1.1", VALUE): 70}
        )
        assert refused(claimed, people["appraiser"], data, roundtrip.APPRAISAL) == [
            "Tiêu chí 1.1: giá trị thẩm định 70,00 khác giá trị đơn vị tự đánh giá: cần ghi lý do "
            "thẩm định."
        ]

    def test_appraisal_points_of_a_rule_item_are_refused(self, claimed, people):
        data = edit(
            download(claimed, people["appraiser"], roundtrip.APPRAISAL), {("1.1", POINTS): 1}
        )
        assert refused(claimed, people["appraiser"], data, roundtrip.APPRAISAL) == [
            "Dòng 10, cột Điểm thẩm định: ô này chỉ để xem (tiêu chí chấm theo quy tắc: nhập giá "
            "trị đo, điểm tự tính theo quy tắc); không sửa."
        ]


# --------------------------------------------------------------------------- the pages


def test_the_page_previews_a_value_with_its_points_and_confirms_it(client, sheet, people):
    client.force_login(people["staff_a"])
    data = client.get("/nhap-excel/tu-danh-gia/STP/2026/tep-mau.xlsx").content
    upload = io.BytesIO(edit(data, {("1.1", SELF_VALUE): "79,9"}))
    upload.name = "phieu.xlsx"
    response = client.post("/nhap-excel/tu-danh-gia/STP/2026/", {"file": upload})
    assert response.status_code == 200
    html = response.content.decode()
    assert "Tệp thay đổi 1 ô" in html and "79,9 → 0,50 điểm" in html
    assert not Score.objects.exists()
    response = client.post(
        "/nhap-excel/tu-danh-gia/STP/2026/xac-nhan/", {"nonce": response.context["nonce"]}
    )
    assert response.status_code == 302
    assert (stored("1.1").self_value, stored("1.1").self_points) == (D("79.9"), D("0.5"))
    assert stored("1.1").history.first().history_change_reason == "upload"


# --------------------------------------------------------------------------- three decimals


class TestThreeDecimals:
    @pytest.fixture
    def sheet3(self, people):
        return start(make_rule_year(decimals=3))

    def test_points_are_written_with_three_places(self, sheet3, people):
        apply_score_changes(sheet3, [ScoreChange("1.2", self_points=D("7.125"))], source="test")
        grid = Grid(download(sheet3, people["staff_a"]))
        assert grid.cell("1.2", SELF_POINTS).value == D("7.125")
        assert grid.cell("1.2", SELF_POINTS).number_format == "0.000"
        assert grid.cell("1.1", "Quy tắc").value == (
            "Từ 80: 1,000 điểm; từ 50: 0,500 điểm; dưới 50: 0,000 điểm"
        )

    def test_a_three_decimal_round_trip(self, sheet3, people):
        staff = people["staff_a"]
        apply_score_changes(sheet3, [ScoreChange("1.2", self_points=D("7.125"))], source="test")
        data = download(sheet3, staff)
        # Unchanged: 7.125 is not taken for 7.13.
        assert preview(sheet3, staff, data).changes == []
        data = edit(data, {("1.2", SELF_POINTS): 7.375, ("T.1", SELF_POINTS): "0,125"})
        result = preview(sheet3, staff, data)
        assert changes(result) == [
            ("1.2", SELF_POINTS, "7,125", "7,375"),
            ("T.1", SELF_POINTS, "–", "0,125"),
        ]
        confirm(sheet3, staff, result)
        assert (stored("1.2").self_points, stored("T.1").self_points) == (D("7.375"), D("0.125"))

    def test_a_third_decimal_in_the_last_place_is_compared_not_rounded_away(self, sheet3, people):
        apply_score_changes(sheet3, [ScoreChange("1.2", self_points=D("7.125"))], source="test")
        data = edit(download(sheet3, people["staff_a"]), {("1.2", SELF_POINTS): 7.126})
        assert changes(preview(sheet3, people["staff_a"], data)) == [
            ("1.2", SELF_POINTS, "7,125", "7,126")
        ]

    def test_four_decimals_are_refused_with_the_row(self, sheet3, people):
        data = edit(download(sheet3, people["staff_a"]), {("1.2", SELF_POINTS): "7.1255"})
        assert refused(sheet3, people["staff_a"], data) == [
            "Dòng 11, cột Điểm tự đánh giá: tối đa 3 chữ số thập phân, nhận được “7.1255”"
        ]

    def test_the_survey_file_takes_three_places(self, sheet3, people):
        set_state(sheet3, YearState.APPRAISAL)
        year = AssessmentYear.objects.get(pk=sheet3.year_id)
        admin = people["admin"]
        data = roundtrip.to_xlsx(roundtrip.survey_subject(year, admin))
        book = load_workbook(io.BytesIO(data))
        ws = book.active
        row = next(r[0].row for r in ws.iter_rows(min_row=2) if r[0].value == "STP")
        ws.cell(row=row, column=6).value = 8.125
        out = io.BytesIO()
        book.save(out)
        result = roundtrip.read_upload(
            out.getvalue(), roundtrip.survey_subject(year, admin), user=admin
        )
        assert [(c.item_code, c.new_shown) for c in result.changes] == [("2.1", "8,125")]
        roundtrip.apply_upload(
            roundtrip.survey_subject(year, admin), result.to_session(), user=admin
        )
        assert stored("2.1").points == D("8.125")

    def test_rule_points_follow_with_three_places(self, sheet3, people):
        data = edit(download(sheet3, people["staff_a"]), {("1.4", SELF_VALUE): 1})
        result = preview(sheet3, people["staff_a"], data)
        assert changes(result) == [("1.4", SELF_VALUE, "–", "1 → 0,750 điểm")]
        confirm(sheet3, people["staff_a"], result)
        assert stored("1.4").self_points == D("0.75")


# --------------------------------------------------------------------------- the demo's 2026
# Last in the module: the demo is loaded once for the module and stays until its end.


@pytest.fixture(scope="module")
def demo_province(django_db_setup, django_db_blocker):
    from django.db import transaction

    from demo import api as demo
    from tests.queue import clear_queue

    with django_db_blocker.unblock():
        demo.load_demo(today=datetime.date(2026, 11, 20))
        try:
            yield
        finally:
            with transaction.atomic():
                demo.delete_demo()
                clear_queue()


def test_the_demos_2026_frameworks_round_trip_values_without_error(demo_province):
    from django.contrib.auth import get_user_model

    from scoring import calculations as calc
    from scoring.specs import rule_spec

    admin = get_user_model().objects.create_superuser("rt-admin", "rt@example.vn", "x")
    year = AssessmentYear.objects.get(year=2026)
    assert year.state == YearState.APPRAISAL
    sheets = {}
    for sheet in Sheet.objects.filter(year=year).select_related("unit__group").order_by("pk"):
        sheets.setdefault(sheet.unit.group_id, sheet)
    with_rules = 0
    for sheet in sheets.values():
        for kind in (roundtrip.SELF, roundtrip.APPRAISAL):
            data = download(sheet, admin, kind)
            assert preview(sheet, admin, data, kind).changes == []  # unchanged: nothing to do
        subject = subject_of(sheet, admin, roundtrip.APPRAISAL)
        if not subject.with_rules:
            assert "Quy tắc" not in Grid(data).header
            continue
        with_rules += 1
        assert "Quy tắc" in Grid(data).header
        line = next(
            ln
            for ln in subject.lines
            if ln.item.rule == calc.THRESHOLD
            and ln.may_edit("value")
            and not ln.values["not_applicable"]
        )
        spec = rule_spec(line.item)
        assert spec is not None
        top = max(bound for bound, _points in spec.bounds)
        data = edit(
            download(sheet, admin, roundtrip.APPRAISAL),
            {(line.item.code, VALUE): float(top), (line.item.code, REASON): "Kiểm tra tệp"},
        )
        result = preview(sheet, admin, data, roundtrip.APPRAISAL)
        assert [(c.item_code, c.label) for c in result.changes][:1] == [(line.item.code, VALUE)]
        confirm(sheet, admin, result, roundtrip.APPRAISAL)
        score = Score.objects.get(sheet=sheet, item=line.item)
        assert score.value == top
        assert score.points == calc.rule_points(
            spec, line.item.max_points, top, year.rounding, year.decimals
        )
    assert with_rules >= 2  # departments and communes
