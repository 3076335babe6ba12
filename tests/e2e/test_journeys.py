"""Browser journeys in Debian's Chromium: a visitor and a coordinator, with axe-core on every page."""

from urllib.parse import urlparse

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_coordinator_logs_in_and_reaches_their_cls_and_its_territory(visit, coordinator, password):
    tab = visit("coordinatrice")
    page = tab.page
    tab.goto("/")
    assert page.locator("h1").inner_text() == "Mobiliser les contrats locaux de santé bretons"
    tab.check("accueil")

    page.get_by_role("link", name="Se connecter").first.click()
    page.wait_for_url("**/compte/connexion/")
    tab.check("connexion")

    page.locator("#id_username").fill(coordinator.email)
    page.locator("#id_password").fill(password)
    page.get_by_role("button", name="Se connecter").click()
    page.wait_for_url("**/espace/")
    assert "Bonjour Claire" in page.locator("h1").inner_text()
    tab.check("mon espace")

    page.get_by_role("link", name="CLS de Dinan Agglomération").click()
    page.wait_for_url("**/cls/espace/**")
    assert page.locator("h1").inner_text() == "CLS de Dinan Agglomération"
    assert page.get_by_text("ars-dd22-direction@ars.sante.fr").first.is_visible()
    tab.check("espace du cls")

    page.get_by_role("link", name="CA Dinan Agglomération").first.click()
    page.wait_for_url("**/territoires/epci/200068989/")
    assert page.locator("h1").inner_text() == "CA Dinan Agglomération"
    tab.check("territoire du cls")


def test_failed_login_shows_the_error_accessibly(visit, coordinator):
    tab = visit("erreur-connexion")
    page = tab.page
    tab.goto("/compte/connexion/")
    page.locator("#id_username").fill(coordinator.email)
    page.locator("#id_password").fill("pas le bon")
    page.get_by_role("button", name="Se connecter").click()
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect.").is_visible()
    tab.check("connexion refusee")


@pytest.mark.parametrize(
    ("path", "heading"),
    [
        ("/territoires/", "Bretagne : les territoires"),
        ("/territoires/departements/29/", "Finistère (29)"),
        ("/territoires/epci/243500741/", "Redon Agglomération"),
        ("/territoires/communes/29155/", "Ouessant"),
        ("/territoires/carte/", "Carte des départements et des intercommunalités"),
        ("/territoires/recherche/?q=saint", "Rechercher un territoire"),
        ("/cls/", "Registre des contrats locaux de santé"),
        ("/cls/pays-de-brest/", "CLS du Pays de Brest"),
        ("/accessibilite/", "Déclaration d’accessibilité"),
        ("/catalogue/", "Catalogue des actions"),
        ("/catalogue/covid19-2020/", "COVID-19 : mobilisation des CLS bretons"),
        ("/catalogue/covid19-2020/?axis=B&modality=distance", "COVID-19 : mobilisation des CLS bretons"),
        ("/catalogue/covid19-2020/ressources/", "Ressources mobilisables"),
        ("/catalogue/covid19-2020/actions/relayer-messages-prevention/", "Relayer"),
    ],
)
def test_public_pages_are_accessible(visit, reference_data, path, heading):
    tab = visit("visiteur")
    tab.goto(path)
    assert heading in tab.page.locator("h1").inner_text()
    tab.check(path)


def test_map_draws_department_and_epci_boundaries_without_tiles(visit, reference_data):
    tab = visit("carte")
    tab.goto("/territoires/carte/")
    tab.wait_for_maps()
    assert tab.page.locator("path.leaflet-interactive").count() == 4 + 61
    assert tab.page.locator("img.leaflet-tile").count() == 0


def test_keyboard_only_login(visit, coordinator, password):
    tab = visit("clavier")
    page = tab.page
    tab.goto("/compte/connexion/")
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.textContent.trim()") == "Contenu"  # first stop: the skip link
    page.keyboard.press("Enter")
    page.wait_for_function("document.activeElement && document.activeElement.id === 'contenu'")
    # From the main content, Tab reaches the e-mail field first.
    for _ in range(10):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.name") == "username":
            break
    assert page.evaluate("document.activeElement.name") == "username"
    page.keyboard.type(coordinator.email)
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.name") == "password"
    page.keyboard.type(password)
    page.keyboard.press("Enter")
    page.wait_for_url(lambda url: urlparse(url).path == "/espace/")  # the skip link's #contenu may stay in the URL
    # Reach the CLS workspace with the keyboard only.
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.textContent.trim()") == "CLS de Dinan Agglomération":
            break
    page.keyboard.press("Enter")
    page.wait_for_url("**/cls/espace/**")
    tab.check("espace du cls au clavier")
