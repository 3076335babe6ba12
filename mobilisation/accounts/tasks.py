"""The e-mails to people, sent by background tasks: each renders its message when it runs and is sent once."""

from django.conf import settings
from django.core.mail import send_mail
from django.template.loader import render_to_string
from django.urls import reverse

from mobilisation.core import formats
from mobilisation.core.site import absolute_url
from mobilisation.jobs.effects import once
from mobilisation.jobs.registry import reliable_task

from .models import Membership, User


def _send(template, to, context):
    subject = render_to_string(f"accounts/email/{template}_subject.txt", context).strip()
    body = render_to_string(f"accounts/email/{template}.txt", context)
    send_mail(subject, body, settings.DEFAULT_FROM_EMAIL, [to])


def invited_stamp(user):
    """The invitation's date as a task argument and key part: a re-sent invitation has another one."""
    return repr(user.invited_at.timestamp())


@reliable_task(label="Envoi d’une invitation par courriel")
def send_invitation(user_id, by_id, membership_id, stamp):
    """The invitation e-mail, with a link made now. Superseded (re-sent since, password chosen, account
    deactivated), it is not sent: its link would be dead, or would duplicate the newer invitation's."""
    from .services import invitation_link

    user = User.objects.get(pk=user_id)
    if user.invited_at is None or invited_stamp(user) != stamp or not user.is_active or user.has_usable_password():
        return
    with once(f"email:invitation:{user_id}:{stamp}", task="send_invitation") as first:
        if first:
            context = {
                "person": user,
                "by": User.objects.filter(pk=by_id).first(),
                "membership": Membership.objects.filter(pk=membership_id).first(),
                "link": invitation_link(user),
                "expires": formats.moment(user.invitation_expires_at),
                "login": absolute_url(reverse("accounts:login")),
            }
            _send("invitation", user.email, context)


@reliable_task(label="Envoi d’un avis de nouveau rattachement")
def send_new_membership(user_id, by_id, membership_id, nonce):
    """Tells an account it has a new membership; `nonce` names this notice (a later one has another)."""
    user = User.objects.get(pk=user_id)
    if not user.is_active:
        return
    with once(f"email:new_membership:{membership_id}:{nonce}", task="send_new_membership") as first:
        if first:
            context = {
                "person": user,
                "by": User.objects.filter(pk=by_id).first(),
                "membership": Membership.objects.get(pk=membership_id),
                "login": absolute_url(reverse("accounts:login")),
            }
            _send("new_membership", user.email, context)


def invitation_mail_trouble(user):
    """Why the person's current invitation e-mail has not left: "retrying" (an attempt failed, more to come),
    "failed" (attempts exhausted, on the page « Tâches de fond »), or None."""
    from mobilisation.jobs.enums import JobState
    from mobilisation.jobs.models import Job

    if user.invited_at is None:
        return None
    states = set(
        Job.objects.filter(task=send_invitation.name, args__0=user.pk, args__3=invited_stamp(user))
        .exclude(error_class="")
        .exclude(state=JobState.SUCCEEDED)
        .values_list("state", flat=True)
    )
    if JobState.FAILED in states:
        return "failed"
    return "retrying" if states else None
