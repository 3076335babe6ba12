"""Who reads what of a plan: the two rules every plans model builds its `visible_to` on."""

from django.db.models import Q

from mobilisation.accounts.enums import Role
from mobilisation.contracts.models import Cls


def plan_scope_condition(user, prefix=""):
    """Q over plans (or objects reaching a plan through `prefix`) that the user may read; None for everything.

    Readers of a plan: the ARS region and the resource pole (whole region), the delegation of its department, its
    CLS's coordinators and elected officials, the social services of communes it covers (Cls.visible_to).
    """
    scope = getattr(user, "scope", None)
    if scope is None:
        return Q(pk__in=[])
    if scope.whole_region:
        return None
    return Q(**{f"{prefix}cls__in": Cls.objects.visible_to(user).values("pk")})


def plan_team_condition(user, prefix=""):
    """Q over plans (or objects reaching a plan through `prefix`) of the user's plan team; None for everything.

    The team of a plan is its CLS's coordinators and elected officials, the ARS delegation of its department and the
    ARS region (department scopes belong to delegations only): they alone read its money (budget, funding requests) and its exchange with the ARS. Deny by default:
    the resource pole, social services, partners and volunteers are not in it.
    """
    scope = getattr(user, "scope", None)
    if scope is None:
        return Q(pk__in=[])
    if scope.manages_registry:
        return None
    return Q(**{f"{prefix}cls__in": scope.cls_ids_for(Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL)}) | Q(
        **{f"{prefix}cls__department__in": scope.department_codes}
    )


def filtered(queryset, condition):
    return queryset.all() if condition is None else queryset.filter(condition)
