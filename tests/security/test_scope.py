"""SECURITY.md 1, 2 and 4: another scope's object is a 404, lists keep to the user's scope, and the role matrix."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.accounts.models import ApiToken
from mobilisation.plans.enums import FundingStatus
from mobilisation.plans.models import FundingRequest

from ..utils import page_text
from .forms_table import cls_data
from .helpers import csv_rows, data_writes

pytestmark = pytest.mark.django_db


def dinan_pages(side):
    """Every page and API detail of Dinan's objects, by the id that appears in its address."""
    action, plan, funding = side.action, side.plan, side.funding
    return [
        side.cls.get_workspace_url(),
        plan.get_absolute_url(),
        plan.get_absolute_url() + "?format=csv",
        reverse("plans:diagnosis", args=[plan.public_id]),
        reverse("plans:existing_actions", args=[plan.public_id]),
        reverse("plans:copil", args=[plan.public_id]),
        reverse("plans:catalogue", args=[plan.public_id]),
        reverse("plans:new_action", args=[plan.public_id]),
        action.get_absolute_url(),
        reverse("plans:edit_action", args=[action.public_id]),
        reverse("plans:ask_funding", args=[action.public_id]),
        funding.get_absolute_url(),
        side.organisation.get_absolute_url(),
        reverse("directory:edit", args=[side.organisation.public_id]),
        f"/api/v1/plans/{plan.public_id}/",
        f"/api/v1/actions/{action.public_id}/",
        f"/api/v1/financements/{funding.public_id}/",
    ]


def dinan_writes(side):
    """Every form that changes Dinan's objects, with data that would be accepted from its owner."""
    action, plan, funding, indicator = side.action, side.plan, side.funding, side.indicator
    model = plan.mobilisation.action_models.exclude(pk=action.action_model_id).first()
    line = funding.funding_line
    return [
        (reverse("plans:start", args=[side.cls.public_id, plan.mobilisation.slug]), {}),
        (reverse("plans:diagnosis", args=[plan.public_id]), {"needs": "intrus", "version_seen": plan.version}),
        (reverse("plans:move", args=[plan.public_id]), {"status": "soumis"}),
        (reverse("plans:existing_actions", args=[plan.public_id]), {"title": "intrus"}),
        (reverse("plans:copil", args=[plan.public_id]), {"date": "2026-01-20", "attendees": "intrus"}),
        (reverse("plans:post_message", args=[plan.public_id]), {"body": "intrus"}),
        (reverse("plans:adopt", args=[plan.public_id, model.public_id]), {}),
        (reverse("plans:new_action", args=[plan.public_id]), {"title": "intrus", "theme": action.theme_id}),
        (
            reverse("plans:edit_action", args=[action.public_id]),
            {"title": "intrus", "theme": action.theme_id, "version_seen": action.version},
        ),
        (reverse("plans:move_action", args=[action.public_id]), {"status": "en_cours"}),
        (reverse("plans:model_changes", args=[action.public_id]), {"decision": "accepter"}),
        (reverse("plans:add_indicator", args=[action.public_id]), {"name": "intrus"}),
        (reverse("plans:add_progress", args=[action.public_id, indicator.pk]), {"date": "2026-01-20", "value": "3"}),
        (reverse("plans:set_target", args=[action.public_id, indicator.pk]), {"target": "9"}),
        (reverse("plans:add_budget_line", args=[action.public_id]), {"kind": "depense", "label": "intrus", "amount": "10"}),
        (reverse("plans:ask_funding", args=[action.public_id]), {"funding_line": line.pk, "amount": "10", "justification": "intrus"}),
        (reverse("plans:instruct_funding", args=[funding.public_id]), {"status": "accordee", "amount_granted": "1"}),
        (reverse("plans:comment_funding", args=[funding.public_id]), {"body": "intrus"}),
        (reverse("plans:report_funding_usage", args=[funding.public_id]), {"report": "intrus"}),
        (
            reverse("directory:edit", args=[side.organisation.public_id]),
            {"name": "intrus", "kind": "association", "department": "22", "communes": ["22050"]},
        ),
    ]


# 1. Another scope's object by id.


@pytest.mark.parametrize("intruder", ["coord_brest", "dd56"])
def test_another_scopes_objects_are_404_in_pages_and_api(world, personas, login, api_for, intruder):
    pages = dinan_pages(world["dinan"])
    owner, owner_api = login(personas["coord_dinan"]), api_for(personas["coord_dinan"])
    for url in pages:  # the addresses are right: their owner opens them
        assert (owner_api if url.startswith("/api/") else owner).get(url).status_code == 200, url
    client, api = login(personas[intruder]), api_for(personas[intruder])
    for url in pages + [world["dinan"].plan.get_absolute_url().rstrip("/") + "/document.pdf"]:
        response = (api if url.startswith("/api/") else client).get(url)
        assert response.status_code == 404, (intruder, url)
        assert "Dinan" not in response.content.decode(), (intruder, url)


@pytest.mark.parametrize("intruder", ["coord_brest", "dd56"])
def test_writes_on_another_scopes_objects_are_404_and_write_nothing(world, personas, login, intruder):
    client = login(personas[intruder])
    for url, data in dinan_writes(world["dinan"]):
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code == 404, (intruder, url, response.status_code)
        assert data_writes(queries) == [], (intruder, url)


# What each reader of the scope may still write: the exchange with the ARS, the COPIL, the instruction.
READER_WRITES = {
    "elected_dinan": ("/messages/", "/copil/"),
    "dd22": ("/messages/", "/instruction/", "/commentaires/"),
    "pole": (),
}


@pytest.mark.parametrize("reader", READER_WRITES)
def test_readers_of_the_scope_write_nothing_else(world, personas, login, reader):
    client = login(personas[reader])
    for url, data in dinan_writes(world["dinan"]):
        if url.endswith(READER_WRITES[reader]):
            continue
        with CaptureQueriesContext(connection) as queries:
            response = client.post(url, data)
        assert response.status_code in {302, 404}, (reader, url, response.status_code)  # refused, or an error message
        assert data_writes(queries) == [], (reader, url)


# 2. A list or an export whose filter names another territory.


def test_follow_up_export_filtered_on_another_department_keeps_to_the_users_scope(world, personas, login):
    brest = world["brest"]
    query = {"format": "csv", "department": "29", "departement": "29", "cls": str(brest.cls.public_id)}
    rows = csv_rows(login(personas["dd22"]).get(reverse("plans:follow_up"), query))
    assert {row[1] for row in rows[1:]} == {"Côtes-d'Armor"} and "CLS de Dinan Agglomération" in {row[0] for row in rows[1:]}
    page = page_text(login(personas["dd22"]).get(reverse("plans:follow_up"), {"department": "29"}))
    assert "CLS du Pays de Brest" not in page and "CLS de Dinan Agglomération" in page
    # For the region, whose scope holds both, the same filter selects the department asked for.
    region = csv_rows(login(personas["ars"]).get(reverse("plans:follow_up"), query))
    assert {row[1] for row in region[1:]} == {"Finistère"} and "CLS du Pays de Brest" in {row[0] for row in region[1:]}
    everything = csv_rows(login(personas["ars"]).get(reverse("plans:follow_up"), {"format": "csv"}))
    assert {"CLS de Dinan Agglomération", "CLS du Pays de Brest"} <= {row[0] for row in everything[1:]}
    assert {row[1] for row in everything[1:]} == {"Côtes-d'Armor", "Finistère", "Ille-et-Vilaine", "Morbihan"}


def test_directory_export_filtered_on_another_department_keeps_to_the_users_scope(world, personas, login):
    query = {"format": "csv", "department": "29", "departement": "29", "type": "association"}
    for persona in ["coord_dinan", "dd22", "elected_dinan"]:
        rows = csv_rows(login(personas[persona]).get(reverse("directory:index"), query))
        assert [row[0] for row in rows[1:]] == ["Association du Pays de Rance"], persona
    page = page_text(login(personas["coord_dinan"]).get(reverse("directory:index"), {"department": "29"}))
    assert "Association de la rade" not in page
    rows = csv_rows(login(personas["ars"]).get(reverse("directory:index"), query))
    assert sorted(row[0] for row in rows[1:]) == ["Association de la rade", "Association du Pays de Rance"]


def test_api_lists_filtered_on_another_scope_return_only_the_users_rows(world, personas, api_for):
    dinan, brest = world["dinan"], world["brest"]
    dd22, coordinator, region = api_for(personas["dd22"]), api_for(personas["coord_dinan"]), api_for(personas["ars"])

    def ids(api, url, **filters):
        response = api.get(url, filters)
        assert response.status_code == 200, (url, filters)
        return {row["id"] for row in response.json()["results"]}

    assert ids(dd22, "/api/v1/plans/", departement="29") == set()
    assert ids(dd22, "/api/v1/financements/", departement="29") == set()
    assert ids(coordinator, "/api/v1/actions/", plan=str(brest.plan.public_id)) == set()
    assert ids(coordinator, "/api/v1/financements/", plan=str(brest.plan.public_id)) == set()
    assert ids(dd22, "/api/v1/plans/") == {str(dinan.plan.public_id)}  # the same lists hold the user's own rows
    assert ids(coordinator, "/api/v1/actions/") == {str(dinan.action.public_id)}
    assert ids(region, "/api/v1/plans/", departement="29") == {str(brest.plan.public_id)}  # and the filter works


# 4. Who reads and who writes each kind of object (same scope: Dinan; other scope: Brest's coordinator, delegation 56).

# Deny by default: money (funding, budget) is for the plan team (CLS coordinator and elected official, delegation, ARS
# region); the CCAS of a covered commune reads the plan; a partner member reads the actions its organisation leads.
READERS = {
    "plan": {"coord_dinan", "elected_dinan", "dd22", "ars", "pole", "ccas_dinan"},
    "action": {"coord_dinan", "elected_dinan", "dd22", "ars", "pole", "ccas_dinan", "partner_dinan"},
    "funding": {"coord_dinan", "elected_dinan", "dd22", "ars"},
    "organisation": {"coord_dinan", "elected_dinan", "dd22", "ars", "pole", "ccas_dinan", "partner_dinan", "volunteer_dinan"},
    "plan_pdf": {"coord_dinan", "elected_dinan", "dd22", "ars", "pole", "ccas_dinan"},
    "plan_export": {"coord_dinan", "elected_dinan", "dd22", "ars", "pole", "ccas_dinan"},
    "funding_api": {"coord_dinan", "elected_dinan", "dd22", "ars"},
    "restriction": {"coord_dinan", "coord_brest", "elected_dinan", "dd22", "dd56", "ars", "pole", "ccas_dinan"},
}
# Pages of a role's remit, not of an object: outside it they are 404 as well.
REMITS = {
    "follow_up": {"dd22", "dd56", "ars", "pole"},
    "restricted_actions": {"dd22", "dd56", "ars", "pole"},
    "funding_queue": {"dd22", "dd56", "ars"},
    "restrictions": {"coord_dinan", "coord_brest", "elected_dinan", "dd22", "dd56", "ars", "pole", "ccas_dinan"},
}
WRITERS = {
    "plan": {"coord_dinan", "ars"},  # the CLS's coordinator, and the ARS region in support
    "action": {"coord_dinan", "ars"},
    "funding": {"dd22", "ars"},  # the delegation of the CLS's department instructs
    "organisation": {"coord_dinan", "ars"},
    "copil": {"coord_dinan", "elected_dinan"},  # the COPIL is recorded by the CLS's team
}


def expected_status(persona, allowed):
    if persona == "anon":
        return 302  # to the login page
    return 200 if persona in allowed else 404


def read_url(kind, world):
    side = world["dinan"]
    return {
        "plan": side.plan.get_absolute_url(),
        "action": side.action.get_absolute_url(),
        "funding": side.funding.get_absolute_url(),
        "organisation": side.organisation.get_absolute_url(),
        "plan_pdf": reverse("plans:plan_pdf", args=[side.plan.public_id]),
        "plan_export": side.plan.get_absolute_url() + "?format=csv",
        "funding_api": f"/api/v1/financements/{side.funding.public_id}/",
        "restriction": world["restriction"].get_absolute_url(),
    }[kind]


@pytest.mark.parametrize("kind", READERS)
def test_read_matrix(world, personas, login, api_for, kind):
    url = read_url(kind, world)
    for persona, user in personas.items():
        if url.startswith("/api/"):
            status = api_for(user).get(url).status_code
            assert status == (401 if persona == "anon" else 200 if persona in READERS[kind] else 404), (kind, persona, status)
            continue
        response = login(user).get(url)
        assert response.status_code == expected_status(persona, READERS[kind]), (kind, persona)
        if response.status_code == 302:
            assert response["Location"].startswith("/compte/connexion/")


@pytest.mark.parametrize("page", REMITS)
def test_remit_matrix(world, personas, login, page):
    url = reverse(f"plans:{page}")
    for persona, user in personas.items():
        assert login(user).get(url).status_code == expected_status(persona, REMITS[page]), (page, persona)


def test_the_money_of_a_plan_stays_with_its_team(world, personas, login):
    """Those who read the plan but are not its team see neither its budget, its funding, nor their history lines."""
    side = world["dinan"]
    for persona in ["pole", "ccas_dinan"]:
        client = login(personas[persona])
        page = page_text(client.get(side.plan.get_absolute_url()))
        assert "Budget et financements" not in page and "Demande de financement de" not in page, persona
        assert "Échanges avec l’ARS" not in page, persona
        export = client.get(side.plan.get_absolute_url(), {"format": "csv"}).content.decode("utf-8-sig")
        assert "Financements demandés" not in export, persona
    for persona in ["partner_dinan"]:
        page = page_text(login(personas[persona]).get(side.action.get_absolute_url()))
        assert "1 000 €" not in page and "Demandes de financement" not in page
    team = page_text(login(personas["elected_dinan"]).get(side.plan.get_absolute_url()))
    assert "Budget et financements" in team and "Demande de financement de 1 000 €" in team


def write(kind, side, client, value):
    """Try to write `value` on Dinan's object of `kind`; returns the response."""
    if kind == "plan":
        side.plan.refresh_from_db()
        url, data = reverse("plans:diagnosis", args=[side.plan.public_id]), {"needs": value, "version_seen": side.plan.version}
    elif kind == "action":
        side.action.refresh_from_db()
        url = reverse("plans:edit_action", args=[side.action.public_id])
        data = {"title": value, "theme": side.action.theme_id, "version_seen": side.action.version}
    elif kind == "funding":  # instruction, from a fresh request each time
        FundingRequest.objects.filter(pk=side.funding.pk).update(status=FundingStatus.RECEIVED)
        url = reverse("plans:instruct_funding", args=[side.funding.public_id])
        data = {"status": FundingStatus.UNDER_REVIEW, "comment": value}
    elif kind == "organisation":
        side.organisation.refresh_from_db()
        url = reverse("directory:edit", args=[side.organisation.public_id])
        data = {"name": value, "kind": "association", "department": "22", "communes": ["22050"]}
        data["seen_version"] = side.organisation.updated_at.isoformat()
    else:
        url = reverse("plans:copil", args=[side.plan.public_id])
        data = {"date": "2026-01-20", "attendees": f"{value}, présidente\nClaire Dinan, coordinatrice"}
    return client.post(url, data)


def stored(kind, side):
    """The values written on Dinan's object of `kind` so far."""
    if kind == "plan":
        side.plan.refresh_from_db()
        return {side.plan.needs}
    if kind == "action":
        side.action.refresh_from_db()
        return {side.action.title}
    if kind == "funding":  # an instruction moves the request and leaves its comment
        under_review = FundingRequest.objects.filter(pk=side.funding.pk, status=FundingStatus.UNDER_REVIEW).exists()
        return set(side.funding.comments.values_list("body", flat=True)) if under_review else set()
    if kind == "organisation":
        side.organisation.refresh_from_db()
        return {side.organisation.name}
    return {line.split(",")[0] for text in side.plan.copil_meetings.values_list("attendees", flat=True) for line in text.splitlines()}


@pytest.mark.parametrize("kind", WRITERS)
def test_write_matrix(world, personas, login, kind):
    side = world["dinan"]
    for persona, user in personas.items():
        value = f"Écrit par {persona}"
        response = write(kind, side, login(user), value)
        if persona in WRITERS[kind]:
            assert response.status_code == 302 and value in stored(kind, side), (kind, persona, response.status_code)
        else:
            assert response.status_code in {302, 404} and value not in stored(kind, side), (kind, persona)
            assert response.status_code == (302 if persona == "anon" else 404), (kind, persona)


# 7. A write that tries to set a protected field leaves it unchanged (the rest of the form may go through).


def test_protected_fields_of_actions_and_plans_cannot_be_posted(world, personas, login):
    dinan, brest = world["dinan"], world["brest"]
    client = login(personas["coord_dinan"])
    action, plan = dinan.action, dinan.plan
    model_id = action.action_model_id
    hostile = {"plan": brest.plan.pk, "cls": brest.cls.pk, "status": "realisee", "copil_verdict": "adoptee", "origin": "nouvelle"}
    response = client.post(
        reverse("plans:edit_action", args=[action.public_id]),
        {"title": "Titre modifié", "theme": action.theme_id, "version_seen": action.version, "action_model": "", **hostile},
    )
    assert response.status_code == 302
    action.refresh_from_db()
    assert action.title == "Titre modifié"  # the form went through…
    assert (action.plan_id, action.status, action.copil_verdict, action.origin, action.action_model_id) == (
        plan.pk,
        "prevue",
        "en_attente",
        "catalogue",
        model_id,
    )  # …without its protected fields
    client.post(reverse("plans:new_action", args=[plan.public_id]), {"title": "Nouvelle", "theme": action.theme_id, **hostile})
    created = plan.actions.get(title="Nouvelle")
    assert (created.status, created.copil_verdict, created.origin) == ("prevue", "en_attente", "nouvelle")
    assert not brest.plan.actions.filter(title="Nouvelle").exists()
    response = client.post(
        reverse("plans:diagnosis", args=[plan.public_id]),
        {"needs": "Besoins", "version_seen": plan.version, "status": "adopte", "cls": brest.cls.pk, "version": 99},
    )
    plan.refresh_from_db()
    assert (plan.needs, plan.status, plan.cls_id, plan.version) == ("Besoins", "brouillon", dinan.cls.pk, 2)


def test_protected_fields_of_funding_requests_cannot_be_posted(world, personas, login):
    dinan, brest = world["dinan"], world["brest"]
    client = login(personas["coord_dinan"])
    delegation = personas["dd22"]
    client.post(
        reverse("plans:ask_funding", args=[dinan.action.public_id]),
        {
            "funding_line": dinan.funding.funding_line_id,
            "amount": "300",
            "justification": "Animation",
            "requested_by": delegation.pk,
            "decided_by": delegation.pk,
            "status": "accordee",
            "amount_granted": "300",
            "action": brest.action.pk,
            "confirm_duplicate": "on",  # the world has an open request on this line already
        },
    )
    created = FundingRequest.objects.get(amount_requested=300)
    assert created.requested_by == personas["coord_dinan"] and created.decided_by is None
    assert (created.status, created.amount_granted, created.action_id) == ("recue", None, dinan.action.pk)
    # The coordinator cannot grant, nor slip an amount into the usage report.
    assert (
        client.post(
            reverse("plans:instruct_funding", args=[dinan.funding.public_id]), {"status": "accordee", "amount_granted": "1000"}
        ).status_code
        == 404
    )
    granted = login(delegation).post(
        reverse("plans:instruct_funding", args=[dinan.funding.public_id]), {"status": "accordee", "amount_granted": "400"}
    )
    assert granted.status_code == 302
    client.post(
        reverse("plans:report_funding_usage", args=[dinan.funding.public_id]),
        {"report": "Fait.", "amount_granted": "1000", "status": "refusee"},
    )
    dinan.funding.refresh_from_db()
    assert (dinan.funding.usage_report, dinan.funding.amount_granted, dinan.funding.status) == ("Fait.", 400, "accordee")


def test_authors_owners_and_territories_come_from_the_session_not_the_form(world, personas, login):
    dinan = world["dinan"]
    coordinator, delegation = personas["coord_dinan"], personas["dd22"]
    client = login(coordinator)
    client.post(reverse("plans:post_message", args=[dinan.plan.public_id]), {"body": "Signé", "author": delegation.pk})
    assert dinan.plan.messages.get(body="Signé").author == coordinator
    client.post(reverse("accounts:tokens"), {"name": "pour un autre", "expires_in_days": "30", "user": delegation.pk})
    assert ApiToken.objects.get(name="pour un autre").user == coordinator
    organisation = {"name": "Hors territoire", "kind": "association", "department": "29", "communes": ["22050"]}
    response = client.post(reverse("directory:create"), organisation)
    assert response.status_code == 200 and "Sélectionnez un choix valide" in page_text(response)
    edited = {**organisation, "name": dinan.organisation.name, "seen_version": dinan.organisation.updated_at.isoformat()}
    client.post(reverse("directory:edit", args=[dinan.organisation.public_id]), edited)
    dinan.organisation.refresh_from_db()
    assert dinan.organisation.department_id == "22"
    assert not dinan.organisation.__class__.objects.filter(name="Hors territoire").exists()
    region = login(personas["ars"])
    cls = dinan.cls
    region.post(reverse("contracts:edit", args=[cls.public_id]), {**cls_data(cls), "slug": "pirate"})
    cls.refresh_from_db()
    assert cls.slug == "dinan" and cls.note == "Corrigé"  # the correction is saved, the address of the page is not
