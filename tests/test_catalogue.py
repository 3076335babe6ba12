"""The catalogue matches the ARS note item for item; public pages, filters, ARS editing with history, copies."""

import re
from pathlib import Path

import pytest
from django.urls import reverse

from mobilisation.catalogue.models import ActionModel, Axis, Mobilisation, Resource, Theme
from mobilisation.territories.models import ArsOffice

from .utils import page_text

pytestmark = pytest.mark.django_db

NOTE = Path(__file__).resolve().parent.parent.parent / "shared" / "seeds" / "000_92ff0d01872f39f7.txt"
SLUG = "covid19-2020"


@pytest.fixture
def covid(db):
    return Mobilisation.objects.get(slug=SLUG)


def test_two_axes_five_themes_35_action_models(covid):
    assert covid.title == "COVID-19 : mobilisation des CLS bretons"
    assert Axis.objects.filter(mobilisation=covid).count() == 2
    themes = Theme.objects.filter(axis__mobilisation=covid)
    assert themes.count() == 5
    assert [t.action_models.count() for t in themes.order_by("axis__order", "order")] == [9, 6, 5, 11, 4]
    assert covid.action_models.count() == 35


def test_every_example_bullet_of_the_note_is_an_action_model(covid):
    text = NOTE.read_text(encoding="utf-8")
    bullets = [b for b in re.split(r"\uf0b7|", text) if b.strip()][1:]
    assert len(bullets) >= 35
    titles_and_descriptions = " ".join(f"{a.title} {a.description}" for a in covid.action_models.all()).lower()
    for keyword in [
        "bulletins communaux",
        "lieux de passage",
        "mise en réseau",
        "équipes mobiles",
        "falc",
        "télétravail",
        "click and collect",
        "transport",
        "gel hydro-alcoolique",
        "réunions publiques",
        "enquêtes",
        "cahiers de doléance",
        "parcours de vie",
        "conseils territoriaux de santé",
        "soutien psychologique",
        "numéros verts",
        "santé mentale",
        "veille sanitaire",
        "médiateurs santé",
        "non-recours",
        "bénévoles",
        "services à domicile",
        "numérique",
        "aidants",
        "portage de repas",
        "hébergement",
        "groupes d’entraide",
    ]:
        assert keyword.replace("’", "'") in titles_and_descriptions.replace("’", "'"), keyword


def test_actions_needing_presence_have_a_lockdown_alternative(covid):
    physical = covid.action_models.filter(modalities__code__in=["presentiel", "rassemblement"]).distinct()
    assert physical.exists()
    assert all(a.lockdown_alternative.strip() for a in physical)
    assert all(a.indicators and all(i["name"] for i in a.indicators) for a in covid.action_models.all())


def test_resources_of_the_note(covid):
    funding = covid.resources.funding_lines()
    assert funding.count() == 3 and all(r.kind == "financier" for r in funding)
    urls = set(covid.resources.exclude(url="").values_list("url", flat=True))
    for url in [
        "https://covid19.reserve-civique.gouv.fr",
        "https://voisinssolidaires.fr",
        "https://covid-entraide.fr",
        "https://www.conseilscitoyens.fr/espace-ressources-coronavirus",
        "https://www.centres-sociaux.fr/coronavirus-la-fcsf-sengage-a-vos-cotes/",
        "https://covid-initiatives.org",
        "https://reussirmonmandat.unccas.org/wpcontent/uploads/2020/03/unccas_2020_V4covid19.pdf",
    ]:
        assert any(u.rstrip("/") == url.rstrip("/") for u in urls), url
    titles = " ".join(covid.resources.values_list("title", flat=True)).lower()
    for name in ["service civique", "ccas", "ehesp", "ireps", "anpaa", "pôle ressources", "santé publique france", "apéro"]:
        assert name in titles, name
    kinds = set(covid.resources.values_list("kind", flat=True))
    assert kinds == {"financier", "humain", "documentaire", "partenarial"}


def test_contacts_of_the_note_are_the_ars_offices(client, covid):
    page = page_text(client.get(covid.get_absolute_url()))
    for office in ArsOffice.objects.all():
        assert office.email in page


def test_loading_twice_keeps_the_catalogue_and_its_edits(covid):
    from mobilisation.catalogue.loaders import load_all_catalogues

    ActionModel.objects.filter(mobilisation=covid, order=0, theme__code="A1").update(title="Titre modifié par l’ARS")
    [(mobilisation, created)] = load_all_catalogues()
    assert not created and mobilisation.action_models.count() == 35
    assert ActionModel.objects.filter(title="Titre modifié par l’ARS").exists()


def test_public_catalogue_pages(client, covid, django_assert_max_num_queries):
    assert "COVID-19 : mobilisation des CLS bretons" in page_text(client.get(reverse("catalogue:index")))
    with django_assert_max_num_queries(12):
        page = page_text(client.get(covid.get_absolute_url()))
    assert "35 actions" in page
    action = covid.action_models.filter(lockdown_alternative__gt="").first()
    detail = page_text(client.get(action.get_absolute_url()))
    assert action.title in detail and "En période de confinement" in detail
    with django_assert_max_num_queries(8):
        resources = page_text(client.get(reverse("catalogue:resources", args=[SLUG])))
    assert "ligne de financement" in resources


@pytest.mark.parametrize(
    ("params", "check"),
    [
        ({"axis": "B"}, lambda a: a.theme.axis.code == "B"),
        ({"theme": "A3"}, lambda a: a.theme.code == "A3"),
        ({"modality": "distance"}, lambda a: a.modalities.filter(code="distance").exists()),
        ({"public": "personnes_agees"}, lambda a: a.publics.filter(code="personnes_agees").exists()),
    ],
)
def test_catalogue_filters(client, covid, params, check):
    response = client.get(covid.get_absolute_url(), params)
    shown = [a for a in covid.action_models.all() if f'href="{a.get_absolute_url()}"' in response.content.decode()]
    assert shown and all(check(a) for a in shown)
    expected = [a for a in covid.action_models.all() if check(a)]
    assert len(shown) == len(expected)


def test_catalogue_search_and_bad_filters(client, covid):
    assert "numéro" in page_text(client.get(covid.get_absolute_url(), {"q": "numéros verts"})).lower()
    response = client.get(covid.get_absolute_url(), {"axis": "Z", "modality": "<script>"})
    assert response.status_code == 200 and "Sélectionnez un choix valide" in page_text(response)


def action_form(action, **changes):
    data = {
        "title": action.title,
        "theme": action.theme_id,
        "description": action.description,
        "modalities": [m.pk for m in action.modalities.all()],
        "publics": [p.pk for p in action.publics.all()],
        "partner_kinds": "\n".join(action.partner_kinds),
        "indicators": "\n".join(f"{i['name']} | {i.get('unit', '')}" for i in action.indicators),
        "lockdown_alternative": action.lockdown_alternative,
        "resources": [r.pk for r in action.resources.all()],
        "change_reason": "",
        "revision_seen": action.revision,
    }
    data.update(changes)
    return data


def test_ars_region_edits_an_action_model_with_history(login, ars_region, covid):
    action = covid.action_models.first()
    client = login(ars_region)
    url = reverse("catalogue:edit_action_model", args=[SLUG, action.slug])
    response = client.post(url, action_form(action, description="Nouvelle description.", change_reason="Précision de l’ARS"))
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.description == "Nouvelle description." and action.revision == 2
    history = page_text(client.get(reverse("catalogue:action_model_history", args=[SLUG, action.slug])))
    assert "Précision de l’ARS" in history and "description" in history


def test_action_model_edit_refuses_stale_and_incomplete_input(login, ars_region, covid):
    action = covid.action_models.filter(modalities__code="rassemblement").first()
    client = login(ars_region)
    url = reverse("catalogue:edit_action_model", args=[SLUG, action.slug])
    missing = client.post(url, action_form(action, lockdown_alternative=""))
    assert "indiquez comment la mener pendant un confinement" in page_text(missing)
    stale = client.post(url, action_form(action, revision_seen=action.revision - 1, title="Version périmée"))
    assert "modifié par quelqu’un d’autre" in page_text(stale) and 'value="Version périmée"' in page_text(stale)
    action.refresh_from_db()
    assert action.revision == 1 and action.title != "Version périmée"


def test_ars_region_adds_an_action_model_and_a_resource(login, ars_region, covid):
    client = login(ars_region)
    theme = Theme.objects.get(axis__mobilisation=covid, code="B1")
    response = client.post(
        reverse("catalogue:new_action_model", args=[SLUG]),
        {
            "title": "Ouvrir une ligne d’écoute pour les aidants",
            "theme": theme.pk,
            "description": "Écoute téléphonique.",
            "indicators": "Appels reçus | appels",
        },
    )
    assert response.status_code == 302
    created = ActionModel.objects.get(title="Ouvrir une ligne d’écoute pour les aidants")
    assert created.slug == "ouvrir-une-ligne-decoute-pour-les-aidants" and created.indicators == [
        {"name": "Appels reçus", "unit": "appels"}
    ]
    response = client.post(
        reverse("catalogue:new_resource", args=[SLUG]), {"kind": "humain", "title": "Réserve sanitaire", "is_funding_line": "on"}
    )
    assert "Seule une ressource financière" in page_text(response)
    assert client.post(reverse("catalogue:new_resource", args=[SLUG]), {"kind": "humain", "title": "Réserve sanitaire"}).status_code == 302
    assert Resource.objects.filter(title="Réserve sanitaire", mobilisation=covid).exists()


def test_a_new_mobilisation_starts_as_a_copy_in_draft(login, ars_region, client, covid):
    response = login(ars_region).post(
        reverse("catalogue:new_mobilisation"),
        {"title": "Canicule 2027", "slug": "canicule-2027", "start": "2027-06-01", "copy_of": covid.pk},
    )
    assert response.status_code == 302
    copy = Mobilisation.objects.get(slug="canicule-2027")
    assert copy.status == "brouillon" and copy.copied_from == covid
    assert copy.action_models.count() == 35 and copy.resources.count() == covid.resources.count()
    assert Theme.objects.filter(axis__mobilisation=copy).count() == 5
    assert client.get(copy.get_absolute_url()).status_code == 404  # drafts are not public
    assert covid.action_models.count() == 35


def test_catalogue_editing_is_for_the_ars_region_only(login, coordinator_dinan, delegation_22, covid):
    action = covid.action_models.first()
    for user in [coordinator_dinan, delegation_22, None]:
        client = login(user)
        for url in [
            reverse("catalogue:new_mobilisation"),
            reverse("catalogue:edit_mobilisation", args=[SLUG]),
            reverse("catalogue:new_action_model", args=[SLUG]),
            reverse("catalogue:edit_action_model", args=[SLUG, action.slug]),
            reverse("catalogue:new_resource", args=[SLUG]),
        ]:
            assert client.get(url).status_code in {302, 404}, (user, url)
            assert client.post(url, {"title": "x"}).status_code in {302, 404}
    action.refresh_from_db()
    assert action.revision == 1


def test_catalogue_export_keeps_filters_and_neutralises(client, covid):
    ActionModel.objects.filter(mobilisation=covid, theme__code="A3").update(description='=HYPERLINK("http://x")')
    response = client.get(covid.get_absolute_url(), {"theme": "A3", "format": "csv"})
    text = response.content.decode("utf-8-sig")
    assert response.status_code == 200 and text.count("\n") == 6  # header + 5 actions of A3
    assert "'=HYPERLINK" in text
    assert client.get(covid.get_absolute_url(), {"format": "xlsx"}).status_code == 200
    assert client.get(covid.get_absolute_url(), {"format": "exe"}).status_code == 400
