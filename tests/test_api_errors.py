"""API errors: JSON and French for every path under /api/, pagination input checked, every error in the OpenAPI schema."""

import jsonschema
import pytest
from django.core.cache import cache
from rest_framework import exceptions
from rest_framework.test import APIClient

from mobilisation.accounts.models import ApiToken
from mobilisation.api.exceptions import exception_handler
from mobilisation.catalogue.models import Mobilisation
from mobilisation.plans import services

from .utils import page_text

pytestmark = pytest.mark.django_db

NOT_FOUND = "Ressource introuvable ou hors de votre périmètre."
# Words of DRF's and Django's English messages (and of DRF's uneven French: "Pas trouvé", « token »).
ENGLISH = (
    "not found",
    "matches the given query",
    "invalid page",
    "invalid token",
    "credentials",
    "permission to",
    'method "',
    "csrf failed",
    "malformed",
    "could not",
    "pas trouvé",
    "token »",
)


def token_client(user):
    _, key = ApiToken.issue(user=user, name="tests")
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


def assert_french_json(response, status):
    assert response.status_code == status, (response.status_code, response.content[:300])
    assert response["Content-Type"] == "application/json"
    text = str(response.json()).lower()
    assert not [word for word in ENGLISH if word in text], text
    return response.json()


@pytest.fixture
def plans(cls_dinan, cls_brest, coordinator_dinan, coordinator_brest):
    covid = Mobilisation.objects.get(slug="covid19-2020")
    return {
        "dinan": services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan),
        "brest": services.start_plan(cls=cls_brest, mobilisation=covid, by=coordinator_brest),
    }


@pytest.mark.parametrize(
    "path",
    ["/api/v1/nope/", "/api/v1/plans/not-a-uuid/", "/api/v1/departements/999999/", "/api/v2/plans/", "/api/"],
)
def test_unknown_api_paths_answer_a_french_json_404(path, login, coordinator_dinan):
    for client in (APIClient(), login(coordinator_dinan)):
        response = client.get(path, follow=True)
        assert assert_french_json(response, 404) == {"detail": NOT_FOUND}


def test_the_rest_of_the_site_keeps_its_html_404(client):
    response = client.get("/nope/")
    assert response.status_code == 404 and response["Content-Type"].startswith("text/html")
    assert "Page non trouvée" in page_text(response)


def test_a_missing_and_an_out_of_scope_object_read_the_same_french_404(plans, coordinator_dinan):
    api = token_client(coordinator_dinan)
    assert api.get(f"/api/v1/plans/{plans['dinan'].public_id}/").status_code == 200
    out_of_scope = api.get(f"/api/v1/plans/{plans['brest'].public_id}/")
    missing = api.get("/api/v1/plans/00000000-0000-4000-8000-000000000000/")
    assert assert_french_json(out_of_scope, 404) == assert_french_json(missing, 404) == {"detail": NOT_FOUND}
    for public in ["/api/v1/departements/99/", "/api/v1/communes/99999/", "/api/v1/mobilisations/inconnue/"]:
        assert assert_french_json(APIClient().get(public), 404) == {"detail": NOT_FOUND}  # DRF's would name the model


def test_authentication_and_method_errors_are_french(coordinator_dinan, login):
    missing = assert_french_json(APIClient().get("/api/v1/plans/"), 401)
    assert missing["detail"].startswith("Authentification requise")
    for header in ["Token", "Token un deux", "Token inconnu", "Token \x7f"]:
        refused = APIClient(HTTP_AUTHORIZATION=header).get("/api/v1/departements/")  # a public endpoint too
        assert assert_french_json(refused, 401)["detail"].startswith("Jeton invalide, expiré ou révoqué")
        assert refused["WWW-Authenticate"] == "Token"
    api = token_client(coordinator_dinan)
    not_allowed = assert_french_json(api.post("/api/v1/plans/", {}, format="json"), 405)
    assert not_allowed["detail"].startswith("La méthode POST n’est pas acceptée")
    assert assert_french_json(api.get("/api/v1/plans/", HTTP_ACCEPT="text/csv"), 406)["detail"].startswith("Format de réponse")
    session = login(coordinator_dinan)
    session.handler.enforce_csrf_checks = True
    forbidden = assert_french_json(session.post("/api/v1/plans/", {}), 403)  # DRF's reads « CSRF Failed: … »
    assert forbidden["detail"] == "Vous n’avez pas le droit de faire cette opération."


@pytest.mark.parametrize(
    ("exc", "expected"),
    [
        (exceptions.ParseError("JSON parse error - Expecting value"), "Corps de la requête illisible"),
        (exceptions.UnsupportedMediaType("text/plain"), "Type de contenu non pris en charge"),
        (exceptions.NotFound(), NOT_FOUND),
        (exceptions.PermissionDenied(), "Vous n’avez pas le droit"),
        (exceptions.NotAuthenticated(), "Authentification requise"),
    ],
    ids=["parse", "media-type", "not-found", "permission", "not-authenticated"],
)
def test_the_handler_makes_every_drf_default_message_french(exc, expected):
    """Errors the read-only API cannot reach through a request today (no body is ever parsed) are French too."""
    response = exception_handler(exc, {"request": None})
    assert response.data["detail"].startswith(expected)


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("page_size", "abc"),
        ("page_size", "0"),
        ("page_size", "-3"),
        ("page_size", "1.5"),
        ("page", "abc"),
        ("page", "0"),
        ("page", "-1"),
        ("page", "²"),
    ],
)
def test_a_bad_page_or_page_size_is_a_french_400(name, value):
    response = APIClient().get("/api/v1/communes/", {name: value})
    assert assert_french_json(response, 400) == {name: ["Saisissez un nombre entier supérieur ou égal à 1."]}


def test_page_size_and_page_still_work_within_their_range(django_assert_max_num_queries):
    api = APIClient()
    assert len(api.get("/api/v1/communes/", {"page_size": "10"}).json()["results"]) == 10
    with django_assert_max_num_queries(3):
        assert len(api.get("/api/v1/communes/", {"page_size": "100000"}).json()["results"]) == 500  # at most 500
    assert len(api.get("/api/v1/communes/", {"page_size": ""}).json()["results"]) == 50  # empty: the default
    last = api.get("/api/v1/communes/", {"page": "last"}).json()
    assert last["next"] is None and len(last["results"]) == 1202 - 24 * 50
    past = assert_french_json(api.get("/api/v1/communes/", {"page": "26"}), 404)
    assert past == {"detail": "La page 26 n’existe pas : cette liste s’arrête à la page 25."}


# The OpenAPI schema: every operation documents its errors, and the API really answers them with those bodies.

ERROR_CODES = {"400": "InvalidRequest", "401": "Error", "404": "Error", "429": "Error"}


@pytest.fixture
def schema():
    response = APIClient().get("/api/v1/schema/", HTTP_ACCEPT="application/vnd.oai.openapi+json")
    assert response.status_code == 200
    return response.json()


def test_every_operation_of_the_schema_documents_its_errors(schema):
    operations = [(path, method, operation) for path, item in schema["paths"].items() for method, operation in item.items()]
    assert len(operations) >= 22  # 11 endpoints, list and retrieve
    for path, method, operation in operations:
        responses = operation["responses"]
        assert {"200", *ERROR_CODES} <= set(responses), (method, path, sorted(responses))
        for code, component in ERROR_CODES.items():
            assert responses[code]["content"]["application/json"]["schema"] == {"$ref": f"#/components/schemas/{component}"}
            assert responses[code]["description"], (path, code)
        assert "Retry-After" in responses["429"]["headers"]
        public = {} in operation["security"]
        assert responses["401"]["description"].startswith("Jeton invalide" if public else "Authentification requise"), path
        one_object = "{" in path
        assert responses["404"]["description"].startswith("Ressource introuvable" if one_object else "Page inexistante"), path
        assert "description" not in operation or not operation["description"].isascii(), (path, operation["description"])  # no docstring
    assert {"Error", "InvalidRequest"} <= set(schema["components"]["schemas"])
    assert "Token <jeton>" in schema["components"]["securitySchemes"]["tokenAuth"]["description"]


def test_the_api_really_answers_each_documented_error_with_its_schema(settings, schema, plans, coordinator_dinan):
    components = schema["components"]["schemas"]

    def check(response, code):
        assert response.status_code == int(code), (response.status_code, response.content[:200])
        jsonschema.validate(response.json(), components[ERROR_CODES[code]])
        assert_french_json(response, int(code))

    api = token_client(coordinator_dinan)
    for lists in ["/api/v1/communes/", "/api/v1/plans/"]:
        check(api.get(lists, {"page_size": "0"}), "400")
        check(api.get(lists, {"page": "99"}), "404")
        check(APIClient(HTTP_AUTHORIZATION="Token faux").get(lists), "401")
    check(APIClient().get("/api/v1/plans/"), "401")
    check(api.get("/api/v1/implantations-ars/75/"), "404")
    check(api.get(f"/api/v1/plans/{plans['brest'].public_id}/"), "404")
    settings.API_THROTTLE_USER = "1/m"
    cache.clear()
    api.get("/api/v1/implantations-ars/")
    throttled = api.get("/api/v1/implantations-ars/")
    check(throttled, "429")
    assert int(throttled["Retry-After"]) > 0
    cache.clear()


# The ARS offices: public and read-only, the delegations under their department's official code.


def test_ars_offices_are_public_read_only_and_keyed_by_department_code(django_assert_max_num_queries):
    api = APIClient()
    with django_assert_max_num_queries(2):
        data = api.get("/api/v1/implantations-ars/").json()
    assert data["count"] == 5
    assert [office["code"] for office in data["results"]] == ["siege", "22", "29", "35", "56"]
    assert data["results"][0] == {
        "code": "siege",
        "kind": "siege",
        "name": "ARS Bretagne – siège",
        "department": None,
        "contact_label": "Coordination des contrats locaux de santé",
        "email": "ars-bretagne-cls@ars.sante.fr",
    }
    finistere = api.get("/api/v1/implantations-ars/29/").json()
    assert finistere["kind"] == "delegation" and finistere["department"] == "29"
    assert finistere["email"] == "ars-dd29-direction@ars.sante.fr" and finistere["name"] == "Délégation départementale du Finistère"
    assert api.get("/api/v1/implantations-ars/siege/").json()["email"] == "ars-bretagne-cls@ars.sante.fr"
    assert api.get("/api/v1/implantations-ars/44/").status_code == 404  # Loire-Atlantique: another region's ARS
    for method in (api.post, api.put, api.patch, api.delete):
        assert method("/api/v1/implantations-ars/22/", {"email": "pirate@exemple.fr"}, format="json").status_code == 405
    assert api.get("/api/v1/implantations-ars/22/").json()["email"] == "ars-dd22-direction@ars.sante.fr"


def test_ars_offices_are_documented_in_the_schema_and_the_readme(schema):
    from pathlib import Path

    operation = schema["paths"]["/api/v1/implantations-ars/{code}/"]["get"]
    assert "délégation" in operation["summary"] and {} in operation["security"]
    assert set(schema["components"]["schemas"]["ArsOffice"]["properties"]) == {
        "code",
        "kind",
        "name",
        "department",
        "contact_label",
        "email",
    }
    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text(encoding="utf-8")
    api_line = next(line for line in readme.splitlines() if line.startswith("- **API v1**"))
    assert "implantations de l’ARS" in api_line
