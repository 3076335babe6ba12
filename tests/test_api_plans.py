"""API v1 for the catalogue (public) and the plans, actions and funding requests (scoped by visible_to)."""

import pytest
from rest_framework.test import APIClient

from mobilisation.accounts.models import ApiToken
from mobilisation.catalogue.models import Mobilisation
from mobilisation.plans import services

pytestmark = pytest.mark.django_db


def client_for(user):
    _, key = ApiToken.issue(user=user, name="test")
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def covid(db):
    return Mobilisation.objects.get(slug="covid19-2020")


@pytest.fixture
def plans(covid, cls_dinan, cls_brest, coordinator_dinan, coordinator_brest):
    dinan = services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)
    brest = services.start_plan(cls=cls_brest, mobilisation=covid, by=coordinator_brest)
    for model in covid.action_models.all()[:4]:
        action, _ = services.adopt_action_model(plan=dinan, action_model=model, by=coordinator_dinan)
    services.adopt_action_model(plan=brest, action_model=covid.action_models.first(), by=coordinator_brest)
    line = covid.resources.funding_lines().first()
    services.request_funding(action=action, funding_line=line, amount=1000, justification="x", cofunding="", by=coordinator_dinan)
    return dinan, brest


def test_catalogue_is_public_with_filters(covid):
    api = APIClient()
    assert api.get("/api/v1/mobilisations/").json()["results"][0]["slug"] == "covid19-2020"
    data = api.get("/api/v1/modeles-action/", {"mobilisation": "covid19-2020", "page_size": 100}).json()
    assert data["count"] == 35
    assert api.get("/api/v1/modeles-action/", {"axe": "B"}).json()["count"] == 15
    assert api.get("/api/v1/modeles-action/", {"theme": "A3"}).json()["count"] == 5
    distance = api.get("/api/v1/modeles-action/", {"modalite": "distance", "page_size": 100}).json()["results"]
    assert distance and all("distance" in row["modalities"] for row in distance)
    assert api.get("/api/v1/ressources/", {"page_size": 100}).json()["count"] == 24


def test_draft_mobilisations_are_hidden_from_the_public(covid, ars_region):
    Mobilisation.objects.filter(pk=covid.pk).update(status="brouillon")
    assert APIClient().get("/api/v1/modeles-action/").json()["count"] == 0
    assert client_for(ars_region).get("/api/v1/modeles-action/").json()["count"] == 35


def test_plans_endpoints_need_authentication(plans):
    api = APIClient()
    for url in ["/api/v1/plans/", "/api/v1/actions/", "/api/v1/financements/"]:
        assert api.get(url).status_code == 401


def test_plans_endpoints_apply_the_scope(plans, coordinator_dinan, coordinator_brest, delegation_22, delegation_56, ars_region):
    dinan, brest = plans
    expectations = {
        coordinator_dinan: ({str(dinan.public_id)}, 4, 1),
        coordinator_brest: ({str(brest.public_id)}, 1, 0),
        delegation_22: ({str(dinan.public_id)}, 4, 1),
        delegation_56: (set(), 0, 0),
        ars_region: ({str(dinan.public_id), str(brest.public_id)}, 5, 1),
    }
    for user, (plan_ids, actions, fundings) in expectations.items():
        api = client_for(user)
        assert {p["id"] for p in api.get("/api/v1/plans/").json()["results"]} == plan_ids, user
        assert api.get("/api/v1/actions/").json()["count"] == actions, user
        assert api.get("/api/v1/financements/").json()["count"] == fundings, user
    assert client_for(coordinator_brest).get(f"/api/v1/plans/{dinan.public_id}/").status_code == 404
    assert client_for(delegation_56).get("/api/v1/financements/", {"departement": "22"}).json()["count"] == 0


def test_planned_actions_expose_indicators_and_restriction_flag(plans, coordinator_dinan, django_assert_max_num_queries):
    api = client_for(coordinator_dinan)
    with django_assert_max_num_queries(10):  # token, user, memberships, count, page, then one query per prefetch
        rows = api.get("/api/v1/actions/").json()["results"]
    assert all("restricted" in row and isinstance(row["indicators"], list) for row in rows)
    assert api.get("/api/v1/actions/", {"statut": "nimportequoi"}).status_code == 400


def test_schema_documents_the_new_endpoints():
    schema = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json").json()
    for path in ["/api/v1/mobilisations/", "/api/v1/modeles-action/", "/api/v1/plans/", "/api/v1/actions/", "/api/v1/financements/"]:
        assert path in schema["paths"], path
