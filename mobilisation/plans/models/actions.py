"""Actions of a plan and what follows them up: indicators and their readings, budget lines."""

from django.conf import settings
from django.db import models
from django.db.models import F, OuterRef, Q, Subquery
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.catalogue.models import ActionModel, Modality, Resource, TargetPublic, Theme
from mobilisation.core.models import PublicIdModel
from mobilisation.core.urls import url_for
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune

from ..enums import ACTION_TRANSITIONS, ActionOrigin, ActionStatus, CopilVerdict, RestrictionState
from .access import filtered, plan_scope_condition, plan_team_condition
from .plan import ExistingAction, Plan

CLOSED_ACTION_STATUSES = (ActionStatus.DONE, ActionStatus.ABANDONED)


class PlannedActionQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Actions of the plans the user reads, and for a partner member the actions their organisation leads or joins."""
        condition = plan_scope_condition(user, prefix="plan__")
        if condition is None:
            return self.all()
        scope = getattr(user, "scope", None)
        organisations = scope.organisation_ids_for(Role.PARTNER_MEMBER) if scope is not None else ()
        if organisations:
            partnered = PlannedAction.partners.through.objects.filter(organisation__in=organisations).values("plannedaction")
            condition |= Q(lead_organisation__in=organisations) | Q(pk__in=partnered)
        return self.filter(condition)

    def still_to_run(self):
        return self.exclude(status__in=CLOSED_ACTION_STATUSES)

    def restricted(self):
        """Actions still to run whose dates meet a measure that blocks one of their modalities (state kept by services)."""
        return self.still_to_run().filter(restriction_state=RestrictionState.RESTRICTED)

    def to_check(self, day=None):
        """Actions still to run, without dates, that a measure in force or announced may block: « à vérifier »."""
        day = day or timezone.localdate()
        return (
            self.still_to_run()
            .filter(restriction_state=RestrictionState.TO_CHECK)
            .filter(Q(restriction_until__isnull=True) | Q(restriction_until__gte=day))
        )

    def affected(self, day=None):
        """Restricted or to check: every action a coordinator must look at because of a measure."""
        day = day or timezone.localdate()
        return self.still_to_run().filter(
            Q(restriction_state=RestrictionState.RESTRICTED)
            | Q(restriction_state=RestrictionState.TO_CHECK) & (Q(restriction_until__isnull=True) | Q(restriction_until__gte=day))
        )


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
    restriction_state = models.CharField(
        "restrictions", max_length=12, choices=RestrictionState.choices, default=RestrictionState.NONE, blank=True, db_index=True
    )
    restriction_until = models.DateField("mesure concernée jusqu’au", null=True, blank=True, editable=False)
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
        return url_for("plans:action", self.public_id)

    # Labels read by enum rather than get_FOO_display(), which rebuilds the dict of choices at every call: a plan page
    # shows hundreds of them.
    @property
    def origin_label(self):
        return ActionOrigin(self.origin).label

    @property
    def status_label(self):
        return ActionStatus(self.status).label

    @property
    def verdict_label(self):
        return CopilVerdict(self.copil_verdict).label

    @property
    def dates_label(self):
        """ "01/12/2026 – 15/12/2026", "01/12/2026" or "à préciser"."""
        if self.start is None:
            return "à préciser"
        return f"{self.start:%d/%m/%Y}" + (f" – {self.end:%d/%m/%Y}" if self.end else "")

    @property
    def model_changed(self):
        return self.action_model_id is not None and self.model_revision is not None and self.action_model.revision > self.model_revision

    def can_move_to(self, status):
        return status in ACTION_TRANSITIONS.get(self.status, set())

    @property
    def is_open(self):
        return self.status not in CLOSED_ACTION_STATUSES

    def restriction_flag(self, day=None):
        """The alert to show for this action today: RESTRICTED, TO_CHECK or NONE (reads its own columns only)."""
        if not self.is_open or self.restriction_state == RestrictionState.NONE:
            return RestrictionState.NONE
        if self.restriction_state == RestrictionState.TO_CHECK:
            day = day or timezone.localdate()
            if self.restriction_until is not None and self.restriction_until < day:
                return RestrictionState.NONE
        return RestrictionState(self.restriction_state)

    @property
    def is_restricted(self):
        return self.restriction_flag() == RestrictionState.RESTRICTED

    @property
    def needs_check(self):
        return self.restriction_flag() == RestrictionState.TO_CHECK


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


class BudgetLineQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filtered(self, plan_team_condition(user, prefix="action__plan__"))


class BudgetLine(models.Model):
    class Kind(models.TextChoices):
        EXPENSE = "depense", "Dépense"
        COFUNDING = "cofinancement", "Cofinancement"

    action = models.ForeignKey(PlannedAction, on_delete=models.CASCADE, related_name="budget_lines", verbose_name="action")
    kind = models.CharField("nature", max_length=15, choices=Kind.choices, default=Kind.EXPENSE)
    label = models.CharField("poste", max_length=200)
    amount = models.DecimalField("montant (€)", max_digits=12, decimal_places=2)

    objects = BudgetLineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne de budget"
        verbose_name_plural = "lignes de budget"
        ordering = ["kind", "pk"]
        constraints = [models.CheckConstraint(condition=Q(amount__gt=0), name="budget_amount_positive")]

    def __str__(self):
        return self.label
