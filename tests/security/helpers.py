"""Helpers of the security tests: Django started in a subprocess with other settings or environment."""

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def run_django(args, **env):
    """Run `python <args>` from the project root with `env` added to the environment (None removes a variable)."""
    # The browser tests' conftest sets DJANGO_ALLOW_ASYNC_UNSAFE in this process (Playwright keeps an event loop in
    # the test thread); a Django started as in production must not inherit it (`check --deploy` rejects it).
    inherited = {name: value for name, value in os.environ.items() if name != "DJANGO_ALLOW_ASYNC_UNSAFE"}
    full_env = {name: value for name, value in {**inherited, **env}.items() if value is not None}
    # The arguments are the test's own, never outside input.
    return subprocess.run([sys.executable, *args], cwd=ROOT, env=full_env, capture_output=True, text=True, timeout=120)  # noqa: S603


def setting_values(expression, **env):
    """The printed value of `expression` (over `settings`) once Django is set up with `env`."""
    code = f"import django; django.setup(); from django.conf import settings; print({expression})"
    return run_django(["-c", code], **env)


WRITE_STATEMENTS = ("INSERT", "UPDATE", "DELETE", "REPLACE")
# Bookkeeping that is not the user's data: the session row of a logged-in client, django-axes' record of a login.
BOOKKEEPING_TABLES = ("django_session", "axes_")


def data_writes(queries, bookkeeping=BOOKKEEPING_TABLES):
    """SQL statements of a CaptureQueriesContext that write application data (not the `bookkeeping` tables)."""
    writes = []
    for query in queries:
        sql = query["sql"].lstrip()
        if sql.upper().startswith(WRITE_STATEMENTS) and not any(f'"{table}' in sql or f" {table}" in sql for table in bookkeeping):
            writes.append(sql)
    return writes


def csv_rows(response):
    """The rows of a CSV download (UTF-8 with BOM, « ; » separated), header first."""
    assert response.status_code == 200, response.status_code
    return list(csv.reader(io.StringIO(response.content.decode("utf-8-sig"), newline=""), delimiter=";"))
