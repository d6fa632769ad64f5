"""Functions the queue's worker runs (django-q2, by dotted path): scheduled work and long jobs.

Schedules (created by jobs/migrations/0002_schedules.py, listed in the admin's "Scheduled
tasks"): `send_reminders` each hour; the outbox's sweep each minute and the expired job files
each hour live in `jobs`. Long jobs started from the page /quan-tri/viec-nen/ are in
`scoring.exchange.background`.
"""

from django.conf import settings
from django.utils import translation

from scoring.services import year_states

REMINDER_DAYS = 3


def send_reminders() -> str:
    """The reminders before the self-assessment deadline (3 days ahead), once per deadline."""
    with translation.override(settings.LANGUAGE_CODE):
        report = year_states.send_reminders(REMINDER_DAYS)
    return f"sent {len(report.sent)}, no address {len(report.no_address)}"
