"""Public territory pages: what a visitor reads on them, search, map layers, bad input and query budgets."""

import json

import pytest
from django.urls import reverse

from .utils import page_text

pytestmark = pytest.mark.django_db


def test_region_page_lists_departments_and_islands(client):
    response = client.get(reverse("territories:region"))
    page = page_text(response)
    assert response.status_code == 200
    for name in ["Côtes-d'Armor", "Finistère", "Ille-et-Vilaine", "Morbihan", "Île-de-Bréhat", "Ouessant", "Île-de-Sein"]:
        assert name in page
    assert "3 449 370 habitants" in page or '3 449 370</p><p class="fr-text--sm">habitants' in page


def test_department_page_shows_epci_delegation_and_cls(client):
    page = page_text(client.get(reverse("territories:department", args=["56"])))
    assert "Morbihan (56)" in page
    assert "ars-dd56-direction@ars.sante.fr" in page
    assert "CAP Atlantique" in page or "Cap Atlantique" in page  # present through 3 communes, seated in 44
    assert "hors Bretagne (44)" in page
    assert "CLS de Pontivy Communauté 2023-2027" in page


def test_department_page_for_finistere_lists_its_two_islands(client):
    page = page_text(client.get(reverse("territories:department", args=["29"])))
    assert "Île-de-Sein" in page and "Ouessant" in page


def test_epci_page_lists_communes_and_cls(client):
    page = page_text(client.get(reverse("territories:epci", args=["200068989"])))
    assert "CA Dinan Agglomération" in page
    assert page.count('href="/territoires/communes/22') >= 64
    assert "CLS de Dinan Agglomération" in page


def test_epci_page_explains_communes_outside_brittany(client):
    page = page_text(client.get(reverse("territories:epci", args=["243500741"])))
    assert "8 de ses 31 communes sont hors de Bretagne (département 44)" in page
    cap = page_text(client.get(reverse("territories:epci", args=["244400610"])))
    assert "Le siège de cet EPCI est hors de Bretagne (département 44)" in cap


def test_commune_page_of_an_island_without_epci(client):
    page = page_text(client.get(reverse("territories:commune", args=["29155"])))
    assert "Ouessant" in page and "membre d’aucun EPCI" in page
    assert "CLS des îles bretonnes du Ponant 2016-2020" in page


def test_commune_page_shows_postcodes_and_former_communes(client):
    page = page_text(client.get(reverse("territories:commune", args=["22055"])))  # Binic-Étables-sur-Mer
    assert "Binic" in page and "22520" in page


@pytest.mark.parametrize("url", ["/territoires/communes/99999/", "/territoires/epci/123/", "/territoires/departements/44/"])
def test_unknown_territories_are_404_in_french(client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page non trouvée" in page_text(response)


@pytest.mark.parametrize(
    ("query", "expected"),
    [
        ("quimper", "Quimper"),
        ("QUIMPERLE", "Quimperlé"),
        ("Pleneuf val andre", "Pléneuf-Val-André"),
        ("29200", "Brest"),
        ("binic", "Binic-Étables-sur-Mer"),
    ],
)
def test_search_by_name_accents_postcode_and_former_name(client, query, expected):
    response = client.get(reverse("territories:search"), {"q": query})
    assert response.status_code == 200
    assert expected in page_text(response)


def test_search_finds_epci_by_name(client):
    page = page_text(client.get(reverse("territories:search"), {"q": "lorient"}))
    assert "Lorient Agglomération" in page


@pytest.mark.parametrize(
    ("query", "message"),
    [("a", "Saisissez au moins 2 caractères."), ("x" * 500, "trop longue"), ("abc\x00def", "caractère")],
)
def test_search_bad_input_gets_a_french_message(client, query, message):
    response = client.get(reverse("territories:search"), {"q": query})
    assert response.status_code == 200
    assert message in page_text(response)


def test_search_with_no_result_says_so(client):
    page = page_text(client.get(reverse("territories:search"), {"q": "zzzzqqq"}))
    assert "Aucune commune bretonne ne correspond" in page


def test_map_layers_are_geojson_with_links(client):
    response = client.get(reverse("territories:layer_geojson", args=["epci"]))
    assert response["Content-Type"].startswith("application/geo+json")
    data = json.loads(response.content)
    assert len(data["features"]) == 61
    assert all(f["properties"]["url"].startswith("/territoires/epci/") for f in data["features"])
    departments = json.loads(client.get(reverse("territories:layer_geojson", args=["departements"])).content)
    assert {f["properties"]["code"] for f in departments["features"]} == {"22", "29", "35", "56"}
    assert client.get("/territoires/carte/inconnu.geojson").status_code == 404


def test_layer_geojson_supports_conditional_requests(client):
    first = client.get(reverse("territories:layer_geojson", args=["departements"]))
    again = client.get(reverse("territories:layer_geojson", args=["departements"]), HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304


def test_single_territory_boundary(client):
    data = json.loads(client.get(reverse("territories:territory_geojson", args=["commune", "29155"])).content)
    assert data["features"][0]["properties"]["nom"] == "Ouessant"
    assert client.get(reverse("territories:territory_geojson", args=["commune", "00000"])).status_code == 404
    assert client.get("/territoires/contours/pays/1.geojson").status_code == 404


def test_map_page_works_without_tiles(client, settings):
    settings.MAP_TILES_URL = ""
    page = page_text(client.get(reverse("territories:map")))
    assert "data-tiles-url" not in page and "vendor/leaflet/leaflet.js" in page
    settings.MAP_TILES_URL = "https://tuiles.exemple.fr/{z}/{x}/{y}.png"
    assert 'data-tiles-url="https://tuiles.exemple.fr/{z}/{x}/{y}.png"' in page_text(client.get(reverse("territories:map")))


@pytest.mark.parametrize(
    ("url", "budget"),
    [
        ("/territoires/", 12),
        ("/territoires/departements/22/", 8),
        ("/territoires/departements/35/communes/", 6),
        ("/territoires/epci/242900314/", 8),
        ("/territoires/communes/29019/", 8),
        ("/territoires/recherche/?q=saint", 6),
    ],
)
def test_territory_pages_query_budget(client, django_assert_max_num_queries, url, budget):
    with django_assert_max_num_queries(budget):
        assert client.get(url).status_code == 200


def test_home_counts_each_covered_inhabitant_once(client, cls_dinan):
    from django.contrib.humanize.templatetags.humanize import intcomma
    from django.db.models import Sum

    from mobilisation.contracts.models import Cls
    from mobilisation.territories.models import Commune

    covered = Commune.objects.filter(contracts__isnull=False).distinct()
    expected = covered.aggregate(total=Sum("population_municipale"))["total"]
    # A second CLS over Dinan's communes: overlapping perimeters must not count their inhabitants twice.
    twin = Cls.objects.create(
        slug="dinan-bis",
        name="CLS d’essai",
        carrier_name="Test",
        carrier_kind="epci",
        department_id="22",
        status="signe",
        certainty="confirme",
        perimeter_certainty="explicite",
    )
    twin.communes.set(cls_dinan.communes.all())
    page = page_text(client.get(reverse("portal:home")))
    assert f"couvrant {intcomma(expected)} habitants".replace("\u202f", " ").replace("\xa0", " ") in page
