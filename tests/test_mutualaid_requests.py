"""Requests for help (issue 11): the public request and its bad input, who sees it, qualification, the suggested
volunteers (same or neighbouring commune, skill, window, load), assignment and claims (exactly one wins: SECURITY.md
26), what a volunteer sees and for how long (SECURITY.md 5), delivery, giving back, the return to the queue."""

import datetime

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.mutualaid import help_requests
from mobilisation.mutualaid.enums import HelpKind, RequestAction, RequestSource, RequestState, VolunteerState, slot_bit
from mobilisation.mutualaid.models import AidRequest, Volunteer

from .test_mutualaid_volunteers import make_volunteer
from .utils import page_text

pytestmark = pytest.mark.django_db

DINAN, QUEVERT, BREST = "22050", "22259", "29019"
TODAY = timezone.localdate()


def ask_data(**changes):
    data = {
        "kind": "courses",
        "details": "Pain, lait, fruits.",
        "urgency": "48h",
        "periods": ["0"],
        "requester": "un-proche",
        "requester_name": "Anne Jaouen",
        "first_name": "Marie",
        "last_name": "Jaouen",
        "phone": "02 61 91 00 77",
        "address": "3 rue de la Poissonnerie",
        "email": "anne.jaouen@exemple.invalid",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def ask_url(insee=DINAN):
    return reverse("aid:ask", args=[insee])


def make_request(*, commune=DINAN, kind=HelpKind.SHOPPING, state=RequestState.NEW, organisation=None, **fields):
    values = {
        "kind": kind,
        "urgency": "48h",
        "wanted_from": TODAY,
        "wanted_until": TODAY + datetime.timedelta(days=2),
        "first_name": "Marie",
        "last_name": "Jaouen",
        "phone": "+33261910077",
        "address": "3 rue de la Poissonnerie",
        "consent_at": timezone.now(),
        "source": RequestSource.PORTAL,
        "commune_id": commune,
        "state": state,
        "organisation": organisation,
    }
    values.update(fields)
    return AidRequest.objects.create(**values)


@pytest.fixture
def volunteers(partner_dinan, partner_organisation_dinan):
    """Three validated volunteers of the association: at Dinan (shopping), at Quévert next door (meals), paused."""

    def validated(email, communes, skill, **fields):
        volunteer = make_volunteer(email=email, communes=communes, skills=Volunteer.skill_bit(skill), **fields)
        Volunteer.objects.filter(pk=volunteer.pk).update(
            state=VolunteerState.VALIDATED, organisation=partner_organisation_dinan, validated_at=timezone.now()
        )
        volunteer.refresh_from_db()
        return volunteer

    from mobilisation.accounts.enums import Role

    from .conftest import persona

    here = validated("ici@exemple.invalid", (DINAN,), HelpKind.SHOPPING, first_name="Yann", last_name="Ici")
    next_door = validated("voisin@exemple.invalid", (QUEVERT,), HelpKind.MEALS, first_name="Soizic", last_name="Voisine")
    paused = validated("pause@exemple.invalid", (DINAN,), HelpKind.SHOPPING, first_name="Paul", last_name="Pause")
    Volunteer.objects.filter(pk=paused.pk).update(paused_since=timezone.now())
    for volunteer in (here, next_door):
        volunteer.user = persona(Role.VOLUNTEER, volunteer.email, organisation=partner_organisation_dinan)
        volunteer.save()
    return here, next_door, paused


# The public request.


def test_a_relative_asks_for_shopping_and_the_request_waits_for_its_qualification(client):
    response = client.post(ask_url(), ask_data())
    assert response.status_code == 302 and response["Location"] == reverse("aid:asked")
    request = AidRequest.objects.get()
    assert request.state == RequestState.NEW and request.source == RequestSource.PORTAL and request.commune_id == DINAN
    assert request.kind == HelpKind.SHOPPING and request.periods == 1 and request.wanted_until == TODAY + datetime.timedelta(days=2)
    assert request.phone.as_e164 == "+33261910077" and request.requester_name == "Anne Jaouen"
    assert [event.action for event in request.events.all()] == [RequestAction.CREATED]
    assert "Votre demande d’aide est envoyée" in page_text(client.get(response["Location"]))
    assert reverse("aid:ask", args=[DINAN]) in client.get(reverse("portal:help_commune", args=[DINAN])).content.decode()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"phone": "0000"}, "Saisissez un numéro de téléphone valide"),
        ({"consent": None}, "Cet accord est nécessaire pour organiser l’aide."),
        ({"kind": "drone"}, "Sélectionnez un choix valide"),
        ({"periods": ["7"]}, "Sélectionnez un choix valide"),
        ({"address": ""}, "Ce champ est obligatoire"),
        ({"details": "x" * 501}, "500 caractères"),
        ({"email": "pas-une-adresse"}, "Saisissez une adresse électronique valide"),
    ],
)
def test_bad_input_in_a_request_is_a_french_error_and_sends_nothing(client, changes, message):
    response = client.post(ask_url(), ask_data(**changes))
    assert response.status_code == 400 and message in page_text(response) and "Rien n’a été envoyé" in page_text(response)
    assert not AidRequest.objects.exists()


def test_a_robot_asking_is_forgotten(client):
    assert client.post(ask_url(), ask_data(website="x")).status_code == 302 and not AidRequest.objects.exists()


# Who sees a request, qualification, suggestions.


def test_who_sees_a_new_request_at_dinan(login, partner_dinan, social_services_dinan, coordinator_dinan, ars_region, volunteer_dinan):

    request = make_request()
    for user in (partner_dinan, social_services_dinan):
        client = login(user)
        assert client.get(request.get_absolute_url()).status_code == 200
        assert "Marie Jaouen" in page_text(client.get(reverse("aid:requests")))
    for user in (coordinator_dinan, ars_region, volunteer_dinan):
        assert login(user).get(request.get_absolute_url()).status_code == 404
        assert login(user).get(reverse("aid:requests")).status_code == 404
    brest = make_request(commune=BREST)
    assert login(partner_dinan).get(brest.get_absolute_url()).status_code == 404


def test_the_association_qualifies_and_the_suggestions_explain_themselves(login, partner_dinan, partner_organisation_dinan, volunteers):
    here, next_door, paused = volunteers
    request = make_request()
    client = login(partner_dinan)
    response = client.post(
        reverse("aid:qualify", args=[request.public_id]),
        {
            "organisation": partner_organisation_dinan.pk,
            "urgency": "aujourdhui",
            "wanted_from": TODAY.isoformat(),
            "wanted_until": TODAY.isoformat(),
            "periods": ["1"],
            "details": "Sonner deux fois.",
        },
    )
    assert response.status_code == 302
    request.refresh_from_db()
    assert request.state == RequestState.QUALIFIED and request.organisation == partner_organisation_dinan and request.periods == 2
    text = page_text(client.get(request.get_absolute_url()))
    assert "Yann Ici" in text and "agit dans la commune" in text and "propose : courses" in text
    assert "Soizic Voisine" in text and "agit dans une commune voisine" in text  # Quévert borders Dinan
    assert "Paul Pause" not in text  # paused
    suggested = [volunteer for volunteer, _ in help_requests.suggestions(request)]
    assert suggested == [here, next_door]  # same commune and the skill asked first


def test_a_window_ending_before_it_starts_is_refused(login, partner_dinan, partner_organisation_dinan):
    request = make_request()
    response = login(partner_dinan).post(
        reverse("aid:qualify", args=[request.public_id]),
        {"organisation": partner_organisation_dinan.pk, "urgency": "48h", "wanted_from": "2026-12-10", "wanted_until": "2026-12-01"},
        follow=True,
    )
    assert "La date limite précède la date de début." in page_text(response)
    request.refresh_from_db()
    assert request.state == RequestState.NEW


def test_the_slots_of_a_window_are_its_weekdays_and_periods():
    monday = TODAY - datetime.timedelta(days=TODAY.weekday())
    request = AidRequest(wanted_from=monday, wanted_until=monday + datetime.timedelta(days=1), periods=0b100)
    assert request.window_slots == slot_bit(0, 2) | slot_bit(1, 2)
    request.periods = 0
    assert request.window_slots == sum(slot_bit(day, period) for day in (0, 1) for period in range(3))


# Assignment, claims, what a volunteer sees.


def test_an_assignment_tells_the_volunteer_without_a_name_and_a_second_one_fails(partner_dinan, partner_organisation_dinan, volunteers):
    here, next_door, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, urgency="aujourdhui")
    help_requests.assign(request=request, volunteer=here, by=partner_dinan)
    request.refresh_from_db()
    assert request.state == RequestState.ASSIGNED and request.volunteer == here
    assert request.act_by - request.assigned_at == datetime.timedelta(hours=3)
    assert mail.outbox[-1].to == [here.user.email] and "Jaouen" not in mail.outbox[-1].body and "Marie" not in mail.outbox[-1].body
    with pytest.raises(ValidationError, match="Une autre personne vient de prendre"):
        help_requests.assign(request=request, volunteer=next_door, by=partner_dinan)


def test_of_two_volunteers_claiming_the_same_request_exactly_one_gets_it(login, partner_organisation_dinan, volunteers):
    here, next_door, _ = volunteers
    next_door.communes.add(DINAN)
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    first, second = login(here.user), login(next_door.user)
    assert "Je m’en charge" in page_text(first.get(reverse("aid:missions"))) and "Je m’en charge" in page_text(
        second.get(reverse("aid:missions"))
    )
    assert first.post(reverse("aid:claim", args=[request.public_id])).status_code == 302
    lost = second.post(reverse("aid:claim", args=[request.public_id]), follow=True)
    assert "Une autre personne vient de prendre cette demande" in page_text(lost)
    request.refresh_from_db()
    assert request.volunteer == here and request.events.filter(action=RequestAction.CLAIMED).count() == 1
    # Two claims read the request as free at the same instant: the conditional update lets one through.
    other = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    now = timezone.now()
    assert help_requests._hold(other, here, now=now) == 1 and help_requests._hold(other, next_door, now=now) == 0


def test_a_volunteer_sees_the_contact_only_while_holding_the_request(login, partner_organisation_dinan, volunteers):
    here, next_door, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, followup_person=None)
    client = login(here.user)
    before = page_text(client.get(reverse("aid:mission", args=[request.public_id])))
    assert "Courses à Dinan" in before and "Jaouen" not in before and "Poissonnerie" not in before and "02 61 91 00 77" not in before
    assert login(next_door.user).get(reverse("aid:mission", args=[request.public_id])).status_code == 404  # not her zone
    client.post(reverse("aid:claim", args=[request.public_id]))
    during = page_text(client.get(reverse("aid:mission", args=[request.public_id])))
    assert "Marie Jaouen" in during and "3 rue de la Poissonnerie" in during and "02 61 91 00 77" in during
    client.post(reverse("aid:start", args=[request.public_id]))
    done_at = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    response = client.post(
        reverse("aid:deliver", args=[request.public_id]), {"fulfilment": "partielle", "note": "Pas de pain.", "done_at": done_at}
    )
    assert response.status_code == 302
    assert client.get(reverse("aid:mission", args=[request.public_id])).status_code == 404  # nothing once done
    assert "Jaouen" not in page_text(client.get(reverse("aid:missions")))
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.fulfilment == "partielle" and request.delivery_note == "Pas de pain."


def test_a_delivery_is_confirmed_with_what_and_when_and_the_requester_is_told(login, partner_organisation_dinan, volunteers):
    here, _, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, email="anne@exemple.invalid")
    help_requests.claim(request=request, volunteer=here)
    client = login(here.user)
    future = (timezone.localtime() + datetime.timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M")
    refused = client.post(
        reverse("aid:deliver", args=[request.public_id]), {"fulfilment": "complete", "note": "Courses livrées", "done_at": future}
    )
    assert refused.status_code == 400 and "dans le futur" in page_text(refused)
    missing = client.post(reverse("aid:deliver", args=[request.public_id]), {"fulfilment": "complete", "note": "", "done_at": ""})
    assert missing.status_code == 400 and "Dites en quelques mots ce que vous avez fait." in page_text(missing)
    request.refresh_from_db()
    assert request.state == RequestState.ASSIGNED
    mail.outbox.clear()
    now = timezone.localtime().strftime("%Y-%m-%dT%H:%M")
    client.post(reverse("aid:deliver", args=[request.public_id]), {"fulfilment": "complete", "note": "Courses livrées", "done_at": now})
    request.refresh_from_db()
    assert request.state == RequestState.DONE and request.started_at is not None
    assert mail.outbox[-1].to == ["anne@exemple.invalid"] and "a été apportée" in mail.outbox[-1].body


def test_a_request_given_back_returns_to_the_queue_and_the_organisation_is_told(
    login, partner_dinan, partner_organisation_dinan, volunteers
):
    here, _, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    help_requests.claim(request=request, volunteer=here)
    mail.outbox.clear()
    login(here.user).post(reverse("aid:release", args=[request.public_id]), {"reason": "Malade"})
    request.refresh_from_db()
    assert request.state == RequestState.QUALIFIED and request.volunteer is None
    assert mail.outbox[-1].to == [partner_dinan.email] and "Jaouen" not in mail.outbox[-1].body
    assert request.events.filter(action=RequestAction.RELEASED, note="Malade").exists()


def test_a_request_nobody_acts_on_in_time_returns_to_the_queue(partner_dinan, partner_organisation_dinan, volunteers):
    here, next_door, _ = volunteers
    late = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, urgency="aujourdhui")
    help_requests.assign(request=late, volunteer=here, by=partner_dinan)
    started = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, urgency="aujourdhui")
    help_requests.assign(request=started, volunteer=next_door, by=partner_dinan)
    help_requests.start(request=started, volunteer=next_door)
    mail.outbox.clear()
    assert help_requests.return_stale(now=timezone.now() + datetime.timedelta(hours=2)) == 0
    assert help_requests.return_stale(now=timezone.now() + datetime.timedelta(hours=4)) == 1  # not started in 3 hours
    late.refresh_from_db()
    started.refresh_from_db()
    assert late.state == RequestState.QUALIFIED and late.volunteer is None and started.state == RequestState.UNDER_WAY
    assert late.events.filter(action=RequestAction.TIMED_OUT).exists() and mail.outbox[-1].to == [partner_dinan.email]
    assert help_requests.return_stale(now=timezone.now() + datetime.timedelta(days=4)) == 1  # the window and its grace passed
    started.refresh_from_db()
    assert started.state == RequestState.QUALIFIED


def test_a_paused_volunteer_cannot_claim(partner_organisation_dinan, volunteers):
    _, _, paused = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    with pytest.raises(ValidationError):
        help_requests.claim(request=request, volunteer=paused)


def test_the_register_link_is_for_the_ccas_only(login, social_services_dinan, partner_organisation_dinan, volunteers):
    from mobilisation.followup.enums import Category, Provenance
    from mobilisation.followup.models import Person

    person = Person.objects.create(
        first_name="Marie",
        last_name="Jaouen",
        birth_date=datetime.date(1940, 1, 1),
        category=Category.AGED_65,
        commune_id=DINAN,
        address="3 rue de la Poissonnerie",
        provenance=Provenance.PERSON,
        request_date=TODAY,
    )
    here, _, _ = volunteers
    request = make_request(
        state=RequestState.QUALIFIED, organisation=partner_organisation_dinan, source=RequestSource.FOLLOWUP, followup_person=person
    )
    assert "Personne inscrite au registre" in page_text(login(social_services_dinan).get(request.get_absolute_url()))
    help_requests.claim(request=request, volunteer=here)
    text = page_text(login(here.user).get(reverse("aid:mission", args=[request.public_id])))
    assert "inscrite au registre" not in text and "Appel de veille" not in text and "veille" not in text.split("Courses à Dinan")[1]


def test_a_cancelled_request_leaves_the_volunteer(login, partner_dinan, partner_organisation_dinan, volunteers):
    here, _, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    help_requests.claim(request=request, volunteer=here)
    empty = login(partner_dinan).post(reverse("aid:cancel", args=[request.public_id]), {"reason": ""}, follow=True)
    assert "Indiquez le motif de l’annulation." in page_text(empty)
    login(partner_dinan).post(reverse("aid:cancel", args=[request.public_id]), {"reason": "Aidée par sa fille"})
    request.refresh_from_db()
    assert request.state == RequestState.CANCELLED and request.volunteer is None
    assert login(here.user).get(reverse("aid:mission", args=[request.public_id])).status_code == 404


# The queue.


def test_the_queue_runs_the_same_queries_for_5_or_25_requests_and_exports_no_contact(login, partner_dinan, partner_organisation_dinan):
    client = login(partner_dinan)

    def queries():
        with CaptureQueriesContext(connection) as captured:
            assert client.get(reverse("aid:requests")).status_code == 200
        return len(captured)

    for _ in range(5):
        make_request(organisation=partner_organisation_dinan, state=RequestState.QUALIFIED)
    few = queries()
    for _ in range(20):
        make_request()
    assert queries() == few
    make_request(details="=cmd|' /C calc'!A0")
    body = client.get(reverse("aid:requests"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Courses" in body and "Jaouen" not in body and "Poissonnerie" not in body and "+33" not in body
    assert client.get(reverse("aid:requests"), {"etat": "faite"}).status_code == 200


def test_a_need_found_by_a_call_is_a_request_the_ccas_sees_and_an_association_does_not_until_handed_on(
    login, social_services_dinan, partner_dinan, partner_organisation_dinan
):
    from mobilisation.followup import services as followup
    from mobilisation.followup.enums import Category, Need, Outcome, Provenance
    from mobilisation.followup.models import Campaign, Person

    person = Person.objects.create(
        first_name="Germaine",
        last_name="Le Du",
        birth_date=datetime.date(1938, 5, 2),
        category=Category.AGED_65,
        commune_id=DINAN,
        address="8 rue de l’Horloge",
        phone="+33261910088",
        provenance=Provenance.PERSON,
        request_date=TODAY,
    )
    campaign = Campaign.objects.create(name="Veille", commune_id=DINAN, trigger="manuel", starts_on=TODAY, created_by=social_services_dinan)
    followup.start_campaign(campaign=campaign, by=social_services_dinan)
    followup.record_outcome(
        task=campaign.tasks.get(person=person), outcome=Outcome.NEEDS_HELP, needs=[Need.SHOPPING, Need.MEDICAL], by=social_services_dinan
    )
    other, shopping = AidRequest.objects.order_by("kind")
    assert (shopping.kind, other.kind) == (HelpKind.SHOPPING, HelpKind.OTHER)
    assert other.details == help_requests.TO_SEE_WITH_THE_PERSON  # no health word for an association
    assert shopping.phone.as_e164 == "+33261910088" and shopping.address == "8 rue de l’Horloge"
    assert login(partner_dinan).get(shopping.get_absolute_url()).status_code == 404  # the CCAS's until handed on
    assert "Personne inscrite au registre" in page_text(login(social_services_dinan).get(shopping.get_absolute_url()))
    from mobilisation.directory.models import Organisation

    ccas = Organisation.objects.create(name="CCAS de Dinan", kind="ccas", department_id="22")
    ccas.communes.set([DINAN])
    help_requests.qualify(
        request=shopping,
        organisation=partner_organisation_dinan,
        by=social_services_dinan,
        urgency="48h",
        wanted_from=TODAY,
        wanted_until=TODAY,
        periods=0,
        details="",
    )
    text = page_text(login(partner_dinan).get(shopping.get_absolute_url()))
    assert (
        "Transmise par le CCAS" in text and "inscrite au registre" not in text and "veille" not in text.split("Courses à Dinan")[1].lower()
    )
    # The person removed from the register: the copies of her name, phone and address go too, the open ones cancelled.
    followup.erase_person(person=person, date=TODAY, by=social_services_dinan)
    shopping.refresh_from_db()
    assert (shopping.first_name, shopping.last_name, shopping.address, str(shopping.phone)) == ("", "", "", "")
    assert shopping.state == RequestState.CANCELLED


def test_a_volunteer_who_leaves_gives_back_what_they_held(partner_dinan, partner_organisation_dinan, volunteers):
    from mobilisation.mutualaid import services

    here, _, _ = volunteers
    request = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    help_requests.claim(request=request, volunteer=here)
    mail.outbox.clear()
    services.leave(volunteer=here)
    request.refresh_from_db()
    assert request.state == RequestState.QUALIFIED and request.volunteer is None and mail.outbox[-1].to == [partner_dinan.email]


def test_the_contact_of_a_closed_request_is_erased_after_ninety_days(partner_organisation_dinan):
    done = make_request(state=RequestState.DONE, organisation=partner_organisation_dinan, done_at=timezone.now(), fulfilment="complete")
    open_one = make_request(state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)
    assert help_requests.erase_closed(now=timezone.now() + datetime.timedelta(days=89)) == 0
    assert help_requests.erase_closed(now=timezone.now() + datetime.timedelta(days=91)) == 1
    done.refresh_from_db()
    open_one.refresh_from_db()
    assert (done.first_name, done.address, str(done.phone), done.kind) == ("", "", "", HelpKind.SHOPPING)  # the figures keep the aid
    assert open_one.first_name == "Marie"


def test_an_agent_takes_a_request_on_the_phone_once_however_often_it_is_sent(login, partner_dinan):
    import uuid

    client = login(partner_dinan)
    assert client.get(reverse("aid:new_request")).status_code == 200
    data = {**ask_data(phone="", email=""), "commune": DINAN, "submission_token": str(uuid.uuid4())}
    first = client.post(reverse("aid:new_request"), data)
    again = client.post(reverse("aid:new_request"), data)  # a double click
    request = AidRequest.objects.get()
    assert first["Location"] == again["Location"] == request.get_absolute_url()
    assert request.source == RequestSource.AGENT and request.created_by == partner_dinan and str(request.phone) == ""
    outside = client.post(reverse("aid:new_request"), {**data, "commune": BREST, "submission_token": str(uuid.uuid4())})
    assert outside.status_code == 400 and "Cette commune n’est pas dans votre périmètre." in page_text(outside)
    assert AidRequest.objects.count() == 1
