"""Template context shared by every page: site name and the navigation allowed to the user's roles."""

import functools

from django.conf import settings
from django.urls import reverse as resolve_reverse

from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES, INSTRUCTING_ROLES, SOCIAL_SERVICES_ROLES, Role
from mobilisation.accounts.perms import Grants
from mobilisation.audit.models import reads_journal
from mobilisation.core import page_cache
from mobilisation.followup.models import Campaign, register_scope
from mobilisation.mutualaid.models import Volunteer


@functools.cache
def reverse(name):
    """The menu's addresses, reversed once per process: every page shows the menu."""
    return resolve_reverse(name)


def navigation_for(user):
    items = [
        ("Accueil", reverse("portal:home")),
        ("Trouver de l’aide", reverse("portal:help_search")),
        ("Territoires", reverse("territories:region")),
        ("Carte", reverse("territories:map")),
        ("Catalogue", reverse("catalogue:index")),
        ("Registre des CLS", reverse("contracts:registry")),
    ]
    if user.is_authenticated:
        items.insert(1, ("Mon espace", reverse("portal:dashboard")))
        scope = user.scope
        if scope.is_ars or user.is_superuser:
            items.append(("Suivi des plans", reverse("plans:follow_up")))
        if user.is_superuser or user.has_role(*INSTRUCTING_ROLES):
            items.append(("Financements", reverse("plans:funding_queue")))
        if scope.roles - {Role.VOLUNTEER} or user.is_superuser:
            items.append(("Annuaire", reverse("directory:index")))
        if scope.manages_registry:
            items.append(("Ajouter un CLS", reverse("contracts:create")))
        if Grants(user).any:
            items.append(("Personnes", reverse("people:index")))
        if any(register_scope(user)):
            items.append(("Registre", reverse("followup:index")))
            items.append(("Veille", reverse("followup:campaigns")))
        elif Role.VOLUNTEER in scope.roles and Campaign.objects.visible_to(user).running().exists():
            items.append(("Appels", reverse("calls:index")))
        if user.is_superuser or user.has_role(Role.PARTNER_MEMBER, *SOCIAL_SERVICES_ROLES):
            items.append(("Demandes d’aide", reverse("aid:requests")))
            items.append(("Bénévoles", reverse("volunteers:index")))
            items.append(("Hébergement", reverse("housing:index")))
        elif Role.VOLUNTEER in scope.roles:
            if Volunteer.objects.filter(user=user).validated().exists():  # a sign-up validated, not an invitation
                items.append(("Missions d’entraide", reverse("aid:missions")))
            items.append(("Mon engagement", reverse("volunteers:my_space")))
        if user.is_superuser or user.has_role(Role.HOTLINE_OPERATOR, *CLS_ROLES, Role.SOCIAL_SERVICES_MANAGER, *ARS_ROLES):
            items.append(("Numéro vert", reverse("hotline:index")))
        if user.is_superuser or user.has_role(*ARS_ROLES, *CLS_ROLES):
            items.append(("Chiffres de la veille", reverse("veille:figures")))
        if reads_journal(user):
            items.append(("Journal des accès", reverse("audit:journal")))
        if (scope.roles - {Role.VOLUNTEER} or user.is_superuser) and not user.requires_second_factor:
            items.append(("API", reverse("accounts:tokens")))
        if user.can_use_admin:
            items.append(("Administration", reverse("admin:index")))
    return items


def site(request):
    user = getattr(request, "user", None)
    path = getattr(request, "path", "")

    def nav():
        if user is None:
            return []
        items = navigation_for(user)
        # The current section is the longest URL prefix of the path; a CLS workspace belongs to "Mon espace".
        section_path = "/espace/" if path.startswith("/cls/espace/") else path
        matches = [url for _, url in items if (section_path == url if url == "/" else section_path.startswith(url))]
        current = max(matches, key=len, default=None)
        return [{"label": label, "url": url, "current": url == current} for label, url in items]

    context = {
        "site_name": "Mobilisation CLS",
        "nav_items": nav,
        "MAP_TILES_URL": settings.MAP_TILES_URL,
        "MAP_TILES_ATTRIBUTION": settings.MAP_TILES_ATTRIBUTION,
    }
    if placeholder := page_cache.placeholder_token(request):
        context["csrf_token"] = placeholder  # a page stored for every visitor holds no visitor's token (core.page_cache)
    return context
