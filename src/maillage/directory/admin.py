from django.contrib import admin

from maillage.directory.models import (
    Location,
    Service,
    ServiceArea,
    ServiceAtLocation,
    Taxonomy,
    TaxonomyTerm,
    TermMapping,
)


class ServiceAtLocationInline(admin.TabularInline):
    model = ServiceAtLocation
    extra = 0
    raw_id_fields = ["location"]
    exclude = ["updated_by"]


class ServiceAreaInline(admin.TabularInline):
    model = ServiceArea
    extra = 0
    raw_id_fields = ["territory"]
    exclude = ["updated_by"]


@admin.register(Service)
class ServiceAdmin(admin.ModelAdmin):
    list_display = ["name", "organisation", "status", "capacity_status", "updated_at"]
    list_filter = ["status", "capacity_status"]
    search_fields = ["name", "organisation__name"]
    raw_id_fields = ["organisation", "updated_by"]
    filter_horizontal = ["needs"]
    inlines = [ServiceAtLocationInline, ServiceAreaInline]
    readonly_fields = ["public_id", "created_at", "updated_at"]
    exclude = ["search_vector"]


@admin.register(Location)
class LocationAdmin(admin.ModelAdmin):
    list_display = ["__str__", "organisation", "city", "postcode"]
    search_fields = ["name", "city", "postcode", "organisation__name"]
    raw_id_fields = ["organisation", "commune", "updated_by"]


@admin.register(Taxonomy)
class TaxonomyAdmin(admin.ModelAdmin):
    list_display = ["name", "version", "is_builtin"]


class TermMappingInline(admin.TabularInline):
    model = TermMapping
    fk_name = "term"
    extra = 0
    raw_id_fields = ["external_term"]
    exclude = ["updated_by"]


@admin.register(TaxonomyTerm)
class TaxonomyTermAdmin(admin.ModelAdmin):
    list_display = ["code", "name_fr", "name_en", "level", "taxonomy"]
    list_filter = ["taxonomy", "level"]
    search_fields = ["code", "name_fr", "name_en"]
    raw_id_fields = ["parent", "updated_by"]
    inlines = [TermMappingInline]
