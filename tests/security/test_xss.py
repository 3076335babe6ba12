"""SECURITY.md 13: text users enter is never executed when shown, and every page sends a strict CSP."""

import re

import pytest
from django.contrib.auth.models import AnonymousUser
from django.urls import reverse

from mobilisation.accounts.models import ApiToken
from mobilisation.catalogue.models import Mobilisation, Resource
from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation
from mobilisation.plans import services
from mobilisation.plans.models import ExistingAction, FundingComment, PlanMessage, PlannedAction

pytestmark = pytest.mark.django_db

SCRIPT = '<script>alert("xss")</script>'
HANDLER = '<img src=x onerror="alert(1)">'
JS_URL = "javascript:alert(document.cookie)"
ESCAPED_SCRIPT = "&lt;script&gt;alert(&quot;xss&quot;)&lt;/script&gt;"
ESCAPED_HANDLER = "&lt;img src=x onerror=&quot;alert(1)&quot;&gt;"


def assert_inert(html, where):
    """No payload survives as markup: no script element, event handler or javascript: link made of user text."""
    assert SCRIPT not in html and HANDLER not in html, where
    assert not re.search(r"<img[^>]*\sonerror\s*=", html, re.IGNORECASE), where
    assert not re.search(r"""(href|src|action|formaction)\s*=\s*["']?\s*javascript:""", html, re.IGNORECASE), where


@pytest.fixture
def hostile(world, coordinator_dinan, delegation_22):
    """Dinan's objects holding script, event handlers and javascript: URLs in every text a user types."""
    side = world["dinan"]
    Organisation.objects.filter(pk=side.organisation.pk).update(name=f"Asso {SCRIPT}", website=JS_URL, email="contact@exemple.fr")
    PlannedAction.objects.filter(pk=side.action.pk).update(
        title=f"Action {HANDLER}", description=SCRIPT, lead_organisation=side.organisation
    )
    side.plan.needs = f"Besoins {SCRIPT}"
    side.plan.save(update_fields=["needs"])
    PlanMessage.objects.create(plan=side.plan, author=delegation_22, body=f"Message {SCRIPT}")
    side.meeting.attendees, side.meeting.notes = f"Élu {HANDLER}", f"Relevé {SCRIPT}"
    side.meeting.save()
    ExistingAction.objects.create(cls=side.cls, reference="1.1", title=f"Fiche {HANDLER}", description=SCRIPT)
    services.add_progress(indicator=side.indicator, date=side.meeting.date, value=3, comment=f"Commentaire {SCRIPT}", by=coordinator_dinan)
    side.indicator.name = f"Indicateur {HANDLER}"
    side.indicator.save()
    side.action.budget_lines.create(kind="depense", label=f"Poste {SCRIPT}", amount=10)
    side.funding.justification, side.funding.cofunding = f"Justification {SCRIPT}", HANDLER
    side.funding.save()
    FundingComment.objects.create(request=side.funding, author=delegation_22, body=f"Commentaire {HANDLER}")
    Cls.objects.filter(pk=side.cls.pk).update(source_url=JS_URL, source_url_2=JS_URL, evidence=SCRIPT, coordinator_name=HANDLER)
    coordinator_dinan.first_name, coordinator_dinan.last_name = "Camille", HANDLER
    coordinator_dinan.save()
    ApiToken.issue(user=coordinator_dinan, name=f"Jeton {SCRIPT}")
    covid = Mobilisation.objects.get(slug="covid19-2020")
    Resource.objects.filter(pk=side.funding.funding_line_id).update(url=JS_URL, title=f"Ressource {HANDLER}")
    return side, covid


def test_stored_script_handlers_and_javascript_urls_are_shown_as_text(hostile, login, coordinator_dinan, ars_region, client):
    side, covid = hostile
    model = side.action.action_model
    pages = {
        coordinator_dinan: [
            side.plan.get_absolute_url(),
            side.action.get_absolute_url(),
            side.funding.get_absolute_url(),
            side.organisation.get_absolute_url(),
            reverse("directory:index"),
            reverse("plans:existing_actions", args=[side.plan.public_id]),
            reverse("plans:edit_action", args=[side.action.public_id]),
            reverse("directory:edit", args=[side.organisation.public_id]),
            side.cls.get_workspace_url(),
            reverse("accounts:tokens"),
        ],
        ars_region: [
            reverse("plans:follow_up"),
            side.cls.get_absolute_url(),
            side.cls.get_workspace_url(),
            reverse("contracts:edit", args=[side.cls.public_id]),
            reverse("catalogue:resources", args=[covid.slug]),
            model.get_absolute_url(),
            reverse("people:index"),
            coordinator_dinan.get_absolute_url(),
            reverse("people:change_membership", args=[coordinator_dinan.memberships.get().public_id]),
        ],
        AnonymousUser(): [reverse("catalogue:resources", args=[covid.slug]), side.cls.get_absolute_url()],
    }
    shown = ""
    for user, urls in pages.items():
        for url in urls:
            response = login(user if user.is_authenticated else None).get(url)
            assert response.status_code == 200, url
            html = response.content.decode()
            assert_inert(html, url)
            shown += html
    for text in [
        ESCAPED_SCRIPT,
        ESCAPED_HANDLER,
        "Asso &lt;script&gt;",
        "Action &lt;img",
        "Message &lt;script&gt;",
        "Jeton &lt;script&gt;",
        "Camille &lt;img src=x onerror",  # a person's name, in the people list and page
    ]:
        assert text in shown, text  # the text is shown, as text
    assert "alert(document.cookie)" in shown  # the URL stays readable, without being a link


def test_search_and_filter_input_is_echoed_as_text(client, login, coordinator_dinan):
    for url, params in [
        ("/territoires/recherche/", {"q": SCRIPT}),
        ("/cls/", {"q": SCRIPT}),
        ("/catalogue/covid19-2020/", {"q": HANDLER}),
        ("/annuaire/", {"type": SCRIPT}),
        ("/personnes/", {"q": SCRIPT, "role": HANDLER}),
        ("/personnes/inviter/", {"email": SCRIPT}),
    ]:
        viewer = login(coordinator_dinan) if url.startswith(("/annuaire/", "/personnes/")) else client
        html = viewer.get(url, params).content.decode()
        assert_inert(html, url)


# Every page sends a Content-Security-Policy without inline or evaluated script, and holds no inline script.


def csp_directives(response):
    header = response.get("Content-Security-Policy", "")
    return {part.split()[0]: part.split()[1:] for part in header.split(";") if part.strip()}


INLINE_SCRIPT = re.compile(r"<script(?![^>]*\ssrc=)(?![^>]*type=\"application/(?:ld\+)?json\")[^>]*>", re.IGNORECASE)
EVENT_ATTRIBUTE = re.compile(r"<[a-z][^>]*\son[a-z]+\s*=", re.IGNORECASE)


def representative_pages(world, covid):
    side = world["dinan"]
    public = [
        "/",
        "/territoires/",
        "/territoires/departements/22/",
        "/territoires/communes/22050/",
        "/territoires/recherche/?q=dinan",
        "/territoires/carte/",
        "/cls/",
        "/cls/dinan/",
        "/catalogue/",
        f"/catalogue/{covid.slug}/",
        f"/catalogue/{covid.slug}/ressources/",
        side.action.action_model.get_absolute_url(),
        "/compte/connexion/",
        "/compte/mot-de-passe/oubli/",
        "/accessibilite/",
        "/mentions-legales/",
        "/donnees-personnelles/",
        "/api/v1/docs/",
        "/nexiste-pas/",
        "/cls/?format=pdf",
        f"/personnes/invitation/{side.cls.public_id}/jeton-inconnu/",
    ]
    coordinator = [
        "/espace/",
        side.cls.get_workspace_url(),
        side.plan.get_absolute_url(),
        reverse("plans:catalogue", args=[side.plan.public_id]),
        reverse("plans:new_action", args=[side.plan.public_id]),
        reverse("plans:diagnosis", args=[side.plan.public_id]),
        reverse("plans:copil", args=[side.plan.public_id]),
        side.action.get_absolute_url(),
        reverse("plans:ask_funding", args=[side.action.public_id]),
        side.funding.get_absolute_url(),
        "/annuaire/",
        reverse("directory:create"),
        side.organisation.get_absolute_url(),
        "/compte/jetons/",
        "/compte/mot-de-passe/",
        "/compte/double-authentification/",
        "/compte/double-authentification/configurer/",  # the QR code is inline SVG: no script, no style element
    ]
    region = [
        "/plans/",
        "/plans/restrictions/",
        "/cls/nouveau/",
        f"/catalogue/{covid.slug}/modifier/",
        "/admin/",
        "/admin/contracts/cls/",
        "/personnes/",
        "/personnes/inviter/",
    ]
    return {"anon": public, "coord_dinan": coordinator, "ars": region}


def test_every_page_sends_a_strict_csp_and_no_inline_script(world, personas, login):
    covid = Mobilisation.objects.get(slug="covid19-2020")
    checked = 0
    for persona, urls in representative_pages(world, covid).items():
        client = login(personas[persona], verified=persona == "ars" or None)  # the admin asks a second factor of everyone
        for url in urls:
            response = client.get(url)
            assert response.status_code in {200, 400, 404}, (url, response.status_code)
            directives = csp_directives(response)
            assert directives, url
            assert "'unsafe-inline'" not in directives["script-src"] and "'unsafe-eval'" not in directives["script-src"], url
            assert directives["default-src"] == ["'self'"] and directives["object-src"] == ["'none'"], url
            assert directives["frame-ancestors"] == ["'none'"] and directives["base-uri"] == ["'self'"], url
            html = response.content.decode()
            assert not INLINE_SCRIPT.search(html), (url, INLINE_SCRIPT.search(html).group(0))
            assert not EVENT_ATTRIBUTE.search(html), (url, EVENT_ATTRIBUTE.search(html).group(0))
            checked += 1
    assert checked == 46
