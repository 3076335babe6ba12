"""The numéro vert: its lines, the calls it answers, the callbacks it owes, the FAQ it reads from, the registrations
it proposes to the CCAS.

A line belongs to a CLS or to a commune; its operators (the hotline operator role, scoped to the line) are the only
ones to read its call log and its callbacks. A call keeps no identity of the caller: anonymous callers stay
anonymous. What a caller gives to be called back (a phone, a first name) lives on the callback until it is closed,
then is erased; what they give for a request for help goes to mutual aid (mutualaid.AidRequest), for a registration
to the CCAS of their commune (RegistrationProposal), each only with their consent. Coordinators, elected officials and
the ARS read counts (figures.py).

The FAQ is written and validated by the ARS: an answer in force has been validated, its validity dates hold today,
and it reads the variant for the restriction in force (lockdown, curfew) where it has one.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from phonenumber_field.modelfields import PhoneNumberField
from simple_history.models import HistoricalRecords

from mobilisation.accounts.enums import ARS_ROLES, SOCIAL_SERVICES_ROLES, Role
from mobilisation.core.models import PublicIdModel
from mobilisation.core.text import search_key
from mobilisation.plans.enums import RestrictionKind
from mobilisation.territories.models import Commune

from .enums import (
    REASON_BITS,
    CallbackOrigin,
    CallbackState,
    CallerKind,
    FaqState,
    ProposalState,
    Reason,
    Referral,
    reasons_of,
)

CLAIM_FOR = datetime.timedelta(minutes=15)  # a callback taken by an operator is theirs this long
RETRY_AFTER = datetime.timedelta(hours=1)  # a callback not answered is tried again after this
DEFAULT_ATTEMPTS = 3
STALE_AFTER = datetime.timedelta(days=7)  # a callback still open this long after it was due is closed, its number erased


def social_services_communes(user):
    from mobilisation.mutualaid.models import social_services_communes as communes

    return communes(user)


class LineQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Lines are no personal data (public numbers and hours): their operators, the CLS team of a CLS's line, the
        social services of a commune's line, the ARS (the region, the delegation of the department) see them."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if user.is_superuser or scope.whole_region:
            return self.all()
        condition = Q(pk__in=scope.line_ids) | Q(cls__in=scope.cls_ids)
        if Role.ARS_DELEGATION in scope.roles:
            condition |= Q(cls__department__in=scope.department_codes) | Q(commune__department__in=scope.department_codes)
        if scope.roles & set(SOCIAL_SERVICES_ROLES):
            condition |= Q(commune__in=social_services_communes(user))
        return self.filter(condition)

    def managed_by_grants(self, grants):
        """The lines whose settings and operators `grants` (accounts.perms.Grants) manage: a coordinator's CLS's lines,
        a CCAS or CIAS manager's communes' lines."""
        if grants.everything:
            return self.all()
        condition = Q(cls__in=grants.coordinated) | Q(commune__in=grants.managed_communes)
        if grants.managed_epcis:
            condition |= Q(commune__epci__in=grants.managed_epcis)
        return self.filter(condition)

    def managed_by(self, user):
        from mobilisation.accounts.perms import Grants

        return self.managed_by_grants(Grants(user))

    def operated_by(self, user):
        """The open lines whose call log `user` keeps (an active operator membership)."""
        return self.filter(pk__in=user.scope.line_ids, is_active=True)

    def serving(self, commune):
        """The open lines that answer the inhabitants of `commune`: its own, its CLS's."""
        return self.filter(is_active=True).filter(Q(commune=commune) | Q(cls__in=commune.contracts.values("pk")))


class Line(PublicIdModel):
    name = models.CharField("nom de la ligne", max_length=120, help_text="Par exemple « Numéro vert COVID du Pays de Dinan ».")
    cls = models.ForeignKey(
        "contracts.Cls", on_delete=models.PROTECT, null=True, blank=True, related_name="hotline_lines", verbose_name="CLS"
    )
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="hotline_lines", verbose_name="commune"
    )
    number = PhoneNumberField("numéro public", region="FR", help_text="Par exemple 0 800 35 35 35.")
    hours = models.CharField("horaires", max_length=200, help_text="Par exemple « Du lundi au samedi, de 9 h à 19 h ».")
    is_active = models.BooleanField("ouverte", default=True, help_text="Une ligne fermée n’est plus annoncée ni tenue.")
    callback_attempts = models.PositiveSmallIntegerField(
        "essais de rappel", default=DEFAULT_ATTEMPTS, help_text="Au-delà, le rappel est clos « sans réponse » et le numéro effacé."
    )
    plan_action = models.ForeignKey(
        "plans.PlannedAction",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_lines",
        verbose_name="action du plan",
        help_text="Les appels de la ligne comptent dans les indicateurs de cette action.",
    )

    objects = LineQuerySet.as_manager()

    class Meta:
        verbose_name = "ligne du numéro vert"
        verbose_name_plural = "lignes du numéro vert"
        constraints = [
            models.CheckConstraint(
                name="hotline_line_one_territory",
                condition=Q(cls__isnull=False, commune__isnull=True) | Q(cls__isnull=True, commune__isnull=False),
            ),
            models.CheckConstraint(name="hotline_line_attempts", condition=Q(callback_attempts__gte=1, callback_attempts__lte=10)),
        ]

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("hotline:figures", args=[self.public_id])

    @property
    def territory(self):
        return self.cls or self.commune

    def communes(self):
        if self.commune_id:
            return Commune.objects.filter(pk=self.commune_id)
        return Commune.objects.filter(contracts=self.cls_id)

    @property
    def department_id(self):
        return self.commune.department_id if self.commune_id else self.cls.department_id


class CallQuerySet(models.QuerySet):
    def visible_to(self, user):
        """A line's calls are read by its operators only (they hold no identity, but what was said is theirs)."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        return self.filter(line__in=scope.line_ids)

    def on_day(self, day):
        start = timezone.make_aware(datetime.datetime.combine(day, datetime.time.min))
        return self.filter(at__gte=start, at__lt=start + datetime.timedelta(days=1))


class Call(models.Model):
    """A call answered (or a callback made): who called (a kind, no identity), why, what was answered, where to."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="calls", verbose_name="ligne")
    operator = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="hotline_calls", verbose_name="écoutant"
    )
    at = models.DateTimeField("appel du", default=timezone.now)
    commune = models.ForeignKey(
        Commune, on_delete=models.PROTECT, null=True, blank=True, related_name="hotline_calls", verbose_name="commune de l’appelant"
    )
    caller_kind = models.CharField("qui appelle", max_length=16, choices=CallerKind.choices, default=CallerKind.PERSON)
    reasons = models.PositiveIntegerField("motifs", default=0)
    faq_entry = models.ForeignKey(
        "FaqEntry", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name="fiche de la FAQ lue"
    )
    answer = models.TextField("réponse donnée", max_length=1000, blank=True)
    referral = models.CharField("orientation", max_length=10, choices=Referral.choices, default=Referral.NONE)
    service = models.ForeignKey(
        "directory.Service", on_delete=models.SET_NULL, null=True, blank=True, related_name="hotline_calls", verbose_name="service"
    )
    duration_minutes = models.PositiveSmallIntegerField("durée (minutes)", null=True, blank=True)
    callback_of = models.ForeignKey(
        "Callback", on_delete=models.SET_NULL, null=True, blank=True, related_name="calls", verbose_name="rappel"
    )
    aid_request = models.ForeignKey(
        "mutualaid.AidRequest",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="hotline_calls",
        verbose_name="demande d’aide",
    )

    objects = CallQuerySet.as_manager()

    class Meta:
        verbose_name = "appel"
        indexes = [models.Index(fields=["line", "at"], name="hotline_call_line_at")]
        constraints = [models.CheckConstraint(name="hotline_call_reasons", condition=Q(reasons__gt=0))]

    def __str__(self):
        return f"Appel du {timezone.localtime(self.at):%d/%m/%Y %H:%M}"

    @property
    def reason_labels(self):
        return [reason.label for reason in reasons_of(self.reasons)]


class CallbackQuerySet(models.QuerySet):
    def visible_to(self, user):
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        return self.filter(line__in=scope.line_ids)

    def waiting(self):
        return self.filter(state=CallbackState.OPEN)


class Callback(PublicIdModel):
    """A number to call back: a missed call, or a callback promised during a call. Its phone and first name are erased
    when it is closed."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="callbacks", verbose_name="ligne")
    origin = models.CharField("origine", max_length=8, choices=CallbackOrigin.choices)
    call = models.ForeignKey(Call, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="appel d’origine")
    phone = PhoneNumberField("téléphone", region="FR", blank=True)
    first_name = models.CharField("prénom ou nom donné", max_length=60, blank=True)
    note = models.CharField("objet du rappel", max_length=200, blank=True)
    due_at = models.DateTimeField("à rappeler à partir de", default=timezone.now)
    state = models.CharField("état", max_length=12, choices=CallbackState.choices, default=CallbackState.OPEN)
    attempts = models.PositiveSmallIntegerField("essais", default=0)
    last_attempt_at = models.DateTimeField("dernier essai", null=True, blank=True)
    claimed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="pris par"
    )
    claimed_until = models.DateTimeField("pris jusqu’à", null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="noté par"
    )
    closed_at = models.DateTimeField("clos le", null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="clos par"
    )

    objects = CallbackQuerySet.as_manager()

    class Meta:
        verbose_name = "rappel"
        indexes = [models.Index(fields=["line", "state", "due_at"], name="hotline_callback_queue")]
        constraints = [
            models.CheckConstraint(name="hotline_open_callback_has_phone", condition=~Q(state=CallbackState.OPEN) | ~Q(phone="")),
        ]

    def __str__(self):
        return f"Rappel du {timezone.localtime(self.created_at):%d/%m/%Y %H:%M}"

    def get_absolute_url(self):
        return reverse("hotline:callback", args=[self.line.public_id, self.public_id])

    def held_by(self, user, now=None):
        now = now or timezone.now()
        return self.state == CallbackState.OPEN and self.claimed_by_id == user.pk and self.claimed_until and self.claimed_until > now

    def taken_by_other(self, user, now=None):
        now = now or timezone.now()
        return bool(self.claimed_by_id and self.claimed_by_id != user.pk and self.claimed_until and self.claimed_until > now)


class FaqQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Validated answers are public; a proposal is read by the ARS and by whoever proposed it."""
        scope = getattr(user, "scope", None)
        if scope is not None and (user.is_superuser or scope.roles & set(ARS_ROLES)):
            return self.all()
        condition = Q(state=FaqState.VALIDATED)
        if scope is not None and user.is_authenticated:
            condition |= Q(proposed_by=user)
        return self.filter(condition)

    def in_force(self, day=None):
        day = day or timezone.localdate()
        return self.filter(state=FaqState.VALIDATED, valid_from__lte=day).filter(Q(valid_until__isnull=True) | Q(valid_until__gte=day))

    def search(self, text):
        """Every meaningful word of `text` in the question, the answers or the key words, whatever the accents, the
        case and a plural's s."""
        queryset = self
        for word in search_words(text):
            queryset = queryset.filter(search_text__contains=word)
        return queryset


STOP_WORDS = {
    "au",
    "aux",
    "avec",
    "ce",
    "ces",
    "comment",
    "dans",
    "de",
    "des",
    "du",
    "elle",
    "en",
    "est",
    "et",
    "il",
    "ils",
    "je",
    "la",
    "le",
    "les",
    "leur",
    "ma",
    "mes",
    "mon",
    "ne",
    "nous",
    "on",
    "ou",
    "par",
    "pas",
    "peut",
    "peux",
    "pour",
    "puis",
    "quand",
    "que",
    "quel",
    "quelle",
    "qui",
    "quoi",
    "sa",
    "se",
    "ses",
    "son",
    "sur",
    "ta",
    "tu",
    "un",
    "une",
    "vos",
    "votre",
    "vous",
}


def search_words(text):
    words = []
    for word in search_key(text).split():
        if len(word) < 2 or word in STOP_WORDS:
            continue
        words.append(word[:-1] if len(word) > 3 and word.endswith("s") else word)
    return words[:8]


def faq_writers(user):
    """Who writes, validates and withdraws the FAQ: the ARS (region and delegations)."""
    return user.is_superuser or user.has_role(Role.ARS_REGION, Role.ARS_DELEGATION)


class FaqEntry(PublicIdModel):
    question = models.CharField("question", max_length=300)
    answer = models.TextField("réponse", max_length=4000, help_text="La réponse hors mesure particulière.")
    theme = models.CharField("thème", max_length=16, choices=Reason.choices)
    keywords = models.CharField("mots-clés", max_length=200, blank=True, help_text="D’autres mots que chercheront les écoutants.")
    valid_from = models.DateField("valable à partir du", default=timezone.localdate)
    valid_until = models.DateField("valable jusqu’au", null=True, blank=True, help_text="Vide : jusqu’à nouvel ordre.")
    state = models.CharField("état", max_length=10, choices=FaqState.choices, default=FaqState.PROPOSED)
    proposed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="proposée par"
    )
    validated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="validée par"
    )
    validated_at = models.DateTimeField("validée le", null=True, blank=True)
    search_text = models.TextField(editable=False, blank=True)
    history = HistoricalRecords(
        excluded_fields=["search_text", "updated_at"], verbose_name="historique de la fiche", verbose_name_plural="historiques des fiches"
    )

    objects = FaqQuerySet.as_manager()

    class Meta:
        verbose_name = "question de la FAQ"
        verbose_name_plural = "questions de la FAQ"
        ordering = ["theme", "question"]
        constraints = [
            models.CheckConstraint(
                name="faq_valid_until_after_from", condition=Q(valid_until__isnull=True) | Q(valid_until__gte=models.F("valid_from"))
            ),
            models.CheckConstraint(
                name="faq_validated_has_validator", condition=~Q(state=FaqState.VALIDATED) | Q(validated_at__isnull=False)
            ),
        ]

    def __str__(self):
        return self.question

    def get_absolute_url(self):
        return reverse("hotline:faq_entry", args=[self.public_id])

    def refresh_search_text(self, variants=None):
        """The folded text the search reads: question, key words, answer and its variants."""
        variants = self.variants.all() if variants is None and self.pk else (variants or [])
        parts = [self.question, self.keywords, self.answer, *(variant.answer for variant in variants)]
        self.search_text = search_key(" ".join(parts))

    def in_force_on(self, day):
        return self.state == FaqState.VALIDATED and self.valid_from <= day and (self.valid_until is None or self.valid_until >= day)

    def answer_under(self, kinds):
        """(answer, variant) for the restriction kinds in force (the strictest with a variant first), from the
        prefetched variants; (the general answer, None) when none applies."""
        variants = {variant.kind: variant for variant in self.variants.all()}
        for kind in STRICTEST_FIRST:
            if kind in kinds and kind in variants:
                return variants[kind].answer, variants[kind]
        return self.answer, None


STRICTEST_FIRST = [RestrictionKind.LOCKDOWN, RestrictionKind.CURFEW, RestrictionKind.LOCAL_MEASURE]


class FaqVariant(models.Model):
    """The answer while a kind of restriction is in force where the caller lives (« sous confinement… »)."""

    entry = models.ForeignKey(FaqEntry, on_delete=models.CASCADE, related_name="variants", verbose_name="question")
    kind = models.CharField("pendant", max_length=20, choices=RestrictionKind.choices)
    answer = models.TextField("réponse", max_length=4000)

    class Meta:
        verbose_name = "variante de la réponse"
        verbose_name_plural = "variantes de la réponse"
        constraints = [models.UniqueConstraint(fields=["entry", "kind"], name="faq_one_variant_per_kind")]

    def __str__(self):
        return f"{self.entry} ({self.get_kind_display().lower()})"


class ProposalQuerySet(models.QuerySet):
    def visible_to(self, user):
        """Read by the social services of the person's commune only (it is their register)."""
        scope = getattr(user, "scope", None)
        if scope is None or not scope.roles & set(SOCIAL_SERVICES_ROLES):
            return self.none()
        return self.filter(commune__in=social_services_communes(user))

    def waiting(self):
        return self.filter(state=ProposalState.NEW)


class RegistrationProposal(PublicIdModel):
    """A caller who agrees to be proposed for the register of fragile people of their commune: the CCAS decides. The
    personal fields are erased once it has (the person is in the register, or not)."""

    line = models.ForeignKey(Line, on_delete=models.CASCADE, related_name="proposals", verbose_name="ligne")
    commune = models.ForeignKey(Commune, on_delete=models.PROTECT, related_name="registration_proposals", verbose_name="commune")
    by_relative = models.BooleanField("proposée par un proche", default=False)
    first_name = models.CharField("prénom", max_length=100, blank=True)
    last_name = models.CharField("nom", max_length=100, blank=True)
    birth_date = models.DateField("date de naissance", null=True, blank=True)
    phone = PhoneNumberField("téléphone", region="FR", blank=True)
    address = models.CharField("adresse", max_length=200, blank=True)
    consent_at = models.DateTimeField("accord donné le")
    state = models.CharField("état", max_length=12, choices=ProposalState.choices, default=ProposalState.NEW)
    decided_at = models.DateTimeField("décidée le", null=True, blank=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="décidée par"
    )

    objects = ProposalQuerySet.as_manager()

    class Meta:
        verbose_name = "proposition d’inscription au registre"
        verbose_name_plural = "propositions d’inscription au registre"
        indexes = [models.Index(fields=["commune", "state"], name="hotline_proposal_commune")]

    def __str__(self):
        return f"Proposition du {timezone.localtime(self.created_at):%d/%m/%Y}"

    def get_absolute_url(self):
        return reverse("hotline:proposal", args=[self.public_id])


__all__ = ["REASON_BITS", "Callback", "Call", "CallbackOrigin", "FaqEntry", "FaqVariant", "Line", "RegistrationProposal"]
