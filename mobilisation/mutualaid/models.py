"""Volunteers: who signed up to help, where and when they can, and who validated them.

A sign-up is public (no account). It waits for an organisation serving one of the volunteer's communes, or the
CCAS or CIAS of their area, to validate it: the volunteer then gets an account with the volunteer role in that
organisation (accounts.services), and only then may be given anything to do. The volunteer's own personal data
(name, e-mail, phone) is read by the validators of their area and the members of their organisation, nobody above
them: the coordinators and the ARS see counts (figures.py).
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Exists, F, OuterRef, Q
from django.db.models.functions import Lower
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.models import PublicIdModel, any_of
from mobilisation.directory.models import Organisation, OrganisationKind
from mobilisation.territories.models import Commune

from .enums import (
    DAYS,
    HELD_REQUEST_STATES,
    OCCUPYING_STATES,
    OPEN_BOOKING_STATES,
    OPEN_REQUEST_STATES,
    PERIOD_WORDS,
    PERIODS,
    AgeBand,
    BookingSource,
    BookingState,
    Fulfilment,
    HelpKind,
    HousingKind,
    Language,
    RefusalReason,
    RequestAction,
    Requester,
    RequestSource,
    RequestState,
    Transport,
    Urgency,
    VolunteerState,
    slot_bit,
)

# One bit per kind of help, in the list's order: Volunteer.skills.
SKILL_BITS = {kind: 1 << index for index, kind in enumerate(HelpKind)}
# A validated volunteer without a mission for this long is "idle" on the coordinators' list.
IDLE_AFTER = datetime.timedelta(days=14)
MAX_COMMUNES = 30


def social_services_communes(user):
    """The INSEE codes of the communes whose social services `user` belongs to (a CCAS commune, a CIAS's EPCI)."""
    scope = user.scope
    codes = set(scope.commune_codes_for(*SOCIAL_SERVICES_ROLES))
    sirens = scope.epci_sirens_for(*SOCIAL_SERVICES_ROLES)
    if sirens:
        codes |= set(Commune.objects.filter(epci__in=sirens).values_list("insee_code", flat=True))
    return codes


def attachable_organisations(user):
    """The organisations `user` may take a volunteer into: their own as a partner member, the CCAS and CIAS of the
    directory serving their communes as social services."""
    if not user.is_authenticated:
        return Organisation.objects.none()
    condition = Q(pk__in=user.scope.organisation_ids_for(Role.PARTNER_MEMBER))
    communes = social_services_communes(user)
    if communes:
        condition |= Q(kind__in=[OrganisationKind.CCAS, OrganisationKind.CIAS], communes__in=communes)
    if user.is_superuser:
        condition = Q()
    return Organisation.objects.filter(pk__in=Organisation.objects.filter(condition).values("pk"))


class VolunteerQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Partner members: their organisation's volunteers, and the sign-ups waiting in the communes it serves.
        Social services: the volunteers who can act in their communes. Nobody else (superusers aside)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        acting_in = Volunteer.communes.through.objects
        branches = []
        organisations = user.scope.organisation_ids_for(Role.PARTNER_MEMBER)
        if organisations:
            served = Commune.objects.filter(organisations__in=organisations).values("insee_code")
            waiting = acting_in.filter(commune__in=served).values("volunteer_id")
            branches += [Q(organisation__in=organisations), Q(state=VolunteerState.PENDING, pk__in=waiting)]
        communes = social_services_communes(user)
        if communes:
            branches.append(Q(pk__in=acting_in.filter(commune__in=communes).values("volunteer_id")))
        return any_of(self, branches)

    def pending(self):
        return self.filter(state=VolunteerState.PENDING)

    def validated(self):
        return self.filter(state=VolunteerState.VALIDATED)

    def available(self):
        """Validated and not on pause: who may be given a mission."""
        return self.validated().filter(paused_since__isnull=True)

    def with_skill(self, kind):
        return self.alias(skill=F("skills").bitand(Volunteer.skill_bit(kind))).filter(skill__gt=0)

    def with_activity(self, now=None):
        """Each volunteer with `on_mission` (a running campaign they call for, a visit assigned and open) and
        `last_activity` (their last call or visit recorded): what the coordinators' list shows."""
        from mobilisation.followup.enums import CampaignState, TaskState
        from mobilisation.followup.models import CallAttempt, Campaign, ContactTask

        calling = Campaign.objects.filter(state=CampaignState.RUNNING, callers=OuterRef("user"))
        visiting = ContactTask.objects.filter(assigned_to=OuterRef("user"), state=TaskState.OPEN)
        last = CallAttempt.objects.filter(by=OuterRef("user")).order_by("-at").values("at")[:1]
        return self.annotate(on_mission=Exists(calling) | Exists(visiting), last_activity=models.Subquery(last))

    def idle(self, now=None):
        """Validated, not paused, no mission now and nothing done for IDLE_AFTER (or never, validated that long ago)."""
        since = (now or timezone.now()) - IDLE_AFTER
        return (
            self.available()
            .with_activity()
            .filter(on_mission=False, validated_at__lt=since)
            .filter(Q(last_activity__isnull=True) | Q(last_activity__lt=since))
        )


class Volunteer(PublicIdModel):
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    email = models.EmailField("adresse électronique")
    phone = PhoneNumberField("téléphone")
    age_band = models.CharField("âge", max_length=5, choices=AgeBand.choices)
    home_commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="+", verbose_name="commune de résidence")
    communes = models.ManyToManyField(Commune, related_name="volunteers", verbose_name="communes où agir")
    skills = models.PositiveIntegerField("aides proposées", default=0)  # one bit per HelpKind, in its order
    slots = models.PositiveIntegerField("disponibilités", default=0)  # one bit per (day, period): enums.slot_bit
    languages = models.JSONField("langues parlées", default=list, blank=True)
    transports = models.JSONField("moyens de déplacement", default=list, blank=True)
    message = models.TextField("message", max_length=1000, blank=True)
    preferred_organisation = models.ForeignKey(
        Organisation, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="organisation souhaitée"
    )
    consent_at = models.DateTimeField("consentement donné le")
    signed_up_at = models.DateTimeField("inscrit le", default=timezone.now)
    state = models.CharField("état", max_length=10, choices=VolunteerState.choices, default=VolunteerState.PENDING)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="volunteers", verbose_name="organisation"
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décision par"
    )
    validated_at = models.DateTimeField("validé le", null=True, blank=True)
    refused_at = models.DateTimeField("non retenu le", null=True, blank=True)
    refusal_reason = models.CharField("motif", max_length=15, choices=RefusalReason.choices, blank=True)
    left_at = models.DateTimeField("parti le", null=True, blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="volunteer", verbose_name="compte"
    )
    paused_since = models.DateTimeField("en pause depuis", null=True, blank=True)
    paused_until = models.DateField("en pause jusqu’au", null=True, blank=True)

    objects = VolunteerQuerySet.as_manager()

    class Meta:
        verbose_name = "bénévole"
        ordering = ["last_name", "first_name", "pk"]
        constraints = [
            # One sign-up in progress per address: a second one is not stored (services.sign_up says so by e-mail).
            models.UniqueConstraint(
                Lower("email"),
                condition=Q(state__in=[VolunteerState.PENDING, VolunteerState.VALIDATED]),
                name="one_current_volunteer_per_email",
            ),
            models.CheckConstraint(
                condition=~Q(state=VolunteerState.VALIDATED) | Q(organisation__isnull=False, validated_at__isnull=False),
                name="validated_volunteer_has_organisation",
            ),
        ]
        indexes = [models.Index(fields=["state", "signed_up_at"], name="volunteer_state_age")]

    def __str__(self):
        return f"{self.first_name} {self.last_name}"

    def get_absolute_url(self):
        return reverse("volunteers:detail", args=[self.public_id])

    @staticmethod
    def skill_bit(kind):
        return SKILL_BITS[HelpKind(kind)]

    @property
    def skill_list(self):
        return [kind for kind, bit in SKILL_BITS.items() if self.skills & bit]

    @skill_list.setter
    def skill_list(self, kinds):
        self.skills = sum(self.skill_bit(kind) for kind in set(kinds))

    @property
    def skill_labels(self):
        return [kind.label for kind in self.skill_list]

    @property
    def slot_codes(self):
        """ "0-1" for Monday afternoon: the grid's checked boxes."""
        return [f"{day}-{period}" for day in range(len(DAYS)) for period in range(len(PERIODS)) if self.slots & slot_bit(day, period)]

    @property
    def slot_summary(self):
        """ "Lundi matin, après-midi ; Samedi matin" """
        days = []
        for day, day_label in enumerate(DAYS):
            periods = [word for period, word in enumerate(PERIOD_WORDS) if self.slots & slot_bit(day, period)]
            if periods:
                days.append(f"{day_label} {', '.join(periods)}")
        return " ; ".join(days)

    @property
    def language_labels(self):
        return [Language(code).label for code in self.languages if code in Language.values]

    @property
    def transport_labels(self):
        return [Transport(code).label for code in self.transports if code in Transport.values]

    @property
    def is_paused(self):
        return self.paused_since is not None

    @property
    def is_minor(self):
        return self.age_band == AgeBand.MINOR

    def activity_label(self):
        """What the coordinators' list says of a validated volunteer (reads with_activity's annotations)."""
        if self.state != VolunteerState.VALIDATED:
            return self.get_state_display()
        if self.is_paused:
            return "En pause"
        return "En mission" if getattr(self, "on_mission", False) else "Disponible"


# Requests for help ------------------------------------------------------------------------------------------------

# How long an assigned volunteer has to start before the request goes back to the queue (tasks.return_stale_requests).
ACT_WITHIN = {
    Urgency.TODAY: datetime.timedelta(hours=3),
    Urgency.SOON: datetime.timedelta(hours=12),
    Urgency.WEEK: datetime.timedelta(hours=48),
}
# A request under way not done by the end of its window (plus this) goes back to the queue too.
GRACE_AFTER_WINDOW = datetime.timedelta(days=1)


class AidRequestQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Social services: the requests of their communes. Partner members: those their organisation handles, and the
        new ones in the communes it serves. Volunteers see their missions through for_volunteer, never this list."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        branches = []
        organisations = user.scope.organisation_ids_for(Role.PARTNER_MEMBER)
        if organisations:
            served = Commune.objects.filter(organisations__in=organisations).values("insee_code")
            # A request from a veille call stays with the CCAS until it hands it on (SECURITY.md 6: the register's
            # people are the social services').
            branches.append(Q(organisation__in=organisations))
            branches.append(Q(state=RequestState.NEW, commune__in=served) & ~Q(source=RequestSource.FOLLOWUP))
        communes = social_services_communes(user)
        if communes:
            branches.append(Q(commune__in=communes))
        return any_of(self, branches)

    def open(self):
        return self.filter(state__in=OPEN_REQUEST_STATES)

    def claimable_by(self, volunteer):
        """What a volunteer may take: requests to fill of their organisation, in the communes where they act."""
        return self.filter(
            state=RequestState.QUALIFIED,
            volunteer__isnull=True,
            organisation=volunteer.organisation_id,
            commune__in=volunteer.communes.values("insee_code"),
        )

    def held_by(self, volunteer):
        return self.filter(volunteer=volunteer, state__in=HELD_REQUEST_STATES)

    def for_volunteer(self, volunteer):
        """What a volunteer may open: the requests they hold (with the person's contact) or may take (without it);
        nothing else, nothing once done (SECURITY.md 5)."""
        return self.filter(Q(pk__in=self.held_by(volunteer).values("pk")) | Q(pk__in=self.claimable_by(volunteer).values("pk")))


class AidRequest(PublicIdModel):
    """A request for help: what, when, where and for whom; handled by an organisation (or the CCAS), done by a volunteer."""

    kind = models.CharField("aide demandée", max_length=15, choices=HelpKind.choices)
    details = models.TextField("précisions", max_length=500, blank=True)
    urgency = models.CharField("urgence", max_length=10, choices=Urgency.choices, default=Urgency.SOON)
    wanted_from = models.DateField("à partir du")
    wanted_until = models.DateField("au plus tard le")
    periods = models.PositiveSmallIntegerField("moments de la journée", default=0)  # bits of enums.PERIODS; 0: any
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="aid_requests", verbose_name="commune")
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    phone = PhoneNumberField("téléphone", blank=True)  # always asked on the portal; a home visit may find no phone
    address = models.CharField("adresse", max_length=200)
    email = models.EmailField("adresse électronique", blank=True)
    requester = models.CharField("demandée par", max_length=12, choices=Requester.choices, default=Requester.SELF)
    requester_name = models.CharField("nom du proche", max_length=100, blank=True)
    source = models.CharField("origine", max_length=12, choices=RequestSource.choices)
    consent_at = models.DateTimeField("consentement donné le")
    state = models.CharField("état", max_length=12, choices=RequestState.choices, default=RequestState.NEW)
    organisation = models.ForeignKey(
        Organisation, on_delete=models.PROTECT, null=True, blank=True, related_name="aid_requests", verbose_name="organisation"
    )
    volunteer = models.ForeignKey(
        Volunteer, on_delete=models.SET_NULL, null=True, blank=True, related_name="aid_requests", verbose_name="bénévole"
    )
    assigned_at = models.DateTimeField("attribuée le", null=True, blank=True)
    act_by = models.DateTimeField("à commencer avant", null=True, blank=True)
    started_at = models.DateTimeField("commencée le", null=True, blank=True)
    done_at = models.DateTimeField("faite le", null=True, blank=True)
    fulfilment = models.CharField("réalisation", max_length=10, choices=Fulfilment.choices, blank=True)
    delivery_note = models.CharField("ce qui a été fait", max_length=300, blank=True)
    # The register's person, for the CCAS only (a request from a veille call): never shown to a volunteer.
    followup_person = models.ForeignKey(
        "followup.Person", on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="personne du registre"
    )
    followup_campaign = models.ForeignKey(
        "followup.Campaign",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="aid_requests",
        verbose_name="campagne de veille",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )

    objects = AidRequestQuerySet.as_manager()

    class Meta:
        verbose_name = "demande d’aide"
        verbose_name_plural = "demandes d’aide"
        ordering = ["-created_at", "-pk"]
        constraints = [
            models.CheckConstraint(condition=Q(wanted_until__gte=F("wanted_from")), name="aid_request_window_in_order"),
            models.CheckConstraint(
                condition=~Q(state__in=HELD_REQUEST_STATES) | Q(volunteer__isnull=False), name="held_aid_request_has_volunteer"
            ),
        ]
        indexes = [
            models.Index(fields=["organisation", "state", "commune"], name="aid_request_queue"),
            models.Index(fields=["commune", "state"], name="aid_request_commune"),
            models.Index(fields=["volunteer", "state"], name="aid_request_volunteer"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.commune_id}"

    def get_absolute_url(self):
        return reverse("aid:request", args=[self.public_id])

    @property
    def period_labels(self):
        return [word for index, word in enumerate(PERIOD_WORDS) if self.periods & (1 << index)] or ["à tout moment"]

    @property
    def window_slots(self):
        """The weekly slots (enums.slot_bit) the request's window covers: whom its time suits."""
        periods = [index for index in range(len(PERIODS)) if not self.periods or self.periods & (1 << index)]
        days = {
            (self.wanted_from + datetime.timedelta(days=n)).weekday()
            for n in range(min(7, (self.wanted_until - self.wanted_from).days + 1))
        }
        return sum(slot_bit(day, period) for day in days for period in periods)

    @property
    def is_held(self):
        return self.state in HELD_REQUEST_STATES


class AidRequestEvent(models.Model):
    """The trace of a request: each step, who did it, when."""

    request = models.ForeignKey(AidRequest, on_delete=models.CASCADE, related_name="events", verbose_name="demande")
    action = models.CharField("étape", max_length=12, choices=RequestAction.choices)
    at = models.DateTimeField("le", default=timezone.now)
    by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par")
    volunteer = models.ForeignKey(Volunteer, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="bénévole")
    note = models.CharField("précision", max_length=200, blank=True)

    class Meta:
        verbose_name = "étape d’une demande d’aide"
        verbose_name_plural = "étapes des demandes d’aide"
        ordering = ["at", "pk"]


# Isolation housing ------------------------------------------------------------------------------------------------

MAX_PLACE_CAPACITY = 500
MAX_STAY_NIGHTS = 60


class HousingPlaceQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The places of the organisations a user acts for: their own as a partner member, the CCAS and CIAS serving
        their communes as social services (attachable_organisations). Above them, the capacity figures only."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisation__in=attachable_organisations(user).values("pk"))

    def active(self):
        return self.filter(is_active=True)

    def serving(self, commune):
        """The places open to the people of `commune`: in the territory of a CLS covering it, or in its EPCI."""
        # Two indexed subqueries: one OR across the CLS's communes scanned every commune of every CLS (88 ms).
        condition = Q(commune__in=Commune.objects.filter(contracts__in=commune.contracts.values("pk")).values("insee_code"))
        if commune.epci_id:
            condition |= Q(commune__epci=commune.epci_id)
        return self.filter(condition)


class HousingPlace(PublicIdModel):
    """A place offered by a partner for people who must isolate and cannot at home: how many, where, on what terms."""

    organisation = models.ForeignKey(Organisation, on_delete=models.PROTECT, related_name="housing_places", verbose_name="organisation")
    name = models.CharField("nom du lieu", max_length=150)
    kind = models.CharField("type d’hébergement", max_length=10, choices=HousingKind.choices, default=HousingKind.FLAT)
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="housing_places", verbose_name="commune")
    address = models.CharField("adresse", max_length=200, help_text="Donnée à la personne une fois sa réservation confirmée.")
    capacity = models.PositiveSmallIntegerField("places (personnes accueillies en même temps)")
    accessible = models.BooleanField("accessible en fauteuil roulant", default=False)
    accessibility = models.CharField("précisions sur l’accessibilité", max_length=300, blank=True)
    conditions = models.TextField(
        "conditions d’accueil",
        max_length=1000,
        blank=True,
        help_text="Repas, linge, animaux, durée maximale, ce qu’il faut apporter.",
    )
    phone = PhoneNumberField("téléphone des réservations", blank=True)
    is_active = models.BooleanField("ouvert aux réservations", default=True)
    plan_action = models.ForeignKey(
        "plans.PlannedAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name="action du plan",
        help_text="Les nuits d’isolement offertes comptent dans ses indicateurs.",
    )

    objects = HousingPlaceQuerySet.as_manager()

    class Meta:
        verbose_name = "lieu d’hébergement d’isolement"
        verbose_name_plural = "lieux d’hébergement d’isolement"
        ordering = ["name", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(capacity__gte=1, capacity__lte=MAX_PLACE_CAPACITY), name="housing_place_capacity_in_range"),
        ]
        indexes = [models.Index(fields=["commune", "is_active"], name="housing_place_commune")]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("housing:place", args=[self.public_id])


class HousingBookingQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The bookings of the places a user manages (HousingPlace.visible_to); nobody above them."""
        return self.filter(place__in=HousingPlace.objects.visible_to(user).values("pk"))

    def occupying(self):
        return self.filter(state__in=OCCUPYING_STATES)

    def open(self):
        return self.filter(state__in=OPEN_BOOKING_STATES)

    def overlapping(self, start, end):
        """Bookings with at least one night in [start, end) (a night is the date one sleeps there)."""
        return self.filter(arrival__lt=end, departure__gt=start)


class HousingBooking(PublicIdModel):
    """A stay asked for a period: for whom, how many, from when to when. No health reason is asked or stored."""

    place = models.ForeignKey(HousingPlace, on_delete=models.PROTECT, related_name="bookings", verbose_name="lieu")
    arrival = models.DateField("arrivée le")
    departure = models.DateField("départ le")
    people = models.PositiveSmallIntegerField("personnes", default=1)
    first_name = models.CharField("prénom", max_length=100)
    last_name = models.CharField("nom", max_length=100)
    phone = PhoneNumberField("téléphone")
    email = models.EmailField("adresse électronique", blank=True)
    requester = models.CharField("demandée par", max_length=12, choices=Requester.choices, default=Requester.SELF)
    requester_name = models.CharField("nom du proche", max_length=100, blank=True)
    needs_accessible = models.BooleanField("besoin d’un accès en fauteuil roulant", default=False)
    source = models.CharField("origine", max_length=10, choices=BookingSource.choices)
    consent_at = models.DateTimeField("consentement donné le")
    state = models.CharField("état", max_length=10, choices=BookingState.choices, default=BookingState.REQUESTED)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décision par"
    )
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decision_note = models.CharField("motif", max_length=200, blank=True)
    arrived_at = models.DateTimeField("arrivée constatée le", null=True, blank=True)
    ended_at = models.DateTimeField("terminée le", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="saisie par"
    )

    objects = HousingBookingQuerySet.as_manager()

    class Meta:
        verbose_name = "réservation d’hébergement d’isolement"
        verbose_name_plural = "réservations d’hébergement d’isolement"
        ordering = ["arrival", "pk"]
        constraints = [
            models.CheckConstraint(condition=Q(departure__gt=F("arrival")), name="housing_booking_departure_after_arrival"),
            models.CheckConstraint(condition=Q(people__gte=1, people__lte=MAX_PLACE_CAPACITY), name="housing_booking_people_in_range"),
        ]
        indexes = [
            models.Index(fields=["place", "state", "arrival", "departure"], name="housing_booking_nights"),
            models.Index(fields=["state", "updated_at"], name="housing_booking_state"),
        ]

    def __str__(self):
        return f"{self.place} – {self.arrival:%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("housing:booking", args=[self.public_id])

    @property
    def nights(self):
        return (self.departure - self.arrival).days

    @property
    def is_open(self):
        return self.state in OPEN_BOOKING_STATES


# What flows up -----------------------------------------------------------------------------------------------------


class AidPoolQuerySet(models.QuerySet):
    def visible_to(self, user):
        """The links of the organisations a user acts for (attachable_organisations)."""
        if not user.is_authenticated:
            return self.none()
        if user.is_superuser:
            return self.all()
        return self.filter(organisation__in=attachable_organisations(user).values("pk"))


class AidPool(PublicIdModel):
    """An organisation's mutual aid (its volunteers, the requests it handles) counted in a plan action's indicators,
    within the communes of the action's CLS (figures.action_indicators)."""

    organisation = models.ForeignKey(Organisation, on_delete=models.CASCADE, related_name="aid_pools", verbose_name="organisation")
    plan_action = models.ForeignKey("plans.PlannedAction", on_delete=models.CASCADE, related_name="+", verbose_name="action du plan")
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="reliée par"
    )

    objects = AidPoolQuerySet.as_manager()

    class Meta:
        verbose_name = "entraide comptée dans une action"
        verbose_name_plural = "entraides comptées dans des actions"
        ordering = ["organisation", "pk"]
        constraints = [models.UniqueConstraint(fields=["organisation", "plan_action"], name="one_aid_pool_per_action")]

    def __str__(self):
        return f"{self.organisation} → {self.plan_action_id}"
