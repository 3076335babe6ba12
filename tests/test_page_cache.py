"""Pages rendered once per change (core.page_cache): public pages for visitors, the plan page for its readers. A
cached page is never stale after a write, never shows one reader's view to another, and carries the request's own
CSRF token and CSP nonce."""

import datetime
import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.catalogue import services as catalogue_services
from mobilisation.catalogue.models import Modality
from mobilisation.contracts.models import Cls
from mobilisation.plans import services
from mobilisation.plans.models import RestrictionPeriod

from .conftest import submittable
from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def page_cache_on(settings):
    settings.PAGE_CACHE_SECONDS = 3600


def queries_of(client, url):
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200, url
    return response, len(queries)


def nonce_of(response):
    return re.search(r"'nonce-([^']+)'", response["Content-Security-Policy"]).group(1)


@pytest.mark.parametrize("url", ["/", "/catalogue/covid19-2020/", "/cls/", "/territoires/", "/territoires/communes/22050/"])
def test_a_visitor_gets_public_pages_from_the_cache_with_the_requests_own_nonce(login, url):
    client = login()
    first, rendered = queries_of(client, url)
    second, served = queries_of(client, url)
    assert served < rendered and served <= 1, (url, rendered, served)
    assert nonce_of(second) != nonce_of(first)
    assert f'nonce="{nonce_of(second)}"' in second.content.decode() and nonce_of(first) not in second.content.decode()
    assert second.content.decode().replace(nonce_of(second), "N") == first.content.decode().replace(nonce_of(first), "N")


def test_an_edit_of_the_catalogue_shows_at_once_on_the_cached_public_page(login, ars_region, covid):
    visitor = login()
    url = reverse("catalogue:mobilisation", args=[covid.slug])
    model = covid.action_models.order_by("pk").first()
    assert "Relayé aussi en langue bretonne" not in page_text(visitor.get(url))
    model.title = f"{model.title} – Relayé aussi en langue bretonne"
    catalogue_services.save_action_model(
        action_model=model,
        modalities=model.modalities.all(),
        publics=model.publics.all(),
        resources=model.resources.all(),
        by=ars_region,
        reason="x",
    )
    assert "Relayé aussi en langue bretonne" in page_text(visitor.get(url))


def test_a_correction_of_the_registry_shows_at_once(login, cls_dinan):
    visitor = login()
    assert "Coordination renommée" not in page_text(visitor.get(cls_dinan.get_absolute_url()))
    Cls.objects.filter(pk=cls_dinan.pk).update(name="x")  # a bulk write sends no signal…
    cls = Cls.objects.get(pk=cls_dinan.pk)
    cls.name = "CLS de Dinan Agglomération – Coordination renommée"
    cls.save()  # …a save does
    assert "Coordination renommée" in page_text(visitor.get(cls.get_absolute_url()))
    assert "Coordination renommée" in page_text(visitor.get(reverse("contracts:registry")))


def test_a_signed_in_user_never_gets_the_visitors_page(login, coordinator_dinan):
    login().get("/")
    page = page_text(login(coordinator_dinan).get("/"))
    assert coordinator_dinan.get_full_name() in page and "Se déconnecter" in page
    assert "Se déconnecter" not in page_text(login().get("/"))


def test_exports_and_errors_are_not_kept(login):
    visitor = login()
    first = visitor.get("/cls/", {"format": "csv"})
    assert first["Content-Type"].startswith("text/csv")
    assert visitor.get("/cls/").status_code == 200 and visitor.get("/cls/", {"format": "csv"})["Content-Type"].startswith("text/csv")
    assert visitor.get("/territoires/communes/99999/").status_code == 404


def test_the_plan_page_is_rendered_once_per_change_and_every_write_shows(login, coordinator_dinan, ars_region, plan, covid):
    client = login(coordinator_dinan)
    url = plan.get_absolute_url()
    _, rendered = queries_of(client, url)
    response, served = queries_of(client, url)
    assert served < rendered - 10, (rendered, served)
    model = covid.action_models.filter(modalities__code="rassemblement").order_by("pk").first()
    action, _ = services.adopt_action_model(plan=plan, action_model=model, by=coordinator_dinan)
    assert action.title in page_text(client.get(url))
    submittable(plan, coordinator_dinan)
    assert "Personnes âgées isolées." in page_text(client.get(url))
    services.move_plan(plan=plan, to="soumis", by=coordinator_dinan)
    assert "Soumis au COPIL" in page_text(client.get(url))
    line = covid.resources.funding_lines().first()
    services.request_funding(action=action, funding_line=line, amount=1234, justification="x", cofunding="", by=coordinator_dinan)
    assert "1 234 €" in page_text(client.get(url))
    services.save_restriction(
        period=RestrictionPeriod(kind="confinement", label="Confinement", scope="national", start=datetime.date.today()),
        blocked_modalities=Modality.objects.filter(code="rassemblement"),
        epcis=[],
        communes=[],
        by=ars_region,
    )
    assert "à vérifier" in page_text(client.get(url))  # the action has no dates yet
    services.schedule_copil(
        plan=plan,
        date=datetime.date.today() + datetime.timedelta(days=3),
        time=None,
        place="Salle des fêtes de Léhon",
        agenda="",
        invited_users=[coordinator_dinan],
        other_invitees="",
        by=coordinator_dinan,
    )
    assert "Salle des fêtes de Léhon" in page_text(client.get(url))
    services.post_message(plan=plan, body="Merci pour le plan.", by=ars_region)
    assert "Merci pour le plan." in page_text(client.get(url))  # the exchange is never cached


def test_one_readers_cached_plan_page_is_not_another_audiences(login, coordinator_dinan, delegation_22, resource_pole, adopted, covid):
    plan = adopted.plan
    line = covid.resources.funding_lines().first()
    services.request_funding(action=adopted, funding_line=line, amount=4321, justification="x", cofunding="", by=coordinator_dinan)
    coordinator = page_text(login(coordinator_dinan).get(plan.get_absolute_url()))
    assert "Créer une action" in coordinator and "4 321 €" in coordinator
    delegation = page_text(login(delegation_22).get(plan.get_absolute_url()))
    assert "Créer une action" not in delegation and "4 321 €" in delegation
    pole = page_text(login(resource_pole).get(plan.get_absolute_url()))
    assert "Créer une action" not in pole and "4 321 €" not in pole


def test_a_cached_plan_page_carries_each_sessions_own_csrf_token(login, coordinator_dinan, submitted_plan):
    url = submitted_plan.get_absolute_url()
    first = login(coordinator_dinan)
    first.get(url)
    second = login(coordinator_dinan)  # another session of the same person, served from the cache
    page = second.get(url).content.decode()
    token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1)
    assert "csrf-3f0c9a7e" not in page
    second.enforce_csrf_checks = True
    second.handler.enforce_csrf_checks = True
    response = second.post(reverse("plans:move", args=[submitted_plan.public_id]), {"status": "brouillon", "csrfmiddlewaretoken": token})
    assert response.status_code == 302
    submitted_plan.refresh_from_db()
    assert submitted_plan.status == "brouillon"


def test_the_follow_up_is_rendered_once_per_change_of_any_plan_and_per_scope(
    login, ars_region, delegation_22, delegation_56, coordinator_dinan, adopted, covid
):
    region, dd22, dd56 = login(ars_region), login(delegation_22), login(delegation_56)
    url = reverse("plans:follow_up")
    _, rendered = queries_of(region, url)
    _, served = queries_of(region, url)
    assert served < rendered - 5, (rendered, served)
    assert "CLS de Dinan Agglomération" in page_text(dd22.get(url)) and "CLS de Dinan Agglomération" not in page_text(dd56.get(url))
    line = covid.resources.funding_lines().first()
    funding = services.request_funding(
        action=adopted, funding_line=line, amount=2468, justification="x", cofunding="", by=coordinator_dinan
    )
    assert "2 468 €" in page_text(region.get(url)) and "2 468 €" in page_text(dd22.get(url))
    services.instruct_funding(funding=funding, to="accordee", amount_granted=1357, by=delegation_22)
    assert "1 357 €" in page_text(region.get(url))
    assert "1 357 €" in page_text(region.get(url, {"department": "22"}))  # another address, its own entry
    assert "1 357 €" not in page_text(region.get(url, {"department": "29"}))


@pytest.mark.parametrize("route", ["volunteers:sign_up", "aid:ask"])
def test_a_cached_public_form_stores_no_visitors_token_and_gives_each_visitor_a_working_one(monkeypatch, route):
    """The public sign-up and request for help are rendered once for every visitor: what the cache holds carries the
    placeholder, each visitor gets their own token in the page with the cookie that goes with it, and a POST with it
    goes through."""
    from django.test import Client

    from mobilisation.core import page_cache

    stored, store = [], page_cache.cache.set
    monkeypatch.setattr(page_cache.cache, "set", lambda key, value, *args: (stored.append(value), store(key, value, *args)))
    url = reverse(route, args=["22050"])
    visitors = [Client(enforce_csrf_checks=True) for _ in range(2)]
    pages = [visitor.get(url).content.decode() for visitor in visitors]
    tokens = [re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page).group(1) for page in pages]
    assert tokens[0] != tokens[1] and all(visitor.cookies["csrftoken"].value for visitor in visitors)
    bodies = [value[0] for value in stored if isinstance(value, tuple)]
    assert len(bodies) == 1 and b"csrf-3f0c9a7e" in bodies[0]  # rendered once, with the placeholder
    assert not any(token.encode() in bodies[0] for token in tokens) and "csrf-3f0c9a7e" not in pages[1]
    assert visitors[1].post(url, {"csrfmiddlewaretoken": tokens[0]}).status_code == 403  # another visitor's token
    response = visitors[1].post(url, {"csrfmiddlewaretoken": tokens[1], "first_name": ""})
    assert response.status_code == 400 and "Le formulaire contient des erreurs" in page_text(response)
