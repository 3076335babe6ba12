"""What the social services and the volunteer callers have to do next, for their home page (reads only)."""

from django.db.models import Count, Q
from django.utils import timezone

from .enums import EscalationReason
from .models import Campaign, ContactTask, Escalation, Person, register_scope


def social_services_home(user):
    """Counts of the user's registers: acknowledgements owed, calls waiting, escalations, help requests."""
    if not any(register_scope(user)):
        return None
    today = timezone.localdate()
    people = Person.objects.visible_to(user)
    registered = people.registered().aggregate(
        total=Count("pk"),
        due=Count("pk", filter=Q(acknowledged_at__isnull=True)),
        late=Count("pk", filter=Q(acknowledged_at__isnull=True, acknowledgement_due__lt=today)),
    )
    escalations = (
        Escalation.objects.visible_to(user)
        .open()
        .aggregate(total=Count("pk"), distress=Count("pk", filter=Q(reason=EscalationReason.DISTRESS)))
    )
    return {
        "registered": registered["total"],
        "acknowledgements_due": registered["due"],
        "acknowledgements_late": registered["late"],
        "running": Campaign.objects.visible_to(user).running().count(),
        "calls_waiting": ContactTask.objects.visible_to(user).claimable().count(),
        "escalations": escalations["total"],
        "distress": escalations["distress"],
        "help_requests": new_aid_requests(user),
    }


def caller_home(user):
    """For a volunteer caller: the running campaigns they call for, and how many calls wait."""
    if any(register_scope(user)):
        return None
    campaigns = Campaign.objects.visible_to(user).running()
    if not campaigns.exists():
        return None
    return {"campaigns": campaigns.count(), "calls_waiting": ContactTask.objects.visible_to(user).claimable().count()}


def new_aid_requests(user):
    """The requests for help waiting for the CCAS's qualification (those from its veille among them)."""
    from mobilisation.mutualaid.enums import RequestState
    from mobilisation.mutualaid.models import AidRequest

    return AidRequest.objects.visible_to(user).filter(state=RequestState.NEW).count()
