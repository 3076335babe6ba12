"""Regressions found in review: admin takeover, shared organisations, closed plans, bad values, COPIL consistency."""

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse

from mobilisation.accounts.models import User
from mobilisation.catalogue.models import Mobilisation
from mobilisation.directory.models import Organisation
from mobilisation.plans import services
from mobilisation.plans.models import FundingRequest, Plan

from .utils import page_text

pytestmark = pytest.mark.django_db


def test_ars_region_cannot_take_over_a_superuser(login, ars_region):
    root = User.objects.create_superuser("root@exemple.fr", "Racine-Tres-Secrete-42!")
    client = login(ars_region)
    client.post(
        f"/admin/accounts/user/{root.pk}/password/",
        {"password1": "Pirate-Mot-de-passe-42!", "password2": "Pirate-Mot-de-passe-42!", "usable_password": "true"},
    )
    client.post(f"/admin/accounts/user/{root.pk}/change/", {"email": "pirate@exemple.fr"})
    root.refresh_from_db()
    assert root.email == "root@exemple.fr" and root.check_password("Racine-Tres-Secrete-42!")
    assert "root@exemple.fr" not in page_text(client.get("/admin/accounts/user/"))


def test_an_organisation_shared_with_another_cls_is_not_editable_by_one_coordinator(login, coordinator_dinan, ars_region):
    shared = Organisation.objects.create(name="Partagée", kind="association", department_id="22")
    shared.communes.set(["22050", "29019"])
    response = login(coordinator_dinan).post(
        reverse("directory:edit", args=[shared.public_id]),
        {"name": "Renommée", "kind": "association", "department": "22", "communes": ["22050"]},
    )
    assert response.status_code == 404
    assert set(shared.communes.values_list("insee_code", flat=True)) == {"22050", "29019"}
    form = page_text(login(coordinator_dinan).get(reverse("directory:create")))
    assert "Finistère" not in form  # departments offered: those of the coordinator's CLS


@pytest.fixture
def closed_plan(cls_dinan, coordinator_dinan):
    covid = Mobilisation.objects.get(slug="covid19-2020")
    plan = services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)
    action, _ = services.adopt_action_model(plan=plan, action_model=covid.action_models.first(), by=coordinator_dinan)
    Plan.objects.filter(pk=plan.pk).update(status="clos")
    return plan, action


def test_a_closed_plan_is_read_only(login, coordinator_dinan, elected_dinan, closed_plan):
    plan, action = closed_plan
    indicator = action.indicators.first()
    client = login(coordinator_dinan)
    assert client.get(plan.get_absolute_url()).status_code == 200
    for url, data in [
        (reverse("plans:move_action", args=[action.public_id]), {"status": "en_cours"}),
        (reverse("plans:add_indicator", args=[action.public_id]), {"name": "x"}),
        (reverse("plans:add_progress", args=[action.public_id, indicator.pk]), {"date": "2026-11-01", "value": "1"}),
        (reverse("plans:set_target", args=[action.public_id, indicator.pk]), {"target": "1"}),
        (reverse("plans:add_budget_line", args=[action.public_id]), {"kind": "depense", "label": "x", "amount": "1"}),
        (reverse("plans:ask_funding", args=[action.public_id]), {"amount": "1"}),
        (reverse("plans:diagnosis", args=[plan.public_id]), {"needs": "x"}),
        (reverse("plans:existing_actions", args=[plan.public_id]), {"title": "x"}),
    ]:
        assert client.post(url, data).status_code == 404, url
    assert (
        login(elected_dinan).post(reverse("plans:copil", args=[plan.public_id]), {"date": "2026-11-01", "attendees": "x"}).status_code
        == 404
    )
    action.refresh_from_db()
    assert action.status == "prevue" and not action.budget_lines.exists() and not plan.copil_meetings.exists()


@pytest.mark.parametrize(
    "url",
    [
        "/territoires/communes/%00/",
        "/territoires/departements/%00/",
        "/territoires/epci/%00/",
        "/territoires/contours/commune/%00.geojson",
        "/api/v1/communes/%00/",
        "/api/v1/mobilisations/%00/",
    ],
)
def test_null_bytes_in_urls_are_404_not_503(client, url):
    assert client.get(url).status_code == 404


def test_null_byte_in_catalogue_lines_is_a_form_error(login, ars_region):
    covid = Mobilisation.objects.get(slug="covid19-2020")
    theme = covid.axes.first().themes.first()
    response = login(ars_region).post(
        reverse("catalogue:new_action_model", args=[covid.slug]),
        {"title": "x", "theme": theme.pk, "description": "x", "partner_kinds": "a\x00b"},
    )
    assert response.status_code == 200 and "caractère non autorisé" in page_text(response)


def test_unicode_digits_in_fiche_are_404(login, coordinator_dinan, closed_plan):
    plan, _ = closed_plan
    Plan.objects.filter(pk=plan.pk).update(status="brouillon")
    assert login(coordinator_dinan).get(reverse("plans:new_action", args=[plan.public_id]), {"fiche": "²"}).status_code == 404


def test_copil_cannot_reject_done_actions_nor_adopt_abandoned_ones(coordinator_dinan, closed_plan):
    plan, action = closed_plan
    Plan.objects.filter(pk=plan.pk).update(status="soumis")
    plan.refresh_from_db()
    action.status = "realisee"
    action.save()
    with pytest.raises(ValidationError, match="réalisée ne peut plus être rejetée"):
        services.record_copil(
            plan=plan,
            date=plan.created_at.date(),
            attendees="x",
            notes="",
            adopt_plan=False,
            adopted_actions=[],
            rejected_actions=[action],
            by=coordinator_dinan,
        )
    action.status = "abandonnee"
    action.save()
    with pytest.raises(ValidationError, match="abandonnée ne peut pas être adoptée"):
        services.record_copil(
            plan=plan,
            date=plan.created_at.date(),
            attendees="x",
            notes="",
            adopt_plan=False,
            adopted_actions=[action],
            rejected_actions=[],
            by=coordinator_dinan,
        )
    line = plan.mobilisation.resources.funding_lines().first()
    with pytest.raises(ValidationError, match="abandonnée"):
        services.request_funding(action=action, funding_line=line, amount=10, justification="x", cofunding="", by=coordinator_dinan)
    assert not FundingRequest.objects.exists()


def test_no_plan_on_a_closed_mobilisation(login, coordinator_dinan, cls_dinan):
    Mobilisation.objects.filter(slug="covid19-2020").update(status="close")
    assert login(coordinator_dinan).post(reverse("plans:start", args=[cls_dinan.public_id, "covid19-2020"])).status_code == 404
    assert not Plan.objects.exists()
