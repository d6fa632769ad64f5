"""Exports of the survey's aggregates: per unit and question, for the survey's readers (CSV and
xlsx) and as open data for published years only; never a ballot id or a token."""

import io
import zipfile

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from scoring.models import AssessmentYear, YearState
from survey import services
from survey.models import Ballot, Questionnaire, RespondentType
from tests.factories import make_unit, make_user
from units.models import Role, Unit

pytestmark = pytest.mark.django_db

RESPONSES = b"""ballot,unit_code,respondent_type,question,answer
PHIEU-XYZ-1,S1,nguoi_dan,Q1,A
PHIEU-XYZ-1,S1,nguoi_dan,Q2,B
PHIEU-XYZ-1,S1,nguoi_dan,Q3,khong tra loi
PHIEU-XYZ-2,S1,cong_chuc,Q1,C
PHIEU-XYZ-2,S1,cong_chuc,Q2,A
PHIEU-XYZ-3,S2,nguoi_dan,Q1,D
"""


@pytest.fixture
def form(questionnaire):
    form = Questionnaire.objects.select_related("year", "group").get()
    services.import_responses(RESPONSES, form.year)
    # and one online ballot by token, whose code must never appear either
    s2 = Unit.objects.get(code="S2")
    citizen = RespondentType.objects.get(code="nguoi_dan")
    token = services.issue_tokens(form, s2, citizen, 1)[0]
    services.cast_ballot(
        form, s2, citizen, {"Q1": "B", "Q2": "", "Q3": "A"}, channel="online", token=token
    )
    return form


def secrets_of(form) -> list[str]:
    """Every ballot reference and token code stored: none may leave in an export."""
    found = [b.reference for b in Ballot.objects.all()]
    found += [b.token.code for b in Ballot.objects.exclude(token=None).select_related("token")]
    assert len(found) == 5
    return found


def csv_rows(response) -> list[dict]:
    text = response.content.decode("utf-8-sig")
    lines = text.strip().split("\r\n")
    keys = lines[0].split(",")
    return [dict(zip(keys, line.split(","), strict=False)) for line in lines[1:]]


def xlsx_text(content: bytes) -> str:
    with zipfile.ZipFile(io.BytesIO(content)) as archive:
        return "".join(archive.read(name).decode("utf-8", "replace") for name in archive.namelist())


def test_the_readers_csv_has_each_unit_and_questions_aggregates(client, form):
    leader = make_user("ld", Role.LEADERSHIP, Unit.objects.get(code="S2"))
    client.force_login(leader)
    response = client.get("/khao-sat/2026/SO/tong-hop.csv")
    assert response.status_code == 200
    assert response["Content-Disposition"] == 'attachment; filename="khao-sat-2026-so.csv"'
    rows = {(r["unit_code"], r["question"]): r for r in csv_rows(response)}
    assert len(rows) == 6  # 2 units × 3 questions
    s1q1 = rows["S1", "Q1"]
    assert (s1q1["valid_answers"], s1q1["answers_A"], s1q1["answers_C"]) == ("2", "1", "1")
    assert (s1q1["satisfaction"], s1q1["mean_weight"]) == ("50.00", "60.00")
    s1q2 = rows["S1", "Q2"]
    assert (s1q2["satisfaction"], s1q2["mean_weight"]) == ("100.00", "80.00")
    s1q3 = rows["S1", "Q3"]  # only "không trả lời": no rate
    assert (s1q3["valid_answers"], s1q3["blank"], s1q3["satisfaction"]) == ("0", "1", "")
    assert s1q3["answers_D"] == ""  # Q3 has no option D
    s2q1 = rows["S2", "Q1"]  # D (0) on paper, B (60) online
    assert (s2q1["valid_answers"], s2q1["satisfaction"], s2q1["mean_weight"]) == (
        "2",
        "50.00",
        "30.00",
    )
    assert rows["S2", "Q2"]["blank"] == "1"
    body = response.content.decode()
    assert not [s for s in secrets_of(form) if s in body]


def test_the_readers_xlsx_shows_the_same_figures_with_vietnamese_headers(client, form, admin_user):
    client.force_login(admin_user)
    response = client.get("/khao-sat/2026/SO/tong-hop.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    values = [list(row) for row in sheet.iter_rows(values_only=True)]
    header = next(row for row in values if row and "Mã đơn vị" in row)
    assert "Tỷ lệ hài lòng (%)" in header and "Số chọn A" in header
    body = values[values.index(header) + 1 :]
    s1q1 = next(r for r in body if r[2] == "S1" and r[4] == "Q1")
    assert s1q1[header.index("Tỷ lệ hài lòng (%)")] == 50
    assert s1q1[header.index("Số câu trả lời hợp lệ")] == 2
    assert not [s for s in secrets_of(form) if s in xlsx_text(response.content)]


def test_only_the_surveys_readers_download_the_aggregates_of_an_open_year(client, form):
    assert client.get("/khao-sat/2026/SO/tong-hop.csv").status_code == 302  # to sign in
    staff = make_user("cb", Role.STAFF, Unit.objects.get(code="S1"))
    client.force_login(staff)
    assert client.get("/khao-sat/2026/SO/tong-hop.csv").status_code == 403
    assert client.get("/khao-sat/2026/SO/tong-hop.xlsx").status_code == 403


def test_open_data_carries_the_aggregates_of_published_years_only_and_no_ballot(client, form):
    assert client.get("/mo/khao-sat-2026-SO.csv").status_code == 404
    assert client.get("/mo/khao-sat-2026-SO.xlsx").status_code == 404
    assert "khao-sat-2026" not in client.get("/mo/").content.decode()

    # Saved as the portal saves a year (a bulk update sends no signal: the cached /mo/ would stay).
    year = AssessmentYear.objects.get(year=2026)
    year.state = YearState.PUBLISHED
    year.save()
    page = client.get("/mo/").content.decode()
    assert "/mo/khao-sat-2026-SO.csv" in page and "/mo/khao-sat-2026-SO.xlsx" in page
    csv_response = client.get("/mo/khao-sat-2026-SO.csv")
    assert csv_response.status_code == 200
    assert len(csv_rows(csv_response)) == 6
    xlsx_response = client.get("/mo/khao-sat-2026-SO.xlsx")
    assert xlsx_response.status_code == 200
    assert client.get("/mo/khao-sat-2026-XA.csv").status_code == 404  # no such questionnaire
    leaked = [
        s
        for s in secrets_of(form)
        for text in (page, csv_response.content.decode(), xlsx_text(xlsx_response.content))
        if s in text
    ]
    assert leaked == []


def test_open_data_leaves_out_the_distribution_of_a_question_too_few_people_answered(client, form):
    """With 1–4 valid answers the published "aggregate" would be someone's answers: the counts
    of answers stay, the distribution and the rates do not (the readers' file keeps them)."""
    AssessmentYear.objects.filter(year=2026).update(state=YearState.PUBLISHED)
    rows = {
        (r["unit_code"], r["question"]): r for r in csv_rows(client.get("/mo/khao-sat-2026-SO.csv"))
    }
    s1q1 = rows["S1", "Q1"]  # 2 valid answers
    assert s1q1["valid_answers"] == "2"
    assert (s1q1["answers_A"], s1q1["satisfaction"], s1q1["mean_weight"]) == ("", "", "")


def test_the_aggregates_read_the_same_number_of_queries_for_more_units(client, form, admin_user):
    client.force_login(admin_user)
    with CaptureQueriesContext(connection) as few:
        client.get("/khao-sat/2026/SO/tong-hop.csv")
    for n in range(3, 9):
        make_unit(f"S{n}")
    with CaptureQueriesContext(connection) as more:
        response = client.get("/khao-sat/2026/SO/tong-hop.csv")
    assert len(csv_rows(response)) == 8 * 3
    assert len(more) == len(few)
