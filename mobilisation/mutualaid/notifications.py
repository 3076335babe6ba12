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


def _organisation_recipients(organisation, commune):
    """The members of the organisation; for a CCAS or CIAS, the social services of the commune too."""
    from mobilisation.accounts.models import Membership
    from mobilisation.directory.models import OrganisationKind

    condition = Q(role=Role.PARTNER_MEMBER, organisation=organisation)
    if organisation.kind in (OrganisationKind.CCAS, OrganisationKind.CIAS):
        condition |= Q(role__in=SOCIAL_SERVICES_ROLES, commune=commune.pk) | Q(role__in=SOCIAL_SERVICES_ROLES, epci=commune.epci_id)
    return Membership.objects.active().filter(condition, user__is_active=True).values_list("user__email", flat=True)


ORGANISATION_SUBJECTS = {
    "released": "Une demande d’aide est rendue par son bénévole",
    "timed_out": "Une demande d’aide revient dans la file",
}


def tell_organisation(request, template):
    """A request back in the queue: the organisation that handles it is told (no name: the link leads to it)."""
    if request.organisation_id is None:
        return None
    body = render_to_string(
        f"mutualaid/email/request_{template}.txt", {"request": request, "link": absolute_url(request.get_absolute_url())}
    )
    return send_later(
        recipients=_organisation_recipients(request.organisation, request.commune), subject=ORGANISATION_SUBJECTS[template], body=body
    )


def tell_volunteer_of_mission(volunteer, request):
    body = render_to_string(
        "mutualaid/email/mission.txt", {"request": request, "link": absolute_url(reverse("aid:mission", args=[request.public_id]))}
    )
    return send_later(
        recipients=[volunteer.user.email] if volunteer.user_id else [], subject="Une mission d’entraide vous est confiée", body=body
    )


def tell_requester(request):
    """The help was brought: the requester is told, if they left an address."""
    if not request.email:
        return None
    body = render_to_string("mutualaid/email/request_done.txt", {"request": request})
    return send_later(recipients=[request.email], subject="Votre demande d’aide a été réalisée", body=body)


# Isolation housing.

HOUSING_SUBJECTS = {
    "confirmed": "Votre hébergement d’isolement est confirmé",
    "refused": "Votre demande d’hébergement d’isolement",
}


def tell_housing_organisation(booking):
    """A stay asked from the portal: the organisation offering the place is told (no name: the link leads to it)."""
    place = booking.place
    body = render_to_string("mutualaid/email/housing_requested.txt", {"booking": booking, "link": absolute_url(booking.get_absolute_url())})
    return send_later(
        recipients=_organisation_recipients(place.organisation, place.commune),
        subject="Une demande d’hébergement d’isolement attend votre réponse",
        body=body,
    )


def tell_housing_requester(booking, template):
    """ "confirmed" (with the address) or "refused": to the address the person left, if any."""
    if not booking.email:
        return None
    body = render_to_string(f"mutualaid/email/housing_{template}.txt", {"booking": booking, "place": booking.place})
    return send_later(recipients=[booking.email], subject=HOUSING_SUBJECTS[template], body=body)
