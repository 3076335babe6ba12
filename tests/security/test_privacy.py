"""SECURITY.md 20 and 17: logs hold no personal data; exports neutralise formulas in text users typed."""

import logging
import smtplib
from unittest import mock

import pytest
from django.db import IntegrityError
from django.test import Client
from django.urls import reverse

from mobilisation.directory.models import Organisation
from mobilisation.jobs.models import Job
from mobilisation.plans.models import PlannedAction

from ..test_exports import read_ods, read_xlsx
from ..utils import page_text
from .helpers import csv_rows

pytestmark = pytest.mark.django_db

NAME, PHONE, EMAIL = "Jeanne Kerhervé", "06 12 34 56 78", "jeanne.kerherve@exemple.fr"
PERSONAL = [NAME, "Kerhervé", PHONE, "0612345678", EMAIL, "jeanne.kerherve"]


class Emitted(logging.Handler):
    """Every line the configured console handler would write, formatted by its own formatter."""

    def __init__(self):
        super().__init__()
        self.lines = []
        self.formatter = logging.getLogger("django.request").handlers[0].formatter

    def emit(self, record):
        self.lines.append(self.format(record))

    @property
    def text(self):
        return "\n".join(self.lines)


@pytest.fixture
def emitted_logs():
    handler = Emitted()
    loggers = [logging.getLogger(name) for name in ["", "django.request", "axes", "mobilisation"]]
    for logger in loggers:
        logger.addHandler(handler)
    yield handler
    for logger in loggers:
        logger.removeHandler(handler)


def assert_no_personal_data(text):
    for value in PERSONAL:
        assert value not in text, value


def test_a_server_error_logs_no_personal_data(world, login, coordinator_dinan, emitted_logs):
    client = login(coordinator_dinan)
    client.raise_request_exception = False
    # What PostgreSQL says when a unique value is taken: the database quotes the value.
    error = IntegrityError(f"duplicate key value violates unique constraint\nDETAIL:  Key (email)=({EMAIL}) already exists.")
    with mock.patch("mobilisation.plans.services.post_message", side_effect=error):
        response = client.post(reverse("plans:post_message", args=[world["dinan"].plan.public_id]), {"body": f"{NAME}, {PHONE}, {EMAIL}"})
    assert response.status_code == 500 and "Erreur inattendue" in page_text(response)
    assert_no_personal_data(response.content.decode())
    assert "Internal Server Error" in emitted_logs.text and "IntegrityError" in emitted_logs.text  # the error is logged
    assert "services.py" in emitted_logs.text or "plan.py" in emitted_logs.text  # with where it happened
    assert_no_personal_data(emitted_logs.text)


def test_a_lockout_logs_no_email_nor_address(settings, coordinator_dinan, emitted_logs):
    client = Client(REMOTE_ADDR="203.0.113.77")
    for _ in range(settings.AXES_FAILURE_LIMIT + 1):
        response = client.post("/compte/connexion/", {"username": EMAIL, "password": PHONE})
    assert response.status_code == 429
    assert "Locking out" in emitted_logs.text  # django-axes did log the lockout
    assert_no_personal_data(emitted_logs.text)
    assert "203.0.113.77" not in emitted_logs.text


def test_a_refused_notification_logs_no_recipient(world, login, coordinator_dinan, delegation_22, emitted_logs):
    delegation_22.email = EMAIL
    delegation_22.save()
    refused = smtplib.SMTPRecipientsRefused({EMAIL: (550, f"5.1.1 <{EMAIL}>: user unknown".encode())})
    with mock.patch("mobilisation.jobs.mail.send_mail", side_effect=refused):
        response = login(coordinator_dinan).post(
            reverse("plans:post_message", args=[world["dinan"].plan.public_id]), {"body": "Pouvez-vous relire ?"}
        )
    assert response.status_code == 302 and world["dinan"].plan.messages.filter(body="Pouvez-vous relire ?").exists()
    assert "attempt 1 failed" in emitted_logs.text and "SMTPRecipientsRefused" in emitted_logs.text
    assert_no_personal_data(emitted_logs.text)
    # The job's stored error, shown to the ARS region, names the class and a message without the address.
    job = Job.objects.get(task="mobilisation.jobs.mail.send_email")
    assert job.error_class == "smtplib.SMTPRecipientsRefused" and job.attempts == 1
    assert_no_personal_data(f"{job.args} {job.error_message}")


# 17. Text users typed, exported: a cell never starts a formula.

FORMULAS = ['=HYPERLINK("http://pirate.example","x")', "+33 2 96 00 00 00", "-1+1", "@SUM(A1)"]


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_user_text_is_neutralised_in_every_export_format(world, login, coordinator_dinan, fmt):
    side = world["dinan"]
    Organisation.objects.filter(pk=side.organisation.pk).update(name=FORMULAS[0], phone=FORMULAS[1], website="")
    PlannedAction.objects.filter(pk=side.action.pk).update(title=FORMULAS[3])
    client = login(coordinator_dinan)
    exports = [client.get(reverse("directory:index"), {"format": fmt}), client.get(side.plan.get_absolute_url(), {"format": fmt})]
    if fmt == "csv":
        cells = [cell for response in exports for row in csv_rows(response) for cell in row]
    elif fmt == "xlsx":
        cells = [str(cell.value) for response in exports for row in read_xlsx(response) for cell in row if cell.value is not None]
    else:
        cells = [str(value) for response in exports for row in read_ods(response) for _, value in row]
    for formula in [FORMULAS[0], FORMULAS[1], FORMULAS[3]]:
        assert "'" + formula in cells, (fmt, formula)
        assert formula not in cells, (fmt, formula)
