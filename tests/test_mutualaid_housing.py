"""Isolation housing (issue 11): places offered by a partner, a family's request from the portal, confirmation only
while every night has room (two confirmations for the last place: one wins), arrival, early end, refusal; who sees
what (the address after confirmation only, no health reason anywhere), the capacity view from above (counts only),
the nights offered in the plan's indicators, the contact erased after the stay, query budgets."""

import datetime
import re

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone

from mobilisation.core import indicators
from mobilisation.mutualaid import housing
from mobilisation.mutualaid.enums import BookingSource, BookingState
from mobilisation.mutualaid.models import HousingBooking, HousingPlace

from .utils import page_text

pytestmark = pytest.mark.django_db

DINAN, BREST, LANVALLAY = "22050", "29019", "22118"
TODAY = timezone.localdate()


def day(n):
    return TODAY + datetime.timedelta(days=n)


@pytest.fixture
def place(partner_organisation_dinan):
    return HousingPlace.objects.create(
        organisation=partner_organisation_dinan,
        name="Gîte du Jerzual",
        kind="gite",
        commune_id=DINAN,
        address="12 rue du Jerzual",
        capacity=4,
        accessible=True,
        conditions="Repas livrés sur demande.",
    )


def stay(place, *, people=1, start=0, nights=3, state=BookingState.REQUESTED, **fields):
    values = {
        "place": place,
        "arrival": day(start),
        "departure": day(start + nights),
        "people": people,
        "first_name": "Nolwenn",
        "last_name": "Le Bihan",
        "phone": "+33261910910",
        "source": BookingSource.PORTAL,
        "consent_at": timezone.now(),
        "state": state,
    }
    values.update(fields)
    return HousingBooking.objects.create(**values)


def ask_data(place, **changes):
    data = {
        "place": str(place.pk),
        "arrival": day(0).isoformat(),
        "departure": day(7).isoformat(),
        "people": "3",
        "requester": "un-proche",
        "requester_name": "Anne Le Bihan",
        "first_name": "Nolwenn",
        "last_name": "Le Bihan",
        "phone": "06 12 34 56 78",
        "email": "anne.lebihan@exemple.invalid",
        "consent": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# The public request.


def test_a_family_finds_the_offer_on_the_portal_and_asks_for_a_place(client, place, partner_dinan):
    portal = page_text(client.get(reverse("portal:help_commune", args=[DINAN])))
    assert "Se loger pour s’isoler" in portal and "1 lieu d’hébergement (4 places)" in portal
    page = client.get(reverse("housing:ask", args=[DINAN]))
    text = page_text(page)
    assert "Gîte du Jerzual (Gîte ou meublé, Dinan, 4 places, accessible en fauteuil roulant)" in text
    assert "12 rue du Jerzual" not in text  # the address waits for the confirmation
    response = client.post(reverse("housing:ask", args=[DINAN]), ask_data(place))
    assert response.status_code == 302 and response["Location"] == reverse("housing:asked")
    booking = HousingBooking.objects.get()
    assert (booking.state, booking.people, booking.nights, booking.source) == (BookingState.REQUESTED, 3, 7, BookingSource.PORTAL)
    assert (booking.first_name, booking.requester_name, booking.phone.as_e164) == ("Nolwenn", "Anne Le Bihan", "+33612345678")
    assert not {"reason", "motif", "health"} & {field.name for field in HousingBooking._meta.get_fields()}
    message = mail.outbox[-1]  # the association is told, without the name
    assert message.to == ["partenaire.dinan@exemple.fr"] and "Nolwenn" not in message.body
    assert "3 personnes" in message.body and booking.get_absolute_url() in message.body


@pytest.mark.parametrize(
    ("changes", "field", "message"),
    [
        ({"departure": day(0).isoformat()}, "departure", "Le départ suit l’arrivée d’au moins une nuit."),
        ({"arrival": day(-1).isoformat()}, "arrival", "L’arrivée ne peut pas être passée."),
        ({"departure": day(90).isoformat()}, "departure", "Un séjour dure au plus 60 nuits."),
        ({"people": "5"}, "people", "Ce lieu accueille au plus 4 personnes."),
        ({"arrival": "2026-02-30"}, "arrival", "Saisissez une date valide."),
        ({"phone": "12"}, "phone", "Saisissez un numéro de téléphone valide"),
        ({"consent": None}, "consent", "Cet accord est nécessaire pour traiter la demande."),
    ],
)
def test_bad_requests_say_why_in_french_and_keep_the_input(client, place, changes, field, message):
    response = client.post(reverse("housing:ask", args=[DINAN]), ask_data(place, **changes))
    assert response.status_code == 400
    text = page_text(response)
    assert message in text and 'value="Nolwenn"' in text
    assert not HousingBooking.objects.exists()


def test_a_place_of_another_territory_or_closed_cannot_be_asked_for(client, place):
    brest_place = HousingPlace.objects.create(organisation=place.organisation, name="Loin", commune_id=BREST, address="1 quai", capacity=2)
    response = client.post(reverse("housing:ask", args=[DINAN]), ask_data(brest_place))
    assert response.status_code == 400 and "Ce lieu n’est pas ouvert aux habitants de la commune." in page_text(response)
    HousingPlace.objects.filter(pk=place.pk).update(is_active=False)
    page = page_text(client.get(reverse("housing:ask", args=[DINAN])))
    assert "Aucun lieu d’hébergement d’isolement n’est offert aujourd’hui" in page
    assert not HousingBooking.objects.exists()


def test_many_places_are_offered_as_a_list_by_commune_the_persons_own_first(client, place, settings):
    """Beyond ten places, a select grouped by commune (Dinan's first) instead of radios; the empty form comes from the
    cache, with the visitor's own CSRF token, and a new place shows at once."""
    settings.PAGE_CACHE_SECONDS = 3600
    for n in range(10):
        HousingPlace.objects.create(
            organisation=place.organisation, name=f"Appartement {n}", commune_id=LANVALLAY, address="1 rue", capacity=2
        )
    url = reverse("housing:ask", args=[DINAN])
    html = client.get(url).content.decode()
    assert 'type="radio" name="place"' not in html and '<select name="place" class="fr-select"' in html
    assert html.index('<optgroup label="Dinan">') < html.index('<optgroup label="Lanvallay">')
    assert html.count("<option value=") == 12  # "Choisissez un lieu" and the eleven places
    lanvallay = HousingPlace.objects.get(name="Appartement 3")
    assert client.post(url, ask_data(lanvallay, people="2")).status_code == 302
    assert HousingBooking.objects.get().place == lanvallay

    other = type(client)()
    other_html = other.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', other_html).group(1)
    assert "csrf-3f0c9a7e" not in other_html
    other.handler.enforce_csrf_checks = True
    assert other.post(url, {**ask_data(lanvallay, people="1"), "csrfmiddlewaretoken": token}).status_code == 302
    HousingPlace.objects.create(organisation=place.organisation, name="Maison neuve", commune_id=DINAN, address="2 rue", capacity=3)
    assert "Maison neuve" in client.get(url).content.decode()


def test_an_inaccessible_place_is_refused_to_a_wheelchair_user(client, place):
    HousingPlace.objects.filter(pk=place.pk).update(accessible=False)
    response = client.post(reverse("housing:ask", args=[DINAN]), ask_data(place, needs_accessible="on"))
    assert response.status_code == 400 and "pas accessible en fauteuil roulant" in page_text(response)


# Confirmation, capacity, the stay.


def test_confirmation_needs_room_every_night_and_tells_the_address(login, partner_dinan, place):
    stay(place, people=3, start=2, nights=2, state=BookingState.CONFIRMED)  # nights 2 and 3: one place left
    booking = stay(place, people=2, start=0, nights=4, email="nolwenn@exemple.invalid")
    client = login(partner_dinan)
    response = client.post(reverse("housing:booking_step", args=[booking.public_id, "confirmer"]), follow=True)
    assert f"Plus assez de places la nuit du {day(2):%d/%m/%Y} : 1 place libre pour 2 personnes. Rien n’a été confirmé." in page_text(
        response
    )
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED and not [m for m in mail.outbox if m.to == ["nolwenn@exemple.invalid"]]
    HousingBooking.objects.filter(pk=booking.pk).update(people=1)
    client.post(reverse("housing:booking_step", args=[booking.public_id, "confirmer"]))
    booking.refresh_from_db()
    assert booking.state == BookingState.CONFIRMED and booking.decided_by == partner_dinan
    message = mail.outbox[-1]
    assert message.to == ["nolwenn@exemple.invalid"] and "12 rue du Jerzual, Dinan" in message.body
    assert housing.free_places([place], TODAY, 4)[place.pk] == [3, 3, 0, 0]


def test_two_confirmations_for_the_last_place_one_wins(place, partner_dinan):
    first, second = stay(place, people=4), stay(place, people=4, last_name="Cadiou")
    housing.confirm(booking=first, by=partner_dinan)
    with pytest.raises(ValidationError, match="Plus assez de places"):
        housing.confirm(booking=second, by=partner_dinan)
    assert list(HousingBooking.objects.order_by("pk").values_list("state", flat=True)) == [BookingState.CONFIRMED, BookingState.REQUESTED]
    with pytest.raises(ValidationError, match="désormais « confirmée »"):
        housing.confirm(booking=first, by=partner_dinan)  # a replayed confirmation changes nothing


def test_arrival_then_an_early_end_frees_the_nights_left(place, partner_dinan):
    booking = stay(place, people=2, start=-2, nights=6, state=BookingState.CONFIRMED)
    housing.arrive(booking=booking, by=partner_dinan)
    assert housing.free_places([place], TODAY, 4)[place.pk] == [2, 2, 2, 2]
    housing.end(booking=booking, by=partner_dinan)
    booking.refresh_from_db()
    assert booking.state == BookingState.ENDED and booking.departure == TODAY and booking.nights == 2
    assert housing.free_places([place], TODAY, 4)[place.pk] == [4, 4, 4, 4]


def test_refusal_and_cancellation_need_a_reason(login, partner_dinan, place):
    booking = stay(place, email="nolwenn@exemple.invalid")
    client = login(partner_dinan)
    response = client.post(reverse("housing:booking_step", args=[booking.public_id, "refuser"]), {"note": ""})
    assert response.status_code == 400 and "Indiquez le motif." in page_text(response)
    client.post(reverse("housing:booking_step", args=[booking.public_id, "refuser"]), {"note": "Lieu complet cette semaine."})
    booking.refresh_from_db()
    assert booking.state == BookingState.REFUSED and booking.decision_note == "Lieu complet cette semaine."
    assert mail.outbox[-1].to == ["nolwenn@exemple.invalid"] and "Lieu complet cette semaine." in mail.outbox[-1].body
    assert client.post(reverse("housing:booking_step", args=[booking.public_id, "inconnue"])).status_code == 404


def test_the_organisation_offers_a_place_and_types_a_request(login, partner_dinan, partner_organisation_dinan):
    client = login(partner_dinan)
    data = {
        "organisation": partner_organisation_dinan.pk,
        "name": "Studios des Tilleuls",
        "kind": "residence",
        "commune": DINAN,
        "address": "5 avenue des Tilleuls",
        "capacity": "0",
    }
    response = client.post(reverse("housing:place_new"), data)
    assert response.status_code == 400 and "Un lieu offre au moins une place." in page_text(response)
    response = client.post(reverse("housing:place_new"), {**data, "commune": BREST, "capacity": "6"})
    assert response.status_code == 400 and "Cette commune n’est pas servie par l’organisation." in page_text(response)
    response = client.post(reverse("housing:place_new"), {**data, "capacity": "6"})
    place = HousingPlace.objects.get()
    assert response.status_code == 302 and (place.capacity, place.commune_id, place.is_active) == (6, DINAN, False)
    response = client.post(reverse("housing:new_stay", args=[place.public_id]), ask_data(place, people="2"))
    booking = HousingBooking.objects.get()
    assert response["Location"] == booking.get_absolute_url() and booking.source == BookingSource.AGENT
    assert booking.created_by == partner_dinan and not mail.outbox  # typed by the association itself
    index = page_text(client.get(reverse("housing:index")))
    assert "Studios des Tilleuls" in index and "Nolwenn Le Bihan" in index


# Who sees what.


def test_places_and_stays_are_the_organisations_others_get_404(
    login, place, partner_dinan, coordinator_dinan, ars_region, social_services_brest
):
    booking = stay(place)
    urls = [place.get_absolute_url(), reverse("housing:place_edit", args=[place.public_id]), booking.get_absolute_url()]
    for user in (coordinator_dinan, ars_region, social_services_brest):
        client = login(user)
        for url in urls:
            assert client.get(url).status_code == 404, (user.email, url)
        response = client.post(reverse("housing:booking_step", args=[booking.public_id, "confirmer"]))
        assert response.status_code == 404
    booking.refresh_from_db()
    assert booking.state == BookingState.REQUESTED
    for url in urls:
        assert login(partner_dinan).get(url).status_code == 200
    assert "Nolwenn Le Bihan" in page_text(login(partner_dinan).get(booking.get_absolute_url()))


def test_the_capacity_view_shows_counts_never_names(login, place, coordinator_dinan, delegation_56, ars_region, partner_dinan):
    stay(place, people=2, state=BookingState.ARRIVED, start=-1, nights=3)
    page = page_text(login(ars_region).get(reverse("housing:capacity")))
    assert "Nolwenn" not in page and "12 rue du Jerzual" not in page
    assert "Côtes-d’Armor" in page or "Côtes-d'Armor" in page
    assert "4 places" in page and "2 libres ce soir" in page and "< 5" in page  # two people housed: hidden
    coordinator = page_text(login(coordinator_dinan).get(reverse("housing:capacity")))
    assert "Dinan" in coordinator and "2 libres ce soir" in coordinator
    assert "Aucun lieu" in page_text(login(delegation_56).get(reverse("housing:capacity")))
    assert login(partner_dinan).get(reverse("housing:capacity")).status_code == 404


def test_the_capacity_figures_are_kept_until_a_place_or_a_booking_changes(login, place, ars_region, settings):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    settings.PAGE_CACHE_SECONDS = 3600
    region = login(ars_region)
    url = reverse("housing:capacity")
    assert "4 libres ce soir" in page_text(region.get(url))
    with CaptureQueriesContext(connection) as queries:
        region.get(url)
    assert not [query for query in queries if "mutualaid_" in query["sql"]]  # from the cache
    booking = stay(place, people=3, state=BookingState.REQUESTED)
    assert "4 libres ce soir" in page_text(region.get(url))  # a request takes no place
    booking.state = BookingState.CONFIRMED
    booking.save()
    assert "1 libre ce soir" in page_text(region.get(url))
    HousingPlace.objects.create(organisation=place.organisation, name="Maison neuve", commune_id=DINAN, address="2 rue", capacity=3)
    assert "4 libres ce soir" in page_text(region.get(url))


def test_capacity_rows_add_up_the_free_places_of_each_night(place, partner_organisation_dinan):
    """Per commune, each night of the week: free places never below zero (a capacity lowered under its bookings),
    requests not yet confirmed free nothing and take nothing."""
    stay(place, people=2, state=BookingState.ARRIVED, start=0, nights=3)
    stay(place, people=3, state=BookingState.CONFIRMED, start=1, nights=1)
    stay(place, people=4, state=BookingState.REQUESTED, start=0, nights=7)
    brest = HousingPlace.objects.create(
        organisation=partner_organisation_dinan, name="Quai", commune_id=BREST, address="1 quai", capacity=3
    )
    stay(brest, people=3, state=BookingState.CONFIRMED, start=-2, nights=10)
    HousingPlace.objects.filter(pk=brest.pk).update(capacity=2)
    HousingPlace.objects.create(
        organisation=partner_organisation_dinan, name="Fermé", commune_id=BREST, address="2 quai", capacity=9, is_active=False
    )
    rows = housing.capacity_rows(HousingPlace.objects.active(), group="commune", label="commune__name", today=TODAY)
    summary = [
        (row["label"], row["places"], row["capacity"], row["free"], row["free_tonight"], row["free_week"], str(row["housed"]))
        for row in rows
    ]
    assert summary == [
        ("Brest", 1, 2, [0] * 7, 0, 0, "< 5"),
        ("Dinan", 1, 4, [2, 0, 2, 4, 4, 4, 4], 2, 0, "< 5"),
    ]
    by_department = housing.capacity_rows(
        HousingPlace.objects.all(), group="commune__department", label="commune__department__name", today=TODAY
    )
    assert [(row["places"], row["capacity"], row["free_tonight"]) for row in by_department] == [(1, 4, 2), (2, 11, 9)]


# What flows up, what is erased.


def test_nights_offered_count_in_the_linked_plan_action(place, adopted):
    HousingPlace.objects.filter(pk=place.pk).update(plan_action=adopted)
    stay(place, people=2, nights=3, state=BookingState.ENDED)
    stay(place, people=1, nights=4, state=BookingState.CONFIRMED)
    stay(place, people=4, nights=5, state=BookingState.REFUSED)
    figures = dict(indicators.computed_for([adopted])[adopted.pk])
    assert str(figures["Nuits d’isolement offertes"]) == "10"
    assert str(figures["Personnes hébergées pour s’isoler"]) == "< 5"


def test_the_contact_is_erased_thirty_days_after_the_stay(place):
    old = stay(place, state=BookingState.ENDED)
    current = stay(place, state=BookingState.CONFIRMED)
    HousingBooking.objects.filter(pk=old.pk).update(updated_at=timezone.now() - datetime.timedelta(days=31))
    assert housing.erase_closed() == 1
    old.refresh_from_db()
    current.refresh_from_db()
    assert (old.first_name, old.last_name, old.phone, old.people) == ("", "", "", 1)
    assert current.first_name == "Nolwenn"


def test_list_pages_keep_their_query_count(login, place, partner_dinan, ars_region):
    """The same queries for one place with two stays as for six places with two stays each (no query per row)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    partner, region = login(partner_dinan), login(ars_region)
    urls = [(partner, reverse("housing:index")), (region, reverse("housing:capacity")), (partner, place.get_absolute_url())]

    def counts():
        result = []
        for client, url in urls:
            client.get(url)  # per-process caches filled, as on a running server
            with CaptureQueriesContext(connection) as queries:
                assert client.get(url).status_code == 200
            result.append(len(queries))
        return result

    stay(place)
    stay(place, state=BookingState.CONFIRMED, last_name="Cadiou")
    small = counts()
    for n in range(5):
        other = HousingPlace.objects.create(
            organisation=place.organisation, name=f"Lieu {n}", commune_id=DINAN, address="1 rue", capacity=3
        )
        stay(other)
        stay(other, state=BookingState.CONFIRMED, last_name="Cadiou")
        stay(place, start=n + 1, nights=1, state=BookingState.ENDED, last_name=f"N{n}")
    assert counts() == small
    assert small[0] <= 12 and small[1] <= 10 and small[2] <= 12
    assert not mail.outbox


# An organisation's mutual aid counted in a plan action (requests done, deliveries, volunteers active).


def test_an_organisations_mutual_aid_counts_in_a_plan_action_it_joins(login, partner_dinan, partner_organisation_dinan, adopted, plan):
    from mobilisation.mutualaid.enums import RequestState, VolunteerState
    from mobilisation.mutualaid.models import AidPool, Volunteer

    from .test_mutualaid_requests import make_request
    from .test_mutualaid_volunteers import make_volunteer

    adopted.partners.add(partner_organisation_dinan)  # the partner reads the action it joins
    for n, kind in enumerate(["courses", "courses", "repas", "medicaments", "transport", "lien-social"]):
        make_request(kind=kind, state=RequestState.DONE, organisation=partner_organisation_dinan, last_name=f"N{n}")
    make_request(kind="courses", state=RequestState.QUALIFIED, organisation=partner_organisation_dinan)  # not done
    make_request(kind="courses", state=RequestState.DONE, organisation=partner_organisation_dinan, commune_id=BREST)  # outside
    volunteer = make_volunteer(email="v@exemple.invalid", communes=[DINAN])
    Volunteer.objects.filter(pk=volunteer.pk).update(
        state=VolunteerState.VALIDATED, organisation=partner_organisation_dinan, validated_at=timezone.now()
    )
    client = login(partner_dinan)
    url = reverse("aid:pools")
    assert "Compter l’entraide dans une action" in page_text(client.get(url))
    response = client.post(url, {"organisation": partner_organisation_dinan.pk, "plan_action": adopted.pk})
    assert response.status_code == 302 and AidPool.objects.filter(plan_action=adopted).count() == 1
    again = client.post(url, {"organisation": partner_organisation_dinan.pk, "plan_action": adopted.pk})
    assert again.status_code == 400 and "compte déjà dans cette action" in page_text(again)
    figures = {label: str(figure) for label, figure in indicators.computed_for([adopted])[adopted.pk]}
    assert figures["Demandes d’aide réalisées (entraide)"] == "6"
    assert figures["Livraisons à domicile : courses, repas, médicaments"] == "< 5"  # four
    assert figures["Bénévoles actifs"] == "< 5"
    page = page_text(client.get(url))
    assert "Demandes d’aide réalisées (entraide) : 6" in page
    coordinator_page = page_text(login(plan.cls.memberships.first().user).get(adopted.get_absolute_url()))
    assert "Demandes d’aide réalisées (entraide)" in coordinator_page
    pool = AidPool.objects.get()
    client.post(reverse("aid:pool_delete", args=[pool.public_id]))
    assert not AidPool.objects.exists() and adopted.pk not in indicators.computed_for([adopted])


def test_pool_counts_read_every_link_in_one_query(partner_organisation_dinan, adopted, cls_dinan, django_assert_num_queries):
    """Each link's counts in the communes of its action's CLS: a volunteer acting in two of them counts once, one
    paused or acting elsewhere not at all, another organisation's work never."""
    from mobilisation.directory.models import Organisation
    from mobilisation.mutualaid import figures
    from mobilisation.mutualaid.enums import RequestState, VolunteerState
    from mobilisation.mutualaid.models import AidPool, Volunteer

    from .test_mutualaid_requests import make_request
    from .test_mutualaid_volunteers import make_volunteer

    other = Organisation.objects.create(name="Autre association", kind="association", department_id="22")
    for n, kind in enumerate(["courses", "repas", "transport"]):
        make_request(kind=kind, state=RequestState.DONE, organisation=partner_organisation_dinan, last_name=f"N{n}")
    make_request(kind="courses", state=RequestState.DONE, organisation=other, last_name="Autre")
    make_request(kind="courses", state=RequestState.DONE, organisation=partner_organisation_dinan, commune_id=BREST)
    second = [code for code in cls_dinan.communes.values_list("insee_code", flat=True) if code != DINAN][0]
    validated = {"state": VolunteerState.VALIDATED, "validated_at": timezone.now()}
    for email, communes, changes in [
        ("deux@exemple.invalid", [DINAN, second], {}),
        ("pause@exemple.invalid", [DINAN], {"paused_since": timezone.now()}),
        ("brest@exemple.invalid", [BREST], {}),
        ("autre@exemple.invalid", [DINAN], {"organisation": other}),
    ]:
        volunteer = make_volunteer(email=email, communes=communes)
        Volunteer.objects.filter(pk=volunteer.pk).update(**{"organisation": partner_organisation_dinan, **validated, **changes})
    mine = AidPool.objects.create(organisation=partner_organisation_dinan, plan_action=adopted)
    theirs = AidPool.objects.create(organisation=other, plan_action=adopted)
    with django_assert_num_queries(1):
        counts = figures.pool_counts(AidPool.objects.all())
    assert counts == {
        mine.pk: (adopted.pk, {"done": 3, "deliveries": 2, "volunteers": 1}),
        theirs.pk: (adopted.pk, {"done": 1, "deliveries": 1, "volunteers": 1}),
    }


def test_an_action_of_another_territory_or_organisation_cannot_be_linked(
    login, partner_dinan, partner_organisation_dinan, social_services_brest, adopted
):
    from mobilisation.directory.models import Organisation
    from mobilisation.mutualaid.models import AidPool

    client = login(partner_dinan)
    response = client.post(reverse("aid:pools"), {"organisation": partner_organisation_dinan.pk, "plan_action": adopted.pk})
    assert response.status_code == 400 and "Rien n’a été enregistré" in page_text(response)  # not an action it joins
    assert not AidPool.objects.exists()
    other = Organisation.objects.create(name="Autre association", kind="association", department_id="22")
    adopted.partners.add(partner_organisation_dinan)
    response = client.post(reverse("aid:pools"), {"organisation": other.pk, "plan_action": adopted.pk})
    assert response.status_code == 400 and "Vous n’agissez pas pour cette organisation." in page_text(response)
    pool = AidPool.objects.create(organisation=partner_organisation_dinan, plan_action=adopted)
    assert login(social_services_brest).post(reverse("aid:pool_delete", args=[pool.public_id])).status_code == 404
    assert AidPool.objects.filter(pk=pool.pk).exists()
