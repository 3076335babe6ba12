"""API v1: read-only endpoints over the reference territories and the CLS registry."""

from django.db.models import Prefetch
from drf_spectacular.utils import extend_schema, extend_schema_view
from rest_framework import permissions, viewsets

from mobilisation.contracts.models import Cls
from mobilisation.territories.models import Commune, Department, Epci

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


@extend_schema_view(list=extend_schema(summary="EPCI ayant au moins une commune en Bretagne"), retrieve=extend_schema(summary="Un EPCI"))
class EpciViewSet(PublicReadOnlyViewSet):
    model = Epci
    serializer_class = serializers.EpciSerializer
    filterset_class = filters.EpciFilter
    lookup_field = "siren"

    def get_queryset(self):
        return super().get_queryset().order_by("name")


@extend_schema_view(list=extend_schema(summary="Communes de Bretagne"), retrieve=extend_schema(summary="Une commune"))
class CommuneViewSet(PublicReadOnlyViewSet):
    model = Commune
    serializer_class = serializers.CommuneSerializer
    filterset_class = filters.CommuneFilter
    lookup_field = "insee_code"

    def get_queryset(self):
        return super().get_queryset().order_by("insee_code")


@extend_schema_view(list=extend_schema(summary="Registre des contrats locaux de santé"), retrieve=extend_schema(summary="Un CLS"))
class ClsViewSet(PublicReadOnlyViewSet):
    """The registry is public; the sources and certainty of each fact are given to the ARS only."""

    model = Cls
    filterset_class = filters.ClsFilter
    lookup_field = "public_id"
    lookup_url_kwarg = "id"

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
