"""The survey in the Django admin: managing it without a terminal.

- Respondent types are plain records (code, name, order).
- A questionnaire comes from a file (the import page runs `services.import_questionnaire`, the
  command's own function); its questions and options are shown inline, read-only: they change
  only by importing the file again, which the service refuses once ballots are stored. The
  title and the open link are edited here (until the year is published).
- Type weights and sample targets are set per questionnaire on two small pages that run
  `services.set_type_weights` / `services.set_sample_targets`, with the commands' refusals.
- Ballots and their answers are the people's: visible to the survey's administrators alone
  (`survey.view_ballots`) and read-only (a sent ballot never changes).
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db.models import Count
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from lib import tabular
from scoring.admin import PublishedYearReadOnlyMixin, ReadOnlyAdmin, ReadOnlyInline, sentence
from scoring.models import AssessmentYear
from scoring.permissions import may
from scoring.services.errors import ServiceError
from survey import services
from survey.models import (
    Answer,
    Ballot,
    Question,
    Questionnaire,
    RespondentType,
    SampleTarget,
    TypeWeight,
)
from units.models import UnitGroup


def _percent(value) -> str:
    return number_format(value, 2) if value % 1 else number_format(value, 0)


def _require_manage(request) -> None:
    if not may(request.user, "survey.manage"):
        raise PermissionDenied


class SurveyManagersOnly:
    """Pages for the survey's administrators (`survey.manage`) only."""

    perm = "survey.manage"

    def has_module_permission(self, request):
        return may(request.user, self.perm)

    def has_view_permission(self, request, obj=None):
        return may(request.user, self.perm)


# --------------------------------------------------------------------------- respondent types


@admin.register(RespondentType)
class RespondentTypeAdmin(SurveyManagersOnly, admin.ModelAdmin):
    list_display = ("code", "name", "order")
    ordering = ("order", "code")

    def has_add_permission(self, request):
        return may(request.user, "survey.manage")

    def has_change_permission(self, request, obj=None):
        return may(request.user, "survey.manage")

    def has_delete_permission(self, request, obj=None):
        return may(request.user, "survey.manage")


# --------------------------------------------------------------------------- questionnaires


class QuestionInline(ReadOnlyInline):
    model = Question
    fields = ("code", "item", "text", "options_shown", "types_shown")
    readonly_fields = fields
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return may(request.user, "survey.manage")

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("item")
            .prefetch_related("options", "respondent_types")
        )

    @admin.display(description=gettext_lazy("phương án (tỷ lệ điểm %)"))
    def options_shown(self, obj: Question) -> str:
        return " ".join(f"{o.code}={_percent(o.weight)}" for o in obj.options.all())

    @admin.display(description=gettext_lazy("đối tượng trả lời"))
    def types_shown(self, obj: Question) -> str:
        return ", ".join(t.code for t in obj.respondent_types.all()) or _("mọi đối tượng")


class QuestionnaireImportForm(forms.Form):
    year = forms.ModelChoiceField(
        label=gettext_lazy("Năm"), queryset=AssessmentYear.objects.order_by("-year")
    )
    group = forms.ModelChoiceField(label=gettext_lazy("Khối"), queryset=UnitGroup.objects.all())
    file = forms.FileField(
        label=gettext_lazy("Tệp phiếu khảo sát (xlsx hoặc CSV)"),
        help_text=gettext_lazy(
            "Cột code, item_code, text, options (ví dụ “A=100 B=60 C=20 D=0”) và, không bắt "
            "buộc, respondent_types, option_texts; như lệnh import_questionnaire."
        ),
    )


class WeightsForm(forms.Form):
    weights = forms.CharField(
        label=gettext_lazy("Trọng số đối tượng"),
        required=False,
        help_text=gettext_lazy(
            "Cách nhau bởi dấu cách, ví dụ “nguoi_dan=60 cong_chuc=40” (dấu phẩy thập phân "
            "được); để trống: bỏ trọng số, mọi câu trả lời tính như nhau."
        ),
        widget=forms.TextInput(attrs={"size": 60}),
    )


class TargetsForm(forms.Form):
    targets = forms.CharField(
        label=gettext_lazy("Số phiếu cần thu mỗi đơn vị"),
        help_text=gettext_lazy("Cách nhau bởi dấu cách, ví dụ “nguoi_dan=30 cong_chuc=12”."),
        widget=forms.TextInput(attrs={"size": 60}),
    )
    unit = forms.CharField(
        label=gettext_lazy("Chỉ cho đơn vị (mã, không bắt buộc)"), required=False, max_length=30
    )


@admin.register(Questionnaire)
class QuestionnaireAdmin(SurveyManagersOnly, PublishedYearReadOnlyMixin, admin.ModelAdmin):
    list_display = ("__str__", "title", "question_count", "ballot_count", "open_link", "tools")
    list_filter = ("year", "group")
    fields = ("year", "group", "title", "open_link", "tools")
    readonly_fields = ("year", "group", "tools")
    inlines = (QuestionInline,)

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .select_related("group")
            .annotate(
                n_questions=Count("questions", distinct=True),
                n_ballots=Count("ballots", distinct=True),
            )
        )

    def has_add_permission(self, request):
        return False  # from a file: the import page

    def has_change_permission(self, request, obj=None):
        return may(request.user, "survey.manage") and not self.is_locked(obj)

    def has_delete_permission(self, request, obj=None):
        return False  # ballots hang on it; replace it by importing again

    @admin.display(description=gettext_lazy("câu hỏi"))
    def question_count(self, obj) -> int:
        return obj.n_questions

    @admin.display(description=gettext_lazy("phiếu đã thu"))
    def ballot_count(self, obj) -> int:
        return obj.n_ballots

    @admin.display(description=gettext_lazy("công cụ"))
    def tools(self, obj) -> str:
        if obj is None or obj.pk is None:
            return ""
        return format_html(
            '<a href="{}">{}</a> · <a href="{}">{}</a>',
            reverse("admin:survey_questionnaire_weights", args=[obj.pk]),
            _("Trọng số đối tượng"),
            reverse("admin:survey_questionnaire_targets", args=[obj.pk]),
            _("Số phiếu cần thu"),
        )

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path("nhap/", view(self.import_view), name="survey_questionnaire_import"),
            path(
                "<int:pk>/trong-so/", view(self.weights_view), name="survey_questionnaire_weights"
            ),
            path(
                "<int:pk>/chi-tieu/", view(self.targets_view), name="survey_questionnaire_targets"
            ),
            *super().get_urls(),
        ]

    def _render(self, request, title: str, form, errors=(), *, extra: dict[str, Any] | None = None):
        context = {
            **self.admin_site.each_context(request),
            "opts": self.opts,
            "title": title,
            "form": form,
            "errors": list(errors),
            **(extra or {}),
        }
        status = 400 if errors or (request.method == "POST" and form.errors) else 200
        return TemplateResponse(request, "admin/survey/tool.html", context, status=status)

    def import_view(self, request):
        _require_manage(request)
        form = QuestionnaireImportForm(request.POST or None, request.FILES or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                summary = services.import_questionnaire(
                    form.cleaned_data["file"], form.cleaned_data["year"], form.cleaned_data["group"]
                )
            except (tabular.TableError, ServiceError) as error:
                errors = [sentence(m) for m in error.messages]
            else:
                self.message_user(request, str(summary), messages.SUCCESS)
                questionnaire = Questionnaire.objects.get(
                    year=form.cleaned_data["year"], group=form.cleaned_data["group"]
                )
                return redirect("admin:survey_questionnaire_change", questionnaire.pk)
        return self._render(request, _("Nhập phiếu khảo sát từ tệp"), form, errors)

    def weights_view(self, request, pk: int):
        _require_manage(request)
        questionnaire = get_object_or_404(
            Questionnaire.objects.select_related("year", "group"), pk=pk
        )
        current = TypeWeight.objects.filter(
            year=questionnaire.year, group=questionnaire.group
        ).select_related("respondent_type")
        initial = " ".join(
            f"{w.respondent_type.code}={_percent(w.weight)}"
            for w in current.order_by("respondent_type__order")
        )
        form = WeightsForm(request.POST or None, initial={"weights": initial})
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                weights = services.parse_weights(form.cleaned_data["weights"].split())
                services.set_type_weights(questionnaire.year, questionnaire.group, weights)
            except ServiceError as error:
                errors = [sentence(m) for m in error.messages]
            else:
                self.message_user(request, _("Đã lưu trọng số đối tượng."), messages.SUCCESS)
                return redirect("admin:survey_questionnaire_change", questionnaire.pk)
        return self._render(
            request,
            _("Trọng số đối tượng: %(q)s") % {"q": questionnaire},
            form,
            errors,
            extra={"original": questionnaire},
        )

    def targets_view(self, request, pk: int):
        _require_manage(request)
        questionnaire = get_object_or_404(
            Questionnaire.objects.select_related("year", "group"), pk=pk
        )
        form = TargetsForm(request.POST or None)
        errors: list[str] = []
        if request.method == "POST" and form.is_valid():
            try:
                targets = services.parse_targets(form.cleaned_data["targets"].split())
                count = services.set_sample_targets(
                    questionnaire.year,
                    questionnaire.group,
                    targets,
                    unit_code=form.cleaned_data["unit"].strip() or None,
                )
            except ServiceError as error:
                errors = [sentence(m) for m in error.messages]
            else:
                self.message_user(
                    request,
                    _("Đã lưu %(count)s chỉ tiêu số phiếu.") % {"count": count},
                    messages.SUCCESS,
                )
                return redirect("admin:survey_questionnaire_change", questionnaire.pk)
        return self._render(
            request,
            _("Số phiếu cần thu: %(q)s") % {"q": questionnaire},
            form,
            errors,
            extra={"original": questionnaire},
        )


@admin.register(TypeWeight)
class TypeWeightAdmin(SurveyManagersOnly, ReadOnlyAdmin):
    list_display = ("year", "group", "respondent_type", "weight_shown")
    list_filter = ("year", "group")
    list_select_related = ("group", "respondent_type")

    @admin.display(description=gettext_lazy("trọng số"))
    def weight_shown(self, obj: TypeWeight) -> str:
        return _percent(obj.weight)


@admin.register(SampleTarget)
class SampleTargetAdmin(SurveyManagersOnly, ReadOnlyAdmin):
    list_display = ("questionnaire", "unit", "respondent_type", "target")
    list_filter = ("questionnaire",)
    list_select_related = ("questionnaire__group", "unit", "respondent_type")


# --------------------------------------------------------------------------- ballots


class AnswerInline(ReadOnlyInline):
    model = Answer
    fields = ("question", "option")
    readonly_fields = fields
    show_change_link = False

    def has_view_permission(self, request, obj=None):
        return may(request.user, "survey.view_ballots")

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("question", "option")


@admin.register(Ballot)
class BallotAdmin(SurveyManagersOnly, ReadOnlyAdmin):
    """A sent ballot never changes: read-only, for the survey's administrators alone."""

    perm = "survey.view_ballots"
    list_display = (
        "reference",
        "questionnaire",
        "unit",
        "respondent_type",
        "channel",
        "created_at",
    )
    list_filter = ("questionnaire", "channel", "respondent_type")
    list_select_related = ("questionnaire__group", "unit", "respondent_type")
    search_fields = ("reference", "unit__code")
    show_full_result_count = False
    inlines = (AnswerInline,)
