from django.contrib import admin

from mobilisation.core.admin import RegionAdmin

from .models import ArsOffice, Commune, Department, Epci


@admin.register(Department)
class DepartmentAdmin(RegionAdmin):
    list_display = ["code", "name", "population_municipale"]
    search_fields = ["code", "name"]

    def has_add_permission(self, request):
        return False  # reference data comes from the official files

    def has_delete_permission(self, request, obj=None):
        return False


@admin.register(Epci)
class EpciAdmin(DepartmentAdmin):
    list_display = ["siren", "name", "kind", "seat_department_code", "communes_count"]
    search_fields = ["siren", "name"]
    list_filter = ["kind", "seat_department"]


@admin.register(Commune)
class CommuneAdmin(DepartmentAdmin):
    list_display = ["insee_code", "name", "department", "epci", "population_municipale"]
    search_fields = ["insee_code", "name", "postal_codes"]
    list_filter = ["department"]
    list_select_related = ["department", "epci"]


@admin.register(ArsOffice)
class ArsOfficeAdmin(RegionAdmin):
    list_display = ["name", "kind", "department", "email"]
