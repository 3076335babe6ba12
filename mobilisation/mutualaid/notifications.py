"""The e-mails of mutual aid, queued through jobs.mail (sent by the worker, once, retried if the server refuses)."""

import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.site import absolute_url
from mobilisation.jobs.effects import once
from mobilisation.jobs.mail import send_later

from .models import Volunteer

SUBJECTS = {
    "received": "Votre inscription comme bénévole est bien reçue",
    "already": "Votre inscription comme bénévole est déjà enregistrée",
    "refused": "Votre inscription comme bénévole",
}
REMIND_AFTER = datetime.timedelta(days=3)


def tell_volunteer(volunteer, template):
    """ "received", "already" or "refused": the message to the address of the sign-up."""
    context = {"volunteer": volunteer, "help_url": absolute_url(reverse("portal:help_commune", args=[volunteer.home_commune_id]))}
    body = render_to_string(f"mutualaid/email/{template}.txt", context)
    return send_later(recipients=[volunteer.email], subject=SUBJECTS[template], body=body)


def remind_pending(now=None):
    """One e-mail a day to each validator who sees sign-ups waiting for more than REMIND_AFTER (no name in it)."""
    from mobilisation.accounts.models import Membership, User

    now = now or timezone.now()
    waiting = Volunteer.objects.pending().filter(signed_up_at__lt=now - REMIND_AFTER)
    communes = waiting.values("communes")
    if not waiting.exists():
        return 0
    memberships = Membership.objects.active().filter(
        Q(role=Role.PARTNER_MEMBER, organisation__communes__in=communes)
        | Q(role__in=SOCIAL_SERVICES_ROLES, commune__in=communes)
        | Q(role__in=SOCIAL_SERVICES_ROLES, epci__communes__in=communes)
    )
    sent = 0
    for user in User.objects.filter(is_active=True, pk__in=memberships.values("user")).order_by("pk"):
        count = Volunteer.objects.visible_to(user).pending().filter(signed_up_at__lt=now - REMIND_AFTER).count()
        if not count:
            continue
        with once(f"email:volunteers-waiting:{user.pk}:{now.date().isoformat()}", task="remind_pending_sign_ups") as first:
            if first:
                body = render_to_string(
                    "mutualaid/email/waiting.txt",
                    {"count": count, "link": absolute_url(reverse("volunteers:index") + "?etat=a-valider")},
                )
                send_later(
                    recipients=[user.email], subject=f"{count} inscription{'s' if count > 1 else ''} de bénévole en attente", body=body
                )
                sent += 1
    return sent
