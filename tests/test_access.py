"""Access rules: every route is explicitly public or protected; named personas against every view and endpoint."""

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse
from rest_framework.permissions import AllowAny

from .utils import page_text

pytestmark = pytest.mark.django_db

# Routes anyone may open without logging in. Adding a public route means adding it here, on purpose.
EXPECTED_PUBLIC = {
    "portal:home",
    "portal:accessibility",
    "portal:legal",
    "portal:privacy",
    "portal:sitemap",
    "portal:data_sources",
    "territories:region",
    "territories:search",
    "territories:map",
    "territories:layer_geojson",
    "territories:territory_geojson",
    "territories:department",
    "territories:department_communes",
    "territories:epci",
    "territories:commune",
    "contracts:registry",
    "contracts:public_detail",
    "catalogue:index",
    "catalogue:mobilisation",
    "catalogue:resources",
    "catalogue:action_model",
    "catalogue:action_model_history",
    "accounts:login",
    "accounts:password_reset",
    "accounts:password_reset_done",
    "accounts:password_reset_confirm",
    "accounts:password_reset_complete",
    "people:accept_invitation",
    "api:schema",
    "api:docs",
    "api:department-list",
    "api:department-detail",
    "api:ars-office-list",
    "api:ars-office-detail",
    "api:epci-list",
    "api:epci-detail",
    "api:commune-list",
    "api:commune-detail",
    "api:cls-list",
    "api:cls-detail",
    "api:mobilisation-list",
    "api:mobilisation-detail",
    "api:action-model-list",
    "api:action-model-detail",
    "api:resource-list",
    "api:resource-detail",
    "healthz",
    "portal:help_search",
    "portal:help_commune",
    "portal:help_points",
    "directory:service",
    "directory:services_export",
    "volunteers:start",
    "volunteers:sign_up",
    "volunteers:thanks",
    "aid:ask",
    "aid:asked",
    "housing:ask",
    "housing:asked",
    "hotline:public_faq",
}


def walk(patterns, namespace=None, prefix=""):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            ns = pattern.namespace or namespace
            if namespace and pattern.namespace:
                ns = f"{namespace}:{pattern.namespace}"
            yield from walk(pattern.url_patterns, ns, prefix + str(pattern.pattern))
        elif isinstance(pattern, URLPattern):
            name = f"{namespace}:{pattern.name}" if namespace and pattern.name else pattern.name
            yield name, prefix + str(pattern.pattern), pattern.callback


def classify(callback):
    """'public', 'login' (LoginRequiredMiddleware) or 'api-auth' (DRF permission classes)."""
    exempt = getattr(callback, "login_required", True) is False
    view_class = getattr(callback, "cls", None) or getattr(callback, "view_class", None)
    drf_permissions = (
        getattr(view_class, "permission_classes", None) if view_class and hasattr(view_class, "authentication_classes") else None
    )
    if not exempt:
        return "login"
    if drf_permissions is not None and not any(p is AllowAny for p in drf_permissions):
        return "api-auth"
    return "public"


def test_every_route_is_explicitly_public_or_protected():
    public, unnamed = set(), []
    for name, route, callback in walk(get_resolver().url_patterns):
        kind = classify(callback)
        if kind == "public":
            if name is None:
                unnamed.append(route)
            else:
                public.add(name)
    assert not unnamed, f"public routes without a name: {unnamed}"
    assert public == EXPECTED_PUBLIC, f"unexpected public: {public - EXPECTED_PUBLIC}; no longer public: {EXPECTED_PUBLIC - public}"


def test_protected_routes_send_anonymous_users_to_login(client):
    checked = 0
    for _name, route, callback in walk(get_resolver().url_patterns):
        if classify(callback) != "login" or "<" in route or "(?P" in route or route.startswith("admin/"):
            continue
        response = client.get("/" + route.lstrip("^").rstrip("$"))
        assert response.status_code == 302 and response["Location"].startswith("/compte/connexion/"), route
        checked += 1
    assert checked >= 4


@pytest.fixture
def personas(coordinator_dinan, coordinator_brest, delegation_56, ars_region):
    return {"coord_dinan": coordinator_dinan, "coord_brest": coordinator_brest, "dd56": delegation_56, "ars": ars_region, "anon": None}


PUBLIC_URLS = [
    "/",
    "/territoires/",
    "/territoires/departements/22/",
    "/territoires/departements/22/communes/",
    "/territoires/epci/200068989/",
    "/territoires/communes/22050/",
    "/territoires/recherche/?q=dinan",
    "/territoires/carte/",
    "/territoires/carte/departements.geojson",
    "/territoires/contours/epci/200068989.geojson",
    "/cls/",
    "/cls/dinan/",
    "/catalogue/",
    "/catalogue/covid19-2020/",
    "/catalogue/covid19-2020/ressources/",
    "/accessibilite/",
    "/mentions-legales/",
    "/donnees-personnelles/",
    "/plan-du-site/",
    "/sources-des-donnees/",
    "/compte/mot-de-passe/oubli/",
    "/api/v1/departements/",
    "/api/v1/epci/",
    "/api/v1/communes/",
    "/api/v1/cls/",
    "/api/v1/schema/",
    "/api/v1/docs/",
    "/healthz",
]


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_public_pages_answer_every_persona(login, personas, url):
    for label, user in personas.items():
        assert login(user).get(url).status_code == 200, (label, url)


# persona -> expected status, for each scoped view
MATRIX = {
    "dashboard": {"coord_dinan": 200, "coord_brest": 200, "dd56": 200, "ars": 200, "anon": 302},
    "workspace_dinan": {"coord_dinan": 200, "coord_brest": 404, "dd56": 404, "ars": 200, "anon": 302},
    "workspace_brest": {"coord_dinan": 404, "coord_brest": 200, "dd56": 404, "ars": 200, "anon": 302},
    "edit_dinan": {"coord_dinan": 404, "coord_brest": 404, "dd56": 404, "ars": 200, "anon": 302},
    "create_cls": {"coord_dinan": 404, "coord_brest": 404, "dd56": 404, "ars": 200, "anon": 302},
    "tokens": {"coord_dinan": 200, "coord_brest": 200, "dd56": 200, "ars": 200, "anon": 302},
    "password_change": {"coord_dinan": 200, "coord_brest": 200, "dd56": 200, "ars": 200, "anon": 302},
    "admin": {"coord_dinan": 404, "coord_brest": 404, "dd56": 404, "ars": 200, "anon": 302},
}


def scoped_url(view, cls_dinan, cls_brest):
    return {
        "dashboard": reverse("portal:dashboard"),
        "workspace_dinan": cls_dinan.get_workspace_url(),
        "workspace_brest": cls_brest.get_workspace_url(),
        "edit_dinan": reverse("contracts:edit", args=[cls_dinan.public_id]),
        "create_cls": reverse("contracts:create"),
        "tokens": reverse("accounts:tokens"),
        "password_change": reverse("accounts:password_change"),
        "admin": reverse("admin:index"),
    }[view]


@pytest.mark.parametrize("view", MATRIX)
def test_role_scope_matrix(login, personas, cls_dinan, cls_brest, view):
    url = scoped_url(view, cls_dinan, cls_brest)
    for label, expected in MATRIX[view].items():
        # The admin asks everyone a second factor: each persona comes verified (tests/security/test_second_factor.py).
        client = login(personas[label], verified=True if view == "admin" and personas[label] else None)
        assert client.get(url).status_code == expected, (label, view)


def test_delegation_sees_its_department_cls_only(login, delegation_56):
    page = page_text(login(delegation_56).get(reverse("portal:dashboard")))
    assert "CLS de Pontivy Communauté 2023-2027" in page
    assert "CLS de Dinan Agglomération" not in page and "CLS du Pays de Brest" not in page


def test_registry_filter_naming_another_territory_does_not_open_workspaces(login, coordinator_dinan):
    page = page_text(login(coordinator_dinan).get(reverse("contracts:registry"), {"department": "29"}))
    assert "CLS du Pays de Brest" in page  # the public registry lists it…
    assert "Espace du CLS CLS du Pays de Brest" not in page  # …without a workspace link


def test_deactivated_user_loses_access_at_once(login, coordinator_dinan, cls_dinan):
    client = login(coordinator_dinan)
    assert client.get(cls_dinan.get_workspace_url()).status_code == 200
    coordinator_dinan.is_active = False
    coordinator_dinan.save()
    assert client.get(cls_dinan.get_workspace_url()).status_code == 302


def test_user_removed_from_a_scope_loses_access_at_once(login, coordinator_dinan, cls_dinan):
    client = login(coordinator_dinan)
    assert client.get(cls_dinan.get_workspace_url()).status_code == 200
    coordinator_dinan.memberships.update(is_active=False)
    assert client.get(cls_dinan.get_workspace_url()).status_code == 404


def test_every_demo_role_gets_a_dashboard_for_its_scope(settings, login):
    from django.core.management import call_command

    from mobilisation.accounts.models import User

    settings.DEMO = True
    call_command("load_demo", verbosity=0)
    expectations = {
        "ars.region@demo.mobilisation-cls.fr": ["Les CLS que je suis (22)"],
        "ars.dd29@demo.mobilisation-cls.fr": ["Les CLS que je suis (6)", "CLS du Pays de Brest"],
        "pole.ressources@demo.mobilisation-cls.fr": ["Les CLS que je suis (22)"],
        "coordination.pontivy@demo.mobilisation-cls.fr": ["Mon CLS", "CLS de Pontivy Communauté 2023-2027"],
        "elu.dinan@demo.mobilisation-cls.fr": ["Mon CLS", "CLS de Dinan Agglomération"],
        "ccas.dinan@demo.mobilisation-cls.fr": ["Mes communes", "Dinan", "CLS de Dinan Agglomération"],
        "partenaire@demo.mobilisation-cls.fr": ["Mon organisation", "Association de démonstration"],
        "benevole@demo.mobilisation-cls.fr": ["Mon organisation", "Bénévole"],
    }
    for email, texts in expectations.items():
        page = page_text(login(User.objects.get(email=email)).get(reverse("portal:dashboard")))
        for text in texts:
            assert text in page, (email, text)
    volunteer = page_text(login(User.objects.get(email="benevole@demo.mobilisation-cls.fr")).get(reverse("portal:dashboard")))
    assert "Mes jetons" not in volunteer and "Les CLS que je suis" not in volunteer


def test_ars_region_can_use_the_admin(login, ars_region, cls_dinan):
    client = login(ars_region, verified=True)  # the admin asks a second factor of everyone (tests/security/test_second_factor.py)
    for url in [
        "/admin/",
        "/admin/contracts/cls/",
        f"/admin/contracts/cls/{cls_dinan.pk}/change/",
        f"/admin/contracts/cls/{cls_dinan.pk}/history/",
        "/admin/accounts/user/",
        f"/admin/accounts/user/{ars_region.pk}/change/",
        "/admin/territories/commune/?department__code__exact=29",
        "/admin/directory/organisation/",
        "/admin/autocomplete/?app_label=accounts&model_name=membership&field_name=epci&term=dinan",
    ]:
        assert client.get(url).status_code == 200, url
    assert client.get("/admin/territories/commune/add/").status_code == 403  # reference data is not typed in
