"""The directory of partner organisations: scope, creation by coordinators within their territory, export."""

import pytest
from django.urls import reverse

from mobilisation.directory.models import Organisation

from .utils import page_text

pytestmark = pytest.mark.django_db


def organisation_form(**changes):
    data = {
        "name": "Association Bien vieillir en Rance",
        "kind": "association",
        "department": "22",
        "communes": ["22050"],
        "phone": "02 96 00 00 00",
    }
    data.update(changes)
    return data


def test_coordinator_adds_a_partner_of_their_territory(login, coordinator_dinan, delegation_22, coordinator_brest):
    response = login(coordinator_dinan).post(reverse("directory:create"), organisation_form())
    assert response.status_code == 302
    item = Organisation.objects.get()
    assert list(item.communes.values_list("insee_code", flat=True)) == ["22050"]
    assert "Association Bien vieillir en Rance" in page_text(login(delegation_22).get(reverse("directory:index")))
    assert "Association Bien vieillir en Rance" not in page_text(login(coordinator_brest).get(reverse("directory:index")))
    assert login(coordinator_brest).get(item.get_absolute_url()).status_code == 404
    assert login(coordinator_brest).post(reverse("directory:edit", args=[item.public_id]), organisation_form(name="x")).status_code == 404


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"communes": ["29019"]}, "Sélectionnez un choix valide"),
        ({"communes": []}, "Ce champ est obligatoire"),
        ({"phone": "abc"}, "10 chiffres"),
        ({"website": "javascript:alert(1)"}, "Saisissez une URL valide"),
    ],
)
def test_bad_organisation_input(login, coordinator_dinan, changes, message):
    response = login(coordinator_dinan).post(reverse("directory:create"), organisation_form(**changes))
    assert response.status_code == 200 and message in page_text(response)
    assert not Organisation.objects.exists()


def test_roles_without_a_cls_cannot_create(login, delegation_22, elected_dinan):
    for user in [delegation_22, elected_dinan]:
        assert login(user).get(reverse("directory:create")).status_code == 404


def test_directory_export_and_query_budget(login, ars_region, coordinator_dinan, django_assert_max_num_queries):
    for n in range(5):
        login(coordinator_dinan).post(reverse("directory:create"), organisation_form(name=f"Association {n}"))
    client = login(ars_region)
    with django_assert_max_num_queries(6):
        response = client.get(reverse("directory:index"), {"format": "csv"})
    assert response.content.decode("utf-8-sig").count("Association ") == 5


def test_a_second_organisation_of_the_same_name_in_the_same_commune_is_warned_and_offered(login, coordinator_dinan):
    client = login(coordinator_dinan)
    first = Organisation.objects.create(name="CCAS de Dinan", kind="ccas", department_id="22")
    first.communes.set(["22050"])
    warned = client.post(reverse("directory:create"), organisation_form(name="C.C.A.S. de DINAN", kind="ccas"))
    page = page_text(warned)
    assert warned.status_code == 200 and Organisation.objects.count() == 1
    assert "Cette organisation est peut-être déjà dans l’annuaire" in page and first.get_absolute_url() in page
    assert 'value="C.C.A.S. de DINAN"' in page  # what was typed stays
    elsewhere = client.post(reverse("directory:create"), organisation_form(name="CCAS de Dinan", communes=["22259"]))
    assert elsewhere.status_code == 302  # another commune (Quévert): no warning
    confirmed = client.post(reverse("directory:create"), organisation_form(name="CCAS de Dinan", kind="ccas", confirm_distinct="on"))
    assert confirmed.status_code == 302 and Organisation.objects.filter(name="CCAS de Dinan").count() == 3
