"""SITE_URL: every link sent by e-mail points to the configured site, never to the request's host or to port 8000."""

import re
import subprocess

import pytest
from django.core import mail
from django.test import Client

from mobilisation.catalogue.models import Mobilisation
from mobilisation.plans import services

from .security.helpers import ROOT, run_django

pytestmark = pytest.mark.django_db

SITE = "https://exemple.gouv.fr"
URL = re.compile(r"[a-z][a-z0-9+.-]*://[^\s>»]+", re.IGNORECASE)


def links(message):
    return URL.findall(message.body)


def test_the_password_reset_email_links_to_site_url_whatever_the_host_header(settings, coordinator_dinan):
    settings.SITE_URL = SITE
    settings.ALLOWED_HOSTS = ["testserver", "autre-hote.example"]
    client = Client(HTTP_HOST="autre-hote.example")  # a Host header the attacker chose (password-reset poisoning)
    assert client.post("/compte/mot-de-passe/oubli/", {"email": coordinator_dinan.email}).status_code == 302
    (message,) = mail.outbox
    (link,) = links(message)
    assert link.startswith(f"{SITE}/compte/mot-de-passe/nouveau/")
    assert "autre-hote" not in message.body and "testserver" not in message.body and "127.0.0.1" not in message.body
    assert Client().get(link.removeprefix(SITE), follow=True).status_code == 200  # the link opens the form


def test_plan_notifications_link_to_site_url(settings, cls_dinan, coordinator_dinan, delegation_22):
    settings.SITE_URL = SITE + "/"  # a trailing slash does not double the slash of the paths
    covid = Mobilisation.objects.get(slug="covid19-2020")
    plan = services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)
    action, _ = services.adopt_action_model(plan=plan, action_model=covid.action_models.order_by("pk").first(), by=coordinator_dinan)
    mail.outbox.clear()
    services.post_message(plan=plan, body="Point d’étape", by=coordinator_dinan)
    funding = services.request_funding(
        action=action,
        funding_line=covid.resources.funding_lines().first(),
        amount=1000,
        justification="Animation",
        cofunding="",
        by=coordinator_dinan,
    )
    sent = [link for message in mail.outbox for link in links(message)]
    assert sent == [f"{SITE}{plan.get_absolute_url()}#echanges", f"{SITE}{funding.get_absolute_url()}"]


PRODUCTION = {
    "DJANGO_SETTINGS_MODULE": "config.settings.production",
    "SECRET_KEY": "s" * 64,
    "ALLOWED_HOSTS": "mobilisation-cls.example",
    "FIELD_ENCRYPTION_KEYS": "cHJvZHVjdGlvbi1jaGVjay1maWVsZC1rZXktMzJieXQ=",
    "DATABASE_URL": "sqlite:////tmp/mobilisation-site-url.sqlite3",
    "CACHE_URL": "redis://127.0.0.1:6379/1",
}


@pytest.mark.parametrize(
    ("site_url", "message"),
    [
        (None, "SITE_URL doit être défini en production"),
        ("http://mobilisation-cls.example", "SITE_URL doit être l’adresse publique du site en https (par exemple"),
        ("https://mobilisation-cls.example/plans/", "SITE_URL ne doit contenir que l’origine du site"),
        ("https://autre.example", "L’hôte de SITE_URL (autre.example) doit figurer dans ALLOWED_HOSTS."),
    ],
    ids=["unset", "http", "with-a-path", "another-host"],
)
def test_production_refuses_to_start_without_an_https_site_url(site_url, message):
    run = run_django(["manage.py", "check"], **{**PRODUCTION, "SITE_URL": site_url})
    assert run.returncode != 0 and message in run.stderr, run.stderr[-500:]


def test_production_accepts_its_https_site_url():
    run = run_django(
        ["-c", "import django; django.setup(); from django.conf import settings; print(settings.SITE_URL)"],
        **{**PRODUCTION, "SITE_URL": "https://mobilisation-cls.example/"},
    )
    assert run.returncode == 0 and run.stdout.strip() == "https://mobilisation-cls.example", run.stderr


def test_make_run_gives_runserver_the_site_url_of_its_port():
    # `make -n` prints the commands without running them.
    dry_run = subprocess.run(["make", "-n", "run", "PORT=8123"], cwd=ROOT, capture_output=True, text=True, check=True)  # noqa: S607
    assert "SITE_URL=http://127.0.0.1:8123 .venv/bin/python manage.py runserver 127.0.0.1:8123" in dry_run.stdout
    # The worker beside it builds the links of the e-mails it sends: it gets the same address.
    assert "SITE_URL=http://127.0.0.1:8123 .venv/bin/python manage.py db_worker" in dry_run.stdout
