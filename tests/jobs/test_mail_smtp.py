"""Mail that is never lost: a real SMTP server on loopback (aiosmtpd), stopped while changes
notify, started again; every mail arrives once, through the queue's worker."""

import email
import socket
from datetime import timedelta
from decimal import Decimal as D

from aiosmtpd.controller import Controller
from django.core import mail as django_mail
from django.db import transaction
from django.test import TestCase, override_settings
from django.urls import reverse
from django.utils import timezone
from django_q.models import OrmQ

from jobs.mail import sweep
from jobs.models import Mail, MailState
from scoring.models import AssessmentYear, Sheet, YearState
from scoring.permissions import appraised_domains
from scoring.services import year_states
from scoring.services.appraisal import answer_explanation, request_explanation
from scoring.services.scores import ScoreChange, apply_score_changes
from scoring.services.self_assessment import submit_sheet
from tests.factories import decide_open_units, make_sheet, make_unit, make_year, personas
from tests.queue import run_jobs


class Inbox:
    """aiosmtpd's handler: keeps every message the server accepted."""

    def __init__(self):
        self.messages: list[email.message.Message] = []

    async def handle_DATA(self, server, session, envelope):
        self.messages.append(email.message_from_bytes(envelope.content))
        return "250 OK"


def key(message) -> str:
    """The outbox key a message carries (a long header is folded)."""
    return "".join(str(message["X-CCHC-Key"]).split())


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


PORT = free_port()


SMTP = override_settings(
    EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
    EMAIL_HOST="127.0.0.1",
    EMAIL_PORT=PORT,
    EMAIL_TIMEOUT=5,
    MAIL_RETRY_SECONDS=0,
    PORTAL_BASE_URL="https://cchc.example.gov.vn",
)


class TestMailServerDownThenBack(TestCase):
    @classmethod
    def setUpTestData(cls):
        cls.year = make_year(
            2023,
            state=YearState.SELF_ASSESSMENT,
            self_assessment_deadline=timezone.now() + timedelta(days=2),
        )
        cls.unit_a = make_unit("STP", "Sở Tư pháp", email="stp@example.vn")
        cls.unit_b = make_unit("SXD", "Sở Xây dựng")
        cls.home = make_unit("SNV", "Sở Nội vụ")
        cls.people = personas(cls.unit_a, cls.unit_b, cls.home)
        cls.leader_a = cls.people["leader_a"]
        for unit in (cls.unit_a, cls.unit_b):
            make_sheet(unit, cls.year)

    def setUp(self):
        # (in setUp: pytest-django sets the test's locmem backend after a class decorator)
        SMTP.enable()
        self.addCleanup(SMTP.disable)
        self.inbox = Inbox()
        self.server = None

    def tearDown(self):
        self.stop_server()

    def start_server(self):
        self.server = Controller(self.inbox, hostname="127.0.0.1", port=PORT)
        self.server.start()

    def stop_server(self):
        if self.server is not None:
            self.server.stop()
            self.server = None

    def sheet(self, unit) -> Sheet:
        return Sheet.objects.select_related("unit", "year").get(unit=unit, year=self.year)

    def notifying_changes(self):
        """Every kind of notification: reminder, submission, password reset, explanation
        request and answer, publication."""
        year_states.send_reminders(3)  # SXD (staff_b) has a draft
        sheet_a = self.sheet(self.unit_a)
        apply_score_changes(
            sheet_a,
            [ScoreChange(c, self_points=D("1")) for c in ("1.1.1", "1.1.2", "1.2", "2.1", "2.2")],
            source="test",
        )
        submit_sheet(sheet_a, user=self.leader_a)
        self.client.post(reverse("password_reset"), {"email": "staff_a@example.vn"})
        AssessmentYear.objects.filter(pk=self.year.pk).update(state=YearState.APPRAISAL)
        appraiser = self.people["appraiser"]
        sheet_a = self.sheet(self.unit_a)
        explanation = request_explanation(
            sheet_a,
            "1.1.1",
            "Vì sao?",
            user=appraiser,
            domains=appraised_domains(appraiser, sheet_a),
        )
        answer_explanation(explanation, "Đã bổ sung.", user=self.leader_a)
        decide_open_units(self.year, self.people["admin"])
        year_states.publish(AssessmentYear.objects.get(pk=self.year.pk), user=self.people["admin"])

    def test_every_mail_arrives_once_after_the_server_comes_back(self):
        self.start_server()
        self.stop_server()  # the server was up, and is down now

        self.notifying_changes()
        with self.assertLogs("django-q", "ERROR"):
            run_jobs()  # the worker tries each mail: refused

        queued = dict(Mail.objects.values_list("key", "state"))
        kinds = {key.split(":")[0] for key in queued}
        self.assertEqual(
            kinds,
            {
                "reminder",
                "sheet-submitted",
                "password-reset",
                "explanation-requested",
                "explanation-answered",
                "published",
            },
        )
        self.assertEqual(set(queued.values()), {MailState.PENDING})
        self.assertTrue(all(m.last_error for m in Mail.objects.all()))
        self.assertEqual(self.inbox.messages, [])

        self.start_server()
        run_jobs(schedules=True)  # the scheduler's sweep, a minute later
        run_jobs(schedules=True)  # and again: nothing is sent twice

        received = [key(m) for m in self.inbox.messages]
        self.assertEqual(sorted(received), sorted(queued))
        self.assertEqual(set(Mail.objects.values_list("state", flat=True)), {MailState.SENT})
        self.assertEqual(OrmQ.objects.count(), 0)
        reset = next(m for m in self.inbox.messages if key(m).startswith("password"))
        self.assertIn(
            "https://cchc.example.gov.vn/tai-khoan/reset/", reset.get_payload(decode=True).decode()
        )
        # The reset link is not kept in the outbox once sent.
        self.assertEqual(Mail.objects.get(key=key(reset)).body, "")
        self.assertEqual(django_mail.outbox, [])  # the SMTP backend, not the test's outbox

    def test_a_mail_that_keeps_failing_is_marked_failed_with_its_error(self):
        with self.settings(MAIL_MAX_ATTEMPTS=2), self.assertLogs("django-q", "ERROR"):
            year_states.send_reminders(3)
            run_jobs()
        with self.settings(MAIL_MAX_ATTEMPTS=2), self.assertLogs("jobs.mail", "WARNING"):
            # The sweeps of the next minutes: each stops at the first refusal.
            for _minute in range(3):
                sweep()

        for failed in Mail.objects.all():  # STP's and SXD's reminders
            self.assertEqual((failed.state, failed.attempts), (MailState.FAILED, 2))
            self.assertIn("Connection refused", failed.last_error)

    def test_a_change_that_rolls_back_queues_nothing(self):
        class Undo(Exception):
            pass

        try:
            with transaction.atomic():
                year_states.send_reminders(3)
                self.assertEqual(Mail.objects.count(), 2)  # STP and SXD have a draft
                self.assertEqual(OrmQ.objects.count(), 2)
                raise Undo
        except Undo:
            pass

        self.assertEqual((Mail.objects.count(), OrmQ.objects.count()), (0, 0))
        self.assertEqual(self.sheet(self.unit_b).reminded_for, None)
