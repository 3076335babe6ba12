"""What happens to a volunteer: sign-up, validation or refusal, availability, pause, departure."""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models.functions import Lower
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership
from mobilisation.accounts.services import add_membership

from .enums import VolunteerState
from .help_requests import release_all
from .models import Volunteer, attachable_organisations
from .notifications import tell_volunteer

ALREADY_DECIDED = "Cette inscription a déjà reçu une réponse : rien n’a été modifié."
# A second sign-up from the same address within this delay is the same form sent twice: nothing more is done.
DOUBLE_SUBMIT = datetime.timedelta(minutes=30)
# Refused sign-ups and departed volunteers are erased after this delay (purge_closed, a daily task).
KEPT_AFTER_CLOSING = datetime.timedelta(days=30)


def sign_up(*, commune, data, now=None):
    """Stores a public sign-up and acknowledges it by e-mail. An address with a sign-up in progress gets an e-mail
    saying so and nothing is stored: the page says the same either way, so that it tells nobody who signed up."""
    now = now or timezone.now()
    email = data["email"].strip().lower()
    current = Volunteer.objects.annotate(address=Lower("email")).filter(
        address=email, state__in=[VolunteerState.PENDING, VolunteerState.VALIDATED]
    )
    existing = current.first()
    if existing is None:
        volunteer = Volunteer(
            first_name=data["first_name"].strip(),
            last_name=data["last_name"].strip(),
            email=email,
            phone=data["phone"],
            age_band=data["age_band"],
            home_commune=commune,
            slots=data["slots"],
            languages=sorted(data.get("languages") or []),
            transports=sorted(data.get("transports") or []),
            message=data.get("message", "").strip(),
            preferred_organisation=data.get("preferred_organisation"),
            consent_at=now,
            signed_up_at=now,
        )
        volunteer.skill_list = data["skills"]
        try:
            with transaction.atomic():
                volunteer.save()
                volunteer.communes.set(data["communes"])
        except IntegrityError:  # the same address at the same instant (one_current_volunteer_per_email)
            existing = current.first()
        else:
            tell_volunteer(volunteer, "received")
            return volunteer
    if existing is not None and now - existing.signed_up_at > DOUBLE_SUBMIT:
        tell_volunteer(existing, "already")
    return None


def _locked_pending(volunteer):
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.state != VolunteerState.PENDING:
        raise ValidationError(ALREADY_DECIDED)
    return volunteer


def organisations_for(volunteer, user):
    """The organisations `user` may take `volunteer` into: theirs, serving one of the volunteer's communes."""
    serving = volunteer.communes.values("pk")
    return attachable_organisations(user).filter(communes__in=serving).distinct().order_by("name")


@transaction.atomic
def validate(*, volunteer, organisation, by, now=None):
    """The volunteer joins `organisation`: an account with the volunteer role there (and the invitation e-mail to
    choose a password, or the notice of a new membership for an existing account)."""
    now = now or timezone.now()
    volunteer = _locked_pending(volunteer)
    if not organisations_for(volunteer, by).filter(pk=organisation.pk).exists():
        raise ValidationError("Vous ne pouvez pas accueillir ce bénévole dans cette organisation.")
    invitation = add_membership(
        by=by,
        email=volunteer.email,
        first_name=volunteer.first_name,
        last_name=volunteer.last_name,
        role=Role.VOLUNTEER,
        scope={"organisation": organisation},
    )
    # An account that was a volunteer before (departed, refused) keeps one record: the new one.
    Volunteer.objects.filter(user=invitation.user).exclude(pk=volunteer.pk).update(user=None)
    volunteer.state = VolunteerState.VALIDATED
    volunteer.organisation = organisation
    volunteer.decided_by = by
    volunteer.validated_at = now
    volunteer.user = invitation.user
    volunteer.save()
    return invitation


@transaction.atomic
def refuse(*, volunteer, reason, by, now=None):
    volunteer = _locked_pending(volunteer)
    volunteer.state = VolunteerState.REFUSED
    volunteer.refusal_reason = reason
    volunteer.decided_by = by
    volunteer.refused_at = now or timezone.now()
    volunteer.save()
    tell_volunteer(volunteer, "refused")


def update_availability(*, volunteer, data):
    with transaction.atomic():
        volunteer.skill_list = data["skills"]
        volunteer.slots = data["slots"]
        volunteer.languages = sorted(data.get("languages") or [])
        volunteer.transports = sorted(data.get("transports") or [])
        volunteer.save()
        volunteer.communes.set(data["communes"])


def pause(*, volunteer, until=None, now=None):
    """No new mission is offered while paused; `until` (a date) lifts the pause by itself (lift_pauses, daily)."""
    Volunteer.objects.filter(pk=volunteer.pk, state=VolunteerState.VALIDATED).update(
        paused_since=now or timezone.now(), paused_until=until, updated_at=timezone.now()
    )


def resume(*, volunteer):
    Volunteer.objects.filter(pk=volunteer.pk).update(paused_since=None, paused_until=None, updated_at=timezone.now())


@transaction.atomic
def leave(*, volunteer, now=None):
    """The volunteer stops: their volunteer membership ends (no more calls nor visits offered), their record is
    erased KEPT_AFTER_CLOSING later. The account stays, for its other memberships if any."""
    volunteer = Volunteer.objects.select_for_update().get(pk=volunteer.pk)
    if volunteer.state != VolunteerState.VALIDATED:
        raise ValidationError("Vous avez déjà quitté le dispositif.")
    volunteer.state = VolunteerState.LEFT
    volunteer.left_at = now or timezone.now()
    volunteer.paused_since = volunteer.paused_until = None
    volunteer.save()
    for membership in Membership.objects.filter(user=volunteer.user_id, role=Role.VOLUNTEER, organisation=volunteer.organisation_id):
        membership.is_active = False
        membership._history_user = volunteer.user
        membership._change_reason = "Départ du bénévole"
        membership.save()
    release_all(volunteer, reason="le bénévole a quitté le dispositif")


def lift_pauses(today=None):
    today = today or timezone.localdate()
    return Volunteer.objects.filter(paused_until__lt=today).update(paused_since=None, paused_until=None, updated_at=timezone.now())


def purge_closed(now=None):
    """Erases the sign-ups refused and the volunteers departed KEPT_AFTER_CLOSING ago (what the consent promised)."""
    limit = (now or timezone.now()) - KEPT_AFTER_CLOSING
    refused = Volunteer.objects.filter(state=VolunteerState.REFUSED, refused_at__lt=limit)
    left = Volunteer.objects.filter(state=VolunteerState.LEFT, left_at__lt=limit)
    erased = refused.count() + left.count()
    refused.delete()
    left.delete()
    return erased
