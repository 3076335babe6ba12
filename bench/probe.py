"""Before a load run, inside the server's settings: log the personas in, check each endpoint, count its queries.

python -m bench.probe OUTPUT.json [KEY …] — writes, for each endpoint (those named, or all), its URL, the header
that authenticates it (a session cookie made by Django's own login, or a personal API token) and the SQL queries one
request runs. An endpoint that does not answer 200 with its expected text stops the run: the benchmark never measures an error page.
"""

import json
import sys


def main(output, keys=()):
    import django

    django.setup()
    from django.conf import settings
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    from mobilisation.accounts.models import ApiToken, User

    from .dataset.accounts import PERSONAS
    from .endpoints import ENDPOINTS
    from .sessions import signed_in, targets

    addresses = targets()
    headers_of = {}

    def headers(endpoint):
        key = (endpoint.persona, endpoint.token)
        if key not in headers_of:
            if endpoint.persona is None:
                headers_of[key] = {}
            elif endpoint.token:
                _, token = ApiToken.issue(user=User.objects.get(email=PERSONAS[endpoint.persona]), name="banc d’essai")
                headers_of[key] = {"Authorization": f"Token {token}"}
            else:
                client = signed_in(User.objects.get(email=PERSONAS[endpoint.persona]))
                cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
                headers_of[key] = {"Cookie": f"{settings.SESSION_COOKIE_NAME}={cookie}"}
        return headers_of[key]

    results = []
    for endpoint in ENDPOINTS:
        if keys and endpoint.key not in keys:
            continue
        url = endpoint.url(addresses)
        sent = headers(endpoint)
        client = Client(headers={"host": "127.0.0.1", **sent})
        client.get(url)  # the first request fills per-process caches (content types, templates)
        with CaptureQueriesContext(connection) as queries:
            response = client.get(url)
        body = response.content.decode()
        if response.status_code != 200 or endpoint.expect not in body:
            sys.exit(f"{endpoint.key} ({url}) : réponse {response.status_code} sans « {endpoint.expect} » — arrêt du banc d’essai.")
        results.append(
            {
                "key": endpoint.key,
                "label": endpoint.label,
                "url": url,
                "headers": sent,
                "queries": len(queries),
                "bytes": len(response.content),
            }
        )
    with open(output, "w", encoding="utf-8") as file:
        json.dump(results, file, ensure_ascii=False, indent=1)


if __name__ == "__main__":
    main(sys.argv[1], set(sys.argv[2:]))
