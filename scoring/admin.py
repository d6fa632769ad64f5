"""Admin for years, frameworks, bands, sheets, scores and results.

Every write goes through a service (scoring/services/), so the admin keeps
the rules the pages keep: points within the maximum, results recomputed with every change, and
nothing of a published year changes (its pages here are read-only; reopening a year is an explicit,
recorded workflow action).
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any, TypedDict, cast

from django import forms
from django.contrib import admin, messages
from django.contrib.admin import helpers
from django.db import models
from django.db.models import Count, Q
from django.http import HttpResponseRedirect
from django.template.defaultfilters import filesizeformat
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.formats import number_format
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import WithAnnotations
from simple_history.admin import SimpleHistoryAdmin

from scoring.exchange import framework_io as admin_framework_io
from scoring.models import (
    AssessmentYear,
    Band,
    DomainResult,
    Evidence,
    ExplanationRequest,
    Framework,
    Item,
    ItemCrosswalk,
    PublicationDecision,
    Result,
    Score,
    Sheet,
    YearState,
    YearTransition,
)
from scoring.permissions import may
from scoring.services.errors import ServiceError, ensure_not_published, published_refusal
from scoring.services.frameworks import (
    band_problems,
    capped_band_problems,
    copy_year,
    delete_bands,
    framework_has_scores,
    save_band,
    update_item,
)
from scoring.services.results import recompute_year
from scoring.services.scores import UNSET, ScoreChange, apply_score_changes, score_change_problems
from scoring.services.year_states import save_year

admin.site.site_header = _("Quản trị Cổng Chỉ số CCHC")
admin.site.site_title = _("Quản trị Cổng Chỉ số CCHC")
admin.site.index_title = _("Quản lý dữ liệu")

STRUCTURE_HELP = _(
    "Mã, cấp cha, phương pháp và việc được chấm điểm là cấu trúc của bộ chỉ số: chỉ thay đổi "
    "bằng cách nhập lại cả bộ chỉ số (lệnh import_framework), khi chưa có điểm chấm. Điểm tối đa "
    "của một tiêu chí được chấm sửa được ở đây khi bộ chỉ số chưa có điểm; điểm tối đa của các "
    "tiêu chí cha được tính lại theo tổng các tiêu chí con."
)


# --------------------------------------------------------------------------- shared behaviour

if TYPE_CHECKING:
    # The mixins below extend a ModelAdmin (they come before it in each admin's bases).
    _ModelAdminMixin = admin.ModelAdmin[Any]
else:
    _ModelAdminMixin = object


class PublishedYearReadOnlyMixin(_ModelAdminMixin):
    """An object of a published year is shown read-only: a POST to it is refused (403).

    `year_path` leads from the object to its AssessmentYear ("" when the object is the year).
    Adding stays allowed: the services refuse writes into a published year with a message.
    Decimals are shown in forms as in the lists, "9,50" in Vietnamese (a text input that
    reads both separators).
    """

    formfield_overrides = {models.DecimalField: {"localize": True}}

    year_path = "year"

    def year_of(self, obj) -> AssessmentYear:
        for part in filter(None, self.year_path.split("__")):
            obj = getattr(obj, part)
        return obj

    def is_locked(self, obj) -> bool:
        return obj is not None and obj.pk is not None and self.year_of(obj).is_published

    def has_change_permission(self, request, obj=None):
        return not self.is_locked(obj) and super().has_change_permission(request, obj)

    def has_delete_permission(self, request, obj=None):
        return not self.is_locked(obj) and super().has_delete_permission(request, obj)


def sentence(message: str) -> str:
    """A service message prefixed with nothing starts in lower case: show it as a sentence."""
    return message[:1].upper() + message[1:]


class ServiceErrorMixin(_ModelAdminMixin):
    """A service that refuses after the form was valid (a concurrent change) rolls everything back:
    the admin's own transaction ends with the exception, and the messages are shown."""

    def _refused(self, request, error: ServiceError):
        for message in error.messages:
            self.message_user(request, sentence(message), messages.ERROR)
        return HttpResponseRedirect(request.get_full_path())

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        try:
            return super().changeform_view(request, object_id, form_url, extra_context)
        except ServiceError as error:
            return self._refused(request, error)

    def delete_view(self, request, object_id, extra_context=None):
        try:
            return super().delete_view(request, object_id, extra_context)
        except ServiceError as error:
            return self._refused(request, error)

    def changelist_view(self, request, extra_context=None):
        # The bulk delete action ends in the service (`delete_queryset`), which may refuse.
        try:
            return super().changelist_view(request, extra_context)
        except ServiceError as error:
            return self._refused(request, error)


class ReadOnlyAdmin(admin.ModelAdmin):
    """Records written only by the services (results, transitions, uploaded files)."""

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class ReadOnlyInline(admin.TabularInline):
    extra = 0
    can_delete = False
    show_change_link = True

    def has_add_permission(self, request, obj=None):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False


class WholeTreeDeletionMixin(_ModelAdminMixin):
    """Deleting a year or a framework deletes its whole item tree (never single items, which the
    admin does not allow), and a year's record of state changes with it."""

    def get_deleted_objects(self, objs, request):
        deleted, counts, perms_needed, protected = super().get_deleted_objects(objs, request)
        perms_needed.discard(Item._meta.verbose_name)
        perms_needed.discard(YearTransition._meta.verbose_name)
        return deleted, counts, perms_needed, protected


def unpublished_year_required(form: forms.ModelForm, year: AssessmentYear | None) -> None:
    if year is None:
        return
    try:
        ensure_not_published(year)
    except ServiceError as error:
        form.add_error(None, error.messages)


# --------------------------------------------------------------------------- years


class AssessmentYearForm(forms.ModelForm):
    class Meta:
        model = AssessmentYear
        fields = [
            "year",
            "state",
            "owner_name",
            "self_assessment_deadline",
            "appraisal_deadline",
            "rounding",
        ]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "state" in self.fields:
            # Publishing records its date and transition in the workflow; reopening needs a reason.
            # A model field with choices has a choice field.
            cast(forms.ChoiceField, self.fields["state"]).choices = [
                choice for choice in YearState.choices if choice[0] != YearState.PUBLISHED
            ]
            self.fields["state"].help_text = _(
                "Công bố kết quả và mở lại năm đã công bố làm trong quy trình công bố (được ghi "
                "lại kèm lý do), không đổi ở đây. Mỗi lần đổi trạng thái ở đây cũng được ghi lại."
            )


class CopyYearForm(forms.Form):
    target_year = forms.IntegerField(label=_("Năm mới"), min_value=2000, max_value=2100)
    owner_name = forms.CharField(
        label=_("Tên tỉnh/thành phố"),
        max_length=200,
        required=False,
        help_text=_("Để trống: dùng tên của năm được sao chép."),
    )


class YearTransitionInline(ReadOnlyInline):
    model = YearTransition
    fields = readonly_fields = ("at", "from_state", "to_state", "reason", "by")
    show_change_link = False


@admin.register(AssessmentYear)
class AssessmentYearAdmin(
    WholeTreeDeletionMixin, ServiceErrorMixin, PublishedYearReadOnlyMixin, admin.ModelAdmin
):
    year_path = ""
    form = AssessmentYearForm
    list_display = [
        "year",
        "state",
        "owner_name",
        "self_assessment_deadline",
        "appraisal_deadline",
        "rounding",
        "published_at",
        "results_version",
    ]
    list_filter = ["state"]
    search_fields = ["year__exact", "owner_name"]
    readonly_fields = ["published_at", "results_version"]
    inlines = [YearTransitionInline]
    actions = ["copy_year_action", "recompute_action"]

    def save_model(self, request, obj, form, change):
        save_year(
            obj,
            form.changed_data,
            previous_state=form.initial.get("state", "") if change else "",
            user=request.user,
        )

    @admin.action(description=_("Sao chép bộ chỉ số và mức xếp loại sang năm mới"))
    def copy_year_action(self, request, queryset):
        if queryset.count() != 1:
            self.message_user(request, _("Hãy chọn đúng một năm để sao chép."), messages.WARNING)
            return None
        source = queryset.get()
        form = CopyYearForm(
            request.POST if "apply" in request.POST else None,
            initial={"target_year": source.year + 1, "owner_name": source.owner_name},
        )
        if form.is_valid():
            try:
                target = copy_year(
                    source,
                    form.cleaned_data["target_year"],
                    owner_name=form.cleaned_data["owner_name"] or None,
                )
            except ServiceError as error:
                for message in error.messages:
                    self.message_user(request, message, messages.ERROR)
                return None
            self.message_user(
                request,
                _(
                    "Đã sao chép %(frameworks)s bộ chỉ số (%(items)s tiêu chí) và %(bands)s mức "
                    "xếp loại từ năm %(source)s sang năm %(target)s."
                )
                % {
                    "frameworks": target.frameworks.count(),
                    "items": Item.objects.filter(framework__year=target).count(),
                    "bands": target.bands.count(),
                    "source": source.year,
                    "target": target.year,
                },
                messages.SUCCESS,
            )
            # On to the new year's management page (its state, deadline, opening), where an
            # administrator goes next; the admin's form for anyone else in the admin site.
            if may(request.user, "scoring.manage_year"):
                return HttpResponseRedirect(reverse("year_manage", args=[target.year]))
            return HttpResponseRedirect(
                reverse("admin:scoring_assessmentyear_change", args=[target.pk])
            )
        context = {
            **self.admin_site.each_context(request),
            "title": _("Sao chép năm %(year)s") % {"year": source.year},
            "opts": self.opts,
            "source": source,
            "frameworks": source.frameworks.select_related("group").annotate(
                item_count=Count("items")
            ),
            "band_count": source.bands.count(),
            "form": form,
            "action_name": "copy_year_action",
            "action_checkbox_name": helpers.ACTION_CHECKBOX_NAME,
        }
        return TemplateResponse(request, "admin/scoring/assessmentyear/copy_year.html", context)

    @admin.action(description=_("Tính lại kết quả"))
    def recompute_action(self, request, queryset):
        for year in queryset.order_by("year"):
            refusal = published_refusal(year)
            if refusal:
                self.message_user(
                    request,
                    refusal,
                    messages.WARNING,
                )
                continue
            recompute_year(year)
            self.message_user(request, _("Đã tính lại kết quả năm %(year)s.") % {"year": year.year})


@admin.register(YearTransition)
class YearTransitionAdmin(ReadOnlyAdmin):
    list_display = ["year", "from_state", "to_state", "at", "by", "reason"]
    list_filter = ["year", "to_state"]
    list_select_related = ["year", "by"]


@admin.register(PublicationDecision)
class PublicationDecisionAdmin(ReadOnlyAdmin):
    """Recorded on the year's management page (readiness check), never here."""

    list_display = ["year", "unit", "reason", "open_items", "decided_by", "decided_at"]
    list_filter = ["year"]
    list_select_related = ["year", "unit", "decided_by"]
    search_fields = ["unit__code", "unit__name", "reason"]


# --------------------------------------------------------------------------- frameworks


class ItemCounts(TypedDict):
    """What the framework list annotates (`FrameworkAdmin.get_queryset`)."""

    item_count: int
    scored_count: int


@admin.register(Framework)
class FrameworkAdmin(WholeTreeDeletionMixin, PublishedYearReadOnlyMixin, admin.ModelAdmin):
    list_display = ["__str__", "year", "group", "item_count", "scored_count"]
    list_filter = ["year", "group"]
    list_select_related = ["year", "group"]
    search_fields = ["name", "group__code", "group__name", "year__year__exact"]
    readonly_fields = ["year", "group"]
    change_form_template = "admin/scoring/framework/change_form.html"

    def get_queryset(self, request):
        return (
            super()
            .get_queryset(request)
            .annotate(
                item_count=Count("items"),
                scored_count=Count("items", filter=Q(items__is_scored=True)),
            )
        )

    def has_add_permission(self, request):
        # A framework is a whole tree: it comes from import_framework or from copying a year.
        return False

    def get_urls(self):
        # Import from and export to xlsx (scoring/exchange/framework_io.py).
        return admin_framework_io.framework_io_urls(self) + super().get_urls()

    @admin.display(description=_("số tiêu chí"), ordering="item_count")
    def item_count(self, obj: WithAnnotations[Framework, ItemCounts]) -> int:
        return obj.item_count

    @admin.display(description=_("số tiêu chí được chấm"), ordering="scored_count")
    def scored_count(self, obj: WithAnnotations[Framework, ItemCounts]) -> int:
        return obj.scored_count

    def change_view(self, request, object_id, form_url="", extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "item_tree": Item.objects.filter(framework_id=object_id).order_by("sort_key")
            if str(object_id).isdigit()
            else [],
            "structure_help": STRUCTURE_HELP,
        }
        return super().change_view(request, object_id, form_url, extra_context)


@admin.register(Item)
class ItemAdmin(ServiceErrorMixin, PublishedYearReadOnlyMixin, admin.ModelAdmin):
    year_path = "framework__year"
    list_display = [
        "indented_code",
        "name",
        "max_points",
        "method",
        "is_scored",
        "framework",
    ]
    list_display_links = ["indented_code", "name"]
    list_filter = ["framework__year", "framework__group", "method", "is_scored"]
    list_select_related = ["framework__year", "framework__group"]
    search_fields = ["^code", "name", "framework__year__year__exact"]
    ordering = ["framework", "sort_key"]
    list_per_page = 200
    fieldsets = [
        (
            None,
            {
                "description": STRUCTURE_HELP,
                "fields": [
                    "framework",
                    "parent",
                    "code",
                    "name",
                    "max_points",
                    "method",
                    "is_scored",
                    "guidance",
                    "na_allowed",
                    "evidence_required",
                ],
            },
        )
    ]

    @admin.display(description=_("mã"), ordering="sort_key")
    def indented_code(self, obj: Item):
        return format_html(
            '<span class="item-depth-{}">{}{}</span>',
            obj.depth,
            "\u00a0" * 4 * (obj.depth - 1),
            obj.code,
        )

    def has_add_permission(self, request):
        return False

    def has_delete_permission(self, request, obj=None):
        return False

    def get_readonly_fields(self, request, obj=None):
        fields = ["framework", "parent", "code", "method", "is_scored"]
        if obj is None or not obj.is_scored or framework_has_scores(obj.framework_id):
            fields.append("max_points")
        return fields

    def save_model(self, request, obj, form, change):
        update_item(obj, form.changed_data)


@admin.register(ItemCrosswalk)
class ItemCrosswalkAdmin(admin.ModelAdmin):
    list_display = ["from_label", "to_label", "note"]
    list_filter = [
        ("from_item__framework__year", admin.RelatedOnlyFieldListFilter),
        ("to_item__framework__year", admin.RelatedOnlyFieldListFilter),
    ]
    list_select_related = [
        "from_item__framework__year",
        "from_item__framework__group",
        "to_item__framework__year",
        "to_item__framework__group",
    ]
    search_fields = ["^from_item__code", "^to_item__code", "note"]
    autocomplete_fields = ["from_item", "to_item"]

    @staticmethod
    def _label(item: Item) -> str:
        return f"{item.framework.year.year} · {item.framework.group.code} · {item.code}"

    @admin.display(description=_("tiêu chí cũ"), ordering="from_item__sort_key")
    def from_label(self, obj: ItemCrosswalk) -> str:
        return self._label(obj.from_item)

    @admin.display(description=_("tiêu chí mới"), ordering="to_item__sort_key")
    def to_label(self, obj: ItemCrosswalk) -> str:
        return self._label(obj.to_item)


# --------------------------------------------------------------------------- bands


class BandForm(forms.ModelForm):
    class Meta:
        model = Band
        fields = ["year", "group", "label", "min_index"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        year = cleaned.get("year") or getattr(self.instance, "year", None)
        group = cleaned.get("group") or getattr(self.instance, "group", None)
        unpublished_year_required(self, year)
        if year is None or group is None:
            return cleaned
        label, minimum = cleaned.get("label"), cleaned.get("min_index")
        if label is None or minimum is None:
            return cleaned
        # The year and group's whole set as it would be, checked by the services' one rule
        # (year and group are read-only on a change page, so the model's unique constraints,
        # which name them, are not checked by the form).
        others = Band.objects.filter(year=year, group=group).exclude(pk=self.instance.pk)
        bands = [(band.label, band.min_index) for band in others] + [(label, minimum)]
        for problem in band_problems(bands):
            self.add_error(None, problem)
        stored = Band.objects.filter(pk=self.instance.pk).first() if self.instance.pk else None
        if stored is not None and stored.label != label:
            for problem in capped_band_problems([stored]):
                self.add_error("label", problem)
        return cleaned


@admin.register(Band)
class BandAdmin(ServiceErrorMixin, PublishedYearReadOnlyMixin, admin.ModelAdmin):
    form = BandForm
    list_display = ["year", "group", "label", "min_index"]
    list_filter = ["year", "group"]
    list_select_related = ["year", "group"]

    def get_readonly_fields(self, request, obj=None):
        return ["year", "group"] if obj is not None else []

    def save_model(self, request, obj, form, change):
        save_band(obj)

    def delete_model(self, request, obj):
        delete_bands([obj])

    def delete_queryset(self, request, queryset):
        delete_bands(queryset.select_related("year", "group"))


# --------------------------------------------------------------------------- sheets and scores


class SheetForm(forms.ModelForm):
    class Meta:
        model = Sheet
        fields = ["unit", "year", "state", "difficulties", "proposals"]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        year = cleaned.get("year") or getattr(self.instance, "year", None)
        unpublished_year_required(self, year)
        unit = cleaned.get("unit")
        if unit is not None and year is not None and not unit.exists_in(year.year):
            self.add_error(
                "unit",
                _("Đơn vị %(unit)s không có trong năm %(year)s.")
                % {"unit": unit.code, "year": year.year},
            )
        return cleaned


@admin.register(Sheet)
class SheetAdmin(PublishedYearReadOnlyMixin, SimpleHistoryAdmin):
    form = SheetForm
    list_display = ["unit", "year", "state", "version", "submitted_at"]
    list_filter = ["year", "state", "unit__group"]
    list_select_related = ["unit", "year"]
    search_fields = ["unit__code", "unit__name", "year__year__exact"]
    autocomplete_fields = ["unit"]
    fields = [
        "unit",
        "year",
        "state",
        "submitted_at",
        "submitted_by",
        "version",
        "difficulties",
        "proposals",
        "updated_at",
        "scores_link",
    ]

    def get_readonly_fields(self, request, obj=None):
        fields = ["version", "submitted_at", "submitted_by", "updated_at", "scores_link"]
        return ["unit", "year", *fields] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        # Scores, evidence and the result hang on a sheet: it is never deleted.
        return False

    @admin.display(description=_("điểm"))
    def scores_link(self, obj: Sheet):
        if obj.pk is None:
            return "—"
        url = reverse("admin:scoring_score_changelist") + f"?sheet__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, _("Xem các điểm của phiếu"))


SCORE_FIELDS = ["self_points", "points", "not_applicable", "note", "reason"]


class ScoreAdminForm(forms.ModelForm):
    """Validated by the same rules as every score form; saved by services.apply_score_changes."""

    class Meta:
        model = Score
        fields = ["sheet", "item", *SCORE_FIELDS]

    def clean(self):
        super().clean()
        cleaned = self.cleaned_data
        if self.errors:
            return cleaned
        sheet = cleaned.get("sheet") or self.instance.sheet
        item = cleaned.get("item") or self.instance.item
        if (item.framework.year_id, item.framework.group_id) != (
            sheet.year_id,
            sheet.unit.group_id,
        ):
            self.add_error("item", _("Tiêu chí này không thuộc bộ chỉ số của phiếu."))
            return cleaned
        # Compare with the stored score (not with the form's initial values), so that a revert
        # from the history page sends every field that differs.
        current = Score.objects.filter(sheet=sheet, item=item).first() or Score()
        changes = {
            name: cleaned[name]
            for name in SCORE_FIELDS
            if name in cleaned and cleaned[name] != getattr(current, name)
        }
        self.score_change = ScoreChange(
            item.code, **{name: changes.get(name, UNSET) for name in SCORE_FIELDS}
        )
        problems = score_change_problems(sheet, self.score_change)
        if problems:
            raise forms.ValidationError([sentence(problem) for problem in problems])
        return cleaned


@admin.register(Score)
class ScoreAdmin(ServiceErrorMixin, PublishedYearReadOnlyMixin, SimpleHistoryAdmin):
    year_path = "sheet__year"
    form = ScoreAdminForm
    list_display = ["sheet", "item_code", "self_points", "points", "not_applicable"]
    list_filter = ["sheet__year", "item__method", "not_applicable"]
    list_select_related = ["sheet__unit", "sheet__year", "item"]
    search_fields = ["sheet__unit__code", "sheet__unit__name", "^item__code"]
    autocomplete_fields = ["sheet", "item"]
    history_list_display = ["self_points", "points", "not_applicable"]
    fields = ["sheet", "item", "item_max_points", *SCORE_FIELDS, "updated_at", "updated_by"]

    @admin.display(description=_("tiêu chí"), ordering="item__sort_key")
    def item_code(self, obj: Score) -> str:
        return obj.item.code

    @admin.display(description=_("điểm tối đa"))
    def item_max_points(self, obj: Score):
        if obj.item_id is None:
            return "—"
        return number_format(obj.item.max_points, obj.sheet.year.decimals)

    def get_readonly_fields(self, request, obj=None):
        fields = ["item_max_points", "updated_at", "updated_by"]
        return ["sheet", "item", *fields] if obj is not None else fields

    def has_delete_permission(self, request, obj=None):
        # Clearing the points is a change (recorded, recomputed); deleting a row is not.
        return False

    def save_model(self, request, obj, form, change):
        sheet = apply_score_changes(
            obj.sheet, [form.score_change], user=request.user, source="admin"
        )
        saved = Score.objects.get(sheet=sheet, item=obj.item)
        obj.pk = saved.pk
        obj.refresh_from_db()


@admin.register(ExplanationRequest)
class ExplanationRequestAdmin(PublishedYearReadOnlyMixin, SimpleHistoryAdmin):
    year_path = "score__sheet__year"
    list_display = ["score", "round", "state", "requested_by", "requested_at", "answered_at"]
    list_filter = ["state", "score__sheet__year"]
    list_select_related = [
        "score__sheet__unit",
        "score__sheet__year",
        "score__item",
        "requested_by",
    ]
    search_fields = ["score__sheet__unit__code", "^score__item__code", "question", "answer"]
    autocomplete_fields = ["score"]
    readonly_fields = ["requested_by", "requested_at", "answered_by", "answered_at"]

    def save_model(self, request, obj, form, change):
        if not change:
            obj.requested_by = request.user
        super().save_model(request, obj, form, change)


@admin.register(Evidence)
class EvidenceAdmin(ReadOnlyAdmin):
    list_display = ["original_name", "score", "content_type", "size_display", "uploaded_at"]
    list_filter = ["score__sheet__year", "content_type"]
    list_select_related = ["score__sheet__unit", "score__sheet__year", "score__item"]
    search_fields = ["original_name", "score__sheet__unit__code", "^score__item__code"]
    # The stored file is shown by name only: evidence is served by a permission-checked view.
    fields = readonly_fields = (
        "score",
        "explanation",
        "original_name",
        "stored_name",
        "content_type",
        "size_display",
        "uploaded_by",
        "uploaded_at",
    )

    @admin.display(description=_("dung lượng"), ordering="size")
    def size_display(self, obj: Evidence) -> str:
        return filesizeformat(obj.size)

    @admin.display(description=_("tệp đã lưu"))
    def stored_name(self, obj: Evidence) -> str | None:
        return obj.file.name


# --------------------------------------------------------------------------- results


class DomainResultInline(ReadOnlyInline):
    model = DomainResult
    fields = readonly_fields = ("code", "name", "earned", "max_points", "index")
    show_change_link = False


@admin.register(Result)
class ResultAdmin(ReadOnlyAdmin):
    list_display = [
        "unit",
        "year",
        "group",
        "appraisal",
        "survey",
        "total",
        "index",
        "band_label",
        "rank_display",
        "source",
    ]
    list_filter = ["year", "group", "band_label", "source"]
    list_select_related = ["unit", "year", "group"]
    search_fields = ["unit__code", "unit__name"]
    inlines = [DomainResultInline]

    @admin.display(description=_("xếp hạng"), ordering="rank")
    def rank_display(self, obj: Result) -> str:
        if obj.rank is None:
            return "—"
        return _("thứ %(rank)s/%(of)s") % {"rank": obj.rank, "of": obj.rank_of}


@admin.register(DomainResult)
class DomainResultAdmin(ReadOnlyAdmin):
    list_display = ["result", "code", "name", "earned", "max_points", "index"]
    list_filter = ["result__year", "result__group"]
    list_select_related = ["result__unit", "result__year"]
    search_fields = ["result__unit__code", "^code"]
