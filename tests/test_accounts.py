"""Authentication: e-mail login, lockout, password reset, password rules, logout, personal API tokens."""

import pytest
from django.conf import settings
from django.contrib.auth.password_validation import validate_password
from django.core import mail
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobilisation.accounts.models import ApiToken

from .utils import page_text

pytestmark = pytest.mark.django_db

LOGIN = "/compte/connexion/"


def test_login_with_email_case_insensitive_goes_to_dashboard(client, coordinator_dinan, password):
    response = client.post(LOGIN, {"username": "Coordination.Dinan@Exemple.fr", "password": password})
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    page = page_text(client.get(reverse("portal:dashboard")))
    assert "Coordinatrice ou coordinateur de CLS – CLS de Dinan Agglomération" in page


def test_login_redirects_to_next(client, coordinator_dinan, password, cls_dinan):
    response = client.post(
        LOGIN + f"?next={cls_dinan.get_workspace_url()}",
        {"username": coordinator_dinan.email, "password": password, "next": cls_dinan.get_workspace_url()},
    )
    assert response["Location"] == cls_dinan.get_workspace_url()


def test_login_refuses_external_next(client, coordinator_dinan, password):
    response = client.post(LOGIN, {"username": coordinator_dinan.email, "password": password, "next": "https://pirate.example/"})
    assert response["Location"] == reverse("portal:dashboard")


def failed_login(client, email):
    return client.post(LOGIN, {"username": email, "password": "mauvais-mot-de-passe"})


def test_wrong_password_and_unknown_account_get_the_same_answer(client, coordinator_dinan):
    known = failed_login(client, coordinator_dinan.email)
    unknown = failed_login(client, "inconnu@exemple.fr")
    assert known.status_code == unknown.status_code == 200
    assert "Adresse électronique ou mot de passe incorrect." in page_text(known)
    assert "Adresse électronique ou mot de passe incorrect." in page_text(unknown)


@pytest.mark.parametrize("email", ["coordination.dinan@exemple.fr", "personne.inconnue@exemple.fr"])
def test_repeated_failures_lock_out_known_and_unknown_accounts_alike(client, coordinator_dinan, password, email, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert failed_login(client, email).status_code == 200
    locked = failed_login(client, email)
    assert locked.status_code == 429
    assert "Connexion temporairement bloquée" in page_text(locked)
    if email == coordinator_dinan.email:  # even the right password is refused while locked
        assert client.post(LOGIN, {"username": email, "password": password}).status_code == 429


def test_password_reset_answers_the_same_for_unknown_emails(client, coordinator_dinan):
    known = client.post(reverse("accounts:password_reset"), {"email": coordinator_dinan.email})
    unknown = client.post(reverse("accounts:password_reset"), {"email": "inconnu@exemple.fr"})
    assert known.status_code == unknown.status_code == 302
    assert known["Location"] == unknown["Location"] == reverse("accounts:password_reset_done")
    assert len(mail.outbox) == 1 and mail.outbox[0].to == [coordinator_dinan.email]
    assert "choisir un nouveau mot de passe" in mail.outbox[0].subject


def test_password_reset_link_sets_a_new_password(client, coordinator_dinan):
    client.post(reverse("accounts:password_reset"), {"email": coordinator_dinan.email})
    link = next(line for line in mail.outbox[0].body.splitlines() if "/compte/mot-de-passe/nouveau/" in line)
    assert link.startswith(f"{settings.SITE_URL}/compte/mot-de-passe/nouveau/")  # the configured site, not the request's host
    path = link.removeprefix(settings.SITE_URL)
    form_page = client.get(path, follow=True)
    new = "Nouveau-Mot-de-passe-2026"
    response = client.post(form_page.redirect_chain[-1][0], {"new_password1": new, "new_password2": new})
    assert response.status_code == 302
    coordinator_dinan.refresh_from_db()
    assert coordinator_dinan.check_password(new)


@pytest.mark.parametrize("weak", ["court1!", "motdepasselong", "123456789012", "azertyuiop123"])
def test_weak_passwords_are_refused(weak):
    with pytest.raises(ValidationError):
        validate_password(weak)


def test_password_change_shows_french_errors(login, coordinator_dinan, password):
    response = login(coordinator_dinan).post(
        reverse("accounts:password_change"), {"old_password": password, "new_password1": "abc", "new_password2": "abc"}
    )
    assert response.status_code == 200
    assert "Ce mot de passe est trop court" in page_text(response)


def test_logout_requires_post(login, coordinator_dinan):
    client = login(coordinator_dinan)
    assert client.get(reverse("accounts:logout")).status_code == 405
    assert client.post(reverse("accounts:logout")).status_code == 302
    assert client.get(reverse("portal:dashboard")).status_code == 302


def test_personal_token_is_shown_once_and_stored_hashed(login, coordinator_dinan):
    client = login(coordinator_dinan)
    response = client.post(reverse("accounts:tokens"), {"name": "tableur", "expires_in_days": "30"})
    page = page_text(response)
    token = ApiToken.objects.get(user=coordinator_dinan)
    key = page.split('<code id="nouveau-jeton">')[1].split("</code>")[0]
    assert ApiToken.hash_key(key) == token.digest and key not in token.digest
    assert key not in page_text(client.get(reverse("accounts:tokens")))


def test_token_of_another_user_cannot_be_revoked(login, coordinator_dinan, coordinator_brest):
    token, _ = ApiToken.issue(user=coordinator_brest, name="brest")
    response = login(coordinator_dinan).post(reverse("accounts:revoke_token", args=[token.public_id]))
    assert response.status_code == 404
    token.refresh_from_db()
    assert token.revoked_at is None
    login(coordinator_brest).post(reverse("accounts:revoke_token", args=[token.public_id]))
    token.refresh_from_db()
    assert token.revoked_at is not None


def test_token_form_rejects_bad_input(login, coordinator_dinan):
    response = login(coordinator_dinan).post(reverse("accounts:tokens"), {"name": "", "expires_in_days": "9999"})
    assert response.status_code == 200
    assert "Ce champ est obligatoire" in page_text(response)
    assert not ApiToken.objects.exists()
