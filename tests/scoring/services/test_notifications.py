"""Emails: to appraisers on submission, to units on requests and publication, reminders."""

from datetime import datetime, timedelta
from decimal import Decimal as D
from io import StringIO
from unittest import mock
from zoneinfo import ZoneInfo

from django.core import mail
from django.core.management import call_command
from django.test import TestCase, override_settings

from jobs.models import Mail, MailState
from scoring.models import AssessmentYear, Sheet, SheetState, YearState
from scoring.permissions import appraised_domains
from scoring.services import notifications, year_states
from scoring.services.appraisal import request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import submit_sheet
from tests.factories import (
    decide_open_units,
    make_sheet,
    make_unit,
    make_user,
    make_year,
    personas,
)
from tests.queue import ensure_schedules, run_jobs
from units.models import Role

HANOI = ZoneInfo("Asia/Ho_Chi_Minh")
DEADLINE = datetime(2024, 3, 31, 17, 0, tzinfo=HANOI)


def at(moment: datetime):
    """Travel in time: every timezone.now() returns `moment`."""
    return mock.patch("django.utils.timezone.now", return_value=moment)


class NotificationTestCase(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(
            2023, state=YearState.SELF_ASSESSMENT, self_assessment_deadline=DEADLINE
        )
        cls.unit_a = make_unit("STP", "Sở Tư pháp", email="stp@example.vn")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home_unit = make_unit("SNV", "Sở Nội vụ")
        cls.quiet = make_unit("SCT", "Sở Công Thương")  # nobody to write to
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home_unit)
        cls.people["own_appraiser"] = make_user("own_appraiser", Role.APPRAISER, cls.unit_a)
        cls.people["retired"] = make_user("retired", Role.APPRAISER, cls.home_unit, is_active=False)
        cls.people["no_email"] = make_user("no_email", Role.APPRAISER, cls.home_unit)
        cls.people["no_email"].email = ""
        cls.people["no_email"].save()
        for unit in (cls.unit_a, cls.unit_b, cls.quiet):
            make_sheet(unit, cls.year)

    def sheet(self, unit) -> Sheet:
        return Sheet.objects.select_related("unit", "year").get(unit=unit, year=self.year)


class TestSubmissionEmail(NotificationTestCase):
    def test_every_active_appraiser_of_other_units_gets_one_message(self):
        sheet = self.sheet(self.unit_a)
        Sheet.objects.filter(pk=sheet.pk).update(
            state=SheetState.SUBMITTED, submitted_at=DEADLINE - timedelta(days=2)
        )

        sent = notifications.notify_sheet_submitted(sheet)
        run_jobs()

        self.assertEqual(sent, 1)
        self.assertEqual([m.to for m in mail.outbox], [["appraiser@example.vn"]])
        message = mail.outbox[0]
        self.assertEqual(message.subject, "[Chỉ số CCHC 2023] Sở Tư pháp đã gửi phiếu tự đánh giá")
        self.assertIn("Gửi lúc: 17:00 29/03/2024", message.body)
        self.assertIn("/tham-dinh/STP/2023/", message.body)

    def test_the_units_own_appraiser_hears_about_other_units(self):
        notifications.notify_sheet_submitted(self.sheet(self.unit_b))
        run_jobs()

        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            ["appraiser@example.vn", "own_appraiser@example.vn"],
        )

    def test_the_units_leader_submitting_the_sheet_emails_the_appraisers(self):
        pass

        sheet = self.sheet(self.unit_b)
        apply_score_changes(
            sheet,
            [
                ScoreChange(code, self_points=D("1"))
                for code in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2")
            ],
            source="test",
        )
        leader_b = make_user("leader_b", Role.LEADER, self.unit_b)

        with at(DEADLINE - timedelta(days=1)):
            submit_sheet(sheet, user=leader_b)
        run_jobs()

        self.assertEqual(self.sheet(self.unit_b).state, SheetState.SUBMITTED)
        self.assertEqual(
            sorted(m.to[0] for m in mail.outbox),
            ["appraiser@example.vn", "own_appraiser@example.vn"],
        )


class TestExplanationEmail(NotificationTestCase):
    def test_a_mail_server_that_fails_never_undoes_the_request(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        sheet = self.sheet(self.unit_a)

        explanation = request_explanation(
            sheet,
            "1.1.1",
            "Vì sao?",
            user=self.people["appraiser"],
            domains=appraised_domains(self.people["appraiser"], sheet),
        )
        with (
            mock.patch("jobs.mail.EmailMessage.send", side_effect=OSError("down")),
            self.assertLogs("django-q", "ERROR"),
        ):
            run_jobs()

        explanation.refresh_from_db()
        self.assertEqual(explanation.question, "Vì sao?")
        self.assertEqual(mail.outbox, [])
        queued = Mail.objects.get(key=f"explanation-requested:{explanation.pk}")
        self.assertEqual(
            (queued.state, queued.attempts, queued.last_error),
            (MailState.PENDING, 1, "OSError: down"),
        )

    def test_the_email_is_in_vietnamese_whatever_the_language_of_the_request(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        from django.utils import translation

        with translation.override("en"):
            request_explanation(
                self.sheet(self.unit_a),
                "1.1.1",
                "Vì sao?",
                user=self.people["appraiser"],
                domains=appraised_domains(self.people["appraiser"], self.sheet(self.unit_a)),
            )
        run_jobs()

        self.assertEqual(
            mail.outbox[0].subject, "[Chỉ số CCHC 2023] Yêu cầu giải trình tiêu chí 1.1.1"
        )
        self.assertIn("Kính gửi Sở Tư pháp,", mail.outbox[0].body)


class TestPublicationEmail(NotificationTestCase):
    def test_each_unit_gets_its_own_figures(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        apply_score_changes(
            self.sheet(self.unit_b), [ScoreChange("1.1.1", points=D("9.5"))], source="test"
        )

        decide_open_units(self.year, self.people["admin"])
        year_states.publish(self.year, user=self.people["admin"])
        run_jobs()

        by_unit = {tuple(m.to): m for m in mail.outbox}
        self.assertEqual(
            sorted(by_unit),
            [
                ("leader_a@example.vn", "staff_a@example.vn", "stp@example.vn"),
                ("staff_b@example.vn",),
            ],
        )
        body = by_unit[("staff_b@example.vn",)].body
        self.assertIn("Kính gửi Sở Xây dựng,", body)
        self.assertIn("Điểm thẩm định: 9,50 / 70,00", body)
        self.assertIn("Chỉ số: 9,50%", body)


# --------------------------------------------------------------------------- reminders


class TestReminders(NotificationTestCase):
    def run_command(self, now: datetime, *args) -> str:
        out, err = StringIO(), StringIO()
        with at(now):
            call_command("send_reminders", *args, stdout=out, stderr=err)
        run_jobs()
        return out.getvalue().strip() + ("\n" + err.getvalue().strip() if err.getvalue() else "")

    def reminded(self) -> dict:
        return dict(Sheet.objects.values_list("unit__code", "reminded_for"))

    def test_units_with_a_draft_are_reminded_once_per_deadline(self):
        Sheet.objects.filter(unit=self.unit_b).update(state=SheetState.SUBMITTED)
        two_days_before = DEADLINE - timedelta(days=2)

        output = self.run_command(two_days_before)

        self.assertEqual(
            output,
            "Đã gửi thư nhắc cho 1 đơn vị: STP\nKhông có địa chỉ thư (sẽ thử lại lần sau): SCT",
        )
        self.assertEqual(len(mail.outbox), 1)
        message = mail.outbox[0]
        self.assertEqual(message.subject, "[Chỉ số CCHC 2023] Nhắc hạn gửi phiếu tự đánh giá")
        self.assertEqual(
            message.to, ["leader_a@example.vn", "staff_a@example.vn", "stp@example.vn"]
        )
        self.assertIn("Hạn gửi phiếu: 17:00 31/03/2024 (còn 2 ngày).", message.body)
        self.assertIn("Đã chấm 0/5 tiêu chí tự đánh giá.", message.body)
        self.assertEqual(self.reminded()["STP"], DEADLINE)

        # The next morning: nothing again for the same deadline.
        self.run_command(two_days_before + timedelta(days=1))
        self.assertEqual(len(mail.outbox), 1)

    def test_a_moved_deadline_reminds_again(self):
        self.run_command(DEADLINE - timedelta(days=1))
        later = DEADLINE + timedelta(days=7)
        AssessmentYear.objects.filter(pk=self.year.pk).update(self_assessment_deadline=later)

        self.run_command(later - timedelta(days=2))

        self.assertEqual(
            [m.to[-1] for m in mail.outbox],
            ["stp@example.vn", "staff_b@example.vn", "stp@example.vn", "staff_b@example.vn"],
        )
        self.assertEqual(self.reminded()["SXD"], later)

    def test_nobody_is_reminded_too_early_after_the_deadline_or_outside_the_self_assessment(self):
        self.run_command(DEADLINE - timedelta(days=4))  # outside the default 3 days
        self.run_command(DEADLINE + timedelta(minutes=1))  # too late for a reminder
        self.assertEqual(mail.outbox, [])

        self.run_command(DEADLINE - timedelta(days=4), "--days", "5")
        self.assertEqual(len(mail.outbox), 2)

        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        Sheet.objects.update(reminded_for=None)
        self.run_command(DEADLINE - timedelta(days=1))
        self.assertEqual(len(mail.outbox), 2)

    def test_a_dry_run_lists_the_units_and_sends_nothing(self):
        output = self.run_command(DEADLINE - timedelta(days=1), "--dry-run")

        self.assertEqual(output, "Sẽ nhắc 3 đơn vị: SCT, STP, SXD")
        self.assertEqual(mail.outbox, [])
        self.assertEqual(set(self.reminded().values()), {None})

    def test_a_failed_email_is_kept_and_sent_by_the_sweep_once_the_server_is_back(self):
        with (
            mock.patch("jobs.mail.EmailMessage.send", side_effect=OSError("down")),
            self.assertLogs("django-q", "ERROR"),
            self.settings(MAIL_RETRY_SECONDS=0),
        ):
            output = self.run_command(DEADLINE - timedelta(days=1))

        self.assertIn("Đã gửi thư nhắc cho 2 đơn vị: STP, SXD", output)
        self.assertEqual(mail.outbox, [])
        self.assertEqual(set(Mail.objects.values_list("state", flat=True)), {MailState.PENDING})
        # The next run of the reminders queues nothing again for the same deadline.
        self.run_command(DEADLINE - timedelta(days=1))
        self.assertEqual(Mail.objects.count(), 2)

        ensure_schedules()
        call_command("run_jobs", stdout=StringIO())  # the scheduler runs the sweep
        self.assertEqual(len(mail.outbox), 2)
        self.assertEqual(set(Mail.objects.values_list("state", flat=True)), {MailState.SENT})


# --------------------------------------------------------------------------- what is due


@override_settings(PORTAL_BASE_URL="https://cchc.example.gov.vn")
class TestWhatIsDueInTheEmails(NotificationTestCase):
    """The request and the reminder say what the badge of /cua-toi/ says: how many things the
    unit has to do, each with its deadline, days left and an absolute link."""

    def request(self, code: str, moment: datetime):
        sheet = self.sheet(self.unit_a)
        with at(moment):
            explanation = request_explanation(
                sheet,
                code,
                "Vì sao?",
                user=self.people["appraiser"],
                domains=appraised_domains(self.people["appraiser"], sheet),
            )
        run_jobs()
        return explanation

    def test_the_request_says_its_deadline_and_everything_the_unit_has_to_do(self):
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        first = self.request("1.1.1", datetime(2024, 4, 1, 9, 0, tzinfo=HANOI))
        second = self.request("1.2", datetime(2024, 4, 5, 9, 0, tzinfo=HANOI))

        body = mail.outbox[-1].body
        self.assertIn("Hạn trả lời: 12/04/2024 (còn 7 ngày).", body)
        self.assertIn(
            "Đơn vị đang có 2 việc cần làm trên cổng:\n"
            "- Trả lời yêu cầu giải trình tiêu chí 1.1.1 (vòng 1, năm 2023): hạn 08/04/2024, "
            "còn 3 ngày\n"
            f"  https://cchc.example.gov.vn/phieu/STP/2023/giai-trinh/{first.pk}/\n"
            "- Trả lời yêu cầu giải trình tiêu chí 1.2 (vòng 1, năm 2023): hạn 12/04/2024, "
            "còn 7 ngày\n"
            f"  https://cchc.example.gov.vn/phieu/STP/2023/giai-trinh/{second.pk}/\n"
            "Xem tất cả tại: https://cchc.example.gov.vn/cua-toi/\n",
            body,
        )
        self.assertIn(
            f"Đơn vị trả lời (kèm tài liệu nếu có) tại:\n"
            f"https://cchc.example.gov.vn/phieu/STP/2023/giai-trinh/{second.pk}/",
            body,
        )
        self.assertNotIn("http://", body)

    def test_the_reminder_also_lists_the_requests_of_a_year_under_appraisal(self):
        earlier = make_year(2022, state=YearState.APPRAISAL)
        sheet = make_sheet(self.unit_a, earlier)
        with at(DEADLINE - timedelta(days=10)):
            asked = request_explanation(
                sheet,
                "2.1",
                "Thiếu tài liệu?",
                user=self.people["appraiser"],
                domains=appraised_domains(self.people["appraiser"], sheet),
            )
        run_jobs()
        mail.outbox.clear()
        Sheet.objects.filter(unit__in=[self.unit_b, self.quiet]).update(state=SheetState.SUBMITTED)

        with at(DEADLINE - timedelta(days=2)):
            call_command("send_reminders", stdout=StringIO())
        run_jobs()

        (message,) = mail.outbox
        self.assertIn("Hạn gửi phiếu: 17:00 31/03/2024 (còn 2 ngày).", message.body)
        self.assertIn(
            "Đơn vị đang có 2 việc cần làm trên cổng:\n"
            "- Trả lời yêu cầu giải trình tiêu chí 2.1 (vòng 1, năm 2022): hạn 28/03/2024, "
            "quá hạn 1 ngày\n"
            f"  https://cchc.example.gov.vn/phieu/STP/2022/giai-trinh/{asked.pk}/\n"
            "- Gửi phiếu tự đánh giá năm 2023: hạn 17:00 31/03/2024, còn 2 ngày\n"
            "  https://cchc.example.gov.vn/phieu/STP/2023/\n"
            "Xem tất cả tại: https://cchc.example.gov.vn/cua-toi/\n\n--\n",
            message.body,
        )
