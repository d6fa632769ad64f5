"""Admin for unit groups, units and memberships; memberships are also shown on each user."""

from django.contrib import admin
from django.contrib.auth import get_user_model
from django.contrib.auth.admin import UserAdmin as BaseUserAdmin
from django.utils.translation import gettext_lazy as _

from units.models import Membership, Unit, UnitGroup

User = get_user_model()


@admin.register(UnitGroup)
class UnitGroupAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "order", "first_year", "last_year"]
    list_display_links = ["code"]
    list_editable = ["name", "order", "first_year", "last_year"]
    search_fields = ["code", "name"]


@admin.register(Unit)
class UnitAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "group", "first_year", "last_year", "is_sample"]
    list_display_links = ["code", "name"]
    list_filter = ["group", "is_sample"]
    list_select_related = ["group"]
    search_fields = ["code", "name"]
    autocomplete_fields = ["group"]


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
    def domain_codes(self, obj: Membership) -> str:
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


@admin.register(User)
class UserAdmin(BaseUserAdmin):
    inlines = [MembershipInline]
