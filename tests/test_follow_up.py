"""The ARS follow-up: filters by department and status, pages of plans, and the list of actions hit by a restriction."""

import datetime

import pytest
from django.urls import reverse

from mobilisation.catalogue.models import Modality
from mobilisation.contracts.models import Cls
from mobilisation.plans import services
from mobilisation.plans.models import RestrictionPeriod
from mobilisation.plans.views import ars

from .conftest import submittable
from .security.helpers import csv_rows
from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def plans(covid, cls_dinan, cls_brest, coordinator_dinan, coordinator_brest):
    """Dinan (22) submitted with a gathering action dated during a lockdown; Brest (29) a draft with one action."""
    dinan = services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)
    brest = services.start_plan(cls=cls_brest, mobilisation=covid, by=coordinator_brest)
    gathering = covid.action_models.filter(modalities__code="rassemblement").exclude(lockdown_alternative="").first()
    action, _ = services.adopt_action_model(plan=dinan, action_model=gathering, by=coordinator_dinan)
    action.start, action.end = datetime.date(2026, 12, 1), datetime.date(2026, 12, 10)
    services.save_planned_action(action=action, m2m={}, by=coordinator_dinan)
    services.adopt_action_model(plan=brest, action_model=covid.action_models.exclude(pk=gathering.pk).first(), by=coordinator_brest)
    services.move_plan(plan=submittable(dinan, coordinator_dinan), to="soumis", by=coordinator_dinan)
    services.save_restriction(
        period=RestrictionPeriod(
            kind="confinement",
            label="Confinement de décembre",
            scope="national",
            start=datetime.date(2026, 11, 28),
            end=datetime.date(2026, 12, 5),
        ),
        blocked_modalities=Modality.objects.filter(code__in=["rassemblement", "presentiel"]),
        epcis=[],
        communes=[],
        by=coordinator_dinan,
    )
    return {"dinan": dinan, "brest": brest, "restricted": action}


def test_region_filters_the_plans_by_department_and_status(login, ars_region, plans):
    client = login(ars_region)
    everything = page_text(client.get(reverse("plans:follow_up")))
    assert "CLS de Dinan Agglomération" in everything and "CLS du Pays de Brest" in everything
    assert '<select name="department"' in everything  # the region follows four departments

    finistere = page_text(client.get(reverse("plans:follow_up"), {"department": "29"}))
    assert "CLS du Pays de Brest" in finistere and "CLS de Dinan Agglomération" not in finistere
    submitted = page_text(client.get(reverse("plans:follow_up"), {"status": "soumis"}))
    assert "CLS de Dinan Agglomération" in submitted and "CLS du Pays de Brest" not in submitted
    closed = page_text(client.get(reverse("plans:follow_up"), {"status": "clos"}))
    assert "Aucun CLS ne correspond à ces critères." in closed
    not_started = page_text(client.get(reverse("plans:follow_up"), {"status": "non_commence"}))
    assert "CLS de Pontivy Communauté" in not_started and "CLS de Dinan Agglomération" not in not_started

    export = csv_rows(client.get(reverse("plans:follow_up"), {"department": "22", "format": "csv"}))
    assert {row[0] for row in export[1:]} == set(Cls.objects.filter(department="22").values_list("name", flat=True))
    assert {row[1] for row in export[1:]} == {"Côtes-d'Armor"}


@pytest.mark.parametrize("query", [{"department": "99"}, {"department": "\x00"}, {"status": "inconnu"}, {"page": "abc"}])
def test_bad_filters_are_ignored_not_errors(login, ars_region, plans, query):
    response = login(ars_region).get(reverse("plans:follow_up"), query)
    assert response.status_code == 200
    page = page_text(response)
    assert "CLS de Dinan Agglomération" in page and "CLS du Pays de Brest" in page


def test_a_delegation_has_no_department_choice_and_a_filter_cannot_widen_its_scope(login, delegation_22, plans):
    page = page_text(login(delegation_22).get(reverse("plans:follow_up"), {"department": "29"}))
    assert '<select name="department"' not in page
    assert "CLS de Dinan Agglomération" in page and "CLS du Pays de Brest" not in page


def test_every_cls_comes_by_pages_started_or_not_and_the_figures_cover_them_all(login, ars_region, plans, monkeypatch):
    total = Cls.objects.count()
    monkeypatch.setattr(ars, "ROWS_PER_PAGE", total - 1)
    client = login(ars_region)
    first = page_text(client.get(reverse("plans:follow_up")))
    assert "CLS et plans d’action (page 1 sur 2)" in first
    assert f'<p class="mcls-figure">{total}</p><p class="fr-text--sm">CLS</p>' in first  # the count covers every page
    assert f'<p class="mcls-figure">{total - 2}</p><p class="fr-text--sm">plans non commencés</p>' in first
    assert "Non commencé" in first
    second = page_text(client.get(reverse("plans:follow_up"), {"page": "2"}))
    assert "CLS et plans d’action (page 2 sur 2)" in second
    rows = csv_rows(client.get(reverse("plans:follow_up"), {"format": "csv"}))
    assert len(rows) == total + 1  # the header and every CLS
    assert {row[3] for row in rows[1:]} >= {"Non commencé", "Soumis au COPIL", "Brouillon"}


def test_the_follow_up_previews_restricted_actions_and_links_to_all_of_them(login, ars_region, plans):
    action = plans["restricted"]
    page = page_text(login(ars_region).get(reverse("plans:follow_up")))
    assert f'<a href="{action.get_absolute_url()}">{action.title}</a>' in page
    assert (
        "Toutes les actions touchées ou à vérifier" in page
        and '<p class="mcls-figure">1</p><p class="fr-text--sm">actions touchées' in page
    )


def test_restricted_actions_page_lists_them_with_the_alternative_within_scope(login, ars_region, delegation_22, delegation_56, plans):
    action = plans["restricted"]
    url = reverse("plans:restricted_actions")
    region = page_text(login(ars_region).get(url))
    assert action.title in region and "CLS de Dinan Agglomération (22)" in region
    assert action.action_model.lockdown_alternative.split()[0] in region
    assert "1 action" in region
    assert action.title in page_text(login(delegation_22).get(url))
    assert "Aucune action n’est touchée par une restriction dans votre périmètre." in page_text(login(delegation_56).get(url))
    assert action.title not in page_text(login(ars_region).get(url, {"department": "29"}))

    rows = csv_rows(login(ars_region).get(url, {"format": "csv"}))
    assert rows[0][:3] == ["CLS", "Département", "Action"]
    assert rows[1][:3] == ["CLS de Dinan Agglomération", "Côtes-d'Armor", action.title]
    assert rows[1][6] == "Restriction en vigueur pendant ses dates" and "Rassemblement" in rows[1][7]


def test_follow_up_pages_belong_to_the_ars(
    login, coordinator_brest, elected_dinan, social_services_dinan, partner_dinan, volunteer_dinan, plans
):
    assert login().get(reverse("plans:restricted_actions")).status_code == 302
    for user in [coordinator_brest, elected_dinan, social_services_dinan, partner_dinan, volunteer_dinan]:
        for url in [reverse("plans:follow_up"), reverse("plans:restricted_actions"), reverse("plans:funding_queue")]:
            assert login(user).get(url).status_code == 404, (user, url)
