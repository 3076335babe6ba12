"""Root URLs. Every route is either public (login_not_required) or behind LoginRequiredMiddleware."""

from django.contrib import admin
from django.urls import include, path

from mobilisation.accounts.urls import people_urlpatterns
from mobilisation.core import views as core_views
from mobilisation.followup.urls import call_urlpatterns, figure_urlpatterns

urlpatterns = [
    path("", include("mobilisation.portal.urls")),
    path("territoires/", include("mobilisation.territories.urls")),
    path("cls/", include("mobilisation.contracts.urls")),
    path("catalogue/", include("mobilisation.catalogue.urls")),
    path("plans/", include("mobilisation.plans.urls")),
    path("annuaire/", include("mobilisation.directory.urls")),
    path("compte/", include("mobilisation.accounts.urls")),
    path("personnes/", include((people_urlpatterns, "people"))),
    path("registre/", include("mobilisation.followup.urls")),
    path("benevoles/", include("mobilisation.mutualaid.urls")),
    path("entraide/", include("mobilisation.mutualaid.request_urls")),
    path("hebergement/", include("mobilisation.mutualaid.housing_urls")),
    path("numero-vert/", include("mobilisation.hotline.urls")),
    path("appels/", include((call_urlpatterns, "calls"))),
    path("veille/", include((figure_urlpatterns, "veille"))),
    path("journal/", include("mobilisation.audit.urls")),
    path("api/v1/", include("mobilisation.api.urls")),
    path("taches/", include("mobilisation.jobs.urls")),
    path("healthz", core_views.healthz, name="healthz"),
    path("admin/", admin.site.urls),
]

handler400 = "mobilisation.core.views.bad_request"
handler500 = "mobilisation.core.views.server_error"
handler404 = "mobilisation.core.views.page_not_found"
handler403 = "mobilisation.core.views.permission_denied"
