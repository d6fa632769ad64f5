"""The unit's workflow (scoring/services/self_assessment.py and its views): when a draft may be saved, submitting,
withdrawing, the self-assessment deadline and every refusal."""

from datetime import datetime, timedelta
from decimal import Decimal as D
from unittest import mock
from zoneinfo import ZoneInfo

from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from scoring.models import AssessmentYear, Framework, Score, Sheet, SheetState, YearState
from scoring.selectors.sheets import sheet_for
from scoring.services.errors import ServiceError, StaleSheetError
from scoring.services.scores import ScoreChange
from scoring.services.self_assessment import (
    save_self_assessment,
    self_assessment_lock_reason,
    submit_sheet,
    withdraw_sheet,
)
from tests.factories import make_sheet, make_unit, make_year, personas

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2024, 1, 31, 17, 0, tzinfo=HCM)
BEFORE = DEADLINE - timedelta(hours=1)
AFTER = DEADLINE + timedelta(minutes=1)
COMPLETE = {"1.1.1": "9", "1.1.2": "10", "1.2": "8,5", "2.1": "20", "2.2": "19"}


def claims(**points) -> list[ScoreChange]:
    return [
        ScoreChange(code, self_points=D(value.replace(",", "."))) for code, value in points.items()
    ]


def at(moment: datetime):
    """Travel in time: timezone.now() returns `moment` inside the block."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


class WorkflowTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, self_assessment_deadline=DEADLINE)
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.people = personas(cls.unit_a, cls.unit_b, make_unit("SNV", "Sở Nội vụ"))

    def setUp(self):
        self.sheet = make_sheet(self.unit_a, self.year)

    def fill(self, **points):
        with at(BEFORE):
            return save_self_assessment(
                self.sheet, claims(**(points or COMPLETE)), user=self.people["staff_a"]
            )

    def set_year(self, state):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=state)
        self.sheet.year.refresh_from_db()

    def refresh(self) -> Sheet:
        self.sheet = Sheet.objects.select_related("unit", "year").get(pk=self.sheet.pk)
        return self.sheet


# --------------------------------------------------------------------------- saving a draft


class TestWhenADraftMayBeSaved(WorkflowTestCase):
    def assert_refused(self, message: str, now=BEFORE):
        with at(now), self.assertRaises(ServiceError) as refused:
            save_self_assessment(self.refresh(), claims(**{"1.1.1": "5"}))
        self.assertEqual(refused.exception.messages, [message])
        self.assertFalse(Score.objects.exists())

    def test_it_saves_before_the_deadline_and_bumps_the_version(self):
        sheet = self.fill(**{"1.1.1": "7,25"})

        self.assertEqual(sheet.version, 1)
        self.assertEqual(Score.objects.get().self_points, D("7.25"))

    def test_it_is_refused_after_the_deadline(self):
        self.assert_refused(
            "Đã hết hạn tự đánh giá (17:00 31/01/2024): máy chủ không nhận thay đổi của đơn vị.",
            now=AFTER,
        )

    def test_it_is_refused_at_the_deadline_itself(self):
        self.assert_refused(
            "Đã hết hạn tự đánh giá (17:00 31/01/2024): máy chủ không nhận thay đổi của đơn vị.",
            now=DEADLINE,
        )

    def test_it_is_refused_while_the_year_is_being_prepared(self):
        self.set_year(YearState.PREPARING)

        self.assert_refused("Năm 2023 chưa mở tự đánh giá.")

    def test_it_is_refused_once_the_appraisal_has_started(self):
        self.set_year(YearState.APPRAISAL)

        self.assert_refused(
            "Năm 2023 đã chuyển sang thẩm định: đơn vị không sửa phiếu tự đánh giá nữa."
        )

    def test_it_is_refused_once_published(self):
        self.set_year(YearState.PUBLISHED)

        self.assert_refused(
            "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        )

    def test_it_is_refused_once_submitted(self):
        Sheet.objects.filter(pk=self.sheet.pk).update(
            state=SheetState.SUBMITTED, submitted_at=datetime(2024, 1, 20, 9, 30, tzinfo=HCM)
        )

        self.assert_refused(
            "Phiếu đã gửi lúc 09:30 20/01/2024 nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa trước hạn 17:00 31/01/2024."
        )

    def test_without_a_deadline_it_stays_open(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(self_assessment_deadline=None)

        with at(datetime(2030, 1, 1, tzinfo=HCM)):
            sheet = save_self_assessment(self.refresh(), claims(**{"1.1.1": "5"}))

        self.assertEqual(sheet.version, 1)

    def test_a_save_from_an_older_version_is_refused(self):
        self.fill(**{"1.1.1": "5"})

        with at(BEFORE), self.assertRaises(StaleSheetError) as refused:
            save_self_assessment(self.refresh(), claims(**{"1.1.1": "6"}), expected_version=0)

        self.assertEqual(refused.exception.sheet.version, 1)
        self.assertEqual(Score.objects.get().self_points, D("5.00"))

    def test_the_appraisal_side_and_survey_items_are_refused(self):
        with at(BEFORE), self.assertRaises(ServiceError) as refused:
            save_self_assessment(
                self.sheet,
                [
                    ScoreChange("1.1.1", points=D("5")),
                    ScoreChange("1.2", reason="x"),
                    ScoreChange("3.1", note="x"),
                ],
            )

        self.assertEqual(
            refused.exception.messages,
            [
                "Tiêu chí 1.1.1: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định.",
                "Tiêu chí 1.2: đơn vị không được sửa điểm thẩm định hoặc lý do thẩm định.",
                "Tiêu chí 3.1 chấm bằng điều tra xã hội học: đơn vị không tự đánh giá.",
            ],
        )
        self.assertFalse(Score.objects.exists())

    def test_the_report_texts_are_saved_with_their_author(self):
        with at(BEFORE):
            save_self_assessment(
                self.sheet,
                [],
                user=self.people["staff_a"],
                difficulties="Thiếu cán bộ",
                proposals="Tập huấn",
            )

        record = Sheet.history.filter(id=self.sheet.pk).order_by("-history_id").first()
        self.assertEqual(
            (record.difficulties, record.proposals, record.history_user.username),
            ("Thiếu cán bộ", "Tập huấn", "staff_a"),
        )
        self.assertEqual(self.refresh().version, 1)

    def test_the_first_save_creates_the_sheet(self):
        unsaved = sheet_for(self.unit_b, self.year)

        with at(BEFORE):
            sheet = save_self_assessment(unsaved, claims(**{"1.1.1": "3"}))

        self.assertEqual((sheet.unit, sheet.version), (self.unit_b, 1))


# --------------------------------------------------------------------------- submitting


class TestSubmitting(WorkflowTestCase):
    def submit(self, now=BEFORE):
        with at(now):
            return submit_sheet(self.refresh(), user=self.people["leader_a"])

    def test_the_leader_submits_a_complete_sheet_and_it_locks(self):
        self.fill()

        sheet = self.submit()

        self.assertEqual(
            (sheet.state, sheet.submitted_at, sheet.submitted_by.username),
            (SheetState.SUBMITTED, BEFORE, "leader_a"),
        )
        self.assertEqual(
            self_assessment_lock_reason(sheet, BEFORE),
            "Phiếu đã gửi lúc 16:00 31/01/2024 nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa trước hạn 17:00 31/01/2024.",
        )
        record = Sheet.history.filter(id=sheet.pk).order_by("-history_id").first()
        self.assertEqual(
            (record.state, record.history_change_reason, record.history_user.username),
            ("submitted", "submit", "leader_a"),
        )

    def test_items_marked_not_applicable_need_no_points(self):
        self.fill(**{k: v for k, v in COMPLETE.items() if k != "2.2"})
        with at(BEFORE):
            save_self_assessment(self.refresh(), [ScoreChange("2.2", not_applicable=True)])

        self.assertEqual(self.submit().state, SheetState.SUBMITTED)

    def test_a_sheet_with_items_left_blank_is_refused(self):
        self.fill(**{"1.1.1": "9", "2.1": "0"})

        with self.assertRaises(ServiceError) as refused:
            self.submit()

        self.assertEqual(
            refused.exception.messages,
            ["Chưa thể gửi: còn 3 tiêu chí chưa tự đánh giá (1.1.2, 1.2, 2.2)."],
        )
        self.assertEqual(self.refresh().state, SheetState.DRAFT)

    def test_a_sheet_missing_required_evidence_is_refused(self):
        Framework.objects.get(year=self.year).items.filter(code="2.1").update(
            evidence_required=True
        )
        self.fill()

        with self.assertRaises(ServiceError) as refused:
            self.submit()

        self.assertEqual(
            refused.exception.messages,
            ["Chưa thể gửi: còn 1 tiêu chí thiếu tài liệu kiểm chứng bắt buộc (2.1)."],
        )

    def test_submitting_after_the_deadline_is_refused(self):
        self.fill()

        with self.assertRaises(ServiceError) as refused:
            self.submit(now=AFTER)

        self.assertEqual(
            refused.exception.messages,
            ["Đã hết hạn tự đánh giá (17:00 31/01/2024): máy chủ không nhận thay đổi của đơn vị."],
        )

    def test_submitting_twice_is_refused(self):
        self.fill()
        self.submit()

        with self.assertRaises(ServiceError) as refused:
            self.submit()

        self.assertEqual(refused.exception.messages, ["Phiếu đã được gửi rồi."])

    def test_submitting_outside_the_self_assessment_is_refused(self):
        self.fill()
        self.set_year(YearState.APPRAISAL)

        with self.assertRaises(ServiceError) as refused:
            self.submit()

        self.assertEqual(
            refused.exception.messages,
            ["Năm 2023 đã chuyển sang thẩm định: đơn vị không sửa phiếu tự đánh giá nữa."],
        )


# --------------------------------------------------------------------------- withdrawing


class TestWithdrawing(WorkflowTestCase):
    def setUp(self):
        super().setUp()
        self.fill()
        with at(BEFORE):
            submit_sheet(self.refresh(), user=self.people["leader_a"])

    def withdraw(self, now=BEFORE):
        with at(now):
            return withdraw_sheet(self.refresh(), user=self.people["leader_a"])

    def test_before_the_deadline_the_leader_withdraws_and_the_unit_edits_again(self):
        sheet = self.withdraw()

        self.assertEqual(
            (sheet.state, sheet.submitted_at, sheet.submitted_by), (SheetState.DRAFT, None, None)
        )
        self.assertIsNone(self_assessment_lock_reason(sheet, BEFORE))
        self.assertEqual(
            [
                r.history_change_reason
                for r in Sheet.history.filter(id=sheet.pk).order_by("-history_id")
            ][:2],
            ["withdraw", "submit"],
        )

    def test_after_the_deadline_it_is_refused(self):
        with self.assertRaises(ServiceError) as refused:
            self.withdraw(now=AFTER)

        self.assertEqual(
            refused.exception.messages,
            ["Đã hết hạn tự đánh giá (17:00 31/01/2024): không thể rút phiếu."],
        )
        self.assertEqual(self.refresh().state, SheetState.SUBMITTED)
        self.assertEqual(
            self_assessment_lock_reason(self.sheet, AFTER),
            "Phiếu đã gửi lúc 16:00 31/01/2024 và đã hết hạn tự đánh giá (17:00 31/01/2024): không thể rút lại để sửa.",
        )

    def test_once_the_appraisal_has_started_it_is_refused(self):
        self.set_year(YearState.APPRAISAL)

        with self.assertRaises(ServiceError) as refused:
            self.withdraw()

        self.assertEqual(
            refused.exception.messages,
            ["Năm 2023 không còn trong giai đoạn tự đánh giá: không thể rút phiếu."],
        )

    def test_a_draft_cannot_be_withdrawn(self):
        self.withdraw()

        with self.assertRaises(ServiceError) as refused:
            self.withdraw()

        self.assertEqual(refused.exception.messages, ["Phiếu chưa gửi nên không có gì để rút."])


# --------------------------------------------------------------------------- through the pages


class TestSubmittingThroughThePage(WorkflowTestCase):
    def setUp(self):
        super().setUp()
        # Deadlines relative to the real clock: the pages are not time-travelled.
        AssessmentYear.objects.filter(pk=self.year.pk).update(
            self_assessment_deadline=timezone.now() + timedelta(days=3)
        )
        self.refresh()
        with at(timezone.now()):
            save_self_assessment(self.sheet, claims(**COMPLETE))
        self.url = reverse("sheet", args=["STP", 2023])

    def test_only_the_leader_sees_and_may_use_the_submit_button(self):
        self.client.force_login(self.people["staff_a"])
        staff_page = self.client.get(self.url)
        staff_post = self.client.post(reverse("sheet_submit", args=["STP", 2023]))
        self.client.force_login(self.people["leader_a"])
        leader_page = self.client.get(self.url)

        self.assertNotContains(staff_page, "Gửi phiếu (lãnh đạo đơn vị)")
        self.assertEqual(staff_post.status_code, 403)
        self.assertContains(leader_page, "Gửi phiếu (lãnh đạo đơn vị)")
        self.assertEqual(self.refresh().state, SheetState.DRAFT)

    def test_the_leader_submits_then_the_page_is_locked_for_the_unit(self):
        self.client.force_login(self.people["leader_a"])

        response = self.client.post(reverse("sheet_submit", args=["STP", 2023]), follow=True)

        self.assertEqual(self.refresh().state, SheetState.SUBMITTED)
        self.assertContains(response, "Đã gửi phiếu tự đánh giá. Phiếu đã khóa đối với đơn vị.")
        self.assertContains(response, "Phiếu đang khóa.")
        self.assertIsNone(response.context["form"])
        self.assertContains(response, "Rút phiếu để sửa")
        self.assertNotContains(response, 'name="self_points-1.1.1"')

    def test_a_save_posted_after_submission_is_refused_with_the_reason(self):
        self.client.force_login(self.people["leader_a"])
        self.client.post(reverse("sheet_submit", args=["STP", 2023]))
        self.client.force_login(self.people["staff_a"])

        response = self.client.post(
            self.url, {"version": "2", "self_points-1.1.1": "1", "note-1.1.1": ""}, follow=True
        )

        self.assertContains(response, "nên đã khóa. Lãnh đạo đơn vị có thể rút lại để sửa")
        self.assertEqual(Score.objects.get(item__code="1.1.1").self_points, D("9.00"))

    def test_the_leader_withdraws_and_the_form_comes_back(self):
        self.client.force_login(self.people["leader_a"])
        self.client.post(reverse("sheet_submit", args=["STP", 2023]))

        response = self.client.post(reverse("sheet_withdraw", args=["STP", 2023]), follow=True)

        self.assertEqual(self.refresh().state, SheetState.DRAFT)
        self.assertContains(response, "Đã rút phiếu về để sửa. Nhớ gửi lại trước hạn.")
        self.assertIsNotNone(response.context["form"])

    def test_staff_cannot_withdraw_and_other_units_cannot_submit(self):
        self.client.force_login(self.people["leader_a"])
        self.client.post(reverse("sheet_submit", args=["STP", 2023]))

        self.client.force_login(self.people["staff_a"])
        withdraw = self.client.post(reverse("sheet_withdraw", args=["STP", 2023]))
        self.client.force_login(self.people["staff_b"])
        submit_b = self.client.post(reverse("sheet_submit", args=["STP", 2023]))

        self.assertEqual((withdraw.status_code, submit_b.status_code), (403, 403))
        self.assertEqual(self.refresh().state, SheetState.SUBMITTED)

    def test_submit_and_withdraw_accept_only_post(self):
        self.client.force_login(self.people["leader_a"])

        self.assertEqual(
            self.client.get(reverse("sheet_submit", args=["STP", 2023])).status_code, 405
        )
        self.assertEqual(
            self.client.get(reverse("sheet_withdraw", args=["STP", 2023])).status_code, 405
        )

    def test_an_incomplete_sheet_is_refused_with_the_missing_items(self):
        with at(timezone.now()):
            save_self_assessment(self.refresh(), [ScoreChange("1.2", self_points=None)])
        self.client.force_login(self.people["leader_a"])

        page = self.client.get(self.url)
        response = self.client.post(reverse("sheet_submit", args=["STP", 2023]), follow=True)

        # The blockers link to the items, grouped by domain (not a list of codes).
        self.assertContains(page, "Chưa gửi được:</strong> còn 1 tiêu chí chưa tự đánh giá.")
        self.assertContains(
            page, '<a href="#domain-1" class="fw-semibold">1. Công tác chỉ đạo, điều hành CCHC</a>'
        )
        self.assertContains(page, 'Chưa tự đánh giá: <a href="#item-1.2"')
        self.assertContains(response, "Chưa thể gửi: còn 1 tiêu chí chưa tự đánh giá (1.2).")
        self.assertEqual(self.refresh().state, SheetState.DRAFT)

    def test_after_the_deadline_the_page_says_why_it_is_locked_and_refuses_a_save(self):
        deadline = timezone.now() - timedelta(minutes=5)
        AssessmentYear.objects.filter(pk=self.year.pk).update(self_assessment_deadline=deadline)
        expected = "Đã hết hạn tự đánh giá ({}): máy chủ không nhận thay đổi của đơn vị.".format(
            timezone.localtime(deadline).strftime("%H:%M %d/%m/%Y")
        )
        self.client.force_login(self.people["staff_a"])

        page = self.client.get(self.url)
        post = self.client.post(self.url, {"version": "1", "self_points-1.1.1": "1"})

        self.assertContains(page, expected)
        self.assertIsNone(page.context["form"])
        self.assertRedirects(post, self.url, fetch_redirect_response=False)
        self.assertEqual(Score.objects.get(item__code="1.1.1").self_points, D("9.00"))
        self.client.force_login(self.people["leader_a"])
        self.assertNotContains(self.client.get(self.url), "Gửi phiếu (lãnh đạo đơn vị)")
