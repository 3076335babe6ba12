"""The benchmark: the app served as in production, loaded by wrk, on SQLite and PostgreSQL, at several scales.

python -m bench.run                      # make bench: both databases, scales 1 and 10, 10 s per endpoint
python -m bench.run --smoke              # CI: scale 0.1, 1 s per endpoint, results kept out of bench/results

For each database and scale: a fresh database, migrations and reference data, the "Bretagne en crise" dataset,
then gunicorn with the production settings (DEBUG off, WhiteNoise serving the collected static files, the Redis
cache when Redis answers) and, for each endpoint of bench/endpoints.py, wrk with the session or token of the
right persona. The floor is /healthz on the same server: each page's cost is also given as a multiple of it.
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

from . import machine, report

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
WORK = ROOT / "var" / "bench"
PG_ADMIN_URL = os.environ.get("BENCH_PG_URL", "postgres://postgres@127.0.0.1:5432/postgres")
REDIS_URL = os.environ.get("BENCH_CACHE_URL", "redis://127.0.0.1:6379/15")
LIMITS = ("RATE_LIMIT_LOGIN", "RATE_LIMIT_PASSWORD_RESET", "RATE_LIMIT_SEARCH", "API_THROTTLE_ANON", "API_THROTTLE_USER")


def say(message):
    print(message, flush=True)


def collect_static(env):
    """Production pages link static files through the manifest that collectstatic writes."""
    run([PYTHON, "manage.py", "collectstatic", "--noinput", "-v0"], env)


def run(command, env, **kwargs):
    """Run a step; on failure show its output and stop."""
    result = subprocess.run(command, env=env, cwd=ROOT, capture_output=True, text=True, check=False, **kwargs)  # noqa: S603
    if result.returncode != 0:
        sys.stderr.write(result.stdout + result.stderr)
        sys.exit(f"Échec de l’étape : {' '.join(map(str, command))}")
    return result.stdout


def scale_name(scale):
    return f"{scale:g}".replace(".", "_")


class Database:
    """A fresh benchmark database: a SQLite file under var/bench, or a PostgreSQL database of its own."""

    def __init__(self, vendor, scale):
        self.vendor, self.scale = vendor, scale
        self.name = f"mobilisation_bench_s{scale_name(scale)}"

    @property
    def url(self):
        if self.vendor == "sqlite":
            return f"sqlite:///{WORK / (self.name + '.sqlite3')}"
        return PG_ADMIN_URL.rsplit("/", 1)[0] + "/" + self.name

    def recreate(self):
        if self.vendor == "sqlite":
            WORK.mkdir(parents=True, exist_ok=True)
            for suffix in ("", "-wal", "-shm"):
                (WORK / f"{self.name}.sqlite3{suffix}").unlink(missing_ok=True)
            return
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, autocommit=True) as connection:
            connection.execute(f'DROP DATABASE IF EXISTS "{self.name}" WITH (FORCE)')
            connection.execute(f'CREATE DATABASE "{self.name}"')


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
    def __init__(self, *, duration, warmup, connections, workers, smoke, import_scale=None):
        self.duration, self.warmup, self.connections, self.workers, self.smoke = duration, warmup, connections, workers, smoke
        self.import_scale = import_scale  # the scale at which the register import is measured, once per database
        self.secret = secrets.token_urlsafe(64)
        self.field_key = base64.urlsafe_b64encode(secrets.token_bytes(32)).decode()
        self.cache = REDIS_URL if redis_available() else ""

    def env(self, database, production=False):
        env = dict(os.environ, PYTHONPATH=str(ROOT))
        if database is not None:
            env["DATABASE_URL"] = database.url
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

    def prepare(self, database):
        say(f"\n== {report.DATABASES[database.vendor]}, échelle {database.scale:g} ==")
        database.recreate()
        env = self.env(database)
        run([PYTHON, "manage.py", "migrate", "--noinput", "-v0"], env)
        for command in ("load_territories", "load_statistics", "load_cls", "load_catalogue"):
            run([PYTHON, "manage.py", command, "-v0"], env)
        counts = WORK / "dataset.json"
        output = run([PYTHON, "-m", "bench.generate", "--scale", str(database.scale), "--report", str(counts)], env)
        say(output.rstrip())
        return json.loads(counts.read_text(encoding="utf-8"))

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

    def measure(self, database):
        dataset = self.prepare(database)
        probe = WORK / "probe.json"
        run([PYTHON, "-m", "bench.probe", str(probe)], self.env(database, production=True))
        endpoints = json.loads(probe.read_text(encoding="utf-8"))
        server, base = self.serve(database)
        results = []
        try:
            for endpoint in endpoints:
                url = base + endpoint["url"]
                if self.warmup:
                    self.wrk(url, endpoint["headers"], self.warmup)
                load = self.wrk(url, endpoint["headers"], self.duration)
                seconds = load["duration_us"] / 1e6
                errors = sum(load["errors"].values())
                if not load["requests"]:
                    sys.exit(f"{endpoint['key']} : aucune réponse en {self.duration} s sous charge.")
                results.append(
                    {
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
                )
                say(report.progress_line(results[-1]))
                if errors:
                    sys.exit(f"{endpoint['key']} : {errors} réponses en erreur sous charge ({load['errors']}).")
        finally:
            server.send_signal(signal.SIGTERM)
            server.wait(timeout=30)
        calls = hotline_calls = None
        if database.vendor == "postgresql":  # concurrent writers: the production database (SQLite serialises them)
            output = WORK / "calls.json"
            say(
                run(
                    [PYTHON, "-m", "bench.calls", str(output), "--callers", "8", "--seconds", str(max(self.duration, 2))],
                    self.env(database, production=True),
                ).rstrip()
            )
            calls = json.loads(output.read_text(encoding="utf-8"))
            output = WORK / "hotline_calls.json"
            say(
                run(
                    [PYTHON, "-m", "bench.hotline_calls", str(output), "--operators", "8", "--seconds", str(max(self.duration, 2))],
                    self.env(database, production=True),
                ).rstrip()
            )
            hotline_calls = json.loads(output.read_text(encoding="utf-8"))
        imported = None
        if database.scale == self.import_scale:  # once per database: django-import-export takes minutes on 100,000 rows
            output = WORK / "imports.json"
            rows = "1000" if self.smoke else "100000"
            say(run([PYTHON, "-m", "bench.imports", str(output), "--rows", rows], self.env(database, production=True)).rstrip())
            imported = json.loads(output.read_text(encoding="utf-8"))
        return {
            "database": database.vendor,
            "scale": database.scale,
            "dataset": dataset,
            "endpoints": results,
            "calls": calls,
            "hotline_calls": hotline_calls,
            "imports": imported,
        }


def main(argv=None):
    parser = argparse.ArgumentParser(description="Banc d’essai de Mobilisation CLS (wrk contre gunicorn, SQLite et PostgreSQL).")
    parser.add_argument("--scales", type=float, nargs="+", default=[1, 10])
    parser.add_argument("--databases", nargs="+", choices=["sqlite", "postgresql"], default=["sqlite", "postgresql"])
    parser.add_argument("--duration", type=int, default=10, help="secondes de charge par point de mesure")
    parser.add_argument("--warmup", type=int, default=2, help="secondes de chauffe avant chaque mesure")
    parser.add_argument("--connections", type=int, default=8, help="connexions simultanées de wrk")
    parser.add_argument("--workers", type=int, default=2 * (os.cpu_count() or 1), help="processus gunicorn")
    parser.add_argument("--smoke", action="store_true", help="CI : échelle 0,1, 1 s par point, résultats dans var/bench")
    parser.add_argument("--no-import", action="store_true", help="sans la mesure de l’import du registre (plusieurs minutes)")
    args = parser.parse_args(argv)
    if args.smoke:
        args.scales, args.duration, args.warmup = [0.1], 1, 1
    if shutil.which("wrk") is None:
        sys.exit("wrk est introuvable : installez le paquet Debian « wrk » (make bench le fait en root).")
    if "postgresql" in args.databases:
        import psycopg

        try:
            psycopg.connect(PG_ADMIN_URL, connect_timeout=3).close()
        except psycopg.OperationalError:
            sys.exit(f"PostgreSQL ne répond pas ({PG_ADMIN_URL}) : démarrez-le, donnez BENCH_PG_URL, ou lancez --databases sqlite.")
    WORK.mkdir(parents=True, exist_ok=True)
    bench = Bench(
        duration=args.duration,
        warmup=args.warmup,
        connections=args.connections,
        workers=args.workers,
        smoke=args.smoke,
        import_scale=None if args.no_import else min(args.scales),
    )
    described = machine.describe(databases=args.databases, cache=bench.cache)  # before the load: its load average is the machine's own
    say("Collecte des fichiers statiques (réglages de production)…")
    collect_static(bench.env(None, production=True))
    configs = [bench.measure(Database(vendor, scale)) for vendor in args.databases for scale in args.scales]
    result = {
        "date": time.strftime("%Y-%m-%d %H:%M"),
        "machine": described,
        "load": {"duration": args.duration, "warmup": args.warmup, "connections": args.connections, "workers": args.workers},
        "configs": configs,
    }
    text = report.render(result, history=None if args.smoke else report.load_history())
    print("\n" + text)
    if args.smoke:
        (WORK / "smoke.md").write_text(text, encoding="utf-8")
        say(f"(essai court : résultats dans {WORK / 'smoke.md'}, bench/results inchangé)")
    else:
        report.save(result, text)
        say("Résultats écrits dans bench/results/latest.md (l’historique dans bench/results/history/).")


if __name__ == "__main__":
    main()
