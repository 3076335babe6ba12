"""API v1: read-only endpoints over the reference territories and the CLS registry."""

from django.db.models import Count, F, Prefetch, Value
from django.db.models.functions import Coalesce
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from mobilisation.catalogue.models import ActionModel, Mobilisation, Modality, Resource
from mobilisation.contracts.models import Cls
from mobilisation.plans.models import FundingRequest, Indicator, Plan, PlannedAction
from mobilisation.territories.enums import ArsOfficeKind
from mobilisation.territories.models import ArsOffice, Commune, Department, Epci

from . import filters, serializers


class PublicReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Public reference data: readable without a token, scoped by the model's visible_to rule."""

    permission_classes = [permissions.AllowAny]
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="Départements de Bretagne"), retrieve=extend_schema(summary="Un département"))
class DepartmentViewSet(PublicReadOnlyViewSet):
    model = Department
    serializer_class = serializers.DepartmentSerializer
    lookup_field = "code"
    lookup_value_regex = "[0-9]{2}[0-9AB]?"


@extend_schema_view(
    list=extend_schema(summary="Implantations de l’ARS Bretagne : le siège et les 4 délégations départementales"),
    retrieve=extend_schema(summary="Une implantation de l’ARS (« siege » ou le code du département de la délégation)"),
)
class ArsOfficeViewSet(PublicReadOnlyViewSet):
    """The ARS contacts of the note: the seat under "siege", each delegation under its department's official code."""

    model = ArsOffice
    serializer_class = serializers.ArsOfficeSerializer
    lookup_field = "code"
    lookup_value_regex = f"(?:{ArsOfficeKind.SEAT}|[0-9]{{2}}[0-9AB]?)"

    def get_queryset(self):
        return (
            super()
            .get_queryset()
            .annotate(code=Coalesce(F("department_id"), Value(ArsOfficeKind.SEAT.value)))
            .order_by(F("department_id").asc(nulls_first=True))
        )


@extend_schema_view(list=extend_schema(summary="EPCI ayant au moins une commune en Bretagne"), retrieve=extend_schema(summary="Un EPCI"))
class EpciViewSet(PublicReadOnlyViewSet):
    model = Epci
    serializer_class = serializers.EpciSerializer
    filterset_class = filters.EpciFilter
    lookup_field = "siren"
    lookup_value_regex = "[0-9]{9}"

    def get_queryset(self):
        return super().get_queryset().order_by("name")


@extend_schema_view(list=extend_schema(summary="Communes de Bretagne"), retrieve=extend_schema(summary="Une commune"))
class CommuneViewSet(PublicReadOnlyViewSet):
    model = Commune
    serializer_class = serializers.CommuneSerializer
    filterset_class = filters.CommuneFilter
    lookup_field = "insee_code"
    lookup_value_regex = "[0-9][0-9AB][0-9]{3}"

    def get_queryset(self):
        return super().get_queryset().order_by("insee_code")


@extend_schema_view(list=extend_schema(summary="Registre des contrats locaux de santé"), retrieve=extend_schema(summary="Un CLS"))
class ClsViewSet(PublicReadOnlyViewSet):
    """The registry is public; the sources and certainty of each fact are given to the ARS only."""

    model = Cls
    filterset_class = filters.ClsFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return (
            Cls.objects.public()
            .order_by("department", "name")
            .prefetch_related(
                Prefetch("epcis", queryset=Epci.objects.only("siren")), Prefetch("communes", queryset=Commune.objects.only("insee_code"))
            )
            .distinct()
        )

    def get_serializer_class(self):
        scope = getattr(self.request.user, "scope", None)
        if scope is not None and scope.sees_sources:
            return serializers.ClsWithSourcesSerializer
        return serializers.ClsSerializer


@extend_schema_view(list=extend_schema(summary="Mobilisations publiées"), retrieve=extend_schema(summary="Une mobilisation"))
class MobilisationViewSet(PublicReadOnlyViewSet):
    model = Mobilisation
    serializer_class = serializers.MobilisationSerializer
    lookup_field = "slug"
    lookup_value_regex = "[-a-zA-Z0-9_]+"


@extend_schema_view(list=extend_schema(summary="Modèles d’action du catalogue"), retrieve=extend_schema(summary="Un modèle d’action"))
class ActionModelViewSet(PublicReadOnlyViewSet):
    model = ActionModel
    serializer_class = serializers.ActionModelSerializer
    filterset_class = filters.ActionModelFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"

    def get_queryset(self):
        return super().get_queryset().select_related("mobilisation", "theme__axis").prefetch_related("modalities", "publics", "resources")


@extend_schema_view(list=extend_schema(summary="Ressources des mobilisations"), retrieve=extend_schema(summary="Une ressource"))
class ResourceViewSet(PublicReadOnlyViewSet):
    model = Resource
    serializer_class = serializers.ResourceSerializer
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"


class ScopedReadOnlyViewSet(viewsets.ReadOnlyModelViewSet):
    """Scoped data: a token or a session is required, and rows come from the model's visible_to rule."""

    permission_classes = [permissions.IsAuthenticated]
    lookup_field = "public_id"
    lookup_url_kwarg = "id"
    lookup_value_regex = "[0-9a-fA-F-]{36}"
    model = None

    def get_queryset(self):
        return self.model.objects.visible_to(self.request.user)


@extend_schema_view(list=extend_schema(summary="Plans d’action visibles"), retrieve=extend_schema(summary="Un plan d’action"))
class PlanViewSet(ScopedReadOnlyViewSet):
    model = Plan
    serializer_class = serializers.PlanSerializer
    filterset_class = filters.PlanFilter

    def get_queryset(self):
        return super().get_queryset().select_related("cls", "mobilisation").annotate(actions_count=Count("actions")).order_by("cls__name")


@extend_schema_view(list=extend_schema(summary="Actions des plans visibles"), retrieve=extend_schema(summary="Une action de plan"))
class PlannedActionViewSet(ScopedReadOnlyViewSet):
    model = PlannedAction
    serializer_class = serializers.PlannedActionSerializer
    filterset_class = filters.PlannedActionFilter

    def get_queryset(self):
        # Only what the serializer shows of the plan, theme and model (their long texts made every row 2 kB to sort:
        # 11 ms for the region at scale 10), of the communes and modalities (their codes) and of the indicators.
        own = [field.name for field in PlannedAction._meta.concrete_fields]
        return (
            super()
            .get_queryset()
            .select_related("plan", "theme", "action_model")
            .only(*own, "plan__public_id", "theme__code", "action_model__public_id")
            .prefetch_related(
                Prefetch("modalities", queryset=Modality.objects.only("pk", "code")),
                Prefetch("communes", queryset=Commune.objects.only("insee_code")),
                Prefetch("indicators", queryset=Indicator.objects.with_latest().only("pk", "action_id", "name", "unit", "target")),
            )
            .order_by("plan", "title")
        )


@extend_schema_view(
    list=extend_schema(summary="Demandes de financement visibles"), retrieve=extend_schema(summary="Une demande de financement")
)
class FundingRequestViewSet(ScopedReadOnlyViewSet):
    model = FundingRequest
    serializer_class = serializers.FundingRequestSerializer
    filterset_class = filters.FundingRequestFilter

    def get_queryset(self):
        return super().get_queryset().select_related("action__plan", "funding_line").order_by("-created_at")
