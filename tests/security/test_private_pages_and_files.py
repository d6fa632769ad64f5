"""Signed-in pages are never kept by a browser or a shared cache; public generated files are
built once per year stamp (penetration test: "Also" and finding 8)."""

from unittest import mock

import pytest

from scoring.models import AssessmentYear
from scoring.services.results import recompute_year
from tests.factories import make_small_province, make_unit, make_user
from units.models import Role

pytestmark = pytest.mark.django_db


@pytest.fixture
def year():
    year = make_small_province()
    AssessmentYear.objects.filter(pk=year.pk).update(state="published")
    return AssessmentYear.objects.get(pk=year.pk)


def test_signed_in_pages_say_private_no_store(client, year):
    staff = make_user("canbo", Role.STAFF, make_unit("STP2", "Sở Tư pháp 2"))
    client.force_login(staff)

    for path in ("/", "/cua-toi/", "/don-vi/SNV/"):
        assert client.get(path)["Cache-Control"] == "private, no-store", path


def test_public_pages_for_anonymous_visitors_are_not_marked_private(client, year):
    assert "private" not in client.get("/").get("Cache-Control", "")


def test_the_results_report_is_built_once_per_year_stamp(client, year):
    from scoring.exchange import reports

    real = reports.results_report
    with mock.patch.object(reports, "results_report", side_effect=real) as build:
        first = client.get("/bao-cao/ket-qua-2023.docx")
        second = client.get("/bao-cao/ket-qua-2023.docx")
        assert build.call_count == 1
        assert first.content == second.content
        recompute_year(year)  # a new results version: a new file
        client.get("/bao-cao/ket-qua-2023.docx")
        assert build.call_count == 2
