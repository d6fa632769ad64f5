"""Every spreadsheet entry point refuses a 15 KB file that unzips into 2 million empty cells
(penetration test, finding 1): the Excel round trip of a sheet and of the survey, the survey
import, the admin's framework import and every import command. Refused with the cap of that
entry point named, nothing saved, in less than 100 MB of memory; never a 500."""

import io

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.core.management.base import CommandError

from lib.tabular import TableError
from scoring.exchange import importers, results_import, roundtrip
from scoring.models import Sheet, YearState
from scoring.permissions import survey_units
from scoring.services.survey import import_survey
from tests.bombs import cell_bomb, peak_of
from tests.factories import db_snapshot, make_sheet, make_unit, make_year, personas
from units import services as unit_services

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
CELLS = "Tệp có quá nhiều ô (tối đa %s ô)"


@pytest.fixture(scope="module")
def bomb():
    return cell_bomb()


@pytest.fixture
def world(db):
    year = make_year(2023, state=YearState.APPRAISAL)
    snv, stp = make_unit("SNV", "Sở Nội vụ"), make_unit("STP", "Sở Tư pháp")
    people = personas(stp, make_unit("SXD", "Sở Xây dựng"), snv)
    make_sheet(stp, year)
    return year, people


def refused_in_little_memory(call) -> list[str]:
    before = db_snapshot()
    outcome, peak = peak_of(call)
    assert isinstance(outcome, TableError | roundtrip.RoundTripError | CommandError), outcome
    assert peak < 100 * MB
    assert db_snapshot() == before
    return getattr(outcome, "messages", None) or [str(outcome)]


@pytest.mark.parametrize(
    ("reader", "cap"),
    [
        (unit_services.read_unit_rows, "100.000"),
        (unit_services.read_lineage_rows, "100.000"),
        (importers.read_framework_rows, "50.000"),
        (importers.read_score_rows, "600.000"),
        (results_import.read_result_rows, "200.000"),
    ],
)
def test_every_importer_refuses_the_bomb_with_its_own_cap(bomb, reader, cap):
    assert refused_in_little_memory(lambda: reader(bomb)) == [CELLS % cap]


def test_the_survey_import_refuses_it(world, bomb):
    year, people = world
    upload = SimpleUploadedFile("dieu-tra.xlsx", bomb)
    messages = refused_in_little_memory(
        lambda: import_survey(
            upload, year, user=people["admin"], allowed_units=survey_units(people["admin"], year)
        )
    )
    assert messages == [CELLS % "500.000"]


def test_the_sheets_round_trip_refuses_it(world, bomb):
    _year, people = world
    sheet = Sheet.objects.select_related("unit__group", "year").get(unit__code="STP")
    subject = roundtrip.sheet_subject(sheet, roundtrip.APPRAISAL, people["appraiser"])
    messages = refused_in_little_memory(
        lambda: roundtrip.read_upload(bomb, subject, user=people["appraiser"])
    )
    assert messages == [CELLS % "50.000"]


@pytest.mark.parametrize(
    "command",
    ["import_units", "import_lineage", "import_framework", "import_scores", "import_results"],
)
def test_every_import_command_refuses_it(command, bomb, tmp_path, world):
    path = tmp_path / "bom.xlsx"
    path.write_bytes(bomb)
    args = {
        "import_units": [str(path)],
        "import_lineage": [str(path)],
        "import_framework": [str(path), "--year", "2023", "--group", "SO"],
        "import_scores": [str(path), "--year", "2023"],
        "import_results": [str(path), "--year", "2023"],
    }[command]
    message = refused_in_little_memory(
        lambda: call_command(command, *args, stdout=io.StringIO(), stderr=io.StringIO())
    )[0]
    assert "Tệp có quá nhiều ô (tối đa" in message


class TestPages:
    """Through the pages a bomb is a page with the message (400), never a 500."""

    def test_the_round_trip_page(self, client, world, bomb):
        _year, people = world
        client.force_login(people["appraiser"])
        response = client.post(
            "/nhap-excel/tham-dinh/STP/2023/",
            {"file": SimpleUploadedFile("phieu.xlsx", bomb)},
        )
        assert response.status_code == 400
        assert response.context["errors"] == [CELLS % "50.000"]

    def test_the_survey_import_page(self, client, world, bomb):
        _year, people = world
        client.force_login(people["admin"])
        response = client.post(
            "/dieu-tra/2023/nhap/", {"file": SimpleUploadedFile("dieu-tra.xlsx", bomb)}
        )
        assert response.status_code == 400
        assert response.context["import_errors"] == [CELLS % "500.000"]

    def test_the_admins_framework_import(self, client, admin_user, bomb):
        make_year(2023)
        client.force_login(admin_user)
        response = client.post(
            "/admin/scoring/framework/nhap-xlsx/",
            {"year": 2023, "group": "SO", "file": SimpleUploadedFile("bo-chi-so.xlsx", bomb)},
        )
        assert response.status_code == 400
        assert response.context["errors"] == [CELLS % "50.000"]
