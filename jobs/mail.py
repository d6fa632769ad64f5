"""The outbox: notifications queued with the change that causes them, delivered by the worker.

`queue_mail` writes a `Mail` row and the queue's task row (django-q2's ORM broker, the same
database) inside the caller's transaction: a change that rolls back leaves neither, a change that
commits leaves both. Nothing is sent inside the request.

`deliver` (run by the worker) claims the mail with one conditional UPDATE, sends it over SMTP
(EMAIL_TIMEOUT bounds a hung server) and marks it sent. A mail is sent at most once per key,
with one window: if the worker dies after the mail server accepted the message and before the
"sent" mark is committed (milliseconds), the claim runs out (MAIL_CLAIM_SECONDS) and the mail is
sent again. Its Message-ID is built from the key, so the copy carries the same Message-ID and
mail clients that dedupe by it show it once. Never lost is preferred over never twice.

A failure is recorded on the row (attempts, last error) and tried again after a back-off that
doubles from MAIL_RETRY_SECONDS up to an hour, by `sweep` (a scheduled task each minute); after
MAIL_MAX_ATTEMPTS the mail is marked failed and shows in the admin (“Thư thông báo”), where an
action sends it again. The task also fails in django-q2's own list ("Failed tasks").
"""

from __future__ import annotations

import hashlib
import logging
from collections.abc import Sequence
from datetime import datetime, timedelta

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django_q.tasks import async_task

from jobs.models import Mail, MailState

logger = logging.getLogger(__name__)

DELIVER = "jobs.mail.deliver"


def retry_delay(attempts: int) -> timedelta:
    """The wait after the `attempts`-th failure: MAIL_RETRY_SECONDS doubled each time, at most
    an hour (30 s, 1 min, 2 min, 4 min … 1 h with the default)."""
    base = int(settings.MAIL_RETRY_SECONDS)
    return timedelta(seconds=min(3600, base * 2 ** max(0, attempts - 1)))


def message_id(key: str) -> str:
    digest = hashlib.sha256(key.encode()).hexdigest()[:32]
    domain = str(settings.DEFAULT_FROM_EMAIL).rpartition("@")[2] or "localhost"
    return f"<{digest}@{domain}>"


def queue_mail(
    key: str, subject: str, body: str, recipients: Sequence[str], *, secret: bool = False
) -> Mail | None:
    """Queue one mail under `key`, in the current transaction; None when there is nobody to
    tell or the key was queued before (at most one mail per key). A `secret` body (a
    password-reset link) is erased once sent."""
    recipients = sorted({r for r in recipients if r})
    if not recipients:
        return None
    with transaction.atomic():
        mail, created = Mail.objects.get_or_create(
            key=key[:200],
            defaults={
                "subject": subject[:500],
                "body": body,
                "recipients": recipients,
                "erase_body": secret,
            },
        )
        if not created:
            return None
        async_task(DELIVER, mail.pk, task_name=f"mail {mail.pk}", group="mail")
    return mail


def _claim(pk: int, now: datetime) -> bool:
    claimable = Q(claimed_until__isnull=True) | Q(claimed_until__lt=now)
    claimed = (
        Mail.objects.filter(pk=pk, state=MailState.PENDING)
        .filter(claimable)
        .update(claimed_until=now + timedelta(seconds=int(settings.MAIL_CLAIM_SECONDS)))
    )
    return bool(claimed)


def deliver(pk: int) -> str:
    """Send one queued mail (the worker's task). Raises when the mail server refuses or is
    unreachable, after recording the attempt, so that the queue lists the failure."""
    now = timezone.now()
    if not _claim(pk, now):
        return "skipped"
    mail = Mail.objects.get(pk=pk)
    message = EmailMessage(
        mail.subject,
        mail.body,
        None,
        mail.recipients,
        headers={"Message-ID": message_id(mail.key), "X-CCHC-Key": mail.key},
    )
    try:
        message.send()
    except Exception as exc:
        attempts = mail.attempts + 1
        failed = attempts >= int(settings.MAIL_MAX_ATTEMPTS)
        Mail.objects.filter(pk=pk).update(
            attempts=attempts,
            claimed_until=None,
            last_error=f"{type(exc).__name__}: {exc}"[:2000],
            next_attempt_at=None if failed else timezone.now() + retry_delay(attempts),
            state=MailState.FAILED if failed else MailState.PENDING,
        )
        raise
    Mail.objects.filter(pk=pk).update(
        **({"body": ""} if mail.erase_body else {}),
        state=MailState.SENT,
        sent_at=timezone.now(),
        attempts=mail.attempts + 1,
        claimed_until=None,
        next_attempt_at=None,
        last_error="",
    )
    return "sent"


def due(now: datetime | None = None) -> list[int]:
    """Mails waiting whose retry time has come, or whose worker's claim ran out."""
    now = now or timezone.now()
    return list(
        Mail.objects.filter(state=MailState.PENDING)
        .filter(Q(next_attempt_at__isnull=True) | Q(next_attempt_at__lte=now))
        .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        .order_by("created_at")
        .values_list("pk", flat=True)[:500]
    )


def sweep() -> str:
    """Try the due mails again (scheduled each minute). The first failure ends the sweep: a
    mail server that is down refuses the others too, and they keep their turn for the next."""
    sent = 0
    for pk in due():
        try:
            if deliver(pk) == "sent":
                sent += 1
        except Exception:
            logger.warning("Máy chủ thư chưa nhận thư %s; sẽ thử lại.", pk, exc_info=True)
            break
    return f"sent {sent}"


def resend(mails: Sequence[Mail]) -> int:
    """Put failed mails back in the queue (the admin's action)."""
    count = 0
    for mail in mails:
        if mail.state == MailState.SENT:
            continue
        Mail.objects.filter(pk=mail.pk).update(
            state=MailState.PENDING, attempts=0, next_attempt_at=None, claimed_until=None
        )
        async_task(DELIVER, mail.pk, task_name=f"mail {mail.pk}", group="mail")
        count += 1
    return count
