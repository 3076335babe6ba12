"""The second factor (ADR 007): who must use it, enrolment, backup codes, the code at login, session lifetime, reset."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django_otp import DEVICE_ID_SESSION_KEY
from django_otp.plugins.otp_static.models import StaticDevice, StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.accounts import services
from mobilisation.accounts.enums import AccountEventKind, Role
from mobilisation.accounts.models import AccountEvent, Membership
from mobilisation.accounts.second_factor import LOCKED, WRONG_CODE, current_code

from .conftest import persona
from .factories import PASSWORD, UserFactory
from .utils import login_verified, page_text, second_factor_device

pytestmark = pytest.mark.django_db

ENROL = "/compte/double-authentification/configurer/"
VERIFY = "/compte/double-authentification/verification/"
OVERVIEW = "/compte/double-authentification/"
DASHBOARD = "/espace/"


def code_now(device):
    """What the device's application shows now; the device forgets the last code it took (a code is accepted once)."""
    TOTPDevice.objects.filter(pk=device.pk).update(last_t=-1)
    return current_code(device.key)


def wrong_code(device):
    return f"{(int(current_code(device.key)) + 500_000) % 1_000_000:06d}"


def password_login(user):
    client = Client()
    response = client.post(reverse("accounts:login"), {"username": user.email, "password": PASSWORD})
    return client, response


@pytest.fixture
def manager_dinan(db):
    return persona(Role.SOCIAL_SERVICES_MANAGER, "ccas.responsable.dinan@exemple.fr", commune_id="22050")


@pytest.fixture
def no_throttle(settings):
    """django-otp's own wait after a failure (1 s, then 2, 4…) out of the way, to test what comes after it."""
    settings.OTP_TOTP_THROTTLE_FACTOR = 0
    settings.OTP_STATIC_THROTTLE_FACTOR = 0


# Who


def test_who_must_use_a_second_factor(
    social_services_dinan,
    manager_dinan,
    volunteer_dinan,
    coordinator_dinan,
    elected_dinan,
    delegation_22,
    ars_region,
    resource_pole,
    partner_dinan,
):
    must = {social_services_dinan, manager_dinan, volunteer_dinan, partner_dinan}  # a partner reads the people it helps
    for user in [
        social_services_dinan,
        manager_dinan,
        volunteer_dinan,
        coordinator_dinan,
        elected_dinan,
        delegation_22,
        ars_region,
        resource_pole,
        partner_dinan,
    ]:
        assert user.requires_second_factor is (user in must), user.email
    assert UserFactory(email="tech@exemple.fr", is_staff=True).requires_second_factor
    assert UserFactory(email="root@exemple.fr", is_superuser=True).requires_second_factor
    social_services_dinan.is_active = False
    assert not social_services_dinan.requires_second_factor


def test_the_rule_reads_the_scope_and_no_more(social_services_dinan, django_assert_num_queries):
    social_services_dinan.scope  # noqa: B018 (computed once per request anyway)
    with django_assert_num_queries(0):
        assert social_services_dinan.requires_second_factor


# Enrolment


def enrolment_page(client):
    response = client.get(ENROL)
    assert response.status_code == 200
    text = page_text(response)
    secret = re.search(r'name="secret" value="([^"]+)"', text).group(1)
    blocks = re.search(r'<code id="cle-secrete"[^>]*>(.*?)</code>', text, re.S).group(1)
    key_b32 = re.sub(r"<[^>]+>|\s", "", blocks)
    return response, secret, key_b32


def hex_of(key_b32):
    import base64

    return base64.b32decode(key_b32).hex()


def test_an_agent_without_a_device_is_sent_to_enrolment_at_login(social_services_dinan):
    client, response = password_login(social_services_dinan)
    assert response.status_code == 302 and response["Location"].startswith(ENROL)
    assert client.get(DASHBOARD)["Location"].startswith(ENROL)


def test_the_enrolment_page_shows_a_qr_code_in_svg_and_the_key_in_blocks_and_writes_nothing(login, social_services_dinan):
    client = login(social_services_dinan, verified=False)
    response, secret, key_b32 = enrolment_page(client)
    text = page_text(response)
    assert '<svg role="img" aria-label="Code QR' in text and "<script" not in text.split("<main")[1].split("</main>")[0]
    assert re.search(r'<code id="cle-secrete"[^>]*>(<span>[A-Z2-7]{4}</span> ?){8}</code>', text)
    assert len(key_b32) == 32
    assert "la double authentification est obligatoire" in text
    csp = response["Content-Security-Policy"]
    assert "script-src 'self' 'nonce-" in csp and "unsafe-inline" not in csp.split("script-src")[1].split(";")[0]
    assert not TOTPDevice.objects.filter(user=social_services_dinan).exists()
    assert enrolment_page(client)[2] != key_b32  # a new key at each display


def test_enrolment_with_a_wrong_code_is_a_french_field_error_and_stores_nothing(login, social_services_dinan):
    client = login(social_services_dinan, verified=False)
    _, secret, key_b32 = enrolment_page(client)
    good = current_code(hex_of(key_b32))
    for code, message in [
        (f"{(int(good) + 1) % 1_000_000:06d}", "Ce code ne correspond pas"),
        ("12345", "Le code compte 6 chiffres"),
        ("abcdef", "Le code compte 6 chiffres"),
        ("", "Saisissez le code à 6 chiffres"),
        ("1" * 10_000, "Assurez-vous que cette valeur comporte au plus 20 caractères"),
        ("12\x0034", "Le caractère nul n’est pas autorisé."),
    ]:
        response = client.post(ENROL, {"secret": secret, "code": code})
        text = page_text(response)
        assert response.status_code == 200, code
        assert message in text, (code, message)
        assert "fr-input-group--error" in text and "Rien n’a été enregistré" in text
        assert re.sub(r"<[^>]+>|\s", "", re.search(r'<code id="cle-secrete"[^>]*>(.*?)</code>', text, re.S).group(1)) == key_b32
    response = client.post(ENROL, {"secret": secret + "x", "code": good})
    assert "Cette page a expiré" in page_text(response)
    assert not TOTPDevice.objects.filter(user=social_services_dinan).exists()
    assert client.get(DASHBOARD).status_code == 302


def test_enrolment_with_the_right_code_shows_ten_backup_codes_once_and_opens_the_site(login, social_services_dinan, settings):
    client = login(social_services_dinan, verified=False)
    _, secret, key_b32 = enrolment_page(client)
    response = client.post(ENROL + "?next=/annuaire/", {"secret": secret, "code": current_code(hex_of(key_b32)), "next": "/annuaire/"})
    assert response.status_code == 200
    codes = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page_text(response))
    assert len(codes) == 10
    device = TOTPDevice.objects.get(user=social_services_dinan)
    assert device.confirmed and device.key == hex_of(key_b32)
    assert sorted(StaticToken.objects.filter(device__user=social_services_dinan).values_list("token", flat=True)) == sorted(codes)
    assert 'href="/annuaire/"' in page_text(response)
    assert client.session[DEVICE_ID_SESSION_KEY] == device.persistent_id
    assert client.session.get_expiry_age() == settings.SENSITIVE_SESSION_SECONDS
    assert client.get(DASHBOARD).status_code == 200
    assert AccountEvent.objects.filter(user=social_services_dinan, kind=AccountEventKind.SECOND_FACTOR_ENROLLED).count() == 1
    assert "Activée" in page_text(client.get(OVERVIEW)) and "10 sur 10" in page_text(client.get(OVERVIEW))


def test_the_code_that_confirmed_the_application_cannot_log_in_again(login, social_services_dinan):
    client = login(social_services_dinan, verified=False)
    _, secret, key_b32 = enrolment_page(client)
    code = current_code(hex_of(key_b32))
    client.post(ENROL, {"secret": secret, "code": code})
    other, _ = password_login(social_services_dinan)
    assert WRONG_CODE in page_text(other.post(VERIFY, {"code": code}))


def test_replacing_the_application_asks_the_password_and_a_current_code(login, social_services_dinan, no_throttle):
    client = login(social_services_dinan)  # verified, with a device
    old = TOTPDevice.objects.get(user=social_services_dinan)
    response, secret, key_b32 = enrolment_page(client)
    assert "Votre mot de passe" in page_text(response)
    new_code = current_code(hex_of(key_b32))
    response = client.post(ENROL, {"secret": secret, "code": new_code, "password": "faux", "current_code": code_now(old)})
    assert "Mot de passe incorrect." in page_text(response)
    response = client.post(ENROL, {"secret": secret, "code": new_code, "password": PASSWORD, "current_code": wrong_code(old)})
    assert WRONG_CODE in page_text(response)
    assert list(TOTPDevice.objects.filter(user=social_services_dinan)) == [old]
    response = client.post(ENROL, {"secret": secret, "code": new_code, "password": PASSWORD, "current_code": code_now(old)})
    assert len(re.findall(r"<li><code>", page_text(response))) == 10
    assert TOTPDevice.objects.get(user=social_services_dinan).key == hex_of(key_b32)


def test_an_unverified_session_cannot_replace_the_application(social_services_dinan):
    second_factor_device(social_services_dinan)
    client, _ = password_login(social_services_dinan)
    assert client.get(ENROL)["Location"].startswith(VERIFY)


# Backup codes


def enrolled(client, user):
    device = login_verified(client, user)
    codes = services.regenerate_backup_codes(user=user)
    return device, codes


def test_a_backup_code_logs_in_once(social_services_dinan):
    _, codes = enrolled(Client(), social_services_dinan)
    client, _ = password_login(social_services_dinan)
    response = client.post(VERIFY, {"code": codes[0].upper()[:4] + " " + codes[0].upper()[4:]}, follow=True)
    assert response.redirect_chain[-1][0] == DASHBOARD
    assert "code de secours : il en reste 9" in page_text(response)
    assert not StaticToken.objects.filter(token=codes[0]).exists()
    again, _ = password_login(social_services_dinan)
    response = again.post(VERIFY, {"code": codes[0]})
    assert WRONG_CODE in page_text(response) and again.get(DASHBOARD).status_code == 302


def test_new_backup_codes_replace_the_old_ones(social_services_dinan, no_throttle):
    client = Client()
    _, old = enrolled(client, social_services_dinan)
    assert client.get(reverse("accounts:second_factor_backup_codes")).status_code == 405  # GET never writes
    response = client.post(reverse("accounts:second_factor_backup_codes"))
    new = re.findall(r"<li><code>([a-z2-7]{8})</code></li>", page_text(response))
    assert len(new) == 10 and not set(new) & set(old)
    assert "Les codes précédents ne fonctionnent plus" in page_text(response)
    other, _ = password_login(social_services_dinan)
    assert WRONG_CODE in page_text(other.post(VERIFY, {"code": old[0]}))
    assert other.post(VERIFY, {"code": new[0]}).status_code == 302
    assert StaticDevice.objects.filter(user=social_services_dinan).count() == 1


# The code at login


def test_login_with_the_applications_code(social_services_dinan, settings, no_throttle):
    device = second_factor_device(social_services_dinan)
    client, response = password_login(social_services_dinan)
    assert response["Location"] == f"{VERIFY}?next=%2Fespace%2F"
    assert client.get("/annuaire/")["Location"] == f"{VERIFY}?next=%2Fannuaire%2F"
    response = client.post(VERIFY, {"code": wrong_code(device), "next": "/espace/"})
    text = page_text(response)
    assert response.status_code == 200 and WRONG_CODE in text and "fr-input-group--error" in text and "Erreur – " in text
    response = client.post(VERIFY, {"code": code_now(device), "next": "https://ailleurs.example/"})
    assert response["Location"] == DASHBOARD  # never another site
    assert client.get(DASHBOARD).status_code == 200
    assert client.session.get_expiry_age() == settings.SENSITIVE_SESSION_SECONDS


def test_an_account_that_enrolled_of_its_own_accord_is_asked_the_code_too(coordinator_dinan, settings, no_throttle):
    client, response = password_login(coordinator_dinan)
    assert response["Location"] == DASHBOARD  # no device: nothing asked
    device = second_factor_device(coordinator_dinan)
    client, response = password_login(coordinator_dinan)
    assert response["Location"].startswith(VERIFY)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)
    assert client.post(VERIFY, {"code": code_now(device)})["Location"] == DASHBOARD
    assert client.get(DASHBOARD).status_code == 200
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE  # not a sensitive account: the usual length


def test_an_ordinary_session_keeps_the_usual_length(coordinator_dinan, settings):
    client, _ = password_login(coordinator_dinan)
    assert client.session.get_expiry_age() == settings.SESSION_COOKIE_AGE
    assert settings.SENSITIVE_SESSION_SECONDS < settings.SESSION_COOKIE_AGE


def test_a_sensitive_session_is_short_from_the_password_step(social_services_dinan, settings):
    second_factor_device(social_services_dinan)
    client, _ = password_login(social_services_dinan)
    assert client.session.get_expiry_age() == settings.SENSITIVE_SESSION_SECONDS


def test_wrong_codes_lock_the_code_step_like_passwords(social_services_dinan, settings, no_throttle):
    device = second_factor_device(social_services_dinan)
    client, _ = password_login(social_services_dinan)
    for _ in range(settings.SECOND_FACTOR_FAILURE_LIMIT - 1):
        assert WRONG_CODE in page_text(client.post(VERIFY, {"code": wrong_code(device)}))
    response = client.post(VERIFY, {"code": wrong_code(device)})
    assert response.status_code == 429 and LOCKED in page_text(response)
    response = client.post(VERIFY, {"code": code_now(device)})  # the right code, too late
    assert response.status_code == 429 and LOCKED in page_text(response)
    assert client.get(DASHBOARD)["Location"].startswith(VERIFY)
    other, _ = password_login(social_services_dinan)  # a new session, or another address, is locked alike
    assert other.post(VERIFY, {"code": code_now(device)}).status_code == 429


def test_each_failure_makes_the_device_wait_longer(social_services_dinan):
    device = second_factor_device(social_services_dinan)
    client, _ = password_login(social_services_dinan)
    client.post(VERIFY, {"code": wrong_code(device)})
    response = client.post(VERIFY, {"code": code_now(device)})  # within the second django-otp makes it wait
    assert WRONG_CODE in page_text(response)
    device.refresh_from_db()
    assert device.throttling_failure_count >= 1


def test_bad_codes_are_form_errors_never_a_500(social_services_dinan, no_throttle):
    second_factor_device(social_services_dinan)
    client, _ = password_login(social_services_dinan)
    for code in ["", "x" * 10_000, "12\x0034", "' OR 1=1 --", "١٢٣٤٥٦"]:
        response = client.post(VERIFY, {"code": code})
        assert response.status_code in (200, 429), code
        assert "fr-input-group--error" in page_text(response)


# Lost phone: reset by whoever manages the account


def test_a_ccas_manager_resets_its_agents_second_factor(login, manager_dinan, social_services_dinan):
    agent = login(social_services_dinan)  # verified, with a device
    assert agent.get(DASHBOARD).status_code == 200
    manager = login(manager_dinan)
    page = page_text(manager.get(social_services_dinan.get_absolute_url()))
    assert "Réinitialiser la double authentification" in page and "configurée" in page
    url = reverse("people:reset_second_factor", args=[social_services_dinan.public_id])
    assert "Motif" in page_text(manager.get(url))
    response = manager.post(url, {"reason": ""})
    assert "fr-input-group--error" in page_text(response) and TOTPDevice.objects.filter(user=social_services_dinan).exists()
    response = manager.post(url, {"reason": "Téléphone perdu"}, follow=True)
    assert "est réinitialisée" in page_text(response)
    assert not TOTPDevice.objects.filter(user=social_services_dinan).exists()
    assert not StaticDevice.objects.filter(user=social_services_dinan).exists()
    event = AccountEvent.objects.get(user=social_services_dinan, kind=AccountEventKind.SECOND_FACTOR_RESET)
    assert event.by == manager_dinan and event.reason == "Téléphone perdu"
    assert "Double authentification réinitialisée" in page_text(manager.get(social_services_dinan.get_absolute_url()))
    assert agent.get(DASHBOARD)["Location"].startswith(ENROL)  # at once, in the session already open


def test_the_region_resets_anyones_second_factor(login, ars_region, coordinator_dinan):
    second_factor_device(coordinator_dinan)
    response = login(ars_region).post(
        reverse("people:reset_second_factor", args=[coordinator_dinan.public_id]), {"reason": "Nouveau téléphone"}
    )
    assert response.status_code == 302 and not TOTPDevice.objects.filter(user=coordinator_dinan).exists()
    client, response = password_login(coordinator_dinan)
    assert response["Location"] == DASHBOARD  # optional for a coordinator: nothing more asked


@pytest.mark.parametrize("who", ["coordinator_brest", "social_services_dinan", "volunteer_dinan", "other_manager", "self"])
def test_nobody_resets_a_second_factor_outside_their_rights(request, login, manager_dinan, who):
    agent = persona(Role.SOCIAL_SERVICES, "agent2.dinan@exemple.fr", commune_id="22050")
    second_factor_device(agent)
    if who == "other_manager":
        user = persona(Role.SOCIAL_SERVICES_MANAGER, "ccas.responsable.brest@exemple.fr", commune_id="29019")
    elif who == "self":
        user, agent = manager_dinan, manager_dinan
        second_factor_device(manager_dinan)
    else:
        user = request.getfixturevalue(who)
    client = login(user)
    url = reverse("people:reset_second_factor", args=[agent.public_id])
    assert client.get(url).status_code == 404
    assert client.post(url, {"reason": "Téléphone perdu"}).status_code == 404
    assert TOTPDevice.objects.filter(user=agent).exists()
    assert not AccountEvent.objects.filter(kind=AccountEventKind.SECOND_FACTOR_RESET).exists()


def test_a_manager_cannot_reset_an_agent_holding_a_membership_elsewhere(login, manager_dinan, partner_organisation_dinan):
    agent = persona(Role.SOCIAL_SERVICES, "agent3.dinan@exemple.fr", commune_id="22050")
    Membership.objects.create(user=agent, role=Role.VOLUNTEER, organisation=partner_organisation_dinan)
    second_factor_device(agent)
    response = login(manager_dinan).post(reverse("people:reset_second_factor", args=[agent.public_id]), {"reason": "x"})
    assert response.status_code == 404 and TOTPDevice.objects.filter(user=agent).exists()


# Tokens


def test_accounts_that_must_use_a_second_factor_get_no_api_token(login, social_services_dinan, coordinator_dinan):
    from mobilisation.accounts.models import ApiToken

    client = login(social_services_dinan)
    page = page_text(client.get(reverse("accounts:tokens")))
    assert "aucun jeton ne lui est délivré" in page and "Créer le jeton</button>" not in page
    response = client.post(reverse("accounts:tokens"), {"name": "tableur", "expires_in_days": "30"}, follow=True)
    assert "un jeton d’API, qui vaut à lui seul connexion, ne lui est pas délivré" in page_text(response)
    assert not ApiToken.objects.filter(user=social_services_dinan).exists()
    client = login(coordinator_dinan)
    client.post(reverse("accounts:tokens"), {"name": "tableur", "expires_in_days": "30"})
    assert ApiToken.objects.filter(user=coordinator_dinan).count() == 1


# Demo


def test_demo_accounts_that_must_use_a_second_factor_have_the_demo_application(reference_data_demo):
    from mobilisation.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_KEY
    from mobilisation.accounts.enums import SECOND_FACTOR_ROLES
    from mobilisation.accounts.models import User

    with_device = set(TOTPDevice.objects.filter(key=DEMO_TOTP_KEY, confirmed=True).values_list("user__email", flat=True))
    expected = {a["email"] for a in DEMO_ACCOUNTS if a["role"] in (*SECOND_FACTOR_ROLES, Role.ARS_REGION)}
    assert with_device == expected
    assert all(User.objects.get(email=email).requires_second_factor or email.startswith("ars.region") for email in with_device)


@pytest.fixture
def reference_data_demo(db, settings):
    from mobilisation.accounts.demo import create_demo_accounts

    settings.DEMO = True
    create_demo_accounts(password=PASSWORD)
    create_demo_accounts(password=PASSWORD)  # idempotent: no second device


def test_code_demo_prints_the_current_code_of_a_demo_account_only(reference_data_demo, settings, social_services_dinan):
    from io import StringIO

    from django.core.management import CommandError, call_command

    from mobilisation.accounts.demo import DEMO_TOTP_KEY

    out = StringIO()
    call_command("code_demo", "ccas.dinan@demo.mobilisation-cls.fr", stdout=out)
    assert out.getvalue().strip() == current_code(DEMO_TOTP_KEY)
    second_factor_device(social_services_dinan)  # a real person's application: never printed
    with pytest.raises(CommandError, match="n’a pas l’application de démonstration"):
        call_command("code_demo", social_services_dinan.email, stdout=StringIO())
    settings.DEMO = False
    with pytest.raises(CommandError, match="désactivés"):
        call_command("code_demo", "ccas.dinan@demo.mobilisation-cls.fr", stdout=StringIO())
