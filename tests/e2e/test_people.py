"""People in the browser: the ARS region invites a coordinator, who opens the e-mail link, chooses a password and lands
in their space; the coordinator of Dinan invites an elected official of the CLS with the keyboard only."""

import re

import pytest

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership, User

from .conftest import field, focused, named, tab_to

pytestmark = pytest.mark.django_db(transaction=True)

CHOSEN = "Kerjean-Bretagne-2026!"


def invitation_link(message):
    found = re.search(r"(http://\S+/personnes/invitation/\S+/)", message.body)
    assert found, message.body
    return found.group(1)


def press_and_wait(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)


def choose_option(page, name, value, max_presses=10):
    """Move a focused select to `value` with the arrow keys, as a keyboard user does."""
    tab_to(page, field(name), max_steps=15)
    for _ in range(max_presses):
        if page.evaluate("() => document.activeElement.value") == value:
            return
        page.keyboard.press("ArrowDown")
    pytest.fail(f"{name}: the arrow keys never reached {value}")


def test_region_invites_a_coordinator_who_chooses_a_password_and_lands_in_their_space(visit, people, live_server, settings, mailoutbox):
    settings.SITE_URL = live_server.url  # the e-mail's links lead to this server
    tab = visit("personnes-region")
    page = tab.page
    tab.log_in(people.region)
    tab.click_link("Personnes", exact=True)
    assert tab.heading() == "Personnes"
    assert people.coordinator.email in tab.main_text()
    tab.check("liste des personnes")

    page.locator("#id_role").select_option(label="Coordinatrice ou coordinateur de CLS")
    tab.click_button("Filtrer")
    listed = tab.main_text()
    assert people.coordinator.email in listed and people.elected.email not in listed
    tab.check("liste filtree")

    tab.click_link("Inviter une personne")
    assert tab.heading() == "Inviter une personne"
    tab.check("formulaire d invitation")
    page.locator("#id_email").fill("morgane.legall@exemple.fr")
    page.locator("#id_first_name").fill("Morgane")
    page.locator("#id_last_name").fill("Le Gall")
    page.locator("#id_role").select_option(label="Coordinatrice ou coordinateur de CLS")
    assert page.locator("#id_cls").is_visible() and not page.locator("#id_department").is_visible()  # the role's fields only
    page.locator("#id_cls").select_option(label="CLS de Dinan Agglomération")
    tab.check("invitation remplie")
    tab.click_button("Envoyer l’invitation")
    assert tab.heading() == "Morgane Le Gall"
    assert "L’invitation est envoyée (morgane.legall@exemple.fr)." in tab.main_text()
    assert "Invitation envoyée" in tab.main_text() and "Coordinatrice ou coordinateur de CLS" in tab.main_text()
    tab.check("fiche de la personne invitee")
    invited = User.objects.get(email="morgane.legall@exemple.fr")
    assert not invited.has_usable_password()
    assert Membership.objects.filter(user=invited, role=Role.CLS_COORDINATOR, cls__slug="dinan").exists()

    [message] = mailoutbox
    assert message.to == ["morgane.legall@exemple.fr"] and "Bonjour Morgane," in message.body
    link = invitation_link(message)
    assert link.startswith(live_server.url)

    newcomer = visit("personnes-invitee")
    newcomer.page.goto(link)
    assert newcomer.heading() == "Choisir votre mot de passe"
    assert "morgane.legall@exemple.fr" in newcomer.main_text()
    newcomer.check("choisir son mot de passe")
    newcomer.page.locator("#id_new_password1").fill("court")
    newcomer.page.locator("#id_new_password2").fill("court")
    newcomer.click_button("Enregistrer mon mot de passe")
    assert "Ce mot de passe est trop court" in newcomer.main_text()
    newcomer.check("mot de passe refuse")
    newcomer.page.locator("#id_new_password1").fill(CHOSEN)
    newcomer.page.locator("#id_new_password2").fill(CHOSEN)
    newcomer.click_button("Enregistrer mon mot de passe")
    assert newcomer.path == "/espace/"
    assert newcomer.heading() == "Bonjour Morgane"
    assert "Coordinatrice ou coordinateur de CLS – CLS de Dinan Agglomération" in newcomer.main_text()
    newcomer.check("arrivee dans son espace")

    newcomer.log_out()
    newcomer.page.goto(link)
    assert newcomer.heading() == "Ce lien d’invitation n’est plus valable"
    newcomer.check("lien deja utilise")
    invited.refresh_from_db()
    newcomer.log_in(invited, password=CHOSEN)
    assert newcomer.heading() == "Bonjour Morgane"

    page.reload()
    assert tab.badge() == "Active" and "Mot de passe choisi" in tab.main_text()
    tab.check("fiche de la personne active")


def test_coordinator_invites_an_elected_official_of_the_cls_with_the_keyboard(visit, people, mailoutbox):
    tab = visit("personnes-coordination")
    page = tab.page
    tab.log_in(people.coordinator)
    assert tab.heading() == "Bonjour Claire"
    tab_to(page, named("Inviter une personne"))
    press_and_wait(page, "Enter")
    assert tab.heading() == "Inviter une personne"
    assert page.locator("#id_role option").all_inner_texts() == [
        "Choisir un rôle",
        "Élue ou élu référent du CLS",
        "Membre d’une organisation partenaire",
        "Bénévole",
        "Écoutante ou écoutant d’un numéro vert",
    ]
    assert page.locator("#id_cls option").all_inner_texts() == ["—", "CLS de Dinan Agglomération"]
    tab.check("invitation par la coordination")

    tab_to(page, field("email"))
    page.keyboard.type("gwenaelle.riou@exemple.fr")
    tab_to(page, field("first_name"), max_steps=3)
    page.keyboard.type("Gwenaëlle")
    tab_to(page, field("last_name"), max_steps=3)
    page.keyboard.type("Riou")
    choose_option(page, "role", "elected_official")
    assert not page.locator("#id_organisation").is_visible()
    choose_option(page, "cls", str(people.coordinator.memberships.get().cls_id))
    tab.check("invitation remplie au clavier")
    button = tab_to(page, named("Envoyer l’invitation"), max_steps=10)
    assert button["tag"] == "button"
    press_and_wait(page, "Enter")
    assert tab.heading() == "Gwenaëlle Riou"
    assert "L’invitation est envoyée (gwenaelle.riou@exemple.fr)." in tab.main_text()
    tab.check("elue invitee")
    invited = User.objects.get(email="gwenaelle.riou@exemple.fr")
    assert list(invited.memberships.values_list("role", "cls__slug")) == [(Role.ELECTED_OFFICIAL, "dinan")]
    assert len(mailoutbox) == 1 and "Élue ou élu référent du CLS – CLS de Dinan Agglomération" in mailoutbox[0].body

    tab_to(page, named("Personnes"), backwards=True, max_steps=60)
    assert focused(page)["href"] == "/personnes/"
    press_and_wait(page, "Enter")
    assert "gwenaelle.riou@exemple.fr" in tab.main_text() and people.elected.email in tab.main_text()
    assert people.coordinator_brest.email not in tab.main_text()
    tab.check("liste de la coordination")
    tab.expect_not_found(people.coordinator_brest.get_absolute_url(), "coordination de brest hors perimetre")
