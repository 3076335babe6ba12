"""The second factor in the browser: a CCAS agent without an application logs in, is sent to enrolment, adds the key
by reading it (as a screen reader user would, not from the QR code), keeps the backup codes and reaches its space;
then the code step at login, by keyboard only. axe-core at zero on each page."""

import base64
import re

import pytest
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.accounts.second_factor import current_code

from .conftest import PASSWORD, current_code_of, field, focused, named, tab_to

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_ccas_agent_enrols_at_first_login_then_types_the_code_by_keyboard(visit, people):
    agent = people.social
    TOTPDevice.objects.filter(user=agent).delete()  # a real agent's first login: no application yet
    tab = visit("double-authentification")
    page = tab.page
    tab.goto("/compte/connexion/")
    page.locator("#id_username").fill(agent.email)
    page.locator("#id_password").fill(PASSWORD)
    tab.click_button("Se connecter")
    assert tab.path.startswith("/compte/double-authentification/configurer/")
    assert tab.heading() == "Configurer la double authentification"
    assert "la double authentification est obligatoire" in tab.main_text()
    assert page.locator("main svg[role=img]").count() == 1
    tab.check("configuration")

    tab.goto("/espace/")  # nothing else is reachable before enrolment
    assert tab.path.startswith("/compte/double-authentification/configurer/")

    key = re.sub(r"\s", "", page.locator("#cle-secrete").inner_text())
    assert re.fullmatch(r"[A-Z2-7]{32}", key)
    page.locator("#id_code").fill("000000" if current_code(base64.b32decode(key).hex()) != "000000" else "111111")
    tab.click_button("Activer la double authentification")
    assert page.locator("#id_code-desc-error").inner_text().startswith("Ce code ne correspond pas")
    assert page.locator("#id_code").get_attribute("aria-invalid") == "true"
    tab.check("code refuse")

    page.locator("#id_code").fill(current_code(base64.b32decode(key).hex()))
    tab.click_button("Activer la double authentification")
    assert tab.heading() == "Vos codes de secours"
    codes = page.locator("main ol li code").all_inner_texts()
    assert len(codes) == 10 and all(re.fullmatch(r"[a-z2-7]{8}", code) for code in codes)
    assert page.get_by_role("button", name="Imprimer les codes").is_visible()  # print.js ran under the CSP
    tab.check("codes de secours")
    tab.click_link("J’ai noté mes codes, continuer")
    assert tab.path.startswith("/espace/") and tab.heading() == "Bonjour Nolwenn"
    tab.check("mon espace")
    tab.log_out()

    # The next login, by keyboard only: password, then the code of the application.
    tab.goto("/compte/connexion/")
    page.keyboard.press("Tab")
    assert focused(page)["text"] == "Contenu"
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'contenu'")
    tab_to(page, field("username"), max_steps=10)
    page.keyboard.type(agent.email)
    tab_to(page, field("password"), max_steps=3)
    page.keyboard.type(PASSWORD)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tab.path.startswith("/compte/double-authentification/verification/")
    assert tab.heading() == "Code de vérification"
    tab.check("code de verification")
    tab_to(page, field("code"), max_steps=40)
    page.keyboard.type(current_code_of(agent))
    tab_to(page, named("Valider le code"), max_steps=3)
    with page.expect_navigation():
        page.keyboard.press("Enter")
    assert tab.path.startswith("/espace/") and tab.heading() == "Bonjour Nolwenn"

    tab.click_link("Double authentification", exact=True)
    assert tab.badge() == "Activée" and "10 sur 10" in tab.main_text()
    tab.check("etat de la double authentification")
