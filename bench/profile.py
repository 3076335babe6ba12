"""Where a page spends its time: pyinstrument over repeated requests, on the database a run of bench.run left.

python -m bench.profile people --database postgresql --scale 10 --repeat 20
python -m bench.profile personnes,api --sql          # names and groups as bench.run --only takes them
Prints each page's call tree (time spent per function) and writes it as HTML and text under var/bench/.
"""

import argparse
import os
import sys

from .endpoints import FLOOR, select
from .run import WORK, Bench, Database, collect_static


def main(argv=None):
    parser = argparse.ArgumentParser(description="Profil des pages du banc d’essai (pyinstrument).")
    parser.add_argument("pages", help="points de mesure ou groupes, séparés par des virgules (comme bench.run --only)")
    parser.add_argument("--database", choices=["sqlite", "postgresql"], default="sqlite")
    parser.add_argument("--scale", type=float, default=10)
    parser.add_argument("--repeat", type=int, default=20, help="requêtes profilées")
    parser.add_argument("--all", action="store_true", help="toutes les fonctions, celles de Django comprises")
    parser.add_argument("--sql", action="store_true", help="la durée de chaque requête SQL d’un appel, au lieu du profil")
    parser.add_argument("--top", type=int, default=0, help="n’afficher que les N premières lignes de chaque profil")
    parser.add_argument("--no-static", action="store_true", help="fichiers statiques déjà collectés (appel par bench.run)")
    args = parser.parse_args(argv)
    try:
        endpoints, _measures = select([name.strip() for name in args.pages.split(",") if name.strip()])
    except ValueError as error:
        parser.error(str(error))
    endpoints = [endpoint for endpoint in endpoints if endpoint.key != FLOOR.key] or endpoints
    database = Database(args.database, args.scale)
    if not args.no_static:
        environment = Bench(duration=0, warmup=0, connections=0, workers=0, smoke=False).env(database, production=True)
        collect_static(environment)
        os.environ.update(environment)

    import django

    django.setup()
    from mobilisation.accounts.models import User

    from .dataset.accounts import PERSONAS
    from .sessions import targets

    if not User.objects.filter(email=PERSONAS["coordinator"]).exists():
        sys.exit(f"Pas de jeu de données dans {database.url} : lancez d’abord bench.run avec cette base et cette échelle.")
    addresses = targets()
    for endpoint in endpoints:
        profile(endpoint, addresses, args)


def profile(endpoint, addresses, args):
    from django.test import Client
    from pyinstrument import Profiler

    from mobilisation.accounts.models import ApiToken, User

    from .dataset.accounts import PERSONAS
    from .sessions import signed_in

    client = signed_in(User.objects.get(email=PERSONAS[endpoint.persona])) if endpoint.persona else Client()
    client.defaults["HTTP_HOST"] = "127.0.0.1"
    url = endpoint.url(addresses)
    if endpoint.token:
        _, key = ApiToken.issue(user=User.objects.get(email=PERSONAS[endpoint.persona]), name="profil")
        client = Client(headers={"host": "127.0.0.1", "authorization": f"Token {key}"})
    assert client.get(url).status_code == 200
    print(f"\n### {endpoint.label} ({endpoint.key}, {url})")
    if args.sql:
        return print_queries(client, url)
    profiler = Profiler(interval=0.0005)
    with profiler:
        for _ in range(args.repeat):
            client.get(url)
    text = profiler.output_text(unicode=True, color=False, show_all=args.all)
    name = f"profil-{endpoint.key}-{args.database}-s{args.scale:g}"
    (WORK / f"{name}.txt").write_text(text, encoding="utf-8")
    (WORK / f"{name}.html").write_text(profiler.output_html(), encoding="utf-8")
    print("\n".join(text.splitlines()[: args.top]) if args.top else text)
    print(f"Profil : {WORK / name}.html (et .txt), {args.repeat} requêtes")


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
