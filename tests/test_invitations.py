"""Invitations: the e-mail and its link (signed, 7 days, once), an existing e-mail, double submits, bad input."""

import datetime
import re
import uuid
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.accounts.enums import InvitationState, Role
from mobilisation.accounts.models import AccountEvent, Membership, User
from mobilisation.accounts.tokens import invitation_token

from .security.helpers import data_writes
from .utils import page_text

pytestmark = pytest.mark.django_db

NEW_PASSWORD = "Bretagne-Invitee-2026!"


def invite(client, cls, email="morgane.le-gall@exemple.fr", **extra):
    data = {"email": email, "first_name": "Morgane", "last_name": "Le Gall", "role": "elected_official", "cls": cls.pk, **extra}
    return client.post(reverse("people:invite"), data)


def link_in(message):
    """The path of the invitation link in an e-mail (the address starts with SITE_URL)."""
    found = re.search(r"http://testserver(/personnes/invitation/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


@pytest.fixture(autouse=True)
def site_url(settings):
    settings.SITE_URL = "http://testserver"


def test_an_invitation_creates_an_account_without_password_and_mails_a_link(login, coordinator_dinan, cls_dinan):
    response = invite(login(coordinator_dinan), cls_dinan, email="Morgane.Le-Gall@Exemple.fr")
    user = User.objects.get(email="morgane.le-gall@exemple.fr")
    assert response.status_code == 302 and response["Location"] == user.get_absolute_url()
    assert not user.has_usable_password() and user.is_active and user.invitation_state == InvitationState.INVITED
    assert list(user.memberships.values_list("role", "cls")) == [(Role.ELECTED_OFFICIAL, cls_dinan.pk)]
    assert user.memberships.get().history.get().history_user == coordinator_dinan
    assert AccountEvent.objects.get(user=user).kind == "invitation"
    [message] = mail.outbox
    assert message.to == ["morgane.le-gall@exemple.fr"] and message.subject == "Mobilisation CLS : votre invitation"
    body = message.body
    assert body.startswith("Bonjour Morgane,")
    assert f"{coordinator_dinan} vous invite sur Mobilisation CLS" in body
    assert "Élue ou élu référent du CLS – CLS de Dinan Agglomération" in body
    assert "il ne sert qu’une fois" in body and "http://testserver/compte/connexion/" in body
    assert link_in(message).startswith(f"/personnes/invitation/{user.public_id}/")
    page = page_text(login(coordinator_dinan).get(user.get_absolute_url()))
    assert "Invitation envoyée" in page and "lien valable jusqu’au" in page


def test_the_link_sets_the_password_logs_in_and_works_once(client, login, ars_region, cls_dinan):
    invite(login(ars_region), cls_dinan)
    link = link_in(mail.outbox[0])
    form = client.get(link)
    assert form.status_code == 200 and "Choisir votre mot de passe" in page_text(form)
    weak = client.post(link, {"new_password1": "court", "new_password2": "court"})
    assert "Ce mot de passe est trop court" in page_text(weak)
    user = User.objects.get(email="morgane.le-gall@exemple.fr")
    assert not user.has_usable_password()
    response = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    assert response.status_code == 302 and response["Location"] == reverse("portal:dashboard")
    dashboard = page_text(client.get(reverse("portal:dashboard")))
    assert "Bonjour Morgane" in dashboard and "Élue ou élu référent du CLS – CLS de Dinan Agglomération" in dashboard
    user.refresh_from_db()
    assert user.check_password(NEW_PASSWORD) and user.invitation_state == InvitationState.ACTIVE
    assert AccountEvent.objects.filter(user=user, kind="acceptation").exists()
    used = client.get(link)
    assert used.status_code == 200 and "Ce lien d’invitation n’est plus valable" in page_text(used)
    again = client.post(link, {"new_password1": "Autre-Mot-de-passe-99", "new_password2": "Autre-Mot-de-passe-99"})
    user.refresh_from_db()
    assert "n’est plus valable" in page_text(again) and user.check_password(NEW_PASSWORD)
    fresh = login()
    assert fresh.post(reverse("accounts:login"), {"username": user.email, "password": NEW_PASSWORD}).status_code == 302


def test_an_expired_link_says_what_to_do(client, login, coordinator_dinan, cls_dinan):
    invite(login(coordinator_dinan), cls_dinan)
    link = link_in(mail.outbox[0])
    later = datetime.datetime.now() + datetime.timedelta(days=7, minutes=1)
    with mock.patch.object(invitation_token, "_now", return_value=later):
        response = client.get(link)
        posted = client.post(link, {"new_password1": NEW_PASSWORD, "new_password2": NEW_PASSWORD})
    page = page_text(response)
    assert response.status_code == 200 and "Ce lien d’invitation a expiré" in page
    assert f"Demandez à {coordinator_dinan}" in page and coordinator_dinan.email in page and "renvoyer l’invitation" in page
    assert "a expiré" in page_text(posted) and not User.objects.get(email="morgane.le-gall@exemple.fr").has_usable_password()
    with mock.patch.object(invitation_token, "_now", return_value=later - datetime.timedelta(minutes=2)):
        assert "Choisir votre mot de passe" in page_text(client.get(link))  # still valid just before the 7 days


@pytest.mark.parametrize("token", ["faux", "abc-def", "zzzzzzzzzzzzzzzzzzzzzzzz-1", "1-" + "a" * 500])
def test_forged_or_unknown_links_get_the_same_page(client, login, ars_region, cls_dinan, token):
    invite(login(ars_region), cls_dinan)
    user = User.objects.get(email="morgane.le-gall@exemple.fr")
    for public_id in [user.public_id, uuid.uuid4()]:
        response = client.get(reverse("people:accept_invitation", args=[public_id, token]))
        assert response.status_code == 200 and "n’est plus valable" in page_text(response)


def test_a_resent_invitation_replaces_the_link_and_a_deactivated_account_has_none(client, login, ars_region, cls_dinan):
    region = login(ars_region)
    invite(region, cls_dinan)
    first = link_in(mail.outbox[0])
    user = User.objects.get(email="morgane.le-gall@exemple.fr")
    User.objects.filter(pk=user.pk).update(invited_at=user.invited_at - datetime.timedelta(days=8))
    user.refresh_from_db()
    assert user.invitation_state == InvitationState.AWAITING
    assert "En attente d’une nouvelle invitation" in page_text(region.get(user.get_absolute_url()))
    response = region.post(reverse("people:resend", args=[user.public_id]))
    assert response.status_code == 302 and "le lien précédent ne sert plus" in page_text(region.get(response["Location"]))
    second = link_in(mail.outbox[1])
    assert first != second and "n’est plus valable" in page_text(client.get(first))
    assert "Choisir votre mot de passe" in page_text(client.get(second))
    region.post(reverse("people:deactivate", args=[user.public_id]), {"reason": "Erreur d’adresse"})
    assert "n’est plus valable" in page_text(client.get(second))
    assert AccountEvent.objects.filter(user=user, kind="nouvelle_invitation", by=ars_region).exists()


def test_resending_is_for_those_without_a_password(login, ars_region, coordinator_dinan, coordinator_brest, elected_dinan):
    region = login(ars_region)
    response = region.post(reverse("people:resend", args=[elected_dinan.public_id]))
    assert response.status_code == 302 and "rien à renvoyer" in page_text(region.get(response["Location"]))
    assert mail.outbox == []
    assert login(coordinator_brest).post(reverse("people:resend", args=[elected_dinan.public_id])).status_code == 404


def test_inviting_an_existing_account_adds_the_membership_and_tells_them(login, ars_region, coordinator_dinan, delegation_22, cls_dinan):
    accounts, client = User.objects.count(), login(coordinator_dinan)
    response = invite(client, cls_dinan, email="ARS.DD22@exemple.fr", first_name="Autre", last_name="Nom")
    assert response.status_code == 302 and User.objects.count() == accounts
    delegation_22.refresh_from_db()
    assert delegation_22.first_name != "Autre"  # the account stays as it is
    assert set(delegation_22.memberships.values_list("role", flat=True)) == {Role.ARS_DELEGATION, Role.ELECTED_OFFICIAL}
    [message] = mail.outbox
    assert message.to == [delegation_22.email] and message.subject == "Mobilisation CLS : un nouveau rattachement sur votre compte"
    assert (
        "Élue ou élu référent du CLS – CLS de Dinan Agglomération" in message.body and "http://testserver/compte/connexion/" in message.body
    )
    assert "/personnes/invitation/" not in message.body  # no password to choose: they have one
    assert "Le rattachement est ajouté à son compte et la personne est prévenue" in page_text(client.get(response["Location"]))


def test_inviting_the_same_membership_again_is_refused_and_a_deactivated_one_comes_back(login, ars_region, elected_dinan, cls_dinan):
    region = login(ars_region)
    with CaptureQueriesContext(connection) as queries:
        response = invite(region, cls_dinan, email=elected_dinan.email)
    assert response.status_code == 200 and "Cette personne a déjà ce rattachement." in page_text(response)
    assert data_writes(queries) == [] and mail.outbox == []
    membership = elected_dinan.memberships.get()
    Membership.objects.filter(pk=membership.pk).update(is_active=False)
    assert invite(region, cls_dinan, email=elected_dinan.email).status_code == 302
    membership.refresh_from_db()
    assert membership.is_active and elected_dinan.memberships.count() == 1


def test_an_invited_person_invited_again_gets_a_new_link(login, ars_region, coordinator_dinan, cls_dinan, cls_brest):
    invite(login(coordinator_dinan), cls_dinan)
    invite(login(ars_region), cls_brest, role="cls_coordinator")
    assert len(mail.outbox) == 2 and link_in(mail.outbox[1]) != link_in(mail.outbox[0])
    assert "Coordinatrice ou coordinateur de CLS – CLS du Pays de Brest" in mail.outbox[1].body


def test_nobody_invites_themselves_nor_a_superuser_unless_one(login, ars_region, coordinator_dinan, cls_dinan):
    root = User.objects.create_superuser("racine@exemple.fr", "Racine-Tres-Secrete-42!")
    for user, email in [(coordinator_dinan, coordinator_dinan.email), (ars_region, root.email)]:
        response = invite(login(user), cls_dinan, email=email)
        assert response.status_code == 200, email
        assert "n’est pas de ceux que vous gérez" in page_text(response), email
    assert not Membership.objects.filter(role=Role.ELECTED_OFFICIAL).exists() and mail.outbox == []
    assert invite(login(root), cls_dinan, email="racine@exemple.fr").status_code == 200  # a superuser is no exception for themselves


def test_a_double_submitted_invitation_creates_one_membership_and_one_mail(login, coordinator_dinan, cls_dinan):
    client = login(coordinator_dinan)
    token = client.get(reverse("people:invite")).context["form"]["submission_token"].initial
    first = invite(client, cls_dinan, submission_token=str(token))
    second = invite(client, cls_dinan, submission_token=str(token))
    assert first.status_code == second.status_code == 302 and first["Location"] == second["Location"]
    assert User.objects.filter(email="morgane.le-gall@exemple.fr").count() == 1
    assert Membership.objects.filter(user__email="morgane.le-gall@exemple.fr").count() == 1 and len(mail.outbox) == 1
    refused = invite(client, cls_dinan, submission_token=str(uuid.uuid4()))  # a new form: the membership exists
    assert refused.status_code == 200 and "déjà ce rattachement" in page_text(refused)


@pytest.mark.parametrize(
    ("field", "value", "message"),
    [
        ("email", "pas-une-adresse", "Saisissez une adresse e-mail valide."),
        ("email", "a" * 10_000 + "@exemple.fr", "Assurez-vous que cette valeur comporte au plus 254 caractères"),
        ("email", "morgane\x00@exemple.fr", "Le caractère nul n’est pas autorisé."),
        ("first_name", "a" * 10_000, "Assurez-vous que cette valeur comporte au plus 150 caractères"),
        ("last_name", "Le Gall\x00", "Le caractère nul n’est pas autorisé."),
        ("role", "super_admin", "Sélectionnez un choix valide."),
        ("cls", "9" * 40, "Sélectionnez un choix valide."),
        ("email", "", "Ce champ est obligatoire."),
    ],
)
def test_bad_input_is_a_french_field_error_and_writes_nothing(login, ars_region, cls_dinan, field, value, message):
    client = login(ars_region)
    data = {"email": "morgane.le-gall@exemple.fr", "first_name": "Morgane", "last_name": "Le Gall", "role": "elected_official"}
    data["cls"] = cls_dinan.pk
    data[field] = value
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("people:invite"), data)
    assert response.status_code == 200
    assert message in " ".join(response.context["form"].errors.get(field, [])), response.context["form"].errors
    assert data_writes(queries) == [] and mail.outbox == []


def test_the_region_invites_every_kind_of_membership(login, ars_region, cls_dinan):
    from mobilisation.directory.models import Organisation

    organisation = Organisation.objects.create(name="Épicerie solidaire", kind="association", department_id="29")
    client = login(ars_region)
    cases = [
        ({"role": "ars_region"}, {}),
        ({"role": "resource_pole"}, {}),
        ({"role": "ars_delegation", "department": "35"}, {"department_id": "35"}),
        ({"role": "cls_coordinator", "cls": cls_dinan.pk}, {"cls": cls_dinan}),
        ({"role": "social_services", "commune": " 29019 "}, {"commune_id": "29019"}),
        ({"role": "social_services", "epci": "200068989"}, {"epci_id": "200068989"}),
        ({"role": "volunteer", "organisation": organisation.pk}, {"organisation": organisation}),
    ]
    for n, (data, stored) in enumerate(cases):
        email = f"personne{n}@exemple.fr"
        response = client.post(reverse("people:invite"), {"email": email, "first_name": "P", "last_name": str(n), **data})
        assert response.status_code == 302, (data, response.context and response.context["form"].errors)
        assert Membership.objects.filter(user__email=email, role=data["role"], **stored).exists(), data
    both = client.post(
        reverse("people:invite"),
        {"email": "x@exemple.fr", "first_name": "X", "last_name": "Y", "role": "social_services", "commune": "29019", "epci": "200068989"},
    )
    assert "l’un des deux" in page_text(both) and not User.objects.filter(email="x@exemple.fr").exists()
    unknown = client.post(
        reverse("people:invite"),
        {"email": "x@exemple.fr", "first_name": "X", "last_name": "Y", "role": "social_services", "commune": "75056"},
    )
    assert "Code INSEE inconnu en Bretagne" in page_text(unknown)


def test_inviting_a_deactivated_account_records_the_membership_and_mails_nobody(login, ars_region, delegation_22, cls_dinan):
    User.objects.filter(pk=delegation_22.pk).update(is_active=False)
    client = login(ars_region)
    response = invite(client, cls_dinan, email=delegation_22.email)
    assert response.status_code == 302 and mail.outbox == []
    assert delegation_22.memberships.filter(role=Role.ELECTED_OFFICIAL, cls=cls_dinan, is_active=True).exists()
    page = page_text(client.get(response["Location"]))
    assert "Ce compte est désactivé" in page and "la personne n’a pas été prévenue" in page and "Le courriel n’a pas pu partir" not in page


def test_a_mail_that_cannot_leave_keeps_the_invitation_and_says_so(login, coordinator_dinan, cls_dinan):
    import smtplib

    client = login(coordinator_dinan)
    refused = smtplib.SMTPRecipientsRefused({"morgane.le-gall@exemple.fr": (550, b"refused")})
    with mock.patch("mobilisation.accounts.tasks.send_mail", side_effect=refused):
        response = invite(client, cls_dinan)
    assert response.status_code == 302
    assert Membership.objects.filter(user__email="morgane.le-gall@exemple.fr", cls=cls_dinan).exists()
    assert "le courriel n’a pas pu partir : renvoyez l’invitation plus tard" in page_text(client.get(response["Location"]))
    assert client.post(reverse("people:resend", args=[User.objects.get(email="morgane.le-gall@exemple.fr").public_id])).status_code == 302
    assert len(mail.outbox) == 1  # the re-sent invitation leaves
