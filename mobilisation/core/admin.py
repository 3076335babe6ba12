"""The admin site, open to the ARS region and superusers only, after a second factor for everyone (ADR 007), and its
base ModelAdmin."""

from functools import update_wrapper

from django.contrib import admin
from django.db import models
from django.http import Http404, HttpResponseRedirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme


class MobilisationAdminSite(admin.AdminSite):
    site_header = "Administration de Mobilisation CLS"
    site_title = "Mobilisation CLS"
    index_title = "Données de la plateforme"

    def has_permission(self, request):
        user = request.user
        return user.is_active and user.is_authenticated and user.can_use_admin and user.is_verified()

    def admin_view(self, view, cacheable=False):
        """Django's guard sends a signed-in user without the right to the admin login, which sends them back to the
        site's login, which sends a signed-in user on to the admin: an endless loop. They get a 404 at once (the
        admin is not theirs; LoginRequiredMiddleware still sends anonymous users to the site's login)."""
        inner = super().admin_view(view, cacheable)

        def guarded(request, *args, **kwargs):
            user = request.user
            if user.is_authenticated and user.is_active and user.can_use_admin and not user.is_verified():
                from mobilisation.accounts.second_factor import redirect_to_second_factor

                return redirect_to_second_factor(request, request.get_full_path() if request.method == "GET" else "")
            if user.is_authenticated and not self.has_permission(request):
                raise Http404
            return inner(request, *args, **kwargs)

        return update_wrapper(guarded, inner)

    def login(self, request, extra_context=None):
        """The admin has no login page of its own. Anonymous users never reach this view (LoginRequiredMiddleware
        sends them to the site's login, back here afterwards); an admin goes on to the page asked for."""
        if request.user.is_authenticated and request.user.can_use_admin and not request.user.is_verified():
            from mobilisation.accounts.second_factor import redirect_to_second_factor

            return redirect_to_second_factor(request, request.GET.get("next", "") or reverse("admin:index", current_app=self.name))
        if not self.has_permission(request):
            raise Http404
        target = request.GET.get("next", "")
        if not url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
            target = reverse("admin:index", current_app=self.name)
        return HttpResponseRedirect(target)


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
