"""SECURITY.md 11: public forms and the API answer 429 past a per-client rate limit (django-ratelimit, DRF throttles)."""

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse

from ..utils import page_text
from .helpers import setting_values

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("clean_cache")]

LOGIN = "/compte/connexion/"
RESET = "/compte/mot-de-passe/oubli/"
SEARCH = "/territoires/recherche/"


def client_at(address, **headers):
    return Client(REMOTE_ADDR=address, **headers)


def assert_french_429(response):
    assert response.status_code == 429
    assert response["Retry-After"] == "60"
    page = page_text(response)
    assert "Trop de tentatives" in page and "Réessayez dans quelques minutes" in page
    assert "Mentions légales" in page  # the site's shell, like the other error pages


def test_login_is_limited_per_address_across_every_email(settings, coordinator_dinan, password):
    settings.RATE_LIMIT_LOGIN = "3/m"
    attacker = client_at("203.0.113.7")
    for n in range(3):  # one attempt per e-mail: django-axes, which counts (e-mail, address) pairs, sees nothing
        response = attacker.post(LOGIN, {"username": f"victime{n}@exemple.fr", "password": "Motdepasse-vole-1!"})
        assert response.status_code == 200 and "Adresse électronique ou mot de passe incorrect." in page_text(response)
    blocked = attacker.post(LOGIN, {"username": coordinator_dinan.email, "password": password})
    assert_french_429(blocked)
    assert "_auth_user_id" not in attacker.session  # even the right password does not log in past the limit
    assert attacker.get(LOGIN).status_code == 200  # reading the form is not counted
    colleague = client_at("198.51.100.20")  # another address keeps its own count
    assert colleague.post(LOGIN, {"username": coordinator_dinan.email, "password": password}).status_code == 302


def test_password_reset_is_limited_and_sends_no_mail_past_the_limit(settings, coordinator_dinan):
    settings.RATE_LIMIT_PASSWORD_RESET = "2/m"
    client = client_at("203.0.113.8")
    for _ in range(2):
        assert client.post(RESET, {"email": coordinator_dinan.email}).status_code == 302
    assert len(mail.outbox) == 2
    assert_french_429(client.post(RESET, {"email": coordinator_dinan.email}))
    assert len(mail.outbox) == 2
    assert client_at("198.51.100.21").post(RESET, {"email": "inconnu@exemple.fr"}).status_code == 302


def test_the_invitation_password_form_is_limited_per_address(settings, ars_region, cls_dinan):
    from mobilisation.accounts import services

    settings.RATE_LIMIT_PASSWORD_RESET = "2/m"
    invited = services.invite_person(
        by=ars_region,
        email="invitee@exemple.fr",
        first_name="Rozenn",
        last_name="Kerjean",
        role="elected_official",
        scope={"cls": cls_dinan},
    ).user
    url = reverse("people:accept_invitation", args=[invited.public_id, "jeton-devine"])
    client = client_at("203.0.113.10")
    for _ in range(2):  # guessing tokens
        assert "n’est plus valable" in page_text(client.post(url, {"new_password1": "x", "new_password2": "x"}))
    assert_french_429(client.post(url, {"new_password1": "x", "new_password2": "x"}))
    assert client.get(url).status_code == 200  # reading the page is not counted


def test_territory_search_is_limited_per_address(settings):
    settings.RATE_LIMIT_SEARCH = "4/m"
    client = client_at("203.0.113.9")
    for _ in range(4):
        assert "Dinan" in page_text(client.get(SEARCH, {"q": "dinan"}))
    blocked = client.get(SEARCH, {"q": "dinan"})
    assert_french_429(blocked)
    assert "22050" not in page_text(blocked)  # no result past the limit
    assert client.get("/territoires/").status_code == 200  # other public pages are not limited
    assert client_at("198.51.100.22").get(SEARCH, {"q": "dinan"}).status_code == 200


def test_an_address_sent_by_the_client_itself_is_ignored(settings):
    settings.RATE_LIMIT_SEARCH = "2/m"
    client = client_at("203.0.113.10")
    for n in range(2):
        client.get(SEARCH, {"q": "brest"}, HTTP_X_FORWARDED_FOR=f"10.0.0.{n}")
    assert client.get(SEARCH, {"q": "brest"}, HTTP_X_FORWARDED_FOR="10.0.0.99").status_code == 429


def test_behind_a_trusted_proxy_each_client_is_counted_apart(settings):
    settings.NUM_PROXIES = 1
    settings.RATE_LIMIT_SEARCH = "2/m"
    proxy = client_at("10.1.1.1")  # every request arrives from the reverse proxy, which appends the client's address

    def search(forwarded_for):
        return proxy.get(SEARCH, {"q": "brest"}, HTTP_X_FORWARDED_FOR=forwarded_for).status_code

    assert [search("192.0.2.1"), search("192.0.2.1"), search("192.0.2.1")] == [200, 200, 429]
    assert search("192.0.2.2") == 200  # another client behind the same proxy
    assert search("1.2.3.4, 192.0.2.1") == 429  # a forged leftmost entry does not change the client's address
    assert search("not-an-address") == 200  # unusable header: the proxy's own address, not a 500


def test_anonymous_api_requests_are_throttled_per_address_in_french(settings):
    settings.API_THROTTLE_ANON = "3/m"
    client = client_at("203.0.113.11")
    for _ in range(3):
        assert client.get("/api/v1/departements/").status_code == 200
    blocked = client.get("/api/v1/communes/")  # the ceiling covers the whole API, not one endpoint
    assert blocked.status_code == 429
    assert blocked["Content-Type"] == "application/json"
    detail = blocked.json()["detail"]
    assert detail.startswith("Trop de requêtes : la limite de l’API est atteinte. Réessayez dans ")
    assert int(blocked["Retry-After"]) > 0
    assert client_at("198.51.100.23").get("/api/v1/departements/").status_code == 200


def test_api_token_requests_are_throttled_per_account(settings, api_for, coordinator_dinan, coordinator_brest):
    settings.API_THROTTLE_USER = "3/m"
    dinan = api_for(coordinator_dinan)
    for _ in range(3):
        assert dinan.get("/api/v1/plans/").status_code == 200
    blocked = dinan.get("/api/v1/plans/")
    assert blocked.status_code == 429 and "Réessayez dans" in blocked.json()["detail"]
    second_token = api_for(coordinator_dinan)  # a new token of the same account shares its count
    assert second_token.get("/api/v1/actions/").status_code == 429
    assert api_for(coordinator_brest).get("/api/v1/plans/").status_code == 200  # another account, same address


def test_api_session_requests_count_for_the_account(settings, login, coordinator_dinan):
    settings.API_THROTTLE_USER = "2/m"
    client = login(coordinator_dinan)
    assert [client.get("/api/v1/plans/").status_code for _ in range(3)] == [200, 200, 429]
    assert client.get(reverse("portal:dashboard")).status_code == 200  # pages are not throttled by the API's ceiling


def test_default_rates_come_from_the_environment():
    """The benchmark raises the ceilings through the environment; a malformed rate stops the start."""
    dev = {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    run = setting_values(
        "settings.RATE_LIMIT_LOGIN, settings.API_THROTTLE_USER", RATE_LIMIT_LOGIN="500/m", API_THROTTLE_USER="9000/m", **dev
    )
    assert run.stdout.split() == ["500/m", "9000/m"]
    failed = setting_values("settings.RATE_LIMIT_LOGIN", RATE_LIMIT_LOGIN="vingt par minute", **dev)
    assert failed.returncode != 0 and "RATE_LIMIT_LOGIN doit être un débit" in failed.stderr


def test_shared_cache_is_redis_when_cache_url_is_set():
    dev = {"DJANGO_SETTINGS_MODULE": "config.settings.dev"}
    unset = setting_values("settings.CACHES['default']['BACKEND']", CACHE_URL=None, **dev)
    assert unset.stdout.strip() == "django.core.cache.backends.locmem.LocMemCache"
    run = setting_values(
        "settings.CACHES['default']['BACKEND'], settings.CACHES['default']['LOCATION']", CACHE_URL="redis://127.0.0.1:6379/1", **dev
    )
    assert run.stdout.split() == ["django.core.cache.backends.redis.RedisCache", "redis://127.0.0.1:6379/1"]


def test_the_volunteer_sign_up_is_limited_per_address_and_stores_nothing_past_the_limit(settings):
    from mobilisation.mutualaid.models import Volunteer

    settings.RATE_LIMIT_PUBLIC_FORMS = "2/m"
    url = reverse("volunteers:sign_up", args=["22050"])
    client = client_at("203.0.113.9")

    def sign_up(n):
        data = {
            "first_name": "Yann",
            "last_name": f"Le Gall {n}",
            "email": f"yann{n}@exemple.invalid",
            "phone": "02 61 91 00 01",
            "age_band": "18-29",
            "skills": ["courses"],
            "communes": ["22050"],
            "slot_0_1": "on",
            "consent": "on",
            "charter": "on",
        }
        return client.post(url, data)

    assert sign_up(1).status_code == 302 and sign_up(2).status_code == 302
    assert_french_429(sign_up(3))
    assert Volunteer.objects.count() == 2 and len(mail.outbox) == 2
    assert client.get(url).status_code == 200  # reading the form is not counted
