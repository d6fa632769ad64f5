"""The related indices in the admin: kinds (with their groups), versions with their components,
bands, and the mapping of national components to the departments that drive them. Values arrive
through `import_index_values` (all or nothing) and are shown read-only."""

from django.contrib import admin

from indices import services
from indices.models import (
    IndexBand,
    IndexComponent,
    IndexDriver,
    IndexKind,
    IndexResult,
    IndexValue,
    IndexVersion,
)


class IndexBandInline(admin.TabularInline):
    model = IndexBand
    extra = 0


@admin.register(IndexKind)
class IndexKindAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "publisher", "scale", "period", "source", "is_national"]
    list_filter = ["period", "source", "is_national"]
    search_fields = ["code", "name"]
    filter_horizontal = ["groups"]
    inlines = [IndexBandInline]

    def save_related(self, request, form, formsets, change):
        super().save_related(request, form, formsets, change)
        services.rerank(form.instance)  # bands may have changed: every period's bands again


class IndexComponentInline(admin.TabularInline):
    model = IndexComponent
    extra = 0
    fields = ["code", "name", "max_points", "order", "is_leaf"]


@admin.register(IndexVersion)
class IndexVersionAdmin(admin.ModelAdmin):
    list_display = ["kind", "from_period", "note"]
    list_filter = ["kind"]
    inlines = [IndexComponentInline]


class IndexValueInline(admin.TabularInline):
    model = IndexValue
    extra = 0
    can_delete = False
    readonly_fields = ["component", "points"]

    def has_add_permission(self, request, obj=None):
        return False


@admin.register(IndexResult)
class IndexResultAdmin(admin.ModelAdmin):
    list_display = ["kind", "period", "unit", "index", "band_label", "rank", "rank_of", "as_of"]
    list_filter = ["kind", "group"]
    search_fields = ["unit__code", "unit__name", "period"]
    readonly_fields = [field.name for field in IndexResult._meta.fields]
    inlines = [IndexValueInline]

    def has_add_permission(self, request):
        return False


@admin.register(IndexDriver)
class IndexDriverAdmin(admin.ModelAdmin):
    list_display = ["kind", "component_code", "unit", "criteria"]
    list_filter = ["kind"]
    autocomplete_fields = ["unit"]
