"""Evidence uploads seen from an attacker's side (review of scoring/services/evidence.py and the views).

The workflow's own tests (tests/scoring/test_evidence.py) cover the file kinds, sizes and
permissions; these add hostile files and names: pages and SVG with scripts, polyglots, names
that try to climb out of the folder or inject headers and markup.
"""

import re

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from scoring.models import Evidence
from scoring.services import evidence
from tests.factories import make_sheet, make_unit, make_year, personas

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"
SVG = (
    b'<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg" onload="alert(1)">'
    b"<script>alert(document.domain)</script></svg>"
)
# A valid GIF header followed by a page: a "polyglot" that browsers sniffing content might run.
GIF_POLYGLOT = b"GIF89a\x01\x00\x01\x00\x80\x00\x00\x00\x00\x00\xff\xff\xff!\xf9\x04" + HTML
HOSTILE_NAME = '../../etc/"><img src=x onerror=alert(1)>"; x=\r\nSet-Cookie: a=b.pdf'


@pytest.fixture
def world(db):
    year = make_year(2023)
    unit_a, unit_b = make_unit("STP", "Sở Tư pháp"), make_unit("SXD", "Sở Xây dựng")
    people = personas(unit_a, unit_b, make_unit("SNV", "Sở Nội vụ"))
    make_sheet(unit_a, year)
    return people


def post(client, name: str, content: bytes, content_type: str, unit="STP"):
    url = reverse("evidence_upload", args=[unit, 2023, "1.1.1"])
    return client.post(url, {"file": SimpleUploadedFile(name, content, content_type=content_type)})


def stored_files(settings) -> list[str]:
    from pathlib import Path

    root = Path(settings.MEDIA_ROOT)
    return sorted(p.relative_to(root).as_posix() for p in root.rglob("*") if p.is_file())


@pytest.mark.parametrize(
    ("name", "content", "content_type"),
    [
        ("bao-cao.pdf", HTML, "application/pdf"),
        ("bao-cao.html", HTML, "text/html"),
        ("logo.svg", SVG, "image/svg+xml"),
        ("logo.png", SVG, "image/png"),
        ("ke-hoach.pdf", b"  \n" + HTML + PDF, "application/pdf"),
    ],
)
def test_pages_and_scripts_are_refused_whatever_their_name_or_declared_type(
    client, world, settings, name, content, content_type
):
    client.force_login(world["staff_a"])
    response = post(client, name, content, content_type)
    assert response.status_code == 400
    assert "không phải PDF, Word, Excel hay ảnh" in response.content.decode()
    assert Evidence.objects.count() == 0
    assert stored_files(settings) == []


def test_a_polyglot_image_is_only_ever_downloaded_as_an_attachment_in_a_sandbox(client, world):
    client.force_login(world["staff_a"])
    assert post(client, "anh.gif", GIF_POLYGLOT, "text/html").status_code == 302
    document = Evidence.objects.get()
    response = client.get(reverse("evidence_download", args=["STP", 2023, document.pk]))
    assert response.status_code == 200
    assert response["Content-Type"] == "image/gif"
    assert response["Content-Disposition"] == 'attachment; filename="anh.gif"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"


def test_a_hostile_file_name_is_stored_under_a_generated_name_and_shown_escaped(
    client, world, settings
):
    client.force_login(world["staff_a"])
    assert post(client, HOSTILE_NAME, PDF, "application/pdf").status_code == 302
    document = Evidence.objects.get()
    (path,) = stored_files(settings)
    assert re.fullmatch(r"[\w/.-]+/[0-9a-f]{32}\.pdf", path), path
    assert ".." not in path
    assert "/" not in document.original_name
    assert "\r" not in document.original_name and "\n" not in document.original_name

    download = client.get(reverse("evidence_download", args=["STP", 2023, document.pk]))
    disposition = download["Content-Disposition"]
    assert disposition.startswith("attachment; filename")
    assert "\r" not in disposition and "\n" not in disposition
    assert "Set-Cookie" not in download.headers or "a=b" not in download.headers["Set-Cookie"]

    assert "<img src=x onerror=alert(1)>" in document.original_name
    page = client.get(reverse("evidence_upload", args=["STP", 2023, "1.1.1"])).content.decode()
    assert "<img src=x" not in page
    assert "&lt;img src=x onerror=alert(1)&gt;" in page


def test_control_characters_never_reach_the_kept_name():
    upload = SimpleUploadedFile("bao\r\ncao\x00\x1b.pdf", PDF, content_type="application/pdf")
    assert evidence._original_name(upload) == "baocao.pdf"


def test_another_units_staff_cannot_reach_a_document_by_any_address(client, world):
    client.force_login(world["staff_a"])
    post(client, "ke-hoach.pdf", PDF, "application/pdf")
    document = Evidence.objects.get()
    client.force_login(world["staff_b"])
    own_address = reverse("evidence_download", args=["SXD", 2023, document.pk])
    their_address = reverse("evidence_download", args=["STP", 2023, document.pk])
    assert client.get(their_address).status_code == 403
    assert client.get(own_address).status_code == 404
    assert post(client, "x.pdf", PDF, "application/pdf").status_code == 403
    assert Evidence.objects.count() == 1
