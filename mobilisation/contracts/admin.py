from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from mobilisation.core.admin import RegionAdmin

from .models import Cls


@admin.register(Cls)
class ClsAdmin(RegionAdmin, SimpleHistoryAdmin):
    list_display = ["name", "department", "status", "signature_date", "certainty"]
    list_filter = ["department", "status", "certainty"]
    search_fields = ["name", "carrier_name", "slug"]
    # The perimeter is edited in the application's form, which keeps EPCI and communes consistent.
    readonly_fields = ["epcis", "communes"]
