"""The action page: its small forms keep what was typed and show the error at the field; French numbers; who reads it."""

from decimal import Decimal

import pytest
from django.urls import reverse

from mobilisation.plans import services
from mobilisation.plans.models import Indicator

from .utils import page_text

pytestmark = pytest.mark.django_db


def test_progress_with_errors_keeps_the_input_and_marks_the_fields(login, coordinator_dinan, adopted):
    client = login(coordinator_dinan)
    indicator = adopted.indicators.first()
    prefix = f"avancement-{indicator.pk}"
    url = reverse("plans:add_progress", args=[adopted.public_id, indicator.pk])
    response = client.post(url, {f"{prefix}-date": "2999-01-01", f"{prefix}-value": "1e3", f"{prefix}-comment": "Deux tournées"})
    page = page_text(response)
    assert response.status_code == 200 and not indicator.entries.exists()
    assert "ne peut pas être dans le futur" in page and "Saisissez un nombre, par exemple « 1 000,50 »." in page
    assert 'value="2999-01-01"' in page and 'value="1e3"' in page and 'value="Deux tournées"' in page
    assert page.count("fr-input-group--error") == 2
    client.post(url, {f"{prefix}-date": "2026-11-10", f"{prefix}-value": "1 200,5", f"{prefix}-comment": ""})
    client.post(url, {f"{prefix}-date": "2026-11-20", f"{prefix}-value": "1 500"})
    assert Indicator.objects.with_latest().get(pk=indicator.pk).latest_value == Decimal("1500")
    page = page_text(client.get(adopted.get_absolute_url()))
    assert "1 200,5" in page and "1 500 au 20/11/2026" in page
    assert adopted.plan.events.filter(description__contains="1\xa0500").exists()


def test_a_target_with_errors_keeps_the_input_and_a_good_one_shows_in_french(login, coordinator_dinan, adopted):
    client = login(coordinator_dinan)
    indicator = adopted.indicators.first()
    url = reverse("plans:set_target", args=[adopted.public_id, indicator.pk])
    bad = page_text(client.post(url, {f"cible-{indicator.pk}-target": "-4"}))
    assert "Saisissez un nombre supérieur ou égal à 0." in bad and 'value="-4"' in bad and "fr-input-group--error" in bad
    client.post(url, {f"cible-{indicator.pk}-target": "1500.00"})
    indicator.refresh_from_db()
    assert indicator.target == Decimal("1500")
    page = page_text(client.get(adopted.get_absolute_url()))
    assert "Cible : 1 500" in page and "1500.00" not in page and 'value="1 500"' in page


def test_a_budget_line_with_errors_keeps_the_input(login, coordinator_dinan, adopted):
    client = login(coordinator_dinan)
    url = reverse("plans:add_budget_line", args=[adopted.public_id])
    bad = page_text(client.post(url, {"budget-kind": "depense", "budget-label": "Affiches", "budget-amount": "-1"}))
    assert "Saisissez un nombre supérieur ou égal à 0,01." in bad and 'value="Affiches"' in bad and 'value="-1"' in bad
    assert '<details class="fr-mb-3w" id="nouvelle-ligne" open>' in bad
    assert not adopted.budget_lines.exists()
    client.post(url, {"budget-kind": "depense", "budget-label": "Affiches", "budget-amount": "1 000,50"})
    assert adopted.budget_lines.get().amount == Decimal("1000.50")
    assert "1 000,50 €" in page_text(client.get(adopted.get_absolute_url()))


def test_a_new_indicator_with_errors_keeps_the_input(login, coordinator_dinan, adopted):
    client = login(coordinator_dinan)
    bad = page_text(
        client.post(reverse("plans:add_indicator", args=[adopted.public_id]), {"indicateur-name": "", "indicateur-unit": "appels"})
    )
    assert "Ce champ est obligatoire" in bad and 'value="appels"' in bad
    client.post(
        reverse("plans:add_indicator", args=[adopted.public_id]), {"indicateur-name": "Appels passés", "indicateur-target": "2 000"}
    )
    assert adopted.indicators.get(name="Appels passés").target == Decimal("2000")


def test_the_partner_reads_the_actions_its_organisation_leads_or_joins_and_nothing_of_the_money(
    login, partner_dinan, volunteer_dinan, partner_organisation_dinan, coordinator_dinan, adopted, covid
):
    other, _ = services.adopt_action_model(plan=adopted.plan, action_model=covid.action_models.order_by("pk").last(), by=coordinator_dinan)
    client = login(partner_dinan)
    assert client.get(adopted.get_absolute_url()).status_code == 404
    services.save_planned_action(action=adopted, m2m={"partners": [partner_organisation_dinan]}, by=coordinator_dinan)
    other.lead_organisation = partner_organisation_dinan
    services.save_planned_action(action=other, m2m={}, by=coordinator_dinan)
    for action in [adopted, other]:
        page = page_text(client.get(action.get_absolute_url()))
        assert action.title in page and "Vous voyez cette action parce que votre organisation la pilote ou y participe." in page
        assert "Budget" not in page and "Demandes de financement" not in page and "Modifier" not in page
        assert adopted.plan.get_absolute_url() not in page  # the plan itself stays out of reach
    assert client.get(adopted.plan.get_absolute_url()).status_code == 404
    home = page_text(client.get(reverse("portal:dashboard")))
    assert adopted.title in home and other.title in home and "(pilote)" in home and "(partenaire)" in home
    assert login(volunteer_dinan).get(adopted.get_absolute_url()).status_code == 404


def test_the_ccas_agent_reads_the_plan_but_not_its_money_nor_its_exchange(login, social_services_dinan, coordinator_dinan, adopted, covid):
    line = covid.resources.funding_lines().first()
    funding = services.request_funding(action=adopted, funding_line=line, amount=300, justification="x", cofunding="", by=coordinator_dinan)
    services.post_message(plan=adopted.plan, body="Message confidentiel à l’ARS", by=coordinator_dinan)
    client = login(social_services_dinan)
    plan_page = page_text(client.get(adopted.plan.get_absolute_url()))
    assert adopted.title in plan_page
    assert "Budget et financements" not in plan_page and "Message confidentiel" not in plan_page and "300 €" not in plan_page
    assert client.get(funding.get_absolute_url()).status_code == 404
    export = client.get(adopted.plan.get_absolute_url(), {"format": "csv"}).content.decode("utf-8-sig")
    assert "Financements demandés" not in export
