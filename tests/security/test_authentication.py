"""SECURITY.md 8, 9 and 12: access lost at once, lockouts that a forged header cannot dodge, deployment checks."""

import json
import secrets

import pytest
from django.test import Client
from django.urls import reverse

from mobilisation.accounts.models import Membership

from ..utils import page_text
from .helpers import run_django, setting_values

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


# 8. A deactivated user, or one removed from a scope, loses access at once: sessions and API tokens alike.


def access(world, client, api):
    """What the user reaches of Dinan's plan: (plan page, API plans list, API plan detail)."""
    plan = world["dinan"].plan
    return (
        client.get(plan.get_absolute_url()).status_code,
        [row["id"] for row in api.get("/api/v1/plans/").json().get("results", [])],
        api.get(f"/api/v1/plans/{plan.public_id}/").status_code,
    )


def test_a_deactivated_user_loses_pages_session_api_and_tokens_at_once(world, login, api_for, coordinator_dinan):
    client, token_api = login(coordinator_dinan), api_for(coordinator_dinan)
    plan_id = str(world["dinan"].plan.public_id)
    assert access(world, client, token_api) == (200, [plan_id], 200)
    assert client.get("/api/v1/plans/").json()["count"] == 1  # the session reaches the API too
    coordinator_dinan.is_active = False
    coordinator_dinan.save(update_fields=["is_active"])
    page = client.get(world["dinan"].plan.get_absolute_url())
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)
    assert client.get("/api/v1/plans/").status_code in {401, 403}
    response = token_api.get("/api/v1/plans/")
    assert response.status_code == 401 and "Jeton invalide" in response.json()["detail"]
    assert token_api.get(f"/api/v1/plans/{plan_id}/").status_code == 401


def test_a_user_removed_from_the_scope_loses_it_at_once_in_pages_and_api(world, login, api_for, coordinator_dinan):
    client, token_api = login(coordinator_dinan), api_for(coordinator_dinan)
    assert access(world, client, token_api)[0] == 200
    Membership.objects.filter(user=coordinator_dinan).update(is_active=False)
    assert access(world, client, token_api) == (404, [], 404)
    assert client.get(world["dinan"].cls.get_workspace_url()).status_code == 404
    assert client.get(world["dinan"].funding.get_absolute_url()).status_code == 404


def test_a_membership_deleted_or_moved_to_another_cls_takes_effect_at_once(world, login, api_for, coordinator_dinan, cls_brest):
    client, token_api = login(coordinator_dinan), api_for(coordinator_dinan)
    Membership.objects.filter(user=coordinator_dinan).update(cls=cls_brest)  # moved to Brest
    assert access(world, client, token_api) == (404, [str(world["brest"].plan.public_id)], 404)
    assert client.get(world["brest"].plan.get_absolute_url()).status_code == 200
    Membership.objects.filter(user=coordinator_dinan).delete()
    assert client.get(world["brest"].plan.get_absolute_url()).status_code == 404
    assert token_api.get("/api/v1/plans/").json()["count"] == 0


def test_a_write_in_flight_is_refused_once_the_scope_is_removed(world, login, coordinator_dinan):
    client = login(coordinator_dinan)
    plan = world["dinan"].plan
    form = client.get(reverse("plans:diagnosis", args=[plan.public_id]))
    assert form.status_code == 200
    Membership.objects.filter(user=coordinator_dinan).update(is_active=False)
    response = client.post(reverse("plans:diagnosis", args=[plan.public_id]), {"needs": "après le retrait", "version_seen": plan.version})
    assert response.status_code == 404
    plan.refresh_from_db()
    assert plan.needs != "après le retrait"


def test_deactivations_made_in_the_people_section_take_effect_at_once(world, login, api_for, ars_region, coordinator_dinan):
    """The ARS region deactivates the coordinator's membership, then the account, through the application's pages."""
    client, token_api = login(coordinator_dinan), api_for(coordinator_dinan)
    plan_id = str(world["dinan"].plan.public_id)
    assert access(world, client, token_api) == (200, [plan_id], 200)
    region = login(ars_region)
    membership = coordinator_dinan.memberships.get()
    response = region.post(reverse("people:deactivate_membership", args=[membership.public_id]), {"reason": "Changement de poste"})
    assert response.status_code == 302
    assert access(world, client, token_api) == (404, [], 404)  # the very next request, in pages and through the token
    region.post(reverse("people:reactivate_membership", args=[membership.public_id]), {"reason": "Retour"})
    assert access(world, client, token_api) == (200, [plan_id], 200)
    response = region.post(reverse("people:deactivate", args=[coordinator_dinan.public_id]), {"reason": "Départ"})
    assert response.status_code == 302
    page = client.get(world["dinan"].plan.get_absolute_url())
    assert page.status_code == 302 and page["Location"].startswith(LOGIN)  # the session no longer counts
    assert client.get("/api/v1/plans/").status_code in {401, 403}
    assert token_api.get("/api/v1/plans/").status_code == 401
    region.post(reverse("people:reactivate", args=[coordinator_dinan.public_id]), {"reason": "Retour"})
    assert token_api.get("/api/v1/plans/").status_code == 401  # its tokens were revoked, not suspended
    assert api_for(coordinator_dinan).get("/api/v1/plans/").json()["count"] == 1  # a new token works


def test_a_coordinator_removing_a_partner_takes_effect_at_once(login, api_for, coordinator_dinan, partner_dinan):
    client, token_api = login(partner_dinan), api_for(partner_dinan)
    organisation = partner_dinan.memberships.get().organisation
    assert client.get(organisation.get_absolute_url()).status_code == 200
    membership = partner_dinan.memberships.get()
    login(coordinator_dinan).post(reverse("people:deactivate_membership", args=[membership.public_id]), {"reason": "Départ"})
    assert client.get(organisation.get_absolute_url()).status_code == 404
    assert token_api.get("/api/v1/plans/").json()["count"] == 0


# 9. The lockout holds against a client that forges its address.


def test_a_forged_forwarded_address_does_not_dodge_the_lockout(settings, coordinator_dinan, password):
    client = Client(REMOTE_ADDR="203.0.113.50")
    for n in range(settings.AXES_FAILURE_LIMIT):
        client.post(LOGIN, {"username": coordinator_dinan.email, "password": "faux"}, HTTP_X_FORWARDED_FOR=f"192.0.2.{n}")
    locked = client.post(LOGIN, {"username": coordinator_dinan.email, "password": password}, HTTP_X_FORWARDED_FOR="192.0.2.200")
    assert locked.status_code == 429 and "Connexion temporairement bloquée" in page_text(locked)
    assert "_auth_user_id" not in client.session


def test_the_lockout_of_one_address_leaves_a_colleague_at_another_address_alone(settings, coordinator_dinan, password):
    attacker = Client(REMOTE_ADDR="203.0.113.51")
    for _ in range(settings.AXES_FAILURE_LIMIT):
        attacker.post(LOGIN, {"username": coordinator_dinan.email, "password": "faux"})
    assert attacker.post(LOGIN, {"username": coordinator_dinan.email, "password": password}).status_code == 429
    colleague = Client(REMOTE_ADDR="198.51.100.51")
    assert colleague.post(LOGIN, {"username": coordinator_dinan.email, "password": password}).status_code == 302


# 12. `manage.py check --deploy` passes on production settings, which hold the transport and cookie protections.

PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": secrets.token_urlsafe(48)[:64].ljust(64, "x"),
    "ALLOWED_HOSTS": "mobilisation-cls.example",
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1maWVsZC1rZXktMzJieXQ=",
    "SITE_URL": "https://mobilisation-cls.example",
    "DATABASE_URL": "sqlite:////tmp/mobilisation-check-deploy.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
    "SECURE_SSL_REDIRECT": None,
}


@pytest.mark.parametrize(
    "cache", [{"CACHE_URL": None, "PAGE_CACHE_SECONDS": "0"}, {"CACHE_URL": "redis://127.0.0.1:6379/1"}], ids=["per-process-cache", "redis"]
)
def test_check_deploy_passes_on_production_settings(cache):
    assert len(PRODUCTION["SECRET_KEY"]) == 64
    run = run_django(["manage.py", "check", "--deploy", "--fail-level", "WARNING"], **{**PRODUCTION, **cache})
    assert run.returncode == 0, run.stdout + run.stderr
    assert "System check identified no issues" in run.stdout


def test_production_refuses_to_cache_pages_without_a_shared_cache():
    run = run_django(["manage.py", "check", "--deploy"], **{**PRODUCTION, "CACHE_URL": None})
    assert run.returncode != 0 and "CACHE_URL doit désigner le cache Redis partagé" in run.stderr


def test_production_refuses_to_start_without_a_real_secret_key():
    run = run_django(["manage.py", "check", "--deploy"], **{**PRODUCTION, "SECRET_KEY": "court"})
    assert run.returncode != 0 and "SECRET_KEY doit être défini" in run.stderr


def test_production_settings_protect_transport_and_cookies():
    names = [
        "SECURE_HSTS_SECONDS",
        "SECURE_HSTS_INCLUDE_SUBDOMAINS",
        "SECURE_SSL_REDIRECT",
        "SESSION_COOKIE_SECURE",
        "SESSION_COOKIE_HTTPONLY",
        "CSRF_COOKIE_SECURE",
        "DEBUG",
        "DEMO",
        "X_FRAME_OPTIONS",
        "SECURE_CONTENT_TYPE_NOSNIFF",
    ]
    run = setting_values("__import__('json').dumps({name: getattr(settings, name) for name in " + repr(names) + "})", **PRODUCTION)
    assert run.returncode == 0, run.stderr
    values = json.loads(run.stdout)
    assert values["SECURE_HSTS_SECONDS"] >= 365 * 24 * 3600
    assert values["SECURE_HSTS_INCLUDE_SUBDOMAINS"] is True
    assert values["SECURE_SSL_REDIRECT"] is True
    assert values["SESSION_COOKIE_SECURE"] is True and values["SESSION_COOKIE_HTTPONLY"] is True
    assert values["CSRF_COOKIE_SECURE"] is True
    assert values["DEBUG"] is False and values["DEMO"] is False
    assert values["X_FRAME_OPTIONS"] == "DENY" and values["SECURE_CONTENT_TYPE_NOSNIFF"] is True
