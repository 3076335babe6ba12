"""Who manages whom: the memberships a user may grant, change and deactivate, written once (Grants).

The ARS region (and a superuser) grants any role on any scope. A CLS coordinator grants, for their own CLS only,
the elected officials of that CLS and the members and volunteers of its partner organisations (an organisation
serving at least one commune of the CLS; one shared with another CLS is open to both coordinators), and the operators
of the CLS's hotline lines. The manager of a CCAS or CIAS grants the agents of its own commune or EPCI (the named
people who read its register) and the operators of the lines of its communes. Nobody else manages anyone. Nobody manages their own account, and only a superuser touches a superuser.

Every people queryset (`User.objects.editable_by`, `Membership.objects.manageable_by`, `visible_to`) and every
people form (the roles and scopes it offers, the grant it accepts) asks this class.
"""

from functools import cached_property

from django.db.models import Q

from .enums import ROLE_SCOPE_FIELD, Role


def touchable(user, prefix=""):
    """The accounts `user` may ever change, as a condition on `prefix` (e.g. "user__"): not their own, and a
    superuser's only for a superuser."""
    condition = ~Q(**{f"{prefix}pk": user.pk})
    if not user.is_superuser:
        condition &= Q(**{f"{prefix}is_superuser": False})
    return condition


class Grants:
    """The memberships `user` may grant: for each role, the scope objects it may take."""

    def __init__(self, user):
        scope = getattr(user, "scope", None)
        self.everything = bool(scope and user.is_active and scope.manages_registry)
        self.coordinated = frozenset() if scope is None else scope.cls_ids_for(Role.CLS_COORDINATOR)
        manager = Role.SOCIAL_SERVICES_MANAGER
        self.managed_communes = frozenset() if scope is None else scope.commune_codes_for(manager)
        self.managed_epcis = frozenset() if scope is None else scope.epci_sirens_for(manager)

    @property
    def any(self):
        """True when the user manages someone (the "Personnes" section is theirs)."""
        return self.everything or bool(self.coordinated or self.managed_communes or self.managed_epcis)

    @property
    def roles(self):
        if self.everything:
            return list(Role)
        roles = []
        if self.coordinated:
            roles += [Role.ELECTED_OFFICIAL, Role.PARTNER_MEMBER, Role.VOLUNTEER]
        if self.managed_communes or self.managed_epcis:
            roles.append(Role.SOCIAL_SERVICES)
        if self.coordinated or self.managed_communes or self.managed_epcis:
            roles.append(Role.HOTLINE_OPERATOR)
        return roles

    # The scope objects open to the user, by scope field. Querysets stay lazy: building Grants runs no query.
    @cached_property
    def departments(self):
        from mobilisation.territories.models import Department

        return Department.objects.all() if self.everything else Department.objects.none()

    @cached_property
    def contracts(self):
        from mobilisation.contracts.models import Cls

        return Cls.objects.all() if self.everything else Cls.objects.filter(pk__in=self.coordinated)

    @cached_property
    def communes(self):
        from mobilisation.territories.models import Commune

        return Commune.objects.all() if self.everything else Commune.objects.filter(pk__in=self.managed_communes)

    @cached_property
    def epcis(self):
        from mobilisation.territories.models import Epci

        return Epci.objects.all() if self.everything else Epci.objects.filter(pk__in=self.managed_epcis)

    @cached_property
    def organisations(self):
        from mobilisation.directory.models import Organisation

        if self.everything:
            return Organisation.objects.all()
        serving = Organisation.objects.filter(communes__contracts__in=self.coordinated).values("pk")
        return Organisation.objects.filter(pk__in=serving)

    @cached_property
    def lines(self):
        from mobilisation.hotline.models import Line

        return Line.objects.all() if self.everything else Line.objects.managed_by_grants(self)

    def scopes_of(self, role):
        """{scope field: queryset of the objects `role` may take}; {} for a regional role, None if not granted."""
        if role not in self.roles:
            return None
        field = ROLE_SCOPE_FIELD[Role(role)]
        if field is None:
            return {}
        if field == "commune_or_epci":
            return {"commune": self.communes, "epci": self.epcis}
        return {
            field: getattr(self, {"department": "departments", "cls": "contracts", "organisation": "organisations", "line": "lines"}[field])
        }

    def allows(self, role, scope):
        """Whether the user may grant `role` on `scope` ({"cls": <Cls>}, {} for a regional role)."""
        scopes = self.scopes_of(role)
        if scopes is None:
            return False
        given = {name: value for name, value in scope.items() if value is not None}
        if set(given) - set(scopes) or len(given) != (1 if scopes else 0):
            return False  # a role takes exactly its own scope field (the database checks it too)
        if self.everything:
            return True
        return all(scopes[name].filter(pk=value.pk).exists() for name, value in given.items())

    def condition(self):
        """The memberships granted by these rules, as a filter on Membership."""
        if self.everything:
            return Q()
        condition = Q(pk__in=[])
        for role in self.roles:
            for name, queryset in self.scopes_of(role).items():
                condition |= Q(role=role, **{f"{name}__in": queryset})
        return condition
