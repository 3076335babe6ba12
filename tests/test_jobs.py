"""Background work (SECURITY.md 27): retries with backoff, the failure report, idempotent effects, periodic tasks."""

import datetime
import smtplib
from unittest import mock

import pytest
from django.core import mail
from django.core.management import call_command
from django.urls import reverse
from django.utils import timezone

from mobilisation.jobs import services
from mobilisation.jobs.effects import once
from mobilisation.jobs.enums import JobState
from mobilisation.jobs.models import Effect, Job, OutgoingEmail
from mobilisation.jobs.registry import PERIODIC, TASKS, periodic, reliable_task

from .utils import page_text

pytestmark = pytest.mark.django_db

EMAIL = "morgane.le-gall@exemple.fr"
PHONE = "06 12 34 56 78"
NAME = "Morgane Le Gall"

calls = []


@reliable_task(label="Tâche d’essai qui échoue", max_attempts=3, backoff=datetime.timedelta(seconds=10))
def always_failing(number):
    calls.append(number)
    raise smtplib.SMTPRecipientsRefused({EMAIL: (550, f"<{EMAIL}> {PHONE} unknown".encode())})


@reliable_task(label="Tâche d’essai qui envoie un courriel")
def mail_once(key):
    with once(f"test:{key}") as first:
        if first:
            mail.send_mail("Essai", "Corps", "ne-pas-repondre@exemple.fr", ["x@exemple.fr"])


@reliable_task(label="Tâche d’essai qui note son avancement puis échoue", max_attempts=1)
def failing_after_a_write(key):
    Effect.objects.create(key=f"avancement:{key}")
    raise RuntimeError("panne")


@reliable_task(label="Tâche d’essai sans transaction", max_attempts=1, atomic=False)
def failing_after_a_kept_write(key):
    Effect.objects.create(key=f"avancement:{key}")
    raise RuntimeError("panne")


def test_an_attempt_is_one_transaction_unless_the_task_says_otherwise():
    """A task's writes go with its failure; one declared atomic=False (an import showing its progress) keeps them."""
    assert failing_after_a_write.enqueue("a").state == JobState.FAILED
    assert failing_after_a_kept_write.enqueue("b").state == JobState.FAILED
    assert list(Effect.objects.filter(key__startswith="avancement:").values_list("key", flat=True)) == ["avancement:b"]


@pytest.fixture(autouse=True)
def forget_calls():
    calls.clear()


def make_due(job):
    Job.objects.filter(pk=job.pk).update(run_after=timezone.now() - datetime.timedelta(seconds=1))


def test_a_failing_task_is_retried_with_growing_delays_then_failed():
    before = timezone.now()
    job = always_failing.enqueue(7)
    assert job.state == JobState.WAITING and job.attempts == 1 and calls == [7]
    first_delay = job.run_after - before
    assert datetime.timedelta(seconds=9) < first_delay <= datetime.timedelta(seconds=11)
    assert services.enqueue_due() == 0  # not due yet: nothing runs
    make_due(job)
    assert services.enqueue_due() == 1
    job.refresh_from_db()
    assert job.attempts == 2 and job.state == JobState.WAITING
    assert datetime.timedelta(seconds=19) < job.run_after - timezone.now() <= datetime.timedelta(seconds=20)  # doubled
    make_due(job)
    services.enqueue_due()
    job.refresh_from_db()
    assert job.attempts == 3 and job.state == JobState.FAILED and job.finished_at is not None
    assert calls == [7, 7, 7]
    assert job.error_class == "smtplib.SMTPRecipientsRefused"
    make_due(job)
    assert services.enqueue_due() == 0  # a failed job is never run again by itself


def test_the_delay_doubles_up_to_its_cap():
    task = reliable_task(label="x", backoff=datetime.timedelta(seconds=30), backoff_cap=datetime.timedelta(minutes=5))(lambda: None)
    assert [task.delay(n).total_seconds() for n in range(1, 7)] == [30, 60, 120, 240, 300, 300]


def test_stored_errors_and_logs_hold_no_personal_data(caplog):
    job = always_failing.enqueue(7)
    stored = f"{job.args} {job.error_class} {job.error_message}"
    assert EMAIL not in stored and PHONE not in stored and "550" in job.error_message
    assert EMAIL not in caplog.text and PHONE not in caplog.text and "SMTPRecipientsRefused" in caplog.text


@pytest.mark.parametrize(
    "message",
    [
        f"duplicate key value violates unique constraint\nDETAIL:  Key (email)=({EMAIL}) already exists.",
        f"Personne « {NAME} » introuvable",
        f"'{NAME}' n’a pas de téléphone {PHONE}",
        f"Key (name)=({NAME}) already exists",
    ],
)
def test_scrubbing_removes_addresses_phones_and_quoted_values(message):
    scrubbed = services.scrub(message)
    assert EMAIL not in scrubbed and PHONE not in scrubbed and NAME not in scrubbed


@pytest.mark.parametrize("bad", [EMAIL, NAME, {"name": NAME}, 1.5, ["a"]])
def test_task_arguments_are_ids_never_personal_data(bad):
    with pytest.raises(TypeError):
        mail_once.enqueue(bad)
    assert not Job.objects.exists()


def test_an_effect_is_done_once_however_often_its_task_runs():
    mail_once.enqueue("a")
    mail_once.enqueue("a")  # a doubled task: same effect key
    assert len(mail.outbox) == 1 and Effect.objects.filter(key="test:a").count() == 1
    mail_once.enqueue("b")
    assert len(mail.outbox) == 2


def test_a_failed_effect_leaves_no_key_so_its_retry_does_it():
    with mock.patch("django.core.mail.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        job = mail_once.enqueue("c")
    assert job.state == JobState.WAITING and not Effect.objects.filter(key="test:c").exists() and mail.outbox == []
    make_due(job)
    services.enqueue_due()
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and len(mail.outbox) == 1


def test_a_job_delivered_twice_runs_once():
    job = mail_once.enqueue("d")
    services.run_attempt(job.pk)  # a second delivery of the same message
    job.refresh_from_db()
    assert job.attempts == 1 and len(mail.outbox) == 1


def test_a_notification_is_sent_once_and_not_kept():
    from mobilisation.jobs import mail as jobs_mail

    job = jobs_mail.send_later(recipients=["b@exemple.fr", "a@exemple.fr", "a@exemple.fr", ""], subject="Objet", body="Texte")
    assert job.state == JobState.SUCCEEDED and not OutgoingEmail.objects.exists()
    [message] = mail.outbox
    assert message.to == ["a@exemple.fr", "b@exemple.fr"] and message.subject == "Objet"
    Job.objects.filter(pk=job.pk).update(state=JobState.WAITING)
    services.run_attempt(job.pk)  # run again: the message is gone and its key recorded, nothing leaves
    assert len(mail.outbox) == 1
    assert jobs_mail.send_later(recipients=[""], subject="Objet", body="Texte") is None


def test_a_refused_notification_is_retried_then_sent_once():
    from mobilisation.jobs import mail as jobs_mail

    with mock.patch("mobilisation.jobs.mail.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        job = jobs_mail.send_later(recipients=["a@exemple.fr"], subject="Objet", body="Texte")
    assert job.state == JobState.WAITING and OutgoingEmail.objects.count() == 1
    make_due(job)
    services.enqueue_due()
    assert len(mail.outbox) == 1 and not OutgoingEmail.objects.exists()


def test_a_superseded_invitation_is_not_sent(login, coordinator_dinan, cls_dinan):
    from mobilisation.accounts.models import User

    from .test_invitations import invite

    with mock.patch("mobilisation.accounts.tasks.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        invite(login(coordinator_dinan), cls_dinan)
    [first] = Job.objects.filter(task="mobilisation.accounts.tasks.send_invitation")
    person = User.objects.get(email=EMAIL)
    login(coordinator_dinan).post(reverse("people:resend", args=[person.public_id]))
    assert len(mail.outbox) == 1
    make_due(first)
    services.enqueue_due()  # the first invitation's retry: its link would be dead, it is not sent
    first.refresh_from_db()
    assert first.state == JobState.SUCCEEDED and len(mail.outbox) == 1


# Periodic tasks


def test_periodic_tasks_are_enqueued_once_per_period():
    name = "mobilisation.jobs.tasks.clear_expired_sessions"
    assert PERIODIC[name] == datetime.timedelta(days=1)
    noon = datetime.datetime(2026, 11, 3, 12, 0, tzinfo=datetime.UTC)
    assert name in services.enqueue_periodic(noon)[0]
    assert name not in services.enqueue_periodic(noon + datetime.timedelta(hours=11))[0]  # same day
    assert name in services.enqueue_periodic(noon + datetime.timedelta(hours=13))[0]  # the next day
    assert Job.objects.filter(task=name, state=JobState.SUCCEEDED).count() == 2


def test_the_command_enqueues_and_says_so(capsys):
    call_command("enqueue_periodic")
    assert capsys.readouterr().out.count("Tâche périodique mise en file") == len(PERIODIC)
    call_command("enqueue_periodic")  # the same minute: every period is still the same
    assert capsys.readouterr().out.count("Tâche périodique mise en file") == 0


def test_registering_a_periodic_task_is_one_line():
    try:
        periodic(every=datetime.timedelta(hours=1))(mail_once)
        assert PERIODIC[mail_once.name] == datetime.timedelta(hours=1)
    finally:
        PERIODIC.pop(mail_once.name)


def test_the_session_purge_deletes_expired_sessions():
    from django.contrib.sessions.models import Session

    Session.objects.create(session_key="x" * 32, session_data="", expire_date=timezone.now() - datetime.timedelta(days=1))
    TASKS["mobilisation.jobs.tasks.clear_expired_sessions"].enqueue()
    assert not Session.objects.filter(session_key="x" * 32).exists()


# The page « Tâches de fond »


def test_the_region_sees_counts_and_failed_jobs_and_relaunches(login, ars_region):
    failed = always_failing.enqueue(3)
    Job.objects.filter(pk=failed.pk).update(state=JobState.FAILED, finished_at=timezone.now())
    mail_once.enqueue("e")
    client = login(ars_region)
    page = page_text(client.get(reverse("jobs:index")))
    assert "Tâches de fond" in page and "Tâche d’essai qui échoue" in page and "smtplib.SMTPRecipientsRefused" in page
    assert "1 tâche en échec" in page and "1 sur 3" in page and "Relancer" in page
    assert EMAIL not in page and PHONE not in page
    response = client.post(reverse("jobs:relaunch", args=[failed.public_id]))
    assert response.status_code == 302
    failed.refresh_from_db()
    assert failed.attempts == 1 and failed.state == JobState.WAITING  # a fresh round: its first attempt failed again
    assert "est relancée" in page_text(client.get(response["Location"]))


def test_relaunching_keeps_effects_done(login, ars_region):
    job = mail_once.enqueue("f")
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    login(ars_region).post(reverse("jobs:relaunch", args=[job.public_id]))
    job.refresh_from_db()
    assert job.state == JobState.SUCCEEDED and len(mail.outbox) == 1


def test_the_page_is_the_regions_only(login, ars_region, delegation_22, coordinator_dinan, resource_pole, client):
    job = always_failing.enqueue(1)
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    for user in [delegation_22, coordinator_dinan, resource_pole]:
        assert login(user).get(reverse("jobs:index")).status_code == 404
        assert login(user).post(reverse("jobs:relaunch", args=[job.public_id])).status_code == 404
    assert client.get(reverse("jobs:index"))["Location"].startswith("/compte/connexion/")
    job.refresh_from_db()
    assert job.state == JobState.FAILED and job.attempts == 1


def test_bad_input_never_breaks_the_page(login, ars_region):
    client = login(ars_region)
    assert client.get(reverse("jobs:relaunch", args=["00000000-0000-0000-0000-000000000000"])).status_code == 405  # GET never writes
    assert client.post(reverse("jobs:relaunch", args=["00000000-0000-0000-0000-000000000000"])).status_code == 404
    assert client.post("/taches/pas-un-uuid/relancer/").status_code == 404
    assert client.post("/taches/%00/relancer/").status_code == 404
    done = mail_once.enqueue("g")
    response = client.post(reverse("jobs:relaunch", args=[done.public_id]))
    assert "rien à relancer" in page_text(client.get(response["Location"]))
    Job.objects.create(task="un.module.disparu", args=[], state=JobState.FAILED, error_class="x", error_message="<script>alert(1)</script>")
    response = client.get(reverse("jobs:index") + "?page=%00")
    assert response.status_code == 200 and "Tâche inconnue (un.module.disparu)" in page_text(response)
    assert "<script>alert(1)</script>" not in response.content.decode()


def test_the_region_home_lists_failed_jobs(login, ars_region, delegation_22):
    job = always_failing.enqueue(1)
    Job.objects.filter(pk=job.pk).update(state=JobState.FAILED)
    assert "1 tâche de fond en échec" in page_text(login(ars_region).get(reverse("portal:dashboard")))
    assert "tâche de fond en échec" not in page_text(login(delegation_22).get(reverse("portal:dashboard")))


def test_the_person_page_says_when_the_invitation_could_not_leave(login, coordinator_dinan, cls_dinan):
    from mobilisation.accounts.models import User

    from .test_invitations import invite

    client = login(coordinator_dinan)
    with mock.patch("mobilisation.accounts.tasks.send_mail", side_effect=smtplib.SMTPServerDisconnected("gone")):
        invite(client, cls_dinan)
    person = User.objects.get(email=EMAIL)
    assert "il est réessayé de lui-même" in page_text(client.get(person.get_absolute_url()))
    Job.objects.filter(task="mobilisation.accounts.tasks.send_invitation").update(state=JobState.FAILED)
    assert "malgré plusieurs tentatives : renvoyez l’invitation" in page_text(client.get(person.get_absolute_url()))
    client.post(reverse("people:resend", args=[person.public_id]))
    page = page_text(client.get(person.get_absolute_url()))
    assert len(mail.outbox) == 1 and "n’a pas pu partir" not in page and "n’a pas encore pu partir" not in page
