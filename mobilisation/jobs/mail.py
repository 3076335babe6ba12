"""E-mails sent by a background task: the message waits in OutgoingEmail, the task's argument is its id."""

from django.conf import settings
from django.core.mail import send_mail

from .effects import once
from .models import OutgoingEmail
from .registry import reliable_task


def send_later(*, recipients, subject, body):
    """Queue a plain-text e-mail to `recipients`; sent once (its key: the message's id), retried if the server refuses."""
    emails = sorted({email for email in recipients if email})
    if not emails:
        return None
    message = OutgoingEmail.objects.create(recipients=emails, subject=subject[:300], body=body)
    return send_email.enqueue(str(message.public_id))


@reliable_task(label="Envoi d’un courriel de notification", max_attempts=6)
def send_email(public_id):
    message = OutgoingEmail.objects.filter(public_id=public_id).first()
    if message is None:  # sent and deleted by a previous run
        return
    with once(f"email:{public_id}", task="send_email") as first:
        if first:
            send_mail(message.subject, message.body, settings.DEFAULT_FROM_EMAIL, message.recipients)
        message.delete()
