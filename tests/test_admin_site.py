"""The admin: a 404 at once for signed-in users who may not use it (no redirect loop), and API tokens that can be
revoked there but never re-opened nor extended."""

import datetime

import pytest
from django.forms import modelform_factory
from django.test import Client
from django.utils import timezone
from rest_framework.test import APIClient

from mobilisation.accounts.models import ApiToken

from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("persona", ["coordinator_dinan", "delegation_22", "resource_pole", "elected_dinan", "social_services_dinan"])
def test_signed_in_users_without_the_admin_get_a_404_at_once(request, login, persona):
    client = login(request.getfixturevalue(persona))
    for url in ["/admin/", "/admin/login/?next=/admin/", "/admin/contracts/cls/", "/admin/accounts/apitoken/", "/admin/logout/"]:
        response = client.get(url, follow=True)  # before: admin login → site login → admin login… (RedirectCycleError)
        assert response.redirect_chain == [] and response.status_code == 404, (persona, url, response.redirect_chain)
        assert "Page non trouvée" in page_text(response)
    assert client.get("/compte/connexion/?next=/admin/", follow=True).status_code == 404  # the site's login sends them on


def test_anonymous_users_still_go_to_the_sites_login_and_on_to_the_admin(ars_region, password):
    from mobilisation.accounts.second_factor import current_code

    from .utils import second_factor_device

    device = second_factor_device(ars_region)
    client = Client()
    response = client.get("/admin/contracts/cls/", follow=True)
    assert response.redirect_chain == [("/compte/connexion/?next=/admin/contracts/cls/", 302)]
    assert "Se connecter" in page_text(response)
    signed_in = client.post(
        "/compte/connexion/?next=/admin/contracts/cls/",
        {"username": ars_region.email, "password": password, "next": "/admin/contracts/cls/"},
        follow=True,
    )
    # The admin asks the second factor of everyone: the code, then on to the page asked for.
    assert signed_in.redirect_chain == [("/compte/double-authentification/verification/?next=%2Fadmin%2Fcontracts%2Fcls%2F", 302)]
    verified = client.post(
        "/compte/double-authentification/verification/", {"code": current_code(device.key), "next": "/admin/contracts/cls/"}, follow=True
    )
    assert verified.redirect_chain == [("/admin/contracts/cls/", 302)] and verified.status_code == 200
    assert client.get("/admin/login/?next=/admin/accounts/user/", follow=True).redirect_chain == [("/admin/accounts/user/", 302)]
    assert client.get("/admin/login/?next=https://pirate.example/", follow=True).redirect_chain == [("/admin/", 302)]


@pytest.fixture
def revoked(coordinator_dinan):
    token, key = ApiToken.issue(user=coordinator_dinan, name="script", expires_at=timezone.now() + datetime.timedelta(days=30))
    token.revoke()
    token.refresh_from_db()
    return token, key


def test_an_admin_post_cannot_reopen_nor_extend_a_token(login, ars_region, revoked, coordinator_dinan):
    token, key = revoked
    before = ApiToken.objects.values("revoked_at", "expires_at").get(pk=token.pk)
    expired, expired_key = ApiToken.issue(user=coordinator_dinan, name="ancien", expires_at=timezone.now() - datetime.timedelta(days=1))
    admin = login(ars_region, verified=True)
    for target in (token, expired):
        url = f"/admin/accounts/apitoken/{target.pk}/change/"
        form = page_text(admin.get(url))
        assert 'name="revoked_at_0"' not in form and 'name="expires_at_0"' not in form  # shown, not editable
        reopen = {
            "name": "script rouvert",
            "revoked_at_0": "",
            "revoked_at_1": "",
            "expires_at_0": "31/12/2099",
            "expires_at_1": "23:59:59",
            "_save": "Enregistrer",
        }
        assert admin.post(url, reopen).status_code == 302
    assert ApiToken.objects.values("revoked_at", "expires_at").get(pk=token.pk) == before
    expired.refresh_from_db()
    assert expired.expires_at < timezone.now() and expired.name == "script rouvert"  # the name alone is editable
    for refused in (key, expired_key):
        assert APIClient(HTTP_AUTHORIZATION=f"Token {refused}").get("/api/v1/plans/").status_code == 401


def test_no_model_form_offers_the_expiry_or_the_revocation():
    assert set(modelform_factory(ApiToken, fields="__all__").base_fields) == {"user", "name", "last_used_at"}


def test_the_admin_revokes_tokens_for_good(login, ars_region, coordinator_dinan, revoked):
    token, _ = revoked
    first_revocation = token.revoked_at
    live, live_key = ApiToken.issue(user=coordinator_dinan, name="actif")
    api = APIClient(HTTP_AUTHORIZATION=f"Token {live_key}")
    assert api.get("/api/v1/plans/").status_code == 200
    response = login(ars_region, verified=True).post(
        "/admin/accounts/apitoken/", {"action": "revoke", "_selected_action": [live.pk, token.pk]}, follow=True
    )
    assert "1 jeton(s) révoqué(s)." in page_text(response)
    assert api.get("/api/v1/plans/").status_code == 401
    token.refresh_from_db()
    assert token.revoked_at == first_revocation  # a second revocation keeps the first date
