"""API v1 routes. Authentication and permissions are DRF's (token or session), not the login middleware's."""

from django.contrib.auth.decorators import login_not_required
from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import SimpleRouter

from . import views

app_name = "api"

router = SimpleRouter()
router.register("departements", views.DepartmentViewSet, basename="department")
router.register("implantations-ars", views.ArsOfficeViewSet, basename="ars-office")
router.register("epci", views.EpciViewSet, basename="epci")
router.register("communes", views.CommuneViewSet, basename="commune")
router.register("cls", views.ClsViewSet, basename="cls")
router.register("mobilisations", views.MobilisationViewSet, basename="mobilisation")
router.register("modeles-action", views.ActionModelViewSet, basename="action-model")
router.register("ressources", views.ResourceViewSet, basename="resource")
router.register("plans", views.PlanViewSet, basename="plan")
router.register("actions", views.PlannedActionViewSet, basename="planned-action")
router.register("financements", views.FundingRequestViewSet, basename="funding-request")

for pattern in router.urls:
    # Each DRF view enforces its own permission classes; anonymous requests must reach them.
    pattern.callback = login_not_required(pattern.callback)

urlpatterns = [
    path("schema/", login_not_required(SpectacularAPIView.as_view()), name="schema"),
    path("docs/", login_not_required(SpectacularSwaggerSplitView.as_view(url_name="api:schema")), name="docs"),
    path("", include(router.urls)),
]
