"""Catalogue search: accents, case and word forms ignored, the lockdown alternative found, ranked; the same on both databases.

Run on SQLite (stored document, Python stemmer) and on PostgreSQL (french_unaccent text search) alike: the expected
results below come from the catalogue's text, read with regular expressions, not from either implementation.
"""

import re
import types

import pytest
from django.apps import apps
from django.db import connection
from django.test.utils import CaptureQueriesContext

from mobilisation.catalogue import search
from mobilisation.catalogue.loaders import load_all_catalogues
from mobilisation.catalogue.models import ActionModel, Mobilisation, TargetPublic
from mobilisation.catalogue.services import copy_mobilisation, index_action_models, save_action_model

from .utils import page_text

pytestmark = pytest.mark.django_db

SLUG = "covid19-2020"


@pytest.fixture
def covid(db):
    return Mobilisation.objects.get(slug=SLUG)


def found(covid, query):
    return list(covid.action_models.search(query).values_list("slug", flat=True))


def text_of(action):
    """Everything the search reads of an action, as the visitor sees it on the model's page."""
    return "\n".join(
        [
            action.title,
            action.description,
            "Alternative en période de confinement " + action.lockdown_alternative if action.lockdown_alternative else "",
            *[p.label for p in action.publics.all()],
            *action.partner_kinds,
            *[m.label for m in action.modalities.all()],
            *[i["name"] for i in action.indicators],
        ]
    )


def where(covid, *patterns):
    """Slugs of the actions whose text matches every pattern (case-insensitive)."""
    return {
        a.slug
        for a in covid.action_models.prefetch_related("publics", "modalities")
        if all(re.search(p, text_of(a), re.IGNORECASE) for p in patterns)
    }


CATALOGUE_ORDER = ["theme__axis__order", "theme__order", "order", "title"]

# Real queries and, for each, the patterns an action's text must match to be found (words in any form).
QUERIES = {
    "numero vert": [r"\bnum[ée]ros?\b", r"\bverts?\b"],
    "benevole": [r"\bb[ée]n[ée]voles?\b"],
    "bénévoles": [r"\bb[ée]n[ée]voles?\b"],
    "BÉNÉVOLE": [r"\bb[ée]n[ée]voles?\b"],
    "masque": [r"\bmasqu(e|es|er|és?)\b"],
    "personnes agees": [r"\bpersonnes?\b", r"\b[aâ]g[ée]e?s?\b"],
    "personne âgée": [r"\bpersonnes?\b", r"\b[aâ]g[ée]e?s?\b"],
    "soutien psychologique": [r"\bsoutien", r"\bpsycholog"],
    "gel hydro-alcoolique": [r"\bgel\b", r"\bhydro", r"alcooli"],
    "cias": [r"\bcias\b"],  # written "CCAS/CIAS"
}


@pytest.mark.parametrize(("query", "patterns"), QUERIES.items(), ids=list(QUERIES))
def test_search_finds_every_form_of_the_words_and_nothing_else(covid, query, patterns):
    expected = where(covid, *patterns)
    assert expected, "the catalogue holds these words"
    assert set(found(covid, query)) == expected


def test_accents_case_and_plural_do_not_change_the_results(covid):
    assert found(covid, "benevole") == found(covid, "bénévoles") == found(covid, "Bénévole")
    assert found(covid, "personne âgée") == found(covid, "PERSONNES AGEES")
    assert set(found(covid, "numéros verts")) == set(found(covid, "numero vert"))
    assert "numeros-verts-covid19" in found(covid, "numéro")


def test_confinement_finds_every_action_with_a_lockdown_alternative(covid):
    with_alternative = set(covid.action_models.exclude(lockdown_alternative="").values_list("slug", flat=True))
    assert len(with_alternative) >= 10
    results = set(found(covid, "confinement"))
    assert with_alternative <= results
    assert results == with_alternative | where(covid, r"\bconfin(ement|ements|é|és|er)?\b")


def test_a_word_is_not_matched_by_a_longer_one(ars_region, covid):
    """ "âgées" is a word of its own: "agents" is no match for "personnes âgées", nor "vertical" for "vert"."""
    action = ActionModel(
        mobilisation=covid,
        theme=covid.action_models.first().theme,
        slug="former-agents-accueil",
        title="Former les agents d’accueil des personnes",
        description="Un affichage vertical dans les halls. Œuvres sociales.",
    )
    save_action_model(action_model=action, modalities=[], publics=[], resources=[], by=ars_region)
    assert "former-agents-accueil" in found(covid, "agents personnes")
    assert "former-agents-accueil" not in found(covid, "personnes âgées")
    assert "former-agents-accueil" in found(covid, "verticaux")
    assert "former-agents-accueil" not in found(covid, "vert")
    assert "former-agents-accueil" in found(covid, "oeuvre")


def test_results_are_ranked_title_first_then_description_then_the_rest(covid):
    results = list(covid.action_models.search("bénévoles"))

    def weight(action):
        if re.search(r"b[ée]n[ée]vole", action.title, re.IGNORECASE):
            return 3
        return 2 if re.search(r"b[ée]n[ée]vole", action.description, re.IGNORECASE) else 1

    weights = [weight(a) for a in results]
    assert weights == sorted(weights, reverse=True) and weights[0] == 3 and weights[-1] == 1
    assert results[0].slug == "solidarite-voisins-plateformes-benevoles"
    assert found(covid, "masques")[0] == "distribuer-gel-masques"
    assert found(covid, "numero vert")[0] == "numeros-verts-covid19"
    # Ties keep the catalogue order.
    ordered = list(covid.action_models.order_by(*CATALOGUE_ORDER).values_list("slug", flat=True))
    tied = [a.slug for a in results if weight(a) == 1]
    assert tied == [slug for slug in ordered if slug in tied]


@pytest.mark.parametrize("query", ["le la les de", "?!… ; ,", "%", "_", "'", "12 000", "a à y"])
def test_a_query_without_a_meaningful_word_filters_nothing(covid, query):
    assert not search.is_meaningful(query)
    assert found(covid, query) == list(covid.action_models.order_by(*CATALOGUE_ORDER).values_list("slug", flat=True))


@pytest.mark.parametrize(
    "query",
    [
        "50 % de masques_ l'aide' OR 1=1; DROP TABLE catalogue_actionmodel; --",
        "\"; SELECT * FROM accounts_user WHERE '1'='1",
        "astronaute:* & vert | !aide",  # tsquery syntax is not interpreted
    ],
)
def test_query_with_sql_or_search_syntax_is_plain_words(covid, query):
    results = found(covid, query)
    terms = search.query_terms(query)
    assert terms and all(re.fullmatch(r"[a-z0-9]+", form) for word_forms in terms for form in word_forms)
    assert results == []
    assert ActionModel.objects.filter(mobilisation=covid).count() == 35


def test_the_stored_document_syntax_is_plain_words_too(covid):
    assert found(covid, "a:numero b:vert") == found(covid, "numero vert")
    assert found(covid, " a:numero ") == found(covid, "numero")


def test_a_long_query_keeps_its_first_ten_words(covid):
    query = ("masques " + "gel " * 30)[:100]
    assert len(query) == 100 and len(search.query_terms(query)) == 2
    assert found(covid, query) == found(covid, "masques gel")
    many = " ".join(f"mot{n}" for n in range(20))
    assert len(search.query_terms(many)) == search.MAX_TERMS


def test_catalogue_page_searches_with_a_hint_and_ranks(client, covid):
    page = page_text(client.get(covid.get_absolute_url()))
    assert "Cherche dans l’intitulé, la description, l’alternative en période de confinement, les publics" in page
    assert "35 actions" in page
    response = client.get(covid.get_absolute_url(), {"q": "numero vert"})
    page = page_text(response)
    expected = where(covid, *QUERIES["numero vert"])
    assert f"{len(expected)} action{'s' if len(expected) > 1 else ''} pour « numero vert »" in page
    html = response.content.decode()
    positions = [html.index(f'href="{covid.action_models.get(slug=slug).get_absolute_url()}"') for slug in found(covid, "numero vert")]
    assert positions == sorted(positions)  # shown in the order of relevance
    assert "B · B1 – Accompagnement des personnes fragiles</p>" in page  # each result says its theme


def test_catalogue_search_combines_with_the_filters(client, covid):
    response = client.get(covid.get_absolute_url(), {"q": "bénévoles", "axis": "B"})
    html = response.content.decode()
    shown = {a.slug for a in covid.action_models.all() if f'href="{a.get_absolute_url()}"' in html}
    assert shown == {slug for slug in found(covid, "bénévoles") if covid.action_models.get(slug=slug).theme.axis.code == "B"}


def test_an_empty_result_says_so_and_clears_the_search_only(client, covid):
    page = page_text(client.get(covid.get_absolute_url(), {"q": "astronaute", "axis": "B", "public": "personnes_agees"}))
    assert '<p role="status">0 action pour « astronaute »</p>' in page
    assert "Aucune action ne correspond à « astronaute » avec ces critères." in page
    link = re.search(r'<a class="[^"]*" href="([^"]+)">Effacer la recherche</a>', page)
    assert link and link.group(1) == f"{covid.get_absolute_url()}?axis=B&public=personnes_agees"
    alone = page_text(client.get(covid.get_absolute_url(), {"q": "astronaute"}))
    assert "Aucune action ne correspond à « astronaute »." in alone
    assert f'href="{covid.get_absolute_url()}">Effacer la recherche' in alone


def test_a_query_of_stop_words_is_said_to_be_ignored(client, covid):
    page = page_text(client.get(covid.get_absolute_url(), {"q": "de la"}))
    assert "35 actions" in page and "« de la » ne contient aucun mot à chercher" in page


def test_too_long_a_query_is_refused_with_a_french_message(client, covid):
    page = page_text(client.get(covid.get_absolute_url(), {"q": "m" * 101}))
    assert "Assurez-vous que cette valeur comporte au plus 100 caractères" in page and "35 actions" in page


def test_search_costs_no_extra_query(client, covid):
    client.get(covid.get_absolute_url())  # caches (content types, sessions) filled
    with CaptureQueriesContext(connection) as plain:
        client.get(covid.get_absolute_url())
    for query in ["numero vert", "personnes âgées confinement", "le la"]:
        with CaptureQueriesContext(connection) as searched:
            response = client.get(covid.get_absolute_url(), {"q": query})
        assert response.status_code == 200
        assert len(searched) == len(plain), query


def test_the_api_searches_the_same_way(client, covid):
    response = client.get("/api/v1/modeles-action/", {"q": "bénévole", "mobilisation": SLUG, "page_size": 100})
    assert response.status_code == 200
    assert {row["slug"] for row in response.json()["results"]} == set(found(covid, "benevole"))


def test_an_ars_edit_is_searchable_at_once(login, ars_region, covid):
    action = covid.action_models.get(slug="relayer-messages-prevention")
    assert "relayer-messages-prevention" not in found(covid, "kamishibaï")
    action.description += " Un kamishibaï pour les plus jeunes."
    save_action_model(
        action_model=action,
        modalities=action.modalities.all(),
        publics=TargetPublic.objects.filter(code__in=["population_generale", "aidants"]),
        resources=action.resources.all(),
        by=ars_region,
    )
    assert found(covid, "kamishibai") == ["relayer-messages-prevention"]
    assert "relayer-messages-prevention" in found(covid, "aidants")
    assert "search_document" not in [f.name for f in action.history.model._meta.fields]


def test_a_copied_mobilisation_is_searchable(ars_region, covid):
    copy = copy_mobilisation(source=covid, slug="canicule-2027", title="Canicule 2027", start="2027-06-01", by=ars_region)
    assert sorted(found(copy, "bénévoles")) == sorted(found(covid, "bénévoles"))


def test_a_public_relabelled_by_the_catalogue_file_is_searched_under_its_new_label(covid):
    TargetPublic.objects.filter(code="personnes_agees").update(label="Aînés")
    index_action_models(action_models=ActionModel.objects.all())
    elderly = set(covid.action_models.filter(publics__code="personnes_agees").values_list("slug", flat=True))
    assert elderly <= set(found(covid, "aînés"))
    load_all_catalogues()  # the file says "Personnes âgées" again: the models with that public are indexed again
    assert TargetPublic.objects.get(code="personnes_agees").label == "Personnes âgées"
    assert not elderly & set(found(covid, "aînés"))


def test_the_data_migration_fills_the_search_texts(covid):
    from importlib import import_module

    expected = dict(covid.action_models.values_list("slug", "search_document"))
    ActionModel.objects.update(search_text="", search_document="", search_vector=None)
    assert found(covid, "benevole") == []
    migration = import_module("mobilisation.catalogue.migrations.0003_fill_search_texts")
    migration.fill(apps, types.SimpleNamespace(connection=connection))
    assert dict(covid.action_models.values_list("slug", "search_document")) == expected
    assert all(expected.values())
    assert set(found(covid, "benevole")) == where(covid, *QUERIES["benevole"])


def test_the_postgresql_configuration_exists_there_and_nothing_is_needed_elsewhere():
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_tsvector('french_unaccent', 'Bénévoles âgées')::text")
            assert cursor.fetchone()[0] == "'age':2 'benevol':1"
    else:
        with connection.cursor() as cursor:  # the migration left SQLite alone: no extension to ask for
            cursor.execute("SELECT name FROM sqlite_master WHERE name LIKE '%unaccent%'")
            assert cursor.fetchall() == []
    assert search.document(title="Bénévoles", description="", extra="Personnes âgées") == " a:benevol c:person c:age "


def test_the_index_command_rebuilds_every_search_text(covid):
    from io import StringIO

    from django.core.management import call_command

    ActionModel.objects.update(search_text="", search_document="", search_vector=None)
    assert found(covid, "benevole") == []
    out = StringIO()
    call_command("index_catalogue", stdout=out)
    assert out.getvalue().strip() == f"Recherche du catalogue : {ActionModel.objects.count()} modèles d’action indexés."
    assert set(found(covid, "benevole")) == where(covid, *QUERIES["benevole"])
