"""API v1: public reference endpoints, filters, pagination, personal tokens, sources for the ARS only."""

import datetime

import pytest
from django.utils import timezone
from rest_framework.test import APIClient

from mobilisation.accounts.models import ApiToken

pytestmark = pytest.mark.django_db


@pytest.fixture
def api():
    return APIClient()


def test_departments(api):
    data = api.get("/api/v1/departements/").json()
    assert data["count"] == 4
    assert [d["code"] for d in data["results"]] == ["22", "29", "35", "56"]
    assert api.get("/api/v1/departements/29/").json()["name"] == "Finistère"


def test_communes_filters_search_and_pagination(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(3):
        data = api.get("/api/v1/communes/", {"departement": "22"}).json()
    assert data["count"] == 344 and len(data["results"]) == 50 and data["next"]
    assert api.get("/api/v1/communes/", {"epci": "200068989"}).json()["count"] == 64
    found = api.get("/api/v1/communes/", {"q": "ouessant"}).json()["results"]
    assert found == [
        {
            "insee_code": "29155",
            "name": "Ouessant",
            "department": "29",
            "epci": None,
            "population_municipale": found[0]["population_municipale"],
            "population_totale": found[0]["population_totale"],
            "postal_codes": ["29242"],
            "latitude": found[0]["latitude"],
            "longitude": found[0]["longitude"],
        }
    ]
    assert api.get("/api/v1/communes/", {"page": 999}).status_code == 404


def test_epci_filter_by_department_includes_cap_atlantique_in_56(api):
    sirens = {e["siren"] for e in api.get("/api/v1/epci/", {"departement": "56", "page_size": 100}).json()["results"]}
    assert "244400610" in sirens


def test_cls_registry_without_sources_for_the_public(api):
    data = api.get("/api/v1/cls/", {"departement": "29"}).json()
    assert data["count"] == 6
    brest = next(c for c in data["results"] if c["slug"] == "pays-de-brest")
    assert len(brest["epcis"]) == 7 and len(brest["communes"]) == 103
    assert "source_url" not in brest and "certainty" not in brest
    assert api.get(f"/api/v1/cls/{brest['id']}/").json()["name"] == "CLS du Pays de Brest"
    assert api.get("/api/v1/cls/", {"commune": "29155"}).json()["count"] == 1


def test_cls_registry_query_count_does_not_grow_with_rows(api, django_assert_max_num_queries):
    with django_assert_max_num_queries(4):
        api.get("/api/v1/cls/")


def test_token_authentication_gives_the_user_scope(api, ars_region, coordinator_dinan):
    _, key = ApiToken.issue(user=ars_region, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    brest = next(c for c in api.get("/api/v1/cls/").json()["results"] if c["slug"] == "pays-de-brest")
    assert brest["certainty"] == "confirme" and brest["source_url"].startswith("https://")
    _, coordinator_key = ApiToken.issue(user=coordinator_dinan, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Token {coordinator_key}")
    assert "source_url" not in api.get("/api/v1/cls/").json()["results"][0]


def test_invalid_revoked_or_expired_tokens_are_refused(api, ars_region):
    assert APIClient(HTTP_AUTHORIZATION="Token nimportequoi").get("/api/v1/cls/").status_code == 401
    token, key = ApiToken.issue(user=ars_region, name="révoqué")
    token.revoked_at = timezone.now()
    token.save()
    assert APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/cls/").status_code == 401
    _, expired = ApiToken.issue(user=ars_region, name="expiré", expires_at=timezone.now() - datetime.timedelta(days=1))
    assert APIClient(HTTP_AUTHORIZATION=f"Token {expired}").get("/api/v1/cls/").status_code == 401


def test_token_of_a_deactivated_user_stops_working(ars_region):
    _, key = ApiToken.issue(user=ars_region, name="script")
    client = APIClient(HTTP_AUTHORIZATION=f"Token {key}")
    assert client.get("/api/v1/cls/").status_code == 200
    ars_region.is_active = False
    ars_region.save()
    response = client.get("/api/v1/cls/")
    assert response.status_code == 401
    assert "Jeton invalide" in response.json()["detail"]


def test_token_records_last_use(ars_region):
    token, key = ApiToken.issue(user=ars_region, name="script")
    APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/departements/")
    token.refresh_from_db()
    assert token.last_used_at is not None


def test_api_is_read_only(api, ars_region):
    _, key = ApiToken.issue(user=ars_region, name="script")
    api.credentials(HTTP_AUTHORIZATION=f"Token {key}")
    assert api.post("/api/v1/cls/", {"name": "x"}).status_code == 405
    assert api.delete("/api/v1/departements/22/").status_code == 405


def test_bad_filters_answer_400_not_500(api):
    assert api.get("/api/v1/cls/", {"statut": "inconnu"}).status_code == 400
    assert api.get("/api/v1/communes/", {"q": "x" * 500}).status_code == 400
    assert api.get("/api/v1/cls/00000000-0000-0000-0000-000000000000/").status_code == 404
    assert api.get("/api/v1/cls/pas-un-uuid/").status_code == 404


def test_openapi_schema_and_docs(api):
    schema = api.get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    assert {"/api/v1/departements/", "/api/v1/epci/", "/api/v1/communes/", "/api/v1/cls/"} <= set(schema["paths"])
    assert (
        "PersonalTokenAuthentication" in str(schema["components"]["securitySchemes"])
        or "tokenAuth" in schema["components"]["securitySchemes"]
    )
    docs = api.get("/api/v1/docs/")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content
