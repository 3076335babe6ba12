"""Funding requests of a plan's actions, instructed by the ARS delegation of the CLS's department."""

from django.conf import settings
from django.db import models
from django.db.models import F, Q, Sum
from simple_history.models import HistoricalRecords

from mobilisation.catalogue.models import Resource
from mobilisation.core.models import PublicIdModel
from mobilisation.core.urls import url_for

from ..enums import OPEN_FUNDING_STATUSES, FundingStatus
from .access import filtered, plan_team_condition
from .actions import PlannedAction


class FundingRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Funding is for the plan team: the CLS's coordinators and elected officials, its delegation, the ARS region."""
        return filtered(self, plan_team_condition(user, prefix="action__plan__"))

    def instructable_by(self, user):
        """The ARS delegation of the CLS's department instructs; the ARS region may too."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.manages_registry:
            return self.all()
        return self.filter(action__plan__cls__department__in=scope.department_codes)

    def open(self):
        return self.filter(status__in=OPEN_FUNDING_STATUSES)

    def totals(self):
        return self.aggregate(asked=Sum("amount_requested"), granted=Sum("amount_granted", filter=Q(status=FundingStatus.GRANTED)))


class FundingRequest(PublicIdModel):
    action = models.ForeignKey(PlannedAction, on_delete=models.PROTECT, related_name="funding_requests", verbose_name="action")
    funding_line = models.ForeignKey(
        Resource, on_delete=models.PROTECT, related_name="funding_requests", verbose_name="ligne de financement"
    )
    amount_requested = models.DecimalField("montant demandé (€)", max_digits=12, decimal_places=2)
    justification = models.TextField("justification")
    cofunding = models.CharField("cofinancements", max_length=300, blank=True, help_text="Autres financeurs et montants.")
    status = models.CharField("état", max_length=15, choices=FundingStatus.choices, default=FundingStatus.RECEIVED)
    amount_granted = models.DecimalField("montant accordé (€)", max_digits=12, decimal_places=2, null=True, blank=True)
    refusal_reason = models.TextField("motif du refus", blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décidé par"
    )
    decided_at = models.DateTimeField("décidé le", null=True, blank=True)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="demandé par"
    )
    usage_report = models.TextField("compte rendu d’utilisation", blank=True)
    usage_reported_at = models.DateTimeField("compte rendu le", null=True, blank=True)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)  # one record per form sent
    # Each instruction step, with who and why (reopening a decision asks for a reason): the request's own history.
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at", "submission_token", "justification", "cofunding", "usage_report"],
        verbose_name="historique de la demande de financement",
    )

    objects = FundingRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande de financement"
        verbose_name_plural = "demandes de financement"
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(condition=Q(amount_requested__gt=0), name="funding_amount_positive"),
            models.CheckConstraint(
                condition=Q(amount_granted__isnull=True) | Q(amount_granted__lte=F("amount_requested")) & Q(amount_granted__gte=0),
                name="funding_granted_within_requested",
            ),
            models.CheckConstraint(condition=~Q(status=FundingStatus.GRANTED) | Q(amount_granted__isnull=False), name="granted_has_amount"),
        ]

    def __str__(self):
        return f"{self.funding_line} – {self.action}"

    def get_absolute_url(self):
        return url_for("plans:funding_request", self.public_id)

    @property
    def status_label(self):
        return FundingStatus(self.status).label

    @property
    def is_open(self):
        return self.status in OPEN_FUNDING_STATUSES

    @property
    def is_decided(self):
        return not self.is_open


class FundingCommentQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filtered(self, plan_team_condition(user, prefix="request__action__plan__"))


class FundingComment(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="comments", verbose_name="demande")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur")
    body = models.TextField("commentaire")
    created_at = models.DateTimeField("le", auto_now_add=True)

    objects = FundingCommentQuerySet.as_manager()

    class Meta:
        verbose_name = "commentaire d’instruction"
        verbose_name_plural = "commentaires d’instruction"
        ordering = ["created_at", "pk"]
