"""Background work kept in the portal's own database (README: "Việc chạy nền / Background work").

`Mail` is the outbox: every notification is a row written in the transaction of the change that
causes it, under a key that names what it announces (one mail per key, at most); the queue's
worker delivers it with back-off and keeps the last error. `Job` is a long piece of work started
from a page (an import, a year-wide export): its progress, its outcome or its Vietnamese error,
and its file, kept for its owner for a day.

The queue itself is django-q2's ORM broker (`django_q.models.OrmQ`, same database): this app
never imports `scoring`; the functions the worker runs are named by their dotted path.
"""

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class MailState(models.TextChoices):
    PENDING = "pending", _("Chờ gửi")
    SENT = "sent", _("Đã gửi")
    FAILED = "failed", _("Gửi không được")


class Mail(models.Model):
    """One notification: rendered when the change happened, delivered by the worker."""

    # What the mail announces, e.g. "explanation-requested:12" or "reminder:40:2026-03-31…":
    # unique, so that the same event never queues a second mail.
    key = models.CharField(_("khóa"), max_length=200, unique=True)
    subject = models.CharField(_("tiêu đề"), max_length=500)
    body = models.TextField(_("nội dung"))
    recipients = models.JSONField(_("người nhận"), default=list)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=MailState.choices, default=MailState.PENDING
    )
    attempts = models.PositiveIntegerField(_("số lần thử"), default=0)
    # The worker holding the mail until then (a crashed worker's claim runs out).
    claimed_until = models.DateTimeField(_("đang gửi đến"), null=True, blank=True)
    next_attempt_at = models.DateTimeField(_("thử lại lúc"), null=True, blank=True)
    last_error = models.TextField(_("lỗi gần nhất"), blank=True)
    # A body holding a secret (a password-reset link) is erased once the mail has gone.
    erase_body = models.BooleanField(default=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    sent_at = models.DateTimeField(_("gửi lúc"), null=True, blank=True)

    class Meta:
        verbose_name = _("thư thông báo")
        verbose_name_plural = _("thư thông báo")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["state", "next_attempt_at"], name="mail_due")]

    def __str__(self) -> str:
        return self.key


class JobState(models.TextChoices):
    WAITING = "waiting", _("Đang chờ")
    RUNNING = "running", _("Đang chạy")
    DONE = "done", _("Xong")
    FAILED = "failed", _("Lỗi")


class Job(models.Model):
    """A long piece of work started from a page, followed by its owner's progress bar."""

    # In the job's address: not guessable, unlike the id.
    token = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="jobs"
    )
    kind = models.CharField(_("loại"), max_length=40)
    title = models.CharField(_("tên"), max_length=300)
    # What the worker needs (a year, a group, the uploaded file's name in the jobs storage).
    params = models.JSONField(_("tham số"), default=dict)
    state = models.CharField(
        _("trạng thái"), max_length=10, choices=JobState.choices, default=JobState.WAITING
    )
    done = models.PositiveIntegerField(_("đã xong"), default=0)
    total = models.PositiveIntegerField(_("tổng"), default=0)
    message = models.TextField(_("kết quả"), blank=True)
    error = models.TextField(_("lỗi"), blank=True)
    # The upload and the result live in the default storage under jobs/ until expires_at.
    upload_name = models.CharField(max_length=300, blank=True)
    result_name = models.CharField(max_length=300, blank=True)
    result_filename = models.CharField(max_length=200, blank=True)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)
    finished_at = models.DateTimeField(_("xong lúc"), null=True, blank=True)
    expires_at = models.DateTimeField(_("giữ đến"))

    class Meta:
        verbose_name = _("công việc nền")
        verbose_name_plural = _("công việc nền")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.title

    @property
    def percent(self) -> int:
        if self.state == JobState.DONE:
            return 100
        if not self.total:
            return 0
        return min(100, self.done * 100 // self.total)

    @property
    def finished(self) -> bool:
        return self.state in (JobState.DONE, JobState.FAILED)
