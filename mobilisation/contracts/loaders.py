"""Load the sourced list of CLS (data/bretagne/cls.csv): creates missing CLS, never overwrites corrections."""

import csv
import datetime
from itertools import groupby

from django.conf import settings
from django.db import transaction

from mobilisation.territories.models import Commune, Epci

from .models import Cls
from .services import main_department_code, set_cls_perimeter

CLS_FILE = settings.BASE_DIR / "data" / "bretagne" / "cls.csv"


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None  # empty or partial ("2016-10"): the period field keeps the stated text


@transaction.atomic
def load_cls(path=CLS_FILE):
    """Return (created, kept): CLS already in the registry are kept as the ARS may have corrected them."""
    with open(path, encoding="utf-8", newline="") as handle:
        rows = list(csv.DictReader(handle))
    existing = set(Cls.objects.values_list("slug", flat=True))
    created = kept = 0
    for slug, group in groupby(sorted(rows, key=lambda r: r["cls_id"]), key=lambda r: r["cls_id"]):
        group = list(group)
        if slug in existing:
            kept += 1
            continue
        first = group[0]
        whole_epcis = list(Epci.objects.filter(siren__in={r["epci_siren"] for r in group if r["perimetre"] == "epci_entier"}))
        named_codes = {code for r in group if r["perimetre"] == "communes" for code in r["communes_insee"].split("|") if code}
        named_communes = list(Commune.objects.filter(insee_code__in=named_codes))
        covered = list(Commune.objects.filter(epci__in=whole_epcis)) + named_communes
        cls = Cls(
            slug=slug,
            name=first["cls_nom"],
            carrier_name=first["porteur"],
            carrier_kind=first["porteur_type"],
            department_id=main_department_code(covered),
            status=first["statut"],
            signature_date=parse_date(first["date_signature"]),
            period=first["periode"],
            certainty=first["certitude_cls"],
            perimeter_certainty=first["certitude_perimetre"],
            source_url=first["source_url"],
            source_url_2=first["source_url_2"],
            evidence=first["preuve"],
            note=first["note"],
        )
        cls._change_reason = "Chargement initial depuis data/bretagne/cls.csv"
        cls.save()
        set_cls_perimeter(cls=cls, epcis=whole_epcis, extra_communes=named_communes)
        created += 1
    return created, kept
