"""The visitor's journeys (no account): territories, map, CLS registry, catalogue, search, legal pages, login error."""

import datetime
import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def search(tab, text):
    """Search from the box of the territories page, as a visitor types it."""
    tab.click_link("Territoires", exact=True)
    box = tab.page.get_by_role("searchbox", name="Rechercher une commune (nom ou code postal) ou une intercommunalité")
    box.fill(text)
    with tab.page.expect_navigation():
        box.press("Enter")
    assert tab.heading() == "Rechercher un territoire"


def test_visitor_explores_the_territories_of_brittany(visit, reference_data):
    tab = visit("visiteur-territoires")
    page = tab.page
    tab.goto("/")
    assert tab.heading() == "Mobiliser les contrats locaux de santé bretons"
    assert "1 202" in tab.main_text()  # communes of Brittany
    tab.check("accueil")

    tab.click_link("Territoires", exact=True)
    assert tab.heading() == "Bretagne : les territoires"
    tab.check("region")

    tab.click_link("Finistère", exact=True)
    assert tab.heading() == "Finistère (29)"
    assert page.locator("path.leaflet-interactive").count() > 0
    tab.check("departement")

    tab.click_link(re.compile(r"^Liste des \d+ communes$"))
    assert tab.heading() == "Communes du département Finistère"
    assert "page 1 sur" in tab.main_text()
    tab.check("communes du departement")
    tab.click_link("Page suivante")
    assert "page 2 sur" in tab.main_text()
    tab.check("communes page 2")

    search(tab, "Ouessant")
    tab.check("recherche ouessant")
    tab.click_link("Ouessant", exact=True)
    assert tab.heading() == "Ouessant"
    assert "29155" in tab.main_text()
    assert "non publié (secret statistique)" in tab.main_text()  # the poverty rate of a small island
    tab.check("commune ile")

    search(tab, "Redon")
    tab.click_link("CA Redon Agglomération", exact=True)
    assert tab.heading() == "CA Redon Agglomération"
    assert "Cet EPCI s’étend hors de Bretagne" in tab.main_text()  # 8 communes in Loire-Atlantique
    tab.check("epci a cheval")

    search(tab, "saint")
    assert page.locator("table tbody tr").count() > 50
    tab.check("recherche saint")

    tab.click_link("Carte", exact=True)
    assert tab.heading() == "Carte des départements et des intercommunalités"
    tab.wait_for_maps()
    assert page.locator("path.leaflet-interactive").count() == 4 + 61
    assert page.locator("img.leaflet-tile").count() == 0  # no tile server unless MAP_TILES_URL is set
    tab.check("carte")


FOOTER_PAGES = [
    ("Plan du site", "Plan du site"),
    ("Accessibilité : partiellement conforme", "Déclaration d’accessibilité"),
    ("Mentions légales", "Mentions légales"),
    ("Données personnelles", "Données personnelles"),
    ("Sources des données", "Sources des données"),
]


def test_visitor_reads_the_cls_registry_the_catalogue_and_the_legal_pages(visit, reference_data):
    tab = visit("visiteur-registre-catalogue")
    page = tab.page
    tab.goto("/")
    tab.click_link("Consulter le registre des CLS")
    assert tab.heading() == "Registre des contrats locaux de santé"
    assert page.locator("caption").first.inner_text() == "22 CLS"
    tab.check("registre")
    page.get_by_label("Département").select_option(label="Finistère (29)")
    tab.click_button("Filtrer")
    finistere = int(page.locator("caption").first.inner_text().split()[0])
    assert 0 < finistere < 22
    tab.check("registre filtre")
    tab.click_link("CLS du Pays de Brest", exact=True)
    assert tab.heading() == "CLS du Pays de Brest"
    assert page.get_by_role("link", name="Ouvrir l’espace du CLS").count() == 0  # workspaces are for the CLS team and the ARS
    tab.check("cls public")

    tab.click_link("Catalogue", exact=True)
    assert tab.heading() == "Catalogue des actions"
    assert page.get_by_role("link", name="Lancer une mobilisation").count() == 0
    tab.check("catalogue")
    tab.click_link("COVID-19 : mobilisation des CLS bretons")
    assert page.get_by_role("status").inner_text() == "35 actions"
    assert page.get_by_role("link", name="Ajouter un modèle d’action").count() == 0
    tab.check("mobilisation")
    page.get_by_label("Axe").select_option(value="B")
    page.get_by_label("Modalité").select_option(label="À distance")
    tab.click_button("Filtrer")
    filtered = int(page.get_by_role("status").inner_text().split()[0])
    assert 0 < filtered < 35
    tab.check("catalogue filtre axe b a distance")
    tab.click_link("Tout afficher")
    page.get_by_label("Mots-clés").fill("numero vert")
    tab.click_button("Filtrer")
    assert page.get_by_role("status").inner_text().endswith("pour « numero vert »")
    assert "numéros verts COVID-19" in page.locator(".fr-card__title").first.inner_text()
    tab.check("catalogue recherche")
    page.get_by_label("Mots-clés").fill("astronaute")
    tab.click_button("Filtrer")
    assert "Aucune action ne correspond à « astronaute »." in tab.main_text()
    tab.check("catalogue recherche sans resultat")
    tab.click_link("Effacer la recherche")
    assert page.get_by_role("status").inner_text() == "35 actions"
    tab.click_link("Relayer")
    assert "Relayer" in tab.heading()
    assert page.get_by_role("link", name="Modifier").count() == 0
    tab.check("modele d action")
    tab.click_link("historique des modifications")
    tab.check("historique du modele")
    tab.click_link("COVID-19 : mobilisation des CLS bretons")  # from the breadcrumb
    tab.click_link("Toutes les ressources")
    assert tab.heading() == "Ressources mobilisables"
    tab.check("ressources")

    for link, heading in FOOTER_PAGES:
        with page.expect_navigation():
            page.locator("footer").get_by_role("link", name=link, exact=True).click()
        assert heading in tab.heading()
        tab.check(link)


def test_visitor_is_sent_to_the_login_page_mistypes_the_password_and_resets_it(visit, people, mailoutbox):
    tab = visit("visiteur-connexion")
    page = tab.page
    tab.goto("/plans/")
    assert tab.path == "/compte/connexion/?next=/plans/"
    assert tab.heading() == "Connexion à Mobilisation CLS"
    tab.check("connexion demandee")
    page.locator("#id_username").fill(people.coordinator.email)
    page.locator("#id_password").fill("pas le bon")
    tab.click_button("Se connecter")
    assert page.get_by_text("Adresse électronique ou mot de passe incorrect.").is_visible()
    assert page.title().startswith("Erreur")
    tab.check("connexion refusee")

    tab.click_link("Mot de passe oublié ?")
    assert tab.heading() == "Mot de passe oublié"
    tab.check("mot de passe oublie")
    page.locator("#id_email").fill(people.coordinator.email)
    tab.click_button("Recevoir le lien")
    assert tab.heading() == "Demande envoyée"
    tab.check("lien envoye")

    link = re.search(r"https?://\S+(/compte/mot-de-passe/nouveau/\S+/)", mailoutbox[0].body).group(1)
    tab.goto(link)  # the address comes from the e-mail
    assert tab.heading() == "Choisir un nouveau mot de passe"
    page.locator("#id_new_password1").fill("Ker-Dinan-2027!")
    page.locator("#id_new_password2").fill("Ker-Dinan-2028!")
    tab.click_button("Enregistrer")
    assert page.title().startswith("Erreur – ")
    tab.check("confirmation differente")
    page.locator("#id_new_password1").fill("Ker-Dinan-2027!")
    page.locator("#id_new_password2").fill("Ker-Dinan-2027!")
    tab.click_button("Enregistrer")
    assert tab.heading() == "Mot de passe modifié"
    tab.check("mot de passe modifie")

    tab.click_link("Se connecter")
    page.locator("#id_username").fill(people.coordinator.email)
    page.locator("#id_password").fill("Ker-Dinan-2027!")
    tab.click_button("Se connecter")
    assert tab.heading() == "Bonjour Claire"
    people.coordinator.refresh_from_db()
    assert people.coordinator.check_password("Ker-Dinan-2027!")


def test_visitor_finds_help_near_home_under_a_lockdown(visit, people):
    """« Trouver de l'aide près de chez moi »: a postcode, the commune, its services and what the lockdown allows."""
    from django.utils import timezone

    from mobilisation.catalogue.models import Modality
    from mobilisation.directory.demo import create_demo_services
    from mobilisation.plans import services
    from mobilisation.plans.models import RestrictionPeriod

    create_demo_services()
    today = timezone.localdate()
    services.save_restriction(
        period=RestrictionPeriod(
            kind="confinement",
            label="Confinement de décembre",
            scope="departement",
            department_id="22",
            start=today - datetime.timedelta(days=1),
            end=today + datetime.timedelta(days=14),
        ),
        blocked_modalities=Modality.objects.filter(code__in=["rassemblement", "presentiel"]),
        epcis=[],
        communes=[],
        by=people.region,
    )
    tab = visit("visiteur-aide")
    page = tab.page
    tab.goto("/")
    tab.click_link("Trouver de l’aide", exact=True)
    assert tab.heading() == "Trouver de l’aide près de chez moi"
    tab.check("aide recherche")
    page.get_by_label("Votre commune ou votre code postal").fill("x")
    tab.click_button("Voir l’aide de ma commune")
    assert "Saisissez au moins 2 caractères." in tab.main_text()
    tab.check("aide erreur")
    page.get_by_label("Votre commune ou votre code postal").fill("22100")
    tab.click_button("Voir l’aide de ma commune")
    assert "Plusieurs communes correspondent à « 22100 »" in tab.main_text()
    tab.click_link("Dinan", exact=True)
    assert tab.heading() == "Trouver de l’aide à Dinan"
    text = tab.main_text()
    assert "Confinement de décembre" in text
    assert "CCAS de Dinan (démonstration)" in text and "02 61 91 02 00" in text
    assert "Courses et médicaments livrés à domicile" in text
    assert "OUVERT SOUS LES MESURES EN VIGUEUR" in text  # badges are in capitals
    assert "SUSPENDU PAR LES MESURES EN VIGUEUR" in text  # the digital help desk, in person only
    assert "JeVeuxAider.gouv.fr" in text
    tab.wait_for_maps()
    assert page.locator("path.leaflet-interactive").count() >= 2  # the commune, and the help desk's place
    tab.check("aide dinan")
    tab.click_link("Permanence d’aide numérique")
    assert tab.heading() == "Permanence d’aide numérique"
    assert "Le mardi de 14 h à 17 h ; le jeudi de 14 h à 17 h" in tab.main_text()
    assert (
        "SUSPENDU PAR LES MESURES EN VIGUEUR" in tab.main_text()
        and "Mesures en vigueur à Dinan : Confinement de décembre" in tab.main_text()
    )
    tab.check("aide service")
