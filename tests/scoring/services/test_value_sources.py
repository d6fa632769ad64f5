"""The link (issue 19 part 4): a rule item takes its measured value from a related index's
component for a period; the value flows in when the index's values are imported, with its
provenance; an override with a reason is kept on re-import; clearing it restores the index's
value; links that cannot be are refused with the row named."""

import datetime
import re
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command
from django.urls import reverse

from demo.indices import ensure_known_kinds
from indices.exchange import ValueRow
from indices.models import IndexKind
from indices.services import record_values
from scoring import calculations as calc
from scoring.models import AssessmentYear, Item, Result, Score, YearState
from scoring.services.errors import ServiceError
from scoring.services.frameworks import ItemRow, copy_year, replace_framework, set_bands
from scoring.services.value_sources import (
    APPRAISAL_SIDE,
    UNIT_SIDE,
    clear_override,
    override_value,
)
from tests.factories import csv_file, db_snapshot, make_sheet, make_unit, make_user
from units.models import Role

LINK = "766:4@2026-10"
ROWS = [
    ItemRow("1", "Dịch vụ công", None),
    ItemRow(
        "1.1",
        "Tỷ lệ hồ sơ trực tuyến toàn trình",
        D(2),
        "appraisal",
        rule="threshold 80:2 50:1 0:0",
        source=LINK,
    ),
    ItemRow("1.2", "Kế hoạch", D(8), "appraisal"),
]
AS_OF = datetime.date(2026, 11, 5)


@pytest.fixture(autouse=True)
def _known_kinds(db):
    """The 766 kind as the migrations create it (a transactional test may have flushed it)."""
    ensure_known_kinds()


@pytest.fixture
def year(db):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    return year


@pytest.fixture
def unit(year):
    unit = make_unit("STP", "Sở Tư pháp")
    replace_framework(year, unit.group, ROWS)
    set_bands(year, unit.group, [("Tốt", D(90)), ("Khá", D(50)), ("Yếu", D(0))])
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.SELF_ASSESSMENT)
    year.refresh_from_db()
    return unit


def import_766(online: str, period: str = "2026-10", units=("STP",)) -> None:
    """A month of 766 for the units: component 4 (online services, of 12) is `online`."""
    points = {"1": "15", "2": "18", "3": "20", "4": online, "5": "8", "6": "16"}
    record_values(
        IndexKind.objects.get(code="766"),
        period,
        [ValueRow(code, c, D(p), 0) for code in units for c, p in points.items()],
        as_of=AS_OF,
        source="Cổng DVC quốc gia",
    )


def linked() -> Score:
    return Score.objects.get(item__code="1.1", sheet__unit__code="STP")


def test_the_calculations_of_a_link():
    assert calc.parse_value_source(" 766:5@2026-12 ") == ("766", "5", "2026-12")
    assert calc.parse_value_source("766-5-2026-12") is None
    assert calc.parse_value_source("766:@2026-12") is None
    assert calc.value_source_text("766", "5", "2026-12") == "766:5@2026-12"
    assert calc.value_source_text("", "", "") == ""
    assert calc.shift_period_years("2026-12", 1) == "2027-12"
    assert calc.shift_period_years("2026-W42", 1) == "2027-W42"
    assert calc.shift_period_years("2026", 2) == "2028"
    assert calc.component_percent(D(17), D(20)) == D("85.00")
    assert calc.component_percent(D(9), D(12)) == D("75.00")
    assert calc.component_percent(D(2), D(3)) == D("66.67")
    assert calc.component_percent(D(1), D(0)) == D("0.00")


def test_the_value_flows_in_with_its_provenance(unit):
    import_766("9")  # 9 of 12 = 75 % → threshold 50 → 1 point
    score = linked()
    assert (score.source_value, score.self_value, score.value) == (D(75), D(75), D(75))
    assert (score.self_points, score.points) == (D(1), D(1))
    assert score.source_text == LINK
    assert score.source_as_of == AS_OF
    assert score.history.first().history_change_reason == "từ chỉ số 766 kỳ 2026-10"
    assert Result.objects.get(unit=unit).appraisal == D(1)
    # Another month or another index does not touch the item.
    import_766("12", period="2026-09")
    assert linked().source_value == D(75)


def test_an_override_is_kept_on_reimport_and_clearing_it_restores_the_index(unit):
    import_766("9")
    sheet = make_sheet(unit, AssessmentYear.objects.get(year=2026))
    override_value(sheet, "1.1", D(85), "Số liệu của Sở: 85% (báo cáo 10/2026)", side=UNIT_SIDE)
    override_value(sheet, "1.1", D(82), "Thẩm định theo hồ sơ: 82%", side=APPRAISAL_SIDE)
    import_766("3")  # 25 % now
    score = linked()
    assert score.source_value == D(25)
    assert (score.self_value, score.self_points) == (D(85), D(2))
    assert (score.value, score.points) == (D(82), D(2))
    assert score.self_value_override == "Số liệu của Sở: 85% (báo cáo 10/2026)"
    assert score.value_override == "Thẩm định theo hồ sơ: 82%"

    clear_override(sheet, "1.1", side=APPRAISAL_SIDE)
    score = linked()
    assert (score.value, score.points, score.value_override) == (D(25), D(0), "")
    assert (score.self_value, score.self_value_override) == (
        D(85),
        "Số liệu của Sở: 85% (báo cáo 10/2026)",
    )
    assert score.history.first().history_change_reason == "từ chỉ số 766 kỳ 2026-10"
    assert Result.objects.get(unit=unit).appraisal == D(0)
    import_766("12")  # the appraisers' side follows the index again, the unit's does not
    score = linked()
    assert (score.self_value, score.value) == (D(85), D(100))


def test_an_override_needs_a_reason_and_a_linked_item(unit):
    import_766("9")
    sheet = make_sheet(unit, AssessmentYear.objects.get(year=2026))
    with pytest.raises(ServiceError, match="cần ghi lý do khi sửa giá trị lấy từ chỉ số"):
        override_value(sheet, "1.1", D(85), "  ", side=UNIT_SIDE)
    with pytest.raises(ServiceError, match="Tiêu chí 1.2 không lấy giá trị từ chỉ số liên quan"):
        override_value(sheet, "1.2", D(85), "lý do", side=UNIT_SIDE)
    assert linked().self_value == D(75)


def test_a_published_year_is_never_touched(unit):
    import_766("9")
    AssessmentYear.objects.filter(year=2026).update(state=YearState.PUBLISHED)
    import_766("3")
    assert linked().source_value == D(75)
    with pytest.raises(CommandError, match="Năm 2026 đã công bố"):
        call_command("pull_index_values", "--year", "2026")


def test_the_command_pulls_values_imported_before_the_link(db, capsys):
    year = AssessmentYear.objects.create(year=2026, state=YearState.PREPARING)
    unit = make_unit("STP", "Sở Tư pháp")
    import_766("6")  # before the framework exists: nothing to feed
    replace_framework(year, unit.group, ROWS)
    make_sheet(unit, year)
    assert not Score.objects.exists()
    call_command("pull_index_values", "--year", "2026")
    assert "1 tiêu chí liên kết, 1 phiếu, 1 giá trị cập nhật." in capsys.readouterr().out
    assert (linked().self_value, linked().source_as_of) == (D(50), AS_OF)


FRAMEWORK_HEADER = ["code", "name", "max_points", "method", "rule", "source"]


def framework_file(tmp_path, source, rule="threshold 80:2 50:1 0:0"):
    return csv_file(
        tmp_path,
        [
            FRAMEWORK_HEADER,
            ["1", "Dịch vụ công", "", "", "", ""],
            ["1.1", "Tỷ lệ trực tuyến", "2", "appraisal", rule, source],
            ["1.2", "Kế hoạch", "8", "appraisal", "", ""],
        ],
    )


def test_import_framework_stores_the_link_and_copy_year_moves_it(tmp_path, db):
    call_command(
        "import_framework",
        framework_file(tmp_path, "766:5@2026-12"),
        "--year",
        "2026",
        "--group",
        "SO",
    )
    item = Item.objects.get(code="1.1")
    assert (item.source_kind, item.source_component, item.source_period) == ("766", "5", "2026-12")
    copy_year(AssessmentYear.objects.get(year=2026), 2027)
    moved = Item.objects.get(code="1.1", framework__year__year=2027)
    assert (moved.source_kind, moved.source_component, moved.source_period) == (
        "766",
        "5",
        "2027-12",
    )
    assert not Item.objects.get(code="1.2", framework__year__year=2027).source_kind


@pytest.mark.parametrize(
    ("source", "rule", "message"),
    [
        (
            "766-5",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: “766-5” không đúng dạng chỉ số:thành phần@kỳ, ví dụ 766:5@2026-12.",
        ),
        (
            "766:5@2026-12",
            "",
            "Dòng 3, cột source: tiêu chí 1.1 không chấm theo quy tắc, không lấy giá trị từ chỉ số liên quan.",
        ),
        (
            "XYZ:5@2026-12",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: không có chỉ số liên quan mã “XYZ” (có giá trị nhập từ tệp).",
        ),
        (
            "CCHC:1@2026",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: không có chỉ số liên quan mã “CCHC” (có giá trị nhập từ tệp).",
        ),
        (
            "766:9@2026-12",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: chỉ số 766 kỳ 2026-12 không có thành phần “9” được cho điểm.",
        ),
        (
            "766:5@2026",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: kỳ “2026” không hợp lệ cho chỉ số 766 (ví dụ 2026-10).",
        ),
        (
            "766:5@2021-12",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: chỉ số 766 chưa có bộ thành phần cho kỳ 2021-12.",
        ),
        (
            "766:6@2023-12",
            "threshold 80:2 50:1 0:0",
            "Dòng 3, cột source: chỉ số 766 kỳ 2023-12 không có thành phần “6” được cho điểm.",
        ),
    ],
)
def test_links_that_cannot_be_are_refused_with_the_row_named(tmp_path, db, source, rule, message):
    before = db_snapshot()
    with pytest.raises(CommandError) as refused:
        call_command(
            "import_framework",
            framework_file(tmp_path, source, rule),
            "--year",
            "2026",
            "--group",
            "SO",
        )
    assert message in str(refused.value).splitlines()
    assert db_snapshot() == before


class TestPages:
    """The sheet and appraisal pages show the source beside the value; each side overrides."""

    @pytest.fixture
    def people(self, unit):
        return {
            "staff": make_user("canbo", Role.STAFF, unit),
            "other": make_user("khac", Role.STAFF, make_unit("SXD")),
            "appraiser": make_user("thamdinh", Role.APPRAISER, make_unit("SNV")),
        }

    def url(self, side):
        return reverse("value_source", args=["STP", 2026, "1.1", side])

    def test_the_sheet_shows_the_source_and_the_unit_overrides_then_clears(self, client, people):
        import_766("9")
        client.force_login(people["staff"])
        page = client.get(reverse("sheet", args=["STP", 2026])).content.decode()
        assert "Theo chỉ số 766, kỳ 10/2026, cập nhật 05/11/2026:" in page
        assert self.url("unit") in page
        refused = client.post(self.url("unit"), {"value": "85", "reason": ""})
        assert refused.status_code == 400
        assert linked().self_value == D(75)
        saved = client.post(self.url("unit"), {"value": "85,5", "reason": "Số liệu của Sở"})
        assert saved.status_code == 302
        score = linked()
        assert (score.self_value, score.self_value_override, score.value) == (
            D("85.5"),
            "Số liệu của Sở",
            D(75),
        )
        assert score.history.first().history_user == people["staff"]
        page = client.get(reverse("sheet", args=["STP", 2026])).content.decode()
        assert "Đơn vị sửa thành 85,50%" in page
        assert client.post(self.url("unit"), {"clear": "1"}).status_code == 302
        assert (linked().self_value, linked().self_value_override) == (D(75), "")

    def test_only_the_side_may_override(self, client, people):
        import_766("9")
        client.force_login(people["other"])
        assert client.get(self.url("unit")).status_code == 403
        client.force_login(people["staff"])
        assert client.get(self.url("appraisal")).status_code == 403
        assert (
            client.get(reverse("value_source", args=["STP", 2026, "1.2", "unit"])).status_code
            == 404
        )
        # The appraisal is not open yet: refused with the reason, nothing saved.
        client.force_login(people["appraiser"])
        answer = client.post(self.url("appraisal"), {"value": "90", "reason": "Hồ sơ"})
        assert answer.status_code == 400
        assert linked().value == D(75)
        AssessmentYear.objects.filter(year=2026).update(state=YearState.APPRAISAL)
        assert (
            client.post(self.url("appraisal"), {"value": "90", "reason": "Hồ sơ"}).status_code
            == 302
        )
        assert (linked().value, linked().points, linked().value_override) == (D(90), D(2), "Hồ sơ")
        page = client.get(reverse("appraisal_sheet", args=["STP", 2026])).content.decode()
        assert "Theo chỉ số 766, kỳ 10/2026" in page
        assert "Thẩm định sửa thành 90,00%: Hồ sơ" in page

    def test_the_sheets_own_input_cannot_change_a_value_fed_by_the_index(self, client, people):
        """Typed on the sheet, a linked value would be replaced by the next import: the input is
        read-only there and the change goes through the reasoned override above."""
        import_766("9")
        client.force_login(people["staff"])
        page = client.get(reverse("sheet", args=["STP", 2026]))
        form = page.context["form"]
        (value_input,) = re.findall(
            r'<input[^>]*name="self_value-1.1"[^>]*>', page.content.decode()
        )
        assert " disabled" in value_input
        data = {
            name: ("" if value is None else value)
            for name, value in form.initial.items()
            if not isinstance(value, list)
        }
        data["self_value-1.1"] = "10"
        data["note-1.1"] = "Ghi chú mới"
        saved = client.post(reverse("sheet", args=["STP", 2026]), data)
        assert saved.status_code == 302  # the rest of the sheet is saved
        assert linked().note == "Ghi chú mới"
        assert (linked().self_value, linked().self_value_override) == (D(75), "")
