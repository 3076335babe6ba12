"""Keyboard only (Tab, Shift+Tab, Enter, Space; no mouse, no typed address after the first page): log in, then the
coordinator's main task, from the CLS workspace to a plan submitted to the COPIL. Every focus stop must be visible."""

import pytest

from mobilisation.plans.models import Plan

from .conftest import field, focused, named, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def press_and_wait(page, key):
    with page.expect_navigation():
        page.keyboard.press(key)


def test_keyboard_only_login_and_plan_submitted_to_the_copil(visit, people, password):
    tab = visit("clavier")
    page = tab.page
    tab.goto("/")  # the one address typed; everything after is keys

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Contenu"  # first stop: the skip link to the content
    tab_to(page, named("Se connecter"))
    press_and_wait(page, "Enter")
    assert tab.path == "/compte/connexion/"
    tab.check("connexion")

    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Contenu"
    page.keyboard.press("Enter")  # skip the header: the next Tab lands in the content
    page.wait_for_function("document.activeElement && document.activeElement.id === 'contenu'")
    tab_to(page, field("username"), max_steps=10)
    page.keyboard.type(people.coordinator.email)
    tab_to(page, field("password"), max_steps=3)
    page.keyboard.type(password)
    tab.check("connexion remplie")
    press_and_wait(page, "Enter")
    assert tab.path.startswith("/espace/")  # the skip link's #contenu may stay in the address
    assert tab.heading() == "Bonjour Claire"
    tab.check("mon espace")

    tab_to(page, named("CLS de Dinan Agglomération"))
    press_and_wait(page, "Enter")
    assert tab.heading() == "CLS de Dinan Agglomération"
    tab.check("espace du cls")

    tab_to(page, named("Commencer le plan d’action"))
    press_and_wait(page, "Space")
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"
    tab.check("plan commence")

    # The diagnosis first: the plan cannot go to the COPIL without it.
    tab_to(page, named("Compléter le diagnostic"), max_steps=60)
    press_and_wait(page, "Enter")
    assert tab.heading() == "Diagnostic du territoire"
    tab_to(page, field("needs"), max_steps=40)
    page.keyboard.type("Personnes âgées isolées dans les bourgs.")
    tab_to(page, lambda element: element["name"] == "priority_publics", max_steps=5)
    page.keyboard.press("Space")  # the first public is ticked
    tab_to(page, field("priority_communes"), max_steps=40)  # through the filter box of the communes
    page.keyboard.press("Space")
    tab_to(page, named("Enregistrer"), max_steps=80)
    press_and_wait(page, "Enter")
    assert "Le diagnostic est enregistré." in tab.main_text()
    tab.check("diagnostic au clavier")

    tab_to(page, named("Ajouter des actions du catalogue"))
    press_and_wait(page, "Enter")
    assert tab.heading() == "Ajouter des actions du catalogue"
    tab.check("catalogue du plan")

    adopted = []
    for key in ["Space", "Enter"]:  # a button answers both
        button = tab_to(page, lambda element: element["tag"] == "button" and element["text"].startswith("Adopter"), max_steps=40)
        adopted.append(button["text"].split("« ")[1].rstrip(" »"))
        press_and_wait(page, key)
        assert f"« {adopted[-1]} » est ajoutée au plan." in tab.main_text()
    tab.check("deux actions adoptees")

    # From the next "Adopter" button, back up with Shift+Tab to the link to the plan.
    tab_to(page, lambda element: element["text"].startswith("Adopter"), max_steps=40)
    tab_to(page, named("Retour au plan"), backwards=True, max_steps=15)
    press_and_wait(page, "Enter")
    assert tab.heading() == "Plan d’action du CLS de Dinan Agglomération"

    tab_to(page, named("Soumettre au COPIL"), max_steps=40)
    tab.screenshot("focus sur soumettre au copil")  # for a person to see the focus ring
    press_and_wait(page, "Space")
    assert "Le plan est soumis au COPIL ; la délégation départementale de l’ARS est prévenue." in tab.main_text()
    assert tab.badge() == "Soumis au COPIL"
    tab.check("plan soumis au clavier")

    plan = Plan.objects.get(cls__slug="dinan")
    assert plan.status == "soumis"
    assert sorted(plan.actions.values_list("title", flat=True)) == sorted(adopted)
    assert set(plan.actions.values_list("origin", flat=True)) == {"catalogue"}
    assert plan.needs == "Personnes âgées isolées dans les bourgs." and plan.priority_publics.count() == 1
    assert plan.priority_communes.count() == 1


def test_keyboard_opens_and_leaves_the_menu_on_a_phone(visit, reference_data):
    tab = visit("clavier-mobile", width=390, height=844)
    page = tab.page
    tab.goto("/")
    tab.check("accueil mobile")
    tab_to(page, named("Contenu"))
    tab_to(page, named("Menu"), max_steps=1)  # the skip link to the menu leads to the button that opens it
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'bouton-menu'")
    page.keyboard.press("Enter")
    menu = page.locator("#menu-principal")
    menu.get_by_role("link", name="Territoires").wait_for(state="visible")
    tab_to(page, named("Territoires"))  # focus moves into the open menu
    tab.check("menu ouvert")
    page.keyboard.press("Escape")
    page.wait_for_function("!document.querySelector('#menu-principal').classList.contains('fr-modal--opened')")
    assert focused(page)["id"] == "bouton-menu"  # back where the user was, not lost at the top of the page
    tab_to(page, named("Rechercher"))  # and the page goes on with the keyboard
