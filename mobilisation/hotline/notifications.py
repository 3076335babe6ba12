"""The hotline's e-mails to the CCAS, queued through jobs.mail (no name in them: the page holds the proposal)."""

import datetime

from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES
from mobilisation.core.site import absolute_url
from mobilisation.jobs.effects import once
from mobilisation.jobs.mail import send_later

from .models import RegistrationProposal


def social_services_emails(commune):
    from mobilisation.accounts.models import Membership

    condition = Q(commune=commune.pk)
    if commune.epci_id:
        condition |= Q(epci=commune.epci_id)
    return list(
        Membership.objects.active()
        .filter(condition, role__in=SOCIAL_SERVICES_ROLES, user__is_active=True)
        .values_list("user__email", flat=True)
        .distinct()
    )


def tell_social_services(proposal):
    """A new proposal: the social services of the person's commune are told that one waits (no name in the e-mail)."""
    recipients = social_services_emails(proposal.commune)
    if not recipients:
        return None
    body = render_to_string("hotline/email/proposal.txt", {"proposal": proposal, "link": absolute_url(reverse("hotline:proposals"))})
    return send_later(recipients=recipients, subject="Une proposition d’inscription au registre vous attend", body=body)


def remind_proposals(now=None):
    """One e-mail a day to the social services of each commune with proposals waiting for more than a day."""
    from mobilisation.territories.models import Commune

    now = now or timezone.now()
    waiting = RegistrationProposal.objects.waiting().filter(created_at__lt=now - datetime.timedelta(days=1))
    sent = 0
    for commune in Commune.objects.filter(pk__in=waiting.values("commune")).order_by("pk"):
        count = waiting.filter(commune=commune).count()
        with once(f"email:proposals-waiting:{commune.pk}:{now.date().isoformat()}", task="remind_waiting_proposals") as first:
            if first and (recipients := social_services_emails(commune)):
                body = render_to_string(
                    "hotline/email/proposals_waiting.txt",
                    {"count": count, "commune": commune, "link": absolute_url(reverse("hotline:proposals"))},
                )
                send_later(recipients=recipients, subject=f"Propositions d’inscription au registre en attente : {count}", body=body)
                sent += 1
    return sent
