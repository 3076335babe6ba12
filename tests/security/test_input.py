"""SECURITY.md 14: oversized, null-byte and malformed input gets a French form error or a 400, never a 500, and
nothing is written; one table drives every form of the application (forms_table.py)."""

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..utils import page_text
from .forms_table import BAD_VALUES, FORMS, HUGE, NUL
from .helpers import data_writes

pytestmark = pytest.mark.django_db

# What a French error says, in a form, a message after a redirect or the 400 page.
FRENCH_ERRORS = (
    "Rien n’a été enregistré",
    "rien n’a été enregistré",
    "Ce champ est obligatoire",
    "Saisissez",
    "Sélectionnez un choix valide",
    "Assurez-vous",
    "caractère",
    "Les caractères null ne sont pas autorisés",
    "inconnu",
    "trop long",
    "modifié par quelqu’un d’autre",
    "Requête incorrecte",
    "ne correspondent pas",
    "incorrect",
    "n’est pas",
)


def shown_error(client, response):
    """The French error the user reads after `response` (following a redirect to the page holding the message)."""
    if response.status_code == 302:
        response = client.get(response["Location"])
    text = page_text(response)
    return next((marker for marker in FRENCH_ERRORS if marker in text), None), response.status_code


@pytest.mark.parametrize("case", FORMS, ids=[case.name for case in FORMS])
def test_malformed_input_is_a_french_error_and_writes_nothing(world, personas, login, case):
    world = {**world, "users": personas}
    if case.setup:
        case.setup(world)
    client = login(personas[case.persona])
    url = case.prepare(client, world) if case.prepare else case.url(world)
    prefix = case.prefix(world) if case.prefix else ""

    def filled():
        return {f"{prefix}{key}": value for key, value in case.data(world).items()}

    mail.outbox.clear()
    for name, kind in case.fields.items():
        for bad in BAD_VALUES[kind]:
            data = {**filled(), f"{prefix}{name}": bad}
            with CaptureQueriesContext(connection) as queries:
                response = client.post(url, data)  # an exception here is the 500 a user would get
            label = (case.name, name, bad if bad not in (HUGE, [HUGE]) else "1 Mo")
            assert response.status_code in {200, 302, 400}, (*label, response.status_code)
            assert data_writes(queries) == [], label
            error, status = shown_error(client, response)
            assert error is not None and status in {200, 400}, label
    assert mail.outbox == []
    with CaptureQueriesContext(connection) as queries:  # the same form, well filled, is accepted: the table is right
        response = client.post(url, filled())
    accepted = data_writes(queries) if case.accepted == "writes" else mail.outbox
    assert response.status_code in {200, 302} and accepted, (case.name, response.status_code, page_text(response)[-3000:])


GET_FORMS = [
    ("/territoires/recherche/", {"q": [HUGE, NUL, "x"]}),
    ("/cls/", {"q": [HUGE, NUL], "department": ["99", NUL], "status": ["inconnu", NUL]}),
    ("/catalogue/covid19-2020/", {"q": [HUGE, NUL], "axis": ["Z", NUL], "theme": [NUL], "public": [NUL], "modality": [NUL]}),
    ("/annuaire/", {"type": [NUL, HUGE], "format": ["pdf", NUL], "page": ["abc", NUL]}),
    ("/plans/", {"format": ["exe", NUL], "status": [NUL, HUGE], "department": ["99", NUL]}),
    ("/plans/financements/", {"onglet": [NUL, HUGE], "page": ["abc", NUL], "format": ["exe"]}),
    ("/plans/restrictions/", {"format": ["exe", NUL]}),
    (
        "/personnes/",
        {
            "q": [HUGE, NUL],
            "role": ["inconnu", NUL],
            "state": [NUL, "inconnu"],
            "organisation": [NUL, "abc", "9" * 40],
            "format": ["pdf", NUL],
            "page": ["abc", NUL],
        },
    ),
    ("/territoires/departements/22/communes/", {"page": ["abc", NUL, "99999999999999999999"], "format": [NUL]}),
]


@pytest.mark.parametrize(("url", "fields"), GET_FORMS, ids=[url for url, _ in GET_FORMS])
def test_malformed_filters_are_a_french_error_not_a_500(login, coordinator_dinan, ars_region, url, fields):
    client = login(ars_region if url.startswith("/plans/") else coordinator_dinan)
    for name, values in fields.items():
        for bad in values:
            response = client.get(url, {name: bad})
            assert response.status_code in {200, 400, 414}, (url, name, response.status_code)
            if response.status_code == 414:  # a megabyte in the query string: the address itself is refused
                assert bad == HUGE and "Adresse trop longue" in page_text(response), (url, name)
            elif name not in {"page", "onglet", "status", "department"}:  # ignored: the first page, tab, every status
                assert shown_error(client, response)[0] or "Aucun" in page_text(response), (url, name)


API_FILTERS = [
    ("/api/v1/communes/", {"departement": NUL, "epci": NUL, "q": HUGE}),
    ("/api/v1/cls/", {"statut": "inconnu", "departement": NUL, "commune": NUL}),
    ("/api/v1/plans/", {"statut": "inconnu", "departement": NUL, "mobilisation": NUL}),
    ("/api/v1/actions/", {"plan": "pas-un-uuid", "statut": NUL, "restreinte": "peut-être"}),
    ("/api/v1/financements/", {"plan": NUL, "statut": "inconnu", "departement": NUL}),
    ("/api/v1/modeles-action/", {"axe": NUL, "q": NUL, "modalite": NUL}),
    ("/api/v1/plans/", {"page": "abc"}),
    ("/api/v1/plans/", {"page_size": NUL}),
]


@pytest.mark.parametrize(("url", "filters"), API_FILTERS, ids=[f"{url}{sorted(f)}" for url, f in API_FILTERS])
def test_malformed_api_filters_are_a_400_or_an_empty_list_never_a_500(world, api_for, ars_region, url, filters):
    api = api_for(ars_region)
    for name, bad in filters.items():
        response = api.get(url, {name: bad})
        assert response.status_code in {200, 400, 404, 414}, (url, name, response.status_code)
        if response.status_code == 414:  # a megabyte in the query string: the address itself is refused
            assert bad == HUGE and "L’adresse demandée est trop longue" in response.json()["detail"], (url, name)
        elif response.status_code == 400:
            assert any(marker in str(response.json()) for marker in FRENCH_ERRORS), (url, name, response.json())
        elif response.status_code == 200 and name not in {"page_size", "q", "restreinte"}:  # ignored, not an error
            assert response.json()["count"] == 0, (url, name)
