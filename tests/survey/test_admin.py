"""The survey in the Django admin: questionnaires from a file, type weights and sample targets
through the services (their refusals, nothing saved), ballots read-only and for admins alone."""

from decimal import Decimal as D
from pathlib import Path

import pytest
from django.urls import reverse

from survey import services
from survey.models import Ballot, Question, Questionnaire, SampleTarget, TypeWeight
from tests.factories import csv_file, make_group, make_user
from tests.survey.conftest import QUESTIONNAIRE
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def staff_admin(units):
    """A portal admin (Sở Nội vụ) who may use the admin site: not a superuser."""
    return make_user("qt", Role.ADMIN, units[0], is_staff=True)


@pytest.fixture
def form(questionnaire):
    return Questionnaire.objects.get(year=questionnaire)


def one_ballot(year):
    services.import_responses(
        b"ballot,unit_code,respondent_type,question,answer\nB1,S1,nguoi_dan,Q1,A\n", year
    )
    return Ballot.objects.get(reference="B1")


def test_a_questionnaire_file_is_imported_from_the_admin(
    client, staff_admin, year, units, tmp_path
):
    client.force_login(staff_admin)
    url = reverse("admin:survey_questionnaire_import")
    assert client.get(url).status_code == 200
    data = Path(csv_file(tmp_path, QUESTIONNAIRE, name="q.csv"))
    with data.open("rb") as upload:
        response = client.post(url, {"year": year.pk, "group": make_group("SO").pk, "file": upload})
    questionnaire = Questionnaire.objects.get(year=year)
    assert response.status_code == 302
    assert response["Location"] == reverse(
        "admin:survey_questionnaire_change", args=[questionnaire.pk]
    )
    assert questionnaire.questions.count() == 3
    page = client.get(response["Location"]).content.decode()
    assert "A=100 B=60 C=20 D=0" in page  # the options inline
    assert "nguoi_dan" in page


def test_a_bad_questionnaire_file_is_refused_with_its_row_and_saves_nothing(
    client, staff_admin, year, units, tmp_path
):
    client.force_login(staff_admin)
    rows = [*QUESTIONNAIRE, ["Q4", "9.9", "Câu không có tiêu chí", "A=100 B=0", ""]]
    with Path(csv_file(tmp_path, rows, name="q.csv")).open("rb") as upload:
        response = client.post(
            reverse("admin:survey_questionnaire_import"),
            {"year": year.pk, "group": make_group("SO").pk, "file": upload},
        )
    assert response.status_code == 400
    page = response.content.decode()
    assert "Không có gì được lưu" in page
    assert "9.9" in page and "5" in page  # the row (line 5 of the file) and its item
    assert not Questionnaire.objects.exists()
    assert not Question.objects.exists()


def test_type_weights_are_set_with_a_decimal_comma_and_replace_the_old_ones(
    client, staff_admin, form
):
    client.force_login(staff_admin)
    url = reverse("admin:survey_questionnaire_weights", args=[form.pk])
    services.set_type_weights(form.year, form.group, {"lanh_dao": D("10")})
    assert 'value="lanh_dao=10"' in client.get(url).content.decode()
    response = client.post(url, {"weights": "nguoi_dan=60,5 cong_chuc=39,5"})
    assert response.status_code == 302
    weights = dict(
        TypeWeight.objects.filter(year=form.year).values_list("respondent_type__code", "weight")
    )
    assert weights == {"nguoi_dan": D("60.5"), "cong_chuc": D("39.5")}
    listing = client.get(reverse("admin:survey_typeweight_changelist")).content.decode()
    assert "60,50" in listing or "60,5" in listing


def test_bad_type_weights_are_refused_each_named_and_the_old_ones_stay(client, staff_admin, form):
    client.force_login(staff_admin)
    services.set_type_weights(form.year, form.group, {"nguoi_dan": D("60")})
    response = client.post(
        reverse("admin:survey_questionnaire_weights", args=[form.pk]),
        {"weights": "nguoi_dan=0 khach_hang=10"},
    )
    assert response.status_code == 400
    page = response.content.decode()
    assert "nguoi_dan=0" in page
    response = client.post(
        reverse("admin:survey_questionnaire_weights", args=[form.pk]),
        {"weights": "nguoi_dan=60 khach_hang=10"},
    )
    assert response.status_code == 400
    assert "khach_hang" in response.content.decode()
    assert list(TypeWeight.objects.values_list("respondent_type__code", "weight")) == [
        ("nguoi_dan", D("60"))
    ]


def test_sample_targets_are_set_for_every_unit_or_one(client, staff_admin, form):
    client.force_login(staff_admin)
    url = reverse("admin:survey_questionnaire_targets", args=[form.pk])
    assert client.get(url).status_code == 200
    assert client.post(url, {"targets": "nguoi_dan=30 cong_chuc=12"}).status_code == 302
    assert SampleTarget.objects.count() == 4
    assert client.post(url, {"targets": "nguoi_dan=5", "unit": "S2"}).status_code == 302
    targets = set(SampleTarget.objects.values_list("unit__code", "respondent_type__code", "target"))
    assert targets == {("S1", "nguoi_dan", 30), ("S1", "cong_chuc", 12), ("S2", "nguoi_dan", 5)}


def test_bad_sample_targets_are_refused_and_nothing_changes(client, staff_admin, form):
    client.force_login(staff_admin)
    url = reverse("admin:survey_questionnaire_targets", args=[form.pk])
    client.post(url, {"targets": "nguoi_dan=30"})
    before = set(SampleTarget.objects.values_list("unit__code", "respondent_type__code", "target"))
    for data, named in (
        ({"targets": "nguoi_dan=ba"}, "nguoi_dan=ba"),
        ({"targets": "nguoi_dan=3", "unit": "XA-9"}, "XA-9"),
        ({"targets": "ai_do=3"}, "ai_do"),
    ):
        response = client.post(url, data)
        assert response.status_code == 400, data
        assert named in response.content.decode()
    after = set(SampleTarget.objects.values_list("unit__code", "respondent_type__code", "target"))
    assert after == before


def test_the_questionnaires_questions_cannot_be_changed_in_the_admin(client, staff_admin, form):
    client.force_login(staff_admin)
    page = client.get(reverse("admin:survey_questionnaire_change", args=[form.pk]))
    assert page.status_code == 200
    assert "questions-0-text" not in page.content.decode()  # read-only inline
    assert client.get(reverse("admin:survey_questionnaire_add")).status_code == 403
    assert (
        client.get(reverse("admin:survey_questionnaire_delete", args=[form.pk])).status_code == 403
    )


def test_a_ballot_is_read_only_for_admins_and_hidden_from_everyone_else(
    client, staff_admin, form, units
):
    ballot = one_ballot(form.year)
    client.force_login(staff_admin)
    url = reverse("admin:survey_ballot_change", args=[ballot.pk])
    page = client.get(url)
    assert page.status_code == 200
    assert "Q1" in page.content.decode()
    assert client.post(url, {"reference": "B2"}).status_code == 403
    assert client.get(reverse("admin:survey_ballot_delete", args=[ballot.pk])).status_code == 403
    assert Ballot.objects.get().reference == "B1"

    # Staff of the admin site who are not the survey's administrators see no ballot.
    leader = make_user("ld", Role.LEADERSHIP, units[1], is_staff=True, is_superuser=False)
    client.force_login(leader)
    assert client.get(url).status_code == 403
    assert client.get(reverse("admin:survey_ballot_changelist")).status_code == 403
    assert "survey/ballot" not in client.get(reverse("admin:index")).content.decode()
