"""Every change to people goes through these functions: invitations, memberships, accounts; each checks the grant,
records who and why (Membership.history, AccountEvent) and sends the e-mail."""

import uuid
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from mobilisation.core.site import absolute_url
from mobilisation.jobs.enums import JobState

from . import tasks
from .enums import AccountEventKind
from .models import SCOPE_FIELDS, AccountEvent, ApiToken, Membership, User
from .perms import Grants, touchable
from .tokens import invitation_token

ALREADY_MEMBER = "Cette personne a déjà ce rattachement."
NOT_GRANTED = "Vous ne pouvez pas accorder ce rattachement."
NOT_YOURS = "Ce compte n’est pas de ceux que vous gérez : demandez à la coordination régionale de l’ARS."


@dataclass
class Invitation:
    user: User
    membership: Membership
    new_account: bool
    mailed: bool


def invitation_link(user):
    """The address of the link that lets `user` choose a password (signed, valid 7 days)."""
    return absolute_url(reverse("people:accept_invitation", args=[user.public_id, invitation_token.make_token(user)]))


def on_its_way(job):
    """An e-mail task sent or still to run; False once an attempt failed (it is retried, then reported)."""
    return job.state == JobState.SUCCEEDED or not job.error_class


def mail_invitation(user, *, by, membership):
    """The invitation e-mail with a fresh link (a link sent before is replaced), sent by a background task.

    True if it left or waits for its turn; False if its first attempt failed at once (the immediate backend).
    """
    user.invited_at = timezone.now()
    user.save(update_fields=["invited_at"])
    job = tasks.send_invitation.enqueue(user.pk, by.pk, membership.pk if membership else None, tasks.invited_stamp(user))
    return on_its_way(job)


def _scope(values):
    """A membership's scope fields, every one of them (None for those the role does not take)."""
    return {name: values.get(name) for name in SCOPE_FIELDS}


def _check_grant(by, role, scope):
    if not Grants(by).allows(role, scope):
        raise ValidationError(NOT_GRANTED)


def _record(user, kind, by, reason=""):
    AccountEvent.objects.create(user=user, kind=kind, by=by, reason=reason[:100])


def _save_membership(membership, *, by, reason):
    same = Membership.objects.filter(
        user=membership.user_id, role=membership.role, **{name: getattr(membership, name) for name in SCOPE_FIELDS}
    )
    if same.exclude(pk=membership.pk).exists():  # the constraint says it too, except on SQLite (NULLS NOT DISTINCT)
        raise ValidationError(ALREADY_MEMBER)
    membership._history_user = by
    membership._change_reason = reason[:100]
    try:
        with transaction.atomic():
            membership.save()
    except IntegrityError as error:  # the same role and scope twice (unique_membership)
        raise ValidationError(ALREADY_MEMBER) from error


@transaction.atomic
def invite_person(*, by, email, first_name, last_name, role, scope):
    """Give `email` the membership `role` on `scope`, creating the account if there is none, and tell them.

    A new account has no usable password: the e-mail holds the link to choose one. An existing account gets the
    membership and an e-mail saying so (a new link if it has not chosen a password yet); a deactivated one gets the
    membership and no e-mail, until someone reactivates it. The membership the person already holds is refused; one
    that was deactivated is reactivated.
    """
    _check_grant(by, role, scope)
    return add_membership(by=by, email=email, first_name=first_name, last_name=last_name, role=role, scope=scope)


def add_membership(*, by, email, first_name, last_name, role, scope):
    """invite_person without the people rules (Grants): for a caller that checked its own rule first, such as the
    validation of a volunteer's sign-up by an organisation of their area (mutualaid.services.validate)."""
    email = User.objects.normalize_email(email).lower()
    user = User.objects.select_for_update().filter(email__iexact=email).first()
    new_account = user is None
    if new_account:
        user = User.objects.create_user(email, None, first_name=first_name.strip(), last_name=last_name.strip())
    elif not User.objects.filter(touchable(by), pk=user.pk).exists():
        raise ValidationError(NOT_YOURS)
    membership = Membership.objects.filter(user=user, role=role, **_scope(scope)).first()
    if membership is not None and membership.is_active:
        raise ValidationError(ALREADY_MEMBER)
    if membership is None:
        membership = Membership(user=user, role=role, **_scope(scope))
    membership.is_active = True
    _save_membership(membership, by=by, reason="Invitation")
    if not user.is_active:
        return Invitation(user=user, membership=membership, new_account=False, mailed=False)  # nothing to tell them yet
    if new_account or not user.has_usable_password():
        mailed = mail_invitation(user, by=by, membership=membership)
        _record(user, AccountEventKind.INVITED if new_account else AccountEventKind.REINVITED, by)
    else:
        job = tasks.send_new_membership.enqueue(user.pk, by.pk, membership.pk, uuid.uuid4().hex)
        mailed = on_its_way(job)
        _record(user, AccountEventKind.MEMBERSHIP_ADDED, by)
    return Invitation(user=user, membership=membership, new_account=new_account, mailed=mailed)


@transaction.atomic
def resend_invitation(*, user, by):
    """A new invitation link for an account that has not chosen its password; the previous link stops working."""
    user = User.objects.editable_by(by).select_for_update().get(pk=user.pk)
    if not user.is_active or user.has_usable_password():
        raise ValidationError("Cette personne a déjà choisi son mot de passe ou son compte est désactivé : rien à renvoyer.")
    membership = Membership.objects.filter(user=user).active().with_scope().order_by("-created_at").first()
    mailed = mail_invitation(user, by=by, membership=membership)
    _record(user, AccountEventKind.REINVITED, by)
    return mailed


@transaction.atomic
def accept_invitation(*, user, password):
    """The invited person chooses their password: the link is used up (the password is in its hash)."""
    user.set_password(password)
    user.save(update_fields=["password"])
    _record(user, AccountEventKind.ACCEPTED, user)
    return user


@transaction.atomic
def change_membership(*, membership, by, role, scope, reason):
    """Give a membership another role or scope, both within what `by` grants."""
    membership = Membership.objects.manageable_by(by).select_for_update().get(pk=membership.pk)
    _check_grant(by, role, scope)
    membership.role = role
    for name, value in _scope(scope).items():
        setattr(membership, name, value)
    _save_membership(membership, by=by, reason=reason)
    return membership


@transaction.atomic
def set_membership_active(*, membership, by, active, reason):
    """Deactivate (or reactivate) a membership: the person loses (or regains) its scope at their next request."""
    membership = Membership.objects.manageable_by(by).select_for_update().get(pk=membership.pk)
    if membership.is_active != active:
        membership.is_active = active
        _save_membership(membership, by=by, reason=reason)
    return membership


@transaction.atomic
def set_account_active(*, user, by, active, reason):
    """Deactivate (or reactivate) an account as a whole. Deactivated, it is refused at its next request (session)
    and its API tokens are revoked: a reactivated person creates new ones. Accounts are never deleted."""
    user = User.objects.manageable_by(by).select_for_update().get(pk=user.pk)
    if user.is_active == active:
        return user
    user.is_active = active
    user.save(update_fields=["is_active"])
    if not active:
        ApiToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now(), updated_at=timezone.now())
    _record(user, AccountEventKind.REACTIVATED if active else AccountEventKind.DEACTIVATED, by, reason)
    return user


# The second factor (ADR 007): enrolment, backup codes, reset. Helpers that write nothing are in second_factor.py.


def _new_backup_codes(user):
    """Replace the account's backup codes by 10 new ones (the old ones stop working); returns them, to show once."""
    from django_otp.plugins.otp_static.models import StaticDevice, StaticToken

    from .second_factor import BACKUP_CODES_COUNT

    StaticDevice.objects.filter(user=user).delete()
    device = StaticDevice.objects.create(user=user, name="Codes de secours", confirmed=True)
    codes = [StaticToken.random_token() for _ in range(BACKUP_CODES_COUNT)]
    StaticToken.objects.bulk_create([StaticToken(device=device, token=code) for code in codes])
    return codes


@transaction.atomic
def enrol_second_factor(*, user, key, last_t):
    """Give `user` a confirmed TOTP device on `key` (hex), replacing any previous one, and new backup codes.

    `last_t` is the time step of the code that confirmed it: that code cannot be used again. Returns (device, codes).
    """
    from django_otp.plugins.otp_totp.models import TOTPDevice

    User.objects.select_for_update().get(pk=user.pk)
    TOTPDevice.objects.filter(user=user).delete()
    device = TOTPDevice.objects.create(user=user, key=key, name="Application d’authentification", confirmed=True, last_t=last_t)
    codes = _new_backup_codes(user)
    _record(user, AccountEventKind.SECOND_FACTOR_ENROLLED, user)
    return device, codes


@transaction.atomic
def regenerate_backup_codes(*, user):
    """New backup codes for an account that has an application: the previous codes stop working."""
    User.objects.select_for_update().get(pk=user.pk)
    return _new_backup_codes(user)


@transaction.atomic
def reset_second_factor(*, user, by, reason):
    """A lost phone: remove the person's application and backup codes, within what `by` manages (else DoesNotExist).

    Their sessions stop being verified at once; an account that must use a second factor enrols again at its next page.
    """
    from django_otp import devices_for_user

    user = User.objects.manageable_by(by).select_for_update().get(pk=user.pk)
    for device in list(devices_for_user(user, confirmed=None)):
        device.delete()
    _record(user, AccountEventKind.SECOND_FACTOR_RESET, by, reason)
    return user
