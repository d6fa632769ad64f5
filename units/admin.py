"""Admin for unit groups, units (with their names by year), lineage events and memberships;
memberships are also shown on each user."""

from django import forms
from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import GroupAdmin as BaseGroupAdmin
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.contrib.auth.models import Group, Permission
from django.utils.translation import gettext_lazy as _
from django_stubs_ext import StrPromise

from units import services
from units.models import LineageEvent, Membership, Unit, UnitGroup, UnitName

User = get_user_model()


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "first_year", "last_year"]
    list_display_links = ["code"]
    list_editable = ["name", "order", "first_year", "last_year"]
    search_fields = ["code", "name"]


class UnitNameInline(admin.TabularInline):
    model = UnitName
    extra = 0
    fields = ["from_year", "name"]
    verbose_name_plural = _(
        "Tên theo năm (trang của một năm hiển thị tên đơn vị có năm đó; tên của năm mới nhất là "
        "tên hiện tại ở trên)"
    )


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "first_year", "last_year", "is_sample"]
    list_display_links = ["code", "name"]
    list_filter = ["group", "is_sample"]
    list_select_related = ["group"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["group"]
    inlines = [UnitNameInline]


class LineageEventForm(forms.ModelForm):
    class Meta:
        model = LineageEvent
        fields = ["year", "kind", "predecessors", "successors", "new_name", "note"]

    def clean(self):
        super().clean()
        data = self.cleaned_data
        kind = data.get("kind")
        if kind:
            problems = services.shape_problems(
                kind,
                list(data.get("predecessors") or []),
                list(data.get("successors") or []),
                data.get("new_name") or "",
            )
            field_of: dict[str | None, str] = {
                "from_codes": "predecessors",
                "to_codes": "successors",
            }
            for column, message in problems:
                self.add_error(field_of.get(column, column), message)
        year = data.get("year")
        if year is not None and (problem := services.year_problem(year)):
            self.add_error("year", problem)
        return data


@admin.register(LineageEvent)
class LineageEventAdmin(admin.ModelAdmin):
    """Recording an event also applies it (`services.apply_event`): units that do not continue
    end the year before, new ones begin, a new name is recorded. Bulk set-up: import_lineage."""

    form = LineageEventForm
    list_display = ["year", "kind", "before", "after", "new_name"]
    list_filter = ["year", "kind"]
    search_fields = ["predecessors__code", "predecessors__name", "successors__code", "new_name"]
    filter_horizontal = ["predecessors", "successors"]

    def get_queryset(self, request):
        return super().get_queryset(request).prefetch_related("predecessors", "successors")

    @admin.display(description=_("đơn vị trước"))
    def before(self, obj: LineageEvent) -> str:
        return ", ".join(unit.code for unit in obj.predecessors.all())

    @admin.display(description=_("đơn vị sau"))
    def after(self, obj: LineageEvent) -> str:
        return ", ".join(unit.code for unit in obj.successors.all())

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.apply_event(form.instance)


@admin.register(Membership)
class MembershipAdmin(admin.ModelAdmin):
    list_display = ["user", "unit", "role", "domain_codes"]
    list_filter = ["role", ("unit__group", admin.RelatedOnlyFieldListFilter)]
    list_select_related = ["user", "unit"]
    search_fields = [
        "user__username",
        "user__first_name",
        "user__last_name",
        "user__email",
        "unit__code",
        "unit__name",
    ]
    autocomplete_fields = ["user", "unit"]

    @admin.display(description=_("lĩnh vực thẩm định"))
    def domain_codes(self, obj: Membership) -> str | StrPromise:
        return ", ".join(str(code) for code in obj.domains) or _("tất cả")


class MembershipInline(admin.TabularInline):
    model = Membership
    fk_name = "user"
    extra = 0
    autocomplete_fields = ["unit"]
    fields = ["unit", "role", "domains"]


# django.contrib.auth registers User first (it comes earlier in INSTALLED_APPS): replace that
# registration with one that shows the user's memberships.
if admin.site.is_registered(User):
    admin.site.unregister(User)


# A permission's name is stored in English when it is created ("Can add group"); the admin's
# lists of permissions show it in Vietnamese instead, from its action and its model's name.
PERMISSION_ACTIONS = {"add": _("Thêm"), "change": _("Sửa"), "delete": _("Xóa"), "view": _("Xem")}
# Apps and models of other packages whose names are not translatable (no gettext in them).
APP_NAMES = {"axes": _("Chống dò mật khẩu"), "otp_totp": _("Xác thực hai bước")}
MODEL_NAMES: dict[tuple[str, str], StrPromise | str] = {
    ("otp_totp", "totpdevice"): _("thiết bị TOTP")
}


def permission_label(permission: Permission) -> str:
    """ "Xác thực và ủy quyền | Nhóm | Thêm Nhóm" for "Can add group" (any other permission keeps
    its name)."""
    content_type = permission.content_type
    model = content_type.model_class()
    if model is None:
        return str(permission)
    app = APP_NAMES.get(content_type.app_label, model._meta.app_config.verbose_name)
    model_name = model._meta.model_name or ""
    name = MODEL_NAMES.get((content_type.app_label, model_name)) or model._meta.verbose_name
    action = permission.codename.split("_", 1)[0]
    label = permission.name
    if action in PERMISSION_ACTIONS and permission.codename == f"{action}_{model_name}":
        label = f"{PERMISSION_ACTIONS[action]} {name}"
    return f"{app} | {name} | {label}"


class PermissionLabels:
    """Permissions chosen on a user or group page, labelled in Vietnamese (permission_label)."""

    def formfield_for_manytomany(self, db_field, request=None, **kwargs):
        field = super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]
        if db_field.name in ("permissions", "user_permissions") and field is not None:
            field.label_from_instance = permission_label
        return field


@admin.register(User)
class UserAdmin(PermissionLabels, BaseUserAdmin):
    inlines = [MembershipInline]


if admin.site.is_registered(Group):
    admin.site.unregister(Group)


@admin.register(Group)
class GroupAdmin(PermissionLabels, BaseGroupAdmin):
    pass
