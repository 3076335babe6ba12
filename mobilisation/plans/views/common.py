"""Shared helpers of the plans views: fetching within the user's scope, breadcrumbs, service errors as messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404
from django.urls import reverse

from ..models import Plan, PlannedAction

HOME = ("Accueil", "/")
SPACE = ("Mon espace", "/espace/")


def plan_for(request, public_id, *, editable=False):
    queryset = Plan.objects.writable_by(request.user) if editable else Plan.objects.visible_to(request.user)
    return get_object_or_404(queryset.select_related("cls__department", "mobilisation"), public_id=public_id)


def action_for(request, public_id, *, editable=False):
    queryset = PlannedAction.objects.visible_to(request.user)
    if editable:
        queryset = queryset.filter(plan__in=Plan.objects.writable_by(request.user))
    return get_object_or_404(
        queryset.select_related("plan__cls__department", "plan__mobilisation", "theme__axis", "action_model"), public_id=public_id
    )


def cls_crumbs(cls):
    return [HOME, SPACE, (cls.name, cls.get_workspace_url())]


def plan_crumbs(plan):
    """Up to the plan page: for the pages under a plan (diagnosis, catalogue, COPIL, a new action…)."""
    return [*cls_crumbs(plan.cls), ("Plan d’action", plan.get_absolute_url())]


def action_crumbs(action, user):
    """Up to the plan, or to « Mon espace » for a partner who reads the action but not its plan."""
    if Plan.objects.visible_to(user).filter(pk=action.plan_id).exists():
        return plan_crumbs(action.plan)
    return [HOME, SPACE]


def follow_up_crumbs():
    return [HOME, ("Suivi des plans", reverse("plans:follow_up"))]


def run(request, service, success=None, **kwargs):
    """Call a service; a refused move becomes an error message instead of a 500. Returns (result, ok)."""
    try:
        result = service(**kwargs)
    except ValidationError as error:
        for message in error.messages:
            messages.error(request, message)
        return None, False
    if success:
        messages.success(request, success)
    return result, True
