"""Import of an existing register (SECURITY.md 15 and 16): every row and field in error reported and nothing written
until the file is clean, rows outside the importer's registers refused one by one, people already registered offered
for merging, the file encrypted while kept and erased once used, each person created audited."""

import datetime
import io

import pytest
import tablib
from django.db import connection
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.audit.enums import AuditAction
from mobilisation.audit.models import AuditEvent
from mobilisation.followup import importing
from mobilisation.followup.enums import Category, ImportState, Provenance, RegistrationState
from mobilisation.followup.models import Person, RegisterImport
from mobilisation.followup.services import imports

from .conftest import persona
from .test_followup_register import make_person
from .utils import login_verified, page_text

TODAY = timezone.localdate()
HEADER = [
    "Commune",
    "Nom",
    "Prénom",
    "Date de naissance",
    "Qualité",
    "Adresse",
    "Téléphone",
    "Vit seule",
    "Origine",
    "Nom du demandeur",
    "Date de la demande",
    "Personne à prévenir 1",
    "Lien 1",
    "Téléphone personne à prévenir 1",
]


def row(**overrides):
    values = {
        "Commune": "22050",
        "Nom": "Morvan",
        "Prénom": "Marcel",
        "Date de naissance": "11/02/1940",
        "Qualité": "65 ans et plus",
        "Adresse": "3 place Du Guesclin",
        "Téléphone": "02 61 91 00 42",
        "Vit seule": "oui",
        "Origine": "la personne",
        "Nom du demandeur": "",
        "Date de la demande": (TODAY - datetime.timedelta(days=3)).strftime("%d/%m/%Y"),
        "Personne à prévenir 1": "Anne Morvan",
        "Lien 1": "fille",
        "Téléphone personne à prévenir 1": "02 61 91 05 42",
    }
    values.update(overrides)
    return values


def csv_file(rows, header=HEADER, name="registre.csv"):
    lines = [";".join(header)] + [";".join(str(r.get(column, "")) for column in header) for r in rows]
    upload = io.BytesIO(("\ufeff" + "\n".join(lines) + "\n").encode("utf-8"))
    upload.name = name
    return upload


def sheet_file(rows, fmt, header=HEADER):
    dataset = tablib.Dataset(headers=header)
    for r in rows:
        dataset.append([r.get(column, "") for column in header])
    upload = io.BytesIO(dataset.export(fmt))
    upload.name = f"registre.{fmt}"
    return upload


@pytest.fixture
def agent(client, social_services_dinan):
    login_verified(client, social_services_dinan)
    return client


def deposit(client, upload):
    response = client.post(reverse("followup:imports"), {"file": upload})
    assert response.status_code == 302, page_text(response)[:2000]
    return RegisterImport.objects.get(public_id=response.url.rstrip("/").split("/")[-1])


def raw_column(item, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM followup_registerimport WHERE id = %s", [item.pk])  # noqa: S608 - a column of this file
        return cursor.fetchone()[0]


def test_a_clean_file_is_previewed_then_imported_with_its_contacts_and_audit(agent, social_services_dinan):
    rows = [
        row(),
        row(
            Nom="Le Bihan",
            Prénom="Odette",
            **{"Vit seule": ""},
            Téléphone="0261910043",
            **{"Personne à prévenir 1": "", "Lien 1": "", "Téléphone personne à prévenir 1": ""},
        ),
    ]
    item = deposit(agent, csv_file(rows))
    assert item.state == ImportState.READY and item.total_rows == 2 and item.error_count == 0, item.report_data()
    assert Person.objects.count() == 0  # nothing written before the confirmation
    stored = raw_column(item, "content")
    assert stored and "Morvan" not in stored and "Morvan" not in raw_column(item, "report")  # encrypted at rest
    page = page_text(agent.get(item.get_absolute_url()))
    assert "Le fichier est correct : 2 lignes" in page and "MORVAN Marcel" in page and "Dinan (22050)" in page

    response = agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    assert response.status_code == 302
    item.refresh_from_db()
    assert item.state == ImportState.DONE and item.created_count == 2 and item.content is None and item.report is None
    marcel = Person.objects.get(last_name="Morvan")
    assert marcel.phone.as_e164 == "+33261910042" and marcel.lives_alone and marcel.category == Category.AGED_65
    assert marcel.provenance == Provenance.PERSON and marcel.state == RegistrationState.REGISTERED
    assert marcel.acknowledgement_due == marcel.request_date + datetime.timedelta(days=8)
    assert marcel.created_by == social_services_dinan and marcel.search_name == "morvan marcel"
    assert [(c.name, c.link, c.phone.as_e164) for c in marcel.contacts.all()] == [("Anne Morvan", "fille", "+33261910542")]
    odette = Person.objects.get(last_name="Le Bihan")
    assert odette.phone.as_e164 == "+33261910043" and odette.lives_alone is False and not odette.contacts.exists()
    assert Person.objects.visible_to(social_services_dinan).search("Odette").count() == 1
    created = AuditEvent.objects.filter(action=AuditAction.CREATE, object_type="followup.person")
    assert set(created.values_list("object_id", flat=True)) == {str(p.public_id) for p in Person.objects.all()}
    event = AuditEvent.objects.get(action=AuditAction.IMPORT)
    assert event.commune == "22050" and event.row_count == 2 and event.actor == social_services_dinan
    assert "Morvan" not in event.summary
    assert "2 personnes inscrites" in page_text(agent.get(item.get_absolute_url()))


def test_every_row_and_field_in_error_is_reported_and_nothing_is_written(agent):
    rows = [
        row(),
        row(Nom="", **{"Date de naissance": "31/02/1940"}),
        row(Nom="Riou", Téléphone="02 96", Qualité="vieux", Origine="tiers"),
        row(Nom="Hamon", **{"Date de la demande": "01/01/2099", "Lien 1": ""}),
    ]
    item = deposit(agent, csv_file(rows))
    assert item.state == ImportState.TO_FIX and item.content is None  # the file is erased at once
    errors = item.report_data()["errors"]
    assert [3, "Nom", "obligatoire."] in errors
    assert [3, "Date de naissance", "« 31/02/1940 » n’est pas une date (JJ/MM/AAAA)."] in errors
    assert {(line, column) for line, column, _ in errors} == {
        (3, "Nom"),
        (3, "Date de naissance"),
        (4, "Téléphone"),
        (4, "Qualité"),
        (4, "Nom du demandeur"),  # a third party's name is required
        (5, "Date de la demande"),
        (5, "Lien 1"),
    }
    assert item.error_count == 7 and item.report_data()["rows_in_error"] == 3
    assert Person.objects.count() == 0
    page = page_text(agent.get(item.get_absolute_url()))
    assert "rien n’a été inscrit" in page and "7 erreurs sur 3 lignes" in page
    assert "<td>4</td><td>Téléphone</td>" in page and "n’est pas un numéro de téléphone valide" in page
    assert "Déposer le fichier corrigé" in page
    # A confirmation forged on a file to fix writes nothing either.
    agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    item.refresh_from_db()
    assert item.state == ImportState.TO_FIX and Person.objects.count() == 0


def test_rows_of_communes_outside_the_register_are_refused_one_by_one(agent):
    rows = [row(), row(Commune="29019", Nom="Kerbrat"), row(Commune="Brest", Nom="Le Gall"), row(Commune="99999", Nom="Inconnu")]
    item = deposit(agent, csv_file(rows))
    errors = item.report_data()["errors"]
    assert [3, "Commune (code INSEE ou nom)", "la commune Brest (29019) n’est pas dans votre registre : ligne refusée."] in errors
    assert [4, "Commune (code INSEE ou nom)", "la commune « Brest » n’est pas dans votre registre : ligne refusée."] in errors
    assert errors[-1][:2] == [5, "Commune (code INSEE ou nom)"] and "n’est ni un code INSEE" in errors[-1][2]
    assert item.report_data()["out_of_scope"] == 2 and item.state == ImportState.TO_FIX
    assert Person.objects.count() == 0
    assert "dont 2 lignes refusées car hors de votre registre" in page_text(agent.get(item.get_absolute_url()))


def test_a_commune_by_its_name_and_an_epci_register(client, cias_dinan_agglomeration):
    login_verified(client, cias_dinan_agglomeration)
    item = deposit(client, csv_file([row(Commune="dinan"), row(Commune="Lanvallay", Nom="Briand")]))
    assert item.state == ImportState.READY, item.report_data()
    client.post(reverse("followup:import_confirm", args=[item.public_id]))
    assert set(Person.objects.values_list("commune", flat=True)) == {"22050", "22118"}


def test_missing_columns_and_unreadable_files_get_a_french_message(agent):
    item = deposit(agent, csv_file([row()], header=["Nom", "Prénom"]))
    problems = item.report_data()["file_problems"]
    assert item.state == ImportState.TO_FIX and "Colonnes obligatoires absentes" in problems[0] and "« Date de naissance »" in problems[0]
    broken = io.BytesIO(b"PK\x03\x04 not really a workbook")
    broken.name = "registre.xlsx"
    item = deposit(agent, broken)
    assert item.state == ImportState.TO_FIX and "classeur Excel" in item.report_data()["file_problems"][0]
    assert "classeur Excel" in page_text(agent.get(item.get_absolute_url()))
    wrong = io.BytesIO(b"%PDF-1.4")
    wrong.name = "registre.pdf"
    response = agent.post(reverse("followup:imports"), {"file": wrong})
    assert response.status_code == 400 and "CSV, XLSX (Excel) ou ODS" in page_text(response)
    response = agent.post(reverse("followup:imports"), {})
    assert response.status_code == 400 and "Choisissez le fichier à importer." in page_text(response)
    assert RegisterImport.objects.count() == 2


@override_settings(IMPORT_MAX_BYTES=1000)
def test_an_oversized_file_is_refused_before_anything_is_kept(agent):
    response = agent.post(reverse("followup:imports"), {"file": csv_file([row(Nom=f"Nom {n}") for n in range(30)])})
    assert response.status_code in (400, 413)
    assert RegisterImport.objects.count() == 0


@pytest.mark.parametrize("fmt", ["xlsx", "ods"])
def test_spreadsheets_with_date_cells_and_numbers_that_lost_their_zero(agent, fmt):
    rows = [row(**{"Date de naissance": datetime.date(1940, 2, 11), "Téléphone": 261910042, "Commune": 22050})]
    item = deposit(agent, sheet_file(rows, fmt))
    assert item.state == ImportState.READY, item.report_data()
    agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    marcel = Person.objects.get()
    assert marcel.birth_date == datetime.date(1940, 2, 11) and marcel.phone.as_e164 == "+33261910042"


def test_people_already_registered_are_offered_for_merging(agent, social_services_dinan):
    yvonne = make_person(phone="+33261910001", address="12 rue du Jerzual", lives_alone=True)
    objected = make_person(
        last_name="Hamon", first_name="Jean", birth_date=datetime.date(1935, 1, 1), state=RegistrationState.OBJECTED, phone="", address=""
    )
    rows = [
        row(Nom="Le Goff", Prénom="Yvonne", **{"Date de naissance": "03/05/1938", "Vit seule": "non"}, Adresse="14 rue du Jerzual"),
        row(Nom="HAMON", Prénom="Jean", **{"Date de naissance": "01/01/1935"}),
        row(),
    ]
    item = deposit(agent, csv_file(rows))
    assert item.state == ImportState.READY and item.duplicate_count == 2
    page = page_text(agent.get(item.get_absolute_url()))
    assert "2 personnes sont déjà au registre" in page and "s’est opposée à son inscription" in page
    assert 'name="ligne-2" value="fusionner" checked' in page and 'name="ligne-3" value="ignorer" checked' in page
    response = agent.post(reverse("followup:import_confirm", args=[item.public_id]), {"ligne-2": "fusionner", "ligne-3": "ignorer"})
    assert response.status_code == 302
    item.refresh_from_db()
    assert (item.created_count, item.merged_count, item.skipped_count) == (1, 1, 1)
    yvonne.refresh_from_db()
    assert yvonne.address == "14 rue du Jerzual" and yvonne.phone.as_e164 == "+33261910042" and not yvonne.lives_alone
    assert [c.name for c in yvonne.contacts.all()] == ["Anne Morvan"]
    objected.refresh_from_db()
    assert objected.state == RegistrationState.OBJECTED and objected.address == ""  # never re-registered by default
    assert Person.objects.count() == 3
    update = AuditEvent.objects.get(action=AuditAction.UPDATE, object_id=str(yvonne.public_id))
    assert "adresse" in update.summary and "14 rue" not in update.summary


def test_a_forged_choice_is_a_form_error_and_nothing_is_written(agent):
    make_person()
    item = deposit(agent, csv_file([row(Nom="Le Goff", Prénom="Yvonne", **{"Date de naissance": "03/05/1938"})]))
    response = agent.post(reverse("followup:import_confirm", args=[item.public_id]), {"ligne-2": "supprimer"})
    assert response.status_code == 400 and "Choisissez une réponse" in page_text(response)
    item.refresh_from_db()
    assert item.state == ImportState.READY and Person.objects.count() == 1


def test_the_same_person_twice_in_the_file_is_an_error(agent):
    item = deposit(agent, csv_file([row(), row(Nom="MORVAN", Prénom="marcel")]))
    assert item.report_data()["errors"] == [[3, "Nom", "même personne (nom, prénom, date de naissance, commune) qu’à la ligne 2."]]


def test_a_reason_is_imported_only_with_its_consent_and_encrypted(agent):
    header = [*HEADER, "Motif", "Consentement donné par", "Consentement recueilli", "Consentement donné le"]
    rows = [
        row(Motif="Insuffisance respiratoire"),
        row(
            Nom="Riou",
            Motif="Diabète",
            **{"Consentement donné par": "la personne", "Consentement recueilli": "écrit", "Consentement donné le": "02/11/2026"},
        ),
    ]
    item = deposit(agent, csv_file(rows, header=header))
    columns = {(line, column) for line, column, _ in item.report_data()["errors"]}
    assert columns == {
        (2, "Consentement donné par"),
        (2, "Consentement recueilli"),
        (2, "Consentement donné le"),
        (2, "Motif de fragilité ou de santé"),
    }
    rows[0].update({"Motif": ""})
    item = deposit(agent, csv_file(rows, header=header))
    agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    riou = Person.objects.get(last_name="Riou")
    assert riou.reason == "Diabète" and riou.reason_consent_at == datetime.date(2026, 11, 2) and riou.reason_recorded_by is not None
    with connection.cursor() as cursor:
        cursor.execute("SELECT reason FROM followup_person WHERE id = %s", [riou.pk])
        assert "Diab" not in cursor.fetchone()[0]
    assert Person.objects.get(last_name="Morvan").reason is None


def test_an_import_is_its_importers_alone(client, agent, social_services_dinan, social_services_brest, coordinator_dinan):
    item = deposit(agent, csv_file([row()]))
    colleague = persona(Role.SOCIAL_SERVICES, "autre.ccas.dinan@exemple.fr", commune_id="22050")
    for user in (colleague, social_services_brest):
        login_verified(client, user)
        for name in ("import", "import_progress"):
            assert client.get(reverse(f"followup:{name}", args=[item.public_id])).status_code == 404
        assert client.post(reverse("followup:import_confirm", args=[item.public_id])).status_code == 404
    login_verified(client, coordinator_dinan)
    assert client.get(reverse("followup:imports")).status_code == 404
    item.refresh_from_db()
    assert item.state == ImportState.READY


def test_the_progress_address_carries_no_personal_data(agent):
    item = deposit(agent, csv_file([row()]))
    data = agent.get(reverse("followup:import_progress", args=[item.public_id])).json()
    assert data == {"state": "pret", "label": "Prêt à importer", "checked": 1, "total": 1, "percent": None}
    RegisterImport.objects.filter(pk=item.pk).update(state=ImportState.CHECKING, checked_rows=40, total_rows=160)
    page = page_text(agent.get(item.get_absolute_url()))
    assert 'value="25"' in page and "40 lignes sur 160" in page and "js/progress.js" in page


def test_a_confirmation_sent_twice_and_a_writing_run_twice_import_once(agent):
    item = deposit(agent, csv_file([row()]))
    agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    agent.post(reverse("followup:import_confirm", args=[item.public_id]))
    RegisterImport.objects.filter(pk=item.pk).update(
        state=ImportState.IMPORTING, content=RegisterImport.encode(csv_file([row()]).getvalue())
    )
    imports.write(str(item.public_id))  # a retried task: the effect's key is already there
    assert Person.objects.count() == 1


def test_files_left_unused_are_erased_after_a_day(agent):
    ready = deposit(agent, csv_file([row()]))
    to_fix = deposit(agent, csv_file([row(Nom="")]))
    assert imports.erase_stale(now=timezone.now() + datetime.timedelta(hours=1)) == 0
    assert imports.erase_stale(now=timezone.now() + datetime.timedelta(hours=25)) == 2
    ready.refresh_from_db()
    to_fix.refresh_from_db()
    assert ready.state == ImportState.CANCELLED and ready.content is None and ready.report is None
    assert to_fix.state == ImportState.TO_FIX and to_fix.report is None


def test_an_abandoned_import_erases_its_file(agent):
    item = deposit(agent, csv_file([row()]))
    agent.post(reverse("followup:import_cancel", args=[item.public_id]))
    item.refresh_from_db()
    assert item.state == ImportState.CANCELLED and item.content is None
    assert "abandonné" in page_text(agent.get(item.get_absolute_url()))


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_template_downloads_and_imports_as_it_is(agent, fmt):
    response = agent.get(reverse("followup:import_template"), {"format": fmt})
    assert response.status_code == 200 and f"modele-registre.{fmt}" in response["Content-Disposition"]
    upload = io.BytesIO(response.content)
    upload.name = f"modele.{fmt}"
    item = deposit(agent, upload)
    assert item.state == ImportState.READY, item.report_data()
    assert item.report_data()["preview"][0]["name"] == "EXEMPLE Jeanne"


def test_the_row_checker_reads_usual_spellings():
    checker = importing.RowChecker(allowed={"22050": "Dinan"}, others={"29019": "Brest"})
    report = importing.Report()
    positions = {column.key: i for i, column in enumerate(importing.COLUMNS)}
    cells = [""] * len(importing.COLUMNS)
    for key, value in {
        "commune": "22050",
        "last_name": "Ollivier",
        "first_name": "Marie",
        "birth_date": "1950-06-01",
        "category": "Adulte handicapé",
        "address": "1 rue",
        "phone": "+33 2 61 91 00 01",
        "lives_alone": "X",
        "provenance": "Transmission du Département (bénéficiaire de l’APA ou de la PCH)",
        "request_date": "01.11.2026",
    }.items():
        cells[positions[key]] = value
    found = checker.check(2, cells, positions, report)
    assert report.errors == [] and found.values["category"] == Category.DISABLED_ADULT
    assert found.values["provenance"] == Provenance.DEPARTEMENT and found.values["lives_alone"] is True
    assert found.values["request_date"] == datetime.date(2026, 11, 1)
