"""What every plans service shares: the plan's history line, e-mail notifications and their recipients."""

import logging

from django.conf import settings
from django.core.mail import send_mail

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import User
from mobilisation.core import page_cache

from ..models import PlanEvent

logger = logging.getLogger(__name__)


def record(plan, by, description, *, team_only=False):
    """A line of the plan's history; `team_only` for what only the plan team reads (money).

    Every write on a plan records a line here: it is also where the plan's cached pages are told (core.page_cache).
    """
    PlanEvent.objects.create(plan=plan, by=by, description=description[:300], team_only=team_only)
    page_cache.plans_changed([plan.pk])


def notify(*, recipients, subject, body):
    """E-mail notification; a mail failure is logged and never undoes the recorded change."""
    emails = sorted({email for email in recipients if email})
    if not emails:
        return
    try:
        send_mail(f"Mobilisation CLS : {subject}", body, settings.DEFAULT_FROM_EMAIL, emails)
    except OSError:
        logger.exception("notification e-mail not sent")


def cls_team_emails(cls, roles=(Role.CLS_COORDINATOR,)):
    return list(
        User.objects.filter(is_active=True, memberships__cls=cls, memberships__is_active=True, memberships__role__in=roles).values_list(
            "email", flat=True
        )
    )


def delegation_emails(cls):
    return list(
        User.objects.filter(
            is_active=True, memberships__role=Role.ARS_DELEGATION, memberships__department=cls.department_id, memberships__is_active=True
        ).values_list("email", flat=True)
    )
