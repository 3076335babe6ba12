"""Volunteers (issue 11): the public sign-up and its bad input, who sees and validates a sign-up, the account it
opens, the volunteer's own space (availability, pause, departure), the coordinators' list, reminders and erasure."""

import datetime

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership, User
from mobilisation.directory.models import Organisation
from mobilisation.followup.enums import CampaignState
from mobilisation.mutualaid import notifications, services
from mobilisation.mutualaid.enums import HelpKind, VolunteerState, slot_bit
from mobilisation.mutualaid.models import Volunteer
from mobilisation.territories.models import Commune

from .conftest import persona
from .utils import page_text

pytestmark = pytest.mark.django_db

DINAN = "22050"
QUEVERT = "22259"  # Quévert, in Dinan Agglomération too


def sign_up_data(**changes):
    data = {
        "first_name": "Yann",
        "last_name": "Le Gall",
        "email": "yann.legall@exemple.invalid",
        "phone": "02 61 91 00 01",
        "age_band": "18-29",
        "skills": ["courses", "numerique"],
        "communes": [DINAN, QUEVERT],
        "languages": ["fr", "br"],
        "transports": ["velo"],
        "slot_0_1": "on",  # Monday afternoon
        "slot_5_0": "on",  # Saturday morning
        "message": "Disponible après le travail.",
        "consent": "on",
        "charter": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def sign_up_url(insee=DINAN):
    return reverse("volunteers:sign_up", args=[insee])


def make_volunteer(*, email="soizic@exemple.invalid", communes=(DINAN,), state=VolunteerState.PENDING, days_ago=0, **fields):
    now = timezone.now() - datetime.timedelta(days=days_ago)
    volunteer = Volunteer.objects.create(
        first_name=fields.pop("first_name", "Soizic"),
        last_name=fields.pop("last_name", "Morvan"),
        email=email,
        phone="+33261910801",
        age_band="50-64",
        home_commune_id=communes[0],
        skills=fields.pop("skills", Volunteer.skill_bit(HelpKind.MEALS)),
        slots=slot_bit(5, 0),
        consent_at=now,
        signed_up_at=now,
        state=state,
        **fields,
    )
    volunteer.communes.set(communes)
    return volunteer


@pytest.fixture
def ccas_dinan_organisation(db):
    organisation = Organisation.objects.create(name="CCAS de Dinan", kind="ccas", department_id="22")
    organisation.communes.set([DINAN])
    return organisation


@pytest.fixture
def partner_brest(db):
    organisation = Organisation.objects.create(name="Entraide Brest", kind="association", department_id="29")
    organisation.communes.set(["29019"])
    return persona(Role.PARTNER_MEMBER, "partenaire.brest@exemple.fr", organisation=organisation)


# The public sign-up.


def test_the_help_page_of_a_commune_leads_to_the_sign_up_which_offers_the_communes_of_its_epci(client):
    page = client.get(reverse("portal:help_commune", args=[DINAN]))
    assert sign_up_url() in page.content.decode()
    form = client.get(sign_up_url())
    assert form.status_code == 200
    html = form.content.decode()
    assert 'value="22259"' in html and "Quévert" in html  # a commune of Dinan Agglomération
    assert 'value="29019"' not in html  # Brest is not
    assert 'name="slot_6_2"' in html  # Sunday evening: the 21 boxes of the week


def test_a_sign_up_is_stored_with_its_skills_slots_and_communes_and_acknowledged(client):
    response = client.post(sign_up_url(), sign_up_data())
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:thanks")
    volunteer = Volunteer.objects.get()
    assert volunteer.state == VolunteerState.PENDING
    assert volunteer.skill_list == [HelpKind.SHOPPING, HelpKind.DIGITAL]
    assert volunteer.slots == slot_bit(0, 1) | slot_bit(5, 0)
    assert volunteer.slot_summary == "Lundi après-midi ; Samedi matin"
    assert sorted(volunteer.communes.values_list("pk", flat=True)) == [DINAN, QUEVERT]
    assert volunteer.phone.as_e164 == "+33261910001" and volunteer.home_commune_id == DINAN
    assert volunteer.languages == ["br", "fr"] and volunteer.transports == ["velo"]
    assert volunteer.consent_at is not None and volunteer.user is None
    assert [message.to for message in mail.outbox] == [["yann.legall@exemple.invalid"]]
    assert "bien reçue" in mail.outbox[0].subject
    assert "Merci, votre inscription est reçue" in page_text(client.get(response["Location"]))


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "12"}, "Saisissez un numéro de téléphone valide"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
        ({"skills": None}, "Cochez au moins une aide que vous pouvez apporter."),
        ({"communes": None}, "Cochez au moins une commune."),
        ({"communes": ["29019"]}, "Cette commune n’est pas proposée."),
        ({"slot_0_1": None, "slot_5_0": None}, "Cochez au moins un moment de la semaine où vous êtes disponible."),
        ({"consent": None}, "Votre accord est nécessaire"),
        ({"charter": None}, "Cet engagement est demandé à chaque bénévole."),
        ({"age_band": "12-15"}, "Sélectionnez un choix valide"),
        ({"first_name": "Y" * 101}, "100 caractères"),
        ({"message": "x" * 1001}, "1000 caractères"),
    ],
)
def test_bad_input_is_refused_in_french_stores_nothing_and_keeps_what_was_typed(client, changes, message):
    response = client.post(sign_up_url(), sign_up_data(**changes))
    assert response.status_code == 400
    text = page_text(response)
    assert message in text and "Rien n’a été enregistré" in text
    assert 'value="Le Gall"' in response.content.decode()
    assert not Volunteer.objects.exists() and not mail.outbox


def test_more_than_thirty_communes_are_refused(client):
    communes = list(Commune.objects.filter(epci__siren="200068989").values_list("pk", flat=True)[:31])
    assert len(communes) == 31
    response = client.post(sign_up_url(), sign_up_data(communes=communes))
    assert "Cochez au plus 30 communes." in page_text(response) and not Volunteer.objects.exists()


def test_a_robot_filling_the_hidden_field_is_thanked_and_forgotten(client):
    response = client.post(sign_up_url(), sign_up_data(website="http://spam.example"))
    assert response.status_code == 302 and not Volunteer.objects.exists() and not mail.outbox


def test_an_unknown_commune_is_a_404(client):
    assert client.get(sign_up_url("99999")).status_code == 404


def test_a_second_sign_up_from_the_same_address_stores_nothing_and_says_so_only_to_that_address(client):
    client.post(sign_up_url(), sign_up_data())
    client.post(sign_up_url(), sign_up_data(first_name="Autre"))  # the form sent twice: nothing more at all
    assert Volunteer.objects.count() == 1 and len(mail.outbox) == 1
    Volunteer.objects.update(signed_up_at=timezone.now() - datetime.timedelta(days=2))
    response = client.post(sign_up_url(), sign_up_data(email="YANN.LEGALL@exemple.invalid"))
    assert response.status_code == 302 and response["Location"] == reverse("volunteers:thanks")  # the same page
    assert Volunteer.objects.count() == 1
    assert len(mail.outbox) == 2 and "déjà enregistrée" in mail.outbox[1].subject
    assert mail.outbox[1].to == ["yann.legall@exemple.invalid"]


def test_the_database_holds_one_current_sign_up_per_address():
    from django.db import IntegrityError, transaction

    make_volunteer(email="Double@exemple.invalid")
    with pytest.raises(IntegrityError), transaction.atomic():
        make_volunteer(email="double@exemple.invalid")
    make_volunteer(email="ancien@exemple.invalid", state=VolunteerState.REFUSED)
    make_volunteer(email="ancien@exemple.invalid")  # a refused one does not block a new sign-up


def test_the_public_pages_pass_without_an_account(client):
    assert client.get(reverse("volunteers:start")).status_code == 200
    response = client.get(reverse("volunteers:start"), {"q": "22100"})  # Dinan's postcode, shared with its neighbours
    assert sign_up_url() in response.content.decode() and sign_up_url(QUEVERT) in response.content.decode()
    response = client.get(reverse("volunteers:start"), {"q": "Quévert"})  # one commune: straight to its form
    assert response.status_code == 302 and response["Location"] == sign_up_url(QUEVERT)
    assert "Aucune commune bretonne" in page_text(client.get(reverse("volunteers:start"), {"q": "Zzzzz"}))


# Who sees and validates a sign-up.


def test_who_sees_a_sign_up_waiting_at_dinan(
    login,
    partner_dinan,
    partner_brest,
    social_services_dinan,
    cias_dinan_agglomeration,
    coordinator_dinan,
    ars_region,
    volunteer_dinan,
    social_services_brest,
):
    volunteer = make_volunteer()
    detail = reverse("volunteers:detail", args=[volunteer.public_id])
    for user in (partner_dinan, social_services_dinan, cias_dinan_agglomeration):
        client = login(user)
        assert client.get(detail).status_code == 200
        assert "Soizic Morvan" in page_text(client.get(reverse("volunteers:index")))
    for user in (partner_brest, social_services_brest):
        client = login(user)
        assert client.get(detail).status_code == 404
        assert "Soizic" not in page_text(client.get(reverse("volunteers:index")))
    for user in (coordinator_dinan, ars_region, volunteer_dinan):  # aggregates only above, nothing for a volunteer
        client = login(user)
        assert client.get(detail).status_code == 404 and client.get(reverse("volunteers:index")).status_code == 404
    assert login(None).get(detail).status_code == 302


def test_a_partner_validates_a_sign_up_into_its_organisation_and_the_volunteer_is_invited(login, partner_dinan, partner_organisation_dinan):
    volunteer = make_volunteer()
    client = login(partner_dinan)
    page = page_text(client.get(volunteer.get_absolute_url()))
    assert "Valider l’inscription" in page and "Association Solidarité Rance" in page
    response = client.post(reverse("volunteers:validate", args=[volunteer.public_id]), {"organisation": partner_organisation_dinan.pk})
    assert response.status_code == 302
    volunteer.refresh_from_db()
    assert volunteer.state == VolunteerState.VALIDATED and volunteer.organisation == partner_organisation_dinan
    assert volunteer.decided_by == partner_dinan and volunteer.validated_at is not None
    account = User.objects.get(email="soizic@exemple.invalid")
    assert volunteer.user == account and not account.has_usable_password()
    assert Membership.objects.get(user=account).role == Role.VOLUNTEER
    assert account.requires_second_factor  # a volunteer reads phone numbers: second factor
    assert mail.outbox[-1].to == ["soizic@exemple.invalid"] and "/personnes/invitation/" in mail.outbox[-1].body
    assert "est validé(e)" in page_text(client.get(response["Location"]))
    # Answered once: the second answer changes nothing and says why.
    again = client.post(reverse("volunteers:refuse", args=[volunteer.public_id]), {"reason": "pas-de-besoin"}, follow=True)
    assert "déjà reçu une réponse" in page_text(again)
    volunteer.refresh_from_db()
    assert volunteer.state == VolunteerState.VALIDATED


def test_a_validator_cannot_take_a_volunteer_into_an_organisation_not_theirs(login, partner_dinan, ccas_dinan_organisation):
    volunteer = make_volunteer()
    response = login(partner_dinan).post(
        reverse("volunteers:validate", args=[volunteer.public_id]), {"organisation": ccas_dinan_organisation.pk}, follow=True
    )
    assert "Cette organisation n’est pas proposée." in page_text(response)
    volunteer.refresh_from_db()
    assert volunteer.state == VolunteerState.PENDING and not Membership.objects.filter(role=Role.VOLUNTEER).exists()


def test_the_ccas_validates_into_the_ccas_of_the_directory(login, social_services_dinan, ccas_dinan_organisation):
    volunteer = make_volunteer()
    client = login(social_services_dinan)
    client.post(reverse("volunteers:validate", args=[volunteer.public_id]), {"organisation": ccas_dinan_organisation.pk})
    volunteer.refresh_from_db()
    assert volunteer.organisation == ccas_dinan_organisation
    assert Membership.objects.get(user__email="soizic@exemple.invalid").organisation == ccas_dinan_organisation


def test_a_ccas_missing_from_the_directory_can_decline_but_not_validate(login, social_services_dinan):
    volunteer = make_volunteer()
    page = page_text(login(social_services_dinan).get(volunteer.get_absolute_url()))
    assert "Valider l’inscription" not in page and "annuaire des partenaires" in page and "Décliner l’inscription" in page


def test_a_declined_sign_up_is_told_its_reason_and_erased_thirty_days_later(login, partner_dinan):
    volunteer = make_volunteer()
    login(partner_dinan).post(reverse("volunteers:refuse", args=[volunteer.public_id]), {"reason": "hors-zone"})
    volunteer.refresh_from_db()
    assert volunteer.state == VolunteerState.REFUSED and volunteer.refusal_reason == "hors-zone"
    assert "nous n’intervenons pas dans ces communes" in mail.outbox[-1].body
    assert services.purge_closed(now=timezone.now() + datetime.timedelta(days=29)) == 0
    assert services.purge_closed(now=timezone.now() + datetime.timedelta(days=31)) == 1
    assert not Volunteer.objects.exists()


def test_a_decision_without_a_reason_changes_nothing(login, partner_dinan):
    volunteer = make_volunteer()
    response = login(partner_dinan).post(reverse("volunteers:refuse", args=[volunteer.public_id]), {"reason": ""}, follow=True)
    assert "Choisissez le motif" in page_text(response)
    volunteer.refresh_from_db()
    assert volunteer.state == VolunteerState.PENDING


# The volunteer's own space.


@pytest.fixture
def validated(partner_dinan, partner_organisation_dinan):
    volunteer = make_volunteer()
    services.validate(volunteer=volunteer, organisation=partner_organisation_dinan, by=partner_dinan)
    volunteer.refresh_from_db()
    account = volunteer.user
    account.set_password("Un-mot-de-passe-solide-42")
    account.save()
    return volunteer


def test_the_volunteer_changes_their_availability(login, validated):
    client = login(validated.user)
    page = client.get(reverse("volunteers:my_space"))
    assert page.status_code == 200 and "Bénévole de Association Solidarité Rance" in page_text(page)
    response = client.post(
        reverse("volunteers:my_space"),
        {"skills": ["transport"], "communes": [DINAN, QUEVERT], "slot_2_2": "on", "languages": ["en"], "transports": ["voiture"]},
    )
    assert response.status_code == 302
    validated.refresh_from_db()
    assert validated.skill_list == [HelpKind.TRANSPORT] and validated.slots == slot_bit(2, 2)
    assert validated.languages == ["en"] and sorted(validated.communes.values_list("pk", flat=True)) == [DINAN, QUEVERT]
    bad = client.post(reverse("volunteers:my_space"), {"skills": ["transport"], "communes": [DINAN]})
    assert bad.status_code == 400 and "Cochez au moins un moment" in page_text(bad)
    validated.refresh_from_db()
    assert validated.slots == slot_bit(2, 2)


def test_a_pause_stops_new_missions_until_its_date(login, validated):
    client = login(validated.user)
    until = timezone.localdate() + datetime.timedelta(days=7)
    client.post(reverse("volunteers:pause"), {"until": until.isoformat()})
    validated.refresh_from_db()
    assert validated.is_paused and validated.paused_until == until
    assert not Volunteer.objects.available().exists()
    assert "Vous êtes en pause" in page_text(client.get(reverse("volunteers:my_space")))
    assert services.lift_pauses(today=until) == 0
    assert services.lift_pauses(today=until + datetime.timedelta(days=1)) == 1
    assert Volunteer.objects.available().exists()


def test_a_pause_in_the_past_is_refused_and_a_pause_can_be_lifted(login, validated):
    client = login(validated.user)
    response = client.post(reverse("volunteers:pause"), {"until": "2020-01-01"}, follow=True)
    assert "Choisissez une date à venir." in page_text(response)
    validated.refresh_from_db()
    assert not validated.is_paused
    client.post(reverse("volunteers:pause"), {"until": ""})
    validated.refresh_from_db()
    assert validated.is_paused and validated.paused_until is None
    client.post(reverse("volunteers:pause"), {"action": "reprendre"})
    validated.refresh_from_db()
    assert not validated.is_paused


def test_the_volunteer_leaves_and_loses_the_volunteer_role(login, validated):
    client = login(validated.user)
    refused = client.post(reverse("volunteers:leave"), {}, follow=True)
    assert "Cochez la case de confirmation" in page_text(refused)
    client.post(reverse("volunteers:leave"), {"confirm": "oui"})
    validated.refresh_from_db()
    assert validated.state == VolunteerState.LEFT and validated.left_at is not None
    assert not Membership.objects.filter(user=validated.user, role=Role.VOLUNTEER, is_active=True).exists()
    assert services.purge_closed(now=timezone.now() + datetime.timedelta(days=31)) == 1


def test_the_space_shows_the_campaigns_the_volunteer_calls_for(login, validated, manager_dinan):
    from mobilisation.followup.models import Campaign

    campaign = Campaign.objects.create(
        name="Canicule juillet", commune_id=DINAN, state=CampaignState.RUNNING, starts_on=timezone.localdate(), created_by=manager_dinan
    )
    campaign.callers.add(validated.user)
    text = page_text(login(validated.user).get(reverse("volunteers:my_space")))
    assert "Canicule juillet" in text and "Ouvrir mes appels à passer" in text


def test_the_organisation_ends_a_volunteer(login, validated, partner_dinan, social_services_brest):
    assert login(social_services_brest).post(reverse("volunteers:end", args=[validated.public_id])).status_code == 404
    login(partner_dinan).post(reverse("volunteers:end", args=[validated.public_id]))
    validated.refresh_from_db()
    assert validated.state == VolunteerState.LEFT


# The coordinators' list.


def test_the_list_filters_by_state_and_activity(login, partner_dinan, validated):
    make_volunteer(email="nouveau@exemple.invalid", first_name="Nouveau", last_name="Venu")
    idle = make_volunteer(email="ancien@exemple.invalid", first_name="Ancien", last_name="Calme", days_ago=40)
    services.validate(
        volunteer=idle, organisation=validated.organisation, by=partner_dinan, now=timezone.now() - datetime.timedelta(days=30)
    )
    client = login(partner_dinan)
    waiting_page = client.get(reverse("volunteers:index"), {"etat": "a-valider"})
    waiting = page_text(waiting_page)
    assert "Nouveau Venu" in waiting and "Soizic" not in waiting and "1 inscription à valider" in waiting
    every = client.get(reverse("volunteers:index"))
    visible = Volunteer.objects.visible_to(partner_dinan)
    assert waiting_page.context["page_obj"].paginator.count == 1 == visible.pending().count()  # totals read with the counts
    assert every.context["page_obj"].paginator.count == visible.count() == 3 and every.context["pending"] == 1
    lasting = page_text(client.get(reverse("volunteers:index"), {"etat": "sans-mission"}))
    assert "Ancien Calme" in lasting and "Soizic" not in lasting  # validated today: not idle yet
    by_skill = page_text(client.get(reverse("volunteers:index"), {"aide": "repas", "q": "calme"}))
    assert "Ancien Calme" in by_skill and "Nouveau" not in by_skill
    assert "Ancien" not in page_text(client.get(reverse("volunteers:index"), {"aide": "transport"}))


def test_the_list_runs_the_same_queries_for_5_or_25_volunteers(login, partner_dinan):
    client = login(partner_dinan)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("volunteers:index")).status_code == 200
        return len(captured)

    for n in range(5):
        make_volunteer(email=f"a{n}@exemple.invalid")
    few = queries()
    for n in range(20):
        make_volunteer(email=f"b{n}@exemple.invalid")
    assert queries() == few


def test_the_export_neutralises_formulas(login, partner_dinan):
    make_volunteer(first_name='=HYPERLINK("http://x")')
    response = login(partner_dinan).get(reverse("volunteers:index"), {"format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and "'=HYPERLINK" in body and "Soizic" not in body.split("\n")[0]
    assert login(partner_dinan).get(reverse("volunteers:index"), {"format": "exe"}).status_code == 400


# Reminders.


def test_sign_ups_waiting_three_days_are_recalled_once_a_day_without_a_name(partner_dinan, partner_brest):
    make_volunteer(days_ago=1)
    assert notifications.remind_pending() == 0
    make_volunteer(email="vieux@exemple.invalid", days_ago=4)
    mail.outbox.clear()
    assert notifications.remind_pending() == 1
    assert notifications.remind_pending() == 0  # the same day: once
    assert [message.to for message in mail.outbox] == [["partenaire.dinan@exemple.fr"]]
    assert "1 inscription de bénévole" in mail.outbox[0].subject and "Soizic" not in mail.outbox[0].body


def test_the_dashboard_of_a_validator_counts_the_sign_ups_waiting(login, partner_dinan):
    make_volunteer()
    text = page_text(login(partner_dinan).get(reverse("portal:dashboard")))
    assert "1 inscription à valider" in text


def test_the_empty_form_is_cached_with_each_visitors_own_token_and_renewed_when_the_directory_changes(settings):
    import re

    from django.test import Client

    settings.PAGE_CACHE_SECONDS = 3600
    first, second = Client(enforce_csrf_checks=True), Client(enforce_csrf_checks=True)
    first_page = first.get(sign_up_url()).content.decode()
    with CaptureQueriesContext(connection) as queries:
        page = second.get(sign_up_url()).content.decode()
    assert not [query for query in queries if "directory_" in query["sql"] or "territories_" in query["sql"]]  # from the cache
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', html).group(1) for html in (first_page, page)]
    assert tokens[0] != tokens[1] and "csrf-3f0c" not in page and "Entraide du Léhon" not in page
    response = second.post(sign_up_url(), {**sign_up_data(), "csrfmiddlewaretoken": tokens[1]})
    assert response.status_code == 302 and Volunteer.objects.count() == 1  # the cached form carries a working token
    organisation = Organisation.objects.create(name="Entraide du Léhon", kind="association", department_id="22")
    organisation.communes.add(DINAN)
    assert "Entraide du Léhon" in first.get(sign_up_url()).content.decode()  # the directory changed: rendered afresh
