"""The appraisal sheet as a working tool: a domain saved alone in the background (htmx), the bulk
"accept the claim", explanation requests swapped in place, the items' filter flags."""

from decimal import Decimal as D

from scoring.models import ExplanationRequest, Score
from scoring.services.appraisal import answer_explanation, request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.scoring.services.test_appraisal import AppraisalTestCase, pdf, sheet_url

HTMX = {"HTTP_HX_REQUEST": "true"}


class TestSavingOneDomain(AppraisalTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.people["appraiser"])

    def post(self, *, htmx=True, **values):
        data = {"version": str(self.sheet.version), **values}
        return self.client.post(sheet_url(), data, **(HTMX if htmx else {}))

    def test_a_domain_saves_alone_and_what_is_typed_in_another_domain_is_not_read(self):
        response = self.post(
            **{"linh-vuc": "1", "points-1.1.1": "10", "points-2.1": "pas un nombre"}
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.score("1.1.1").points, D("10.00"))
        self.assertIsNone(self.score("2.1").points)
        body = response.content.decode()
        # Only out-of-band swaps: domain 1, the version, the totals, the progress, the message.
        self.assertIn('id="domain-1"', body)
        self.assertNotIn('id="domain-2"', body)
        self.assertIn(f'name="version" value="{self.sheet.version + 1}"', body)
        self.assertIn("Đã lưu điểm thẩm định lĩnh vực 1.", body)
        self.assertIn('id="appraisal-progress"', body)

    def test_a_refused_domain_comes_back_with_what_was_typed_and_its_errors(self):
        response = self.post(**{"linh-vuc": "1", "points-1.1.1": "7"})

        self.assertEqual(response.status_code, 400)
        self.assertContains(response, 'value="7"', status_code=400)
        self.assertContains(response, "cần ghi lý do thẩm định", status_code=400)
        self.assertContains(response, "data-dirty", status_code=400)
        self.assertNotContains(response, 'name="version"', status_code=400)
        self.assertIsNone(self.score("1.1.1").points)

    def test_without_htmx_a_domain_save_comes_back_to_its_domain(self):
        response = self.post(htmx=False, **{"linh-vuc": "2", "points-2.1": "20"})

        self.assertRedirects(response, sheet_url() + "#domain-2", fetch_redirect_response=False)
        self.assertEqual(self.score("2.1").points, D("20.00"))

    def test_an_unknown_domain_is_404(self):
        self.assertEqual(self.post(**{"linh-vuc": "9"}).status_code, 404)

    def test_a_stale_page_keeps_what_was_typed(self):
        apply_score_changes(self.sheet, [ScoreChange("1.2", self_points=D("5"))], source="test")

        response = self.post(**{"linh-vuc": "1", "points-1.1.1": "10"})

        self.assertEqual(response.status_code, 409)
        self.assertContains(response, 'value="10"', status_code=409)
        self.assertContains(response, "người khác cập nhật", status_code=409)
        self.assertContains(response, "Tải lại phiếu", status_code=409)
        self.assertIsNone(self.score("1.1.1").points)


class TestAcceptingTheClaim(AppraisalTestCase):
    def setUp(self):
        super().setUp()
        self.client.force_login(self.people["appraiser"])

    def test_the_chosen_items_of_a_domain_take_the_claimed_points_through_the_one_save_path(self):
        response = self.client.post(
            sheet_url(),
            {
                "version": str(self.sheet.version),
                "chap-nhan": "1",
                "chon": ["1.1.1", "1.1.2", "2.1"],
                "reason-1.1.2": "Đúng như tự đánh giá.",
            },
            **HTMX,
        )

        self.assertEqual(response.status_code, 200)
        self.assertEqual(self.score("1.1.1").points, D("10.00"))
        self.assertEqual(
            (self.score("1.1.2").points, self.score("1.1.2").reason),
            (D("8.00"), "Đúng như tự đánh giá."),
        )
        # 2.1 is in domain 2: not this save's.
        self.assertIsNone(self.score("2.1").points)
        record = Score.history.filter(sheet_id=self.sheet.pk, item__code="1.1.1").latest(
            "history_date"
        )
        self.assertEqual(
            (record.points, record.history_change_reason, record.history_user),
            (D("10.00"), "form", self.people["appraiser"]),
        )

    def test_accepting_nothing_is_refused_and_saves_nothing(self):
        response = self.client.post(
            sheet_url(),
            {"version": str(self.sheet.version), "chap-nhan": "1", "points-1.1.1": "10"},
            **HTMX,
        )

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response, "Chưa chọn tiêu chí nào để chấp nhận điểm tự đánh giá.", status_code=400
        )
        self.assertIsNone(self.score("1.1.1").points)

    def test_the_page_offers_the_choice_only_where_a_claim_can_be_accepted(self):
        response = self.client.get(sheet_url())

        self.assertContains(response, 'id="accept-1.1.1"')
        self.assertContains(response, 'id="accept-2.1"')
        self.assertNotContains(response, 'id="accept-1.2"')  # no claim
        self.assertNotContains(response, 'id="accept-2.2"')  # not applicable


class TestExplanationsInPlace(AppraisalTestCase):
    def test_a_request_in_the_background_answers_with_the_items_rounds_only(self):
        self.client.force_login(self.people["appraiser"])

        response = self.client.post(
            f"{sheet_url()}yeu-cau/2.1/", {"question-2.1": "Đề nghị bổ sung."}, **HTMX
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, 'id="explanations-2.1"')
        self.assertContains(response, "Đã gửi yêu cầu giải trình tiêu chí 2.1 đến đơn vị.")
        self.assertNotContains(response, "points-")
        self.assertTrue(ExplanationRequest.objects.filter(score__item__code="2.1").exists())

    def test_the_question_box_and_its_button_belong_to_the_appraisal_form(self):
        self.client.force_login(self.people["appraiser"])

        page = self.client.get(sheet_url()).content.decode()

        self.assertIn(
            '<textarea class="form-control" name="question-2.1" id="question-2.1" rows="2" '
            'form="appraisal-form" data-question></textarea>',
            page,
        )
        self.assertIn(f'formaction="{sheet_url()}yeu-cau/2.1/#item-2.1"', page)

    def test_without_script_a_request_keeps_the_points_typed_on_the_page_unsaved(self):
        self.client.force_login(self.people["appraiser"])
        version = self.sheet.version

        response = self.client.post(
            f"{sheet_url()}yeu-cau/2.1/",
            {
                "version": str(version),
                "points-1.1.1": "7,5",  # typed, no reason yet: not saved, not refused
                "reason-1.2": "Thiếu báo cáo.",
                "question-2.1": "Đề nghị bổ sung.",
                "question-1.1.1": "",
            },
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Đã gửi yêu cầu giải trình tiêu chí 2.1 đến đơn vị.")
        # Domain 1 holds what was typed, marked "not saved" as the script would; domain 2 not.
        self.assertContains(response, 'data-domain="1" data-dirty>')
        self.assertContains(response, 'data-domain="2">')
        self.assertContains(response, "data-unsaved-note>Có thay đổi chưa lưu")
        self.assertContains(response, 'name="points-1.1.1" value="7,5"')
        self.assertContains(response, "Thiếu báo cáo.</textarea>")
        self.assertContains(response, f'name="version" value="{version}"')
        self.assertNotContains(response, "is-invalid")
        self.assertEqual(ExplanationRequest.objects.get().question, "Đề nghị bổ sung.")
        self.assertIsNone(self.score("1.1.1").points)
        self.sheet.refresh_from_db()
        self.assertEqual(self.sheet.version, version)

    def test_without_script_a_refused_request_keeps_the_typed_points_and_says_why(self):
        self.client.force_login(self.people["appraiser"])

        response = self.client.post(
            f"{sheet_url()}yeu-cau/2.1/",
            {"version": str(self.sheet.version), "points-1.1.1": "6", "question-2.1": ""},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "<li>Cần ghi nội dung yêu cầu giải trình.</li>")
        self.assertContains(response, 'name="points-1.1.1" value="6"')
        self.assertFalse(ExplanationRequest.objects.exists())

    def test_without_script_a_close_keeps_the_typed_points(self):
        explanation = request_explanation(self.sheet, "2.1", "Vì sao?", user=None, domains=None)
        self.client.force_login(self.people["appraiser"])

        response = self.client.post(
            f"{sheet_url()}giai-trinh/{explanation.pk}/dong/",
            {"version": str(self.sheet.version), "points-1.1.1": "6"},
        )

        self.assertEqual(response.status_code, 200)
        self.assertContains(response, "Đã đóng yêu cầu giải trình.")
        self.assertContains(response, 'name="points-1.1.1" value="6"')
        explanation.refresh_from_db()
        self.assertEqual(explanation.state, "closed")

    def test_a_request_posted_alone_still_comes_back_to_the_item(self):
        self.client.force_login(self.people["appraiser"])

        response = self.client.post(f"{sheet_url()}yeu-cau/2.1/", {"question-2.1": "Vì sao?"})

        self.assertRedirects(response, sheet_url() + "#item-2.1", fetch_redirect_response=False)


class TestFilterFlags(AppraisalTestCase):
    def test_items_carry_the_flags_the_filter_reads(self):
        self.client.force_login(self.people["appraiser"])
        apply_score_changes(
            self.sheet,
            [ScoreChange("1.1.1", points=D("7"), reason="Chậm")],
            source="test",
        )

        page = self.client.get(sheet_url()).content.decode()

        item = page[page.index('id="item-1.1.1"') - 80 : page.index('id="item-1.1.1"') + 120]
        self.assertIn("data-differs", item)
        self.assertNotIn("data-unappraised", item)
        other = page[page.index('id="item-2.1"') : page.index('id="item-2.1"') + 120]
        self.assertIn("data-unappraised", other)

    def test_an_open_request_and_documents_sent_since_the_last_round_are_flagged(self):
        self.client.force_login(self.people["appraiser"])
        request = request_explanation(
            self.sheet, "2.1", "Đề nghị bổ sung.", user=None, domains=None
        )
        request_explanation(self.sheet, "1.1.1", "Vì sao?", user=None, domains=None)

        page = self.client.get(sheet_url()).content.decode()

        self.assertIn('id="explanations-2.1" data-open-request', page)
        self.assertNotIn('id="explanations-2.1" data-open-request data-new-evidence', page)

        answer_explanation(request, "Đã bổ sung.", [pdf()], user=self.people["staff_a"])
        page = self.client.get(sheet_url()).content.decode()

        self.assertIn('id="explanations-2.1" data-new-evidence', page)
        self.assertIn('id="explanations-1.1.1" data-open-request>', page)
