"""Appraisal: points and reasons, domains, explanation rounds; the services and the pages."""

import re
from decimal import Decimal as D

from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from scoring.models import (
    AssessmentYear,
    Evidence,
    ExplanationRequest,
    ExplanationState,
    Item,
    Result,
    Score,
    Sheet,
    YearState,
)
from scoring.permissions import appraised_domains, may
from scoring.services import appraisal as appraisal_service
from scoring.services.appraisal import answer_explanation, close_explanation, request_explanation
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.services.scores import ScoreChange, apply_score_changes
from tests.factories import make_sheet, make_unit, make_user, make_year, personas
from tests.queue import then_run_jobs
from units.models import Role

PDF = b"%PDF-1.7\n1 0 obj\n<<>>\nendobj\ntrailer\n<<>>\n%%EOF\n"


def pdf(name="bien-ban.pdf"):
    return SimpleUploadedFile(name, PDF, content_type="application/pdf")


def sheet_url(unit_code="STP", year=2023) -> str:
    return reverse("appraisal_sheet", args=[unit_code, year])


class AppraisalTestCase(TestCase):
    """Sở Tư pháp (STP) claims 10 on 1.1.1, 8 on 1.1.2, 20 on 2.1 and N/A on 2.2, in 2023."""

    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, state=YearState.APPRAISAL)
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)
        cls.people["domain_1"] = make_user("domain_1", Role.APPRAISER, cls.home_unit, domains=["1"])
        cls.people["own_appraiser"] = make_user("own_appraiser", Role.APPRAISER, cls.unit_a)
        sheet = make_sheet(cls.unit_a, cls.year)
        apply_score_changes(
            sheet,
            [
                ScoreChange("1.1.1", self_points=D("10"), note="Đã ban hành kế hoạch"),
                ScoreChange("1.1.2", self_points=D("8")),
                ScoreChange("2.1", self_points=D("20")),
                ScoreChange("2.2", not_applicable=True),
            ],
            source="test",
        )

    def setUp(self):
        self.sheet = Sheet.objects.select_related("unit", "year").get(unit=self.unit_a)

    def score(self, code: str) -> Score:
        return Score.objects.get(sheet__unit=self.unit_a, item__code=code)

    def appraise(self, *changes, user="appraiser", **kwargs):
        return appraisal_service.appraise(
            self.sheet,
            list(changes),
            user=self.people[user],
            **{"domains": appraised_domains(self.people[user], self.sheet), **kwargs},
        )

    def refused(self, *changes, user="appraiser") -> list[str]:
        with self.assertRaises(ServiceError) as caught:
            self.appraise(*changes, user=user)
        return caught.exception.messages

    def set_state(self, state: str):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=state)
        self.sheet.year.refresh_from_db()


# --------------------------------------------------------------------------- the service


class TestAppraisalPointsAndReasons(AppraisalTestCase):
    def test_points_equal_to_the_claim_need_no_reason(self):
        self.appraise(ScoreChange("1.1.1", points=D("10")))

        self.assertEqual(self.score("1.1.1").points, D("10.00"))
        self.assertEqual(self.score("1.1.1").reason, "")

    def test_points_that_differ_from_the_claim_are_refused_without_a_reason(self):
        messages = self.refused(
            ScoreChange("1.1.1", points=D("7")), ScoreChange("1.2", points=D("5"))
        )

        self.assertEqual(
            messages,
            [
                "Tiêu chí 1.1.1: điểm thẩm định 7,00 khác điểm tự đánh giá 10,00: cần ghi lý do thẩm định.",
                "Tiêu chí 1.2: đơn vị không tự đánh giá tiêu chí này: cần ghi lý do cho điểm thẩm định 5,00.",
            ],
        )
        self.assertIsNone(self.score("1.1.1").points)
        self.assertFalse(Score.objects.filter(sheet=self.sheet, item__code="1.2").exists())

    def test_a_blank_reason_is_no_reason(self):
        messages = self.refused(ScoreChange("1.1.1", points=D("7"), reason="   "))

        self.assertEqual(len(messages), 1)
        self.assertIn("cần ghi lý do thẩm định", messages[0])

    def test_points_with_a_reason_count_and_the_result_follows_in_the_same_save(self):
        self.appraise(
            ScoreChange("1.1.1", points=D("7.5"), reason="Kế hoạch ban hành chậm 10 ngày"),
            ScoreChange("1.1.2", points=D("8")),
            ScoreChange("2.1", points=D("18.25"), reason="Công khai chưa đầy đủ"),
        )

        score = self.score("1.1.1")
        self.assertEqual((score.self_points, score.points), (D("10.00"), D("7.50")))
        self.assertEqual(score.reason, "Kế hoạch ban hành chậm 10 ngày")
        result = Result.objects.get(unit=self.unit_a, year=self.year)
        self.assertEqual(result.appraisal, D("33.75"))
        # 2.2 is not applicable: 50 appraisal points apply, not 70.
        self.assertEqual(result.appraisal_max, D("50.00"))

    def test_history_records_who_when_old_and_new_points_and_the_source(self):
        self.appraise(ScoreChange("1.1.1", points=D("7"), reason="Chậm"))

        latest, before = self.score("1.1.1").history.order_by("-history_id")[:2]
        self.assertEqual(latest.history_user, self.people["appraiser"])
        self.assertEqual(latest.history_change_reason, "form")
        self.assertEqual((before.points, latest.points), (None, D("7.00")))
        self.assertEqual((before.reason, latest.reason), ("", "Chậm"))
        self.assertEqual(latest.self_points, D("10.00"))

    def test_a_change_that_alters_nothing_writes_no_history_and_keeps_the_version(self):
        self.appraise(ScoreChange("1.1.1", points=D("10")))
        version = Sheet.objects.get(pk=self.sheet.pk).version
        count = Score.history.count()

        self.appraise(ScoreChange("1.1.1", points=D("10"), reason=""))

        self.assertEqual(Score.history.count(), count)
        self.assertEqual(Sheet.objects.get(pk=self.sheet.pk).version, version)

    def test_an_unsubmitted_sheet_is_appraised_as_it_stands(self):
        self.assertEqual(self.sheet.state, "draft")

        self.appraise(ScoreChange("2.1", points=D("20")))

        self.assertEqual(self.score("2.1").points, D("20.00"))

    def test_points_above_the_maximum_or_on_an_item_not_applicable_are_refused(self):
        messages = self.refused(
            ScoreChange("1.1.2", points=D("12"), reason="x"),
            ScoreChange("2.2", points=D("5"), reason="x"),
        )

        self.assertEqual(
            messages,
            [
                "Tiêu chí 1.1.2: điểm 12,00 vượt điểm tối đa 10,00 của tiêu chí 1.1.2.",
                "Tiêu chí 2.2: tiêu chí 2.2 không áp dụng thì không có điểm.",
            ],
        )

    def test_a_stale_version_is_refused(self):
        version = self.sheet.version
        self.appraise(ScoreChange("1.1.1", points=D("10")), expected_version=version)

        with self.assertRaises(StaleSheetError):
            self.appraise(ScoreChange("1.1.2", points=D("8")), expected_version=version)
        self.assertIsNone(self.score("1.1.2").points)


class TestWhoMayAppraiseWhat(AppraisalTestCase):
    def test_an_appraiser_outside_their_domains_is_refused_and_nothing_is_saved(self):
        messages = self.refused(
            ScoreChange("1.1.1", points=D("10")),
            ScoreChange("2.1", points=D("20")),
            user="domain_1",
        )

        self.assertEqual(messages, ["Tiêu chí 2.1: không thuộc lĩnh vực bạn được giao thẩm định."])
        self.assertIsNone(self.score("1.1.1").points)
        self.assertIsNone(self.score("2.1").points)

    def test_an_appraiser_appraises_the_domains_of_their_membership(self):
        self.appraise(
            ScoreChange("1.1.1", points=D("9"), reason="Thiếu báo cáo"),
            user="domain_1",
        )

        self.assertEqual(self.score("1.1.1").points, D("9.00"))

    def test_an_appraiser_of_the_same_unit_is_refused(self):
        # Who may appraise is the permissions' decision (the page answers 403), not the service's.
        self.assertFalse(may(self.people["own_appraiser"], "scoring.appraise_sheet", self.sheet))
        self.assertEqual(appraised_domains(self.people["own_appraiser"], self.sheet), set())

    def test_unit_staff_cannot_set_appraisal_points(self):
        self.assertFalse(may(self.people["staff_a"], "scoring.appraise_sheet", self.sheet))

    def test_the_service_refuses_items_outside_the_domains_it_is_given(self):
        messages = self.refused(ScoreChange("1.1.1", points=D("10")), user="own_appraiser")

        self.assertEqual(
            messages, ["Tiêu chí 1.1.1: không thuộc lĩnh vực bạn được giao thẩm định."]
        )
        self.assertIsNone(self.score("1.1.1").points)

    def test_appraisers_cannot_change_self_points_notes_or_not_applicable(self):
        messages = self.refused(
            ScoreChange("1.1.1", self_points=D("5")),
            ScoreChange("1.1.2", note="Sửa ghi chú"),
            ScoreChange("2.2", not_applicable=False),
        )

        expected = "thẩm định viên không được sửa điểm tự đánh giá, ghi chú hay lựa chọn “không áp dụng” của đơn vị."
        self.assertEqual(
            messages,
            [f"Tiêu chí {code}: {expected}" for code in ("1.1.1", "1.1.2", "2.2")],
        )
        score = self.score("1.1.1")
        self.assertEqual((score.self_points, score.note), (D("10.00"), "Đã ban hành kế hoạch"))

    def test_survey_items_are_not_appraised_here(self):
        messages = self.refused(ScoreChange("3.1", points=D("12")))

        self.assertEqual(
            messages,
            ["Tiêu chí 3.1: chấm bằng điều tra xã hội học: nhập ở trang điểm điều tra xã hội học."],
        )

    def test_the_admin_appraises_every_domain(self):
        self.appraise(
            ScoreChange("2.1", points=D("20")),
            user="admin",
        )

        self.assertEqual(self.score("2.1").points, D("20.00"))


class TestAppraisalFollowsTheYearState(AppraisalTestCase):
    def test_appraisal_is_refused_during_the_self_assessment(self):
        self.set_state(YearState.SELF_ASSESSMENT)

        self.assertEqual(
            self.refused(ScoreChange("1.1.1", points=D("10"))),
            ["Năm 2023 chưa đến giai đoạn thẩm định."],
        )

    def test_appraisal_is_refused_once_the_year_is_published(self):
        self.set_state(YearState.PUBLISHED)

        self.assertEqual(
            self.refused(ScoreChange("1.1.1", points=D("10"))),
            ["Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."],
        )
        self.assertIsNone(self.score("1.1.1").points)

    def test_explanations_cannot_be_requested_or_answered_once_published(self):
        explanation = request_explanation(
            self.sheet,
            "1.1.1",
            "Cung cấp kế hoạch",
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], self.sheet),
        )
        self.set_state(YearState.PUBLISHED)
        published = "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."

        with self.assertRaisesMessage(ServiceError, published):
            request_explanation(
                self.sheet,
                "2.1",
                "Vì sao?",
                user=self.people["appraiser"],
                domains=appraised_domains(self.people["appraiser"], self.sheet),
            )
        with self.assertRaisesMessage(ServiceError, published):
            answer_explanation(explanation, "Đây", user=self.people["staff_a"])


# --------------------------------------------------------------------------- explanations


class TestExplanationRounds(AppraisalTestCase):
    def request(self, code="1.1.1", question="Đề nghị cung cấp quyết định ban hành kế hoạch."):
        with self.captureOnCommitCallbacks(execute=True), then_run_jobs():
            return request_explanation(
                self.sheet,
                code,
                question,
                user=self.people["appraiser"],
                domains=appraised_domains(self.people["appraiser"], self.sheet),
            )

    def test_request_answer_and_second_round_leave_both_rounds_in_history(self):
        # Round 1: the appraiser disagrees and asks.
        self.appraise(ScoreChange("1.1.1", points=D("6"), reason="Không thấy quyết định ban hành"))
        explanation = self.request()
        self.assertEqual((explanation.round, explanation.state), (1, ExplanationState.OPEN))

        # The unit answers with a file.
        with self.captureOnCommitCallbacks(execute=True), then_run_jobs():
            answer_explanation(
                explanation,
                "Quyết định số 12/QĐ-STP ngày 10/01/2023 đính kèm.",
                [pdf("quyet-dinh-12.pdf")],
                user=self.people["staff_a"],
            )
        explanation.refresh_from_db()
        self.assertEqual(explanation.state, ExplanationState.ANSWERED)
        self.assertEqual(explanation.answered_by, self.people["staff_a"])
        document = Evidence.objects.get(explanation=explanation)
        self.assertEqual(
            (document.original_name, document.score_id), ("quyet-dinh-12.pdf", explanation.score_id)
        )

        # Round 2: the appraiser accepts the claim, then closes the request.
        self.setUp()
        self.appraise(ScoreChange("1.1.1", points=D("10"), reason="Đã giải trình đủ"))
        close_explanation(
            explanation,
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], explanation.score.sheet),
        )

        explanation.refresh_from_db()
        self.assertEqual(explanation.state, ExplanationState.CLOSED)
        rounds = [
            (h.points, h.reason)
            for h in self.score("1.1.1").history.order_by("history_id")
            if h.points is not None
        ]
        self.assertEqual(
            rounds,
            [(D("6.00"), "Không thấy quyết định ban hành"), (D("10.00"), "Đã giải trình đủ")],
        )
        self.assertEqual(Result.objects.get(unit=self.unit_a).appraisal, D("10.00"))

    def test_the_unit_is_emailed_when_an_explanation_is_requested(self):
        self.unit_a.email = "stp@example.vn"
        self.unit_a.save()

        explanation = self.request()

        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.subject, "[Chỉ số CCHC 2023] Yêu cầu giải trình tiêu chí 1.1.1")
        self.assertEqual(
            message.to, ["leader_a@example.vn", "staff_a@example.vn", "stp@example.vn"]
        )
        self.assertIn("Đề nghị cung cấp quyết định ban hành kế hoạch.", message.body)
        self.assertIn(f"/phieu/STP/2023/giai-trinh/{explanation.pk}/", message.body)

    def test_the_appraiser_who_asked_is_emailed_when_the_unit_answers(self):
        explanation = self.request()
        mail.outbox.clear()

        with self.captureOnCommitCallbacks(execute=True), then_run_jobs():
            answer_explanation(explanation, "Đã bổ sung.", user=self.people["leader_a"])

        self.assertEqual(len(mail.outbox), 1)
        self.assertEqual(mail.outbox[0].to, ["appraiser@example.vn"])
        self.assertEqual(
            mail.outbox[0].subject, "[Chỉ số CCHC 2023] Sở Tư pháp đã giải trình tiêu chí 1.1.1"
        )

    def test_a_request_needs_a_question(self):
        with self.assertRaisesMessage(
            ServiceError, "Tiêu chí 1.1.1: cần ghi nội dung yêu cầu giải trình."
        ):
            self.request(question="  ")

    def test_a_second_request_waits_for_the_answer_to_the_first(self):
        first = self.request()
        with self.assertRaisesMessage(
            ServiceError, "Tiêu chí 1.1.1: đang có yêu cầu giải trình chờ đơn vị trả lời."
        ):
            self.request()

        answer_explanation(first, "Đây", user=self.people["staff_a"])
        second = self.request(question="Quyết định chưa có chữ ký.")

        self.assertEqual(second.round, 2)

    def test_a_request_on_an_item_the_unit_did_not_score_creates_its_score(self):
        explanation = self.request(code="1.2")

        self.assertEqual(explanation.score.item.code, "1.2")
        self.assertIsNone(explanation.score.self_points)

    def test_an_appraiser_asks_only_on_their_domains_and_never_on_their_own_unit(self):
        with self.assertRaisesMessage(
            ServiceError, "Tiêu chí 2.1: không thuộc lĩnh vực bạn được giao thẩm định."
        ):
            request_explanation(
                self.sheet,
                "2.1",
                "Vì sao?",
                user=self.people["domain_1"],
                domains=appraised_domains(self.people["domain_1"], self.sheet),
            )
        self.assertFalse(may(self.people["own_appraiser"], "scoring.appraise_sheet", self.sheet))
        self.assertFalse(ExplanationRequest.objects.exists())

    def test_an_answer_needs_text_and_only_accepted_files_and_saves_nothing_otherwise(self):
        explanation = self.request()
        bad = SimpleUploadedFile(
            "virus.pdf", b"MZ\x90\x00 not a pdf", content_type="application/pdf"
        )

        with self.assertRaises(ServiceError) as caught:
            answer_explanation(explanation, " ", [pdf(), bad], user=self.people["staff_a"])

        self.assertEqual(caught.exception.messages[0], "Cần ghi nội dung giải trình.")
        self.assertIn(
            "“virus.pdf” không phải PDF, Word, Excel hay ảnh", caught.exception.messages[1]
        )
        explanation.refresh_from_db()
        self.assertEqual(explanation.state, ExplanationState.OPEN)
        self.assertFalse(Evidence.objects.exists())

    def test_only_the_units_own_people_answer(self):
        self.request()

        for name in ("appraiser", "staff_b"):
            self.assertFalse(may(self.people[name], "scoring.answer_explanation", self.sheet))
        for name in ("staff_a", "leader_a"):
            self.assertTrue(may(self.people[name], "scoring.answer_explanation", self.sheet))

    def test_an_answered_request_cannot_be_answered_again(self):
        explanation = self.request()
        answer_explanation(explanation, "Lần 1", user=self.people["staff_a"])

        with self.assertRaisesMessage(
            ServiceError, "Yêu cầu giải trình này đã được trả lời hoặc đã xử lý xong."
        ):
            answer_explanation(explanation, "Lần 2", user=self.people["staff_a"])


# --------------------------------------------------------------------------- the pages


class TestAppraisalPages(AppraisalTestCase):
    def login(self, name: str):
        self.client.force_login(self.people[name])

    def post(self, version=None, **values):
        data = {"version": str(self.sheet.version if version is None else version), **values}
        return self.client.post(sheet_url(), data)

    def test_unit_staff_get_403_on_the_appraisal_page_and_when_posting_points(self):
        self.login("staff_a")

        self.assertEqual(self.client.get(sheet_url()).status_code, 403)
        response = self.post(**{"points-1.1.1": "10", "reason-1.1.1": ""})

        self.assertEqual(response.status_code, 403)
        self.assertIsNone(self.score("1.1.1").points)

    def test_an_appraiser_of_the_unit_itself_reads_it_but_gets_403_when_posting(self):
        self.login("own_appraiser")

        response = self.client.get(sheet_url())
        self.assertEqual(response.status_code, 200)
        self.assertIsNone(response.context["form"])
        self.assertEqual(self.post(**{"points-1.1.1": "10"}).status_code, 403)

    def test_the_page_shows_the_claim_beside_inputs_for_the_appraisers_domains_only(self):
        self.login("domain_1")

        response = self.client.get(sheet_url())

        self.assertEqual(response.status_code, 200)
        html = response.content.decode()
        # The inputs on the page (drawn with each row; the page's form holds the version).
        self.assertEqual(
            sorted(set(re.findall(r'name="((?:points|reason|value|version)[^"]*)"', html))),
            [
                "points-1.1.1",
                "points-1.1.2",
                "points-1.2",
                "reason-1.1.1",
                "reason-1.1.2",
                "reason-1.2",
                "version",
            ],
        )
        self.assertIn("Đã ban hành kế hoạch", html)
        self.assertIn('name="points-1.1.1"', html)
        self.assertNotIn('name="points-2.1"', html)
        self.assertIn("Lĩnh vực này không được giao cho bạn.", html)
        self.assertNotIn('name="points-3.1"', html)  # survey items are entered elsewhere

    def test_an_item_the_unit_marked_not_applicable_gets_no_points_input(self):
        self.login("appraiser")

        response = self.client.get(sheet_url())

        # The inputs are drawn with each row (the page's form holds the version only).
        self.assertNotContains(response, 'name="points-2.2"')
        self.assertContains(response, 'name="points-2.1"')
        self.assertContains(response, "Đơn vị chọn “không áp dụng”: tiêu chí không tính điểm.")

    def test_saving_points_with_a_reason_redirects_with_a_message(self):
        self.login("appraiser")

        response = self.post(
            **{"points-1.1.1": "7,5", "reason-1.1.1": "Ban hành chậm", "points-2.1": "20"}
        )

        self.assertRedirects(response, sheet_url(), fetch_redirect_response=False)
        self.assertEqual(self.score("1.1.1").points, D("7.50"))
        self.assertEqual(self.score("2.1").points, D("20.00"))
        self.assertEqual(
            self.score("1.1.1").history.latest("history_id").history_change_reason, "form"
        )

    def test_a_missing_reason_is_shown_on_the_page_and_nothing_is_saved(self):
        self.login("appraiser")

        response = self.post(**{"points-1.1.1": "7", "points-2.1": "20"})

        self.assertEqual(response.status_code, 400)
        self.assertContains(
            response,
            "Tiêu chí 1.1.1: điểm thẩm định 7,00 khác điểm tự đánh giá 10,00: cần ghi lý do thẩm định.",
            status_code=400,
        )
        self.assertIsNone(self.score("1.1.1").points)
        self.assertIsNone(self.score("2.1").points)

    def test_a_forged_field_outside_the_appraisers_domains_is_never_read(self):
        self.login("domain_1")

        self.post(**{"points-1.1.1": "10", "points-2.1": "1", "reason-2.1": "giả mạo"})

        self.assertEqual(self.score("1.1.1").points, D("10.00"))
        self.assertIsNone(self.score("2.1").points)

    def test_a_save_from_an_older_version_is_refused(self):
        self.login("appraiser")
        old = self.sheet.version
        self.post(**{"points-1.1.1": "10"})

        response = self.post(version=old, **{"points-1.1.2": "8"})

        self.assertRedirects(response, sheet_url(), fetch_redirect_response=False)
        self.assertIsNone(self.score("1.1.2").points)

    def test_the_explanation_request_form_sends_the_request_and_the_email(self):
        self.login("appraiser")

        with self.captureOnCommitCallbacks(execute=True), then_run_jobs():
            response = self.client.post(
                reverse("appraisal_request_explanation", args=["STP", 2023, "1.1.1"]),
                {"question-1.1.1": "Đề nghị bổ sung quyết định."},
            )

        self.assertRedirects(response, sheet_url() + "#item-1.1.1", fetch_redirect_response=False)
        self.assertEqual(ExplanationRequest.objects.get().question, "Đề nghị bổ sung quyết định.")
        self.assertEqual(mail.outbox[0].to, ["leader_a@example.vn", "staff_a@example.vn"])

    def test_unit_staff_cannot_request_or_close_explanations(self):
        explanation = request_explanation(
            self.sheet,
            "1.1.1",
            "Vì sao?",
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], self.sheet),
        )
        self.login("staff_a")

        self.assertEqual(
            self.client.post(
                reverse("appraisal_request_explanation", args=["STP", 2023, "2.1"]),
                {"question-2.1": "x"},
            ).status_code,
            403,
        )
        self.assertEqual(
            self.client.post(
                reverse("appraisal_close_explanation", args=["STP", 2023, explanation.pk])
            ).status_code,
            403,
        )

    def test_the_list_shows_every_unit_with_its_progress(self):
        self.appraise(ScoreChange("1.1.1", points=D("7"), reason="Chậm"))
        make_sheet(self.unit_b, self.year)
        self.login("appraiser")

        response = self.client.get(reverse("appraisal_list", args=[2023]))

        rows = {entry["row"].unit.code: entry for entry in response.context["rows"]}
        self.assertEqual(sorted(rows), ["STP", "SXD"])
        self.assertEqual(rows["STP"]["row"].scored, 4)
        self.assertEqual(rows["STP"]["progress"].appraised, 2)  # 1.1.1 and the N/A 2.2
        self.assertEqual(rows["STP"]["progress"].differing, 1)
        self.assertTrue(rows["STP"]["can_appraise"])

    def test_the_appraisal_index_opens_the_year_in_appraisal(self):
        self.login("appraiser")

        response = self.client.get(reverse("appraisal_index"))

        self.assertRedirects(response, "/tham-dinh/2023/", fetch_redirect_response=False)

    def test_the_page_costs_the_same_number_of_queries_with_more_items(self):
        self.login("appraiser")
        self.client.get(sheet_url())  # warm the session
        with CaptureQueriesContext(connection) as small:
            self.client.get(sheet_url())
        domain = Item.objects.get(code="1")
        Item.objects.bulk_create(
            Item(
                framework_id=domain.framework_id,
                parent=domain,
                code=f"1.{number}",
                sort_key=f"00001.{number:05d}",
                depth=2,
                name=f"Tiêu chí 1.{number}",
                max_points=D("1"),
                method="appraisal",
                is_scored=True,
                evidence_required=True,
            )
            for number in range(3, 23)
        )
        apply_score_changes(self.sheet, [ScoreChange("1.5", self_points=D("1"))], source="test")
        with CaptureQueriesContext(connection) as large:
            self.client.get(sheet_url())

        self.assertEqual(len(large), len(small))


class TestExplanationAnswerPage(AppraisalTestCase):
    def setUp(self):
        super().setUp()
        self.explanation = request_explanation(
            self.sheet,
            "1.1.1",
            "Đề nghị bổ sung quyết định.",
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], self.sheet),
        )
        self.url = reverse("explanation_answer", args=["STP", 2023, self.explanation.pk])

    def test_the_unit_answers_with_text_and_files(self):
        self.client.force_login(self.people["staff_a"])
        self.assertContains(self.client.get(self.url), "Đề nghị bổ sung quyết định.")

        response = self.client.post(
            self.url, {"answer": "Quyết định đính kèm.", "files": [pdf("a.pdf"), pdf("b.pdf")]}
        )

        self.assertRedirects(response, self.url, fetch_redirect_response=False)
        self.explanation.refresh_from_db()
        self.assertEqual(self.explanation.answer, "Quyết định đính kèm.")
        self.assertEqual(
            sorted(Evidence.objects.values_list("original_name", flat=True)), ["a.pdf", "b.pdf"]
        )

    def test_an_empty_answer_is_refused_on_the_page(self):
        self.client.force_login(self.people["staff_a"])

        response = self.client.post(self.url, {"answer": ""})

        self.assertContains(response, "Cần ghi nội dung giải trình.", status_code=400)

    def test_appraisers_read_the_page_but_cannot_answer(self):
        self.client.force_login(self.people["appraiser"])

        self.assertEqual(self.client.get(self.url).status_code, 200)
        self.assertEqual(self.client.post(self.url, {"answer": "x"}).status_code, 403)

    def test_another_units_staff_get_403(self):
        self.client.force_login(self.people["staff_b"])

        self.assertEqual(self.client.get(self.url).status_code, 403)
        other = reverse("explanation_answer", args=["SXD", 2023, self.explanation.pk])
        make_sheet(self.unit_b, self.year)
        self.assertEqual(self.client.get(other).status_code, 404)
