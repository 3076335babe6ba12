"""Load Brittany's reference territories from the CSV and GeoJSON files of data/ (idempotent upserts)."""

import csv
import hashlib
import json
from dataclasses import dataclass, field
from pathlib import Path

from django.conf import settings
from django.db import transaction

from mobilisation.core.text import search_key

from .models import ArsOffice, Boundary, Commune, DataSource, Department, Epci, FormerCommune, Region

DATA_DIR = settings.BASE_DIR / "data"
BRETAGNE = DATA_DIR / "bretagne"

FILES = [
    BRETAGNE / "region.csv",
    BRETAGNE / "departements.csv",
    BRETAGNE / "epci.csv",
    BRETAGNE / "communes.csv",
    BRETAGNE / "communes_deleguees.csv",
    BRETAGNE / "region.geojson",
    BRETAGNE / "departements.geojson",
    BRETAGNE / "epci.geojson",
    BRETAGNE / "communes.geojson",
    DATA_DIR / "ars" / "implantations.csv",
]


@dataclass
class LoadReport:
    loaded: dict = field(default_factory=dict)
    skipped: bool = False


def read_csv(path: Path):
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def fingerprint(paths):
    digest = hashlib.sha256()
    for path in paths:
        digest.update(path.name.encode())
        digest.update(path.read_bytes())
    return digest.hexdigest()


def upsert(model, objects, unique_fields):
    update_fields = [f.name for f in model._meta.concrete_fields if not f.primary_key and f.name not in unique_fields]
    model.objects.bulk_create(objects, update_conflicts=True, unique_fields=unique_fields, update_fields=update_fields, batch_size=500)
    return len(objects)


@transaction.atomic
def load_territories(*, force=False) -> LoadReport:
    report = LoadReport()
    digest = fingerprint(FILES)
    current = DataSource.objects.filter(name="territoires").first()
    if current and current.sha256 == digest and not force:
        report.skipped = True
        return report

    region_row = read_csv(BRETAGNE / "region.csv")[0]
    region = Region(
        code=region_row["code"],
        name=region_row["nom"],
        chef_lieu_code=region_row["chef_lieu_code_insee"],
        population_municipale=int(region_row["population_municipale"]),
        population_totale=int(region_row["population_totale"]),
    )
    report.loaded["régions"] = upsert(Region, [region], ["code"])

    departments = [
        Department(
            code=row["code"],
            name=row["nom"],
            region_id=row["region_code"],
            chef_lieu_code=row["chef_lieu_code_insee"],
            chef_lieu_name=row["chef_lieu_nom"],
            population_municipale=int(row["population_municipale"]),
            population_totale=int(row["population_totale"]),
        )
        for row in read_csv(BRETAGNE / "departements.csv")
    ]
    report.loaded["départements"] = upsert(Department, departments, ["code"])
    department_codes = {d.code for d in departments}

    epcis = [
        Epci(
            siren=row["siren"],
            name=row["nom"],
            kind=row["type"],
            financing=row["mode_financement"],
            seat_department_code=row["departement_siege"],
            seat_department_id=row["departement_siege"] if row["departement_siege"] in department_codes else None,
            department_codes=row["departements"],
            communes_count=int(row["nb_communes"]),
            communes_count_brittany=int(row["nb_communes_bretagne"]),
            population_municipale=int(row["population_municipale"]),
            population_totale=int(row["population_totale"]),
            population_municipale_brittany=int(row["population_municipale_bretagne"]),
            search_name=search_key(row["nom"]),
        )
        for row in read_csv(BRETAGNE / "epci.csv")
    ]
    report.loaded["EPCI"] = upsert(Epci, epcis, ["siren"])

    communes = [
        Commune(
            insee_code=row["code_insee"],
            name=row["nom"],
            department_id=row["departement_code"],
            epci_id=row["epci_siren"] or None,
            arrondissement_code=row["arrondissement_code"],
            siren=row["siren_commune"],
            population_municipale=int(row["population_municipale"]),
            population_totale=int(row["population_totale"]),
            postal_codes=row["codes_postaux"],
            latitude=row["centre_lat"],
            longitude=row["centre_lon"],
            former_codes=row["anciens_codes_insee"],
            search_name=search_key(row["nom"]),
        )
        for row in read_csv(BRETAGNE / "communes.csv")
    ]
    report.loaded["communes"] = upsert(Commune, communes, ["insee_code"])

    former = [
        FormerCommune(
            insee_code=row["code_insee"],
            name=row["nom"],
            kind=row["type"],
            commune_id=row["commune_code_insee"],
            search_name=search_key(row["nom"]),
        )
        for row in read_csv(BRETAGNE / "communes_deleguees.csv")
    ]
    report.loaded["communes déléguées ou associées"] = upsert(FormerCommune, former, ["insee_code", "commune"])

    boundaries = []
    for level, filename, code_key in [
        ("region", "region.geojson", "code"),
        ("departement", "departements.geojson", "code"),
        ("epci", "epci.geojson", "siren"),
        ("commune", "communes.geojson", "code_insee"),
    ]:
        collection = json.loads((BRETAGNE / filename).read_text(encoding="utf-8"))
        for feature in collection["features"]:
            properties = feature["properties"]
            boundaries.append(
                Boundary(
                    level=level,
                    code=properties[code_key],
                    name=properties["nom"],
                    geometry=json.dumps(feature["geometry"], separators=(",", ":")),
                )
            )
    report.loaded["contours"] = upsert(Boundary, boundaries, ["level", "code"])

    offices = read_csv(DATA_DIR / "ars" / "implantations.csv")
    for row in offices:
        ArsOffice.objects.update_or_create(
            kind=row["type"],
            department_id=row["departement_code"] or None,
            defaults={"name": row["nom"], "email": row["email"], "contact_label": row["service"]},
        )
    report.loaded["implantations de l’ARS"] = len(offices)

    DataSource.objects.update_or_create(name="territoires", defaults={"sha256": digest, "rows": sum(report.loaded.values())})
    return report
