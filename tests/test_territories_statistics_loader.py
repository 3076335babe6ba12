"""The INSEE statistics loader: counts per figure match the files, secrecy is kept, reloads are cheap and exact."""

import csv
import hashlib
import shutil
from decimal import Decimal

import pytest
from django.core import serializers
from django.core.management import CommandError, call_command
from django.db import IntegrityError, transaction

from mobilisation.territories.enums import PublicationStatus
from mobilisation.territories.loaders import INSEE, STATISTICS_FILES, ReferenceDataError, load_statistics
from mobilisation.territories.models import CommuneStatistics, DataSource

from .utils import shared_data_dir

pytestmark = pytest.mark.django_db

SHARED = shared_data_dir() / "insee"
AGE = "insee_rp2022_population_par_age_bretagne.csv"
HOUSEHOLDS = "insee_rp2022_menages_bretagne.csv"
FILOSOFI = "insee_filosofi2021_bretagne.csv"


def rows(name):
    with (SHARED / name).open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_project_copy_matches_the_shared_insee_files():
    if not SHARED.exists():
        pytest.fail(f"shared INSEE data missing at {SHARED}")
    for name in STATISTICS_FILES:
        assert (INSEE / name).read_bytes() == (SHARED / name).read_bytes(), name
    assert "secret statistique" in (INSEE / "README.md").read_text(encoding="utf-8")


def test_report_counts_the_communes_having_each_figure():
    filosofi = rows(FILOSOFI)
    whole = [r for r in filosofi if r["perimetre_source"] == "commune entiere"]
    report = load_statistics(force=True)
    assert not report.skipped
    assert report.loaded == {
        "population par tranche d’âge (RP 2022)": len(rows(AGE)),
        "ménages (RP 2022)": len(rows(HOUSEHOLDS)),
        "ménages d’une personne (RP 2022, exploitation complémentaire)": len(rows(HOUSEHOLDS)),
        "taux de pauvreté publié pour toute la commune (Filosofi 2021)": sum(r["statut_taux_pauvrete"] == "diffuse" for r in whole),
        "taux de pauvreté publié pour l’ancienne commune seulement (commune nouvelle de 2025)": sum(
            r["statut_taux_pauvrete"] == "diffuse" for r in filosofi if r not in whole
        ),
        "taux de pauvreté non publié (secret statistique)": sum(r["statut_taux_pauvrete"] == "secret" for r in filosofi),
        "taux de pauvreté non disponible": sum(r["statut_taux_pauvrete"] == "non_disponible" for r in filosofi),
        "communes sans statistiques": 0,
    }
    # The README's own figures, as a second check of the files.
    assert report.loaded["taux de pauvreté publié pour toute la commune (Filosofi 2021)"] == 347
    assert report.loaded["taux de pauvreté non publié (secret statistique)"] == 852
    assert CommuneStatistics.objects.count() == 1202


def test_the_command_prints_the_counts(capsys):
    call_command("load_statistics", "--force")
    out = capsys.readouterr().out
    assert "taux de pauvreté non publié (secret statistique) : 852" in out
    assert "population par tranche d’âge (RP 2022) : 1202" in out
    call_command("load_statistics")
    assert "Statistiques déjà à jour" in capsys.readouterr().out


def test_stored_values_are_those_of_the_files():
    age = {r["code_insee"]: r for r in rows(AGE)}
    households = {r["code_insee"]: r for r in rows(HOUSEHOLDS)}
    filosofi = {r["code_insee"]: r for r in rows(FILOSOFI)}
    for statistic in CommuneStatistics.objects.all():
        code = statistic.commune_id
        assert statistic.population == Decimal(age[code]["population_rp_2022"])
        assert statistic.population_90_plus == Decimal(age[code]["pop_90_ans_ou_plus_2022"])
        assert statistic.one_person_households == Decimal(households[code]["menages_une_personne_2022"])
        source_rate = filosofi[code]["taux_pauvrete_2021_pct"]
        assert statistic.poverty_rate == (Decimal(source_rate) if source_rate else None)
        assert statistic.poverty_status == filosofi[code]["statut_taux_pauvrete"]


def test_a_secret_rate_is_stored_as_not_published_never_as_zero():
    secret = CommuneStatistics.objects.filter(poverty_status=PublicationStatus.SECRET)
    assert secret.count() == 852 and not secret.filter(poverty_rate__isnull=False).exists()
    assert CommuneStatistics.objects.get(commune_id="29083").poverty_status == PublicationStatus.NOT_AVAILABLE  # Île-de-Sein, "nd"
    assert not CommuneStatistics.objects.filter(poverty_rate=0).exists()
    with transaction.atomic(), pytest.raises(IntegrityError):
        CommuneStatistics.objects.filter(commune_id="22003").update(poverty_rate=Decimal("0.0"))  # secret: the database refuses a value


def test_communes_merged_in_2025_keep_their_partial_filosofi_row_explained():
    merdrignac = CommuneStatistics.objects.get(commune_id="22147")
    assert not merdrignac.filosofi_whole_commune and merdrignac.poverty_rate == Decimal("15.0")
    assert "Saint-Launeuc (22309)" in merdrignac.filosofi_note
    plumieux = CommuneStatistics.objects.get(commune_id="22241")
    assert not plumieux.filosofi_whole_commune and plumieux.poverty_status == PublicationStatus.SECRET
    assert "Le Cambout (22027)" in plumieux.filosofi_note and "Coëtlogon (22043)" in plumieux.filosofi_note
    assert CommuneStatistics.objects.filter(filosofi_whole_commune=False).count() == 3
    # The census files are in the 2025 geography: the commune nouvelle is counted whole.
    assert CommuneStatistics.objects.get(commune_id="22237").population == Decimal(
        next(r["population_rp_2022"] for r in rows(AGE) if r["code_insee"] == "22237")
    )


def snapshot():
    return hashlib.sha256(serializers.serialize("json", CommuneStatistics.objects.order_by("pk")).encode()).hexdigest()


def test_running_the_loader_twice_changes_nothing(django_assert_max_num_queries):
    before = snapshot()
    with django_assert_max_num_queries(4):  # savepoint, fingerprint, row count, release
        assert load_statistics().skipped  # unchanged files are not read again
    forced = load_statistics(force=True)
    assert not forced.skipped
    assert snapshot() == before


def test_emptied_table_is_reloaded_even_with_unchanged_files():
    CommuneStatistics.objects.filter(commune__department_id="29").delete()
    assert not load_statistics().skipped
    assert CommuneStatistics.objects.count() == 1202


def test_the_loader_writes_in_bulk(django_assert_max_num_queries):
    # 1,202 rows; SQLite caps a statement at 999 parameters, so about 50 rows per INSERT there (500 on PostgreSQL).
    with django_assert_max_num_queries(35):
        load_statistics(force=True)


@pytest.fixture
def copy(tmp_path):
    for name in STATISTICS_FILES:
        shutil.copy(INSEE / name, tmp_path / name)
    return tmp_path


def replace_in(path, old, new):
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, old
    path.write_text(text.replace(old, new), encoding="utf-8")


def line_of(path, prefix):
    return next(number for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1) if line.startswith(prefix))


def test_a_changed_file_is_reloaded(copy):
    rennes = next(r for r in rows(FILOSOFI) if r["code_insee"] == "35238")
    assert rennes["taux_pauvrete_2021_pct"] == "21.0"
    line = next(line for line in (copy / FILOSOFI).read_text(encoding="utf-8").splitlines() if line.startswith("35238,"))
    replace_in(copy / FILOSOFI, line, line.replace(",21.0,", ",21.5,", 1))
    assert load_statistics(directory=copy).skipped is False
    assert CommuneStatistics.objects.get(commune_id="35238").poverty_rate == Decimal("21.5")
    assert load_statistics(directory=copy).skipped
    assert DataSource.objects.get(name="statistiques").rows == 1202


def test_a_malformed_number_names_the_file_and_the_line(copy):
    line = next(line for line in (copy / AGE).read_text(encoding="utf-8").splitlines() if line.startswith("22003,"))
    replace_in(copy / AGE, line, line.replace(",187.598279,", ",abc,"))
    expected_line = line_of(copy / AGE, "22003,")
    with pytest.raises(ReferenceDataError) as error:
        load_statistics(directory=copy)
    assert str(error.value).startswith(f"{AGE}, ligne {expected_line} : ")
    assert "« pop_0_14_ans_2022 »" in str(error.value) and "« abc »" in str(error.value)
    assert CommuneStatistics.objects.get(commune_id="22003").population_0_14 == Decimal("187.598279")  # nothing half-loaded


def test_the_command_turns_a_bad_file_into_a_french_error(copy):
    replace_in(copy / HOUSEHOLDS, "22001,Allineuc,", "22001,Allineuc,,")
    with pytest.raises(CommandError, match=rf"{HOUSEHOLDS}, ligne 2 : 7 valeurs attendues"):
        call_command("load_statistics", directory=str(copy))


@pytest.mark.parametrize(
    ("name", "prefix", "old", "new", "message"),
    [
        (
            FILOSOFI,
            "22001,",
            ",diffuse,secret,231,570,21490,,",
            ",diffuse,secret,231,570,21490,,12.5",
            "alors que son statut est « secret »",
        ),
        (FILOSOFI, "22001,", ",diffuse,secret,", ",diffuse,peut-etre,", "statut du taux de pauvreté inconnu « peut-etre »"),
        (FILOSOFI, "35238,", ",21.0,", ",,", "« taux_pauvrete_2021_pct » est vide"),
        (HOUSEHOLDS, "22001,", ",243.355632,", ",-243.355632,", "nombre positif"),
        (HOUSEHOLDS, "22001,", ",243.355632,94.735567", ",90,94.735567", "plus de ménages d’une personne que de ménages"),
        (AGE, "22001,", ",592,", ",5920,", "la somme des tranches d’âge"),
        (AGE, "22001,", "22001,Allineuc", "99999,Allineuc", "le code INSEE « 99999 » n’est pas une commune chargée"),
        (AGE, "22002,", "22002,Andel", "22001,Andel", "le code « 22001 » figure déjà ligne 2"),
    ],
)
def test_bad_rows_give_a_clear_french_error(copy, name, prefix, old, new, message):
    expected_line = line_of(copy / name, prefix)
    line = next(line for line in (copy / name).read_text(encoding="utf-8").splitlines() if line.startswith(prefix))
    replace_in(copy / name, line, line.replace(old, new, 1))
    with pytest.raises(ReferenceDataError) as error:
        load_statistics(directory=copy)
    assert str(error.value).startswith(f"{name}, ligne {expected_line} : "), str(error.value)
    assert message in str(error.value)


def test_a_missing_column_or_file_is_named(copy):
    replace_in(copy / HOUSEHOLDS, "menages_une_personne_2022", "menages_seuls")
    with pytest.raises(
        ReferenceDataError, match=rf"{HOUSEHOLDS}, ligne 1 : colonne\(s\) absente\(s\) de l’en-tête : menages_une_personne_2022"
    ):
        load_statistics(directory=copy)
    (copy / FILOSOFI).unlink()
    with pytest.raises(ReferenceDataError, match=rf"{FILOSOFI} : fichier absent"):
        load_statistics(directory=copy)


def test_a_commune_missing_from_one_file_is_refused(copy):
    last = (copy / HOUSEHOLDS).read_text(encoding="utf-8").splitlines()[-1]
    replace_in(copy / HOUSEHOLDS, last + "\n", "")
    with pytest.raises(ReferenceDataError, match=rf"{HOUSEHOLDS} : commune\(s\) absente\(s\) .*{last[:5]}"):
        load_statistics(directory=copy)


def test_a_file_not_in_utf8_is_refused(copy):
    (copy / AGE).write_bytes((copy / AGE).read_text(encoding="utf-8").encode("cp1252"))
    with pytest.raises(ReferenceDataError, match=rf"{AGE} : le fichier n’est pas encodé en UTF-8"):
        load_statistics(directory=copy)
