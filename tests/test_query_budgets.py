"""Query budgets of the key pages: the SQL queries of one request stay the same when the data grows (no N+1).

The pages are the benchmark's (bench/endpoints.py), opened by the same personas on the "Bretagne en crise"
dataset: once on a small dataset, then after a second batch has added CLS, plans, funding and restrictions and
the coordinator's plan has grown by 30 actions.
"""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from bench.dataset import generate
from bench.dataset.accounts import PERSONAS
from bench.dataset.context import Context
from bench.dataset.plans import grow
from bench.endpoints import ENDPOINTS
from bench.sessions import signed_in, targets
from mobilisation.accounts.models import ApiToken, User
from mobilisation.plans.models import Plan, PlannedAction

pytestmark = pytest.mark.django_db

# The most queries each page may run; the test also fails if the count changes with the data.
BUDGETS = {
    "floor": 1,
    "home": 7,
    "catalogue": 12,
    "commune": 5,
    "registry": 2,
    "help": 10,
    "plan": 27,
    "delegation": 17,
    "region": 18,
    "people": 8,
    "queue": 6,
    "directory": 8,
    "api_actions": 8,
    "register": 12,
    "person": 12,
    "calls": 12,
    "campaign": 16,
    "journal": 8,
    "jobs": 5,
    # A partner member's session is verified by a second factor: django-otp reads the device (one query a page).
    "volunteers": 8,
    "volunteers_waiting": 8,
    "volunteer_sign_up": 3,
    "aid_queue": 7,
    "aid_matching": 12,
    "missions": 10,
    "housing": 8,
    "housing_capacity": 6,
    "housing_ask": 3,
    "aid_ask": 3,
    "hotline_log": 14,
    "hotline_services": 11,
    "hotline_callbacks": 7,
    "hotline_faq": 8,
    "public_faq": 5,
    "veille_region": 16,
    "veille_department": 12,
}


def open_as(endpoint):
    if endpoint.persona is None:
        return Client()
    user = User.objects.get(email=PERSONAS[endpoint.persona])
    if endpoint.token:
        _, key = ApiToken.issue(user=user, name="budget")
        return Client(headers={"authorization": f"Token {key}"})
    return signed_in(user)


def queries_of(endpoint, plan):
    client = open_as(endpoint)
    url = endpoint.url(targets())
    client.get(url)  # per-process caches (content types) filled, as on a running server
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, (endpoint.key, response.status_code)
    assert endpoint.expect in response.content.decode(), endpoint.key
    return len(queries), response


def test_every_key_page_has_a_budget():
    assert {endpoint.key for endpoint in ENDPOINTS} == set(BUDGETS)


@pytest.mark.parametrize("endpoint", ENDPOINTS, ids=lambda e: e.key)
def test_query_count_does_not_grow_with_the_data(endpoint):
    generate(scale=0.05, seed=1)
    plan = Plan.objects.get(cls__memberships__user__email=PERSONAS["coordinator"])
    small, first = queries_of(endpoint, plan)
    actions_before, plans_before = PlannedAction.objects.count(), Plan.objects.count()

    generate(scale=0.3, seed=2)
    grow(Context(scale=1, seed=3), plan, actions=30)
    assert Plan.objects.count() > 3 * plans_before and PlannedAction.objects.count() > 3 * actions_before
    assert plan.actions.count() >= 60

    large, second = queries_of(endpoint, plan)
    assert large == small, f"{endpoint.key}: {small} queries on the small dataset, {large} on the large one"
    assert large <= BUDGETS[endpoint.key], f"{endpoint.key}: {large} queries, budget {BUDGETS[endpoint.key]}"
    if endpoint.key in ("plan", "region"):
        assert len(second.content) > len(first.content)  # the page really shows the added rows
