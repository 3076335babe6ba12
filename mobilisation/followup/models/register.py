"""The municipal register of vulnerable people (CASF L121-6-1): who is registered, how, and who to call.

The wall around personal data (ARCHITECTURE.md): a registered person is read and written only by the named social
services agents of their commune (CCAS) or of its EPCI (CIAS), through `Person.objects.visible_to`; nobody above
them (ARS, coordinators, elected officials, superusers) reads a name. What goes up is aggregates (followup.figures).

No free-text note on a person: the fields are the closed list of CASF R121-3, plus the optional fragility reason,
stored encrypted and only with the explicit consent of the person or their representative.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField

from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.crypto import EncryptedTextField
from mobilisation.core.models import PublicIdModel
from mobilisation.core.text import search_key
from mobilisation.core.urls import url_for

from ..enums import Category, ConsentChannel, ConsentGiver, Provenance, RegistrationState

# The acknowledgement of a registration (or, for a transmission, the letter telling the person of their right to
# object) is owed within 8 days (CASF R121-5).
ACKNOWLEDGEMENT_DAYS = 8


def register_scope(user, *roles):
    """(INSEE codes, SIRENs) of the registers `user` holds with one of `roles` (default: agent or manager)."""
    scope = getattr(user, "scope", None)
    if scope is None:
        return frozenset(), frozenset()
    roles = roles or SOCIAL_SERVICES_ROLES
    return scope.commune_codes_for(*roles), scope.epci_sirens_for(*roles)


def register_communes(user, *roles):
    """The communes whose register `user` holds: a CCAS's commune, every commune of a CIAS's EPCI."""
    from mobilisation.territories.models import Commune

    communes, epcis = register_scope(user, *roles)
    if not (communes or epcis):
        return Commune.objects.none()
    return Commune.objects.filter(Q(insee_code__in=communes) | Q(epci__in=epcis))


class PersonQuerySet(models.QuerySet):
    def visible_to(self, user):
        """People of the registers the user's social-services memberships hold; nobody's for anyone else.

        Superusers included: the technical team administers the platform, not the registers.
        """
        communes, epcis = register_scope(user)
        if not (communes or epcis):
            return self.none()
        return self.filter(Q(commune__in=communes) | Q(commune__epci__in=epcis))

    def managed_by(self, user):
        """People of the registers the user manages (imports, the préfet export, the audit)."""
        communes, epcis = register_scope(user, Role.SOCIAL_SERVICES_MANAGER)
        if not (communes or epcis):
            return self.none()
        return self.filter(Q(commune__in=communes) | Q(commune__epci__in=epcis))

    def registered(self):
        return self.filter(state=RegistrationState.REGISTERED)

    def search(self, text):
        """People whose name holds every word of `text` (accents and case ignored), or whose phone holds its digits
        (the whole number, its beginning from the 0, or its last digits)."""
        digits = "".join(ch for ch in text if ch.isdigit())
        if len(digits) >= 4 and len(digits) == len(text.replace(" ", "").replace(".", "").replace("+", "")):
            # Numbers are stored in E.164 (+33…): digits typed from a leading 0 may be the number's beginning (from +33)
            # as well as its last digits.
            fragments = {digits, "+33" + digits[1:]} if digits.startswith("0") else {digits}
            condition = Q()
            for fragment in fragments:
                condition |= Q(phone__contains=fragment) | Q(phone_2__contains=fragment)
            return self.filter(condition)
        queryset = self
        for word in search_key(text).split():
            queryset = queryset.filter(search_name__contains=word)
        return queryset

    def acknowledgement_due(self):
        """Registered people whose acknowledgement letter has not been sent, the most urgent first."""
        return self.registered().filter(acknowledged_at__isnull=True).order_by("acknowledgement_due", "pk")

    def for_list(self):
        """The columns of the register's list, with the phone as stored text (parsing 50 numbers costs more than the page)."""
        from django.db.models import CharField
        from django.db.models.functions import Cast

        return (
            self.select_related("commune")
            .only("public_id", "state", "last_name", "first_name", "birth_date", "category", "lives_alone", "commune__name", "search_name")
            .annotate(phone_text=Cast("phone", output_field=CharField()))
        )

    def same_person(self, *, last_name, first_name, birth_date, commune):
        """Records of the same person in the same commune's register (name, first name, birth date): a duplicate."""
        return self.filter(search_name=search_key(f"{last_name} {first_name}"), birth_date=birth_date, commune=commune).exclude(
            state=RegistrationState.REMOVED
        )


class Person(PublicIdModel):
    """A person in a commune's register of vulnerable people."""

    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, related_name="registered_people", verbose_name="commune de résidence"
    )
    state = models.CharField("état", max_length=10, choices=RegistrationState.choices, default=RegistrationState.REGISTERED)
    last_name = models.CharField("nom", max_length=150, blank=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    category = models.CharField("qualité", max_length=20, choices=Category.choices, blank=True)
    address = models.CharField(
        "adresse", max_length=250, blank=True, help_text="Numéro et voie, par exemple « 12 rue de la Poissonnerie »."
    )
    address_complement = models.CharField(
        "complément d’adresse", max_length=250, blank=True, help_text="Bâtiment, étage, code d’accès, lieu-dit."
    )
    phone = PhoneNumberField("téléphone", blank=True)
    phone_2 = PhoneNumberField("autre téléphone", blank=True)
    lives_alone = models.BooleanField(
        "vit seule à son domicile", default=False, help_text="Les personnes seules sont appelées en premier lors d’une veille."
    )
    home_care_service = models.CharField("service intervenant à domicile", max_length=200, blank=True)
    home_care_phone = PhoneNumberField("téléphone du service à domicile", blank=True)
    request_date = models.DateField("date de la demande ou de la transmission", null=True, blank=True)
    provenance = models.CharField("origine de l’inscription", max_length=15, choices=Provenance.choices, blank=True)
    requester_name = models.CharField(
        "nom du demandeur", max_length=150, blank=True, help_text="Pour une demande d’un représentant légal ou d’un tiers."
    )
    acknowledgement_due = models.DateField("accusé de réception à envoyer avant le", null=True, blank=True)
    acknowledged_at = models.DateTimeField("accusé de réception envoyé le", null=True, blank=True)
    objected_at = models.DateField("opposition reçue le", null=True, blank=True)
    removed_at = models.DateTimeField("radiée le", null=True, blank=True)
    # The optional fragility or health reason, encrypted at rest, only with explicit consent (who, when, how).
    reason = EncryptedTextField("motif de fragilité ou de santé")
    reason_consent_by = models.CharField("consentement donné par", max_length=15, choices=ConsentGiver.choices, blank=True)
    reason_consent_channel = models.CharField("consentement recueilli", max_length=15, choices=ConsentChannel.choices, blank=True)
    reason_consent_at = models.DateField("consentement donné le", null=True, blank=True)
    reason_recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="motif saisi par"
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name="inscrite par"
    )
    search_name = models.CharField(max_length=300, editable=False, blank=True)

    objects = PersonQuerySet.as_manager()

    # The fields a removal erases and an objection keeps (identity: to refuse a new transmission of the same person).
    IDENTITY_FIELDS = ("last_name", "first_name", "birth_date")
    PERSONAL_FIELDS = (
        *IDENTITY_FIELDS,
        "category",
        "address",
        "address_complement",
        "phone",
        "phone_2",
        "lives_alone",
        "home_care_service",
        "home_care_phone",
        "requester_name",
        "reason",
        "reason_consent_by",
        "reason_consent_channel",
        "reason_consent_at",
        "reason_recorded_by",
    )

    class Meta:
        verbose_name = "personne inscrite"
        verbose_name_plural = "personnes inscrites"
        ordering = ["search_name", "pk"]
        indexes = [
            models.Index(fields=["commune", "state", "search_name"], name="person_register_name"),
            models.Index(fields=["state", "acknowledged_at", "acknowledgement_due"], name="person_acknowledgement"),
        ]
        constraints = [
            # A reason is never stored without its consent (who gave it, how, when).
            models.CheckConstraint(
                name="person_reason_has_consent",
                condition=Q(reason__isnull=True)
                | (Q(reason_consent_at__isnull=False) & ~Q(reason_consent_by="") & ~Q(reason_consent_channel="")),
            ),
            # A registered person has the legal minimum; an erased one has nothing left.
            models.CheckConstraint(
                name="person_registered_is_complete",
                condition=~Q(state=RegistrationState.REGISTERED)
                | (
                    ~Q(last_name="")
                    & ~Q(first_name="")
                    & Q(birth_date__isnull=False)
                    & ~Q(category="")
                    & ~Q(provenance="")
                    & Q(request_date__isnull=False)
                ),
            ),
            models.CheckConstraint(
                name="person_removed_is_empty",
                condition=~Q(state=RegistrationState.REMOVED)
                | (Q(last_name="", first_name="", birth_date__isnull=True, phone="", reason__isnull=True)),
            ),
        ]

    def __str__(self):
        if self.state == RegistrationState.REMOVED:
            return "Personne radiée"
        return f"{self.last_name.upper()} {self.first_name}".strip()

    def get_absolute_url(self):
        return url_for("followup:person", self.public_id)

    def save(self, *args, **kwargs):
        # Derived, never typed: the folded name the search and duplicate detection read.
        self.search_name = search_key(f"{self.last_name} {self.first_name}")
        super().save(*args, **kwargs)

    @property
    def age(self):
        if self.birth_date is None:
            return None
        today = timezone.localdate()
        return today.year - self.birth_date.year - ((today.month, today.day) < (self.birth_date.month, self.birth_date.day))

    @property
    def is_registered(self):
        return self.state == RegistrationState.REGISTERED

    @property
    def acknowledgement_late(self):
        return (
            self.is_registered
            and self.acknowledged_at is None
            and self.acknowledgement_due is not None
            and (self.acknowledgement_due < timezone.localdate())
        )

    @property
    def provenance_enum(self):
        return Provenance(self.provenance) if self.provenance else None

    @staticmethod
    def acknowledgement_due_for(request_date):
        return request_date + datetime.timedelta(days=ACKNOWLEDGEMENT_DAYS)


class ContactPerson(models.Model):
    """Someone to call about a registered person: family, neighbour, friend (the « personne à prévenir »)."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="contacts", verbose_name="personne inscrite")
    name = models.CharField("nom et prénom", max_length=150)
    link = models.CharField("lien avec la personne", max_length=60, help_text="Par exemple : fille, voisin, ami.")
    phone = PhoneNumberField("téléphone")
    position = models.PositiveSmallIntegerField("ordre d’appel", default=1)

    class Meta:
        verbose_name = "personne à prévenir"
        verbose_name_plural = "personnes à prévenir"
        ordering = ["position", "pk"]

    def __str__(self):
        return f"{self.name} ({self.link})"
