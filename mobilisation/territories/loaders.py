"""Load Brittany's reference territories and their INSEE figures from the files of data/ (idempotent upserts)."""

import csv
import hashlib
import io
import json
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path

from django.conf import settings
from django.db import transaction

from mobilisation.core.text import search_key

from .enums import PublicationStatus, StatisticsRelease
from .models import ArsOffice, Boundary, Commune, CommuneStatistics, DataSource, Department, Epci, FormerCommune, Region

DATA_DIR = settings.BASE_DIR / "data"
BRETAGNE = DATA_DIR / "bretagne"
INSEE = BRETAGNE / "insee"

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


# Bumped when the loader derives something new from the same files (2: the neighbours of each commune).
LOADER_VERSION = "2"


def fingerprint(paths):
    digest = hashlib.sha256(LOADER_VERSION.encode())
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
    report.loaded["paires de communes limitrophes"] = load_neighbours(BRETAGNE / "communes.geojson")

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


def neighbours(collection):
    """{(code, code)} of communes sharing at least one vertex of their boundaries (the simplified contours keep the
    shared borders vertex for vertex), each pair once, the smaller code first."""
    owners = {}
    for feature in collection["features"]:
        code = feature["properties"]["code_insee"]
        geometry = feature["geometry"]
        polygons = [geometry["coordinates"]] if geometry["type"] == "Polygon" else geometry["coordinates"]
        for polygon in polygons:
            for ring in polygon:
                for x, y in ring:
                    owners.setdefault((round(x, 5), round(y, 5)), set()).add(code)
    pairs = set()
    for codes in owners.values():
        if len(codes) > 1:
            ordered = sorted(codes)
            pairs.update((a, b) for i, a in enumerate(ordered) for b in ordered[i + 1 :])
    return pairs


def load_neighbours(path):
    pairs = neighbours(json.loads(path.read_text(encoding="utf-8")))
    through = Commune.neighbours.through
    through.objects.all().delete()
    rows = [through(from_commune_id=a, to_commune_id=b) for a, b in pairs]
    rows += [through(from_commune_id=b, to_commune_id=a) for a, b in pairs]
    through.objects.bulk_create(rows, batch_size=1000)
    return len(pairs)


# INSEE figures per commune (data/bretagne/insee/README.md): census 2022 in the 2025 geography, Filosofi 2021 in
# the 2024 geography, with the communes merged on 1 January 2025 in a file of their own.
AGE_FILE = "insee_rp2022_population_par_age_bretagne.csv"
HOUSEHOLDS_FILE = "insee_rp2022_menages_bretagne.csv"
FILOSOFI_FILE = "insee_filosofi2021_bretagne.csv"
MERGED_FILE = "insee_filosofi2021_bretagne_communes_fusionnees_2025.csv"
STATISTICS_FILES = [AGE_FILE, HOUSEHOLDS_FILE, FILOSOFI_FILE, MERGED_FILE]

AGE_COLUMNS = {
    "population": "population_rp_2022",
    "population_0_14": "pop_0_14_ans_2022",
    "population_15_29": "pop_15_29_ans_2022",
    "population_30_44": "pop_30_44_ans_2022",
    "population_45_59": "pop_45_59_ans_2022",
    "population_60_74": "pop_60_74_ans_2022",
    "population_75_89": "pop_75_89_ans_2022",
    "population_90_plus": "pop_90_ans_ou_plus_2022",
}
HOUSEHOLD_COLUMNS = {"households": "menages_2022", "one_person_households": "menages_une_personne_2022"}
POVERTY_STATUSES = {status.value for status in PublicationStatus}
LARGEST_COUNT = Decimal(10) ** 7  # the census columns hold 13 digits, 6 of them decimals


class ReferenceDataError(ValueError):
    """A reference file that cannot be loaded; the message (French) names the file and the line."""


@dataclass
class Row:
    path: Path
    line: int
    values: dict

    def fail(self, message):
        raise ReferenceDataError(f"{self.path.name}, ligne {self.line} : {message}")

    def text(self, column):
        return (self.values.get(column) or "").strip()

    def number(self, column, *, required=True, largest=LARGEST_COUNT):
        raw = self.text(column)
        if not raw:
            if required:
                self.fail(f"la colonne « {column} » est vide")
            return None
        try:
            value = Decimal(raw)
        except InvalidOperation:
            value = None
        if value is None or not value.is_finite() or value < 0 or value >= largest:
            self.fail(f"la colonne « {column} » doit contenir un nombre positif, avec un point décimal ; lu « {raw} »")
        return value


def read_rows(path: Path, columns):
    """The rows of a UTF-8 CSV file with their line numbers, after checking that its header has the columns."""
    try:
        text = path.read_bytes().decode("utf-8")
    except FileNotFoundError:
        raise ReferenceDataError(f"{path.name} : fichier absent ({path})") from None
    except UnicodeDecodeError:
        raise ReferenceDataError(f"{path.name} : le fichier n’est pas encodé en UTF-8") from None
    reader = csv.DictReader(io.StringIO(text, newline=""), restkey="__extra__")
    missing = [column for column in columns if column not in (reader.fieldnames or [])]
    if missing:
        raise ReferenceDataError(f"{path.name}, ligne 1 : colonne(s) absente(s) de l’en-tête : {', '.join(missing)}")
    rows, lines = [], {}
    for values in reader:
        row = Row(path=path, line=reader.line_num, values=values)
        if "__extra__" in values or None in values.values():
            row.fail(f"{len(reader.fieldnames)} valeurs attendues (une par colonne de l’en-tête)")
        code = row.text(columns[0])
        if code in lines:
            row.fail(f"le code « {code} » figure déjà ligne {lines[code]}")
        lines[code] = row.line
        rows.append(row)
    return rows


def commune_rows(path, columns, communes):
    """{INSEE code: row} of a per-commune file; every code must be a loaded commune."""
    rows = {}
    for row in read_rows(path, ["code_insee", *columns]):
        code = row.text("code_insee")
        if code not in communes:
            row.fail(f"le code INSEE « {code} » n’est pas une commune chargée (load_territories charge les communes)")
        rows[code] = row
    return rows


def census_figures(row):
    figures = {field_name: row.number(column).quantize(Decimal("0.000001")) for field_name, column in AGE_COLUMNS.items()}
    bands = sum(value for name, value in figures.items() if name != "population")
    if abs(bands - figures["population"]) > 1:
        row.fail(f"la somme des tranches d’âge ({bands}) ne fait pas la population ({figures['population']})")
    return figures


def household_figures(row):
    figures = {field_name: row.number(column).quantize(Decimal("0.000001")) for field_name, column in HOUSEHOLD_COLUMNS.items()}
    if figures["one_person_households"] > figures["households"]:
        row.fail("plus de ménages d’une personne que de ménages")
    return figures


def filosofi_figures(row, absorbed):
    status = row.text("statut_taux_pauvrete")
    if status not in POVERTY_STATUSES:
        row.fail(f"statut du taux de pauvreté inconnu « {status} » (attendu : {', '.join(sorted(POVERTY_STATUSES))})")
    published = status == PublicationStatus.PUBLISHED
    rate = row.number("taux_pauvrete_2021_pct", required=published, largest=Decimal("100.05"))
    if rate is not None and not published:
        row.fail(f"un taux de pauvreté est donné alors que son statut est « {status} »")
    persons = row.number("nb_personnes_menages_fiscaux_2021", required=published)
    if persons is not None and persons != persons.to_integral_value():
        row.fail("le nombre de personnes des ménages fiscaux doit être entier")
    scope = row.text("perimetre_source")
    code = row.text("code_insee")
    if scope == "commune entiere":
        whole, note = True, ""
    elif scope.startswith("partiel"):
        if not absorbed.get(code):
            row.fail(f"la commune est marquée « partiel » mais {MERGED_FILE} ne donne aucune commune fusionnée avec elle")
        whole = False
        others = " et ".join(f"{name} ({former})" for former, name in absorbed[code])
        note = f"Filosofi 2021 (géographie 2024) ne couvre que l’ancienne commune {code}, hors {others}, fusionnée(s) au 1er janvier 2025."
    else:
        row.fail(f"périmètre inconnu « {scope} » (attendu : « commune entiere » ou « partiel: … »)")
    return {
        "poverty_status": status,
        "poverty_rate": rate,
        "fiscal_persons": None if persons is None else int(persons),
        "filosofi_whole_commune": whole,
        "filosofi_note": note,
    }


def absorbed_communes(path):
    """{code of the 2025 commune: [(former code, former name)]} from the file of communes merged in 2025."""
    absorbed = {}
    for row in read_rows(path, ["code_insee_2024", "nom_commune_2024", "code_insee_2025"]):
        absorbed.setdefault(row.text("code_insee_2025"), []).append((row.text("code_insee_2024"), row.text("nom_commune_2024")))
    return absorbed


def require_same_communes(reference, others):
    for path, rows in others:
        if missing := sorted(set(reference) - set(rows)):
            raise ReferenceDataError(
                f"{path.name} : commune(s) absente(s) alors qu’elles figurent dans {AGE_FILE} : {', '.join(missing[:10])}"
            )
        if extra := sorted(set(rows) - set(reference)):
            raise ReferenceDataError(f"{path.name}, ligne {rows[extra[0]].line} : commune {extra[0]} absente de {AGE_FILE}")


@transaction.atomic
def load_statistics(*, directory: Path = INSEE, force=False) -> LoadReport:
    """Load the INSEE figures of each commune; the report counts the communes having each figure."""
    report = LoadReport()
    paths = [directory / name for name in STATISTICS_FILES]
    for path in paths:
        if not path.is_file():
            raise ReferenceDataError(f"{path.name} : fichier absent ({path})")
    digest = fingerprint(paths)
    current = DataSource.objects.filter(name="statistiques").first()
    if current and current.sha256 == digest and not force and CommuneStatistics.objects.count() == current.rows:
        report.skipped = True
        return report

    communes = set(Commune.objects.values_list("insee_code", flat=True))
    if not communes:
        raise ReferenceDataError("Aucune commune en base : lancez d’abord « python manage.py load_territories ».")
    age = commune_rows(directory / AGE_FILE, list(AGE_COLUMNS.values()), communes)
    households = commune_rows(directory / HOUSEHOLDS_FILE, list(HOUSEHOLD_COLUMNS.values()), communes)
    filosofi = commune_rows(
        directory / FILOSOFI_FILE,
        ["perimetre_source", "statut_taux_pauvrete", "taux_pauvrete_2021_pct", "nb_personnes_menages_fiscaux_2021"],
        communes,
    )
    require_same_communes(age, [(directory / HOUSEHOLDS_FILE, households), (directory / FILOSOFI_FILE, filosofi)])
    absorbed = absorbed_communes(directory / MERGED_FILE)
    for code in absorbed:
        if code not in filosofi:
            raise ReferenceDataError(f"{MERGED_FILE} : la commune {code} n’est pas dans {FILOSOFI_FILE}")

    statistics = [
        CommuneStatistics(
            commune_id=code,
            census_release=StatisticsRelease.RP2022,
            one_person_households_release=StatisticsRelease.RP2022_COMPLEMENTARY,
            filosofi_release=StatisticsRelease.FILOSOFI2021,
            **census_figures(row),
            **household_figures(households[code]),
            **filosofi_figures(filosofi[code], absorbed),
        )
        for code, row in age.items()
    ]
    upsert(CommuneStatistics, statistics, ["commune"])
    CommuneStatistics.objects.exclude(commune__in=list(age)).delete()

    def count(condition):
        return sum(1 for statistic in statistics if condition(statistic))

    published = PublicationStatus.PUBLISHED
    report.loaded = {
        "population par tranche d’âge (RP 2022)": len(statistics),
        "ménages (RP 2022)": len(statistics),
        "ménages d’une personne (RP 2022, exploitation complémentaire)": len(statistics),
        "taux de pauvreté publié pour toute la commune (Filosofi 2021)": count(
            lambda s: s.poverty_status == published and s.filosofi_whole_commune
        ),
        "taux de pauvreté publié pour l’ancienne commune seulement (commune nouvelle de 2025)": count(
            lambda s: s.poverty_status == published and not s.filosofi_whole_commune
        ),
        "taux de pauvreté non publié (secret statistique)": count(lambda s: s.poverty_status == PublicationStatus.SECRET),
        "taux de pauvreté non disponible": count(lambda s: s.poverty_status == PublicationStatus.NOT_AVAILABLE),
        "communes sans statistiques": len(communes - set(age)),
    }
    DataSource.objects.update_or_create(name="statistiques", defaults={"sha256": digest, "rows": len(statistics)})
    return report
