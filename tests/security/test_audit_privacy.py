"""SECURITY.md 20: an error in a view that received personal data leaves it out of the log line, the error report
e-mail and the technical error page; SECURITY.md 21 and 23: GET requests write nothing but access-log events."""

import logging
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils.log import AdminEmailHandler

from mobilisation.accounts.enums import Role

from .helpers import data_writes
from .test_privacy import Emitted

pytestmark = pytest.mark.django_db

POSTED = {
    "first_name": "Jeanne",
    "last_name": "Dupont",
    "email": "jeanne.dupont@exemple.fr",
    "phone": "0612345678",
    "role": Role.PARTNER_MEMBER,
}
PERSONAL = ["Dupont", "0612345678", "jeanne.dupont"]


def fails_in_the_view(client):
    client.raise_request_exception = False
    error = RuntimeError("refused: Jeanne Dupont, 0612345678, jeanne.dupont@exemple.fr")
    with mock.patch("mobilisation.accounts.views.people.InvitationForm", side_effect=error):
        return client.post(reverse("people:invite") + "?q=Dupont", POSTED)


def assert_private(text):
    for value in PERSONAL:
        assert value not in text, value


def test_the_log_line_of_a_failing_view_holds_no_posted_value(login, coordinator_dinan):
    emitted = Emitted()
    logger = logging.getLogger("django.request")
    logger.addHandler(emitted)
    try:
        response = fails_in_the_view(login(coordinator_dinan))
    finally:
        logger.removeHandler(emitted)
    assert response.status_code == 500
    assert "Internal Server Error: /personnes/inviter/" in emitted.text and "RuntimeError" in emitted.text
    assert_private(emitted.text)


def test_the_error_report_email_masks_post_values_locals_query_and_message(login, coordinator_dinan, settings):
    settings.ADMINS = [("Exploitation", "exploitation@exemple.fr")]
    handler = AdminEmailHandler(include_html=True)
    handler.setLevel(logging.ERROR)
    logger = logging.getLogger("django.request")
    logger.addHandler(handler)
    try:
        response = fails_in_the_view(login(coordinator_dinan))
    finally:
        logger.removeHandler(handler)
    assert response.status_code == 500 and len(mail.outbox) == 1
    report = mail.outbox[0]
    html = report.alternatives[0][0] if report.alternatives else ""
    assert "last_name" in report.body and "phone" in report.body  # the names of the fields stay, to debug
    assert "RuntimeError" in report.body and "people.py" in report.body  # and where it failed
    assert_private(report.subject + report.body + html)


def test_the_technical_error_page_of_debug_masks_them_too(login, coordinator_dinan, settings):
    settings.DEBUG = True
    response = fails_in_the_view(login(coordinator_dinan))
    assert response.status_code == 500 and "RuntimeError" in response.content.decode()
    assert_private(response.content.decode())


@pytest.mark.parametrize("persona", ["manager_dinan", "coordinator_dinan"])
def test_get_requests_write_nothing_but_access_log_events(login, request, persona):
    """The one write a GET may make is an event of the access log (SECURITY.md 21): the journal and its export,
    the people list and its export."""
    user = request.getfixturevalue(persona)
    client = login(user)
    urls = ["/journal/", "/journal/?format=csv", "/personnes/", "/personnes/?format=ods", "/espace/"]
    with CaptureQueriesContext(connection) as queries:
        statuses = {url: client.get(url).status_code for url in urls}
    assert 200 in statuses.values()
    writes = data_writes(queries, bookkeeping=("django_session",))
    assert all(sql.startswith("INSERT INTO") and "audit_auditevent" in sql for sql in writes), writes
