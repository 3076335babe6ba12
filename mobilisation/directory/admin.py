from django.contrib import admin

from mobilisation.core.admin import RegionAdmin

from .models import Organisation, Service


@admin.register(Organisation)
class OrganisationAdmin(RegionAdmin):
    list_display = ["name", "kind", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["name"]
    autocomplete_fields = ["communes"]


@admin.register(Service)
class ServiceAdmin(RegionAdmin):
    list_display = ["name", "organisation", "status", "checked_on"]
    list_filter = ["status"]
    search_fields = ["name", "organisation__name"]
    autocomplete_fields = ["organisation", "zone_communes", "commune"]
