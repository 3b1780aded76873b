from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.utils.translation import gettext_lazy as _

from maillage.accounts.models import Membership, Organisation, User


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    fk_name = "user"
    raw_id_fields = ["organisation"]
    readonly_fields = ["created_at", "deactivated_at", "deactivated_by"]


@admin.register(User)
class UserAdmin(DjangoUserAdmin):
    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "kind", "is_active", "is_staff"]
    list_filter = ["kind", "is_active", "is_staff"]
    search_fields = ["email", "first_name", "last_name"]
    readonly_fields = ["public_id", "last_login", "date_joined"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "kind", "preferred_language", "phone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "status", "is_care_provider", "locality"]
    list_filter = ["sector", "status", "is_care_provider"]
    search_fields = ["name", "alternate_name", "identifier", "locality"]
    raw_id_fields = ["territory"]
    readonly_fields = ["public_id", "created_at", "updated_at", "updated_by", "validated_at", "validated_by"]
