"""The survey's commands: import_questionnaire, set_survey_weights, import_responses and
survey_points (exact, as the issue states them)."""

import csv
import io
import re
from decimal import Decimal as D

import pytest
from django.core.management import CommandError, call_command

from scoring.models import AssessmentYear, Result, Score, YearState
from survey.models import Answer, Ballot, Option, Question, Questionnaire, TypeWeight
from tests.factories import csv_file, db_snapshot, xlsx_file

from .conftest import QUESTIONNAIRE

HEADER = ["ballot", "unit_code", "respondent_type", "question", "answer"]
# The issue's example for S1: nguoi_dan A and B to Q1, C to Q2; cong_chuc A to Q1.
EXAMPLE = [
    HEADER,
    ["b1", "S1", "nguoi_dan", "Q1", "A"],
    ["b1", "S1", "nguoi_dan", "Q2", "C"],
    ["b1", "S1", "nguoi_dan", "Q3", "B"],
    ["b2", "S1", "nguoi_dan", "Q1", "B"],
    ["b2", "S1", "nguoi_dan", "Q2", ""],
    ["b2", "S1", "nguoi_dan", "Q3", "không trả lời"],
    ["b3", "S1", "cong_chuc", "Q1", "A"],
    ["b3", "S1", "cong_chuc", "Q2", "Không trả lời"],
]


def run(*args) -> str:
    out, err = io.StringIO(), io.StringIO()
    call_command(*args, stdout=out, stderr=err)
    return out.getvalue() + err.getvalue()


def survey_state() -> tuple:
    return (
        sorted(Ballot.objects.values_list("reference", "unit__code", "respondent_type__code")),
        Answer.objects.count(),
        sorted(Question.objects.values_list("code", "item__code")),
        sorted(Option.objects.values_list("question__code", "code", "weight")),
        sorted(TypeWeight.objects.values_list("respondent_type__code", "weight")),
    )


def test_import_questionnaire_stores_questions_options_and_types(year, units, tmp_path):
    out = run(
        "import_questionnaire", csv_file(tmp_path, QUESTIONNAIRE), "--year", "2026", "--group", "SO"
    )
    assert "3 câu hỏi, 11 phương án" in out
    q3 = Question.objects.get(code="Q3")
    assert q3.item.code == "3.2"
    assert [t.code for t in q3.respondent_types.all()] == ["nguoi_dan"]
    assert list(q3.options.values_list("code", "weight")) == [
        ("A", D("100")),
        ("B", D("50")),
        ("C", D("0")),
    ]
    assert not Question.objects.get(code="Q1").respondent_types.exists()


def test_import_questionnaire_refuses_bad_rows_naming_each_and_saves_nothing(year, units, tmp_path):
    rows = [
        QUESTIONNAIRE[0],
        ["Q1", "1.1", "Câu về tiêu chí thẩm định", "A=100 B=0", ""],
        ["Q2", "3.1", "Trọng số quá lớn", "A=120 B=0", ""],
        ["Q3", "3.1", "Một phương án", "A=100", ""],
        ["Q4", "3.1", "Đối tượng lạ", "A=100 B=0", "nguoi_dan sinh_vien"],
        ["Q4", "3.1", "Trùng mã", "A=100 B=0", ""],
        ["Q6", "3.1", "Phương án trùng", "A=100 A=0", ""],
    ]
    before = survey_state()
    with pytest.raises(CommandError) as caught:
        run("import_questionnaire", csv_file(tmp_path, rows), "--year", "2026", "--group", "SO")
    message = str(caught.value)
    for expected in (
        "Dòng 2, cột item_code: “1.1” không phải tiêu chí điều tra xã hội học",
        "Dòng 3, cột options: phương án A: tỷ lệ phải từ 0 đến 100",
        "Dòng 4, cột options: cần ít nhất hai phương án",
        "Dòng 5, cột respondent_types: không có đối tượng “sinh_vien”",
        "Dòng 6, cột code: câu hỏi Q4 đã có ở dòng 5",
        "Dòng 7, cột options: phương án A bị lặp lại",
    ):
        assert expected in message
    assert survey_state() == before
    assert not Questionnaire.objects.exists()


def test_set_survey_weights_replaces_the_years_and_groups_weights(questionnaire):
    run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=60", "lanh_dao=10")
    run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=60", "cong_chuc=40")
    assert sorted(TypeWeight.objects.values_list("respondent_type__code", "weight")) == [
        ("cong_chuc", D("40")),
        ("nguoi_dan", D("60")),
    ]
    with pytest.raises(CommandError, match="“sinh_vien”"):
        run("set_survey_weights", "--year", "2026", "--group", "SO", "sinh_vien=5")
    with pytest.raises(CommandError, match="“nguoi_dan=-3”"):
        run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=-3")
    assert TypeWeight.objects.count() == 2


def test_the_issues_example_end_to_end_gives_1_52_and_apply_records_the_source(
    questionnaire, tmp_path
):
    run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=60", "cong_chuc=40")
    out = run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    assert "3 phiếu (8 câu trả lời)" in out
    table = run("survey_points", "--year", "2026", "--group", "SO", "--format", "csv")
    assert list(csv.reader(io.StringIO(table))) == [
        ["unit_code", "item_code", "points", "answers"],
        ["S1", "3.1", "1.52", "4"],
        ["S1", "3.2", "14.00", "1"],  # one valid answer, B = 50 %: 28 × 50 % (cong_chuc: none)
        ["S2", "3.1", "", "0"],
        ["S2", "3.2", "", "0"],
    ]
    assert "1,52" in run("survey_points", "--year", "2026", "--group", "SO")
    out = run("survey_points", "--year", "2026", "--group", "SO", "--apply")
    assert "Đã ghi 2 điểm" in out and "S2 3.1, S2 3.2" in out
    score = Score.objects.get(sheet__unit__code="S1", item__code="3.1")
    assert score.points == D("1.52")
    assert score.history.first().history_change_reason == "khảo sát"
    assert not Score.objects.filter(sheet__unit__code="S2", item__code="3.1").exists()
    # The result follows through the one save path.
    assert Result.objects.get(unit__code="S1", year__year=2026).survey == D("15.52")


def test_survey_points_stops_at_a_type_that_answered_without_a_weight(questionnaire, tmp_path):
    run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=60")
    run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    with pytest.raises(CommandError, match="“cong_chuc”"):
        run("survey_points", "--year", "2026", "--group", "SO", "--apply")
    assert not Score.objects.filter(item__code="3.1").exists()


def test_apply_is_refused_once_the_year_is_published(questionnaire, tmp_path):
    run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    AssessmentYear.objects.filter(year=2026).update(state=YearState.PUBLISHED)
    with pytest.raises(CommandError, match="đã công bố"):
        run("survey_points", "--year", "2026", "--group", "SO", "--apply")


def test_import_responses_refuses_every_bad_row_by_number_and_saves_nothing(
    questionnaire, tmp_path
):
    run("import_responses", csv_file(tmp_path, EXAMPLE[:2], name="first.csv"), "--year", "2026")
    rows = [
        HEADER,
        ["b1", "S1", "nguoi_dan", "Q1", "A"],  # 2: stored before
        ["c1", "S9", "nguoi_dan", "Q1", "A"],  # 3: unknown unit
        ["c2", "S1", "sinh_vien", "Q1", "A"],  # 4: unknown type
        ["c3", "S1", "cong_chuc", "Q3", "A"],  # 5: Q3 is for citizens only
        ["c4", "S1", "nguoi_dan", "Q1", "E"],  # 6: not an option
        ["c4", "S1", "nguoi_dan", "Q9", "A"],  # 7: no such question
        ["c4", "S2", "nguoi_dan", "Q2", "A"],  # 8: another unit on the same ballot
        ["c5", "S1", "nguoi_dan", "Q1", "A"],
        ["c5", "S1", "nguoi_dan", "Q1", "B"],  # 10: answered twice
        ["", "S1", "nguoi_dan", "Q1", "B"],  # 11: no ballot id
        ["c6", "S1", "nguoi_dan", "Q1", "A"],  # fine
    ]
    before = (survey_state(), db_snapshot())
    with pytest.raises(CommandError) as caught:
        run("import_responses", csv_file(tmp_path, rows), "--year", "2026")
    message = str(caught.value)
    for expected in (
        "Dòng 2, cột ballot: phiếu b1 đã được lưu trước đây",
        "Dòng 3, cột unit_code: không có đơn vị “S9”",
        "Dòng 4, cột respondent_type: không có đối tượng “sinh_vien”",
        "Dòng 5: câu hỏi Q3 không dành cho đối tượng cong_chuc",
        "Dòng 6: “E” không phải phương án của câu Q1",
        "Dòng 7: không có câu hỏi “Q9”",
        "Dòng 8: phiếu c4 đã ghi đơn vị S1",
        "Dòng 10, cột question: phiếu c5 đã trả lời câu Q1",
        "Dòng 11, cột ballot: không được để trống",
    ):
        assert expected in message
    assert "Dòng 12" not in message
    assert (survey_state(), db_snapshot()) == before


def test_import_responses_reads_xlsx_and_refuses_a_file_over_50_mb(questionnaire, tmp_path):
    out = run("import_responses", xlsx_file(tmp_path, EXAMPLE), "--year", "2026")
    assert "3 phiếu" in out
    big = tmp_path / "big.csv"
    big.write_bytes(
        b"ballot,unit_code,respondent_type,question,answer\n" + b"x" * (50 * 1024 * 1024)
    )
    with pytest.raises(CommandError, match="Tệp quá lớn"):
        run("import_responses", str(big), "--year", "2026")
    assert Ballot.objects.count() == 3


def test_a_questionnaire_with_ballots_cannot_be_replaced(questionnaire, tmp_path):
    run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    with pytest.raises(CommandError, match="đã có phiếu trả lời"):
        run(
            "import_questionnaire",
            csv_file(tmp_path, QUESTIONNAIRE, name="again.csv"),
            "--year",
            "2026",
            "--group",
            "SO",
        )


MAPPING = """{
  "questions": {"1. Thông tin có dễ tìm?": "Q1", "2. Công chức có tận tình?": "Q2",
                "3. Có đúng hẹn?": "Q3"},
  "answers": {"Rất hài lòng": "A", "Hài lòng": "B", "Chưa hài lòng": "C", "Không ý kiến": ""},
  "ballot": "_uuid",
  "unit_code": "Đơn vị",
  "respondent_type": {"fixed": "nguoi_dan"}
}"""
# A KoboToolbox-like export: metadata columns, one row per respondent, answers as texts.
KOBO = [
    [
        "start",
        "_uuid",
        "Đơn vị",
        "1. Thông tin có dễ tìm?",
        "2. Công chức có tận tình?",
        "3. Có đúng hẹn?",
        "_submission_time",
    ],
    ["2026-10-01", "k-1", "S1", "Rất hài lòng", "Hài lòng", "Không ý kiến", "2026-10-01"],
    ["2026-10-02", "k-2", "S2", "Chưa hài lòng", "A", "B", "2026-10-02"],
]


def test_a_kobotoolbox_export_goes_through_the_mapping_and_the_same_checks(questionnaire, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text(MAPPING, encoding="utf-8")
    out = run(
        "import_responses", xlsx_file(tmp_path, KOBO), "--year", "2026", "--mapping", str(mapping)
    )
    assert "2 phiếu (6 câu trả lời)" in out
    assert sorted(
        Answer.objects.values_list("ballot__reference", "question__code", "option__code")
    ) == [
        ("k-1", "Q1", "A"),
        ("k-1", "Q2", "B"),
        ("k-1", "Q3", None),
        ("k-2", "Q1", "C"),
        ("k-2", "Q2", "A"),
        ("k-2", "Q3", "B"),
    ]
    # The same export again: every ballot id is refused, nothing more stored.
    bad = [KOBO[0], ["2026-10-03", "k-3", "S1", "Tuyệt vời", "A", "A", ""], *KOBO[1:2]]
    with pytest.raises(CommandError) as caught:
        run(
            "import_responses",
            xlsx_file(tmp_path, bad, name="again.xlsx"),
            "--year",
            "2026",
            "--mapping",
            str(mapping),
        )
    message = str(caught.value)
    assert "Dòng 2: “Tuyệt vời” không phải phương án của câu Q1" in message
    assert "Dòng 3, cột _uuid: phiếu k-1 đã được lưu trước đây" in message
    assert Ballot.objects.count() == 2


def test_a_mapping_that_is_not_complete_is_refused_naming_what_is_missing(questionnaire, tmp_path):
    mapping = tmp_path / "mapping.json"
    mapping.write_text('{"questions": {}, "unit_code": 3}', encoding="utf-8")
    with pytest.raises(CommandError) as caught:
        run(
            "import_responses",
            xlsx_file(tmp_path, KOBO),
            "--year",
            "2026",
            "--mapping",
            str(mapping),
        )
    message = str(caught.value)
    assert "“questions”" in message and "“unit_code”" in message and "“respondent_type”" in message
    assert "“ballot”" in message
    assert not Ballot.objects.exists()


def test_an_item_without_valid_answers_stays_open_in_the_publication_readiness(
    questionnaire, tmp_path
):
    from scoring.services.readiness import publication_readiness
    from scoring.services.scores import get_or_create_sheet
    from units.models import Unit

    get_or_create_sheet(Unit.objects.get(code="S2"), AssessmentYear.objects.get(year=2026))
    run("set_survey_weights", "--year", "2026", "--group", "SO", "nguoi_dan=60", "cong_chuc=40")
    run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    run("survey_points", "--year", "2026", "--group", "SO", "--apply")
    units = {
        u.unit.code: u
        for g in publication_readiness(AssessmentYear.objects.get()).groups
        for u in g.units
    }
    assert units["S1"].survey_missing == 0
    assert units["S2"].survey_missing == 2  # no ballot: no survey points, listed
    assert ("survey", "2/2 tiêu chí điều tra xã hội học chưa có điểm") in units["S2"].open_items()


def test_open_data_and_exports_carry_no_ballot(questionnaire, tmp_path, client):
    from units.models import Unit

    run("import_responses", csv_file(tmp_path, EXAMPLE), "--year", "2026")
    run("survey_points", "--year", "2026", "--group", "SO", "--apply")
    AssessmentYear.objects.filter(year=2026).update(state=YearState.PUBLISHED)
    assert Unit.objects.exists()
    for url in ("/mo/", "/mo/ket-qua-2026.csv", "/mo/ket-qua-2026.json"):
        response = client.get(url)
        body = b"".join(response.streaming_content) if response.streaming else response.content
        text = body.decode()
        assert response.status_code == 200, url
        # As a value of its own (a CSP nonce or a file hash may hold "b1" by chance).
        assert not re.search(r"(?<![\w-])b[123](?![\w-])", text), url


def test_set_survey_targets_replaces_the_ballots_to_collect(questionnaire):
    from survey.models import SampleTarget

    out = run(
        "set_survey_targets", "--year", "2026", "--group", "SO", "nguoi_dan=30", "cong_chuc=10"
    )
    assert "Đã đặt 4 số phiếu" in out
    run("set_survey_targets", "--year", "2026", "--group", "SO", "--unit", "S2", "nguoi_dan=5")
    assert sorted(
        SampleTarget.objects.values_list("unit__code", "respondent_type__code", "target")
    ) == [("S1", "cong_chuc", 10), ("S1", "nguoi_dan", 30), ("S2", "nguoi_dan", 5)]
    with pytest.raises(CommandError, match="“nguoi_dan=nhieu”"):
        run("set_survey_targets", "--year", "2026", "--group", "SO", "nguoi_dan=nhieu")
    with pytest.raises(CommandError, match="“sinh_vien”"):
        run("set_survey_targets", "--year", "2026", "--group", "SO", "sinh_vien=3")
    assert SampleTarget.objects.count() == 3


def test_option_texts_label_the_options_and_a_wrong_one_is_named(year, units, tmp_path):
    rows = [
        [*QUESTIONNAIRE[0], "option_texts"],
        [*QUESTIONNAIRE[1], "A=Rất dễ; B=Dễ; D=Rất khó"],
        [*QUESTIONNAIRE[2], "E=Không có"],
    ]
    with pytest.raises(CommandError, match="Dòng 3, cột option_texts: “E=Không có”"):
        run("import_questionnaire", csv_file(tmp_path, rows), "--year", "2026", "--group", "SO")
    assert not Questionnaire.objects.exists()
    rows[2][-1] = ""
    run(
        "import_questionnaire",
        csv_file(tmp_path, rows, name="ok.csv"),
        "--year",
        "2026",
        "--group",
        "SO",
    )
    assert list(Option.objects.filter(question__code="Q1").values_list("code", "text")) == [
        ("A", "Rất dễ"),
        ("B", "Dễ"),
        ("C", ""),
        ("D", "Rất khó"),
    ]


def test_a_bad_row_after_written_batches_rolls_every_batch_back(
    questionnaire, tmp_path, monkeypatch
):
    from survey import services

    monkeypatch.setattr(services, "BATCH", 2)  # a batch written every 2 answers
    rows = [HEADER]
    for n in range(20):
        rows += [[f"p{n}", "S1", "nguoi_dan", "Q1", "A"], [f"p{n}", "S1", "nguoi_dan", "Q3", "B"]]
    rows.append(["p0", "S1", "nguoi_dan", "Q3", "C"])  # row 42: p0 answered Q3 on row 3
    before = (survey_state(), db_snapshot())
    with pytest.raises(CommandError) as caught:
        run("import_responses", csv_file(tmp_path, rows), "--year", "2026")
    assert "Dòng 42, cột question: phiếu p0 đã trả lời câu Q3" in str(caught.value)
    assert (survey_state(), db_snapshot()) == before


def test_a_ballots_rows_may_be_spread_over_the_file_and_its_batches(
    questionnaire, tmp_path, monkeypatch
):
    from survey import services

    monkeypatch.setattr(services, "BATCH", 3)
    rows = [HEADER]
    rows += [[f"s{n}", "S2", "nguoi_dan", "Q1", "B"] for n in range(10)]
    rows += [[f"s{n}", "S2", "nguoi_dan", "Q2", "không trả lời"] for n in range(10)]
    rows += [[f"s{n}", "S2", "nguoi_dan", "Q3", "A"] for n in range(10)]
    xlsx = xlsx_file(tmp_path, rows)
    out = run("import_responses", xlsx, "--year", "2026")
    assert "10 phiếu (30 câu trả lời)" in out
    assert Ballot.objects.count() == 10
    stored = Answer.objects.filter(ballot__reference="s7")
    assert sorted((a.question.code, a.option.code if a.option else None) for a in stored) == [
        ("Q1", "B"),
        ("Q2", None),
        ("Q3", "A"),
    ]
