"""Funding requests: asked in French amounts, warned before a duplicate, instructed by the delegation (only the moves
that exist), reopened with a reason, and the delegation's queue."""

import datetime
from decimal import Decimal

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.plans import services
from mobilisation.plans.models import FundingRequest

from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def line(covid):
    return covid.resources.funding_lines().order_by("pk").first()


def ask(client, action, line, **changes):
    data = {"funding_line": line.pk, "amount": "5000", "justification": "Vacations d’animateurs", "cofunding": "Commune : 1 000 €"}
    data.update(changes)
    return client.post(reverse("plans:ask_funding", args=[action.public_id]), data)


@pytest.fixture
def funding_request(login, coordinator_dinan, adopted, line, delegation_22):
    mail.outbox.clear()
    assert ask(login(coordinator_dinan), adopted, line).status_code == 302
    return FundingRequest.objects.get()


def test_a_request_is_sent_to_the_delegation_with_french_amounts_and_the_site_address(
    login, coordinator_dinan, delegation_22, adopted, line, settings
):
    settings.SITE_URL = "https://mobilisation-cls.exemple.gouv.fr"
    mail.outbox.clear()
    ask(login(coordinator_dinan), adopted, line, amount="1 000,50")
    request = FundingRequest.objects.get()
    assert request.amount_requested == Decimal("1000.50")
    message = mail.outbox[-1]
    assert message.to == [delegation_22.email]
    body = message.body.replace("\xa0", " ")
    assert "1 000,50 €" in body and "1000.50" not in body
    assert f"https://mobilisation-cls.exemple.gouv.fr{request.get_absolute_url()}" in body and "127.0.0.1" not in body
    assert "1 000,50 €" in page_text(login(coordinator_dinan).get(adopted.plan.get_absolute_url()))
    assert adopted.plan.events.filter(description__contains="1\xa0000,50\xa0€").exists()


@pytest.mark.parametrize("amount", ["1e3", "1E+3", "mille", "12,345", "0"])
def test_a_bad_amount_is_refused_in_french_and_keeps_the_input(login, coordinator_dinan, adopted, line, amount):
    response = ask(login(coordinator_dinan), adopted, line, amount=amount)
    page = page_text(response)
    assert response.status_code == 200 and not FundingRequest.objects.exists()
    assert "fr-input-group--error" in page and f'value="{amount}"' in page
    assert "E+3" not in page.replace(f'value="{amount}"', "")


def test_a_second_identical_request_is_warned_and_made_only_when_confirmed(login, coordinator_dinan, funding_request, adopted, line):
    client = login(coordinator_dinan)
    mail.outbox.clear()
    warned = ask(client, adopted, line, amount="2000")
    page = page_text(warned)
    assert "Une demande identique est déjà en cours" in page and funding_request.get_absolute_url() in page
    assert FundingRequest.objects.count() == 1 and not mail.outbox
    assert 'value="2000"' in page  # nothing typed is lost
    confirmed = ask(client, adopted, line, amount="2000", confirm_duplicate="on")
    assert confirmed.status_code == 302 and FundingRequest.objects.count() == 2
    # Once the first one is decided, a new request on the same line is no duplicate.
    services.instruct_funding(funding=funding_request, to="refusee", refusal_reason="Hors critères", by=funding_request.requested_by)
    FundingRequest.objects.exclude(pk=funding_request.pk).delete()
    assert ask(client, adopted, line, amount="2000").status_code == 302


def test_the_instruction_offers_only_the_moves_that_exist_and_starts_without_an_amount(login, delegation_22, funding_request):
    client = login(delegation_22)
    page = page_text(client.get(funding_request.get_absolute_url()))
    assert 'value="en_instruction"' in page and 'value="accordee"' in page and 'value="recue"' not in page
    assert 'name="amount_granted"' in page and 'name="amount_granted" value' not in page
    client.post(reverse("plans:instruct_funding", args=[funding_request.public_id]), {"status": "en_instruction"})
    page = page_text(client.get(funding_request.get_absolute_url()))
    assert 'value="en_instruction"' not in page and 'value="refusee"' in page


def test_delegation_grants_and_the_coordinator_is_told(login, funding_request, delegation_22, coordinator_dinan):
    mail.outbox.clear()
    url = reverse("plans:instruct_funding", args=[funding_request.public_id])
    too_much = page_text(login(delegation_22).post(url, {"status": "accordee", "amount_granted": "6 000"}))
    assert "ne peut pas dépasser le montant demandé (5 000 €)" in too_much and 'value="6 000"' in too_much
    missing = page_text(login(delegation_22).post(url, {"status": "accordee", "amount_granted": ""}))
    assert "Indiquez le montant accordé." in missing
    login(delegation_22).post(url, {"status": "accordee", "amount_granted": "4 000", "comment": "Accord partiel"})
    funding_request.refresh_from_db()
    assert funding_request.status == "accordee" and funding_request.amount_granted == Decimal("4000")
    assert mail.outbox[-1].to == [coordinator_dinan.email] and "accordée" in mail.outbox[-1].subject
    assert "4 000 € accordés" in mail.outbox[-1].body.replace("\xa0", " ")
    assert "4 000 €" in page_text(login(coordinator_dinan).get(funding_request.get_absolute_url()))
    login(coordinator_dinan).post(reverse("plans:report_funding_usage", args=[funding_request.public_id]), {"report": "200 heures."})
    funding_request.refresh_from_db()
    assert funding_request.usage_report == "200 heures."


def test_refusal_needs_a_reason_at_the_field(login, funding_request, delegation_22):
    response = login(delegation_22).post(reverse("plans:instruct_funding", args=[funding_request.public_id]), {"status": "refusee"})
    assert "Indiquez le motif du refus" in page_text(response)
    funding_request.refresh_from_db()
    assert funding_request.status == "recue"


def test_the_delegation_reopens_its_decision_with_a_reason_and_the_coordinator_is_told(
    login, funding_request, delegation_22, coordinator_dinan
):
    services.instruct_funding(funding=funding_request, to="accordee", amount_granted=Decimal("500"), by=delegation_22)
    client = login(delegation_22)
    page = page_text(client.get(funding_request.get_absolute_url()))
    assert "Enregistrer la décision" not in page and "Rouvrir la décision" in page
    no_reason = client.post(reverse("plans:reopen_funding", args=[funding_request.public_id]), {"reason": ""})
    assert "Ce champ est obligatoire" in page_text(no_reason)
    funding_request.refresh_from_db()
    assert funding_request.status == "accordee"
    assert (
        login(coordinator_dinan).post(reverse("plans:reopen_funding", args=[funding_request.public_id]), {"reason": "x"}).status_code == 404
    )
    mail.outbox.clear()
    client.post(reverse("plans:reopen_funding", args=[funding_request.public_id]), {"reason": "Erreur sur le montant accordé"})
    funding_request.refresh_from_db()
    assert (funding_request.status, funding_request.amount_granted, funding_request.decided_at) == ("en_instruction", None, None)
    assert mail.outbox[-1].to == [coordinator_dinan.email] and "Erreur sur le montant accordé" in mail.outbox[-1].body
    page = page_text(client.get(funding_request.get_absolute_url()))
    assert "motif : Erreur sur le montant accordé" in page and "500 € accordés" in page  # the history keeps the first decision
    assert "Enregistrer la décision" in page
    client.post(reverse("plans:instruct_funding", args=[funding_request.public_id]), {"status": "accordee", "amount_granted": "800"})
    funding_request.refresh_from_db()
    assert funding_request.amount_granted == Decimal("800")
    assert funding_request.action.plan.events.filter(description__contains="rouverte").exists()


def test_only_the_delegation_of_the_department_instructs(login, funding_request, delegation_56, coordinator_dinan, coordinator_brest):
    url = reverse("plans:instruct_funding", args=[funding_request.public_id])
    assert login(delegation_56).get(funding_request.get_absolute_url()).status_code == 404
    assert login(delegation_56).post(url, {"status": "accordee", "amount_granted": "1"}).status_code == 404
    assert login(coordinator_dinan).post(url, {"status": "accordee", "amount_granted": "1"}).status_code == 404
    assert login(coordinator_brest).get(funding_request.get_absolute_url()).status_code == 404
    funding_request.refresh_from_db()
    assert funding_request.status == "recue"


def test_the_queue_lists_the_departments_requests_by_state_with_their_age(
    login, funding_request, delegation_22, delegation_56, coordinator_dinan, ars_region, django_assert_max_num_queries
):
    FundingRequest.objects.filter(pk=funding_request.pk).update(created_at=timezone.now() - datetime.timedelta(days=9))
    client = login(delegation_22)
    with django_assert_max_num_queries(12):
        page = page_text(client.get(reverse("plans:funding_queue")))
    assert funding_request.action.title in page and "9 jours" in page and "À instruire (1)" in page
    assert "La plus ancienne à instruire attend depuis 9 jours" in page
    assert funding_request.action.title not in page_text(client.get(reverse("plans:funding_queue"), {"onglet": "decidees"}))
    services.instruct_funding(funding=funding_request, to="accordee", amount_granted=Decimal("100"), by=delegation_22)
    assert "100 €" in page_text(client.get(reverse("plans:funding_queue"), {"onglet": "decidees"}))
    assert funding_request.action.title not in page_text(login(delegation_56).get(reverse("plans:funding_queue"), {"onglet": "decidees"}))
    assert funding_request.action.title in page_text(login(ars_region).get(reverse("plans:funding_queue"), {"onglet": "decidees"}))
    assert login(coordinator_dinan).get(reverse("plans:funding_queue")).status_code == 404
    export = login(delegation_22).get(reverse("plans:funding_queue"), {"onglet": "decidees", "format": "csv"})
    assert funding_request.action.title in export.content.decode("utf-8-sig")


def test_the_queue_query_count_does_not_grow_with_requests(login, delegation_22, coordinator_dinan, adopted, line):
    client = login(delegation_22)
    services.request_funding(action=adopted, funding_line=line, amount=10, justification="x", cofunding="", by=coordinator_dinan)
    with CaptureQueriesContext(connection) as one:
        client.get(reverse("plans:funding_queue"))
    for amount in range(2, 8):
        services.request_funding(
            action=adopted, funding_line=line, amount=amount, justification="x", cofunding="", by=coordinator_dinan, confirm_duplicate=True
        )
    with CaptureQueriesContext(connection) as many:
        response = client.get(reverse("plans:funding_queue"))
    assert "À instruire (7)" in page_text(response)
    assert len(many.captured_queries) == len(one.captured_queries)
