"""The CLS registry: loaded list, public pages, sources for the ARS, workspace scope, ARS corrections."""

import pytest
from django.urls import reverse

from mobilisation.contracts.loaders import load_cls
from mobilisation.contracts.models import Cls

from .utils import page_text

pytestmark = pytest.mark.django_db


def test_the_22_sourced_cls_are_loaded_with_their_perimeter():
    assert Cls.objects.count() == 22
    brest = Cls.objects.get(slug="pays-de-brest")
    assert brest.epcis.count() == 7 and brest.department_id == "29"
    assert brest.communes.count() == 103  # the Pays de Brest: 103 communes
    ponant = Cls.objects.get(slug="iles-du-ponant")
    assert list(ponant.epcis.values_list("siren", flat=True)) == ["245600465"]  # Belle-Île-en-Mer, whole
    assert {"22016", "29155", "29083"} <= set(ponant.communes.values_list("insee_code", flat=True))
    rennes_city = Cls.objects.get(slug="ville-de-rennes-2013")
    assert list(rennes_city.communes.values_list("insee_code", flat=True)) == ["35238"]
    assert Cls.objects.get(slug="cap-atlantique").department_id == "56"  # its Breton communes are in Morbihan
    cob = Cls.objects.get(slug="pays-cob")
    assert set(cob.communes.values_list("department_id", flat=True)) == {"22", "29", "56"}


def test_partial_dates_are_not_invented():
    ponant = Cls.objects.get(slug="iles-du-ponant")
    assert ponant.signature_date is None and "2016" in ponant.period


def test_reloading_keeps_corrections_made_in_the_application():
    Cls.objects.filter(slug="dinan").update(name="CLS de Dinan Agglomération (corrigé)")
    created, kept = load_cls()
    assert (created, kept) == (0, 22)
    assert Cls.objects.get(slug="dinan").name == "CLS de Dinan Agglomération (corrigé)"


def test_registry_lists_every_cls_and_filters(client, django_assert_max_num_queries):
    with django_assert_max_num_queries(6):
        response = client.get(reverse("contracts:registry"))
    page = page_text(response)
    assert "22 CLS" in page and "CLS du Pays de Brest" in page
    filtered = page_text(client.get(reverse("contracts:registry"), {"department": "35"}))
    assert "CLS du Pays de Saint-Malo" in filtered and "CLS du Pays de Brest" not in filtered
    by_status = page_text(client.get(reverse("contracts:registry"), {"status": "en_elaboration"}))
    assert "2 CLS" in by_status


def test_registry_bad_filter_is_a_form_error_not_a_500(client):
    response = client.get(reverse("contracts:registry"), {"department": "99", "status": "n'importe quoi"})
    assert response.status_code == 200
    assert "Sélectionnez un choix valide" in page_text(response)


def test_sources_and_certainty_are_shown_to_the_ars_only(client, login, ars_region, delegation_56, coordinator_dinan):
    url = reverse("contracts:public_detail", args=["pays-de-brest"])
    marker = "Sources et certitude"
    assert marker not in page_text(client.get(url))
    assert marker not in page_text(login(coordinator_dinan).get(url))
    assert marker in page_text(login(ars_region).get(url))
    assert marker in page_text(login(delegation_56).get(url))
    assert "Déduit (composition usuelle du Pays)" in page_text(login(ars_region).get(url))


def test_workspace_is_scoped(
    login, cls_dinan, coordinator_dinan, coordinator_brest, delegation_22, delegation_56, ars_region, elected_dinan
):
    url = cls_dinan.get_workspace_url()
    for user in [coordinator_dinan, elected_dinan, delegation_22, ars_region]:
        response = login(user).get(url)
        assert response.status_code == 200, user
        assert "CLS de Dinan Agglomération" in page_text(response)
    for user in [coordinator_brest, delegation_56]:
        assert login(user).get(url).status_code == 404, user
    assert login().get(url).status_code == 302  # anonymous: to the login page


def test_workspace_shows_figures_team_and_delegation(login, cls_dinan, coordinator_dinan):
    page = page_text(login(coordinator_dinan).get(cls_dinan.get_workspace_url()))
    assert "104 970" in page  # population of Dinan Agglomération
    assert "ars-dd22-direction@ars.sante.fr" in page
    assert coordinator_dinan.get_full_name() in page
    assert "Sources et certitude" not in page and "Corriger ce CLS" not in page


def test_social_services_see_the_cls_of_their_commune(login, cls_dinan, cls_brest, social_services_dinan):
    assert login(social_services_dinan).get(cls_dinan.get_workspace_url()).status_code == 200
    assert login(social_services_dinan).get(cls_brest.get_workspace_url()).status_code == 404


def form_data(cls, **changes):
    data = {
        "name": cls.name,
        "slug": cls.slug,
        "carrier_name": cls.carrier_name,
        "carrier_kind": cls.carrier_kind,
        "department": cls.department_id,
        "status": cls.status,
        "signature_date": cls.signature_date.isoformat() if cls.signature_date else "",
        "period": cls.period,
        "coordinator_name": "",
        "coordinator_email": "",
        "certainty": cls.certainty,
        "perimeter_certainty": cls.perimeter_certainty,
        "source_url": cls.source_url,
        "source_url_2": cls.source_url_2,
        "evidence": cls.evidence,
        "note": cls.note,
        "epcis": list(cls.epcis.values_list("siren", flat=True)),
        "extra_communes": "",
        "version": cls.updated_at.isoformat(),
    }
    data.update(changes)
    return data


def test_ars_region_corrects_a_cls_and_the_change_is_in_its_history(login, cls_dinan, ars_region):
    client = login(ars_region)
    url = reverse("contracts:edit", args=[cls_dinan.public_id])
    response = client.post(url, form_data(cls_dinan, coordinator_name="Claire Le Gall", coordinator_email="claire.legall@exemple.fr"))
    assert response.status_code == 302
    cls_dinan.refresh_from_db()
    assert cls_dinan.coordinator_name == "Claire Le Gall"
    assert cls_dinan.history.first().history_user == ars_region
    page = page_text(client.get(cls_dinan.get_workspace_url()))
    assert "Claire Le Gall" in page and "Historique des modifications" in page


def test_ars_region_adds_a_cls_with_a_commune_perimeter(login, ars_region):
    client = login(ars_region)
    data = {
        "name": "CLS de Lannion-Trégor Communauté",
        "slug": "lannion-tregor",
        "carrier_name": "Lannion-Trégor Communauté",
        "carrier_kind": "epci",
        "department": "22",
        "status": "en_elaboration",
        "certainty": "probable",
        "perimeter_certainty": "explicite",
        "epcis": ["200065928"],
        "extra_communes": "22016",
    }
    response = client.post(reverse("contracts:create"), data)
    assert response.status_code == 302, page_text(response)
    cls = Cls.objects.get(slug="lannion-tregor")
    assert cls.communes.filter(insee_code="22016").exists()
    assert cls.communes.count() == 1 + cls.epcis.get().communes.count()


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"signature_date": "2999-01-01"}, "ne peut pas être dans le futur"),
        ({"signature_date": "32/13/2020"}, "Saisissez une date valide"),
        ({"epcis": [], "extra_communes": ""}, "au moins un EPCI ou une commune"),
        ({"extra_communes": "99999, 2A004"}, "Codes INSEE inconnus en Bretagne : 2A004, 99999"),
        ({"source_url": "javascript:alert(1)"}, "Saisissez une URL valide"),
        ({"name": ""}, "Ce champ est obligatoire"),
    ],
)
def test_bad_input_is_refused_with_a_french_message_and_nothing_changes(login, cls_dinan, ars_region, changes, message):
    before = (cls_dinan.name, cls_dinan.signature_date, cls_dinan.communes.count())
    response = login(ars_region).post(reverse("contracts:edit", args=[cls_dinan.public_id]), form_data(cls_dinan, **changes))
    assert response.status_code == 200
    assert message in page_text(response)
    cls_dinan.refresh_from_db()
    assert (cls_dinan.name, cls_dinan.signature_date, cls_dinan.communes.count()) == before


def test_a_stale_save_is_refused_and_the_input_is_kept(login, cls_dinan, ars_region):
    stale = form_data(cls_dinan, coordinator_name="Version périmée")
    Cls.objects.filter(pk=cls_dinan.pk).update(period="modifié par une collègue")
    cls_dinan.refresh_from_db()
    cls_dinan.save()  # bumps updated_at
    response = login(ars_region).post(reverse("contracts:edit", args=[cls_dinan.public_id]), stale)
    assert response.status_code == 200
    page = page_text(response)
    assert "modifié par quelqu’un d’autre" in page and 'value="Version périmée"' in page
    cls_dinan.refresh_from_db()
    assert cls_dinan.coordinator_name == "" and cls_dinan.period == "modifié par une collègue"


def test_only_the_ars_region_may_create_or_correct(login, cls_dinan, coordinator_dinan, delegation_22, resource_pole):
    for user in [coordinator_dinan, delegation_22, resource_pole]:
        client = login(user)
        assert client.get(reverse("contracts:create")).status_code == 404
        assert client.get(reverse("contracts:edit", args=[cls_dinan.public_id])).status_code == 404
        assert client.post(reverse("contracts:edit", args=[cls_dinan.public_id]), form_data(cls_dinan, name="Piraté")).status_code == 404
    cls_dinan.refresh_from_db()
    assert cls_dinan.name == "CLS de Dinan Agglomération"
