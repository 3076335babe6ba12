"""The CLS action plan for a mobilisation, its diagnosis, history, the CLS's fiches actions and the exchange with the ARS."""

from django.conf import settings
from django.db import models
from django.db.models import Q

from mobilisation.accounts.enums import Role
from mobilisation.catalogue.models import Mobilisation, TargetPublic
from mobilisation.contracts.models import Cls
from mobilisation.core.models import PublicIdModel, TimeStampedModel
from mobilisation.core.urls import url_for
from mobilisation.territories.models import Commune

from ..enums import PLAN_TRANSITIONS, ActionStatus, CopilVerdict, PlanStatus
from .access import filtered, plan_scope_condition, plan_team_condition

PLAN_STATUS_PHRASES = {
    PlanStatus.DRAFT: "en brouillon",
    PlanStatus.SUBMITTED: "soumis au COPIL",
    PlanStatus.ADOPTED: "adopté par le COPIL",
    PlanStatus.IN_PROGRESS: "en cours de mise en œuvre",
    PlanStatus.CLOSED: "clos",
}


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
        return filtered(self, plan_scope_condition(user))

    def editable_by(self, user):
        return self.filter(cls__in=plannable_cls(user))

    def writable_by(self, user):
        """Plans the user may still change: a closed plan is read-only."""
        return self.editable_by(user).exclude(status=PlanStatus.CLOSED)

    def copil_recordable_by(self, user):
        """COPIL meetings are scheduled and recorded by the CLS coordinator or its elected official."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        return self.filter(cls__in=scope.cls_ids_for(Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL)).exclude(status=PlanStatus.CLOSED)

    def of_team(self, user):
        """Plans whose money and exchange the user reads: the plan team (access.plan_team_condition)."""
        return filtered(self, plan_team_condition(user))

    def discussable_by(self, user):
        """The exchange on a plan is between its CLS team and the ARS (delegation of the department, region)."""
        return self.of_team(user)

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
    version = models.PositiveIntegerField("version", default=1)  # refuses stale saves; never shown

    objects = PlanQuerySet.as_manager()

    class Meta:
        verbose_name = "plan d’action"
        verbose_name_plural = "plans d’action"
        ordering = ["cls__department", "cls__name"]
        constraints = [models.UniqueConstraint(fields=["cls", "mobilisation"], name="one_plan_per_cls_and_mobilisation")]

    def __str__(self):
        return f"{self.cls} – {self.mobilisation}"

    def get_absolute_url(self):
        return url_for("plans:plan", self.public_id)

    def allowed_transitions(self):
        return PLAN_TRANSITIONS.get(self.status, {})

    def can_move_to(self, status):
        return status in self.allowed_transitions()

    @property
    def is_editable(self):
        return self.status != PlanStatus.CLOSED

    @property
    def status_phrase(self):
        """The state in a sentence: « Plan soumis au COPIL. » (the label lower-cased would read « copil »)."""
        return PLAN_STATUS_PHRASES[self.status]

    def submission_blockers(self):
        """What the plan still lacks before it goes to the COPIL (French sentences); empty when it may be submitted."""
        missing = []
        if not self.needs.strip():
            missing.append("décrire les besoins du territoire dans le diagnostic")
        if not self.priority_publics.exists():
            missing.append("choisir au moins un public prioritaire dans le diagnostic")
        live = self.actions.exclude(status=ActionStatus.ABANDONED).exclude(copil_verdict=CopilVerdict.REJECTED)
        if not live.exists():
            missing.append("ajouter au moins une action au plan")
        return missing


class PlanEventQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Every reader of the plan reads its history, but the money lines are for the plan team (plan_team_condition)."""
        readable = filtered(self, plan_scope_condition(user, prefix="plan__"))
        team = plan_team_condition(user, prefix="plan__")
        return readable if team is None else readable.filter(Q(team_only=False) | team)


class PlanEvent(models.Model):
    """The plan's history: who did what, when (append-only)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="events", verbose_name="plan")
    at = models.DateTimeField("date", auto_now_add=True)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="par")
    description = models.CharField("événement", max_length=300)
    team_only = models.BooleanField(
        "réservé à l’équipe du plan", default=False, help_text="Budget, financements : lu par l’équipe du plan seulement."
    )

    objects = PlanEventQuerySet.as_manager()

    class Meta:
        verbose_name = "événement du plan"
        verbose_name_plural = "événements du plan"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return self.description


class DiagnosisFigureQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filtered(self, plan_scope_condition(user, prefix="plan__"))


class DiagnosisFigure(TimeStampedModel):
    """A figure of the territory the coordinator brings to the diagnosis, with its source and date (no open data for it)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="figures", verbose_name="plan")
    label = models.CharField("chiffre", max_length=200, help_text="Par exemple « Bénéficiaires de l’APA à domicile ».")
    value = models.DecimalField("valeur", max_digits=14, decimal_places=2)
    unit = models.CharField("unité", max_length=50, blank=True, help_text="Par exemple « personnes » ou « % ».")
    source = models.CharField("source", max_length=300, help_text="Qui publie ce chiffre, par exemple « Conseil départemental ».")
    as_of = models.DateField("date du chiffre")
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="saisi par"
    )

    objects = DiagnosisFigureQuerySet.as_manager()

    class Meta:
        verbose_name = "chiffre du diagnostic"
        verbose_name_plural = "chiffres du diagnostic"
        ordering = ["label", "pk"]
        constraints = [models.CheckConstraint(condition=Q(value__gte=0), name="diagnosis_figure_not_negative")]

    def __str__(self):
        return self.label


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


class PlanMessageQuerySet(models.QuerySet):
    def visible_to(self, user):
        return filtered(self, plan_team_condition(user, prefix="plan__"))


class PlanMessage(models.Model):
    """The dated exchange between the CLS and its ARS delegation about the plan (« échange partenarial »)."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="messages", verbose_name="plan")
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+", verbose_name="auteur")
    from_ars = models.BooleanField("écrit par l’ARS", default=False)
    body = models.TextField("message")
    created_at = models.DateTimeField("le", auto_now_add=True)

    objects = PlanMessageQuerySet.as_manager()

    class Meta:
        verbose_name = "message sur le plan"
        verbose_name_plural = "messages sur le plan"
        ordering = ["created_at", "pk"]


class ThreadReading(models.Model):
    """When a person last read a plan's exchange: what came after is unread for them."""

    plan = models.ForeignKey(Plan, on_delete=models.CASCADE, related_name="readings", verbose_name="plan")
    user = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+", verbose_name="personne")
    read_at = models.DateTimeField("lu le")

    class Meta:
        verbose_name = "lecture des échanges"
        verbose_name_plural = "lectures des échanges"
        constraints = [models.UniqueConstraint(fields=["plan", "user"], name="one_reading_per_plan_and_user")]
