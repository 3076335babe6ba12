"""Shared helpers of the plans views: fetching within the user's scope, turning service errors into messages."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import get_object_or_404

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


def plan_crumbs(plan):
    return [HOME, SPACE, (plan.cls.name, plan.cls.get_workspace_url())]


def action_crumbs(action):
    return plan_crumbs(action.plan) + [(f"Plan {action.plan.mobilisation.title}", action.plan.get_absolute_url())]


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
