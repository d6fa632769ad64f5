"""Evidence documents: uploads checked by content and size, stored under generated names, served
only to those who may read the sheet, removable until submission."""

import base64
import io
import zipfile
from datetime import timedelta

from django.core.files.storage import default_storage
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone

from scoring.models import AssessmentYear, Evidence, Sheet, SheetState
from scoring.services import evidence
from scoring.services.errors import ServiceError
from tests.factories import make_sheet, make_unit, make_year, personas

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
PNG = base64.b64decode(
    "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg=="
)
EXE = b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff\x00\x00" + b"\x00" * 48 + b"PE\x00\x00"
HTML = b"<!doctype html><html><body><script>alert(document.cookie)</script></body></html>"


def office_zip(*names: str) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        for name in names:
            archive.writestr(name, "<x/>")
    return out.getvalue()


DOCX = office_zip("[Content_Types].xml", "_rels/.rels", "word/document.xml")
XLSX = office_zip("[Content_Types].xml", "_rels/.rels", "xl/workbook.xml")


def ole2(*streams: str) -> bytes:
    """A minimal OLE2 compound file: header sector, then a directory sector of 128-byte entries."""
    header = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1".ljust(512, b"\x00")
    entries = b""
    for name in ("Root Entry", *streams):
        encoded = name.encode("utf-16-le") + b"\x00\x00"
        entries += encoded.ljust(64, b"\x00") + len(encoded).to_bytes(2, "little")
        entries = entries.ljust(len(entries) + 62, b"\x00")
    return header + entries.ljust(512, b"\x00")


def upload(name: str, content: bytes, content_type="application/octet-stream"):
    return SimpleUploadedFile(name, content, content_type=content_type)


class EvidenceTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.people = personas(cls.unit_a, cls.unit_b, make_unit("SNV", "Sở Nội vụ"))

    def setUp(self):
        self.client.force_login(self.people["staff_a"])

    def upload_url(self, code="1.1.1", unit="STP"):
        return reverse("evidence_upload", args=[unit, 2023, code])

    def post_file(self, name: str, content: bytes, code="1.1.1", **kwargs):
        return self.client.post(self.upload_url(code), {"file": upload(name, content)}, **kwargs)

    def stored(self, name="ke-hoach.pdf", content=PDF, code="1.1.1") -> Evidence:
        response = self.post_file(name, content, code)
        self.assertEqual(response.status_code, 302, response.content[:2000])
        return Evidence.objects.latest("pk")


# --------------------------------------------------------------------------- uploading


class TestUploading(EvidenceTestCase):
    def test_a_pdf_is_stored_under_a_generated_name_and_listed_on_the_item(self):
        response = self.post_file("Kế hoạch CCHC 2023.pdf", PDF, follow=True)

        document = Evidence.objects.get()
        sheet = Sheet.objects.get(unit=self.unit_a)
        self.assertEqual(
            (
                document.original_name,
                document.content_type,
                document.size,
                document.score.item.code,
            ),
            ("Kế hoạch CCHC 2023.pdf", "application/pdf", len(PDF), "1.1.1"),
        )
        self.assertRegex(
            document.file.name, rf"^evidence/{self.year.pk}/{self.unit_a.pk}/[0-9a-f]{{32}}\.pdf$"
        )
        self.assertEqual(document.uploaded_by, self.people["staff_a"])
        self.assertEqual(default_storage.open(document.file.name).read(), PDF)
        self.assertEqual(sheet.version, 0)  # documents do not make open forms stale
        self.assertContains(response, "Đã tải lên “Kế hoạch CCHC 2023.pdf”.")
        self.assertContains(response, "Kế hoạch CCHC 2023.pdf</a>")
        page = self.client.get(reverse("sheet", args=["STP", 2023]))
        self.assertContains(
            page, f'href="{reverse("evidence_download", args=["STP", 2023, document.pk])}"'
        )

    def test_images_word_and_excel_files_are_recognised_by_their_content(self):
        cases = [
            ("anh.png", PNG, "image/png", ".png"),
            ("bao-cao.docx", DOCX, evidence.DOCX.content_type, ".docx"),
            ("so-lieu.xlsx", XLSX, evidence.XLSX.content_type, ".xlsx"),
            (
                "van-ban-cu.doc",
                ole2("WordDocument", "SummaryInformation"),
                "application/msword",
                ".doc",
            ),
            ("bang-cu.xls", ole2("Workbook"), "application/vnd.ms-excel", ".xls"),
            ("khong-duoi", PDF, "application/pdf", ".pdf"),
        ]
        for name, content, content_type, extension in cases:
            with self.subTest(name):
                document = self.stored(name, content)

                self.assertEqual(document.content_type, content_type)
                self.assertTrue(document.file.name.endswith(extension))

    def assert_refused(self, name: str, content: bytes, message: str):
        response = self.post_file(name, content)

        self.assertEqual(response.status_code, 400)
        self.assertEqual(response.context["refusals"], [message])
        self.assertContains(response, message, status_code=400)
        self.assertFalse(Evidence.objects.exists())
        self.assertFalse(default_storage.exists(f"evidence/{self.year.pk}"))

    def not_evidence(self, name: str) -> str:
        return (
            f"Tệp “{name}” không phải PDF, Word, Excel hay ảnh (JPG, PNG, GIF, WebP): nội dung "
            "tệp không khớp, kể cả khi tên tệp có đuôi hợp lệ."
        )

    def test_a_program_renamed_pdf_is_refused(self):
        self.assert_refused("ke-hoach.pdf", EXE, self.not_evidence("ke-hoach.pdf"))

    def test_a_web_page_renamed_pdf_is_refused(self):
        self.assert_refused("bao-cao.pdf", HTML, self.not_evidence("bao-cao.pdf"))

    def test_a_plain_zip_renamed_docx_is_refused(self):
        self.assert_refused(
            "bao-cao.docx", office_zip("a.txt", "b/c.txt"), self.not_evidence("bao-cao.docx")
        )

    def test_a_document_with_macros_is_refused(self):
        docm = office_zip("[Content_Types].xml", "word/document.xml", "word/vbaProject.bin")

        self.assert_refused("bao-cao.docx", docm, self.not_evidence("bao-cao.docx"))

    def test_an_ole2_file_that_is_neither_word_nor_excel_is_refused(self):
        msi = ole2("PowerPoint Document")

        self.assert_refused("cai-dat.doc", msi, self.not_evidence("cai-dat.doc"))

    @override_settings(EVIDENCE_MAX_BYTES=100)
    def test_a_file_above_the_size_limit_is_refused(self):
        self.assert_refused(
            "lon.pdf",
            PDF + b" " * 100,
            f"Tệp “lon.pdf” ({len(PDF) + 100} byte) vượt giới hạn 100 byte.",
        )

    def test_the_limit_defaults_to_20_mb(self):
        self.assertEqual(evidence.max_bytes_label(), "20,0 MB")

    @override_settings(EVIDENCE_MAX_BYTES=1024 * 1024)
    def test_a_file_one_byte_above_one_mb_is_refused_with_sizes_people_read(self):
        self.assert_refused(
            "lon.pdf",
            PDF.ljust(1024 * 1024 + 1, b" "),
            "Tệp “lon.pdf” (1,0 MB) vượt giới hạn 1,0 MB.",
        )

    def test_an_empty_file_is_refused(self):
        self.assert_refused("rong.pdf", b"", "Tệp rỗng: hãy chọn lại tệp.")

    def test_a_survey_item_takes_no_evidence(self):
        response = self.post_file("a.pdf", PDF, code="3.1")

        self.assertEqual(response.status_code, 400)
        self.assertEqual(
            response.context["refusals"],
            ["Tiêu chí 3.1 chấm bằng điều tra xã hội học: đơn vị không nộp tài liệu kiểm chứng."],
        )
        self.assertFalse(Evidence.objects.exists())

    def test_an_item_outside_the_framework_is_404(self):
        self.assertEqual(self.post_file("a.pdf", PDF, code="9.9").status_code, 404)
        self.assertEqual(self.post_file("a.pdf", PDF, code="1.1").status_code, 404)

    def test_uploads_after_submission_are_refused(self):
        sheet = make_sheet(self.unit_a, self.year)
        Sheet.objects.filter(pk=sheet.pk).update(
            state=SheetState.SUBMITTED, submitted_at=timezone.now()
        )

        response = self.post_file("a.pdf", PDF)
        page = self.client.get(self.upload_url())

        self.assertEqual(response.status_code, 400)
        self.assertIn("nên đã khóa", response.context["refusals"][0])
        self.assertIsNone(page.context["form"])
        self.assertContains(page, "nên đã khóa")
        self.assertFalse(Evidence.objects.exists())

    def test_uploads_after_the_deadline_are_refused(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(
            self_assessment_deadline=timezone.now() - timedelta(seconds=1)
        )

        response = self.post_file("a.pdf", PDF)

        self.assertEqual(response.status_code, 400)
        self.assertIn("Đã hết hạn tự đánh giá", response.context["refusals"][0])
        self.assertFalse(Evidence.objects.exists())

    def test_staff_of_another_unit_cannot_upload_or_list(self):
        self.client.force_login(self.people["staff_b"])

        self.assertEqual(self.post_file("a.pdf", PDF).status_code, 403)
        self.assertEqual(self.client.get(self.upload_url()).status_code, 403)
        self.assertFalse(Evidence.objects.exists())

    def test_appraisers_see_the_list_without_an_upload_form_and_cannot_upload(self):
        self.stored()
        self.client.force_login(self.people["appraiser"])

        page = self.client.get(self.upload_url())
        post = self.post_file("b.pdf", PDF)

        self.assertContains(page, "ke-hoach.pdf")
        self.assertIsNone(page.context["form"])
        self.assertNotContains(page, "Xóa</button>")
        self.assertEqual(post.status_code, 403)
        self.assertEqual(Evidence.objects.count(), 1)


# --------------------------------------------------------------------------- downloading


class TestDownloading(EvidenceTestCase):
    def download(self, document: Evidence, unit="STP"):
        return self.client.get(reverse("evidence_download", args=[unit, 2023, document.pk]))

    def test_the_file_is_served_as_an_attachment_that_browsers_do_not_sniff(self):
        document = self.stored("Kế hoạch.pdf")

        response = self.download(document)

        self.assertEqual(response.status_code, 200)
        self.assertEqual(b"".join(response.streaming_content), PDF)
        self.assertEqual(response["Content-Type"], "application/pdf")
        self.assertEqual(
            response["Content-Disposition"],
            "attachment; filename*=utf-8''K%E1%BA%BF%20ho%E1%BA%A1ch.pdf",
        )
        self.assertEqual(response["X-Content-Type-Options"], "nosniff")
        self.assertEqual(response["Cache-Control"], "private, no-store")

    def test_a_pdf_named_docx_downloads_as_a_pdf(self):
        document = self.stored("bao-cao.docx", PDF)

        response = self.download(document)

        self.assertEqual(response["Content-Disposition"], 'attachment; filename="bao-cao.pdf"')

    def test_people_who_may_read_the_sheet_may_download(self):
        document = self.stored()
        for name in ("leader_a", "appraiser", "leadership", "admin"):
            with self.subTest(name):
                self.client.force_login(self.people[name])

                self.assertEqual(self.download(document).status_code, 200)

    def test_staff_of_another_unit_get_403(self):
        document = self.stored()
        self.client.force_login(self.people["staff_b"])

        self.assertEqual(self.download(document).status_code, 403)

    def test_a_document_of_another_unit_through_ones_own_units_address_is_404(self):
        document = self.stored()
        self.client.force_login(self.people["staff_b"])

        self.assertEqual(self.download(document, unit="SXD").status_code, 404)

    def test_anonymous_visitors_are_sent_to_the_login_page(self):
        document = self.stored()
        self.client.logout()

        response = self.download(document)

        self.assertEqual(response.status_code, 302)
        self.assertTrue(response["Location"].startswith("/tai-khoan/login/?next="))

    def test_the_media_folder_is_not_served(self):
        document = self.stored()

        self.assertEqual(self.client.get(f"/media/{document.file.name}").status_code, 404)


# --------------------------------------------------------------------------- removing


class TestRemoving(EvidenceTestCase):
    def delete(self, document: Evidence, unit="STP", **kwargs):
        return self.client.post(
            reverse("evidence_delete", args=[unit, 2023, document.pk]), **kwargs
        )

    def test_the_unit_removes_a_document_before_submission_and_the_file_goes_too(self):
        document = self.stored("ke-hoach.pdf")
        name = document.file.name

        with self.captureOnCommitCallbacks(execute=True):
            response = self.delete(document, follow=True)

        self.assertFalse(Evidence.objects.exists())
        self.assertFalse(default_storage.exists(name))
        self.assertContains(response, "Đã xóa “ke-hoach.pdf”.")
        self.assertEqual(response.request["PATH_INFO"], self.upload_url())

    def test_removal_after_submission_is_refused(self):
        document = self.stored()
        Sheet.objects.filter(unit=self.unit_a).update(
            state=SheetState.SUBMITTED, submitted_at=timezone.now()
        )

        response = self.delete(document, follow=True)

        self.assertTrue(Evidence.objects.filter(pk=document.pk).exists())
        self.assertTrue(default_storage.exists(document.file.name))
        self.assertContains(response, "nên đã khóa")

    def test_staff_of_another_unit_cannot_remove(self):
        document = self.stored()
        self.client.force_login(self.people["staff_b"])

        self.assertEqual(self.delete(document).status_code, 403)
        self.assertEqual(self.delete(document, unit="SXD").status_code, 404)
        self.assertTrue(Evidence.objects.filter(pk=document.pk).exists())

    def test_appraisers_cannot_remove(self):
        document = self.stored()
        self.client.force_login(self.people["appraiser"])

        self.assertEqual(self.delete(document).status_code, 403)

    def test_removal_only_by_post(self):
        document = self.stored()

        response = self.client.get(reverse("evidence_delete", args=["STP", 2023, document.pk]))

        self.assertEqual(response.status_code, 405)
        self.assertTrue(Evidence.objects.exists())


class TestServiceWithoutAView(EvidenceTestCase):
    def test_check_evidence_file_returns_the_kind_and_refuses_the_rest(self):
        self.assertEqual(evidence.check_evidence_file(upload("a.pdf", PDF)), evidence.PDF)
        with self.assertRaises(ServiceError):
            evidence.check_evidence_file(upload("a.pdf", HTML))
