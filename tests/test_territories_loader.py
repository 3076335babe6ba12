"""The reference loader: counts match the source files, special cases hold, a second run changes nothing."""

import csv
import hashlib
from collections import Counter
from pathlib import Path

import pytest
from django.core import serializers

from mobilisation.territories.loaders import load_territories
from mobilisation.territories.models import ArsOffice, Boundary, Commune, Department, Epci, FormerCommune, Region

from .utils import shared_data_dir

pytestmark = pytest.mark.django_db

SOURCE = Path(__file__).resolve().parent.parent / "data" / "bretagne"
SHARED = shared_data_dir()


def rows(name):
    with (SOURCE / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_project_copy_matches_shared_reference_data():
    if not SHARED.exists():
        pytest.fail(f"shared reference data missing at {SHARED}")
    for name in ["communes.csv", "epci.csv", "departements.csv", "region.csv", "cls.csv", "epci.geojson"]:
        assert (SOURCE / name).read_bytes() == (SHARED / name).read_bytes(), name


def test_counts_per_department_match_the_source_files():
    expected = Counter(row["departement_code"] for row in rows("communes.csv"))
    assert expected == {"22": 344, "29": 277, "35": 332, "56": 249}
    for code, count in expected.items():
        assert Commune.objects.filter(department_id=code).count() == count
    assert Commune.objects.count() == 1202
    assert Department.objects.count() == 4
    assert Region.objects.get().population_municipale == 3_449_370
    assert sum(d.population_municipale for d in Department.objects.all()) == 3_449_370


def test_epci_counts_and_populations_match_the_source():
    source = {row["siren"]: row for row in rows("epci.csv")}
    assert Epci.objects.count() == len(source) == 61
    assert Epci.objects.filter(seat_department__isnull=False).count() == 60
    for epci in Epci.objects.all():
        assert epci.communes.count() == int(source[epci.siren]["nb_communes_bretagne"]), epci.name
        assert epci.population_municipale == int(source[epci.siren]["population_municipale"])
    for row in rows("departements.csv"):
        seated = Epci.objects.filter(seat_department_id=row["code"]).count()
        present = Epci.objects.filter(communes__department_id=row["code"]).distinct().count()
        assert (seated, present) == (int(row["nb_epci_siege"]), int(row["nb_epci_presents"])), row["code"]


def test_the_three_islands_belong_to_no_epci():
    islands = Commune.objects.outside_epci()
    assert sorted(islands.values_list("insee_code", flat=True)) == ["22016", "29083", "29155"]


def test_cap_atlantique_is_seated_outside_brittany_with_three_morbihan_communes():
    cap = Epci.objects.get(siren="244400610")
    assert cap.seat_department is None and cap.seat_department_code == "44"
    assert sorted(cap.communes.values_list("name", flat=True)) == ["Camoël", "Férel", "Pénestin"]
    assert cap.communes_count == 15 and cap.straddles_region


def test_redon_agglomeration_straddles_into_loire_atlantique():
    redon = Epci.objects.get(siren="243500741")
    assert redon.seat_department_id == "35"
    assert redon.communes_count == 31 and redon.communes.count() == 23
    assert redon.communes_outside_brittany == 8


def test_ars_offices_are_the_contacts_of_the_note():
    assert ArsOffice.objects.get(kind="siege").email == "ars-bretagne-cls@ars.sante.fr"
    for code in ["22", "29", "35", "56"]:
        assert ArsOffice.objects.get(department_id=code).email == f"ars-dd{code}-direction@ars.sante.fr"


def test_boundaries_and_former_communes_are_loaded():
    assert Boundary.objects.filter(level="commune").count() == 1202
    assert Boundary.objects.filter(level="epci").count() == 61
    assert Boundary.objects.filter(level="departement").count() == 4
    assert FormerCommune.objects.count() == 100


def snapshot():
    digest = hashlib.sha256()
    for model in [Region, Department, Epci, Commune, FormerCommune, ArsOffice, Boundary]:
        digest.update(serializers.serialize("json", model.objects.order_by("pk")).encode())
    return digest.hexdigest()


def test_running_the_loader_twice_changes_nothing():
    before = snapshot()
    assert load_territories().skipped  # unchanged files are not read again
    forced = load_territories(force=True)
    assert not forced.skipped and forced.loaded["communes"] == 1202
    assert snapshot() == before


def test_loader_repairs_a_modified_row():
    Commune.objects.filter(insee_code="29232").update(population_municipale=1, name="Quimper modifiée")
    load_territories(force=True)
    quimper = Commune.objects.get(insee_code="29232")
    assert quimper.name == "Quimper" and quimper.population_municipale > 60000
