"""A framework replaced during its year (issue 16): `import_framework --replace [--crosswalk]`.

The old version (70 appraisal + 30 survey, tests.factories) becomes version 2:
- 1.1.1 keeps its code, its maximum goes from 10 to 5 (points re-checked);
- 1.1.2 is split into 1.1.3 and 1.1.4;
- 1.2 and 2.1 are merged into 2.3;
- 2.2 keeps its code (N/A, note, evidence carried);
- 2.4 is new; 3.1 stays; 3.2 is dropped and 3.3 is new.
"""

import csv
from datetime import timedelta
from decimal import Decimal as D

import pytest
from django.core import mail
from django.core.files.base import ContentFile
from django.urls import reverse
from django.utils import timezone

from scoring.models import (
    AssessmentYear,
    Evidence,
    Framework,
    Item,
    ItemReplacement,
    Result,
    Score,
    Sheet,
    SheetReplacement,
    SheetState,
    YearState,
    YearTransition,
)
from scoring.selectors.versions import sheet_replacement
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import db_snapshot, make_sheet, make_unit, make_user, make_year
from tests.queue import then_run_jobs
from tests.scoring.exchange.test_commands import refused, run
from units.models import Role

HEADER = ["code", "name", "max_points", "method", "na_allowed"]
NEW_ROWS = [
    ["1", "Công tác chỉ đạo, điều hành CCHC", "", "", ""],
    ["1.1", "Kế hoạch CCHC năm", "", "", ""],
    ["1.1.1", "Ban hành kế hoạch đúng hạn", "5", "appraisal", ""],
    ["1.1.3", "Hoàn thành kế hoạch: nhiệm vụ", "5", "appraisal", ""],
    ["1.1.4", "Hoàn thành kế hoạch: báo cáo", "5", "appraisal", ""],
    ["2", "Cải cách thủ tục hành chính", "", "", ""],
    ["2.2", "Tiếp nhận hồ sơ trực tuyến", "20", "appraisal", "1"],
    ["2.3", "Tuyên truyền và công khai TTHC", "30", "appraisal", ""],
    ["2.4", "Số hóa hồ sơ", "5", "appraisal", ""],
    ["3", "Mức độ hài lòng của người dân", "", "", ""],
    ["3.1", "Hài lòng về tiếp cận dịch vụ", "15", "survey", ""],
    ["3.3", "Hài lòng về phục vụ", "15", "survey", ""],
]
MAP = [["1.1.2", "1.1.3"], ["1.1.2", "1.1.4"], ["1.2", "2.3"], ["2.1", "2.3"]]


def write_csv(tmp_path, name, header, rows) -> str:
    path = tmp_path / name
    with path.open("w", encoding="utf-8", newline="") as out:
        csv.writer(out).writerows([header, *rows])
    return str(path)


def replace(tmp_path, rows=NEW_ROWS, mapping=MAP, **options) -> str:
    return run(
        "import_framework",
        write_csv(tmp_path, "v2.csv", HEADER, rows),
        year=2026,
        group="SO",
        replace=True,
        crosswalk=write_csv(tmp_path, "map.csv", ["old_code", "new_code"], mapping),
        decision="QĐ 2712/QĐ-UBND",
        issued_on="31/10/2026",
        reason="Tỉnh ban hành lại bộ chỉ số",
        **options,
    )


@pytest.fixture
def year(db):
    year = make_year(2026, state=YearState.SELF_ASSESSMENT)
    year.self_assessment_deadline = timezone.now() + timedelta(days=10)
    year.save()
    return year


def claims(unit, year, **kwargs):
    sheet = make_sheet(unit, year)
    return apply_score_changes(sheet, [ScoreChange(**kwargs)], source="test")


@pytest.fixture
def unit_a(year):
    unit = make_unit("A")
    sheet = make_sheet(unit, year)
    apply_score_changes(
        sheet,
        [
            ScoreChange("1.1.1", self_points=D("8")),
            ScoreChange("1.1.2", self_points=D("9"), note="Đã hoàn thành 9/10 nhiệm vụ"),
            ScoreChange("1.2", self_points=D("10")),
            ScoreChange("2.1", self_points=D("18")),
            ScoreChange("2.2", not_applicable=True, note="Không có hồ sơ trực tuyến"),
            ScoreChange("3.2", points=D("12")),
            ScoreChange("3.1", points=D("14")),
        ],
        source="test",
    )
    score = Score.objects.get(sheet=sheet, item__code="2.2")
    Evidence.objects.create(
        score=score,
        file=ContentFile(b"%PDF-1.4", name="bao-cao.pdf"),
        original_name="bao-cao.pdf",
        content_type="application/pdf",
        size=8,
    )
    Sheet.objects.filter(pk=sheet.pk).update(
        state=SheetState.SUBMITTED, submitted_at=timezone.now()
    )
    make_user("canbo.a", role=Role.STAFF, unit=unit)
    return unit


def test_the_old_version_stays_and_the_new_one_is_in_force(tmp_path, unit_a, year):
    out = replace(tmp_path)
    versions = list(Framework.versions.filter(year=year).order_by("version"))
    assert [(f.version, f.active) for f in versions] == [(1, False), (2, True)]
    assert versions[1].decision == "QĐ 2712/QĐ-UBND"
    assert versions[1].issued_on.isoformat() == "2026-10-31"
    assert versions[0].replaced_at is not None
    assert Framework.objects.get(year=year).version == 2
    # The old items are still there, readable, but no page reads them any more.
    assert Item.all_versions.filter(framework=versions[0], code="1.1.2").exists()
    assert not Item.objects.filter(framework__year=year, code="1.1.2").exists()
    assert "1 tiêu chí chuyển nguyên" not in out
    assert "3 tiêu chí chuyển nguyên, 2 tách, 1 gộp, 2 mới, 1 bỏ" in out


def test_each_kind_of_mapping(tmp_path, unit_a, year):
    replace(tmp_path)
    kinds = sorted(
        (
            line.from_item.code if line.from_item else "",
            line.to_item.code if line.to_item else "",
            line.kind,
        )
        for line in ItemReplacement.objects.select_related("from_item", "to_item")
    )
    assert kinds == [
        ("", "2.4", "new"),
        ("", "3.3", "new"),
        ("1.1.1", "1.1.1", "same"),
        ("1.1.2", "1.1.3", "split"),
        ("1.1.2", "1.1.4", "split"),
        ("1.2", "2.3", "merge"),
        ("2.1", "2.3", "merge"),
        ("2.2", "2.2", "same"),
        ("3.1", "3.1", "same"),
        ("3.2", "", "dropped"),
    ]


def test_one_to_one_carries_the_score_row_with_na_note_evidence_and_history(tmp_path, unit_a, year):
    before = Score.objects.get(sheet__unit=unit_a, item__code="2.2")
    history = before.history.count()
    replace(tmp_path)
    after = Score.objects.get(sheet__unit=unit_a, item__code="2.2")
    assert after.pk == before.pk
    assert after.item.framework.version == 2
    assert after.not_applicable is True
    assert after.note == "Không có hồ sơ trực tuyến"
    assert [e.original_name for e in after.evidence.all()] == ["bao-cao.pdf"]
    assert after.history.count() == history + 1
    assert after.history.first().history_change_reason == "framework_replaced"


def test_points_above_a_smaller_maximum_are_listed_for_the_unit_never_cut(tmp_path, unit_a, year):
    replace(tmp_path)
    score = Score.objects.get(sheet__unit=unit_a, item__code="1.1.1")
    assert score.self_points is None
    record = SheetReplacement.objects.get(sheet__unit=unit_a)
    assert (
        "1.1.1: 8,00 điểm tự đánh giá vượt điểm tối đa mới 5,00; cần nhập lại." in record.to_review
    )
    old = {entry["code"]: entry for entry in record.old_scores}
    assert old["1.1.1"]["self_points"] == "8.00"
    assert old["1.1.1"]["max_points"] == "10.00"


def test_points_within_the_new_maximum_are_kept(tmp_path, year):
    unit = make_unit("B")
    claims(unit, year, item_code="1.1.1", self_points=D("4.5"))
    replace(tmp_path)
    assert Score.objects.get(sheet__unit=unit, item__code="1.1.1").self_points == D("4.5")
    record = SheetReplacement.objects.get(sheet__unit=unit)
    assert not any(note.startswith("1.1.1") for note in record.to_review)


def test_split_merged_and_new_items_are_listed_with_the_old_values_beside(tmp_path, unit_a, year):
    replace(tmp_path)
    record = SheetReplacement.objects.get(sheet__unit=unit_a)
    assert (
        "1.1.3: tách từ 1.1.2; cần tự đánh giá lại (giá trị cũ hiển thị bên cạnh)."
        in record.to_review
    )
    assert (
        "2.3: gộp từ 1.2, 2.1; cần tự đánh giá lại (giá trị cũ hiển thị bên cạnh)."
        in record.to_review
    )
    assert "2.4: tiêu chí mới; cần tự đánh giá." in record.to_review
    assert "3.2: không còn trong bộ chỉ số mới." in record.to_review
    # Nothing is entered on the new items; the old scores stay on the old items.
    sheet = Sheet.objects.get(unit=unit_a)
    assert not Score.objects.filter(sheet=sheet, item__code__in=["1.1.3", "2.3"]).exists()
    assert Score.all_versions.get(sheet=sheet, item__code="1.1.2").self_points == D("9")
    framework = Framework.objects.get(year=year)
    beside = sheet_replacement(sheet).beside
    new_items = {item.code: item.pk for item in framework.items.all()}
    assert [e.code for e in beside[new_items["1.1.4"]]] == ["1.1.2"]
    assert beside[new_items["1.1.4"]][0].note == "Đã hoàn thành 9/10 nhiệm vụ"
    assert beside[new_items["1.1.4"]][0].self_points == D("9")
    assert sorted(e.code for e in beside[new_items["2.3"]]) == ["1.2", "2.1"]


def test_a_changed_submitted_sheet_goes_back_to_draft_and_the_unit_is_told(tmp_path, unit_a, year):
    with then_run_jobs():
        replace(tmp_path)
    sheet = Sheet.objects.get(unit=unit_a)
    assert sheet.state == SheetState.DRAFT
    assert sheet.history.first().history_change_reason == "framework_replaced"
    record = SheetReplacement.objects.get(sheet=sheet)
    assert record.sent_back
    assert record.decision == "Trả về đang soạn vì nội dung phiếu thay đổi theo phiên bản 2."
    (message,) = mail.outbox
    assert message.to == ["canbo.a@example.vn"]
    assert "phiếu trả về đang soạn" in message.subject
    assert "1.1.1: 8,00 điểm tự đánh giá vượt điểm tối đa mới 5,00" in message.body


def test_the_years_history_says_when_and_why(tmp_path, unit_a, year):
    replace(tmp_path)
    transition = YearTransition.objects.get(year=year)
    assert transition.reason == (
        "Thay bộ chỉ số khối SO: phiên bản 1 → 2 (QĐ 2712/QĐ-UBND). Lý do: Tỉnh ban hành lại "
        "bộ chỉ số."
    )


def test_results_follow_the_new_version_at_once(tmp_path, unit_a, year):
    replace(tmp_path)
    result = Result.objects.get(unit=unit_a, year=year)
    # 2.2 not applicable: 100 − 20 = 80 applicable; earned: 3.1 carried (14), nothing else.
    assert result.max_points == D("80.00")
    assert result.total == D("14.00")


def test_past_the_deadline_the_administrator_decides(tmp_path, unit_a, year):
    AssessmentYear.objects.filter(pk=year.pk).update(
        self_assessment_deadline=timezone.now() - timedelta(days=1)
    )
    message = refused(
        "import_framework",
        write_csv(tmp_path, "v2.csv", HEADER, NEW_ROWS),
        year=2026,
        group="SO",
        replace=True,
        crosswalk=write_csv(tmp_path, "map.csv", ["old_code", "new_code"], MAP),
    )
    assert "phiếu đã gửi của A thay đổi theo phiên bản mới" in message
    assert "--past-deadline keep" in message
    with then_run_jobs():
        replace(tmp_path, past_deadline="keep")
    sheet = Sheet.objects.get(unit=unit_a)
    assert sheet.state == SheetState.SUBMITTED
    record = SheetReplacement.objects.get(sheet=sheet)
    assert not record.sent_back
    assert record.decision == (
        "Quá hạn tự đánh giá; quản trị quyết định giữ phiếu đã gửi theo phiên bản 2."
    )
    assert mail.outbox == []


def test_refused_once_the_year_is_published(tmp_path, unit_a, year):
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.PUBLISHED)
    message = refused(
        "import_framework",
        write_csv(tmp_path, "v2.csv", HEADER, NEW_ROWS),
        year=2026,
        group="SO",
        replace=True,
    )
    assert message == "Năm 2026 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."


def test_a_map_naming_unknown_codes_is_refused_row_by_row(tmp_path, unit_a, year):
    message = refused(
        "import_framework",
        write_csv(tmp_path, "v2.csv", HEADER, NEW_ROWS),
        year=2026,
        group="SO",
        replace=True,
        crosswalk=write_csv(
            tmp_path, "map.csv", ["old_code", "new_code"], [*MAP, ["9.9", "2.3"], ["1.2", "7.7"]]
        ),
    )
    assert message.splitlines() == [
        "Dòng 6, cột old_code: “9.9” không phải tiêu chí được chấm điểm của phiên bản đang "
        "áp dụng.",
        "Dòng 7, cột new_code: “7.7” không phải tiêu chí được chấm điểm của phiên bản mới.",
    ]


def test_without_replace_a_framework_with_scores_is_still_refused(tmp_path, unit_a, year):
    message = refused(
        "import_framework",
        write_csv(tmp_path, "v2.csv", HEADER, NEW_ROWS),
        year=2026,
        group="SO",
    )
    assert "đã có điểm chấm" in message


def test_na_no_longer_allowed_is_listed(tmp_path, unit_a, year):
    rows = [row[:4] + [""] for row in NEW_ROWS]
    replace(tmp_path, rows=rows)
    assert not Score.objects.get(sheet__unit=unit_a, item__code="2.2").not_applicable
    record = SheetReplacement.objects.get(sheet__unit=unit_a)
    assert (
        "2.2: tiêu chí không còn được chọn “không áp dụng”; cần tự đánh giá lại."
        in record.to_review
    )


def test_the_round_trip_refuses_a_file_made_from_the_old_version(tmp_path, year):
    from scoring.exchange import roundtrip

    unit = make_unit("B")
    user = make_user("canbo.b", role=Role.STAFF, unit=unit)
    sheet = claims(unit, year, item_code="1.1.1", self_points=D("4"))

    def subject():
        fresh = Sheet.objects.select_related("unit__group", "year").get(pk=sheet.pk)
        return roundtrip.sheet_subject(fresh, roundtrip.SELF, user)

    old_file = roundtrip.to_xlsx(subject())
    replace(tmp_path)
    before = db_snapshot()
    with pytest.raises(roundtrip.RoundTripError) as error:
        roundtrip.read_upload(old_file, subject(), user=user)
    assert error.value.messages == [
        "Tệp này được tạo theo phiên bản 1 của bộ chỉ số; bộ chỉ số đã được thay bằng phiên "
        "bản 2. Hãy tải tệp mới và nhập lại."
    ]
    assert db_snapshot() == before
    # A file made from the new version goes through.
    roundtrip.read_upload(roundtrip.to_xlsx(subject()), subject(), user=user)


# --------------------------------------------------------------------------- the pages


@pytest.fixture
def staff_a(unit_a):
    from django.contrib.auth import get_user_model

    return get_user_model().objects.get(username="canbo.a")


def test_the_sheet_shows_what_changed_and_the_old_values_beside_the_new_inputs(
    client, tmp_path, unit_a, staff_a, year
):
    replace(tmp_path)
    client.force_login(staff_a)
    page = client.get(reverse("sheet", args=["A", 2026])).content.decode()
    assert "Bộ chỉ số đã được thay: phiên bản 1 → phiên bản 2" in page
    assert "QĐ 2712/QĐ-UBND, 31/10/2026" in page
    assert "1.1.1: 8,00 điểm tự đánh giá vượt điểm tối đa mới 5,00; cần nhập lại." in page
    # Beside 1.1.4 (split from 1.1.2): the old claim, note; beside 2.3 the two merged items.
    item = page[page.index('id="item-1.1.4"') :]
    item = item[: item.index('id="item-2.2"')]
    assert "Theo phiên bản cũ:" in item
    assert "1.1.2. Mức độ hoàn thành kế hoạch" in item
    assert "9,00" in item and "Đã hoàn thành 9/10 nhiệm vụ" in item
    merged = page[page.index('id="item-2.3"') :]
    assert "1.2. Tuyên truyền CCHC" in merged and "2.1. Công bố, công khai TTHC" in merged
    assert reverse("sheet_version", args=["A", 2026, 1]) in page


def test_the_sheet_can_be_shown_as_it_was_under_the_old_version(
    client, tmp_path, unit_a, staff_a, year
):
    replace(tmp_path)
    client.force_login(staff_a)
    response = client.get(reverse("sheet_version", args=["A", 2026, 1]))
    page = response.content.decode()
    assert "Phiếu theo bộ chỉ số phiên bản 1" in page
    row = page[page.index("1.1.1. Ban hành kế hoạch đúng hạn") :]
    row = row[: row.index("</tr>")]
    assert "10,00" in row and "8,00" in row  # the old maximum and the claim it held
    assert "bao-cao.pdf" in page
    assert client.get(reverse("sheet_version", args=["A", 2026, 2])).status_code == 404


def test_the_items_history_goes_on_from_the_old_version(client, tmp_path, unit_a, staff_a, year):
    replace(tmp_path)
    client.force_login(staff_a)
    page = client.get(reverse("item_history", args=["A", 2026, "1.1.1"])).content.decode()
    assert "Thay bộ chỉ số" in page
    assert "1.1.1 (phiên bản 1)" in page and "1.1.1 (phiên bản 2)" in page
    assert "8,00" in page  # the claim made under version 1, then cleared


def test_the_years_page_shows_the_replacement(client, tmp_path, unit_a, year):
    replace(tmp_path)
    client.force_login(make_user("quantri", is_superuser=True, is_staff=True))
    page = client.get(reverse("year_manage", args=[2026])).content.decode()
    assert "Đang tự đánh giá (giữ trạng thái)" in page
    assert "Thay bộ chỉ số khối SO: phiên bản 1 → 2 (QĐ 2712/QĐ-UBND)" in page


def test_the_crosswalk_from_other_years_follows_the_new_version(tmp_path, unit_a, year):
    from scoring.models import ItemCrosswalk

    earlier = make_year(2025, state=YearState.PUBLISHED)
    ItemCrosswalk.objects.create(
        from_item=Item.objects.get(framework__year=earlier, code="1.1.1"),
        to_item=Item.objects.get(framework__year=year, code="1.1.2"),
        note="đánh số lại",
    )
    replace(tmp_path)
    current = ItemCrosswalk.objects.filter(to_item__framework__active=True).values_list(
        "from_item__code", "to_item__code", "to_item__framework__version", "note"
    )
    assert sorted(current) == [
        ("1.1.1", "1.1.3", 2, "đánh số lại"),
        ("1.1.1", "1.1.4", 2, "đánh số lại"),
    ]


def test_an_open_explanation_on_a_replaced_item_no_longer_counts(tmp_path, unit_a, year):
    from scoring.duties import unit_duties
    from scoring.models import ExplanationRequest, ExplanationState

    score = Score.objects.get(sheet__unit=unit_a, item__code="1.2")  # merged into 2.3
    ExplanationRequest.objects.create(score=score, question="Bổ sung số liệu")
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    (before,) = unit_duties([unit_a])
    assert len(before.requests) == 1
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.SELF_ASSESSMENT)
    replace(tmp_path)
    AssessmentYear.objects.filter(pk=year.pk).update(state=YearState.APPRAISAL)
    (after,) = unit_duties([unit_a])
    assert not after.requests
    assert ExplanationRequest.objects.get().state == ExplanationState.OPEN  # kept, not counted
