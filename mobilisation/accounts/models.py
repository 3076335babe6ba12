"""Accounts: a user logs in with an e-mail address and holds memberships (a role and its scope)."""

import functools
import hashlib
import secrets
import uuid
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from simple_history.models import HistoricalRecords

from mobilisation.core.models import PublicIdModel
from mobilisation.core.text import search_key

from .enums import SECOND_FACTOR_ROLES, AccountEventKind, InvitationState, Role
from .perms import Grants, touchable
from .tokens import INVITATION_VALIDITY


class UserQuerySet(models.QuerySet):
    """Who sees and who manages a person; the rules of each role are in perms.Grants, written once."""

    def visible_to(self, user):
        """People whose memberships the user sees (MembershipQuerySet.visible_to); the region sees every account.

        A superuser is seen by superusers only: the ARS region manages people, not the technical team.
        """
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        queryset = self.all() if scope.manages_registry else self.filter(pk__in=Membership.objects.visible_to(user).values("user"))
        return queryset if user.is_superuser else queryset.filter(is_superuser=False)

    def listed_for(self, user):
        """The people of the "Personnes" section: those the user sees, for a user who manages someone; else nobody."""
        return self.visible_to(user) if Grants(user).any else self.none()

    def editable_by(self, user):
        """People the user may invite to a new membership or re-invite: at least one of their memberships is theirs to
        manage (the region: every account). Never oneself; a superuser only by a superuser."""
        grants = Grants(user)
        if not grants.any:
            return self.none()
        queryset = self.filter(touchable(user))
        if grants.everything:
            return queryset
        return queryset.filter(pk__in=Membership.objects.manageable_by(user).values("user"))

    def manageable_by(self, user):
        """Accounts the user may deactivate and reactivate as a whole: editable, and holding no membership outside
        what the user manages (a coordinator deactivates the membership of a person who works elsewhere too)."""
        queryset = self.editable_by(user)
        outside = Membership.objects.exclude(pk__in=Membership.objects.manageable_by(user).values("pk"))
        return queryset.exclude(pk__in=outside.values("user"))

    def in_state(self, state):
        """Accounts in an invitation state (see User.invitation_state), as one filter."""
        unusable = Q(password__startswith=UNUSABLE_PASSWORD_PREFIX)
        fresh = Q(invited_at__gte=timezone.now() - INVITATION_VALIDITY)
        return self.filter(
            {
                InvitationState.DEACTIVATED: Q(is_active=False),
                InvitationState.ACTIVE: Q(is_active=True) & ~unusable,
                InvitationState.INVITED: Q(is_active=True) & unusable & fresh,
                InvitationState.AWAITING: Q(is_active=True) & unusable & ~fresh,
            }[InvitationState(state)]
        )

    def search(self, text):
        """Accounts whose name or e-mail address holds every word of `text`, case and accents ignored on both
        databases ("begue", "BÈGUE" and "Bègue" find Mme Bègue): each word folded by search_key is looked for in the
        folded name (User.search_name), the word as typed in the e-mail address ("benevole.dinan@")."""
        queryset = self
        for word in text.split():
            matches = Q(email__icontains=word)
            if key := search_key(word):
                matches |= Q(search_name__contains=key)
            queryset = queryset.filter(matches)
        return queryset


PLACEHOLDER_ID = uuid.UUID(int=0)


@functools.cache
def person_url_pattern():
    return reverse("people:person", args=[PLACEHOLDER_ID])


class UserManager(BaseUserManager.from_queryset(UserQuerySet)):
    use_in_migrations = True

    def create_user(self, email, password=None, **extra):
        if not email:
            raise ValueError("L’adresse électronique est obligatoire.")
        user = self.model(email=self.normalize_email(email).lower(), **extra)
        user.set_password(password)
        user.save(using=self._db)
        return user

    def create_superuser(self, email, password=None, **extra):
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)

    def get_by_natural_key(self, username):
        return self.get(email__iexact=username)


@dataclass(frozen=True)
class Scope:
    """What a user's memberships give access to, computed once per request."""

    roles: frozenset = field(default_factory=frozenset)
    whole_region: bool = False
    manages_registry: bool = False
    department_codes: frozenset = field(default_factory=frozenset)
    cls_ids: frozenset = field(default_factory=frozenset)
    commune_codes: frozenset = field(default_factory=frozenset)
    epci_sirens: frozenset = field(default_factory=frozenset)
    organisation_ids: frozenset = field(default_factory=frozenset)
    line_ids: frozenset = field(default_factory=frozenset)  # the hotline lines of an operator
    cls_roles: frozenset = field(default_factory=frozenset)  # (role, cls id) pairs
    organisation_roles: frozenset = field(default_factory=frozenset)  # (role, organisation id) pairs
    commune_roles: frozenset = field(default_factory=frozenset)  # (role, INSEE code) pairs
    epci_roles: frozenset = field(default_factory=frozenset)  # (role, SIREN) pairs

    def cls_ids_for(self, *roles):
        return frozenset(cls_id for role, cls_id in self.cls_roles if role in roles)

    def organisation_ids_for(self, *roles):
        return frozenset(organisation_id for role, organisation_id in self.organisation_roles if role in roles)

    def commune_codes_for(self, *roles):
        return frozenset(code for role, code in self.commune_roles if role in roles)

    def epci_sirens_for(self, *roles):
        return frozenset(siren for role, siren in self.epci_roles if role in roles)

    @property
    def is_ars(self):
        return bool(self.roles & {Role.ARS_REGION, Role.ARS_DELEGATION, Role.RESOURCE_POLE})

    @property
    def sees_sources(self):
        """The source and certainty of registry facts are for the ARS and its resource pole."""
        return self.is_ars or self.manages_registry

    def territory_commune_codes(self):
        """Communes of the user's CLS, communes and EPCI (not department-wide scopes)."""
        from mobilisation.territories.models import Commune

        codes = set(self.commune_codes)
        if self.cls_ids or self.epci_sirens:
            codes |= set(
                Commune.objects.filter(Q(contracts__in=self.cls_ids) | Q(epci__in=self.epci_sirens)).values_list("insee_code", flat=True)
            )
        return codes


class User(AbstractBaseUser, PermissionsMixin):
    public_id = models.UUIDField("identifiant public", default=uuid.uuid4, unique=True, editable=False)
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    # The first and last names folded (search_key), kept by save(): the search ignores case and accents on SQLite too,
    # whose LIKE folds ASCII letters only.
    search_name = models.CharField(max_length=301, editable=False, blank=True)
    is_active = models.BooleanField("actif", default=True, help_text="Décocher plutôt que supprimer le compte.")
    is_staff = models.BooleanField("équipe technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)
    invited_at = models.DateTimeField(
        "invitation envoyée le", null=True, blank=True, help_text="Date du dernier lien d’invitation : il vaut 7 jours, une fois."
    )

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]
        # The "Personnes" list in that order, a page at a time: 80,000 accounts at a crisis's height (volunteers).
        indexes = [models.Index(fields=["last_name", "first_name", "email"], name="user_listing")]

    def __str__(self):
        return self.get_full_name() or self.email

    def save(self, *args, **kwargs):
        self.search_name = self.folded_name()
        if kwargs.get("update_fields") is not None and {"first_name", "last_name"} & set(kwargs["update_fields"]):
            kwargs["update_fields"] = {*kwargs["update_fields"], "search_name"}
        super().save(*args, **kwargs)

    def folded_name(self):
        return search_key(f"{self.first_name} {self.last_name}")

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    def get_absolute_url(self):
        # Fifty rows of the people list at each page: the route is reversed once per process, the id put in.
        return person_url_pattern().replace(str(PLACEHOLDER_ID), str(self.public_id))

    @property
    def invitation_state(self):
        """Deactivated; active (a password chosen); invited (a link sent, still valid); awaiting (no valid link)."""
        if not self.is_active:
            return InvitationState.DEACTIVATED
        if self.has_usable_password():
            return InvitationState.ACTIVE
        if self.invited_at and self.invited_at >= timezone.now() - INVITATION_VALIDITY:
            return InvitationState.INVITED
        return InvitationState.AWAITING

    @property
    def invitation_expires_at(self):
        return self.invited_at + INVITATION_VALIDITY if self.invited_at else None

    @cached_property
    def scope(self):
        if not self.is_active:
            return Scope()
        memberships = list(
            self.memberships.active().values_list("role", "department_id", "cls_id", "commune_id", "epci_id", "organisation_id", "line_id")
        )
        roles = frozenset(role for role, *_ in memberships)
        return Scope(
            roles=roles,
            whole_region=self.is_superuser or bool(roles & {Role.ARS_REGION, Role.RESOURCE_POLE}),
            manages_registry=self.is_superuser or Role.ARS_REGION in roles,
            department_codes=frozenset(m[1] for m in memberships if m[1]),
            cls_ids=frozenset(m[2] for m in memberships if m[2]),
            commune_codes=frozenset(m[3] for m in memberships if m[3]),
            epci_sirens=frozenset(m[4] for m in memberships if m[4]),
            organisation_ids=frozenset(m[5] for m in memberships if m[5]),
            line_ids=frozenset(m[6] for m in memberships if m[6]),
            cls_roles=frozenset((m[0], m[2]) for m in memberships if m[2]),
            organisation_roles=frozenset((m[0], m[5]) for m in memberships if m[5]),
            commune_roles=frozenset((m[0], m[3]) for m in memberships if m[3]),
            epci_roles=frozenset((m[0], m[4]) for m in memberships if m[4]),
        )

    def has_role(self, *roles):
        return bool(self.scope.roles & set(roles))

    @property
    def requires_second_factor(self):
        """Whether the account must pass a second factor (ADR 007): the admin (superusers, staff) and whoever reads
        personal data of the people helped (SECOND_FACTOR_ROLES). The ARS region needs one for the admin only
        (MobilisationAdminSite); anyone may enrol. Computed from the scope: no query beyond it."""
        return self.is_active and (self.is_superuser or self.is_staff or self.has_role(*SECOND_FACTOR_ROLES))

    @property
    def can_use_admin(self):
        return self.is_active and (self.is_superuser or self.has_role(Role.ARS_REGION))


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """A user sees their own memberships; the ARS region sees all; a CLS team sees its CLS's members; whoever
        manages memberships sees them (a coordinator: the members and volunteers of the CLS's partners)."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.manages_registry:
            return self.all()
        condition = Q(user=user) | Q(cls__in=scope.cls_ids)
        if Role.ARS_DELEGATION in scope.roles:
            condition |= Q(cls__department__in=scope.department_codes) | Q(department__in=scope.department_codes)
        grants = Grants(user)
        if grants.any:
            condition |= grants.condition()
        return self.filter(condition)

    def manageable_by(self, user):
        """Memberships the user may change, deactivate and reactivate (perms.Grants): never their own, and a
        superuser's only if they are one."""
        grants = Grants(user)
        if not grants.any:
            return self.none()
        return self.filter(grants.condition(), touchable(user, prefix="user__"))

    def with_scope(self):
        return self.select_related("department", "cls", "commune", "epci", "organisation", "line")

    def with_scope_labels(self):
        """with_scope() reading only what a list shows of a membership (its role, state and scope_label): the people
        list builds fifty of them and their territories at every page."""
        return self.with_scope().only(
            "pk",
            "user_id",
            "role",
            "is_active",
            *SCOPE_FIELDS,
            *(f"{name}__{field}" for name, fields in SCOPE_LABEL_FIELDS.items() for field in fields),
        )

    def in_department(self, department):
        """Memberships whose scope lies in a department (a CLS, commune, EPCI seat or organisation of it)."""
        return self.filter(
            Q(department=department)
            | Q(cls__department=department)
            | Q(commune__department=department)
            | Q(epci__seat_department=department)
            | Q(organisation__department=department)
            | Q(line__cls__department=department)
            | Q(line__commune__department=department)
        )

    def in_cls(self, cls):
        """Memberships of a CLS's people: its team, the CCAS/CIAS of its communes and EPCI, its partner organisations."""
        from mobilisation.directory.models import Organisation

        partners = Organisation.objects.filter(communes__contracts=cls).values("pk")
        return self.filter(
            Q(cls=cls)
            | Q(commune__contracts=cls)
            | Q(epci__contracts=cls)
            | Q(organisation__in=partners)
            | Q(line__cls=cls)
            | Q(line__commune__contracts=cls)
        )


class Membership(PublicIdModel):
    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="memberships", verbose_name="utilisateur")
    role = models.CharField("rôle", max_length=20, choices=Role.choices)
    department = models.ForeignKey(
        "territories.Department", on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="département"
    )
    cls = models.ForeignKey(
        "contracts.Cls", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="CLS"
    )
    commune = models.ForeignKey(
        "territories.Commune", on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="commune (CCAS)"
    )
    epci = models.ForeignKey(
        "territories.Epci", on_delete=models.PROTECT, null=True, blank=True, related_name="memberships", verbose_name="EPCI (CIAS)"
    )
    organisation = models.ForeignKey(
        "directory.Organisation", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="organisation"
    )
    line = models.ForeignKey(
        "hotline.Line", on_delete=models.CASCADE, null=True, blank=True, related_name="memberships", verbose_name="ligne du numéro vert"
    )
    is_active = models.BooleanField("active", default=True)
    # Who changed it and why: services set `_change_reason`, HistoryRequestMiddleware (or `_history_user`) the author.
    history = HistoricalRecords(
        excluded_fields=["created_at", "updated_at"],
        verbose_name="historique du rattachement",
        verbose_name_plural="historiques des rattachements",
    )

    objects = MembershipQuerySet.as_manager()

    class Meta:
        verbose_name = "rattachement"
        ordering = ["role"]
        constraints = [
            models.CheckConstraint(
                name="membership_scope_matches_role",
                condition=(
                    Q(
                        role__in=[Role.ARS_REGION, Role.RESOURCE_POLE],
                        department__isnull=True,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                        line__isnull=True,
                    )
                    | Q(
                        role=Role.ARS_DELEGATION,
                        department__isnull=False,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                        line__isnull=True,
                    )
                    | Q(
                        role__in=[Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL],
                        cls__isnull=False,
                        department__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                        line__isnull=True,
                    )
                    | (
                        Q(
                            role__in=[Role.SOCIAL_SERVICES, Role.SOCIAL_SERVICES_MANAGER],
                            department__isnull=True,
                            cls__isnull=True,
                            organisation__isnull=True,
                            line__isnull=True,
                        )
                        & (Q(commune__isnull=False, epci__isnull=True) | Q(commune__isnull=True, epci__isnull=False))
                    )
                    | Q(
                        role__in=[Role.PARTNER_MEMBER, Role.VOLUNTEER],
                        organisation__isnull=False,
                        department__isnull=True,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        line__isnull=True,
                    )
                    | Q(
                        role=Role.HOTLINE_OPERATOR,
                        line__isnull=False,
                        department__isnull=True,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department", "cls", "commune", "epci", "organisation", "line"],
                name="unique_membership",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = self.department or self.cls or self.commune or self.epci or self.organisation or self.line or "Bretagne"
        return f"{self.get_role_display()} – {scope}"

    @property
    def scope_label(self):
        return scope_label_of(self)

    @property
    def scope_values(self):
        """The membership's scope as keyword arguments: {"cls": <Cls>}, {} for a regional role."""
        return {name: getattr(self, name) for name in SCOPE_FIELDS if getattr(self, f"{name}_id") is not None}


SCOPE_FIELDS = ("department", "cls", "commune", "epci", "organisation", "line")
# What the __str__ of each scope reads (scope_label_of).
SCOPE_LABEL_FIELDS = {
    "department": ("code", "name"),
    "cls": ("name",),
    "commune": ("insee_code", "name"),
    "epci": ("siren", "name"),
    "organisation": ("name",),
    "line": ("name",),
}


def scope_label_of(membership):
    """The scope of a membership or of one of its historical records, in words."""
    return str(
        membership.department
        or membership.cls
        or membership.commune
        or membership.epci
        or membership.organisation
        or membership.line
        or "Région Bretagne"
    )


class AccountEvent(models.Model):
    """What happened to an account as a whole (invitation, password chosen, deactivation), by whom and why.

    Append-only: memberships keep their own history (Membership.history); this is the account's.
    """

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="account_events", verbose_name="compte")
    kind = models.CharField("événement", max_length=20, choices=AccountEventKind.choices)
    by = models.ForeignKey(User, on_delete=models.SET_NULL, null=True, blank=True, related_name="+", verbose_name="par")
    reason = models.CharField("motif", max_length=100, blank=True)
    at = models.DateTimeField("le", default=timezone.now)

    class Meta:
        verbose_name = "événement du compte"
        verbose_name_plural = "événements des comptes"
        ordering = ["-at", "-pk"]

    def __str__(self):
        return f"{self.get_kind_display()} – {self.user}"


class ApiTokenQuerySet(models.QuerySet):
    def usable(self):
        return self.filter(revoked_at__isnull=True, user__is_active=True).filter(
            Q(expires_at__isnull=True) | Q(expires_at__gt=timezone.now())
        )

    def visible_to(self, user):
        return self.filter(user=user) if user.is_authenticated else self.none()


class ApiToken(PublicIdModel):
    """A personal API token: only its SHA-256 digest is stored; the key is shown once at creation."""

    user = models.ForeignKey(User, on_delete=models.CASCADE, related_name="api_tokens", verbose_name="utilisateur")
    name = models.CharField("nom du jeton", max_length=100)
    prefix = models.CharField("début du jeton", max_length=8, editable=False)
    digest = models.CharField(max_length=64, unique=True, editable=False)
    # Set once: the expiry at issue, the revocation by `revoke()`. Neither is ever edited (no form shows them): a
    # revoked key must stay refused, an expiry never move further away.
    expires_at = models.DateTimeField("expire le", null=True, blank=True, editable=False)
    last_used_at = models.DateTimeField("dernière utilisation", null=True, blank=True)
    revoked_at = models.DateTimeField("révoqué le", null=True, blank=True, editable=False)

    objects = ApiTokenQuerySet.as_manager()

    class Meta:
        verbose_name = "jeton d’API"
        verbose_name_plural = "jetons d’API"
        ordering = ["-created_at"]

    def __str__(self):
        return f"{self.name} ({self.prefix}…)"

    @staticmethod
    def hash_key(key):
        return hashlib.sha256(key.encode()).hexdigest()

    @classmethod
    def issue(cls, *, user, name, expires_at=None):
        key = secrets.token_urlsafe(32)
        token = cls.objects.create(user=user, name=name, prefix=key[:8], digest=cls.hash_key(key), expires_at=expires_at)
        return token, key

    def revoke(self):
        """Revoke the token for good; a token already revoked keeps its first date. Returns whether it changed."""
        changed = ApiToken.objects.filter(pk=self.pk, revoked_at__isnull=True).update(revoked_at=timezone.now(), updated_at=timezone.now())
        self.refresh_from_db(fields=["revoked_at", "updated_at"])
        return bool(changed)

    @property
    def is_usable(self):
        return self.revoked_at is None and (self.expires_at is None or self.expires_at > timezone.now())
