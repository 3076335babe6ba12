"""What the benchmark ran on: processor, memory, system and the versions of every component in the path."""

import os
import platform
import sqlite3
import subprocess
from importlib.metadata import version


def first_line(command):
    try:
        result = subprocess.run(command, capture_output=True, text=True, check=False, timeout=10)  # noqa: S603
    except OSError:
        return "absent"
    return (result.stdout or result.stderr).strip().splitlines()[0] if (result.stdout or result.stderr).strip() else "absent"


def cpu_model():
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as cpuinfo:
            for line in cpuinfo:
                if line.startswith("model name"):
                    return line.split(":", 1)[1].strip()
    except OSError:
        pass
    return platform.processor() or "inconnu"


def memory_gib():
    try:
        with open("/proc/meminfo", encoding="utf-8") as meminfo:
            for line in meminfo:
                if line.startswith("MemTotal:"):
                    return round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return None


def postgresql_version():
    from .run import PG_ADMIN_URL

    try:
        import psycopg

        with psycopg.connect(PG_ADMIN_URL, connect_timeout=3) as connection:
            return connection.execute("SHOW server_version").fetchone()[0]
    except Exception:  # noqa: BLE001 (any failure means: not measured on PostgreSQL)
        return "absent"


def describe(*, databases, cache):
    machine = {
        "Processeur": f"{cpu_model()} ({os.cpu_count()} cœurs logiques)",
        "Mémoire": f"{memory_gib()} Gio",
        "Système": platform.platform(),
        "Python": platform.python_version(),
        "Django": version("django"),
        "gunicorn": version("gunicorn"),
        "SQLite": sqlite3.sqlite_version,
        "wrk": first_line(["wrk", "--version"]).split(" Copyright")[0],
        "Cache": f"Redis ({cache})" if cache else "mémoire locale de chaque processus",
        "Charge moyenne au départ (1, 5, 15 min)": " ; ".join(f"{load:.2f}" for load in os.getloadavg()),
    }
    if "postgresql" in databases:
        machine["PostgreSQL"] = postgresql_version()
    return machine
