"""The catalogue picker of a plan: filters and search, priority publics first with the reason, adopted actions, filters kept."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.catalogue.models import ActionModel, Mobilisation, TargetPublic
from mobilisation.catalogue.services import save_action_model
from mobilisation.plans import services

from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def covid(db):
    return Mobilisation.objects.get(slug="covid19-2020")


@pytest.fixture
def plan(cls_dinan, covid, coordinator_dinan):
    return services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)


def picker(plan):
    return reverse("plans:catalogue", args=[plan.public_id])


def shown_in_order(response, models):
    """The action models the page links to, in the order of the page."""
    html = response.content.decode()
    positions = {m.slug: html.find(f'href="{m.get_absolute_url()}"') for m in models}
    return [slug for slug, at in sorted(positions.items(), key=lambda pair: pair[1]) if at >= 0]


def test_actions_for_the_priority_publics_come_first_and_say_why(login, coordinator_dinan, plan, covid):
    plan.priority_publics.set(TargetPublic.objects.filter(code__in=["personnes_agees", "aidants"]))
    for_them = set(covid.action_models.filter(publics__code__in=["personnes_agees", "aidants"]).values_list("slug", flat=True))
    assert 0 < len(for_them) < 35
    response = login(coordinator_dinan).get(picker(plan))
    page = page_text(response)
    order = shown_in_order(response, covid.action_models.all())
    assert len(order) == 35
    assert set(order[: len(for_them)]) == for_them
    assert "Vos publics prioritaires : Personnes âgées, Aidants de personnes fragiles." in page
    assert "Pour vos publics prioritaires" in page and "Autres actions du catalogue" in page
    both = covid.action_models.filter(publics__code="personnes_agees").filter(publics__code="aidants").first()
    reasons = re.findall(r"Correspond à vos publics prioritaires : ([^<]+)</p>", page)
    assert len(reasons) == len(for_them)
    if both is not None:
        assert "personnes âgées, aidants de personnes fragiles" in reasons
    assert "personnes âgées" in reasons


def test_without_priority_publics_the_diagnosis_is_suggested(login, coordinator_dinan, plan, covid):
    response = login(coordinator_dinan).get(picker(plan))
    page = page_text(response)
    assert f'<a href="{reverse("plans:diagnosis", args=[plan.public_id])}">diagnostic du territoire</a>' in page
    assert "Correspond à vos publics prioritaires" not in page and "Pour vos publics prioritaires" not in page
    assert shown_in_order(response, covid.action_models.all()) == list(
        covid.action_models.order_by("theme__axis__order", "theme__order", "order", "title").values_list("slug", flat=True)
    )
    assert '<p role="status">35 actions</p>' in page


@pytest.mark.parametrize(
    ("params", "expected"),
    [
        ({"axis": "B"}, lambda m: m.theme.axis.code == "B"),
        ({"theme": "A3"}, lambda m: m.theme.code == "A3"),
        ({"public": "personnes_agees"}, lambda m: m.publics.filter(code="personnes_agees").exists()),
        ({"q": "bénévoles"}, lambda m: re.search(r"b[ée]n[ée]vole", m.title + m.description + m.search_text, re.IGNORECASE)),
        ({"q": "benevole", "axis": "B"}, lambda m: m.theme.axis.code == "B" and "benevol" in m.search_document),
    ],
)
def test_the_picker_filters_by_axis_theme_public_and_search(login, coordinator_dinan, plan, covid, params, expected):
    response = login(coordinator_dinan).get(picker(plan), params)
    shown = set(shown_in_order(response, covid.action_models.all()))
    wanted = {m.slug for m in covid.action_models.all() if expected(m)}
    assert shown and shown == wanted
    assert f'<p role="status">{len(wanted)} action{"s" if len(wanted) > 1 else ""}' in page_text(response)


def test_a_search_is_ranked_and_priority_publics_still_come_first(login, coordinator_dinan, plan, covid):
    plan.priority_publics.set(TargetPublic.objects.filter(code="personnes_isolees"))
    response = login(coordinator_dinan).get(picker(plan), {"q": "bénévoles"})
    order = shown_in_order(response, covid.action_models.all())
    ranked = list(covid.action_models.search("bénévoles").values_list("slug", flat=True))
    isolated = set(covid.action_models.filter(publics__code="personnes_isolees").values_list("slug", flat=True))
    assert order == [s for s in ranked if s in isolated] + [s for s in ranked if s not in isolated]
    assert "pour « bénévoles »" in page_text(response)


def test_an_empty_result_offers_to_clear_the_search(login, coordinator_dinan, plan):
    page = page_text(login(coordinator_dinan).get(picker(plan), {"q": "astronaute", "axis": "A"}))
    assert "Aucune action ne correspond à « astronaute » avec ces critères." in page
    assert f'href="{picker(plan)}?axis=A">Effacer la recherche</a>' in page


def test_adopting_keeps_the_filters_and_shows_the_action_as_in_the_plan(login, coordinator_dinan, plan, covid):
    client = login(coordinator_dinan)
    model = covid.action_models.search("bénévoles").filter(theme__axis__code="B").first()
    filtered = client.get(picker(plan), {"q": "bénévoles", "axis": "B"})
    adopt_url = reverse("plans:adopt", args=[plan.public_id, model.public_id])
    assert f'action="{adopt_url}?q=b%C3%A9n%C3%A9voles&amp;axis=B"' in filtered.content.decode()
    response = client.post(f"{adopt_url}?q=b%C3%A9n%C3%A9voles&axis=B")
    assert response.status_code == 302 and response["Location"] == f"{picker(plan)}?q=b%C3%A9n%C3%A9voles&axis=B"
    assert plan.actions.filter(action_model=model).count() == 1
    page = page_text(client.get(response["Location"]))
    assert "est ajoutée au plan" in page and "pour « bénévoles »" in page and ", dont 1 adoptée</p>" in page
    item = page[page.index(f'href="{model.get_absolute_url()}"') :]
    assert item.index("déjà dans le plan") < item.index("</li>")
    assert f'action="{adopt_url}' not in page  # no second adoption offered


def test_the_redirect_after_adoption_carries_only_known_valid_filters(login, coordinator_dinan, plan, covid):
    client = login(coordinator_dinan)
    model = covid.action_models.first()
    url = reverse("plans:adopt", args=[plan.public_id, model.public_id])
    kept = client.post(f"{url}?axis=B&next=https://exemple.org&format=csv&public=personnes_agees")
    assert kept["Location"] == f"{picker(plan)}?axis=B&public=personnes_agees"
    invalid = client.post(f"{url}?axis=Z")
    assert invalid["Location"] == picker(plan)


def test_the_picker_query_count_does_not_grow_with_the_catalogue(login, coordinator_dinan, ars_region, plan, covid):
    plan.priority_publics.set(TargetPublic.objects.filter(code__in=["personnes_agees", "aidants"]))
    services.adopt_action_model(plan=plan, action_model=covid.action_models.first(), by=coordinator_dinan)
    client = login(coordinator_dinan)

    def count(params):
        client.get(picker(plan), params)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(picker(plan), params)
        assert response.status_code == 200
        return len(queries), len(shown_in_order(response, ActionModel.objects.all()))

    before = [count({}), count({"q": "personnes âgées", "axis": "B"})]
    theme = covid.action_models.filter(theme__axis__code="B").first().theme
    elderly = TargetPublic.objects.filter(code__in=["personnes_agees", "personnes_isolees"])
    for n in range(12):
        save_action_model(
            action_model=ActionModel(
                mobilisation=covid, theme=theme, slug=f"visite-{n}", title=f"Visites de convivialité {n}", description="Pour les aînés."
            ),
            modalities=[],
            publics=elderly,
            resources=[],
            by=ars_region,
        )
        services.adopt_action_model(plan=plan, action_model=ActionModel.objects.get(slug=f"visite-{n}"), by=coordinator_dinan)
    after = [count({}), count({"q": "personnes âgées", "axis": "B"})]
    assert [shown for _, shown in after] == [shown + 12 for _, shown in before]
    assert [queries for queries, _ in after] == [queries for queries, _ in before]
    assert max(queries for queries, _ in after) <= 12  # 11 without filter; the axis filter reads its axis


def test_the_breadcrumb_leads_back_to_the_plan_and_the_workspace(login, coordinator_dinan, plan, cls_dinan):
    page = page_text(login(coordinator_dinan).get(picker(plan)))
    trail = re.findall(r'<li><a class="fr-breadcrumb__link"(?: href="([^"]*)")?(?: aria-current="page")?>([^<]+)</a></li>', page)
    assert trail == [
        ("/", "Accueil"),
        ("/espace/", "Mon espace"),
        (cls_dinan.get_workspace_url(), cls_dinan.name),
        (plan.get_absolute_url(), "Plan d’action"),
        ("", "Ajouter des actions du catalogue"),
    ]


def test_malformed_filters_are_a_french_error_not_a_500(login, coordinator_dinan, plan):
    client = login(coordinator_dinan)
    for params in [{"axis": "Z"}, {"theme": "\x00"}, {"public": "<script>"}, {"q": "x" * 101}, {"q": "\x00"}]:
        response = client.get(picker(plan), params)
        assert response.status_code == 200, params
        page = page_text(response)
        assert "Sélectionnez un choix valide" in page or "au plus 100 caractères" in page or "caractère nul n’est pas autorisé" in page, (
            params
        )
        assert '<p role="status">35 actions</p>' in page  # an invalid filter filters nothing


def test_the_picker_and_adoption_are_out_of_reach_outside_the_plan(login, coordinator_brest, elected_dinan, delegation_22, plan, covid):
    model = covid.action_models.first()
    for user in [coordinator_brest, elected_dinan, delegation_22, None]:
        client = login(user)
        response = client.get(picker(plan), {"q": "masques"})
        assert response.status_code in {302, 404} and (user is None or response.status_code == 404), user
        adopt = client.post(reverse("plans:adopt", args=[plan.public_id, model.public_id]) + "?axis=B")
        assert adopt.status_code in {302, 404} and (user is None or adopt.status_code == 404), user
    assert not plan.actions.exists()
