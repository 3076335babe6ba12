from django.contrib import admin

from mobilisation.core.admin import RegionAdmin

from .models import Organisation


@admin.register(Organisation)
class OrganisationAdmin(RegionAdmin):
    list_display = ["name", "kind", "department"]
    list_filter = ["kind", "department"]
    search_fields = ["name"]
    autocomplete_fields = ["communes"]
