"""Services of the directory (data·inclusion schema) and « Trouver de l'aide près de chez moi »: who edits a service,
bad input, opening hours, the services serving a commune, what the measures in force allow, the export validated
by the schema's package, the cached public page invalidated by every change."""

import datetime
import json
import re

import pytest
from data_inclusion.schema import v1
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.catalogue.models import Modality
from mobilisation.directory import opening_hours
from mobilisation.directory.models import Organisation, Service
from mobilisation.directory.models.services import ServiceStatus
from mobilisation.plans.models import RestrictionPeriod

from .utils import page_text

pytestmark = pytest.mark.django_db

TODAY = timezone.localdate()


def make_service(
    organisation, *, name="Courses livrées à domicile", modalities=("distribution",), zone_epcis=(), zone_communes=("22050",), **fields
):
    values = {
        "description": "Des bénévoles font vos courses et vous les déposent.",
        "thematiques": ["equipement-et-alimentation--alimentation"],
        "publics": ["seniors"],
        "reception_modes": ["a-domicile"],
        "mobilisation_modes": ["telephoner"],
        "phone": "+33261910201",
        "opening_hours": "Mo-Fr 09:00-12:00",
    }
    values.update(fields)
    service = Service.objects.create(organisation=organisation, name=name, **values)
    service.modalities.set(Modality.objects.filter(code__in=modalities))
    service.zone_communes.set(zone_communes)
    service.zone_epcis.set(zone_epcis)
    return service


def service_form(**changes):
    data = {
        "name": "Portage de repas",
        "description": "Un repas chaud livré chaque midi aux personnes qui ne peuvent pas sortir.",
        "status": "ouvert",
        "thematiques": ["equipement-et-alimentation--alimentation"],
        "publics": ["seniors", "personnes-en-situation-de-handicap"],
        "fee": "payant",
        "fee_details": "4 € le repas",
        "reception_modes": ["a-domicile"],
        "modalities": [Modality.objects.get(code="distribution").pk],
        "zone_epcis": ["200068989"],
        "mobilisation_modes": ["telephoner"],
        "phone": "02 61 91 02 10",
        "checked_on": TODAY.isoformat(),
        "hours_0_0_start": "11:00",
        "hours_0_0_end": "13:00",
        "hours_1_0_start": "11:00",
        "hours_1_0_end": "13:00",
        "hours_5_0_start": "09:00",
        "hours_5_0_end": "12:00",
        "hours_5_1_start": "14:00",
        "hours_5_1_end": "17:30",
        "holidays_closed": "on",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


# Opening hours


def test_opening_hours_round_trip_and_read_in_french():
    week = opening_hours.parse("Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off")
    assert week.to_osm() == "Mo-Fr 09:00-12:00,14:00-17:00; Sa 09:00-12:00; PH off"
    assert week.in_french() == ("du lundi au vendredi de 9 h à 12 h et de 14 h à 17 h ; le samedi de 9 h à 12 h ; fermé les jours fériés")
    assert opening_hours.parse("Tu,Th 14:30-17:00").in_french() == "le mardi de 14 h 30 à 17 h ; le jeudi de 14 h 30 à 17 h"
    assert (
        opening_hours.Week(days={1: ((datetime.time(9), datetime.time(12)),), 2: ((datetime.time(9), datetime.time(12)),)}).to_osm()
        == "Tu,We 09:00-12:00"
    )


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("Lu-Ve 09:00-12:00", "Jours illisibles"),
        ("Fr-Mo 09:00-12:00", "désordre"),
        ("Mo 9h-12h", "Horaire illisible"),
        ("Mo 12:00-09:00", "finit avant de commencer"),
        ("Mo 09:00-12:00,11:00-13:00", "chevauchent"),
    ],
)
def test_unreadable_opening_hours_are_refused_in_french(text, message):
    with pytest.raises(opening_hours.OpeningHoursError, match=message):
        opening_hours.parse(text)
    assert opening_hours.in_french(text) == text  # a page shows what it cannot read, never an error


# Editing


def test_a_member_of_the_organisation_adds_a_service_with_its_week(login, partner_dinan, partner_organisation_dinan):
    url = reverse("directory:service_create", args=[partner_organisation_dinan.public_id])
    response = login(partner_dinan).post(url, service_form())
    assert response.status_code == 302
    service = Service.objects.get()
    assert service.organisation == partner_organisation_dinan
    assert service.opening_hours == "Mo,Tu 11:00-13:00; Sa 09:00-12:00,14:00-17:30; PH off"
    assert list(service.zone_epcis.values_list("pk", flat=True)) == ["200068989"]
    page = page_text(login().get(service.get_absolute_url()))
    assert "Portage de repas" in page and "Le lundi et le mardi de 11 h à 13 h" in page and "4 € le repas" in page
    # The edit form shows the stored week back in its grid.
    form = login(partner_dinan).get(reverse("directory:service_edit", args=[service.public_id])).content.decode()
    assert 'name="hours_5_1_end" id="id_hours_5_1_end" value="17:30"' in form


def test_who_may_edit_a_service(login, partner_organisation_dinan, coordinator_dinan, coordinator_brest, volunteer_dinan, ars_region):
    service = make_service(partner_organisation_dinan)
    edit = reverse("directory:service_edit", args=[service.public_id])
    create = reverse("directory:service_create", args=[partner_organisation_dinan.public_id])
    assert login(coordinator_dinan).get(edit).status_code == 200  # the organisation works within their CLS
    assert login(ars_region).get(edit).status_code == 200
    for outsider in (coordinator_brest, volunteer_dinan):
        assert login(outsider).get(edit).status_code == 404
        assert login(outsider).get(create).status_code == 404
        assert login(outsider).post(edit, service_form(name="Détourné")).status_code == 404
    assert Service.objects.get().name == "Courses livrées à domicile"


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"name": "Repas."}, "ne se termine pas par un point"),
        ({"publics": ["tous-publics", "seniors"]}, "ne se combine pas"),
        ({"thematiques": ["sante--inventee"]}, "Sélectionnez un choix valide"),
        ({"zone_epcis": None}, "au moins une commune, un EPCI ou un département"),
        ({"reception_modes": ["en-presentiel"]}, "a une adresse et une commune"),
        ({"hours_0_0_end": None}, "donnez le début et la fin"),
        ({"hours_0_1_start": "12:00", "hours_0_1_end": "12:30"}, "se chevauchent"),
        ({"hours_2_0_start": "17:00", "hours_2_0_end": "09:00"}, "finit avant de commencer"),
        ({"postal_code": "2210"}, "5 chiffres"),
        ({"latitude": "43.6", "longitude": "1.44"}, "pas en Bretagne"),
        ({"checked_on": (TODAY + datetime.timedelta(days=3)).isoformat()}, "dans le futur"),
        ({"link": "javascript:alert(1)"}, "Saisissez une URL valide"),
        ({"phone": "12"}, "numéro de téléphone"),
    ],
)
def test_bad_service_input_gets_a_french_message_and_keeps_the_input(login, partner_dinan, partner_organisation_dinan, changes, message):
    url = reverse("directory:service_create", args=[partner_organisation_dinan.public_id])
    response = login(partner_dinan).post(url, service_form(**changes))
    assert response.status_code == 400
    assert message in page_text(response)
    assert "Un repas chaud livré chaque midi" in response.content.decode()  # nothing typed is lost
    assert not Service.objects.exists()


# The services serving a commune, under the measures in force


def test_services_serving_a_commune_by_commune_epci_or_department(partner_organisation_dinan):
    by_commune = make_service(partner_organisation_dinan, name="Par la commune")
    by_epci = make_service(partner_organisation_dinan, name="Par l’EPCI", zone_communes=(), zone_epcis=("200068989",))
    by_department = make_service(partner_organisation_dinan, name="Par le département", zone_communes=())
    by_department.zone_departments.set(["22"])
    elsewhere = make_service(partner_organisation_dinan, name="À Brest", zone_communes=("29019",))
    from mobilisation.territories.models import Commune

    dinan = Commune.objects.get(pk="22050")
    assert set(Service.objects.serving(dinan)) == {by_commune, by_epci, by_department}
    assert elsewhere in Service.objects.serving(Commune.objects.get(pk="29019"))


def lockdown(*, blocked=("presentiel",), **fields):
    values = {
        "kind": "confinement",
        "label": "Confinement renforcé des Côtes-d’Armor",
        "scope": "departement",
        "department_id": "22",
        "start": TODAY - datetime.timedelta(days=2),
    }
    values.update(fields)
    period = RestrictionPeriod.objects.create(**values)
    period.blocked_modalities.set(Modality.objects.filter(code__in=blocked))
    return period


def test_the_portal_says_what_the_measures_in_force_allow(login, partner_organisation_dinan):
    make_service(partner_organisation_dinan, name="Permanence d’accueil", modalities=("presentiel",))
    make_service(partner_organisation_dinan, name="Atelier et écoute", modalities=("presentiel", "distance"))
    make_service(partner_organisation_dinan, name="Courses livrées", modalities=("distribution",))
    make_service(partner_organisation_dinan, name="Fermé pour travaux", status=ServiceStatus.TEMPORARILY_CLOSED)
    make_service(partner_organisation_dinan, name="Disparu", status=ServiceStatus.CLOSED)
    lockdown()
    lockdown(
        label="Confinement passé",
        start=TODAY - datetime.timedelta(days=60),
        end=TODAY - datetime.timedelta(days=30),
        blocked=("distribution",),
    )
    lockdown(label="Couvre-feu du Finistère", department_id="29", blocked=("distribution",))
    page = page_text(login().get(reverse("portal:help_commune", args=["22050"])))
    assert "Confinement renforcé des Côtes-d’Armor" in page
    assert "Confinement passé" not in page and "Couvre-feu du Finistère" not in page
    assert "Permanence d’accueil" in page
    assert page.count("Suspendu par les mesures en vigueur") == 1
    assert "À distance seulement" in page
    assert "Ouvert sous les mesures en vigueur" in page  # the deliveries are not hit
    assert "Fermé temporairement" in page
    assert "Disparu" not in page
    assert "4 services." in page


def test_the_portal_finds_a_commune_by_name_or_postcode(login):
    visitor = login()
    by_postcode = page_text(visitor.get(reverse("portal:help_search"), {"q": "22100"}))
    assert "Plusieurs communes correspondent à « 22100 »" in by_postcode
    assert reverse("portal:help_commune", args=["22050"]) in by_postcode  # Dinan shares 22100 with its neighbours
    response = visitor.get(reverse("portal:help_search"), {"q": "Ouessant"})
    assert response.status_code == 302 and response["Location"] == reverse("portal:help_commune", args=["29155"])
    page = page_text(visitor.get(reverse("portal:help_search"), {"q": "saint"}))
    assert "Plusieurs communes correspondent" in page
    bad = visitor.get(reverse("portal:help_search"), {"q": "x"})
    assert bad.status_code == 200 and "au moins 2 caractères" in page_text(bad)  # as the territories' search box
    assert "Aucune commune bretonne" in page_text(visitor.get(reverse("portal:help_search"), {"q": "Toulouse"}))
    assert visitor.get(reverse("portal:help_commune", args=["75056"])).status_code == 404


def test_the_portal_shows_the_ccas_and_the_ways_to_volunteer(login, partner_organisation_dinan):
    ccas = Organisation.objects.create(name="CCAS de Dinan", kind="ccas", department_id="22", phone="02 61 91 02 00")
    ccas.communes.set(["22050"])
    page = page_text(login().get(reverse("portal:help_commune", args=["22050"])))
    assert re.search(r"<strong>CCAS de Dinan</strong> : <a href=\"tel:0261910200\">02 61 91 02 00</a>", page)
    assert "Association Solidarité Rance" in page  # an association of the commune, to offer one's help
    assert "JeVeuxAider.gouv.fr" in page and "Service civique" in page and "Voisins solidaires" in page
    commune_page = login().get(reverse("territories:commune", args=["22050"])).content.decode()
    assert reverse("portal:help_commune", args=["22050"]) in commune_page


def test_the_map_points_are_the_places_of_the_services(login, partner_organisation_dinan):
    placed = make_service(
        partner_organisation_dinan, name="Accueil", commune_id="22050", address="Place du Guesclin", reception_modes=["en-presentiel"]
    )
    make_service(partner_organisation_dinan, name="Au téléphone", reception_modes=["a-distance"])
    data = login().get(reverse("portal:help_points", args=["22050"])).json()
    assert [feature["properties"]["url"] for feature in data["features"]] == [placed.get_absolute_url()]
    longitude, latitude = data["features"][0]["geometry"]["coordinates"]
    assert 48 < latitude < 49 and -3 < longitude < -1  # the centre of Dinan, no address coordinates given


def test_the_portal_page_is_cached_and_every_change_shows_at_once(login, settings, partner_organisation_dinan):
    settings.PAGE_CACHE_SECONDS = 3600
    service = make_service(partner_organisation_dinan, name="Permanence d’accueil", modalities=("presentiel",))
    visitor, url = login(), reverse("portal:help_commune", args=["22050"])
    assert 'fr-badge--success fr-badge--no-icon">Ouvert</p>' in page_text(visitor.get(url))
    with CaptureQueriesContext(connection) as queries:
        visitor.get(url)
    assert len(queries) <= 1  # served from the cache
    period = lockdown()
    assert "Suspendu par les mesures en vigueur" in page_text(visitor.get(url))  # a measure recorded
    period.blocked_modalities.set(Modality.objects.filter(code="rassemblement"))
    assert "Suspendu par les mesures en vigueur" not in page_text(visitor.get(url))  # its modalities changed
    service.status = ServiceStatus.TEMPORARILY_CLOSED
    service.save()
    assert "Fermé temporairement" in page_text(visitor.get(url))
    service.zone_communes.set(["29019"])
    assert "Permanence d’accueil" not in page_text(visitor.get(url))


def test_the_portal_page_queries_do_not_grow_with_the_services(login, partner_organisation_dinan, django_assert_max_num_queries):
    lockdown()
    for n in range(30):
        make_service(partner_organisation_dinan, name=f"Service {n:02d}", modalities=("presentiel", "distance"))
    with django_assert_max_num_queries(11):
        response = login().get(reverse("portal:help_commune", args=["22050"]), {"page": 2})
    page = page_text(response)
    assert "30 services (page 2 sur 2)" in page and "Service 29" in page and "Service 00" not in page


# The export in the national schema


def test_the_export_validates_against_the_data_inclusion_package(login, partner_organisation_dinan):
    at_home = make_service(partner_organisation_dinan, zone_epcis=("200068989",))
    placed = make_service(
        partner_organisation_dinan,
        name="Permanence numérique",
        commune_id="22050",
        address="Place du Guesclin",
        postal_code="22100",
        reception_modes=["en-presentiel"],
        modalities=("presentiel",),
        email="accueil@ccas-dinan.fr",
    )
    make_service(partner_organisation_dinan, name="Adresse de fiction", email="demo@exemple.invalid")
    make_service(partner_organisation_dinan, name="Fermé", status=ServiceStatus.CLOSED)
    response = login().get(reverse("directory:services_export"), {"format": "json"})
    assert response.status_code == 200 and "attachment" in response["Content-Disposition"]
    rows = json.loads(response.content)
    assert len(rows) == 3
    for row in rows:
        v1.Service.model_validate(row)  # the package's own model: raises on anything the schema refuses
    by_id = {row["id"]: row for row in rows}
    exported = by_id[f"mobilisation-cls-bretagne--{at_home.public_id}"]
    assert exported["zone_eligibilite"] == ["200068989", "22050"]
    assert exported["telephone"] == "+33261910201" and exported["horaires_accueil"] == "Mo-Fr 09:00-12:00"
    assert "modes_accueil" not in exported and "domicile" in exported["mobilisation_precisions"]
    assert by_id[f"mobilisation-cls-bretagne--{placed.public_id}"]["code_insee"] == "22050"
    assert by_id[f"mobilisation-cls-bretagne--{placed.public_id}"]["courriel"] == "accueil@ccas-dinan.fr"
    # A value the schema refuses (a reserved domain) is left out, as data·inclusion does, and the rest exported.
    fiction = next(row for row in rows if row["nom"] == "Adresse de fiction")
    assert "courriel" not in fiction and fiction["telephone"] == "+33261910201"


def test_the_spreadsheet_export_neutralises_formulas(login, partner_organisation_dinan):
    make_service(partner_organisation_dinan, name='=HYPERLINK("http://exemple.invalid")')
    response = login().get(reverse("directory:services_export"), {"format": "csv"})
    body = response.content.decode("utf-8-sig")
    assert "'=HYPERLINK" in body and "\n=HYPERLINK" not in body
    for fmt in ("xlsx", "ods"):
        assert login().get(reverse("directory:services_export"), {"format": fmt}).status_code == 200
    assert login().get(reverse("directory:services_export"), {"format": "pdf"}).status_code == 400
