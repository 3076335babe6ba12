"""The benchmark: the app served as in production, loaded by wrk, on SQLite and PostgreSQL, at several scales.

python -m bench.run                         # make bench: both databases, scales 1 and 10, every endpoint and measure
python -m bench.run --only personnes,api --databases postgresql --scales 10 --profile   # a focused run, minutes
python -m bench.run --smoke                 # CI: scale 0.1, 1 s per endpoint, results kept out of bench/results

For each database and scale: the run's own copy of the kept "Bretagne en crise" dataset (bench.datasets: written
once per version of the generator, the migrations and the reference data), then gunicorn with the production
settings (DEBUG off, WhiteNoise serving the collected static files, the Redis cache when Redis answers) and, for each
endpoint of bench/endpoints.py, wrk with the session or token of the right persona. The floor is /healthz on the same
server, measured first and last: each page's cost is also given as a multiple of it. Only a complete run writes
bench/results/latest.md; a focused one writes under var/bench/.
"""

import argparse
import base64
import json
import os
import secrets
import shutil
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

from . import datasets, machine, report
from .endpoints import FLOOR, MEASURES, select

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
LIMITS = ("RATE_LIMIT_LOGIN", "RATE_LIMIT_PASSWORD_RESET", "RATE_LIMIT_SEARCH", "API_THROTTLE_ANON", "API_THROTTLE_USER")
SEED = 2020
FULL_SCALES = [1.0, 10.0]
DATABASES = ["sqlite", "postgresql"]


def say(message):
    from tqdm import tqdm

    tqdm.write(message, file=sys.stdout)
    sys.stdout.flush()


# The static files the finders see (path, size, time of change), hashed: collectstatic post-processes some 7,000 files
# (hashed names, gzip and brotli) in 90 s, which a run skips when none changed since the last collect.
STATIC_STAMP = """
import hashlib, os, django
django.setup()
from django.contrib.staticfiles import finders
digest = hashlib.sha256()
for finder in finders.get_finders():
    for path, storage in finder.list([]):
        info = os.stat(storage.path(path))
        digest.update(f"{path}\\0{info.st_size}\\0{info.st_mtime_ns}\\n".encode())
print(digest.hexdigest())
"""


def collect_static(env):
    """Production pages link static files through the manifest that collectstatic writes (once per change of them)."""
    stamp = ROOT / "staticfiles" / ".collected"
    key = run([PYTHON, "-c", STATIC_STAMP], env).strip()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == key:
        return
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)
    stamp.write_text(key, encoding="utf-8")


def run(command, env, **kwargs):
    """Run a step; on failure show its output and stop."""
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"Échec de l’étape : {' '.join(map(str, command))}")
    return result.stdout


def scale_name(scale):
    return datasets.scale_name(scale)


class Database:
    """The run's own database at a scale: a SQLite file under var/bench, or a PostgreSQL database of its own, copied
    from the kept dataset (and left after the run for bench.profile)."""

    def __init__(self, vendor, scale):
        self.vendor, self.scale = vendor, scale
        self.name = f"mobilisation_bench_s{scale_name(scale)}"

    @property
    def path(self):
        return WORK / (self.name + ".sqlite3")

    @property
    def url(self):
        if self.vendor == "sqlite":
            return f"sqlite:///{self.path}"
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def store(self):
        return datasets.SqliteStore() if self.vendor == "sqlite" else datasets.PostgresStore(PG_ADMIN_URL)

    @property
    def target(self):
        return self.path if self.vendor == "sqlite" else self.name


class Progress:
    """Where the run stands, one line per step done (tqdm's bar beside them in a terminal): step, page, how many
    left, time so far and an estimate of what remains. Lines only when the output is a log file."""

    def __init__(self, total):
        from tqdm import tqdm

        self.total, self.done, self.started = total, 0, time.monotonic()
        self.bar = tqdm(total=total, unit="point", file=sys.stderr, disable=not sys.stderr.isatty(), leave=False, dynamic_ncols=True)

    def elapsed(self):
        from tqdm import tqdm

        return tqdm.format_interval(time.monotonic() - self.started)

    def doing(self, what):
        self.bar.set_description_str(what[:40])

    def step(self, line, weight=1):
        from tqdm import tqdm

        self.done += weight
        self.bar.update(weight)
        left = self.total - self.done
        rate = (time.monotonic() - self.started) / self.done if self.done else 0
        estimate = f", reste ≈ {tqdm.format_interval(rate * left)}" if left else ""
        say(f"[{self.done}/{self.total} · {self.elapsed()}{estimate}] {line}")

    def close(self):
        self.bar.close()


def redis_available():
    try:
        host, port = REDIS_URL.split("//", 1)[1].split("/", 1)[0].split(":")
        with socket.create_connection((host, int(port)), timeout=1) as connection:
            connection.sendall(b"PING\r\n")
            return connection.recv(16).startswith(b"+PONG")
    except (OSError, ValueError):
        return False


def free_port():
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Bench:
    def __init__(self, *, duration, warmup, connections, workers, smoke, fresh=False, seed=SEED, import_scale=None, import_rows=10_000):
        self.duration, self.warmup, self.connections, self.workers, self.smoke = duration, warmup, connections, workers, smoke
        self.fresh, self.seed = fresh, seed
        self.import_scale, self.import_rows = import_scale, import_rows  # the import: once per database, at this scale
        self.secret = secrets.token_urlsafe(64)
        self.field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        self.cache = REDIS_URL if redis_available() else ""
        self.progress = None

    def env(self, database, production=False, url=None):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if url or database is not None:
            env["DATABASE_URL"] = url or database.url
        env.pop("DJANGO_SETTINGS_MODULE", None)
        if production:
            env.update(
                DJANGO_SETTINGS_MODULE="config.settings.production",
                SECRET_KEY=self.secret,
                FIELD_ENCRYPTION_KEYS=self.field_key,
                ALLOWED_HOSTS="127.0.0.1,localhost",
                SITE_URL="https://localhost",  # production settings require an https address for e-mail links
                SECURE_SSL_REDIRECT="0",  # plain HTTP on loopback; TLS is the reverse proxy's
                CACHE_URL=self.cache,
                # Without Redis the processes share no cache: pages are then rendered at every request.
                **({} if self.cache else {"PAGE_CACHE_SECONDS": "0"}),
                **dict.fromkeys(LIMITS, "100000000/m"),  # the limits are checked on every request, never reached
            )
        else:
            env.update(DJANGO_SETTINGS_MODULE="config.settings.dev", DEBUG="0", DEMO="1")
        return env

    def write_dataset(self, database):
        """Fill an empty database at `url`: migrations, reference data, the generator; returns its tally."""

        def write(url):
            env = self.env(None, url=url)
            say(f"  Écriture du jeu de données ({report.DATABASES[database.vendor]}, échelle {database.scale:g}) : migrations…")
            run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
            for command in ("load_territories", "load_statistics", "load_cls", "load_catalogue"):
                run([PYTHON, "manage.py", command, "-v0"], env)
            counts = WORK / "dataset.json"
            command = [PYTHON, "-m", "bench.generate", "--scale", str(database.scale), "--seed", str(self.seed), "--report", str(counts)]
            if subprocess.run(command, env=env, cwd=ROOT, check=False).returncode:  # noqa: S603 (its steps printed as they go)
                sys.exit(f"Échec de l’étape : {' '.join(command)}")
            return json.loads(counts.read_text(encoding="utf-8"))

        return write

    def prepare(self, database):
        """The run's database, a copy of the kept dataset (written first if it is missing, or with --fresh)."""
        self.progress.doing(f"jeu de données s{database.scale:g}")
        _url, prepared = datasets.prepare(
            database.store(),
            scale=database.scale,
            seed=self.seed,
            target=database.target,
            fresh=self.fresh,
            write=self.write_dataset(database),
        )
        how = "réutilisé, copié" if prepared.reused else "écrit puis copié"
        self.progress.step(
            f"Jeu de données {prepared.key} ({report.DATABASES[database.vendor]}, échelle {database.scale:g}, "
            f"{report.number(prepared.info['rows'])} lignes) : {how} en {prepared.seconds:.1f} s"
        )
        return prepared.as_dict()

    def serve(self, database):
        port = free_port()
        command = [
            str(Path(PYTHON).parent / "gunicorn"),
            "--config=config/gunicorn.conf.py",  # as in production: request limits, French error pages
            "config.wsgi:application",
            f"--workers={self.workers}",
            f"--bind=127.0.0.1:{port}",
            "--log-level=warning",
        ]
        server = subprocess.Popen(command, env=self.env(database, production=True), cwd=ROOT)  # noqa: S603
        for _ in range(150):
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as answer:  # noqa: S310
                    if answer.status == 200:
                        return server, f"http://127.0.0.1:{port}"
            except OSError:
                time.sleep(0.2)
        server.kill()
        sys.exit("gunicorn ne répond pas sur /healthz.")

    def wrk(self, url, headers, duration):
        command = ["wrk", "-t1", f"-c{self.connections}", f"-d{duration}s", "--timeout", "10s", "-s", str(ROOT / "bench/wrk/report.lua")]
        for name, value in headers.items():
            command += ["-H", f"{name}: {value}"]
        output = subprocess.run([*command, url], capture_output=True, text=True, check=True).stdout  # noqa: S603
        return json.loads(output.strip().splitlines()[-1])

    def load(self, base, endpoint):
        """One endpoint under load: wrk's warm-up, then its measure."""
        url = base + endpoint["url"]
        self.progress.doing(endpoint["key"])
        if self.warmup:
            self.wrk(url, endpoint["headers"], self.warmup)
        load = self.wrk(url, endpoint["headers"], self.duration)
        seconds = load["duration_us"] / 1e6
        errors = sum(load["errors"].values())
        if not load["requests"]:
            sys.exit(f"{endpoint['key']} : aucune réponse en {self.duration} s sous charge.")
        row = {
            "key": endpoint["key"],
            "label": endpoint["label"],
            "queries": endpoint["queries"],
            "kbytes": round(endpoint["bytes"] / 1024, 1),
            "rps": round(load["requests"] / seconds, 1),
            "p50_ms": load["p50_us"] / 1000,
            "p95_ms": load["p95_us"] / 1000,
            "p99_ms": load["p99_us"] / 1000,
            "requests": load["requests"],
            "errors": errors,
        }
        self.progress.step(report.progress_line(row))
        if errors:  # reported and flagged in the tables; the run goes on (a smoke run fails at its end)
            say(f"  ⚠ {endpoint['key']} : {errors} réponses en erreur ou hors délai sous charge ({load['errors']}).")
        return row

    def measure(self, database, endpoints, measures, profile=False):
        say(f"\n== {report.DATABASES[database.vendor]}, échelle {database.scale:g} ==")
        dataset = self.prepare(database)
        probe = WORK / "probe.json"
        self.progress.doing("vérification des pages")
        run([PYTHON, "-m", "bench.probe", str(probe), *[e.key for e in endpoints]], self.env(database, production=True))
        probed = json.loads(probe.read_text(encoding="utf-8"))
        server, base = self.serve(database)
        results = []
        try:
            for endpoint in probed:
                results.append(self.load(base, endpoint))
            floor_end = self.load(base, {**probed[0], "label": report.FLOOR_END_LABEL})  # the floor again: did the machine drift?
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        calls = hotline_calls = None
        seconds = str(max(self.duration, 2))
        if "ecritures" in measures and database.vendor == "postgresql":  # concurrent writers: SQLite serialises them
            self.progress.doing("appels de la veille")
            output = WORK / "calls.json"
            say(
                run(
                    [PYTHON, "-m", "bench.calls", str(output), "--callers", "8", "--seconds", seconds], self.env(database, production=True)
                ).rstrip()
            )
            calls = json.loads(output.read_text(encoding="utf-8"))
            self.progress.step(f"Appels de la veille : {report.number(calls['calls_per_second'], 1)} appels/s")
            self.progress.doing("appels du numéro vert")
            output = WORK / "hotline_calls.json"
            command = [PYTHON, "-m", "bench.hotline_calls", str(output), "--operators", "8", "--seconds", seconds]
            say(run(command, self.env(database, production=True)).rstrip())
            hotline_calls = json.loads(output.read_text(encoding="utf-8"))
            self.progress.step(f"Appels du numéro vert : {report.number(hotline_calls['calls_per_second'], 1)} appels/s")
        imported = None
        if "import" in measures and database.scale == self.import_scale:  # once per database
            self.progress.doing("import du registre")
            output = WORK / "imports.json"
            say(
                run(
                    [PYTHON, "-m", "bench.imports", str(output), "--rows", str(self.import_rows)], self.env(database, production=True)
                ).rstrip()
            )
            imported = json.loads(output.read_text(encoding="utf-8"))
            self.progress.step(
                f"Import de {report.number(self.import_rows)} lignes : × {report.number(imported['ratio'], 1)} django-import-export"
            )
        if profile:
            self.progress.doing("profils")
            keys = [e.key for e in endpoints if e.key != FLOOR.key]
            command = [PYTHON, "-m", "bench.profile", ",".join(keys), "--database", database.vendor, "--scale", str(database.scale)]
            say(run([*command, "--no-static", "--top", "25"], self.env(database, production=True)).rstrip())
            self.progress.step(f"Profils de {len(keys)} point(s) écrits dans {WORK}")
        return {
            "database": database.vendor,
            "scale": database.scale,
            "dataset": dataset,
            "endpoints": results,
            "floor_end": floor_end,
            "calls": calls,
            "hotline_calls": hotline_calls,
            "imports": imported,
        }


def steps(databases, scales, endpoints, measures, import_scale, profile):
    """How many steps the progress counts: per database and scale, the dataset, each endpoint, the floor again, the
    writers, the import, the profiles."""
    total = 0
    for vendor in databases:
        for scale in scales:
            total += 1 + len(endpoints) + 1 + profile
            total += 2 * ("ecritures" in measures and vendor == "postgresql")
            total += "import" in measures and scale == import_scale
    return total


def parse(argv=None):
    parser = argparse.ArgumentParser(description="Banc d’essai de Mobilisation CLS (wrk contre gunicorn, SQLite et PostgreSQL).")
    parser.add_argument("--scales", type=float, nargs="+", default=FULL_SCALES)
    parser.add_argument("--databases", nargs="+", choices=DATABASES, default=DATABASES)
    parser.add_argument(
        "--only",
        action="append",
        default=[],
        help="points de mesure ou groupes, séparés par des virgules (ex. personnes,api ou ops) ; mesures : " + ", ".join(MEASURES),
    )
    parser.add_argument("--profile", action="store_true", help="après la charge, le profil pyinstrument de chaque page choisie")
    parser.add_argument("--fresh", action="store_true", help="réécrire le jeu de données même s’il est gardé")
    parser.add_argument("--seed", type=int, default=SEED, help="graine du jeu de données")
    parser.add_argument("--duration", type=int, default=5, help="secondes de charge par point de mesure")
    parser.add_argument("--warmup", type=int, default=1, help="secondes de chauffe avant chaque mesure")
    parser.add_argument("--connections", type=int, default=8, help="connexions simultanées de wrk")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="processus gunicorn")
    parser.add_argument("--smoke", action="store_true", help="CI : échelle 0,1, 1 s par point, résultats dans var/bench")
    parser.add_argument("--no-import", action="store_true", help="sans la mesure de l’import du registre")
    parser.add_argument("--import-rows", type=int, default=10_000, help="lignes du fichier importé")
    args = parser.parse_args(argv)
    names = [name.strip() for value in args.only for name in value.split(",") if name.strip()]
    try:
        args.endpoints, args.measures = select(names)
    except ValueError as error:
        parser.error(str(error))
    if args.no_import:
        args.measures.discard("import")
    if args.smoke:
        args.scales, args.duration, args.warmup, args.import_rows = [0.1], 1, 0, 1000  # it checks the code, not figures
    args.complete = (
        not names
        and not args.smoke
        and sorted(args.databases) == sorted(DATABASES)
        and sorted(args.scales) == FULL_SCALES
        and set(args.measures) == set(MEASURES)
    )
    return args


def main(argv=None):
    args = parse(argv)
    if shutil.which("wrk") is None:
        sys.exit("wrk est introuvable : installez le paquet Debian « wrk » (make bench le fait en root).")
    if "postgresql" in args.databases:
        import psycopg

        try:
            psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        except psycopg.OperationalError:
            sys.exit(f"PostgreSQL ne répond pas ({PG_ADMIN_URL}) : démarrez-le, donnez BENCH_PG_URL, ou lancez --databases sqlite.")
    WORK.mkdir(parents=True, exist_ok=True)
    import_scale = min(args.scales)
    bench = Bench(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        workers=args.workers,
        smoke=args.smoke,
        fresh=args.fresh,
        seed=args.seed,
        import_scale=import_scale,
        import_rows=args.import_rows,
    )
    described = machine.describe(databases=args.databases, cache=bench.cache)  # before the load: its load average is the machine's own
    total = steps(args.databases, args.scales, args.endpoints, args.measures, import_scale, args.profile)
    bench.progress = Progress(total)
    what = "complet" if args.complete else "ciblé"
    say(
        f"Banc d’essai {what} : {', '.join(report.DATABASES[d] for d in args.databases)} ; échelles "
        f"{', '.join(f'{s:g}' for s in args.scales)} ; {len(args.endpoints)} points de mesure ; {total} étapes."
    )
    say("Collecte des fichiers statiques (réglages de production)…")
    collect_static(bench.env(None, production=True))
    started = time.monotonic()
    try:
        configs = [
            bench.measure(Database(vendor, scale), args.endpoints, args.measures, args.profile)
            for vendor in args.databases
            for scale in args.scales
        ]
    finally:
        bench.progress.close()
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": described,
        "load": {"duration": args.duration, "warmup": args.warmup, "connections": args.connections, "workers": args.workers},
        "complete": args.complete,
        "minutes": round((time.monotonic() - started) / 60, 1),
        "configs": configs,
    }
    text = report.render(result, history=report.load_history() if args.complete else None)
    print("\n" + text)
    if args.complete:
        report.save(result, text)
        say(f"Résultats écrits dans bench/results/latest.md (l’historique dans bench/results/history/), en {result['minutes']} min.")
    else:
        name = "smoke" if args.smoke else "cible-" + time.strftime("%Y%m%dT%H%M%S")
        (WORK / f"{name}.md").write_text(text, encoding="utf-8")
        (WORK / f"{name}.json").write_text(json.dumps(result, ensure_ascii=False, indent=1), encoding="utf-8")
        say(f"Passage ciblé : résultats dans {WORK / name}.md (bench/results inchangé), en {result['minutes']} min.")
    failed = [(c["database"], c["scale"], row["key"]) for c in configs for row in c["endpoints"] if row["errors"]]
    if failed and args.smoke:
        sys.exit(f"Réponses en erreur sous charge : {failed}")


if __name__ == "__main__":
    main()
