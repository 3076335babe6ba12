"""The action plan as a PDF for the COPIL and the ARS: content, headers, scoping, no rendering warnings."""

import datetime
import io
import logging
import re
from decimal import Decimal

import pytest
from django.urls import reverse
from pypdf import PdfReader

from mobilisation.catalogue.models import TargetPublic
from mobilisation.directory.models import Organisation
from mobilisation.plans import services
from mobilisation.plans.models import BudgetLine, RestrictionPeriod
from mobilisation.territories.models import Commune

pytestmark = pytest.mark.django_db


@pytest.fixture
def plan(cls_dinan, covid, coordinator_dinan, elected_dinan):
    """A submitted plan with a diagnosis, two actions, budget, a funding request and a COPIL meeting."""
    plan = services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)
    services.save_diagnosis(
        plan=plan,
        needs="Isolement des personnes âgées pendant le confinement.",
        priority_publics=TargetPublic.objects.all()[:1],
        priority_communes=Commune.objects.filter(insee_code="22050"),
        by=coordinator_dinan,
    )
    first, second = (
        services.adopt_action_model(plan=plan, action_model=model, by=coordinator_dinan)[0] for model in covid.action_models.all()[:2]
    )
    first.start, first.end = datetime.date(2026, 12, 1), datetime.date(2026, 12, 20)
    first.lead_organisation = Organisation.objects.create(name="Association Bien Vieillir", kind="association", department_id="22")
    services.save_planned_action(action=first, m2m={"communes": Commune.objects.filter(insee_code="22050")}, by=coordinator_dinan)
    indicator = first.indicators.first()
    indicator.target = Decimal("120")
    indicator.save()
    services.add_progress(indicator=indicator, date=datetime.date(2026, 11, 10), value=Decimal("45"), comment="", by=coordinator_dinan)
    services.save_restriction(
        period=RestrictionPeriod(kind="confinement", label="Confinement", scope="national", start=datetime.date(2026, 11, 25)),
        blocked_modalities=first.modalities.all()[:1],
        epcis=[],
        communes=[],
        by=coordinator_dinan,
    )
    services.add_budget_line(action=first, kind=BudgetLine.Kind.EXPENSE, label="Vacations", amount=Decimal("7250"), by=coordinator_dinan)
    services.add_budget_line(action=first, kind=BudgetLine.Kind.COFUNDING, label="Commune", amount=Decimal("1000"), by=coordinator_dinan)
    services.add_diagnosis_figure(
        plan=plan,
        label="Bénéficiaires de l’APA",
        value=Decimal("1250.5"),
        unit="personnes",
        source="Département",
        as_of=datetime.date(2026, 11, 1),
        by=coordinator_dinan,
    )
    services.request_funding(
        action=first,
        funding_line=covid.resources.funding_lines().first(),
        amount=Decimal("5000"),
        justification="Vacations d’animateurs",
        cofunding="Commune : 1 000 €",
        by=coordinator_dinan,
    )
    plan = services.move_plan(plan=plan, to="soumis", by=coordinator_dinan)
    services.record_copil(
        plan=plan,
        date=datetime.date(2026, 11, 20),
        attendees="Hervé Élu, président\nClaire Dinan, coordinatrice",
        notes="",
        adopt_plan=True,
        adopted_actions=[first],
        rejected_actions=[second],
        by=elected_dinan,
    )
    return plan


def pdf_text(response):
    """The PDF's text on one line: line breaks, non-breaking and narrow spaces folded into plain spaces."""
    reader = PdfReader(io.BytesIO(response.content))
    text = "\n".join(page.extract_text() for page in reader.pages)
    return re.sub(r"[\s\xa0\u202f]+", " ", text)


def test_the_plan_pdf_holds_what_the_copil_and_the_ars_read(login, coordinator_dinan, plan, caplog):
    with caplog.at_level(logging.WARNING, logger="weasyprint"):
        response = login(coordinator_dinan).get(reverse("plans:plan_pdf", args=[plan.public_id]))
    assert not [record.getMessage() for record in caplog.records if record.name.startswith("weasyprint")]
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="plan-dinan-covid19-2020.pdf"'
    assert response.content.startswith(b"%PDF")
    text = pdf_text(response)
    assert "CLS de Dinan Agglomération" in text
    for action in plan.actions.all():
        assert action.title in text
    assert "du 01/12/2026 au 20/12/2026" in text and "Oui : une mesure en vigueur pendant ses dates" in text
    assert "Association Bien Vieillir" in text and "Adoptée par le COPIL" in text and "Rejetée par le COPIL" in text
    assert "7 250 €" in text and "1 000 €" in text and "5 000 €" in text  # expenses, co-funding, funding asked
    assert "version" not in text.lower()  # the internal version number is not for readers
    assert "Bénéficiaires de l’APA 1 250,5 personnes Département, 1er novembre 2026" in text
    assert "Personnes de 75 ans ou plus" in text and "Insee, RP 2022" in text
    assert "45 au 10/11/2026" in text  # latest value of the indicator
    assert "COPIL du 20 novembre 2026" in text and "Hervé Élu, président" in text
    assert "Adopté" in text and "Côtes-d'Armor (22)" in text.replace("’", "'")
    assert re.search(r"page 1 sur \d+", text)


def test_the_pdf_of_a_reader_outside_the_plan_team_holds_no_money(login, resource_pole, social_services_dinan, plan):
    for user in [resource_pole, social_services_dinan]:
        text = pdf_text(login(user).get(reverse("plans:plan_pdf", args=[plan.public_id])))
        assert "CLS de Dinan Agglomération" in text
        assert "Budget" not in text and "Demandes de financement" not in text and "5 000 €" not in text


def test_every_reader_of_the_plan_sees_the_download_link(login, elected_dinan, delegation_22, plan):
    url = reverse("plans:plan_pdf", args=[plan.public_id])
    for user in [elected_dinan, delegation_22]:
        assert url in login(user).get(plan.get_absolute_url()).content.decode()
        assert login(user).get(url).status_code == 200


def test_out_of_scope_users_get_404_and_anonymous_goes_to_login(login, coordinator_brest, delegation_56, plan):
    url = reverse("plans:plan_pdf", args=[plan.public_id])
    for user in [coordinator_brest, delegation_56]:
        assert login(user).get(url).status_code == 404
    response = login().get(url)
    assert response.status_code == 302 and response["Location"].startswith(f"{reverse('accounts:login')}?next=")


def test_the_pdf_is_read_only(login, coordinator_dinan, plan):
    assert login(coordinator_dinan).post(reverse("plans:plan_pdf", args=[plan.public_id])).status_code == 405


def test_pdf_query_count_does_not_grow_with_actions(login, coordinator_dinan, plan, covid, django_assert_max_num_queries):
    client = login(coordinator_dinan)
    url = reverse("plans:plan_pdf", args=[plan.public_id])
    with django_assert_max_num_queries(30) as small:
        client.get(url)
    for model in covid.action_models.all()[2:12]:
        services.adopt_action_model(plan=plan, action_model=model, by=coordinator_dinan)
    with django_assert_max_num_queries(len(small.captured_queries)):
        client.get(url)
