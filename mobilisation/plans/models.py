"""CLS action plans for a mobilisation: diagnosis, planned actions, indicators, budget, funding, COPIL, restrictions."""

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q, Subquery, Sum
from django.db.models.functions import Coalesce
from django.urls import reverse

from mobilisation.accounts.enums import Role
from mobilisation.catalogue.models import ActionModel, Mobilisation, Modality, Resource, TargetPublic, Theme
from mobilisation.contracts.models import Cls
from mobilisation.core.models import PublicIdModel, TimeStampedModel
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune, Department

from .enums import (
    ACTION_TRANSITIONS,
    PLAN_TRANSITIONS,
    ActionOrigin,
    ActionStatus,
    CopilDecisionKind,
    CopilVerdict,
    FundingStatus,
    PlanStatus,
    RestrictionKind,
)


def plan_scope_condition(user, prefix=""):
    """Q over plans (or objects reaching a plan through `prefix`) that the user may read; None for everything."""
    scope = getattr(user, "scope", None)
    if scope is None:
        return Q(pk__in=[])
    if scope.whole_region:
        return None
    return Q(**{f"{prefix}cls__in": Cls.objects.visible_to(user).values("pk")})


def plannable_cls(user):
    """CLS whose plans the user writes: the CLS coordinator, and the ARS region in support."""
    scope = getattr(user, "scope", None)
    if scope is None:
        return Cls.objects.none()
    if scope.manages_registry:
        return Cls.objects.all()
    return Cls.objects.filter(pk__in=scope.cls_ids_for(Role.CLS_COORDINATOR))


class PlanQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = plan_scope_condition(user)
        return self.all() if condition is None else self.filter(condition)

    def editable_by(self, user):
        return self.filter(cls__in=plannable_cls(user))

    def writable_by(self, user):
        """Plans the user may still change: a closed plan is read-only."""
        return self.editable_by(user).exclude(status=PlanStatus.CLOSED)

    def copil_recordable_by(self, user):
        """COPIL decisions are recorded by the CLS coordinator or its elected official."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        return self.filter(cls__in=scope.cls_ids_for(Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL)).exclude(status=PlanStatus.CLOSED)

    def discussable_by(self, user):
        """The exchange on a plan is between its CLS team and the ARS (delegation of the department, region)."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.manages_registry:
            return self.all()
        return self.filter(
            Q(cls__in=scope.cls_ids_for(Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL)) | Q(cls__department__in=scope.department_codes)
        )

    def in_department(self, department):
        return self.filter(cls__department=department)


class Plan(PublicIdModel):
    cls = models.ForeignKey(Cls, on_delete=models.PROTECT, related_name="plans", verbose_name="CLS")
    mobilisation = models.ForeignKey(Mobilisation, on_delete=models.PROTECT, related_name="plans", verbose_name="mobilisation")
    status = models.CharField("statut", max_length=12, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    needs = models.TextField("besoins du territoire", blank=True, help_text="Les besoins identifiés, dans vos mots.")
    priority_publics = models.ManyToManyField(
        TargetPublic, related_name="priority_in_plans", blank=True, verbose_name="publics prioritaires"
    )
    priority_communes = models.ManyToManyField(Commune, related_name="priority_in_plans", blank=True, verbose_name="communes prioritaires")
    version = models.PositiveIntegerField("version", default=1)

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan d’action"
        verbose_name_plural = "plans d’action"
        ordering = ["cls__department", "cls__name"]
        constraints = [models.UniqueConstraint(fields=["cls", "mobilisation"], name="one_plan_per_cls_and_mobilisation")]

    def __str__(self):
        return f"{self.cls} – {self.mobilisation}"

    def get_absolute_url(self):
        return reverse("plans:plan", args=[self.public_id])

    def allowed_transitions(self):
        return PLAN_TRANSITIONS.get(self.status, {})

    def can_move_to(self, status):
        return status in self.allowed_transitions()

    @property
    def is_editable(self):
        return self.status != PlanStatus.CLOSED


class PlanEvent(models.Model):
    """The plan's history: who did what, when (append-only)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events", verbose_name="plan")
    at = models.DateTimeField("date", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par")
    description = models.CharField("événement", max_length=300)

    class Meta:
        verbose_name = "événement du plan"
        verbose_name_plural = "événements du plan"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.description


class ExistingActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.filter(cls__in=Cls.objects.visible_to(user).values("pk"))


class ExistingAction(TimeStampedModel):
    """A fiche action of the CLS's own contract, which the crisis plan may adapt."""

    cls = models.ForeignKey(Cls, on_delete=models.CASCADE, related_name="existing_actions", verbose_name="CLS")
    reference = models.CharField(
        "référence", max_length=30, blank=True, help_text="Numéro de la fiche action dans le contrat, par exemple « 2.3 »."
    )
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    priority = models.CharField("axe ou priorité du contrat", max_length=200, blank=True)

    objects = ExistingActionQuerySet.as_manager()

    class Meta:
        verbose_name = "fiche action du CLS"
        verbose_name_plural = "fiches actions du CLS"
        ordering = ["cls", "reference", "title"]

    def __str__(self):
        return f"{self.reference} {self.title}".strip()


class PlannedActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = plan_scope_condition(user, prefix="plan__")
        return self.all() if condition is None else self.filter(condition)

    @staticmethod
    def blocking_restriction():
        """Exists: a restriction in force during the action's dates, national or of its department, blocks one of its modalities.

        One level of correlation (restriction → its modalities → the action's modalities): the database joins
        them once instead of running a nested subquery per action (5 times faster on PostgreSQL at scale 10).
        """
        return Exists(
            RestrictionPeriod.objects.filter(
                Q(department__isnull=True) | Q(department=OuterRef("plan__cls__department")),
                Q(end__isnull=True) | Q(end__gte=OuterRef("start")),
                start__lte=Coalesce(OuterRef("end"), OuterRef("start")),
                blocked_modalities__planned_actions=OuterRef("pk"),
            )
        )

    def with_restriction_flag(self):
        """Annotate `restricted` (see blocking_restriction); an action without a start date is never restricted."""
        return self.annotate(restricted=self.blocking_restriction())

    def restricted(self):
        """Actions still to run (not done nor abandoned) that a restriction hits."""
        return self.filter(self.blocking_restriction(), start__isnull=False).exclude(status__in=[ActionStatus.DONE, ActionStatus.ABANDONED])


class PlannedAction(PublicIdModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="actions", verbose_name="plan")
    origin = models.CharField("origine", max_length=10, choices=ActionOrigin.choices)
    action_model = models.ForeignKey(
        ActionModel, on_delete=models.PROTECT, null=True, blank=True, related_name="planned_actions", verbose_name="modèle du catalogue"
    )
    model_revision = models.PositiveIntegerField("révision du modèle prise en compte", null=True, blank=True)
    existing_action = models.ForeignKey(
        ExistingAction, on_delete=models.SET_NULL, null=True, blank=True, related_name="adaptations", verbose_name="fiche action adaptée"
    )
    title = models.CharField("intitulé", max_length=250)
    description = models.TextField("description", blank=True)
    theme = models.ForeignKey(Theme, on_delete=models.PROTECT, related_name="planned_actions", verbose_name="thème")
    publics = models.ManyToManyField(TargetPublic, related_name="planned_actions", blank=True, verbose_name="publics visés")
    communes = models.ManyToManyField(Commune, related_name="planned_actions", blank=True, verbose_name="communes concernées")
    lead_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="led_actions", verbose_name="organisation pilote"
    )
    partners = models.ManyToManyField(Organisation, related_name="partner_actions", blank=True, verbose_name="partenaires")
    start = models.DateField("début", null=True, blank=True)
    end = models.DateField("fin", null=True, blank=True)
    modalities = models.ManyToManyField(Modality, related_name="planned_actions", blank=True, verbose_name="modalités")
    resources = models.ManyToManyField(Resource, related_name="planned_actions", blank=True, verbose_name="ressources mobilisées")
    status = models.CharField("état", max_length=12, choices=ActionStatus.choices, default=ActionStatus.PLANNED)
    copil_verdict = models.CharField("avis du COPIL", max_length=12, choices=CopilVerdict.choices, default=CopilVerdict.PENDING)
    version = models.PositiveIntegerField("version", default=1)
    submission_token = models.UUIDField(null=True, blank=True, unique=True, editable=False)  # one record per form sent

    objects = PlannedActionQuerySet.as_manager()

    class Meta:
        verbose_name = "action du plan"
        verbose_name_plural = "actions du plan"
        ordering = ["theme__axis__order", "theme__order", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(end__isnull=True) | Q(start__isnull=True) | Q(end__gte=F("start")), name="planned_action_end_after_start"
            ),
            models.CheckConstraint(
                condition=~Q(origin=ActionOrigin.ADOPTED) | Q(action_model__isnull=False), name="adopted_action_has_model"
            ),
        ]

    def __str__(self):
        return self.title

    def get_absolute_url(self):
        return reverse("plans:action", args=[self.public_id])

    @property
    def model_changed(self):
        return self.action_model_id is not None and self.model_revision is not None and self.action_model.revision > self.model_revision

    def can_move_to(self, status):
        return status in ACTION_TRANSITIONS.get(self.status, set())

    def blocking_restrictions(self):
        """Restrictions in force during the action's dates that block one of its modalities."""
        if self.start is None:
            return RestrictionPeriod.objects.none()
        end = self.end or self.start
        return (
            RestrictionPeriod.objects.filter(Q(department__isnull=True) | Q(department=self.plan.cls.department_id))
            .filter(start__lte=end)
            .filter(Q(end__isnull=True) | Q(end__gte=self.start))
            .filter(blocked_modalities__in=self.modalities.all())
            .distinct()
        )


class IndicatorQuerySet(models.QuerySet):
    def with_latest(self):
        """Annotate `latest_value` and `latest_date`: the most recent reading, computed by the database."""
        latest = ProgressEntry.objects.filter(indicator=OuterRef("pk")).order_by("-date", "-pk")
        return self.annotate(latest_value=Subquery(latest.values("value")[:1]), latest_date=Subquery(latest.values("date")[:1]))


class Indicator(models.Model):
    action = models.ForeignKey(PlannedAction, on_delete=models.CASCADE, related_name="indicators", verbose_name="action")
    name = models.CharField("indicateur", max_length=200)
    unit = models.CharField("unité", max_length=50, blank=True)
    target = models.DecimalField("cible", max_digits=12, decimal_places=2, null=True, blank=True)

    objects = IndicatorQuerySet.as_manager()

    class Meta:
        verbose_name = "indicateur"
        ordering = ["pk"]

    def __str__(self):
        return self.name


class ProgressEntry(models.Model):
    """A dated reading of an indicator: the value reached at that date (cumulative)."""

    indicator = models.ForeignKey(Indicator, on_delete=models.CASCADE, related_name="entries", verbose_name="indicateur")
    date = models.DateField("date")
    value = models.DecimalField("valeur atteinte", max_digits=12, decimal_places=2)
    comment = models.CharField("commentaire", max_length=300, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="saisi par"
    )
    recorded_at = models.DateTimeField("saisi le", auto_now_add=True)

    class Meta:
        verbose_name = "point d’avancement"
        verbose_name_plural = "points d’avancement"
        ordering = ["-date", "-pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="progress_value_not_negative")]

    def __str__(self):
        return f"{self.indicator} : {self.value} au {self.date}"


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        EXPENSE = "depense", "Dépense"
        COFUNDING = "cofinancement", "Cofinancement"

    action = models.ForeignKey(PlannedAction, on_delete=models.CASCADE, related_name="budget_lines", verbose_name="action")
    kind = models.CharField("nature", max_length=15, choices=Kind.choices, default=Kind.EXPENSE)
    label = models.CharField("poste", max_length=200)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["kind", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive")]

    def __str__(self):
        return f"{self.label} ({self.amount} €)"


class RestrictionPeriodQuerySet(models.QuerySet):
    def visible_to(self, user):
        return self.all()  # public-order measures are public

    def in_force_on(self, day):
        return self.filter(start__lte=day).filter(Q(end__isnull=True) | Q(end__gte=day))


class RestrictionPeriod(TimeStampedModel):
    """A public-order restriction (lockdown, curfew), national or for one department, recorded by the ARS region."""

    kind = models.CharField("mesure", max_length=12, choices=RestrictionKind.choices)
    label = models.CharField("intitulé", max_length=200, help_text="Par exemple « Deuxième confinement national ».")
    department = models.ForeignKey(
        Department,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="restrictions",
        verbose_name="département",
        help_text="Vide : mesure nationale.",
    )
    start = models.DateField("début")
    end = models.DateField("fin", null=True, blank=True, help_text="Vide : en vigueur jusqu’à nouvel ordre.")
    blocked_modalities = models.ManyToManyField(Modality, related_name="blocking_restrictions", verbose_name="modalités impossibles")

    objects = RestrictionPeriodQuerySet.as_manager()

    class Meta:
        verbose_name = "période de restriction"
        verbose_name_plural = "périodes de restriction"
        ordering = ["-start"]
        constraints = [models.CheckConstraint(condition=Q(end__isnull=True) | Q(end__gte=F("start")), name="restriction_end_after_start")]

    def __str__(self):
        return self.label


class FundingRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = plan_scope_condition(user, prefix="action__plan__")
        return self.all() if condition is None else self.filter(condition)

    def instructable_by(self, user):
        """The ARS delegation of the CLS's department instructs; the ARS region may too."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.manages_registry:
            return self.all()
        return self.filter(action__plan__cls__department__in=scope.department_codes)

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
        return f"{self.funding_line} – {self.amount_requested} €"

    def get_absolute_url(self):
        return reverse("plans:funding_request", args=[self.public_id])


class FundingComment(models.Model):
    request = models.ForeignKey(FundingRequest, on_delete=models.CASCADE, related_name="comments", verbose_name="demande")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur")
    body = models.TextField("commentaire")
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "commentaire d’instruction"
        verbose_name_plural = "commentaires d’instruction"
        ordering = ["created_at", "pk"]


class CopilMeeting(PublicIdModel):
    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="copil_meetings", verbose_name="plan")
    date = models.DateField("date de la réunion")
    attendees = models.TextField("participants", help_text="Un participant par ligne (nom et fonction).")
    notes = models.TextField("relevé de décisions", blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="saisi par"
    )

    class Meta:
        verbose_name = "réunion du COPIL"
        verbose_name_plural = "réunions du COPIL"
        ordering = ["-date"]

    def __str__(self):
        return f"COPIL du {self.date:%d/%m/%Y}"


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


class PlanMessage(models.Model):
    """The dated exchange between the CLS and its ARS delegation about the plan (« échange partenarial »)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="messages", verbose_name="plan")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur")
    body = models.TextField("message")
    created_at = models.DateTimeField("le", auto_now_add=True)

    class Meta:
        verbose_name = "message sur le plan"
        verbose_name_plural = "messages sur le plan"
        ordering = ["created_at", "pk"]
