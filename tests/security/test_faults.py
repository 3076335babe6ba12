"""SECURITY.md 22 to 25: database outage and recovery, GET never writes, stale saves refused, double submits once."""

import re
import uuid
from unittest import mock

import pytest
from django.db import OperationalError, connection
from django.db.backends.base.base import BaseDatabaseWrapper
from django.test.utils import CaptureQueriesContext
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from mobilisation.accounts.models import User
from mobilisation.catalogue.models import Mobilisation, Resource
from mobilisation.directory.models import Organisation
from mobilisation.plans.models import (
    BudgetLine,
    CopilMeeting,
    DiagnosisFigure,
    ExistingAction,
    FundingComment,
    Indicator,
    PlanMessage,
    PlannedAction,
    RestrictionPeriod,
)

from ..test_access import PUBLIC_URLS
from ..utils import page_text
from .helpers import data_writes

pytestmark = pytest.mark.django_db


# 22. The database goes away: a clear 503 everywhere, the health check says so, and the site recovers by itself.


def broken_cursor(*args, **kwargs):
    raise OperationalError("connection refused")


def test_database_outage_is_a_503_for_forms_and_api_then_recovery(world, login, api_for, coordinator_dinan, password, client):
    client.raise_request_exception = False
    logged_in = login(coordinator_dinan)
    logged_in.raise_request_exception = False
    api = api_for(coordinator_dinan)
    api.raise_request_exception = False
    plan = world["dinan"].plan
    with mock.patch.object(BaseDatabaseWrapper, "cursor", broken_cursor):
        outage = {
            "login": client.post("/compte/connexion/", {"username": coordinator_dinan.email, "password": password}),
            "form": logged_in.post(reverse("plans:post_message", args=[plan.public_id]), {"body": "Pendant la panne"}),
            "page": logged_in.get(plan.get_absolute_url()),
            "api": api.get("/api/v1/plans/"),
            "health": client.get("/healthz"),
        }
    for name, response in outage.items():
        assert response.status_code == 503, (name, response.status_code)
    for name in ["login", "form", "page", "api"]:
        assert "Service momentanément indisponible" in page_text(outage[name]) and outage[name]["Retry-After"] == "30", name
    assert outage["health"].json() == {"status": "error", "database": "error"}
    # Back by itself: no restart, and the outage locked nobody out.
    assert client.get("/healthz").json() == {"status": "ok", "database": "ok"}
    assert client.post("/compte/connexion/", {"username": coordinator_dinan.email, "password": password}).status_code == 302
    assert logged_in.post(reverse("plans:post_message", args=[plan.public_id]), {"body": "Après la panne"}).status_code == 302
    assert list(plan.messages.values_list("body", flat=True)) == ["Après la panne"]
    assert api.get("/api/v1/plans/").json()["count"] == 1


# 23. GET requests never write: every route of the application, for each persona.


def routes(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            inner = pattern.namespace or namespace
            if namespace and pattern.namespace:
                inner = f"{namespace}:{pattern.namespace}"
            yield from routes(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def get_urls(world, password_reset_link):
    """One address per route of the application, built from the fixtures (admin: a few of its pages)."""
    side, covid = world["dinan"], Mobilisation.objects.get(slug="covid19-2020")
    plan, action, funding = side.plan, side.action, side.funding
    model = action.action_model
    by_kind = {
        "plan": [plan.public_id],
        "action": [action.public_id],
        "funding": [funding.public_id],
        "indicator": [action.public_id, side.indicator.pk],
    }
    person = User.objects.get(email="elu.dinan@exemple.fr")
    membership = person.memberships.get()
    parametrised = {
        "people:person": [person.public_id],
        "people:resend": [person.public_id],
        "people:deactivate": [person.public_id],
        "people:reactivate": [person.public_id],
        "people:reset_second_factor": [person.public_id],
        "people:change_membership": [membership.public_id],
        "people:deactivate_membership": [membership.public_id],
        "people:reactivate_membership": [membership.public_id],
        "people:accept_invitation": [person.public_id, "jeton-inconnu"],
        "contracts:workspace": [side.cls.public_id],
        "contracts:edit": [side.cls.public_id],
        "contracts:public_detail": [side.cls.slug],
        "plans:start": [side.cls.public_id, covid.slug],
        "plans:adopt": [plan.public_id, model.public_id],
        "directory:organisation": [side.organisation.public_id],
        "directory:edit": [side.organisation.public_id],
        "directory:service_create": [side.organisation.public_id],
        "directory:service": [world["service"].public_id],
        "directory:service_edit": [world["service"].public_id],
        "portal:help_commune": ["22050"],
        "portal:help_points": ["22050"],
        "catalogue:mobilisation": [covid.slug],
        "catalogue:edit_mobilisation": [covid.slug],
        "catalogue:resources": [covid.slug],
        "catalogue:new_resource": [covid.slug],
        "catalogue:edit_resource": [covid.slug, funding.funding_line.slug],
        "catalogue:new_action_model": [covid.slug],
        "catalogue:action_model": [covid.slug, model.slug],
        "catalogue:edit_action_model": [covid.slug, model.slug],
        "catalogue:action_model_history": [covid.slug, model.slug],
        "territories:layer_geojson": ["epci"],
        "territories:territory_geojson": ["commune", "22050"],
        "territories:department": ["22"],
        "territories:department_communes": ["22"],
        "territories:epci": ["200068989"],
        "territories:commune": ["22050"],
        "accounts:revoke_token": ["6f1c1f9e-8a5f-4a53-9a57-2f6a2b0d6c11"],
        "jobs:relaunch": ["6f1c1f9e-8a5f-4a53-9a57-2f6a2b0d6c11"],
        "api:department-detail": ["22"],
        "api:ars-office-detail": ["22"],
        "api:epci-detail": ["200068989"],
        "api:commune-detail": ["22050"],
        "api:cls-detail": [side.cls.public_id],
        "api:mobilisation-detail": [covid.slug],
        "api:action-model-detail": [model.public_id],
        "api:resource-detail": [funding.funding_line.public_id],
        "api:plan-detail": [plan.public_id],
        "api:planned-action-detail": [action.public_id],
        "api:funding-request-detail": [funding.public_id],
    }
    veille = world["veille"]
    for name in ["person", "edit", "acknowledgement_letter", "acknowledge", "objection", "erase"]:
        parametrised[f"followup:{name}"] = [veille["person"].public_id]
    for name in ["campaign", "campaign_edit", "campaign_round", "call_list_pdf", "paper_entry"]:
        parametrised[f"followup:{name}"] = [veille["campaign"].public_id]
    parametrised["followup:campaign_transition"] = [veille["campaign"].public_id, "suspendre"]
    parametrised["followup:escalation"] = [veille["escalation"].public_id]
    parametrised["followup:escalation_visit"] = [veille["escalation"].public_id]
    for name in ["import", "import_progress", "import_confirm", "import_cancel"]:
        parametrised[f"followup:{name}"] = [veille["import"].public_id]
    for name in ["call", "release"]:
        parametrised[f"calls:{name}"] = [veille["task"].public_id]
    for name in ["detail", "validate", "refuse", "end"]:
        parametrised[f"volunteers:{name}"] = [world["volunteer"].public_id]
    parametrised["volunteers:sign_up"] = ["22050"]
    parametrised["aid:ask"] = ["22050"]
    for name in ["request", "qualify", "assign", "cancel", "mission", "claim", "start", "deliver", "release"]:
        parametrised[f"aid:{name}"] = [world["aid_request"].public_id]
    for name in ["place", "place_edit", "new_stay"]:
        parametrised[f"housing:{name}"] = [world["housing"]["place"].public_id]
    parametrised["housing:booking"] = [world["housing"]["booking"].public_id]
    parametrised["housing:booking_step"] = [world["housing"]["booking"].public_id, "confirmer"]
    parametrised["housing:ask"] = ["22050"]
    parametrised["aid:pool_delete"] = ["6f1c1f9e-8a5f-4a53-9a57-2f6a2b0d6c11"]
    hotline = world["hotline"]
    for name in ["log", "figures", "line_edit", "faq_panel", "service_panel", "missed", "callbacks"]:
        parametrised[f"hotline:{name}"] = [hotline["line"].public_id]
    parametrised["hotline:callback"] = [hotline["line"].public_id, hotline["callback"].public_id]
    for name in ["faq_entry", "faq_edit", "faq_state"]:
        parametrised[f"hotline:{name}"] = [hotline["faq"].public_id]
    parametrised["hotline:proposal"] = [hotline["proposal"].public_id]
    for name in [
        "plan",
        "plan_pdf",
        "diagnosis",
        "add_figure",
        "move",
        "existing_actions",
        "copil",
        "schedule_copil",
        "post_message",
        "mark_read",
        "catalogue",
        "new_action",
    ]:
        parametrised[f"plans:{name}"] = by_kind["plan"]
    for name in ["edit_copil", "cancel_copil", "hold_copil"]:
        parametrised[f"plans:{name}"] = [plan.public_id, side.scheduled.public_id]
    parametrised["plans:remove_figure"] = [plan.public_id, side.figure.pk]
    for name in ["restriction", "edit_restriction", "lift_restriction", "delete_restriction"]:
        parametrised[f"plans:{name}"] = [world["restriction"].public_id]
    for name in ["action", "edit_action", "move_action", "model_changes", "add_indicator", "add_budget_line", "ask_funding"]:
        parametrised[f"plans:{name}"] = by_kind["action"]
    for name in ["add_progress", "set_target"]:
        parametrised[f"plans:{name}"] = by_kind["indicator"]
    for name in ["funding_request", "instruct_funding", "reopen_funding", "comment_funding", "report_funding_usage"]:
        parametrised[f"plans:{name}"] = by_kind["funding"]
    urls, missing = [], []
    for name in sorted(set(routes(get_resolver().url_patterns))):
        if name.startswith("admin:"):
            continue
        if name == "accounts:password_reset_confirm":
            urls.append(password_reset_link)
        elif name in parametrised:
            urls.append(reverse(name, args=parametrised[name]))
        else:
            try:
                urls.append(reverse(name))
            except Exception:  # a route with parameters nobody filled in above
                missing.append(name)
    assert missing == [], f"routes without an address in this test: {missing}"
    exports = [
        f"{plan.get_absolute_url()}?format=csv",
        "/plans/?format=xlsx",
        "/annuaire/?format=ods",
        "/cls/?format=csv",
        "/personnes/?format=xlsx",
    ]
    admin = ["/admin/", "/admin/contracts/cls/", f"/admin/contracts/cls/{side.cls.pk}/change/", "/admin/accounts/user/"]
    return urls + exports + admin + PUBLIC_URLS


@pytest.mark.parametrize("persona", ["anon", "coord_dinan", "elected_dinan", "dd22", "ars", "ccas_dinan"])
def test_get_requests_never_write(world, personas, login, api_for, persona):
    from django.contrib.auth.tokens import default_token_generator
    from django.utils.encoding import force_bytes
    from django.utils.http import urlsafe_base64_encode

    user = personas["coord_dinan"]
    link = reverse(
        "accounts:password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]
    )
    urls = get_urls(world, link)
    client = login(personas[persona])  # the session is written here, before counting
    api = api_for(personas[persona])
    if personas[persona] is not None:
        api.get("/api/v1/plans/")  # a token's first use records it (once a minute at most): before counting too
    statuses = set()
    with CaptureQueriesContext(connection) as queries:
        for url in urls:
            if url.endswith("document.pdf") and persona != "coord_dinan":
                continue  # one PDF is enough: WeasyPrint is slow
            statuses.add(client.get(url).status_code)
            if url.startswith("/api/"):
                statuses.add(api.get(url).status_code)
    # The access log is the one record a GET may add (SECURITY.md 21): the exports of personal data write theirs.
    assert data_writes(queries, bookkeeping=("django_session", "audit_auditevent")) == []
    assert 200 in statuses and len(queries) > len(urls)  # the pages were really served


# 24. Two people edit the same record: the second, stale save is refused, and nothing of the first is lost.


def stale_cases(world):
    """(address, form data seen before the colleague's save, the colleague's save, what the colleague stored)."""
    side = world["dinan"]
    plan, organisation = side.plan, side.organisation
    covid = Mobilisation.objects.get(slug="covid19-2020")
    resource = side.funding.funding_line

    def colleague_plan():
        plan.refresh_from_db()
        plan.needs, plan.version = "Besoins de la collègue", plan.version + 1
        plan.save()
        return lambda: (plan.refresh_from_db(), plan.needs)[1]

    def colleague_organisation():
        Organisation.objects.filter(pk=organisation.pk).update(name="Nom de la collègue")
        Organisation.objects.get(pk=organisation.pk).save()  # a save bumps updated_at
        return lambda: Organisation.objects.get(pk=organisation.pk).name

    def colleague_resource():
        item = Resource.objects.get(pk=resource.pk)
        item.title = "Titre de la collègue"
        item.save()
        return lambda: Resource.objects.get(pk=resource.pk).title

    def colleague_mobilisation():
        item = Mobilisation.objects.get(pk=covid.pk)
        item.summary = "Présentation de la collègue"
        item.save()
        return lambda: Mobilisation.objects.get(pk=covid.pk).summary

    return [
        (
            "coord_dinan",
            reverse("plans:diagnosis", args=[plan.public_id]),
            {"needs": "Ma version", "version_seen": plan.version},
            colleague_plan,
        ),
        (
            "coord_dinan",
            reverse("directory:edit", args=[organisation.public_id]),
            {
                "name": "Ma version",
                "kind": "association",
                "department": "22",
                "communes": ["22050"],
                "seen_version": organisation.updated_at.isoformat(),
            },
            colleague_organisation,
        ),
        (
            "ars",
            reverse("catalogue:edit_resource", args=[covid.slug, resource.slug]),
            {"kind": resource.kind, "title": "Ma version", "is_funding_line": "on", "seen_version": resource.updated_at.isoformat()},
            colleague_resource,
        ),
        (
            "ars",
            reverse("catalogue:edit_mobilisation", args=[covid.slug]),
            {
                "title": covid.title,
                "summary": "Ma version",
                "start": covid.start.isoformat(),
                "status": covid.status,
                "seen_version": covid.updated_at.isoformat(),
            },
            colleague_mobilisation,
        ),
    ]


def test_a_stale_save_is_refused_for_every_edit_form_and_the_input_is_kept(world, personas, login):
    for persona, url, stale_data, colleague_saves in stale_cases(world):
        stored = colleague_saves()
        colleague_value = stored()
        response = login(personas[persona]).post(url, stale_data)
        assert response.status_code == 200, url
        page = page_text(response)
        assert "modifié par quelqu’un d’autre" in page and "Ma version" in page, url  # told, and their input is still there
        assert stored() == colleague_value, url  # the colleague's save is not lost


# 25. A form sent twice (double click, replayed request) creates one record.


def double_submit_cases(world):
    side = world["dinan"]
    plan, action, funding = side.plan, side.action, side.funding
    return [
        (
            "coord_dinan",
            reverse("directory:create"),
            # The third, a new form, confirms it is another organisation of the same name (the directory warns first).
            {"name": "Association doublée", "kind": "association", "department": "22", "communes": ["22050"], "confirm_distinct": "on"},
            lambda: Organisation.objects.filter(name="Association doublée"),
        ),
        (
            "coord_dinan",
            reverse("plans:copil", args=[plan.public_id]),
            {"date": "2026-02-01", "attendees": "Deux Fois, présidente\nClaire Dinan, coordinatrice"},
            lambda: CopilMeeting.objects.filter(attendees__startswith="Deux Fois"),
        ),
        (
            "coord_dinan",
            reverse("plans:schedule_copil", args=[plan.public_id]),
            {"date": "2099-02-01", "place": "Réunion doublée", "other_invitees": "Anne Le Gall, adjointe"},
            lambda: CopilMeeting.objects.filter(place="Réunion doublée"),
        ),
        (
            "coord_dinan",
            reverse("plans:add_figure", args=[plan.public_id]),
            {"label": "Chiffre doublé", "value": "12", "unit": "", "source": "CCAS", "as_of": "2026-01-01"},
            lambda: DiagnosisFigure.objects.filter(label="Chiffre doublé"),
        ),
        (
            "coord_dinan",
            reverse("plans:existing_actions", args=[plan.public_id]),
            {"title": "Fiche doublée"},
            lambda: ExistingAction.objects.filter(title="Fiche doublée"),
        ),
        (
            "coord_dinan",
            reverse("plans:post_message", args=[plan.public_id]),
            {"body": "Message doublé"},
            lambda: PlanMessage.objects.filter(body="Message doublé"),
        ),
        (
            "coord_dinan",
            reverse("plans:add_indicator", args=[action.public_id]),
            {"indicateur-name": "Indicateur doublé"},
            lambda: Indicator.objects.filter(name="Indicateur doublé"),
        ),
        (
            "coord_dinan",
            reverse("plans:add_budget_line", args=[action.public_id]),
            {"budget-kind": "depense", "budget-label": "Ligne doublée", "budget-amount": "100"},
            lambda: BudgetLine.objects.filter(label="Ligne doublée"),
        ),
        (
            "dd22",
            reverse("plans:comment_funding", args=[funding.public_id]),
            {"body": "Commentaire doublé"},
            lambda: FundingComment.objects.filter(body="Commentaire doublé"),
        ),
        (
            "ars",
            reverse("plans:new_restriction"),
            {"kind": "couvre_feu", "label": "Couvre-feu doublé", "scope": "national", "start": "2026-02-01"},
            lambda: RestrictionPeriod.objects.filter(label="Couvre-feu doublé"),
        ),
    ]


def test_a_double_submitted_form_creates_one_record(world, personas, login):
    for persona, url, data, records in double_submit_cases(world):
        client = login(personas[persona])
        posted_alone = url.endswith(("/messages/", "/indicateurs/", "/budget/", "/commentaires/", "/chiffres/"))
        form = None if posted_alone else client.get(url)
        token = uuid.uuid4() if form is None else form.context["form"]["submission_token"].initial  # the page's own token
        # The small forms of the action page carry a prefix, their token too.
        key = {"/indicateurs/": "indicateur-submission_token", "/budget/": "budget-submission_token"}.get(
            url[url.rindex("/", 0, -1) :], "submission_token"
        )
        first = client.post(url, {**data, key: str(token)})
        second = client.post(url, {**data, key: str(token)})
        assert first.status_code == second.status_code == 302, url
        assert first["Location"] == second["Location"], url
        assert records().count() == 1, url
        assert client.post(url, {**data, key: str(uuid.uuid4())}).status_code == 302
        assert records().count() == 2, url  # a new form (another token) is a new record


def test_a_refused_submission_leaves_its_token_usable(world, login, coordinator_dinan):
    plan, action = world["dinan"].plan, world["dinan"].action
    PlannedAction.objects.filter(pk=action.pk).update(status="realisee")
    url = reverse("plans:copil", args=[plan.public_id])
    token = "7a9e0c1d-2b3f-4e5a-8c6d-9f0a1b2c3d4e"
    data = {"date": "2026-02-01", "attendees": "Yves Le Roux, président\nClaire Dinan, coordinatrice", "submission_token": token}
    refused = login(coordinator_dinan).post(url, {**data, "rejected_actions": [action.pk]}, follow=True)
    assert "Une action réalisée ne peut plus être rejetée" in page_text(refused)
    assert not CopilMeeting.objects.filter(attendees__startswith="Yves Le Roux").exists()
    corrected = login(coordinator_dinan).post(url, data)
    assert corrected.status_code == 302 and CopilMeeting.objects.filter(attendees__startswith="Yves Le Roux").count() == 1


def test_pages_holding_creation_forms_send_their_token(world, login, coordinator_dinan, delegation_22):
    side = world["dinan"]
    for user, url, forms in [
        (coordinator_dinan, side.plan.get_absolute_url(), 1),  # message to the ARS
        (coordinator_dinan, side.action.get_absolute_url(), 2),  # indicator, budget line
        (delegation_22, side.funding.get_absolute_url(), 1),  # comment
    ]:
        tokens = re.findall(r'name="(?:[a-z]+-)?submission_token"', login(user).get(url).content.decode())
        assert len(tokens) == forms, url
