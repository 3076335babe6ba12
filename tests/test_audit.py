"""The access log (SECURITY.md 21 and 18): recording events, who reads them, the journal page, its export, the purge."""

import datetime

import pytest
from django.db import connection, transaction
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.audit.enums import AuditAction
from mobilisation.audit.models import AuditEvent
from mobilisation.audit.services import purge_expired, record, record_as

from .conftest import persona
from .factories import UserFactory
from .security.helpers import csv_rows, setting_values
from .utils import page_text

pytestmark = pytest.mark.django_db

DINAN, BOBITAL, BREST = "22050", "22008", "29019"
DINAN_AGGLOMERATION = "200068989"


def request_by(user, path="/personnes/une-fiche/", **meta):
    request = RequestFactory().get(path, {"q": "Dupont"}, **meta)
    request.user = user
    return request


def event_in(commune="", epci="", action=AuditAction.READ, by=None, **fields):
    return record_as(by, action, object_type="followup.person", object_id="0b0e7c1e", commune=commune, epci=epci, **fields)


# Recording


def test_record_takes_the_actor_address_and_path_from_the_request(social_services_dinan):
    social_services_dinan.first_name, social_services_dinan.last_name = "Nolwenn", "Ccas"
    request = request_by(social_services_dinan, REMOTE_ADDR="192.0.2.10")
    event = record(request, AuditAction.READ, target=social_services_dinan, commune=DINAN, summary="fiche consultée")
    stored = AuditEvent.objects.get(pk=event.pk)
    assert stored.actor == social_services_dinan and stored.actor_label == "Nolwenn Ccas <ccas.dinan@exemple.fr>"
    assert stored.ip == "192.0.2.10" and stored.path == "/personnes/une-fiche/"  # no query string
    assert stored.object_type == "accounts.user" and stored.object_id == str(social_services_dinan.public_id)  # never the pk
    assert stored.commune == DINAN and stored.action == AuditAction.READ and stored.at <= timezone.now()


def test_the_forwarded_address_counts_only_behind_trusted_proxies(settings, social_services_dinan):
    forged = request_by(social_services_dinan, REMOTE_ADDR="192.0.2.10", HTTP_X_FORWARDED_FOR="198.51.100.7")
    assert record(forged, AuditAction.READ).ip == "192.0.2.10"
    settings.NUM_PROXIES = 1
    assert record(forged, AuditAction.READ).ip == "198.51.100.7"
    odd = request_by(social_services_dinan, REMOTE_ADDR="unix:/run/gunicorn.sock")
    settings.NUM_PROXIES = 0
    assert record(odd, AuditAction.READ).ip is None


def test_long_texts_are_cut_never_refused(social_services_dinan):
    event = record(request_by(social_services_dinan, path="/" + "p" * 2000), AuditAction.EXPORT, summary="s" * 2000, row_count=3)
    stored = AuditEvent.objects.get(pk=event.pk)
    assert len(stored.summary) == 500 and stored.summary.endswith("…") and len(stored.path) == 500 and stored.row_count == 3


def test_record_as_serves_tasks_without_a_request(social_services_dinan):
    event = record_as(
        social_services_dinan, AuditAction.CALL_LIST, commune=DINAN, summary="filtre : catégorie 65 ans et plus", row_count=12
    )
    assert (event.ip, event.path, event.actor) == (None, "", social_services_dinan)
    assert AuditEvent.objects.get(pk=event.pk).get_action_display() == "Liste d’appels"


def test_the_event_shares_the_callers_transaction(social_services_dinan):
    with pytest.raises(RuntimeError), transaction.atomic():
        record_as(social_services_dinan, AuditAction.UPDATE, commune=DINAN)
        raise RuntimeError("the change fails")
    assert not AuditEvent.objects.exists()


def test_every_action_has_its_french_label():
    assert dict(AuditAction.choices) == {
        "consultation": "Consultation",
        "creation": "Création",
        "modification": "Modification",
        "effacement": "Effacement",
        "export": "Export",
        "liste_appels": "Liste d’appels",
        "import": "Import",
        "impression": "Impression",
    }


# Who reads the log


@pytest.fixture
def events():
    return {
        "dinan": event_in(DINAN),
        "bobital": event_in(BOBITAL),
        "dinan_agglomeration": event_in(epci=DINAN_AGGLOMERATION),
        "brest": event_in(BREST),
        "none": event_in(),
    }


def test_visible_to_matrix(events, manager_dinan, manager_brest, social_services_dinan, coordinator_dinan, ars_region):
    cias = persona(Role.SOCIAL_SERVICES_MANAGER, "cias.dinan@exemple.fr", epci_id=DINAN_AGGLOMERATION)
    superuser = UserFactory(email="super@exemple.fr", is_superuser=True, is_staff=True)
    agent_of_the_epci = persona(Role.SOCIAL_SERVICES, "agent.cias@exemple.fr", epci_id=DINAN_AGGLOMERATION)

    def seen(user):
        return {name for name, event in events.items() if AuditEvent.objects.visible_to(user).filter(pk=event.pk).exists()}

    assert seen(manager_dinan) == {"dinan"}
    assert seen(manager_brest) == {"brest"}
    assert seen(cias) == {"dinan", "bobital", "dinan_agglomeration"}
    for nobody in (social_services_dinan, agent_of_the_epci, coordinator_dinan, ars_region, superuser):
        assert seen(nobody) == set(), nobody.email


def test_a_deactivated_manager_sees_nothing(events, manager_dinan):
    manager_dinan.memberships.update(is_active=False)
    manager_dinan.refresh_from_db()
    assert not AuditEvent.objects.visible_to(manager_dinan).exists()


def test_older_than():
    old = AuditEvent.objects.create(at=timezone.now() - datetime.timedelta(days=200), action=AuditAction.READ)
    AuditEvent.objects.create(action=AuditAction.READ)
    assert list(AuditEvent.objects.older_than(199)) == [old]


# The journal page


def test_only_the_registers_managers_reach_the_page(login, events, manager_dinan, social_services_dinan, coordinator_dinan, ars_region):
    superuser = UserFactory(email="super@exemple.fr", is_superuser=True, is_staff=True)
    for user in (social_services_dinan, coordinator_dinan, ars_region, superuser):
        assert login(user).get(reverse("audit:journal")).status_code == 404, user.email
        assert login(user).get(reverse("audit:journal") + "?format=csv").status_code == 404, user.email
    assert login(None).get(reverse("audit:journal")).status_code == 302
    response = login(manager_dinan).get(reverse("audit:journal"))
    assert response.status_code == 200
    assert list(response.context["page_obj"]) == [events["dinan"]]
    text = page_text(response)
    assert "Journal des accès" in text and "Dinan" in text and "0b0e7c1e" in text and "<caption>1 évènement du journal" in text
    assert 'scope="col"' in text


def test_the_manager_finds_the_page_from_their_home_and_menu(login, manager_dinan, social_services_dinan):
    home = page_text(login(manager_dinan).get(reverse("portal:dashboard")))
    assert home.count('href="/journal/"') == 2  # the menu and the home's section
    assert 'href="/journal/"' not in page_text(login(social_services_dinan).get(reverse("portal:dashboard")))


def test_filters(login, manager_dinan, social_services_dinan):
    agent = social_services_dinan
    other_agent = persona(Role.SOCIAL_SERVICES, "agent2.dinan@exemple.fr", commune_id=DINAN)
    now = timezone.now()
    last_month = AuditEvent.objects.create(at=now - datetime.timedelta(days=30), action=AuditAction.READ, commune=DINAN, object_id="a1")
    yesterday = event_in(DINAN, action=AuditAction.EXPORT, by=agent)
    today = event_in(DINAN, action=AuditAction.UPDATE, by=other_agent, summary="champs modifiés : téléphone")
    client = login(manager_dinan)

    def shown(**query):
        response = client.get(reverse("audit:journal"), query)
        assert response.status_code == 200
        return set(response.context["page_obj"])

    day = (now - datetime.timedelta(days=30)).astimezone(timezone.get_current_timezone()).date()
    assert shown(start=day.isoformat(), end=day.isoformat()) == {last_month}
    assert shown(start=(day + datetime.timedelta(days=1)).isoformat()) == {yesterday, today}
    assert shown(kind="export") == {yesterday}
    assert shown(actor=str(other_agent.public_id)) == {today}
    assert shown(object_id="a1") == {last_month}
    assert shown() == {last_month, yesterday, today}
    offered = client.get(reverse("audit:journal")).context["form"].fields["actor"].queryset
    assert set(offered) == {agent, other_agent}


@pytest.mark.parametrize(
    "query",
    [
        {"start": "31/02/2026"},
        {"start": "2026-05-01", "end": "2026-04-01"},
        {"kind": "supprimer"},
        {"actor": "pas-un-uuid"},
        {"actor": "00000000-0000-0000-0000-000000000000"},
        {"object_id": "x" * 500},
        {"object_id": "a\x00b"},
        {"page": "abc"},
        {"page": "99999"},
    ],
)
def test_bad_filters_are_french_errors_not_500(login, manager_dinan, events, query):
    response = login(manager_dinan).get(reverse("audit:journal"), query)
    assert response.status_code == 200
    if set(query) != {"page"}:
        assert response.context["form"].errors
        text = page_text(response)
        assert any(
            message in text
            for message in (
                "Saisissez une date valide",
                "La date de début doit précéder",
                "Sélectionnez un choix valide",
                "UUID valide",
                "caractères",
                "nul",
            )
        ), text
    export = login(manager_dinan).get(reverse("audit:journal"), {**query, "format": "csv"})
    assert export.status_code in (200, 400)
    assert login(manager_dinan).get(reverse("audit:journal"), {"format": "pdf"}).status_code == 400


def test_the_page_is_paginated_with_a_constant_query_count(login, manager_dinan):
    client = login(manager_dinan)

    def queries_for_the_page():
        client.get(reverse("audit:journal"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("audit:journal"))
        assert response.status_code == 200
        return len(queries), response

    event_in(DINAN, by=manager_dinan)
    few, _ = queries_for_the_page()
    agents = [persona(Role.SOCIAL_SERVICES, f"agent{n}.dinan@exemple.fr", commune_id=DINAN) for n in range(5)]
    for n in range(70):
        event_in(DINAN if n % 2 else "", epci="" if n % 2 else DINAN_AGGLOMERATION, by=agents[n % 5])
        event_in(DINAN, by=agents[n % 5])
    many, response = queries_for_the_page()
    assert many == few, (few, many)
    assert len(response.context["page_obj"]) == 50 and response.context["page_obj"].paginator.count == 106
    second = client.get(reverse("audit:journal"), {"page": 3})
    assert len(second.context["page_obj"]) == 6


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_export_of_the_log_is_itself_logged(login, manager_dinan, events, fmt):
    response = login(manager_dinan).get(reverse("audit:journal"), {"kind": "consultation", "format": fmt})
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="journal-des-acces.')
    logged = AuditEvent.objects.get(action=AuditAction.EXPORT)
    assert logged.actor == manager_dinan and logged.commune == DINAN and logged.object_type == "audit.auditevent"
    assert logged.summary == "filtre : action : consultation" and logged.row_count == 1 and logged.path == "/journal/"


def test_the_csv_export_holds_the_registers_events_only(login, manager_dinan, events):
    rows = csv_rows(login(manager_dinan).get(reverse("audit:journal"), {"format": "csv"}))
    assert rows[0][:3] == ["Date", "Auteur", "Action"]
    assert [row[4] for row in rows[1:]] == ["0b0e7c1e"] and rows[1][5] == DINAN


# The purge


def test_purge_deletes_what_is_older_than_the_retention(settings):
    now = timezone.now()
    for days in (400, 367, 364, 200, 10):
        AuditEvent.objects.create(at=now - datetime.timedelta(days=days), action=AuditAction.READ, summary=str(days))
    assert purge_expired() == 2
    settings.AUDIT_RETENTION_DAYS = 183
    assert purge_expired() == 2
    assert purge_expired() == 0
    assert list(AuditEvent.objects.values_list("summary", flat=True)) == ["10"]


def test_the_purge_command(capsys):
    AuditEvent.objects.create(at=timezone.now() - datetime.timedelta(days=400), action=AuditAction.READ)
    from django.core.management import call_command

    call_command("purge_audit")
    assert "1 évènement du journal des accès supprimé." in capsys.readouterr().out
    assert not AuditEvent.objects.exists()


def test_the_retention_comes_from_the_environment_between_183_and_366_days():
    dev = {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    assert setting_values("settings.AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DAYS=None, **dev).stdout.strip() == "365"
    assert setting_values("settings.AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DAYS="200", **dev).stdout.strip() == "200"
    for wrong in ("30", "400", "six mois", "-200"):
        failed = setting_values("settings.AUDIT_RETENTION_DAYS", AUDIT_RETENTION_DAYS=wrong, **dev)
        assert failed.returncode != 0
        assert f"AUDIT_RETENTION_DAYS doit être un nombre entier compris entre 183 et 366, pas « {wrong} »" in failed.stderr


# The people export (accounts)


def test_the_export_of_people_is_logged(login, coordinator_dinan, partner_dinan):
    client = login(coordinator_dinan)
    response = client.get(reverse("people:index"), {"q": "Dupont", "role": Role.PARTNER_MEMBER, "format": "xlsx"})
    assert response.status_code == 200
    logged = AuditEvent.objects.get()
    assert (logged.action, logged.actor, logged.object_type, logged.commune) == (AuditAction.EXPORT, coordinator_dinan, "accounts.user", "")
    assert logged.summary == "filtre : recherche par nom ou adresse, rôle : Membre d’une organisation partenaire"
    assert "Dupont" not in logged.summary and logged.row_count == 0
    client.get(reverse("people:index"), {"format": "csv"})
    assert AuditEvent.objects.filter(summary="sans filtre", row_count__gte=1).count() == 1
    client.get(reverse("people:index"))
    assert AuditEvent.objects.count() == 2  # the page itself writes nothing


def test_the_purge_is_a_daily_background_task():
    from mobilisation.audit.tasks import purge_expired_events
    from mobilisation.jobs.registry import PERIODIC

    assert PERIODIC[purge_expired_events.name] == datetime.timedelta(days=1)
    assert purge_expired_events.label.startswith("Purge du journal des accès")
