"""SECURITY.md 13 and 14 at the HTTP level: request bodies and URLs are capped with French 413 and 414 answers before
anything reads them; responses to signed-in users are never cached; no page may use camera, microphone, payment…"""

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from rest_framework.test import APIClient

from mobilisation.accounts.models import ApiToken
from mobilisation.directory.models import Organisation

from ..utils import page_text

pytestmark = pytest.mark.django_db

MIB = 1024 * 1024
LOGIN = "/compte/connexion/"


def ten_megabytes():
    return SimpleUploadedFile("photo.jpg", b"\xff" * (10 * MIB), content_type="image/jpeg")


def assert_french_413(response):
    assert response.status_code == 413, response.status_code
    page = page_text(response)
    assert "Données trop volumineuses" in page and "Ce formulaire accepte 1 Mio au plus ; rien n’a été enregistré." in page
    assert "Mentions légales" in page  # the site's shell, like the other error pages
    assert "script-src 'self'" in response["Content-Security-Policy"]


# 413: a body over REQUEST_BODY_MAX_BYTES (1 MiB) is refused before CSRF, the login or a form reads it.


def test_a_ten_megabyte_multipart_body_is_refused_before_csrf_and_login(coordinator_dinan, password):
    client = Client(enforce_csrf_checks=True)  # without a CSRF token: CSRF would answer 403 had it read the body
    response = client.post(LOGIN, {"username": coordinator_dinan.email, "password": password, "photo": ten_megabytes()})
    assert_french_413(response)
    assert "_auth_user_id" not in client.session


def test_a_signed_in_form_that_takes_no_file_refuses_a_big_body_and_writes_nothing(login, coordinator_dinan):
    client = login(coordinator_dinan)
    data = {"name": "Association gonflée", "kind": "association", "department": "22", "piece_jointe": ten_megabytes()}
    assert_french_413(client.post(reverse("directory:create"), data))
    assert not Organisation.objects.filter(name="Association gonflée").exists()
    padded = client.post(reverse("directory:create"), {"name": "x" * (MIB + 1)})  # url-encoded counts the same
    assert padded.status_code == 413


def test_the_body_limit_is_a_setting_and_a_body_under_it_goes_through(settings, coordinator_dinan, password):
    assert settings.REQUEST_BODY_MAX_BYTES == MIB
    assert settings.DATA_UPLOAD_MAX_MEMORY_SIZE == MIB and settings.DATA_UPLOAD_MAX_NUMBER_FIELDS == 1000
    credentials = {"username": coordinator_dinan.email, "password": password}
    assert Client().post(LOGIN, {**credentials, "bourrage": "x" * (MIB - 1000)}).status_code == 302
    settings.REQUEST_BODY_MAX_BYTES = 1000
    refused = Client().post(LOGIN, {**credentials, "bourrage": "x" * 1000})
    assert refused.status_code == 413 and "Ce formulaire accepte 1000 octets au plus" in page_text(refused)


def test_too_many_fields_is_a_french_400_not_a_500(coordinator_dinan, password):
    fields = {f"champ{n}": "x" for n in range(1001)}
    response = Client().post(LOGIN, {"username": coordinator_dinan.email, "password": password, **fields})
    assert response.status_code == 400 and "Requête incorrecte" in page_text(response)


def test_the_api_answers_a_big_body_with_a_french_json_413(coordinator_dinan):
    _, key = ApiToken.issue(user=coordinator_dinan, name="essai")
    response = APIClient(HTTP_AUTHORIZATION=f"Token {key}").post("/api/v1/plans/", {"x": "y" * (2 * MIB)}, format="json")
    assert response.status_code == 413 and response["Content-Type"] == "application/json"
    assert response.json() == {
        "detail": "Les données envoyées sont trop volumineuses. Ce formulaire accepte 1\xa0Mio au plus ; rien n’a été enregistré."
    }


def test_a_view_may_allow_a_bigger_body(settings):
    settings.ROOT_URLCONF = "tests.security.limits_urls"
    client = Client()
    three = SimpleUploadedFile("import.csv", b"a;b\n" * (3 * MIB // 4), content_type="text/csv")
    assert client.post("/essai-import/", {"fichier": three}).json() == {"size": 3 * MIB}
    six = SimpleUploadedFile("import.csv", b"a;b\n" * (6 * MIB // 4), content_type="text/csv")
    refused = client.post("/essai-import/", {"fichier": six})
    assert refused.status_code == 413 and "Ce formulaire accepte 5 Mio au plus" in page_text(refused)
    assert client.post(LOGIN, {"photo": ten_megabytes()}).status_code == 413  # the other views keep 1 MiB


# 414: a URL over URL_MAX_LENGTH (4,096 characters) is refused before the session, the login or a view reads it.


def test_a_hundred_thousand_character_url_gets_a_french_414_page(client, login, coordinator_dinan):
    for visitor in (client, login(coordinator_dinan)):
        response = visitor.get("/" + "a" * 100_000)
        assert response.status_code == 414
        page = page_text(response)
        assert "Adresse trop longue" in page and "Le site accepte des adresses de 4096 caractères au plus." in page
        assert "Mentions légales" in page and "script-src 'self'" in response["Content-Security-Policy"]
    long_query = client.get("/territoires/recherche/", {"q": "b" * 5000})
    assert long_query.status_code == 414


def test_urls_up_to_the_limit_reach_the_site(settings, client):
    assert settings.URL_MAX_LENGTH == 4096
    path = "/territoires/recherche/"
    response = client.get(path, {"q": "c" * (4096 - len(path) - len("q="))})
    assert response.status_code == 200 and "Adresse trop longue" not in page_text(response)
    assert client.get("/" + "d" * 5000).status_code == 414
    settings.URL_MAX_LENGTH = 10_000
    assert client.get("/" + "d" * 5000).status_code == 404


def test_the_api_answers_a_long_url_with_a_french_json_414():
    response = APIClient().get("/api/v1/communes/", {"q": "e" * 5000})
    assert response.status_code == 414 and response.json()["detail"].startswith("L’adresse demandée est trop longue.")


# Cache-Control: no-store on whatever a signed-in user (or a token) receives; caching kept for the rest.


@pytest.fixture
def plan(cls_dinan, coordinator_dinan):
    from mobilisation.catalogue.models import Mobilisation
    from mobilisation.plans import services

    return services.start_plan(cls=cls_dinan, mobilisation=Mobilisation.objects.get(slug="covid19-2020"), by=coordinator_dinan)


def no_store(response):
    return "no-store" in response.get("Cache-Control", "")


def test_every_response_to_a_signed_in_user_is_no_store(login, coordinator_dinan, plan):
    client = login(coordinator_dinan)
    expected = {  # url: content type
        reverse("portal:dashboard"): "text/html",
        reverse("accounts:tokens"): "text/html",
        plan.get_absolute_url(): "text/html",
        reverse("plans:plan_pdf", args=[plan.public_id]): "application/pdf",
        "/annuaire/?format=csv": "text/csv",
        plan.get_absolute_url() + "?format=xlsx": "application/vnd.openxmlformats",
        "/": "text/html",  # a public page, seen signed in, shows the user's name
        "/api/v1/plans/": "application/json",  # the API by session
        "/page-inconnue/": "text/html",
    }
    for url, content_type in expected.items():
        response = client.get(url)
        assert response.status_code == (404 if "inconnue" in url else 200), (url, response.status_code)
        assert response["Content-Type"].startswith(content_type), (url, response["Content-Type"])
        assert no_store(response) and "private" in response["Cache-Control"], (url, response.get("Cache-Control"))
    _, key = ApiToken.issue(user=coordinator_dinan, name="essai")
    by_token = APIClient(HTTP_AUTHORIZATION=f"Token {key}").get("/api/v1/plans/")
    assert by_token.status_code == 200 and no_store(by_token)
    refused_token = APIClient(HTTP_AUTHORIZATION="Token faux").get("/api/v1/departements/")
    assert refused_token.status_code == 401 and no_store(refused_token)


def test_anonymous_pages_and_public_data_keep_their_caching(client, login, coordinator_dinan):
    for url in ["/", "/territoires/", "/cls/dinan/", "/api/v1/departements/"]:
        assert not no_store(client.get(url)), url
    boundaries = login(coordinator_dinan).get("/territoires/carte/departements.geojson")
    assert boundaries["Cache-Control"] == "public, max-age=3600"  # the same for everyone: cacheable even signed in


def static_file(client):
    """A static file as WhiteNoise serves it; reading the streamed body to its end closes the file."""
    response = client.get("/static/css/mobilisation.css")
    b"".join(response.streaming_content)
    return response


def test_static_files_keep_whitenoise_caching_for_signed_in_users(login, coordinator_dinan, client):
    anonymous = static_file(client)
    signed_in = static_file(login(coordinator_dinan))
    assert anonymous.status_code == signed_in.status_code == 200
    assert signed_in["Cache-Control"] == anonymous["Cache-Control"] and "public" in signed_in["Cache-Control"]
    assert signed_in["Permissions-Policy"] == anonymous["Permissions-Policy"]


# Permissions-Policy: the site uses no powerful browser feature; every response denies them all.


def test_every_response_denies_powerful_browser_features(client, login, coordinator_dinan):
    responses = [
        client.get("/"),
        client.get("/compte/connexion/"),
        client.get("/page-inconnue/"),
        client.get("/api/v1/departements/"),
        static_file(client),
        client.get("/healthz"),
        client.get("/" + "a" * 5000),
        login(coordinator_dinan).get(reverse("portal:dashboard")),
    ]
    for response in responses:
        policy = dict(item.strip().split("=", 1) for item in response["Permissions-Policy"].split(","))
        for feature in ["camera", "microphone", "geolocation", "payment", "usb", "serial", "hid", "display-capture"]:
            assert policy[feature] == "()", (response.status_code, feature)
