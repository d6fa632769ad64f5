"""The survey (điều tra xã hội học, ĐTXHH): questionnaires, respondent types, ballots, answers.

A questionnaire belongs to a year and a unit group; each question feeds one survey item of the
group's framework. Ballots are the people's: stored once, never changed (no update path), and
read one by one only by the survey's administrators; pages, exports and open data read
aggregates (`survey.selectors`). The survey points they give are written to `scoring.Score`
through the one save path (`survey.services.apply_points`).
"""

from __future__ import annotations

import secrets
from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from scoring.models import AssessmentYear, Item
from units.models import Unit, UnitGroup

#: Short codes avoid letters and digits people confuse on paper (0/O, 1/I/L).
CODE_ALPHABET = "ABCDEFGHJKMNPQRSTUVWXYZ23456789"
CODE_LENGTH = 8


def new_code() -> str:
    return "".join(secrets.choice(CODE_ALPHABET) for _i in range(CODE_LENGTH))


def new_link_key() -> str:
    return secrets.token_urlsafe(12)


class RespondentType(models.Model):
    """Who answers: người dân, doanh nghiệp, công chức, lãnh đạo… (code like `nguoi_dan`)."""

    code = models.SlugField(_("mã"), max_length=30, unique=True)
    name = models.CharField(_("tên"), max_length=100)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["order", "code"]
        verbose_name = _("đối tượng khảo sát")
        verbose_name_plural = _("đối tượng khảo sát")

    def __str__(self) -> str:
        return self.name or self.code


class Questionnaire(models.Model):
    """One year and unit group's questionnaire."""

    year = models.ForeignKey(
        AssessmentYear, on_delete=models.PROTECT, related_name="+", verbose_name=_("năm")
    )
    group = models.ForeignKey(
        UnitGroup, on_delete=models.PROTECT, related_name="+", verbose_name=_("khối")
    )
    title = models.CharField(_("tên phiếu"), max_length=255, blank=True)
    # The open link (no token) exists only where the province opens it.
    open_link = models.BooleanField(_("mở đường dẫn chung"), default=False)
    link_key = models.CharField(max_length=40, unique=True, default=new_link_key, editable=False)
    created_at = models.DateTimeField(_("tạo lúc"), auto_now_add=True)

    class Meta:
        ordering = ["year", "group__order"]
        verbose_name = _("phiếu khảo sát")
        verbose_name_plural = _("phiếu khảo sát")
        constraints = [
            models.UniqueConstraint(fields=["year", "group"], name="questionnaire_one_per_group")
        ]

    def __str__(self) -> str:
        return f"{self.year_id} · {self.group}"


class Question(models.Model):
    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="questions"
    )
    code = models.CharField(_("mã câu hỏi"), max_length=30)
    item = models.ForeignKey(
        Item, on_delete=models.PROTECT, related_name="+", verbose_name=_("tiêu chí")
    )
    text = models.TextField(_("nội dung"))
    order = models.PositiveIntegerField(_("thứ tự"), default=0)
    # Empty: every respondent type answers it.
    respondent_types = models.ManyToManyField(
        RespondentType, blank=True, related_name="+", verbose_name=_("đối tượng trả lời")
    )

    class Meta:
        ordering = ["questionnaire", "order"]
        verbose_name = _("câu hỏi")
        verbose_name_plural = _("câu hỏi")
        constraints = [
            models.UniqueConstraint(fields=["questionnaire", "code"], name="question_code_unique")
        ]

    def __str__(self) -> str:
        return self.code


class Option(models.Model):
    question = models.ForeignKey(Question, on_delete=models.CASCADE, related_name="options")
    code = models.CharField(_("mã phương án"), max_length=10)
    weight = models.DecimalField(
        _("tỷ lệ điểm (%)"),
        max_digits=5,
        decimal_places=2,
        validators=[MinValueValidator(Decimal(0)), MaxValueValidator(Decimal(100))],
    )
    text = models.CharField(_("nội dung"), max_length=255, blank=True)
    order = models.PositiveSmallIntegerField(_("thứ tự"), default=0)

    class Meta:
        ordering = ["question", "order"]
        verbose_name = _("phương án trả lời")
        verbose_name_plural = _("phương án trả lời")
        constraints = [
            models.UniqueConstraint(fields=["question", "code"], name="option_code_unique"),
            models.CheckConstraint(
                condition=Q(weight__gte=0) & Q(weight__lte=100), name="option_weight_percent"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}={self.weight}"


class TypeWeight(models.Model):
    """A respondent type's weight in a year and unit group (none at all: answers count alike)."""

    year = models.ForeignKey(AssessmentYear, on_delete=models.CASCADE, related_name="+")
    group = models.ForeignKey(UnitGroup, on_delete=models.CASCADE, related_name="+")
    respondent_type = models.ForeignKey(RespondentType, on_delete=models.PROTECT, related_name="+")
    weight = models.DecimalField(_("trọng số"), max_digits=7, decimal_places=2)

    class Meta:
        verbose_name = _("trọng số đối tượng")
        verbose_name_plural = _("trọng số đối tượng")
        constraints = [
            models.UniqueConstraint(
                fields=["year", "group", "respondent_type"], name="type_weight_unique"
            ),
            models.CheckConstraint(condition=Q(weight__gt=0), name="type_weight_positive"),
        ]

    def __str__(self) -> str:
        return f"{self.respondent_type_id}={self.weight}"


class SampleTarget(models.Model):
    """How many ballots a unit should collect from a respondent type (the progress's target)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="targets"
    )
    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="+")
    respondent_type = models.ForeignKey(RespondentType, on_delete=models.PROTECT, related_name="+")
    target = models.PositiveIntegerField(_("số phiếu cần thu"))

    class Meta:
        verbose_name = _("chỉ tiêu số phiếu")
        verbose_name_plural = _("chỉ tiêu số phiếu")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "unit", "respondent_type"], name="sample_target_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.unit_id} · {self.respondent_type_id}: {self.target}"


class InvitationToken(models.Model):
    """One online ballot for one unit and respondent type; used once."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.CASCADE, related_name="tokens"
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    respondent_type = models.ForeignKey(RespondentType, on_delete=models.PROTECT, related_name="+")
    code = models.CharField(_("mã mời"), max_length=16, unique=True, default=new_code)
    created_at = models.DateTimeField(auto_now_add=True)
    used_at = models.DateTimeField(_("đã dùng lúc"), null=True, blank=True)

    class Meta:
        ordering = ["unit", "respondent_type", "created_at"]
        verbose_name = _("mã mời khảo sát")
        verbose_name_plural = _("mã mời khảo sát")

    def __str__(self) -> str:
        return self.code


class Channel(models.TextChoices):
    ONLINE = "online", _("trực tuyến")
    LINK = "link", _("đường dẫn chung")
    PAPER = "paper", _("phiếu giấy")
    FILE = "file", _("nhập tệp")


class Ballot(models.Model):
    """One respondent's answers. `reference` is the ballot id (a file's, or generated)."""

    questionnaire = models.ForeignKey(
        Questionnaire, on_delete=models.PROTECT, related_name="ballots"
    )
    reference = models.CharField(_("mã phiếu"), max_length=64)
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+")
    respondent_type = models.ForeignKey(RespondentType, on_delete=models.PROTECT, related_name="+")
    channel = models.CharField(_("kênh"), max_length=10, choices=Channel.choices)
    token = models.OneToOneField(
        InvitationToken, on_delete=models.PROTECT, null=True, blank=True, related_name="ballot"
    )
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập"),
    )
    created_at = models.DateTimeField(_("nhận lúc"), auto_now_add=True)
    # Paper ballots typed twice: the second clerk's entry matched the first.
    verified_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("người nhập lần hai"),
    )

    class Meta:
        ordering = ["questionnaire", "reference"]
        verbose_name = _("phiếu trả lời")
        verbose_name_plural = _("phiếu trả lời")
        constraints = [
            models.UniqueConstraint(
                fields=["questionnaire", "reference"], name="ballot_reference_unique"
            )
        ]

    def __str__(self) -> str:
        return self.reference


class Answer(models.Model):
    """One answer; `option` None is a blank or "không trả lời" (kept, never counted)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="answers")
    question = models.ForeignKey(Question, on_delete=models.PROTECT, related_name="answers")
    option = models.ForeignKey(
        Option, on_delete=models.PROTECT, null=True, blank=True, related_name="answers"
    )

    class Meta:
        verbose_name = _("câu trả lời")
        verbose_name_plural = _("câu trả lời")
        constraints = [
            models.UniqueConstraint(fields=["ballot", "question"], name="answer_once_per_ballot")
        ]

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.question_id}"


class EntryMismatch(models.Model):
    """A paper ballot's second entry that differs from the first: listed for a third look, which
    settles the answers (`survey.services.settle_mismatch`)."""

    ballot = models.ForeignKey(Ballot, on_delete=models.CASCADE, related_name="mismatches")
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    # {question code: option code typed the second time ("" for no answer)}
    answers = models.JSONField(_("lần nhập thứ hai"))
    created_at = models.DateTimeField(auto_now_add=True)
    settled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    settled_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name = _("phiếu nhập lệch")
        verbose_name_plural = _("phiếu nhập lệch")

    def __str__(self) -> str:
        return f"{self.ballot_id} · {self.created_at:%Y-%m-%d}"
