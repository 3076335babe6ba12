"""What happens to a request for help: received, qualified, assigned or claimed, under way, done (fully or in part),
given back, returned to the queue when nobody acts in time, cancelled. Each step is a row of its trace.

A claim and an assignment are one conditional UPDATE on a request still to fill: of two volunteers taking the same
request at the same instant, exactly one gets it (SECURITY.md 26).
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Count, F, Prefetch, Q
from django.utils import timezone

from mobilisation.territories.models import Commune

from .enums import HELD_REQUEST_STATES, OPEN_REQUEST_STATES, HelpKind, RequestAction, RequestSource, RequestState, Urgency
from .models import ACT_WITHIN, GRACE_AFTER_WINDOW, AidRequest, AidRequestEvent, Volunteer
from .notifications import tell_organisation, tell_requester, tell_volunteer_of_mission

TAKEN = "Une autre personne vient de prendre cette demande : elle n’est plus à pourvoir."
GONE = "Cette demande n’est plus la vôtre (rendue, revenue dans la file ou annulée) : rien n’a été enregistré."


def _trace(request, action, *, by=None, volunteer=None, note="", at=None):
    AidRequestEvent.objects.create(request=request, action=action, by=by, volunteer=volunteer, note=note[:200], at=at or timezone.now())


@transaction.atomic
def receive(*, data, commune, source, by=None, followup_person=None, followup_campaign=None, now=None):
    """A new request (portal, an agent, the hotline, a veille call): waits for its qualification."""
    now = now or timezone.now()
    request = AidRequest.objects.create(
        commune=commune,
        source=source,
        created_by=by,
        followup_person=followup_person,
        followup_campaign=followup_campaign,
        consent_at=now,
        created_at=now,
        **data,
    )
    _trace(request, RequestAction.CREATED, by=by, at=now)
    return request


def _locked(request, *states):
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if states and request.state not in states:
        raise ValidationError(f"Cette demande est désormais « {request.get_state_display().lower()} » : rien n’a été modifié.")
    return request


@transaction.atomic
def qualify(*, request, organisation, by, urgency, wanted_from, wanted_until, periods, details):
    """The organisation (or CCAS) takes the request on, its window checked with the person: now to fill."""
    request = _locked(request, RequestState.NEW, RequestState.QUALIFIED)
    request.organisation = organisation
    request.urgency = urgency
    request.wanted_from, request.wanted_until, request.periods = wanted_from, wanted_until, periods
    request.details = details
    request.state = RequestState.QUALIFIED
    request.save()
    _trace(request, RequestAction.QUALIFIED, by=by, note=organisation.name)
    return request


def _hold(request, volunteer, *, now):
    """The conditional update that gives a request to fill to `volunteer`: 1 if it did, 0 if someone was first."""
    return AidRequest.objects.filter(pk=request.pk, state=RequestState.QUALIFIED, volunteer__isnull=True).update(
        state=RequestState.ASSIGNED,
        volunteer=volunteer,
        assigned_at=now,
        act_by=now + ACT_WITHIN[request.urgency],
        updated_at=now,
    )


@transaction.atomic
def assign(*, request, volunteer, by, now=None):
    """The organisation gives the request to one of its available volunteers; the volunteer is told (no name)."""
    now = now or timezone.now()
    if not Volunteer.objects.available().filter(pk=volunteer.pk, organisation=request.organisation_id).exists():
        raise ValidationError("Ce bénévole n’est pas disponible dans l’organisation qui traite la demande.")
    if not _hold(request, volunteer, now=now):
        raise ValidationError(TAKEN)
    _trace(request, RequestAction.ASSIGNED, by=by, volunteer=volunteer, at=now)
    tell_volunteer_of_mission(volunteer, request)


@transaction.atomic
def claim(*, request, volunteer, now=None):
    """A volunteer takes a request of their zone themselves: exactly one claim wins."""
    now = now or timezone.now()
    if not Volunteer.objects.available().filter(pk=volunteer.pk).exists():
        raise ValidationError("Vous êtes en pause : levez votre pause pour prendre une demande.")
    if not AidRequest.objects.claimable_by(volunteer).filter(pk=request.pk).exists():
        raise ValidationError(TAKEN)
    if not _hold(request, volunteer, now=now):
        raise ValidationError(TAKEN)
    _trace(request, RequestAction.CLAIMED, by=volunteer.user, volunteer=volunteer, at=now)


def _held(request, volunteer):
    request = AidRequest.objects.select_for_update().get(pk=request.pk)
    if request.volunteer_id != volunteer.pk or request.state not in HELD_REQUEST_STATES:
        raise ValidationError(GONE)
    return request


@transaction.atomic
def start(*, request, volunteer, now=None):
    request = _held(request, volunteer)
    if request.state == RequestState.ASSIGNED:
        request.state = RequestState.UNDER_WAY
        request.started_at = now or timezone.now()
        request.save()
        _trace(request, RequestAction.STARTED, by=volunteer.user, volunteer=volunteer, at=request.started_at)
    return request


@transaction.atomic
def deliver(*, request, volunteer, fulfilment, note, done_at, now=None):
    """The volunteer confirms what was done and when: the request is done (fully or in part), the requester told."""
    request = _held(request, volunteer)
    now = now or timezone.now()
    if done_at > now + datetime.timedelta(minutes=5):
        raise ValidationError("L’heure de réalisation est dans le futur : indiquez quand l’aide a été apportée.")
    request.state = RequestState.DONE
    request.fulfilment = fulfilment
    request.delivery_note = note
    request.done_at = done_at
    request.started_at = request.started_at or done_at
    request.save()
    _trace(request, RequestAction.DONE, by=volunteer.user, volunteer=volunteer, note=request.get_fulfilment_display(), at=now)
    tell_requester(request)
    return request


@transaction.atomic
def release(*, request, volunteer, reason=""):
    """The volunteer cannot do it after all: back to the queue, the organisation told."""
    request = _held(request, volunteer)
    _back_to_queue(request)
    _trace(request, RequestAction.RELEASED, by=volunteer.user, volunteer=volunteer, note=reason)
    tell_organisation(request, "released")


def _back_to_queue(request):
    request.state = RequestState.QUALIFIED
    request.volunteer = None
    request.assigned_at = request.act_by = request.started_at = None
    request.save()


@transaction.atomic
def cancel(*, request, by, reason):
    request = _locked(request, RequestState.NEW, RequestState.QUALIFIED, *HELD_REQUEST_STATES)
    volunteer = request.volunteer
    request.state = RequestState.CANCELLED
    request.volunteer = None
    request.save()
    _trace(request, RequestAction.CANCELLED, by=by, volunteer=volunteer, note=reason)


def return_stale(now=None):
    """Requests whose volunteer did not start in time, or did not finish by the end of the window, go back to the
    queue; their organisation is told. Returns how many."""
    now = now or timezone.now()
    stale = AidRequest.objects.filter(
        Q(state=RequestState.ASSIGNED, act_by__lt=now) | Q(state=RequestState.UNDER_WAY, wanted_until__lt=(now - GRACE_AFTER_WINDOW).date())
    )
    returned = 0
    for pk in stale.values_list("pk", flat=True):
        with transaction.atomic():
            request = AidRequest.objects.select_for_update().filter(pk=pk).first()
            # Checked again under the lock: the volunteer may have acted since the list was read.
            if request is None or not stale.filter(pk=pk).exists():
                continue
            volunteer = request.volunteer
            _back_to_queue(request)
            _trace(request, RequestAction.TIMED_OUT, volunteer=volunteer, at=now)
            tell_organisation(request, "timed_out")
            returned += 1
    return returned


def suggestions(request, limit=8):
    """The available volunteers of the request's organisation who could do it, best first, each with why:
    same commune or a neighbouring one (from the boundaries), the help asked among their skills, free in the window,
    their current load."""
    if request.organisation_id is None:
        return []
    commune = request.commune
    neighbours = set(commune.neighbours.values_list("insee_code", flat=True))
    candidates = (
        Volunteer.objects.available()
        .filter(organisation=request.organisation_id)
        .filter(Q(communes=commune.pk) | Q(communes__in=neighbours))
        .distinct()
        .annotate(
            load=Count("aid_requests", filter=Q(aid_requests__state__in=HELD_REQUEST_STATES), distinct=True),
            skill=F("skills").bitand(Volunteer.skill_bit(request.kind)),
            free=F("slots").bitand(request.window_slots),
        )
        .select_related("home_commune")
        .only("pk", "first_name", "last_name", "skills", "slots", "home_commune__name")  # no phone to parse
        .prefetch_related(Prefetch("communes", queryset=Commune.objects.only("insee_code")))
    )
    rows = []
    for volunteer in candidates[:200]:
        codes = {c.pk for c in volunteer.communes.all()}
        same = commune.pk in codes
        reasons = ["agit dans la commune" if same else "agit dans une commune voisine"]
        score = 3 if same else 1
        if volunteer.skill:
            score += 2
            reasons.append(f"propose : {request.get_kind_display().lower()}")
        if volunteer.free:
            score += 2
            reasons.append("disponible sur la période")
        score -= volunteer.load
        reasons.append(
            f"{volunteer.load} mission{'s' if volunteer.load > 1 else ''} en cours" if volunteer.load else "aucune mission en cours"
        )
        rows.append((score, volunteer, reasons))
    rows.sort(key=lambda row: (-row[0], row[1].last_name, row[1].pk))
    return [(volunteer, reasons) for _, volunteer, reasons in rows[:limit]]


# The hand-off from the veille (followup.services.open_help_request): a call found needs.

VEILLE_KINDS = {"courses": HelpKind.SHOPPING, "medicaments": HelpKind.MEDICINE, "repas": HelpKind.MEALS, "visite": HelpKind.SOCIAL_CONTACT}
# Care and psychological support are for the CCAS to arrange, and a health word must not reach an association: such
# a need becomes « autre aide » with this neutral text, the CCAS reading the call's outcome on the person's record.
TO_SEE_WITH_THE_PERSON = "Besoin signalé lors d’un appel : à préciser avec la personne."


def from_veille(*, person, campaign, needs, by, now=None):
    """One request per need a veille call (or visit) found, with the person's contact, for the CCAS of the register:
    new, seen by its social services only until they hand it to an organisation (who never learns it came from the
    register). Returns the requests."""
    now = now or timezone.now()
    today = timezone.localdate(now)
    kinds = list(dict.fromkeys(VEILLE_KINDS.get(need, HelpKind.OTHER) for need in needs)) or [HelpKind.OTHER]
    requests = []
    for kind in kinds:
        data = {
            "kind": kind,
            "details": TO_SEE_WITH_THE_PERSON if kind == HelpKind.OTHER else "",
            "urgency": Urgency.SOON,
            "wanted_from": today,
            "wanted_until": today + datetime.timedelta(days=2),
            "first_name": person.first_name,
            "last_name": person.last_name,
            "phone": person.phone or person.phone_2 or "",
            "address": " ".join(part for part in (person.address, person.address_complement) if part)[:200],
        }
        requests.append(
            receive(
                data=data,
                commune=person.commune,
                source=RequestSource.FOLLOWUP,
                by=by,
                followup_person=person,
                followup_campaign=campaign,
                now=now,
            )
        )
    return requests


def erase_for_person(person):
    """A person removed from the register, or objecting: their requests lose every personal field (copies of the
    register's), the open ones are cancelled (followup.services.register._erase; replayed on a restored backup)."""
    requests = AidRequest.objects.filter(followup_person=person)
    for request in requests.filter(state__in=OPEN_REQUEST_STATES):
        _trace(request, RequestAction.CANCELLED, note="personne radiée du registre ou opposée à l’inscription")
    requests.filter(state__in=OPEN_REQUEST_STATES).update(state=RequestState.CANCELLED, volunteer=None)
    requests.update(**PERSONAL_FIELDS, delivery_note="")


def release_all(volunteer, *, reason):
    """A volunteer leaves (or is removed): what they held goes back to the queue, each organisation told."""
    for request in AidRequest.objects.held_by(volunteer):
        release(request=request, volunteer=volunteer, reason=reason)


# Requests closed this long ago keep what the figures count (aid, commune, dates, outcome), not who was helped.
KEEP_CONTACT_AFTER_CLOSING = datetime.timedelta(days=90)
PERSONAL_FIELDS = {"first_name": "", "last_name": "", "phone": "", "address": "", "email": "", "requester_name": "", "details": ""}


def erase_closed(now=None):
    """The contact of the people helped, erased from requests done or cancelled KEEP_CONTACT_AFTER_CLOSING ago
    (tasks.erase_closed_requests, daily). Returns how many requests were emptied."""
    limit = (now or timezone.now()) - KEEP_CONTACT_AFTER_CLOSING
    closed = AidRequest.objects.filter(
        Q(state=RequestState.DONE, done_at__lt=limit) | Q(state=RequestState.CANCELLED, updated_at__lt=limit)
    ).exclude(first_name="", last_name="", address="")
    return closed.update(**PERSONAL_FIELDS)
