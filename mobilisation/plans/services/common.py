"""What every plans service shares: the plan's history line, e-mail notifications and their recipients."""

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import User
from mobilisation.core import page_cache
from mobilisation.jobs import mail

from ..models import PlanEvent


def record(plan, by, description, *, team_only=False):
    """A line of the plan's history; `team_only` for what only the plan team reads (money).

    Every write on a plan records a line here: it is also where the plan's cached pages are told (core.page_cache).
    """
    PlanEvent.objects.create(plan=plan, by=by, description=description[:300], team_only=team_only)
    page_cache.plans_changed([plan.pk])


def notify(*, recipients, subject, body):
    """E-mail notification, sent by a background task (jobs.mail): a mail failure is retried, then reported on the
    page « Tâches de fond », and never undoes the recorded change."""
    mail.send_later(recipients=recipients, subject=f"Mobilisation CLS : {subject}", body=body)


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
