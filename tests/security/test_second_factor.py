"""SECURITY.md, authentication: a second factor for every account that reads personal data (ADR 007).

An unverified session of such an account reaches nothing but the second factor's pages (every route of the resolver
is walked), the admin asks a verified second factor of everyone, tokens are no way around it, codes are rate-limited.
"""

import re
import uuid

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import get_resolver, reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.accounts.decorators import second_factor_required
from mobilisation.accounts.middleware import EXEMPT_URL_NAMES, is_exempt
from mobilisation.accounts.models import ApiToken
from mobilisation.accounts.second_factor import current_code

from ..factories import PASSWORD
from ..test_access import walk
from ..utils import login_verified, page_text, second_factor_device
from .helpers import data_writes

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_cache")]

ENROL = "/compte/double-authentification/configurer/"
VERIFY = "/compte/double-authentification/verification/"
SAMPLE = {"uuid": str(uuid.uuid4()), "int": "1", "slug": "dinan", "str": "x", "path": "x"}


def concrete(route):
    """A route of the resolver as an address: each converter given a sample value (the wall stands before any view)."""
    path = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SAMPLE.get(m.group(1) or "str", "x"), route)
    return "/" + path.lstrip("^").rstrip("$").replace("\\", "")


def routes():
    for name, route, _callback in walk(get_resolver().url_patterns):
        if "(?P" in route or "\\." in route and route.startswith("admin/"):
            continue  # the admin's regular expressions: the admin is walked through its own pages below
        yield name, concrete(route)


def password_step(user, address="192.0.2.10"):
    client = Client(REMOTE_ADDR=address)
    assert client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD}).status_code == 302
    return client


@pytest.mark.parametrize("has_device", [False, True], ids=["sans application", "avec application"])
def test_an_unverified_sensitive_session_reaches_nothing_but_the_exempt_pages(social_services_dinan, has_device):
    if has_device:
        second_factor_device(social_services_dinan)
    client = password_step(social_services_dinan)
    target = VERIFY if has_device else ENROL
    checked = 0
    for name, address in routes():
        if name in EXEMPT_URL_NAMES:
            continue
        with CaptureQueriesContext(connection) as queries:
            get = client.get(address)
            post = client.post(address, {"name": "x", "reason": "x", "email": "x@exemple.fr"})
        if address.startswith("/api/"):
            for response in (get, post):
                assert response.status_code == 403 and "Double authentification requise" in response.json()["detail"], address
        else:
            assert get.status_code == 302 and get["Location"].startswith(target), (name, address, get.status_code)
            assert post.status_code == 302 and post["Location"] == target, (name, address, post.status_code)
        assert data_writes(queries, bookkeeping=("django_session",)) == [], address
        checked += 1
    assert checked > 60
    for address in ["/admin/", "/admin/accounts/user/", "/nulle-part/"]:
        assert client.get(address)["Location"].startswith(target), address
    for address in ["/accessibilite/", "/mentions-legales/", "/donnees-personnelles/", "/healthz", target]:
        assert client.get(address).status_code == 200, address  # never sent round to the code page
    assert is_exempt("/static/css/mobilisation.css")  # WhiteNoise serves them before; the wall lets them by anyway
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert "_auth_user_id" not in client.session


def test_the_api_by_session_answers_a_french_403_until_the_code(social_services_dinan):
    device = second_factor_device(social_services_dinan)
    client = password_step(social_services_dinan)
    response = client.get("/api/v1/plans/")
    assert response.status_code == 403 and response.json() == {
        "detail": "Double authentification requise : connectez-vous au site et saisissez votre code avant d’utiliser l’API."
    }
    client.post(VERIFY, {"code": current_code(device.key)})
    assert client.get("/api/v1/plans/").status_code == 200


def test_tokens_of_accounts_that_must_use_a_second_factor_are_refused(social_services_dinan, coordinator_dinan, partner_organisation_dinan):
    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership

    _, key = ApiToken.issue(user=social_services_dinan, name="ancien jeton")  # made before the rule, or by the admin
    response = Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {key}")
    assert response.status_code == 401
    assert "ne valent pas pour les comptes soumis à la double authentification" in response.json()["detail"]
    _, coordinator_key = ApiToken.issue(user=coordinator_dinan, name="tableur")
    assert Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {coordinator_key}").status_code == 200
    # The coordinator becomes a volunteer too: the token stops at once.
    Membership.objects.create(user=coordinator_dinan, role=Role.VOLUNTEER, organisation=partner_organisation_dinan)
    assert Client().get("/api/v1/plans/", HTTP_AUTHORIZATION=f"Token {coordinator_key}").status_code == 401


def test_the_admin_asks_a_verified_second_factor_of_everyone(ars_region, coordinator_dinan, social_services_dinan):
    region = password_step(ars_region)  # no device: the site is open, the admin is not
    assert region.get("/espace/").status_code == 200
    assert region.get("/admin/")["Location"] == f"{ENROL}?next=%2Fadmin%2F"
    assert region.get("/admin/accounts/user/")["Location"].startswith(ENROL)
    assert region.get("/admin/login/?next=/admin/")["Location"].startswith(ENROL)
    device = second_factor_device(ars_region)
    assert region.get("/admin/")["Location"] == f"{VERIFY}?next=%2Fadmin%2F"
    assert region.post(VERIFY, {"code": current_code(device.key), "next": "/admin/"})["Location"] == "/admin/"
    assert region.get("/admin/").status_code == 200
    assert region.get("/admin/accounts/user/").status_code == 200
    # Non-admins: a 404 at once, verified or not (no loop through the login).
    assert password_step(coordinator_dinan).get("/admin/").status_code == 404
    verified = Client()
    login_verified(verified, coordinator_dinan)
    assert verified.get("/admin/").status_code == 404
    agent = Client()
    login_verified(agent, social_services_dinan)
    assert agent.get("/admin/").status_code == 404


def test_a_superuser_needs_the_code_for_the_admin(django_user_model):
    root = django_user_model.objects.create_superuser("racine@exemple.fr", PASSWORD)
    client = password_step(root)
    assert client.get("/admin/")["Location"].startswith(ENROL)
    login_verified(client, root)
    assert client.get("/admin/").status_code == 200


def test_codes_are_rate_limited_per_address(settings, social_services_dinan):
    settings.RATE_LIMIT_SECOND_FACTOR = "3/m"
    settings.SECOND_FACTOR_FAILURE_LIMIT = 100  # the address limit alone
    device = second_factor_device(social_services_dinan)
    client = password_step(social_services_dinan, "203.0.113.9")
    for _ in range(3):
        assert client.post(VERIFY, {"code": "000000"}).status_code == 200
    blocked = client.post(VERIFY, {"code": current_code(device.key)})
    assert blocked.status_code == 429 and "Trop de tentatives" in page_text(blocked)
    assert client.get("/espace/")["Location"].startswith(VERIFY)
    assert client.get(VERIFY).status_code == 200  # reading the form is not counted


def test_the_lockout_counts_for_the_account_whatever_the_address(settings, social_services_dinan):
    settings.OTP_TOTP_THROTTLE_FACTOR = settings.OTP_STATIC_THROTTLE_FACTOR = 0
    device = second_factor_device(social_services_dinan)
    for n in range(settings.SECOND_FACTOR_FAILURE_LIMIT):
        password_step(social_services_dinan, f"198.51.100.{n + 1}").post(VERIFY, {"code": "000000"})
    client = password_step(social_services_dinan, "198.51.100.200")
    response = client.post(VERIFY, {"code": current_code(device.key)})
    assert response.status_code == 429 and "bloquée pendant 15 minutes" in page_text(response)


def test_the_decorator_sends_an_unverified_user_to_the_code(rf, coordinator_dinan, social_services_dinan):
    from django.contrib.sessions.backends.db import SessionStore
    from django.http import HttpResponse

    @second_factor_required
    def register(request):
        return HttpResponse("registre")

    second_factor_device(social_services_dinan)
    for user, expected in [(coordinator_dinan, ENROL), (social_services_dinan, VERIFY)]:
        request = rf.get("/registre/?commune=22050")
        request.user, request.session = user, SessionStore()
        user.is_verified = lambda: False
        response = register(request)
        assert response.status_code == 302 and response["Location"] == f"{expected}?next=%2Fregistre%2F%3Fcommune%3D22050"
    request = rf.get("/registre/")
    request.user = social_services_dinan
    social_services_dinan.is_verified = lambda: True
    assert register(request).content == b"registre"
    assert register.second_factor_required


def test_the_demo_secret_never_reaches_production(monkeypatch):
    from django.test import override_settings

    from mobilisation.accounts.demo import create_demo_accounts, give_demo_device

    with override_settings(DEMO=False), pytest.raises(AssertionError):
        create_demo_accounts(password=PASSWORD)
    with override_settings(DEMO=False), pytest.raises(AssertionError):
        give_demo_device(None)
    assert not TOTPDevice.objects.exists()
