from django.contrib import admin

from maillage.territories.models import PostalCode, Territory


class PostalCodeInline(admin.TabularInline):
    model = PostalCode
    extra = 0
    fields = ["code", "locality", "latitude", "longitude"]


@admin.register(Territory)
class TerritoryAdmin(admin.ModelAdmin):
    """Territories come from `territories_import`; the admin is for looking up and small corrections."""

    list_display = ["name", "code", "level", "country", "parent"]
    list_filter = ["country", "level"]
    search_fields = ["name", "code", "postal_codes__code", "postal_codes__locality"]
    raw_id_fields = ["parent"]
    readonly_fields = ["path"]
    list_select_related = ["parent"]
    inlines = [PostalCodeInline]


@admin.register(PostalCode)
class PostalCodeAdmin(admin.ModelAdmin):
    list_display = ["code", "locality", "commune", "country"]
    list_filter = ["country"]
    search_fields = ["code", "locality", "commune__name"]
    raw_id_fields = ["commune"]
    list_select_related = ["commune"]
