"""The veille: campaigns of calls and visits over a register, their contact tasks, outcomes and escalation.

A campaign's rounds make one contact task per targeted person (one open task per person at most, whatever the
campaign: the database refuses a second); callers claim the next task for a few minutes so that two of them never
call the same person; each outcome is a CallAttempt; a person left unreached after the campaign's attempts, or in
distress, opens an Escalation whose steps climb the ladder until someone has seen them. At the rung of the CCAS's
home visit, the visit is a contact task too (kind VISIT, tied to its escalation, assigned to the one who goes): its
outcome is the rung's step.
"""

import datetime

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.models import PublicIdModel

from ..enums import (
    CampaignState,
    CampaignTrigger,
    Category,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    FinalStatus,
    Outcome,
    StepOutcome,
    TaskKind,
    TaskState,
)
from .register import Person, register_scope

# How long a claimed call stays the caller's: past it, the task goes back to the list (a caller who left).
CLAIM_MINUTES = 10


def register_condition(user, prefix=""):
    """The campaigns (or rows reaching a campaign through `prefix`) of the registers `user` holds, as a filter; None
    when the user holds none. A campaign belongs to a commune's register or to an EPCI's."""
    communes, epcis = register_scope(user)
    if not (communes or epcis):
        return None
    return Q(**{f"{prefix}commune__in": communes}) | Q(**{f"{prefix}epci__in": epcis}) | Q(**{f"{prefix}commune__epci__in": epcis})


def person_condition(user, prefix):
    """Rows reaching a registered person through `prefix`, in the registers `user` holds; None when none."""
    communes, epcis = register_scope(user)
    if not (communes or epcis):
        return None
    return Q(**{f"{prefix}commune__in": communes}) | Q(**{f"{prefix}commune__epci__in": epcis})


class CampaignQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Campaigns of the user's registers; for a volunteer, the running campaigns they are a caller of (while their
        volunteer membership is active: a volunteer deactivated, or an agent who left, sees nothing)."""
        condition = register_condition(user)
        if condition is not None:
            return self.filter(condition)
        if user.is_authenticated and user.has_role(Role.VOLUNTEER):
            return self.filter(callers=user, state=CampaignState.RUNNING)
        return self.none()

    def running(self):
        return self.filter(state=CampaignState.RUNNING)


class Campaign(PublicIdModel):
    """A veille over a register: who to call, when, how often, by whom, and what triggered it."""

    name = models.CharField("intitulé", max_length=200, help_text="Par exemple « Veille canicule juillet 2027 ».")
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name="CCAS de la commune"
    )
    epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="campaigns", verbose_name="CIAS de l’EPCI"
    )
    state = models.CharField("état", max_length=10, choices=CampaignState.choices, default=CampaignState.DRAFT)
    trigger = models.CharField("déclenchée par", max_length=12, choices=CampaignTrigger.choices)
    restriction = models.ForeignKey(
        "plans.RestrictionPeriod",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="campaigns",
        verbose_name="période de restriction",
    )
    categories = models.JSONField("qualités visées", default=list, blank=True, help_text="Aucune cochée : toutes.")
    target_communes = models.ManyToManyField(
        "territories.Commune", related_name="+", blank=True, verbose_name="communes visées", help_text="Aucune : tout le registre."
    )
    starts_on = models.DateField("premier jour")
    ends_on = models.DateField("dernier jour", null=True, blank=True, help_text="Vide : jusqu’à la clôture.")
    interval_days = models.PositiveSmallIntegerField(
        "un tour tous les (jours)", default=1, validators=[MinValueValidator(1), MaxValueValidator(30)]
    )
    call_time = models.TimeField("heure des appels", default=datetime.time(9, 30))
    max_attempts = models.PositiveSmallIntegerField(
        "essais par tour", default=3, validators=[MinValueValidator(1), MaxValueValidator(10)], help_text="Au-delà : escalade."
    )
    retry_minutes = models.PositiveSmallIntegerField(
        "délai avant un nouvel essai (minutes)", default=120, validators=[MinValueValidator(5), MaxValueValidator(1440)]
    )
    script = models.TextField(
        "trame d’appel",
        blank=True,
        help_text="Ce que l’appelant dit et demande. Pas de donnée personnelle : la trame est la même pour tous.",
    )
    callers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, related_name="calling_campaigns", blank=True, verbose_name="bénévoles appelants"
    )
    plan_action = models.ForeignKey(
        "plans.PlannedAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="action du plan du CLS",
        help_text="Ses indicateurs (personnes suivies, appels, personnes jointes, besoins) seront calculés par la veille.",
    )
    rounds_made = models.PositiveIntegerField("tours lancés", default=0)
    next_round_on = models.DateField("prochain tour le", null=True, blank=True)
    created_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="créée par")

    objects = CampaignQuerySet.as_manager()

    class Meta:
        verbose_name = "campagne de veille"
        verbose_name_plural = "campagnes de veille"
        ordering = ["-starts_on", "name"]
        constraints = [
            models.CheckConstraint(
                name="campaign_held_by_one_register",
                condition=Q(commune__isnull=False, epci__isnull=True) | Q(commune__isnull=True, epci__isnull=False),
            ),
            models.CheckConstraint(
                name="campaign_ends_after_start", condition=Q(ends_on__isnull=True) | Q(ends_on__gte=models.F("starts_on"))
            ),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("followup:campaign", args=[self.public_id])

    @property
    def register_label(self):
        return f"CCAS de {self.commune.name}" if self.commune_id else f"CIAS de {self.epci.name}"

    def targeted_people(self):
        """The registered people this campaign follows (the register's communes, narrowed by categories and communes)."""
        people = Person.objects.registered()
        people = people.filter(commune=self.commune_id) if self.commune_id else people.filter(commune__epci=self.epci_id)
        if self.categories:
            people = people.filter(category__in=self.categories)
        targets = list(self.target_communes.values_list("pk", flat=True))
        if targets:
            people = people.filter(commune__in=targets)
        return people

    @property
    def categories_label(self):
        return ", ".join(Category(value).label for value in self.categories) if self.categories else "toutes les qualités"

    def round_due_at(self, day):
        return timezone.make_aware(datetime.datetime.combine(day, self.call_time))

    @property
    def is_running(self):
        return self.state == CampaignState.RUNNING

    def register_agents(self):
        """The active social-services accounts that hold this campaign's register (ContactTaskQuerySet.visible_to):
        a commune's CCAS and its EPCI's CIAS, or an EPCI's CIAS."""
        from mobilisation.accounts.models import Membership, User

        memberships = Membership.objects.active().filter(role__in=SOCIAL_SERVICES_ROLES)
        if self.commune_id:
            memberships = memberships.filter(Q(commune=self.commune_id) | Q(epci__communes=self.commune_id))
        else:
            memberships = memberships.filter(epci=self.epci_id)
        return User.objects.filter(is_active=True, pk__in=memberships.values("user"))

    def active_callers(self):
        """The campaign's volunteer callers whose account and volunteer membership are still active."""
        from mobilisation.accounts.models import Membership

        volunteers = Membership.objects.active().filter(role=Role.VOLUNTEER).values("user")
        return self.callers.filter(is_active=True, pk__in=volunteers)

    def visitors(self):
        """Who may be given a home visit of this campaign: an agent of its register or one of its active callers."""
        from mobilisation.accounts.models import User

        return User.objects.filter(Q(pk__in=self.register_agents().values("pk")) | Q(pk__in=self.active_callers().values("pk")))


class ContactTaskQuerySet(models.QuerySet):
    def open(self):
        return self.filter(state=TaskState.OPEN)

    def visible_to(self, user):
        """Tasks of the user's registers; for a volunteer, the open calls of their campaigns and the visits assigned to
        them, while their volunteer membership is active (a visit given to an agent who has left is not theirs either)."""
        condition = register_condition(user, prefix="campaign__")
        if condition is not None:
            return self.filter(condition)
        if user.is_authenticated and user.has_role(Role.VOLUNTEER):
            return self.open().filter(
                Q(kind=TaskKind.CALL, campaign__callers=user, campaign__state=CampaignState.RUNNING) | Q(assigned_to=user)
            )
        return self.none()

    def claimable(self, now=None):
        """Open calls due now and claimed by nobody (or by someone whose claim has lapsed)."""
        now = now or timezone.now()
        return (
            self.open()
            .filter(kind=TaskKind.CALL, next_attempt_at__lte=now)
            .filter(Q(claimed_until__isnull=True) | Q(claimed_until__lt=now))
        )

    def visits(self):
        return self.filter(kind=TaskKind.VISIT)

    def in_calling_order(self):
        return self.order_by("priority", "next_attempt_at", "pk")

    def in_hand_of(self, user):
        """The open tasks `user` may work on now: an agent, any of their register; a volunteer, only the call they
        hold or a visit assigned to them (SECURITY 5: nothing once the task is done or handed back)."""
        tasks = self.visible_to(user).open()
        if any(register_scope(user)):
            return tasks
        return tasks.filter(Q(claimed_by=user) | Q(assigned_to=user))

    def held_by(self, user, now=None):
        """The call `user` has claimed and whose claim still runs."""
        return self.open().filter(claimed_by=user, claimed_until__gte=now or timezone.now())


class ContactTask(PublicIdModel):
    """One person to reach in one round of a campaign: a call (or a visit), its attempts, its claim."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="tasks", verbose_name="campagne")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="tasks", verbose_name="personne")
    round_number = models.PositiveIntegerField("tour")
    kind = models.CharField("nature", max_length=10, choices=TaskKind.choices, default=TaskKind.CALL)
    state = models.CharField("état", max_length=10, choices=TaskState.choices, default=TaskState.OPEN)
    # 0: unreached last round and living alone, 1: unreached last round, 2: living alone, 3: the others.
    priority = models.PositiveSmallIntegerField("priorité", default=3)
    due_at = models.DateTimeField("à faire à partir du")
    next_attempt_at = models.DateTimeField("prochain essai à partir du")
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="pris par"
    )
    claimed_until = models.DateTimeField("pris jusqu’à", null=True, blank=True)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_visits",
        verbose_name="visite confiée à",
    )
    escalation = models.ForeignKey(
        "Escalation", on_delete=models.SET_NULL, null=True, blank=True, related_name="visits", verbose_name="escalade"
    )
    last_outcome = models.CharField("dernier résultat", max_length=15, choices=Outcome.choices, blank=True)
    done_at = models.DateTimeField("faite le", null=True, blank=True)

    objects = ContactTaskQuerySet.as_manager()

    class Meta:
        verbose_name = "tâche de contact"
        verbose_name_plural = "tâches de contact"
        ordering = ["priority", "next_attempt_at", "pk"]
        constraints = [
            # One open task per person, whatever the campaign: two callers never ring the same person for two reasons.
            models.UniqueConstraint(fields=["person"], condition=Q(state=TaskState.OPEN), name="one_open_task_per_person"),
            models.CheckConstraint(
                name="task_claim_is_whole", condition=Q(claimed_by__isnull=True, claimed_until__isnull=True) | Q(claimed_by__isnull=False)
            ),
            # Only a home visit serves an escalation's rung; a call never does.
            models.CheckConstraint(name="only_visits_serve_an_escalation", condition=Q(escalation__isnull=True) | Q(kind=TaskKind.VISIT)),
        ]
        indexes = [
            # The calling order to its last key (claim_next: ORDER BY priority, next_attempt_at, pk LIMIT 1): a round's
            # thousands of calls share their priority and due time, which an index without the pk left to a full sort.
            models.Index(fields=["campaign", "state", "priority", "next_attempt_at", "id"], name="task_calling_order_pk"),
            models.Index(fields=["state", "claimed_by"], name="task_claims"),
            # A visitor's open visits (the call list): without it SQLite walks every open task of the region.
            models.Index(fields=["assigned_to", "state"], name="task_assigned_visits"),
        ]

    def __str__(self):
        return f"{TaskKind(self.kind).label} – tour {self.round_number}"

    def get_absolute_url(self):
        return reverse("calls:call", args=[self.public_id])

    def claimed_by_someone_else(self, user, now=None):
        now = now or timezone.now()
        return self.claimed_by_id not in (None, user.pk) and self.claimed_until is not None and self.claimed_until >= now


class CallAttempt(models.Model):
    """One call or visit and what it found: the veille's facts, from which every figure is computed."""

    class Channel(models.TextChoices):
        PHONE = "telephone", "Téléphone"
        VISIT = "visite", "Visite"
        PAPER = "papier", "Liste papier, saisie après coup"

    task = models.ForeignKey(ContactTask, on_delete=models.CASCADE, related_name="call_attempts", verbose_name="tâche")
    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="call_attempts", verbose_name="campagne")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="call_attempts", verbose_name="personne")
    round_number = models.PositiveIntegerField("tour")
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    at = models.DateTimeField("le", default=timezone.now)
    channel = models.CharField("moyen", max_length=10, choices=Channel.choices, default=Channel.PHONE)
    outcome = models.CharField("résultat", max_length=15, choices=Outcome.choices)
    needs = models.JSONField("besoins exprimés", default=list, blank=True)

    class Meta:
        verbose_name = "appel"
        verbose_name_plural = "appels"
        ordering = ["-at", "-pk"]
        indexes = [
            models.Index(fields=["campaign", "outcome"], name="attempt_campaign_outcome"),
            models.Index(fields=["person", "-at"], name="attempt_person_latest"),
        ]

    def __str__(self):
        return f"{Outcome(self.outcome).label} le {timezone.localtime(self.at):%d/%m/%Y %H:%M}"


class FollowedPerson(models.Model):
    """A person in a campaign, and where they stand at its end."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="followed", verbose_name="campagne")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="followings", verbose_name="personne")
    final_status = models.CharField("situation", max_length=15, choices=FinalStatus.choices, default=FinalStatus.IN_PROGRESS)
    unreached_last_round = models.BooleanField("injoignable au dernier tour", default=False)
    changed_at = models.DateTimeField("depuis le", default=timezone.now)

    class Meta:
        verbose_name = "personne suivie"
        verbose_name_plural = "personnes suivies"
        constraints = [models.UniqueConstraint(fields=["campaign", "person"], name="one_following_per_campaign")]
        indexes = [models.Index(fields=["campaign", "final_status"], name="followed_status")]


class EscalationQuerySet(models.QuerySet):
    def visible_to(self, user):
        condition = register_condition(user, prefix="campaign__")
        return self.none() if condition is None else self.filter(condition)

    def open(self):
        return self.filter(state=EscalationState.OPEN)


class Escalation(PublicIdModel):
    """A person unreached after every attempt, or in distress: the ladder climbed until someone has seen them."""

    campaign = models.ForeignKey(Campaign, on_delete=models.CASCADE, related_name="escalations", verbose_name="campagne")
    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="escalations", verbose_name="personne")
    reason = models.CharField("motif", max_length=15, choices=EscalationReason.choices)
    state = models.CharField("état", max_length=10, choices=EscalationState.choices, default=EscalationState.OPEN)
    level = models.PositiveSmallIntegerField("échelon", choices=EscalationLevel.choices, default=EscalationLevel.CONTACTS)
    opened_at = models.DateTimeField("ouverte le", default=timezone.now)
    resolved_at = models.DateTimeField("résolue le", null=True, blank=True)

    objects = EscalationQuerySet.as_manager()

    class Meta:
        verbose_name = "escalade"
        verbose_name_plural = "escalades"
        ordering = ["-opened_at", "-pk"]
        constraints = [
            models.UniqueConstraint(fields=["person"], condition=Q(state=EscalationState.OPEN), name="one_open_escalation_per_person")
        ]

    def __str__(self):
        return f"{EscalationReason(self.reason).label} – {EscalationLevel(self.level).label}"

    def get_absolute_url(self):
        return reverse("followup:escalation", args=[self.public_id])

    @property
    def awaits_visit(self):
        """Open, at the rung of the CCAS's home visit: the visit can be given to someone (or to someone else)."""
        return self.state == EscalationState.OPEN and self.level == EscalationLevel.CCAS_VISIT


class EscalationStep(models.Model):
    """One rung of the ladder: who did it, what they found, when (the whole trace is kept)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.CASCADE, related_name="steps", verbose_name="escalade")
    level = models.PositiveSmallIntegerField("échelon", choices=EscalationLevel.choices)
    owner = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name="par")
    outcome = models.CharField("résultat", max_length=15, choices=StepOutcome.choices)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "échelon d’escalade"
        verbose_name_plural = "échelons d’escalade"
        ordering = ["at", "pk"]
