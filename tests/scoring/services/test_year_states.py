"""A year's states: every transition, its refusals, the record it leaves, and the pages."""

from datetime import datetime, timedelta
from decimal import Decimal as D
from zoneinfo import ZoneInfo

from django.core import mail
from django.test import TestCase
from django.urls import reverse
from django.utils import timezone

from scoring.models import AssessmentYear, Score, Sheet, SheetState, YearState
from scoring.permissions import appraised_domains, survey_units
from scoring.services import year_states
from scoring.services.appraisal import appraise
from scoring.services.errors import ServiceError
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import save_self_assessment
from scoring.services.survey import save_survey
from tests.factories import decide_open_units, make_sheet, make_unit, make_year, personas
from tests.queue import then_run_jobs

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2099, 3, 31, 17, 0, tzinfo=HANOI)


class YearTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(2023, state=YearState.PREPARING, group_codes=("SO", "HUYEN"))
        cls.unit_a = make_unit("STP", "Sở Tư pháp")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.district = make_unit("TAMKY", "UBND thành phố Tam Kỳ", group="HUYEN")
        cls.gone = make_unit("SGTVT", "Sở Giao thông vận tải", last_year=2022)
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)

    def setUp(self):
        self.year = AssessmentYear.objects.get(pk=self.year.pk)

    @property
    def admin(self):
        return self.people["admin"]

    def move_to(self, state: str):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=state)
        self.year.refresh_from_db()

    def refused(self, function, *args, **kwargs) -> list[str]:
        with self.assertRaises(ServiceError) as caught:
            function(self.year, *args, user=self.admin, **kwargs)
        return caught.exception.messages

    def transitions(self) -> list[tuple]:
        return list(
            self.year.transitions.order_by("at", "pk").values_list(
                "from_state", "to_state", "reason", "by__username"
            )
        )


class TestTheYearlyCycle(YearTestCase):
    def test_the_whole_cycle_is_recorded_with_who_and_why(self):
        created = year_states.open_self_assessment(self.year, DEADLINE, user=self.admin)
        year_states.start_appraisal(self.year, user=self.admin)
        decide_open_units(self.year, self.admin)
        year_states.publish(self.year, user=self.admin)
        year_states.reopen(self.year, "Sai điểm tiêu chí 2.1 của Sở Tư pháp", user=self.admin)

        self.assertEqual(created, 4)
        self.year.refresh_from_db()
        self.assertEqual(self.year.state, YearState.APPRAISAL)
        self.assertIsNone(self.year.published_at)
        self.assertEqual(
            self.transitions(),
            [
                ("preparing", "self_assessment", "Hạn tự đánh giá: 17:00 31/03/2099.", "admin"),
                (
                    "self_assessment",
                    "appraisal",
                    "4 phiếu chưa gửi được thẩm định theo nội dung hiện có.",
                    "admin",
                ),
                (
                    "appraisal",
                    "published",
                    "Công bố theo quyết định cho SNV, STP, SXD, TAMKY.",
                    "admin",
                ),
                ("published", "appraisal", "Sai điểm tiêu chí 2.1 của Sở Tư pháp", "admin"),
            ],
        )

    def test_opening_creates_a_sheet_for_every_unit_assessed_that_year(self):
        year_states.open_self_assessment(self.year, DEADLINE, user=self.admin)

        self.assertEqual(
            sorted(Sheet.objects.filter(year=self.year).values_list("unit__code", flat=True)),
            ["SNV", "STP", "SXD", "TAMKY"],
        )
        self.year.refresh_from_db()
        self.assertEqual(self.year.state, YearState.SELF_ASSESSMENT)
        self.assertEqual(self.year.self_assessment_deadline, DEADLINE)

    def test_opening_keeps_sheets_that_already_exist(self):
        existing = make_sheet(self.unit_a, self.year)

        created = year_states.open_self_assessment(self.year, DEADLINE, user=self.admin)

        self.assertEqual(created, 3)
        self.assertTrue(Sheet.objects.filter(pk=existing.pk).exists())

    def test_opening_needs_a_deadline_in_the_future_and_a_framework(self):
        past = timezone.now() - timedelta(hours=1)
        self.assertEqual(
            self.refused(year_states.open_self_assessment, None), ["Cần nhập hạn tự đánh giá."]
        )
        message = self.refused(year_states.open_self_assessment, past)[0]
        self.assertTrue(message.startswith("Hạn tự đánh giá ("))
        self.assertTrue(message.endswith(") phải sau thời điểm hiện tại."))
        empty = AssessmentYear.objects.create(year=2030)
        with self.assertRaisesMessage(
            ServiceError, "Năm 2030 chưa có bộ chỉ số nào: hãy nhập bộ chỉ số trước."
        ):
            year_states.open_self_assessment(empty, DEADLINE, user=self.admin)

    def test_the_deadline_moves_only_during_the_self_assessment_and_is_recorded(self):
        year_states.open_self_assessment(self.year, DEADLINE, user=self.admin)
        later = DEADLINE + timedelta(days=7)

        year_states.change_deadline(self.year, later, user=self.admin)

        self.year.refresh_from_db()
        self.assertEqual(self.year.self_assessment_deadline, later)
        self.assertEqual(
            self.transitions()[-1],
            (
                "self_assessment",
                "self_assessment",
                "Đổi hạn tự đánh giá từ 17:00 31/03/2099 sang 17:00 07/04/2099.",
                "admin",
            ),
        )
        year_states.start_appraisal(self.year, user=self.admin)
        self.assertEqual(
            self.refused(year_states.change_deadline, later),
            [
                "Năm 2023 đang ở trạng thái “Đang thẩm định”: chỉ đổi hạn tự đánh giá khi năm ở trạng thái “Đang tự đánh giá”."
            ],
        )


class TestRefusedTransitions(YearTestCase):
    def test_publishing_straight_from_the_self_assessment_is_refused(self):
        self.move_to(YearState.SELF_ASSESSMENT)

        self.assertEqual(
            self.refused(year_states.publish),
            [
                "Năm 2023 đang ở trạng thái “Đang tự đánh giá”: chỉ công bố kết quả khi năm ở trạng thái “Đang thẩm định”."
            ],
        )
        self.assertEqual(AssessmentYear.objects.get(pk=self.year.pk).state, "self_assessment")

    def test_appraisal_starts_only_from_the_self_assessment(self):
        self.assertEqual(
            self.refused(year_states.start_appraisal),
            [
                "Năm 2023 đang ở trạng thái “Chuẩn bị”: chỉ chuyển sang thẩm định khi năm ở trạng thái “Đang tự đánh giá”."
            ],
        )

    def test_a_year_opens_only_once(self):
        self.move_to(YearState.APPRAISAL)

        self.assertEqual(
            self.refused(year_states.open_self_assessment, DEADLINE),
            [
                "Năm 2023 đang ở trạng thái “Đang thẩm định”: chỉ mở tự đánh giá khi năm ở trạng thái “Chuẩn bị”."
            ],
        )

    def test_reopening_needs_a_reason(self):
        self.move_to(YearState.PUBLISHED)

        self.assertEqual(
            self.refused(year_states.reopen, "  "), ["Cần ghi lý do mở lại năm đã công bố."]
        )
        self.assertEqual(AssessmentYear.objects.get(pk=self.year.pk).state, "published")
        self.assertEqual(self.transitions(), [])

    def test_only_a_published_year_is_reopened(self):
        self.move_to(YearState.APPRAISAL)

        self.assertEqual(
            self.refused(year_states.reopen, "Sửa"),
            [
                "Năm 2023 đang ở trạng thái “Đang thẩm định”: chỉ mở lại năm khi năm ở trạng thái “Đã công bố”."
            ],
        )


class TestPublication(YearTestCase):
    def setUp(self):
        super().setUp()
        year_states.open_self_assessment(self.year, DEADLINE, user=self.admin)
        self.sheet = Sheet.objects.get(unit=self.unit_a, year=self.year)
        apply_score_changes(self.sheet, [ScoreChange("1.1.1", self_points=D("10"))], source="test")
        year_states.start_appraisal(self.year, user=self.admin)
        appraise(
            self.sheet,
            [ScoreChange("1.1.1", points=D("10"))],
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], self.sheet),
        )
        save_survey(
            self.year,
            {"STP": {"3.1": D("13.11")}},
            user=self.admin,
            allowed_units=survey_units(self.admin, self.year),
        )
        self.unit_a.email = "stp@example.vn"
        self.unit_a.save()

    def test_publication_recomputes_locks_the_year_and_emails_every_unit(self):
        decide_open_units(self.year, self.admin)
        with self.captureOnCommitCallbacks(execute=True), then_run_jobs():
            year_states.publish(self.year, user=self.admin)

        self.year.refresh_from_db()
        self.assertEqual(self.year.state, YearState.PUBLISHED)
        self.assertIsNotNone(self.year.published_at)
        # One message per unit that has someone to write to: STP (members and its address) and
        # SXD (staff_b); SNV and Tam Kỳ have no staff and no address.
        self.assertEqual(
            sorted(tuple(m.to) for m in mail.outbox),
            [
                ("leader_a@example.vn", "staff_a@example.vn", "stp@example.vn"),
                ("staff_b@example.vn",),
            ],
        )
        message = next(m for m in mail.outbox if "stp@example.vn" in m.to)
        self.assertEqual(message.subject, "[Chỉ số CCHC 2023] Công bố kết quả Chỉ số CCHC năm 2023")
        self.assertIn("Tổng điểm: 23,11 / 100,00", message.body)
        self.assertIn("/phieu/STP/2023/", message.body)

    def test_a_published_year_refuses_every_write(self):
        decide_open_units(self.year, self.admin)
        year_states.publish(self.year, user=self.admin)
        published = "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        sheet = Sheet.objects.select_related("unit", "year").get(pk=self.sheet.pk)

        with self.assertRaisesMessage(ServiceError, published):
            appraise(
                sheet,
                [ScoreChange("1.1.2", points=D("5"), reason="x")],
                user=self.admin,
                domains=appraised_domains(self.admin, sheet),
            )
        with self.assertRaisesMessage(ServiceError, published):
            save_survey(
                self.year,
                {"STP": {"3.1": D("1")}},
                user=self.admin,
                allowed_units=survey_units(self.admin, self.year),
            )
        with self.assertRaisesMessage(ServiceError, published):
            apply_score_changes(sheet, [ScoreChange("1.1.2", points=D("5"))], user=self.admin)
        with self.assertRaisesMessage(
            ServiceError, "Năm 2023 đã công bố kết quả: không thể thay đổi (cần mở lại năm trước)."
        ):
            save_self_assessment(
                sheet, [ScoreChange("1.1.2", self_points=D("5"))], user=self.people["staff_a"]
            )
        self.assertEqual(Score.objects.filter(sheet=sheet, item__code__in=["1.1.2"]).count(), 0)
        self.assertEqual(Score.objects.get(sheet=sheet, item__code="3.1").points, D("13.11"))

    def test_after_reopening_the_appraisers_can_correct_and_publish_again(self):
        decide_open_units(self.year, self.admin)
        year_states.publish(self.year, user=self.admin)
        year_states.reopen(self.year, "Sai điểm 1.1.1", user=self.admin)
        sheet = Sheet.objects.select_related("unit", "year").get(pk=self.sheet.pk)

        appraise(
            sheet,
            [ScoreChange("1.1.1", points=D("9"), reason="Sửa sau phúc tra")],
            user=self.admin,
            domains=appraised_domains(self.admin, sheet),
        )
        year_states.publish(self.year, user=self.admin)

        self.assertEqual(Score.objects.get(sheet=sheet, item__code="1.1.1").points, D("9.00"))
        self.assertEqual(
            [t[:2] for t in self.transitions()][-3:],
            [("appraisal", "published"), ("published", "appraisal"), ("appraisal", "published")],
        )

    def test_submitted_and_draft_sheets_are_both_appraised_after_the_deadline(self):
        self.assertEqual(self.sheet.state, SheetState.DRAFT)
        self.assertEqual(Score.objects.get(sheet=self.sheet, item__code="1.1.1").points, D("10.00"))


# --------------------------------------------------------------------------- the page


class TestYearManagementPage(YearTestCase):
    def url(self, name="year_manage"):
        return reverse(name, args=[2023])

    def test_only_administrators_reach_the_page_and_its_actions(self):
        for name in ("appraiser", "leadership", "staff_a"):
            self.client.force_login(self.people[name])
            self.assertEqual(self.client.get(self.url()).status_code, 403)
            self.assertEqual(
                self.client.post(
                    self.url("year_open"), {"deadline": "2099-03-31T17:00"}
                ).status_code,
                403,
            )
        self.assertEqual(AssessmentYear.objects.get(pk=self.year.pk).state, "preparing")

    def test_the_administrator_opens_the_year_with_a_deadline(self):
        self.client.force_login(self.admin)

        response = self.client.post(self.url("year_open"), {"deadline": "2099-03-31T17:00"})

        self.assertRedirects(response, self.url(), fetch_redirect_response=False)
        self.year.refresh_from_db()
        self.assertEqual(self.year.state, "self_assessment")
        self.assertEqual(self.year.self_assessment_deadline, DEADLINE)
        page = self.client.get(self.url())
        self.assertContains(page, "Đã mở tự đánh giá năm 2023; đã tạo 4 phiếu.")
        self.assertContains(page, "Hạn tự đánh giá: 17:00 31/03/2099.")

    def test_reopening_without_a_reason_shows_the_error_and_changes_nothing(self):
        self.move_to(YearState.PUBLISHED)
        self.client.force_login(self.admin)

        response = self.client.post(self.url("year_reopen"), {"reason": ""})

        self.assertContains(response, "Cần ghi lý do mở lại năm đã công bố.", status_code=400)
        self.assertEqual(AssessmentYear.objects.get(pk=self.year.pk).state, "published")

    def test_publishing_from_the_self_assessment_is_refused_with_a_message(self):
        self.move_to(YearState.SELF_ASSESSMENT)
        self.client.force_login(self.admin)

        response = self.client.post(self.url("year_publish"), follow=True)

        self.assertContains(
            response,
            "Năm 2023 đang ở trạng thái “Đang tự đánh giá”: chỉ công bố kết quả khi năm ở trạng thái “Đang thẩm định”.",
        )
        self.assertEqual(AssessmentYear.objects.get(pk=self.year.pk).state, "self_assessment")

    def test_the_page_offers_the_next_step_only(self):
        self.client.force_login(self.admin)
        self.move_to(YearState.APPRAISAL)

        html = self.client.get(self.url()).content.decode()

        self.assertIn(self.url("year_publish"), html)
        self.assertNotIn(self.url("year_reopen"), html)
        self.assertNotIn(self.url("year_start_appraisal"), html)
