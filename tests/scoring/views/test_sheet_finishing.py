"""Finishing the sheet (issue 15, parts 2 and 3): progress, jump to a domain, a sticky total and
save, an error banner whose entries link to the fields, submit blockers grouped by domain, and
evidence added from the sheet itself (htmx), several files at once, all or none."""

from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import TestCase
from django.urls import reverse

from scoring.models import Evidence, Item, Score, Sheet, YearState
from scoring.permissions import appraised_domains
from scoring.selectors.sheets import sheet_for
from scoring.services.appraisal import request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_sheet, make_unit, make_year, personas
from tests.scoring.views.test_sheet import form_data, sheet_url

PDF = b"%PDF-1.4\n1 0 obj\n<< /Type /Catalog >>\nendobj\ntrailer\n<< /Root 1 0 R >>\n%%EOF\n"
HTMX = {"HTTP_HX_REQUEST": "true"}


def pdf(name: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def assert_drop_zone(test: TestCase, page: str) -> None:
    """The evidence page's and the explanation answer's file field: one drop zone, alike."""
    test.assertIn('class="mb-3 evidence-drop" data-evidence-drop', page)
    test.assertIn("multiple data-evidence-input", page)
    test.assertIn("kéo thả tệp vào đây hoặc chọn tệp", page)
    test.assertIn("js/sheet.js", page)


class FinishingTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023)
        cls.unit = make_unit("STP", "Sở Tư pháp")
        cls.people = personas(cls.unit, make_unit("SXD", "Sở Xây dựng"), make_unit("SNV"))
        Item.objects.filter(framework__year=cls.year, code="2.1").update(evidence_required=True)

    def setUp(self):
        self.client.force_login(self.people["staff_a"])

    def claim(self, **points):
        sheet = make_sheet(self.unit, self.year)
        apply_score_changes(
            sheet, [ScoreChange(code, self_points=value) for code, value in points.items()]
        )
        return sheet

    def upload_url(self, code="2.1"):
        return reverse("evidence_upload", args=["STP", 2023, code])


class TestProgressAndBar(FinishingTestCase):
    def test_the_bar_counts_answered_items_and_required_evidence(self):
        self.claim(**{"1.1.1": 7, "1.2": 5})

        page = self.client.get(sheet_url())

        progress = page.context["progress"]
        self.assertEqual((progress.answered.done, progress.answered.total), (2, 5))
        self.assertEqual((progress.evidence.done, progress.evidence.total), (0, 1))
        self.assertContains(page, '<strong class="num" id="progress-answered">2/5</strong>')
        self.assertContains(page, '<strong class="num" id="progress-evidence">0/1</strong>')
        self.assertContains(page, '<progress class="sheet-progress-bar" value="2" max="5"')
        self.assertContains(page, 'id="domain-progress-1" class="small text-warning-emphasis"')

    def test_the_bar_jumps_to_each_domain_and_saves_the_form(self):
        page = self.client.get(sheet_url())

        for code in ("1", "2", "3"):
            self.assertContains(page, f'<a class="dropdown-item" href="#domain-{code}">')
            self.assertContains(page, f'id="domain-{code}"')
        self.assertContains(page, 'type="submit" form="sheet-form"')

    def test_read_only_readers_get_the_progress_without_a_save_button(self):
        self.claim(**{"1.1.1": 7})
        self.client.force_login(self.people["leadership"])

        page = self.client.get(sheet_url())

        self.assertContains(page, 'id="progress-answered">1/5<')
        self.assertNotContains(page, 'form="sheet-form"')

    def test_the_running_preview_updates_the_progress(self):
        response = self.client.post(
            reverse("sheet_preview", args=["STP", 2023]),
            form_data(**{"self_points-1.1.1": "7", "na-2.2": "on", "self_points-1.2": "x"}),
        )

        self.assertContains(response, 'id="sheet-progress" class="sheet-progress small" hx-swap')
        self.assertContains(response, 'id="progress-answered">2/5<')
        self.assertFalse(Sheet.objects.exists())


class TestErrorBannerAndBlockers(FinishingTestCase):
    def test_each_item_in_error_is_named_with_a_link_to_its_field(self):
        response = self.client.post(
            sheet_url(),
            form_data(**{"self_points-1.1.1": "10,01", "self_points-2.1": "abc"}),
        )

        self.assertContains(
            response,
            '<li><a href="#id_self_points-1.1.1" class="alert-link">Tiêu chí 1.1.1 · '
            "Điểm tự đánh giá</a>: Điểm 10,01 vượt điểm tối đa 10,00.</li>",
            html=True,
        )
        self.assertContains(response, 'href="#id_self_points-2.1" class="alert-link"')
        self.assertFalse(Score.objects.exists())

    def test_the_submit_blockers_link_to_the_items_grouped_by_domain(self):
        self.claim(**{"1.1.1": 7})
        self.client.force_login(self.people["leader_a"])

        page = self.client.get(sheet_url())

        groups = page.context["blockers"]
        self.assertEqual(
            [
                (g["domain"].code, [i.code for i in g["points"]], [i.code for i in g["evidence"]])
                for g in groups
            ],
            [("1", ["1.1.2", "1.2"], []), ("2", ["2.1", "2.2"], ["2.1"])],
        )
        self.assertContains(
            page,
            "Chưa gửi được:</strong> còn 4 tiêu chí chưa tự đánh giá; còn 1 tiêu chí thiếu "
            "tài liệu kiểm chứng bắt buộc.",
        )
        self.assertContains(page, '<a href="#item-2.1" title=')


class TestEvidenceFromTheSheet(FinishingTestCase):
    def test_several_files_are_added_without_saving_the_draft_and_the_block_comes_back(self):
        sheet = self.claim(**{"1.1.1": 7})
        version = Sheet.objects.get(pk=sheet.pk).version

        response = self.client.post(
            self.upload_url(), {"file": [pdf("ke-hoach.pdf"), pdf("bao-cao.pdf")]}, **HTMX
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(response["HX-Trigger"], "evidence-changed")
        self.assertTemplateUsed(response, "scoring/sheet/_evidence.html")
        self.assertContains(response, "Đã tải lên: “ke-hoach.pdf”, “bao-cao.pdf”.")
        self.assertContains(response, 'id="evidence-input-')
        self.assertEqual(
            sorted(Evidence.objects.values_list("original_name", "score__item__code")),
            [("bao-cao.pdf", "2.1"), ("ke-hoach.pdf", "2.1")],
        )
        # The draft being typed stays current: no stale-save refusal after an upload.
        self.assertEqual(Sheet.objects.get(pk=sheet.pk).version, version)

    def test_one_wrong_file_stores_none_and_is_named(self):
        response = self.client.post(
            self.upload_url(),
            {
                "file": [
                    pdf("ke-hoach.pdf"),
                    SimpleUploadedFile("virus.pdf", b"MZ\x90\x00" + b"\x00" * 60),
                ]
            },
            **HTMX,
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Chưa tải lên:")
        self.assertContains(response, "Tệp “virus.pdf” không phải PDF, Word, Excel hay ảnh")
        self.assertNotContains(response, "ke-hoach.pdf")
        self.assertFalse(Evidence.objects.exists())

    def test_no_file_is_refused_with_a_message(self):
        response = self.client.post(self.upload_url(), {}, **HTMX)

        self.assertContains(response, "Hãy chọn một tệp.")
        self.assertFalse(Evidence.objects.exists())

    def test_too_many_files_at_once_are_refused(self):
        with self.settings(ANSWER_MAX_FILES=2):
            response = self.client.post(
                self.upload_url(), {"file": [pdf("a.pdf"), pdf("b.pdf"), pdf("c.pdf")]}, **HTMX
            )

        self.assertContains(response, "Mỗi lần tải lên tối đa 2 tệp.")
        self.assertFalse(Evidence.objects.exists())

    def test_a_file_is_removed_from_the_sheet(self):
        self.client.post(self.upload_url(), {"file": [pdf("ke-hoach.pdf")]}, **HTMX)
        document = Evidence.objects.get()

        response = self.client.post(
            reverse("evidence_delete", args=["STP", 2023, document.pk]), **HTMX
        )

        self.assertContains(response, "Đã xóa “ke-hoach.pdf”.")
        self.assertFalse(Evidence.objects.exists())

    def test_the_sheet_offers_a_drop_zone_per_appraisal_item_outside_the_draft_form(self):
        page = self.client.get(sheet_url()).content.decode()

        form_end = page.index("</form>", page.index('id="sheet-form"'))
        for code in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2"):
            self.assertIn(f'hx-post="{self.upload_url(code)}"', page[form_end:])
        self.assertEqual(page.count("data-evidence-send"), 5)

    def test_the_page_of_the_item_has_the_same_drop_zone_as_the_explanation_answer(self):
        assert_drop_zone(self, self.client.get(self.upload_url()).content.decode())

    def test_without_htmx_the_page_of_the_item_still_takes_several_files(self):
        response = self.client.post(
            self.upload_url(), {"file": [pdf("a.pdf"), pdf("b.pdf")]}, follow=True
        )

        self.assertContains(response, "Đã tải lên “a.pdf”, “b.pdf”.")
        self.assertEqual(Evidence.objects.count(), 2)

    def test_others_cannot_upload(self):
        self.client.force_login(self.people["staff_b"])

        response = self.client.post(self.upload_url(), {"file": [pdf("a.pdf")]}, **HTMX)

        self.assertEqual(response.status_code, 403)
        self.assertFalse(Evidence.objects.exists())


class TestTheExplanationAnswerBehavesLikeTheEvidenceForm(TestCase):
    @classmethod
    def setUpTestData(cls):
        year = make_year(2023, state=YearState.APPRAISAL)
        unit = make_unit("STP", "Sở Tư pháp")
        cls.people = personas(unit, make_unit("SXD"), make_unit("SNV"))
        sheet = make_sheet(unit, year)
        apply_score_changes(sheet, [ScoreChange("1.1.1", self_points=7)])
        cls.explanation = request_explanation(
            sheet_for(unit, year),
            "1.1.1",
            "Đề nghị gửi kế hoạch.",
            user=cls.people["appraiser"],
            domains=appraised_domains(cls.people["appraiser"], sheet_for(unit, year)),
        )
        cls.url = reverse("explanation_answer", args=["STP", 2023, cls.explanation.pk])

    def setUp(self):
        self.client.force_login(self.people["staff_a"])

    def test_the_answer_offers_the_same_drop_zone_for_several_files(self):
        page = self.client.get(self.url).content.decode()

        assert_drop_zone(self, page)

    def test_a_wrong_file_in_the_answer_is_named_and_nothing_is_sent(self):
        response = self.client.post(
            self.url,
            {
                "answer": "Kế hoạch đính kèm.",
                "files": [pdf("ke-hoach.pdf"), SimpleUploadedFile("virus.pdf", b"MZ\x90\x00")],
            },
        )

        self.assertContains(response, "Tệp “virus.pdf” không phải PDF", status_code=400)
        self.assertFalse(Evidence.objects.exists())
