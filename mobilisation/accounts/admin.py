from django.contrib import admin, messages
from django.contrib.auth.admin import UserAdmin as DjangoUserAdmin

from mobilisation.core.admin import RegionAdmin

from .models import ApiToken, Membership, User

PEOPLE_SECTION = "Les personnes se gèrent dans l’application, rubrique « Personnes » (/personnes/) : invitation, rattachements, désactivation, avec leur historique."


class MembershipInline(admin.TabularInline):
    model = Membership
    extra = 0
    autocomplete_fields = ["department", "cls", "commune", "epci", "organisation"]
    fields = ["role", "department", "cls", "commune", "epci", "organisation", "is_active"]

    def has_view_permission(self, request, obj=None):
        return request.user.can_use_admin

    # Only a superuser writes here; the ARS region changes memberships in the application, where they are audited.
    def has_change_permission(self, request, obj=None):
        return request.user.is_active and request.user.is_superuser

    has_add_permission = has_delete_permission = has_change_permission


@admin.register(User)
class UserAdmin(RegionAdmin, DjangoUserAdmin):
    """Read-only for the ARS region (people are invited and deactivated in the application, never here); superusers
    keep Django's own rights, on superusers too."""

    ordering = ["email"]
    list_display = ["email", "first_name", "last_name", "is_active", "last_login"]
    list_filter = ["is_active", "memberships__role"]
    search_fields = ["email", "first_name", "last_name"]
    inlines = [MembershipInline]
    fieldsets = [
        (None, {"fields": ["email", "password"], "description": PEOPLE_SECTION}),
        ("Identité", {"fields": ["first_name", "last_name"]}),
        ("Statut", {"fields": ["is_active", "last_login", "date_joined", "invited_at"]}),
    ]
    superuser_fieldsets = [("Droits techniques", {"fields": ["is_staff", "is_superuser"]})]
    add_fieldsets = [(None, {"classes": ["wide"], "fields": ["email", "first_name", "last_name", "password1", "password2"]})]
    readonly_fields = ["last_login", "date_joined", "invited_at"]

    def get_queryset(self, request):
        queryset = super().get_queryset(request)
        # Only a superuser manages superusers: the ARS region could otherwise take one over.
        return queryset if request.user.is_superuser else queryset.filter(is_superuser=False)

    def _superuser(self, request):
        return request.user.is_active and request.user.is_superuser

    def has_add_permission(self, request):
        return self._superuser(request)

    def has_change_permission(self, request, obj=None):
        # Without it the ARS region sees accounts read-only, and Django refuses it the password form.
        return self._superuser(request)

    def has_delete_permission(self, request, obj=None):
        return self._superuser(request)

    def get_fieldsets(self, request, obj=None):
        if obj is None:
            return self.add_fieldsets
        return self.fieldsets + (self.superuser_fieldsets if request.user.is_superuser else [])


@admin.register(ApiToken)
class ApiTokenAdmin(RegionAdmin):
    """Tokens are read and revoked here, never re-opened: the expiry and the revocation are read-only."""

    list_display = ["name", "user", "prefix", "created_at", "expires_at", "last_used_at", "revoked_at"]
    readonly_fields = ["user", "prefix", "expires_at", "revoked_at", "last_used_at", "created_at"]
    fields = ["user", "name", "prefix", "expires_at", "revoked_at", "last_used_at", "created_at"]
    search_fields = ["name", "user__email"]
    actions = ["revoke"]

    def has_add_permission(self, request):
        return False

    @admin.action(description="Révoquer les jetons sélectionnés (définitif)")
    def revoke(self, request, queryset):
        revoked = sum(token.revoke() for token in queryset)
        self.message_user(request, f"{revoked} jeton(s) révoqué(s).", messages.SUCCESS)
