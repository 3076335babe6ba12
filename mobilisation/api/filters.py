"""Filters of the API lists (django-filter)."""

import django_filters

from mobilisation.catalogue.models import ActionModel
from mobilisation.contracts.enums import ClsStatus
from mobilisation.contracts.models import Cls
from mobilisation.plans.enums import ActionStatus, FundingStatus, PlanStatus
from mobilisation.plans.models import FundingRequest, Plan, PlannedAction
from mobilisation.territories.models import Commune, Epci


class CommuneFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(field_name="department_id", label="Code du département")
    epci = django_filters.CharFilter(field_name="epci_id", label="SIREN de l’EPCI")
    q = django_filters.CharFilter(method="search", label="Nom ou code postal", max_length=100)

    class Meta:
        model = Commune
        fields = ["departement", "epci", "q"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class EpciFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(method="in_department", label="Code d’un département où l’EPCI a des communes")
    q = django_filters.CharFilter(method="search", label="Nom", max_length=100)

    class Meta:
        model = Epci
        fields = ["departement", "q"]

    def in_department(self, queryset, name, value):
        return queryset.filter(siren__in=Commune.objects.filter(department_id=value).values("epci_id"))

    def search(self, queryset, name, value):
        return queryset.search(value)


class ClsFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(field_name="department_id", label="Code du département de rattachement")
    statut = django_filters.ChoiceFilter(field_name="status", choices=ClsStatus.choices, label="Statut")
    epci = django_filters.CharFilter(field_name="epcis", label="SIREN d’un EPCI couvert")
    commune = django_filters.CharFilter(field_name="communes", label="Code INSEE d’une commune couverte")

    class Meta:
        model = Cls
        fields = ["departement", "statut", "epci", "commune"]


class ActionModelFilter(django_filters.FilterSet):
    mobilisation = django_filters.CharFilter(field_name="mobilisation__slug", label="Mobilisation (identifiant court)")
    axe = django_filters.CharFilter(field_name="theme__axis__code", label="Code de l’axe")
    theme = django_filters.CharFilter(field_name="theme__code", label="Code du thème")
    modalite = django_filters.CharFilter(field_name="modalities__code", label="Code de modalité", distinct=True)
    public = django_filters.CharFilter(field_name="publics__code", label="Code de public", distinct=True)
    q = django_filters.CharFilter(method="search", label="Mots-clés", max_length=100)

    class Meta:
        model = ActionModel
        fields = ["mobilisation", "axe", "theme", "modalite", "public", "q"]

    def search(self, queryset, name, value):
        return queryset.search(value)


class PlanFilter(django_filters.FilterSet):
    departement = django_filters.CharFilter(field_name="cls__department_id", label="Code du département du CLS")
    mobilisation = django_filters.CharFilter(field_name="mobilisation__slug", label="Mobilisation")
    statut = django_filters.ChoiceFilter(field_name="status", choices=PlanStatus.choices, label="Statut")

    class Meta:
        model = Plan
        fields = ["departement", "mobilisation", "statut"]


class PlannedActionFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="plan__public_id", label="Plan")
    statut = django_filters.ChoiceFilter(field_name="status", choices=ActionStatus.choices, label="État")
    restreinte = django_filters.BooleanFilter(method="filter_restricted", label="Touchée par une restriction en vigueur")
    a_verifier = django_filters.BooleanFilter(method="filter_to_check", label="Dates à préciser, une mesure en vigueur la bloquerait")

    class Meta:
        model = PlannedAction
        fields = ["plan", "statut", "restreinte", "a_verifier"]

    def filter_restricted(self, queryset, name, value):
        restricted = PlannedAction.objects.restricted().values("pk")
        return queryset.filter(pk__in=restricted) if value else queryset.exclude(pk__in=restricted)

    def filter_to_check(self, queryset, name, value):
        to_check = PlannedAction.objects.to_check().values("pk")
        return queryset.filter(pk__in=to_check) if value else queryset.exclude(pk__in=to_check)


class FundingRequestFilter(django_filters.FilterSet):
    plan = django_filters.UUIDFilter(field_name="action__plan__public_id", label="Plan")
    statut = django_filters.ChoiceFilter(field_name="status", choices=FundingStatus.choices, label="État")
    departement = django_filters.CharFilter(field_name="action__plan__cls__department_id", label="Code du département")

    class Meta:
        model = FundingRequest
        fields = ["plan", "statut", "departement"]
