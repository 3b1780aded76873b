from django.contrib import admin
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin
from django.urls import reverse
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

from maillage.accounts.actors import actor_for
from maillage.accounts.models import AccountEvent, ApiToken, Invitation, Membership, Organisation, User
from maillage.accounts.services import api_tokens_revoke_all


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
    readonly_fields = ["public_id", "last_login", "date_joined", "second_factor"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password", "public_id", "second_factor"]}),
        (_("Identity"), {"fields": ["first_name", "last_name", "kind", "preferred_language", "phone"]}),
        (_("Permissions"), {"fields": ["is_active", "is_staff", "is_superuser", "groups", "user_permissions"]}),
        (_("Dates"), {"fields": ["last_login", "date_joined"]}),
    ]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "password1", "password2"]})]

    def save_model(self, request, obj: User, form, change: bool) -> None:
        super().save_model(request, obj, form, change)
        if change and "is_active" in form.changed_data and not obj.is_active:
            api_tokens_revoke_all(actor_for(request.user), user=obj)

    @admin.display(description=_("second factor"))
    def second_factor(self, obj: User) -> str:
        """Platform staff reset a second factor on the audited page, never by deleting devices here."""
        if obj.pk is None:
            return "-"
        url = reverse("accounts:member_mfa_reset", kwargs={"user_id": obj.public_id})
        return format_html('<a href="{}">{}</a>', url, _("Reset the second factor"))


# Second-factor devices are not edited in the admin: a reset goes through `mfa.mfa_reset`, which is audited.
for device_model in (TOTPDevice, StaticDevice):
    if admin.site.is_registered(device_model):
        admin.site.unregister(device_model)


@admin.register(Organisation)
class OrganisationAdmin(admin.ModelAdmin):
    list_display = ["name", "sector", "status", "is_care_provider", "locality"]
    list_filter = ["sector", "status", "is_care_provider"]
    search_fields = ["name", "alternate_name", "identifier", "locality"]
    raw_id_fields = ["territory"]
    readonly_fields = ["public_id", "created_at", "updated_at", "updated_by", "validated_at", "validated_by"]


@admin.register(Invitation)
class InvitationAdmin(admin.ModelAdmin):
    """Read-only: invitations are sent and revoked from the members page, where each change is recorded."""

    list_display = ["email", "organisation", "role", "created_at", "expires_at", "accepted_at", "revoked_at"]
    list_filter = ["role"]
    search_fields = ["email", "organisation__name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(ApiToken)
class ApiTokenAdmin(admin.ModelAdmin):
    """Read-only: tokens are personal; their owners create and revoke them."""

    list_display = ["name", "prefix", "user", "created_at", "expires_at", "last_used_at", "revoked_at"]
    search_fields = ["prefix", "user__email", "name"]
    exclude = ["token_hash"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AccountEvent)
class AccountEventAdmin(admin.ModelAdmin):
    list_display = ["created_at", "kind", "actor", "organisation", "subject_user", "object_id"]
    list_filter = ["kind"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False
