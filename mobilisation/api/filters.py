"""Filters of the API lists (django-filter)."""

import django_filters

from mobilisation.contracts.enums import ClsStatus
from mobilisation.contracts.models import Cls
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
