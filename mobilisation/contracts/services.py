"""Writes on the CLS registry that touch several models: perimeter and department."""

from collections import Counter

from django.db import transaction

from mobilisation.territories.models import Commune

from .models import Cls


def main_department_code(communes):
    """The department holding most of the covered population decides the ARS delegation."""
    weights = Counter()
    for commune in communes:
        weights[commune.department_id] += commune.population_municipale
    return weights.most_common(1)[0][0] if weights else None


@transaction.atomic
def set_cls_perimeter(*, cls: Cls, epcis, extra_communes=()):
    """Cover whole EPCI (their Breton communes) plus named communes; the EPCI list is what is fully covered."""
    communes = set(Commune.objects.filter(epci__in=epcis)) | set(extra_communes)
    cls.epcis.set(epcis)
    cls.communes.set(communes)
    return communes


@transaction.atomic
def save_cls(*, cls: Cls, epcis, extra_communes=(), by=None):
    """Create or correct a CLS from the registry form, keeping its perimeter consistent."""
    if by is not None:
        cls._history_user = by
    cls.save()
    set_cls_perimeter(cls=cls, epcis=epcis, extra_communes=extra_communes)
    return cls
