"""No body is read beyond its route's limit (penetration test, finding 10): a request whose
Content-Length is above the limit of its view is refused with 413 before anything reads it,
the CSRF check included. Routes with files allow their files' limit; every other route allows
REQUEST_MAX_BYTES."""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse

from lib.requests import MULTIPART_MARGIN
from scoring.models import Evidence
from tests.factories import make_sheet, make_unit, make_year, personas

pytestmark = pytest.mark.django_db

MB = 1024 * 1024
PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"


@pytest.fixture
def people(db):
    year = make_year(2023)
    stp = make_unit("STP", "Sở Tư pháp")
    people = personas(stp, make_unit("SXD", "Sở Xây dựng"), make_unit("SNV", "Sở Nội vụ"))
    make_sheet(stp, year)
    return people


def claimed(client, url, length: int, data=None):
    """POST a small body that claims to be ``length`` bytes long: reading it would fail."""
    return client.post(url, data or {"x": "1"}, CONTENT_LENGTH=str(length))


EVIDENCE = reverse("evidence_upload", args=["STP", 2023, "1.1.1"])


def test_a_400_mb_evidence_upload_is_refused_before_its_body_is_read(client, people, settings):
    client.force_login(people["staff_a"])
    response = claimed(client, EVIDENCE, 400 * MB)
    assert response.status_code == 413
    page = response.content.decode().replace("\xa0", " ")
    # Several files at once (as many as an answer to an explanation request): 5 × 20 MB + 1 MB.
    assert "Dữ liệu gửi lên quá lớn (tối đa 101,0 MB cho trang này)" in page
    assert not Evidence.objects.exists()


def test_an_evidence_file_within_the_limit_is_still_taken(client, people):
    client.force_login(people["staff_a"])
    response = client.post(
        EVIDENCE, {"file": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")}
    )
    assert response.status_code in (200, 302)
    assert Evidence.objects.count() == 1


def test_the_limit_follows_the_settings(client, people, settings):
    settings.EVIDENCE_MAX_BYTES = 2 * MB
    settings.ANSWER_MAX_FILES = 3
    client.force_login(people["staff_a"])
    assert claimed(client, EVIDENCE, 3 * 2 * MB + MULTIPART_MARGIN + 1).status_code == 413
    response = client.post(
        EVIDENCE, {"file": SimpleUploadedFile("ke-hoach.pdf", PDF, "application/pdf")}
    )
    assert response.status_code != 413


def test_it_comes_before_the_csrf_check_which_would_read_the_form(people):
    client = Client(enforce_csrf_checks=True)
    client.force_login(people["staff_a"])
    assert claimed(client, EVIDENCE, 400 * MB).status_code == 413


@pytest.mark.parametrize(
    "url",
    ["/dieu-tra/2023/nhap/", "/nhap-excel/tu-danh-gia/STP/2023/", "/nhap-excel/dieu-tra/2023/"],
)
def test_imports_allow_one_spreadsheet(client, people, settings, url):
    client.force_login(people["admin"])
    limit = settings.IMPORT_MAX_BYTES + MULTIPART_MARGIN
    assert claimed(client, url, limit + 1).status_code == 413


def test_the_admins_framework_import_allows_one_spreadsheet(client, admin_user, settings):
    make_year(2023)
    client.force_login(admin_user)
    url = "/admin/scoring/framework/nhap-xlsx/"
    limit = settings.IMPORT_MAX_BYTES + MULTIPART_MARGIN
    assert claimed(client, url, limit + 1).status_code == 413


@pytest.mark.parametrize(
    "url", [reverse("login"), "/phieu/STP/2023/", reverse("password_reset"), "/"]
)
def test_every_other_route_allows_a_small_form(client, people, settings, url):
    assert claimed(client, url, settings.REQUEST_MAX_BYTES + 1).status_code == 413


def test_a_length_that_is_not_a_number_is_refused(client, people):
    response = client.post(reverse("login"), {"x": "1"}, CONTENT_LENGTH="many")
    assert response.status_code == 413


def test_an_answer_to_an_explanation_takes_a_few_files(settings):
    from lib.requests import answer_request_bytes

    assert answer_request_bytes() == settings.EVIDENCE_MAX_BYTES * 5 + MULTIPART_MARGIN
