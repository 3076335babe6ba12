"""The admin site, open to the ARS region and superusers only, and its base ModelAdmin."""

from django.contrib import admin
from django.contrib.auth.views import redirect_to_login
from django.db import models


class MobilisationAdminSite(admin.AdminSite):
    site_header = "Administration de Mobilisation CLS"
    site_title = "Mobilisation CLS"
    index_title = "Données de la plateforme"

    def has_permission(self, request):
        return request.user.is_active and request.user.is_authenticated and request.user.can_use_admin

    def login(self, request, extra_context=None):
        return redirect_to_login(request.get_full_path())


class RegionAdmin(admin.ModelAdmin):
    """Models the ARS region manages through the admin (superusers keep Django's own permissions)."""

    formfield_overrides = {models.URLField: {"assume_scheme": "https"}}

    def _allowed(self, request):
        return request.user.is_active and request.user.can_use_admin

    def has_module_permission(self, request):
        return self._allowed(request)

    def has_view_permission(self, request, obj=None):
        return self._allowed(request)

    def has_add_permission(self, request):
        return self._allowed(request)

    def has_change_permission(self, request, obj=None):
        return self._allowed(request)

    def has_delete_permission(self, request, obj=None):
        return self._allowed(request)
