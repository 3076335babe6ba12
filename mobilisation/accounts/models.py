"""Accounts: a user logs in with an e-mail address and holds memberships (a role and its scope)."""

import hashlib
import secrets
from dataclasses import dataclass, field
from functools import cached_property

from django.contrib.auth.models import AbstractBaseUser, BaseUserManager, PermissionsMixin
from django.db import models
from django.db.models import Q
from django.utils import timezone

from mobilisation.core.models import PublicIdModel, TimeStampedModel

from .enums import Role


class UserManager(BaseUserManager):
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
    cls_roles: frozenset = field(default_factory=frozenset)  # (role, cls id) pairs
    organisation_roles: frozenset = field(default_factory=frozenset)  # (role, organisation id) pairs

    def cls_ids_for(self, *roles):
        return frozenset(cls_id for role, cls_id in self.cls_roles if role in roles)

    def organisation_ids_for(self, *roles):
        return frozenset(organisation_id for role, organisation_id in self.organisation_roles if role in roles)

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
    email = models.EmailField("adresse électronique", unique=True)
    first_name = models.CharField("prénom", max_length=150, blank=True)
    last_name = models.CharField("nom", max_length=150, blank=True)
    is_active = models.BooleanField("actif", default=True, help_text="Décocher plutôt que supprimer le compte.")
    is_staff = models.BooleanField("équipe technique", default=False)
    date_joined = models.DateTimeField("inscrit le", default=timezone.now)

    objects = UserManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS = []

    class Meta:
        verbose_name = "utilisateur"
        ordering = ["last_name", "first_name", "email"]

    def __str__(self):
        return self.get_full_name() or self.email

    def get_full_name(self):
        return f"{self.first_name} {self.last_name}".strip()

    def get_short_name(self):
        return self.first_name or self.email

    @cached_property
    def scope(self):
        if not self.is_active:
            return Scope()
        memberships = list(
            self.memberships.active().values_list("role", "department_id", "cls_id", "commune_id", "epci_id", "organisation_id")
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
            cls_roles=frozenset((m[0], m[2]) for m in memberships if m[2]),
            organisation_roles=frozenset((m[0], m[5]) for m in memberships if m[5]),
        )

    def has_role(self, *roles):
        return bool(self.scope.roles & set(roles))

    @property
    def can_use_admin(self):
        return self.is_active and (self.is_superuser or self.has_role(Role.ARS_REGION))


class MembershipQuerySet(models.QuerySet):
    def active(self):
        return self.filter(is_active=True)

    def visible_to(self, user):
        """A user sees their own memberships; the ARS region sees all; a CLS team sees its CLS's members."""
        scope = getattr(user, "scope", None)
        if scope is None:
            return self.none()
        if scope.manages_registry:
            return self.all()
        condition = Q(user=user) | Q(cls__in=scope.cls_ids)
        if Role.ARS_DELEGATION in scope.roles:
            condition |= Q(cls__department__in=scope.department_codes) | Q(department__in=scope.department_codes)
        return self.filter(condition)


class Membership(TimeStampedModel):
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
    is_active = models.BooleanField("active", default=True)

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
                    )
                    | Q(
                        role=Role.ARS_DELEGATION,
                        department__isnull=False,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                    )
                    | Q(
                        role__in=[Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL],
                        cls__isnull=False,
                        department__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                        organisation__isnull=True,
                    )
                    | (
                        Q(role=Role.SOCIAL_SERVICES, department__isnull=True, cls__isnull=True, organisation__isnull=True)
                        & (Q(commune__isnull=False, epci__isnull=True) | Q(commune__isnull=True, epci__isnull=False))
                    )
                    | Q(
                        role__in=[Role.PARTNER_MEMBER, Role.VOLUNTEER],
                        organisation__isnull=False,
                        department__isnull=True,
                        cls__isnull=True,
                        commune__isnull=True,
                        epci__isnull=True,
                    )
                ),
            ),
            models.UniqueConstraint(
                fields=["user", "role", "department", "cls", "commune", "epci", "organisation"],
                name="unique_membership",
                nulls_distinct=False,
            ),
        ]

    def __str__(self):
        scope = self.department or self.cls or self.commune or self.epci or self.organisation or "Bretagne"
        return f"{self.get_role_display()} – {scope}"

    @property
    def scope_label(self):
        return str(self.department or self.cls or self.commune or self.epci or self.organisation or "Région Bretagne")


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
