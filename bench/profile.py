"""Where a page spends its time: pyinstrument over repeated requests, on a database left by `make bench`.

python -m bench.profile region --database sqlite --scale 10 --repeat 20
Prints the call tree (time spent per function) and writes it as HTML under var/bench/.
"""

import argparse
import os
import sys

from .endpoints import ENDPOINTS
from .run import WORK, Bench, Database, collect_static


def main(argv=None):
    keys = [endpoint.key for endpoint in ENDPOINTS]
    parser = argparse.ArgumentParser(description="Profil d’une page du banc d’essai (pyinstrument).")
    parser.add_argument("endpoint", choices=keys)
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=20, help="requêtes profilées")
    parser.add_argument("--all", action="store_true", help="toutes les fonctions, celles de Django comprises")
    parser.add_argument("--sql", action="store_true", help="la durée de chaque requête SQL d’un appel, au lieu du profil")
    args = parser.parse_args(argv)
    database = Database(args.database, args.scale)
    environment = Bench(duration=0, warmup=0, connections=0, workers=0, smoke=False).env(database, production=True)
    collect_static(environment)
    os.environ.update(environment)

    import django

    django.setup()
    from django.test import Client
    from pyinstrument import Profiler

    from mobilisation.accounts.models import User

    from .dataset.accounts import PERSONAS
    from .sessions import signed_in, targets

    endpoint = next(e for e in ENDPOINTS if e.key == args.endpoint)
    if not User.objects.filter(email=PERSONAS["coordinator"]).exists():
        sys.exit(f"Pas de jeu de données dans {database.url} : lancez d’abord make bench (ou bench.run avec cette base et cette échelle).")
    client = signed_in(User.objects.get(email=PERSONAS[endpoint.persona])) if endpoint.persona else Client()
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    url = endpoint.url(targets())
    if endpoint.token:
        from mobilisation.accounts.models import ApiToken

        _, key = ApiToken.issue(user=User.objects.get(email=PERSONAS[endpoint.persona]), name="profil")
        client = Client(headers={"host": "127.0.0.1", "authorization": f"Token {key}"})
    assert client.get(url).status_code == 200
    if args.sql:
        return print_queries(client, url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.repeat):
            client.get(url)
    print(profiler.output_text(unicode=True, color=False, show_all=args.all))
    html = WORK / f"profil-{args.endpoint}-{args.database}-s{args.scale:g}.html"
    html.write_text(profiler.output_html(), encoding="utf-8")
    print(f"Profil HTML : {html}")


def print_queries(client, url):
    """Each SQL query of one request with its duration, the slowest first (where the database spends the page)."""
    import time

    from django.db import connection

    timed = []

    def timer(execute, sql, params, many, context):
        start = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            timed.append((time.perf_counter() - start, sql))

    with connection.execute_wrapper(timer):
        client.get(url)
    print(f"{len(timed)} requêtes SQL, {sum(t for t, _ in timed) * 1000:.1f} ms en tout :")
    for duration, sql in sorted(timed, reverse=True):
        print(f"{duration * 1000:8.2f} ms  {sql[:600]}")


if __name__ == "__main__":
    main()
