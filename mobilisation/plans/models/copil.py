"""The CLS's steering committee (COPIL): meetings scheduled ahead, held with their attendees, and their decisions."""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mobilisation.core.models import PublicIdModel

from ..enums import CopilDecisionKind, CopilStatus
from .access import filtered, plan_scope_condition
from .actions import PlannedAction
from .plan import Plan


class CopilMeetingQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filtered(self, plan_scope_condition(user, prefix="plan__"))

    def coming(self, day=None):
        return self.filter(status=CopilStatus.SCHEDULED, date__gte=day or timezone.localdate())


class CopilMeeting(PublicIdModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="copil_meetings", verbose_name="plan")
    status = models.CharField("état", max_length=8, choices=CopilStatus.choices, default=CopilStatus.SCHEDULED)
    date = models.DateField("date de la réunion")
    time = models.TimeField("heure", null=True, blank=True)
    place = models.CharField("lieu", max_length=300, blank=True, help_text="Adresse et salle, ou lien de la visioconférence.")
    agenda = models.TextField("ordre du jour", blank=True)
    invited_users = models.ManyToManyField(settings.AUTH_USER_MODEL, related_name="+", blank=True, verbose_name="membres invités")
    other_invitees = models.TextField("autres invités", blank=True, help_text="Une personne par ligne : nom, fonction.")
    attendees = models.TextField("participants", blank=True, help_text="Une personne par ligne : nom, fonction.")
    notes = models.TextField("relevé de décisions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="saisi par"
    )

    objects = CopilMeetingQuerySet.as_manager()

    class Meta:
        verbose_name = "réunion du COPIL"
        verbose_name_plural = "réunions du COPIL"
        ordering = ["-date", "-time", "-pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(status=CopilStatus.HELD) | ~Q(attendees=""), name="held_copil_has_attendees"),
        ]

    def __str__(self):
        from mobilisation.core.formats import day

        return f"COPIL du {day(self.date)}"

    @property
    def may_be_held(self):
        """A scheduled meeting gets its attendees and decisions once its day has come."""
        return self.status == CopilStatus.SCHEDULED and self.date <= timezone.localdate()

    @property
    def attendee_lines(self):
        return [line for line in self.attendees.splitlines() if line.strip()]

    @property
    def other_invitee_lines(self):
        return [line for line in self.other_invitees.splitlines() if line.strip()]


class CopilDecision(models.Model):
    meeting = models.ForeignKey(CopilMeeting, on_delete=models.CASCADE, related_name="decisions", verbose_name="réunion")
    kind = models.CharField("décision", max_length=20, choices=CopilDecisionKind.choices)
    action = models.ForeignKey(
        PlannedAction, on_delete=models.CASCADE, null=True, blank=True, related_name="copil_decisions", verbose_name="action"
    )
    comment = models.CharField("commentaire", max_length=300, blank=True)

    class Meta:
        verbose_name = "décision du COPIL"
        verbose_name_plural = "décisions du COPIL"
        ordering = ["pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind=CopilDecisionKind.ADOPT_PLAN, action__isnull=True)
                | ~Q(kind=CopilDecisionKind.ADOPT_PLAN) & Q(action__isnull=False),
                name="copil_decision_target",
            )
        ]
