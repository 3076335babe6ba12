"""The register of vulnerable people: who reads it, registration with its checks, consent, objection, removal,
the acknowledgement letter, the préfet export, the audit of each of them."""

import datetime
import io

import pytest
from django.db import IntegrityError, connection, transaction
from django.urls import reverse
from django.utils import timezone
from pypdf import PdfReader

from mobilisation.audit.models import AuditEvent
from mobilisation.followup.enums import Category, ConsentChannel, ConsentGiver, Provenance, RegistrationState
from mobilisation.followup.models import ContactPerson, Person

from .utils import login_verified, page_text

TODAY = timezone.localdate()


def make_person(commune="22050", **fields):
    values = {
        "last_name": "Le Goff",
        "first_name": "Yvonne",
        "birth_date": datetime.date(1938, 5, 3),
        "category": Category.AGED_65,
        "address": "12 rue du Jerzual",
        "phone": "+33261910001",
        "provenance": Provenance.PERSON,
        "request_date": TODAY - datetime.timedelta(days=2),
        "acknowledgement_due": TODAY + datetime.timedelta(days=6),
    }
    values.update(fields)
    return Person.objects.create(commune_id=commune, **values)


@pytest.fixture
def agent(client, social_services_dinan):
    login_verified(client, social_services_dinan)
    return client


@pytest.fixture
def yvonne(db):
    return make_person()


def form_data(**overrides):
    data = {
        "commune": "22050",
        "last_name": "Morvan",
        "first_name": "Marcel",
        "birth_date": "1940-02-11",
        "category": Category.AGED_65,
        "address": "3 place Du Guesclin",
        "address_complement": "",
        "phone": "02 61 91 00 42",
        "phone_2": "",
        "home_care_service": "",
        "home_care_phone": "",
        "provenance": Provenance.THIRD_PARTY,
        "requester_name": "Sa fille, Anne Morvan",
        "request_date": (TODAY - datetime.timedelta(days=1)).isoformat(),
        "reason": "",
        "reason_consent_by": "",
        "reason_consent_channel": "",
        "reason_consent_at": "",
        "contacts-TOTAL_FORMS": "2",
        "contacts-INITIAL_FORMS": "0",
        "contacts-MIN_NUM_FORMS": "0",
        "contacts-MAX_NUM_FORMS": "3",
        "contacts-0-name": "Anne Morvan",
        "contacts-0-link": "fille",
        "contacts-0-phone": "02 61 91 00 43",
        "contacts-1-name": "",
        "contacts-1-link": "",
        "contacts-1-phone": "",
    }
    data.update(overrides)
    return data


def raw_row(person, column):
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT {column} FROM followup_person WHERE id = %s", [person.pk])  # noqa: S608 (a column name of ours)
        return cursor.fetchone()[0]


# Who reads the register


def test_each_register_is_read_by_its_own_social_services(social_services_dinan, social_services_brest, cias_dinan_agglomeration):
    dinan, brest, lehon = make_person(), make_person("29019", last_name="Tanguy"), make_person("22003", last_name="Riou")
    assert set(Person.objects.visible_to(social_services_dinan)) == {dinan}
    assert set(Person.objects.visible_to(social_services_brest)) == {brest}
    # A CIAS holds the register of every commune of its EPCI (Aucaleuc is in Dinan Agglomération).
    assert set(Person.objects.visible_to(cias_dinan_agglomeration)) == {dinan, lehon}


@pytest.mark.parametrize(
    "role_fixture",
    ["coordinator_dinan", "elected_dinan", "delegation_22", "ars_region", "resource_pole", "partner_dinan", "volunteer_dinan"],
)
def test_nobody_above_the_social_services_reads_a_name(request, client, role_fixture, yvonne):
    user = request.getfixturevalue(role_fixture)
    assert not Person.objects.visible_to(user).exists()
    login_verified(client, user)
    for url in [reverse("followup:index"), yvonne.get_absolute_url(), reverse("followup:create"), reverse("followup:prefect_export")]:
        assert client.get(url).status_code == 404, url


def test_a_superuser_reads_no_register_either(client, yvonne):
    from .factories import UserFactory

    admin = UserFactory(email="tech@exemple.fr", is_superuser=True, is_staff=True)
    assert not Person.objects.visible_to(admin).exists()
    login_verified(client, admin)
    assert client.get(yvonne.get_absolute_url()).status_code == 404


def test_a_person_of_another_commune_is_a_404(client, social_services_brest, yvonne):
    login_verified(client, social_services_brest)
    assert client.get(yvonne.get_absolute_url()).status_code == 404
    assert client.get(reverse("followup:edit", args=[yvonne.public_id])).status_code == 404
    assert client.post(reverse("followup:erase", args=[yvonne.public_id]), {"date": TODAY.isoformat()}).status_code == 404
    yvonne.refresh_from_db()
    assert yvonne.last_name == "Le Goff"


def test_the_register_needs_a_second_factor(client, social_services_dinan, yvonne):
    client.force_login(social_services_dinan)
    response = client.get(yvonne.get_absolute_url())
    assert response.status_code == 302
    assert "Le Goff" not in response.content.decode()
    assert not AuditEvent.objects.exists()


# Registration


def test_registering_a_person_stores_the_legal_fields_and_contacts_and_is_audited(agent, social_services_dinan):
    response = agent.post(reverse("followup:create"), form_data(), follow=True)
    person = Person.objects.get(last_name="Morvan")
    assert response.redirect_chain[-1][0] == person.get_absolute_url()
    assert "Marcel Morvan est inscrite au registre" in page_text(response)
    assert person.phone.as_e164 == "+33261910042"
    assert person.state == RegistrationState.REGISTERED
    assert person.created_by == social_services_dinan
    assert person.acknowledgement_due == TODAY + datetime.timedelta(days=7)
    assert [(c.name, c.link, c.phone.as_e164, c.position) for c in person.contacts.all()] == [("Anne Morvan", "fille", "+33261910043", 1)]
    event = AuditEvent.objects.get(action="creation")
    assert (event.object_id, event.commune, event.epci, event.actor) == (str(person.public_id), "22050", "200068989", social_services_dinan)
    assert "Morvan" not in event.summary


def test_the_request_date_starts_as_today(agent):
    assert f'value="{TODAY.isoformat()}"' in agent.get(reverse("followup:create")).content.decode()


def test_bad_input_keeps_what_was_typed_and_says_what_is_wrong_at_the_field(agent):
    response = agent.post(reverse("followup:create"), form_data(phone="12", birth_date="2099-01-01", **{"contacts-0-phone": "abc"}))
    assert response.status_code == 400
    text = page_text(response)
    assert "Saisissez un numéro de téléphone valide" in text
    assert "Saisissez une date de naissance passée" in text
    assert 'value="Morvan"' in response.content.decode()
    assert not Person.objects.exists()


def test_the_requester_is_named_for_a_third_party_request(agent):
    response = agent.post(reverse("followup:create"), form_data(requester_name=""))
    assert "Donnez le nom du représentant légal ou du tiers" in page_text(response)
    assert not Person.objects.exists()


def test_a_reason_is_refused_without_consent_then_stored_encrypted_with_it(agent, social_services_dinan):
    response = agent.post(reverse("followup:create"), form_data(reason="Oxygène à domicile"))
    assert "Sans consentement explicite" in page_text(response)
    assert not Person.objects.exists()
    consent = {
        "reason": "Oxygène à domicile",
        "reason_consent": "on",
        "reason_consent_by": ConsentGiver.PERSON,
        "reason_consent_channel": ConsentChannel.PHONE,
        "reason_consent_at": TODAY.isoformat(),
    }
    agent.post(reverse("followup:create"), form_data(**consent))
    person = Person.objects.get()
    assert person.reason == "Oxygène à domicile"
    assert (person.reason_consent_by, person.reason_consent_channel, person.reason_consent_at) == ("personne", "telephone", TODAY)
    assert person.reason_recorded_by == social_services_dinan
    stored = raw_row(person, "reason")
    assert stored.startswith("gAAAAA") and "Oxyg" not in stored


def test_the_database_refuses_a_reason_without_consent(db):
    with pytest.raises(IntegrityError), transaction.atomic():
        make_person(reason="Troubles de la mémoire")


def test_a_second_registration_of_the_same_person_is_flagged_first(agent, yvonne):
    data = form_data(last_name="LE GOFF", first_name="yvonne", birth_date="1938-05-03", provenance=Provenance.PERSON, requester_name="")
    response = agent.post(reverse("followup:create"), data)
    assert "déjà inscrite dans cette commune" in page_text(response)
    assert yvonne.get_absolute_url() in response.content.decode()
    assert Person.objects.count() == 1
    agent.post(reverse("followup:create"), {**data, "confirm_distinct": "on"})
    assert Person.objects.count() == 2


def test_someone_who_objected_is_recognised(agent, yvonne, social_services_dinan):
    from mobilisation.followup import services

    services.record_objection(person=yvonne, date=TODAY, by=social_services_dinan)
    data = form_data(
        last_name="Le Goff", first_name="Yvonne", birth_date="1938-05-03", provenance=Provenance.DEPARTEMENT, requester_name=""
    )
    assert "s’est opposée à son inscription" in page_text(agent.post(reverse("followup:create"), data))


def test_a_double_submitted_registration_creates_one_person(agent):
    data = form_data(submission_token="3f1c2a7e-7a8e-4a43-9a5c-8c7d3e0f1b2a")
    agent.post(reverse("followup:create"), data)
    agent.post(reverse("followup:create"), data)
    assert Person.objects.count() == 1


# Reading and correcting


def test_the_person_page_shows_the_record_and_writes_a_read_event(agent, yvonne, social_services_dinan):
    ContactPerson.objects.create(person=yvonne, name="Jean Le Goff", link="fils", phone="+33261910002")
    text = page_text(agent.get(yvonne.get_absolute_url()))
    assert "LE GOFF Yvonne" in text and "02 61 91 00 01" in text and "Jean Le Goff (fils)" in text
    event = AuditEvent.objects.get(action="consultation", object_id=str(yvonne.public_id))
    assert event.actor == social_services_dinan and event.commune == "22050"


def test_the_list_searches_names_without_accents_and_phone_numbers(agent):
    make_person(last_name="Jégou", first_name="Hervé", phone="+33261910077", acknowledged_at=timezone.now())
    make_person(last_name="Riou", first_name="Anne", acknowledged_at=timezone.now())
    assert "JÉGOU Hervé" in page_text(agent.get(reverse("followup:index"), {"q": "jegou herve"}))
    found = page_text(agent.get(reverse("followup:index"), {"q": "02 61 91 00 77"}))
    assert "JÉGOU Hervé" in found and "RIOU" not in found
    for fragment in ["02 61 91", "00 77", "0261910077"]:  # its beginning, its last digits, the whole number
        assert "JÉGOU Hervé" in page_text(agent.get(reverse("followup:index"), {"q": fragment})), fragment
    event = AuditEvent.objects.filter(action="consultation").latest("pk")
    assert "recherche par nom ou téléphone" in event.summary and "61 91" not in event.summary


def test_the_list_costs_the_same_queries_for_3_or_30_people(agent, django_assert_max_num_queries):
    for n in range(3):
        make_person(last_name=f"Personne {n}")
    with django_assert_max_num_queries(30) as small:
        agent.get(reverse("followup:index"))
    for n in range(27):
        make_person(last_name=f"Autre {n}")
    with django_assert_max_num_queries(len(small.captured_queries)):
        agent.get(reverse("followup:index"))


def test_a_correction_is_audited_by_field_names_never_values(agent, yvonne):
    page = agent.get(reverse("followup:edit", args=[yvonne.public_id]))
    seen_version = page.context["form"]["seen_version"].value()
    data = form_data(
        last_name="Le Goff",
        first_name="Yvonne",
        birth_date="1938-05-03",
        address="12 rue du Jerzual",
        phone="02 61 91 00 99",
        provenance=Provenance.PERSON,
        requester_name="",
        request_date=yvonne.request_date.isoformat(),
        seen_version=seen_version,
        **{"contacts-0-name": ""},
    )
    data["contacts-0-link"] = data["contacts-0-phone"] = ""
    response = agent.post(reverse("followup:edit", args=[yvonne.public_id]), data)
    assert response.status_code == 302
    yvonne.refresh_from_db()
    assert yvonne.phone.as_e164 == "+33261910099"
    event = AuditEvent.objects.get(action="modification")
    assert event.summary == "champs modifiés : Téléphone"
    assert "91" not in event.summary


def test_a_stale_correction_is_refused_and_loses_nothing(agent, yvonne):
    page = agent.get(reverse("followup:edit", args=[yvonne.public_id]))
    seen_version = page.context["form"]["seen_version"].value()
    Person.objects.filter(pk=yvonne.pk).update(updated_at=timezone.now() + datetime.timedelta(seconds=5))
    data = form_data(last_name="Le Goff", first_name="Yvonne", birth_date="1938-05-03", seen_version=seen_version)
    response = agent.post(reverse("followup:edit", args=[yvonne.public_id]), data)
    assert response.status_code == 400
    assert "modifié par quelqu’un d’autre" in page_text(response)
    assert 'value="3 place Du Guesclin"' in response.content.decode()


# Acknowledgement, objection, removal


def test_the_acknowledgement_is_a_to_do_then_a_letter_then_done(agent, yvonne):
    Person.objects.filter(pk=yvonne.pk).update(acknowledgement_due=TODAY - datetime.timedelta(days=1))
    index = page_text(agent.get(reverse("followup:index")))
    assert "1 accusé de réception à envoyer" in index and "en retard" in index
    letter = agent.get(reverse("followup:acknowledgement_letter", args=[yvonne.public_id]))
    assert letter["Content-Type"] == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
    assert "Yvonne Le Goff" in text and "accusé de réception" in text.lower()
    assert AuditEvent.objects.filter(action="impression", object_id=str(yvonne.public_id)).exists()
    assert agent.get(reverse("followup:acknowledge", args=[yvonne.public_id])).status_code == 405
    agent.post(reverse("followup:acknowledge", args=[yvonne.public_id]))
    yvonne.refresh_from_db()
    assert yvonne.acknowledged_at is not None
    assert "accusé de réception à envoyer" not in page_text(agent.get(reverse("followup:index")))


def test_a_transmitted_person_is_told_of_their_right_to_object(agent):
    carsat = make_person(provenance=Provenance.CARSAT)
    letter = agent.get(reverse("followup:acknowledgement_letter", args=[carsat.public_id]))
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(letter.content)).pages)
    assert "La CARSAT nous a transmis" in text and "vous opposer" in text


def test_an_objection_keeps_only_the_identity(agent, yvonne):
    ContactPerson.objects.create(person=yvonne, name="Jean Le Goff", link="fils", phone="+33261910002")
    response = agent.post(reverse("followup:objection", args=[yvonne.public_id]), {"date": TODAY.isoformat()})
    assert response.status_code == 302
    yvonne.refresh_from_db()
    assert yvonne.state == RegistrationState.OBJECTED and yvonne.objected_at == TODAY
    assert (yvonne.last_name, yvonne.birth_date) == ("Le Goff", datetime.date(1938, 5, 3))
    assert (yvonne.address, yvonne.phone, yvonne.category) == ("", "", "")
    assert not ContactPerson.objects.exists()
    assert "LE GOFF" not in page_text(agent.get(reverse("followup:index")))
    assert "LE GOFF" in page_text(agent.get(reverse("followup:index"), {"state": "opposee"}))


def test_a_removal_erases_every_personal_field(agent, yvonne, social_services_dinan):
    Person.objects.filter(pk=yvonne.pk).update()
    yvonne.reason, yvonne.reason_consent_by, yvonne.reason_consent_channel, yvonne.reason_consent_at = "Diabète", "personne", "ecrit", TODAY
    yvonne.save()
    ContactPerson.objects.create(person=yvonne, name="Jean Le Goff", link="fils", phone="+33261910002")
    assert agent.get(reverse("followup:erase", args=[yvonne.public_id])).status_code == 200
    response = agent.post(reverse("followup:erase", args=[yvonne.public_id]), {"date": TODAY.isoformat()})
    assert response.status_code == 302
    yvonne.refresh_from_db()
    assert yvonne.state == RegistrationState.REMOVED
    for column in ["last_name", "first_name", "address", "phone", "search_name"]:
        assert raw_row(yvonne, column) == "", column
    for column in ["birth_date", "reason"]:
        assert raw_row(yvonne, column) is None, column
    assert not ContactPerson.objects.exists()
    for event in AuditEvent.objects.all():
        assert "Goff" not in f"{event.summary} {event.object_id}"
    assert AuditEvent.objects.filter(action="effacement", object_id=str(yvonne.public_id)).exists()
    assert agent.get(reverse("followup:edit", args=[yvonne.public_id])).status_code == 404
    assert "Les données de cette personne ont été effacées" in page_text(agent.get(yvonne.get_absolute_url()))


def test_a_removal_date_in_the_future_is_refused(agent, yvonne):
    response = agent.post(reverse("followup:erase", args=[yvonne.public_id]), {"date": "2999-01-01"})
    assert response.status_code == 400 and "ne peut pas être dans le futur" in page_text(response)
    yvonne.refresh_from_db()
    assert yvonne.is_registered


# The préfet export


def test_the_prefect_export_is_the_managers_with_legal_columns_and_logged(client, agent, manager_dinan, yvonne):
    yvonne.reason, yvonne.reason_consent_by, yvonne.reason_consent_channel, yvonne.reason_consent_at = "Diabète", "personne", "ecrit", TODAY
    yvonne.save()
    make_person(last_name="Hamon", category=Category.DISABLED_ADULT)
    make_person("29019", last_name="Tanguy")
    assert agent.get(reverse("followup:prefect_export")).status_code == 404  # an agent is no manager
    login_verified(client, manager_dinan)
    assert "Export pour le préfet" in page_text(client.get(reverse("followup:index")))
    response = client.get(reverse("followup:prefect_export"), {"format": "csv", "category": Category.AGED_65})
    content = response.content.decode("utf-8-sig")
    header, *rows = content.strip().splitlines()
    assert header.startswith("Commune;Code INSEE;Nom;Prénom;Date de naissance;Qualité;Adresse")
    assert len(rows) == 1 and "Le Goff" in rows[0] and "02 61 91 00 01" in rows[0]
    assert "Diabète" not in content and "Tanguy" not in content and "Hamon" not in content
    event = AuditEvent.objects.get(action="export")
    assert event.actor == manager_dinan and event.row_count == 1 and event.commune == "22050"
    assert "Personne âgée de 65 ans et plus" in event.summary


def test_the_prefect_export_refuses_an_unknown_format_or_filter(client, manager_dinan):
    login_verified(client, manager_dinan)
    assert client.get(reverse("followup:prefect_export"), {"format": "pdf"}).status_code == 400
    assert client.get(reverse("followup:prefect_export"), {"format": "csv", "commune": "29019"}).status_code == 400
    assert not AuditEvent.objects.filter(action="export").exists()


# Keys and demo


def test_rotating_the_encryption_key_keeps_every_reason_readable(settings, yvonne):
    from cryptography.fernet import Fernet
    from django.core.management import call_command

    yvonne.reason, yvonne.reason_consent_by, yvonne.reason_consent_channel, yvonne.reason_consent_at = "Diabète", "personne", "ecrit", TODAY
    yvonne.save()
    old, new = settings.FIELD_ENCRYPTION_KEYS[0], Fernet.generate_key().decode()
    before = raw_row(yvonne, "reason")
    settings.FIELD_ENCRYPTION_KEYS = [new, old]
    call_command("rotate_field_keys", stdout=io.StringIO())
    assert raw_row(yvonne, "reason") != before
    settings.FIELD_ENCRYPTION_KEYS = [new]
    assert Person.objects.get(pk=yvonne.pk).reason == "Diabète"


def test_production_wants_its_own_valid_encryption_keys():
    from django.core.exceptions import ImproperlyConfigured

    from config.settings.base import require_field_encryption_keys

    secret = "s" * 60
    with pytest.raises(ImproperlyConfigured, match="doit être défini"):
        require_field_encryption_keys([], secret)
    with pytest.raises(ImproperlyConfigured, match="pas une clé Fernet"):
        require_field_encryption_keys(["abc"], secret)
    with pytest.raises(ImproperlyConfigured, match="SECRET_KEY"):
        require_field_encryption_keys([secret], secret)
    key = "dGVzdC1vbmx5LWZpZWxkLWtleS1ub3QtZm9yLXByb2Q="
    assert require_field_encryption_keys([key], secret) == [key]


def test_the_demo_register_is_fictitious_and_loaded_once(db):
    from mobilisation.followup.demo import DEMO_PEOPLE, create_demo_people

    assert create_demo_people() == DEMO_PEOPLE
    assert create_demo_people() == 0
    phones = {p.phone.as_e164 for p in Person.objects.all()} | {c.phone.as_e164 for c in ContactPerson.objects.all()}
    assert all(phone.startswith("+33261910") for phone in phones)  # the ARCEP's range for fiction
    assert Person.objects.acknowledgement_due().count() == 4


def test_the_demo_shows_a_veille_at_work(db):
    from mobilisation.accounts.demo import create_demo_accounts
    from mobilisation.followup.demo import create_demo_campaign, create_demo_people
    from mobilisation.followup.models import CallAttempt, Campaign
    from mobilisation.mutualaid.models import AidRequest

    create_demo_accounts(password="Demo-mot-de-passe-2026!")
    create_demo_people()
    campaign = create_demo_campaign()
    assert create_demo_campaign() is None  # once
    assert Campaign.objects.get().is_running and campaign.callers.get().email == "benevole@demo.mobilisation-cls.fr"
    assert CallAttempt.objects.count() == 5 and AidRequest.objects.filter(source="veille").count() >= 1
    assert campaign.tasks.open().count() == 36 - 4  # the one not reached is tried again later


def test_erasures_are_replayed_on_a_restored_backup(caplog, tmp_path, yvonne, social_services_dinan, django_capture_on_commit_callbacks):
    """A removal is logged (public id and date, no name) and replayed on a database restored from before it."""
    import logging

    from django.core.management import call_command

    from mobilisation.followup import services

    with caplog.at_level(logging.INFO, logger="mobilisation.erasures"), django_capture_on_commit_callbacks(execute=True):
        services.erase_person(person=yvonne, date=TODAY, by=social_services_dinan)
    lines = [record.getMessage() for record in caplog.records if record.name == "mobilisation.erasures"]
    assert lines == [f"radiation {yvonne.public_id} {TODAY.isoformat()}"]
    # The backup restored: the person is back as she was before her removal.
    Person.objects.filter(pk=yvonne.pk).update(
        state=RegistrationState.REGISTERED,
        last_name="Le Goff",
        first_name="Yvonne",
        birth_date=datetime.date(1938, 5, 3),
        category=Category.AGED_65,
        phone="+33261910001",
        address="12 rue du Jerzual",
        search_name="le goff yvonne",
    )
    extract = tmp_path / "journaux.txt"
    extract.write_text("INFO autre chose\nINFO mobilisation.erasures " + lines[0] + "\n", encoding="utf-8")
    call_command("replay_erasures", str(extract), stdout=io.StringIO())
    yvonne.refresh_from_db()
    assert yvonne.state == RegistrationState.REMOVED and raw_row(yvonne, "last_name") == ""
