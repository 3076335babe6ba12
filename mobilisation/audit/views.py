"""The access log page (« Journal des accès »): a CCAS/CIAS manager reads and downloads the events of their register.

GET never writes (SECURITY.md 23), with one exception that SECURITY.md 21 and 18 require: a download of the log is
itself an export of personal data (the agents' names and what they did), so it writes an EXPORT event.
"""

from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import render
from django.views.decorators.http import require_http_methods

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import Role
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.views import bad_request
from mobilisation.territories.models import Commune

from . import services
from .enums import AuditAction
from .forms import JournalFilterForm
from .models import AuditEvent, reads_journal

PER_PAGE = 50

COLUMNS = [
    ("Date", "at"),
    ("Auteur", "actor_label"),
    ("Action", "get_action_display"),
    ("Type d’objet", "object_type_label"),
    ("Identifiant de l’objet", "object_id"),
    ("Commune (code Insee)", "commune"),
    ("EPCI (SIREN)", "epci"),
    ("Résumé", "summary"),
    ("Nombre de lignes", "row_count"),
    ("Adresse IP", "ip"),
    ("Page", "path"),
]


@require_http_methods(["GET"])
@remit(Role.SOCIAL_SERVICES_MANAGER)
@rejects_unknown_format
def journal(request):
    # remit lets superusers through; the log is the register's managers' alone (models.reads_journal).
    if not reads_journal(request.user):
        raise Http404("Page introuvable")
    visible = AuditEvent.objects.visible_to(request.user)
    form = JournalFilterForm(request.GET or None, events=visible)
    events = form.filter(visible)
    if fmt := requested_format(request):
        if form.is_bound and not form.is_valid():
            return bad_request(request, message="Les filtres du journal sont invalides : corrigez-les avant de télécharger.")
        rows = list(events)
        for register in registers_of(request.user):
            services.record(
                request,
                AuditAction.EXPORT,
                object_type=AuditEvent._meta.label_lower,
                summary=form.summary(),
                row_count=len(rows),
                **register,
            )
        return export_response(rows=rows, columns=COLUMNS, filename="journal-des-acces", fmt=fmt)
    page = Paginator(events, PER_PAGE).get_page(request.GET.get("page"))
    codes = {event.commune for event in page if event.commune}
    names = dict(Commune.objects.filter(insee_code__in=codes).values_list("insee_code", "name")) if codes else {}
    for event in page:
        event.commune_name = names.get(event.commune, event.commune)
    context = {
        "form": form,
        "page_obj": page,
        "export_links": export_links(request),
        "breadcrumb": [("Accueil", "/"), ("Mon espace", "/espace/")],
    }
    return render(request, "audit/journal.html", context)


def registers_of(user):
    """The registers a manager holds, as the commune or EPCI of an event: one EXPORT event in each log it reads."""
    scope = user.scope
    return [{"commune": code} for code in sorted(scope.commune_codes_for(Role.SOCIAL_SERVICES_MANAGER))] + [
        {"epci": siren} for siren in sorted(scope.epci_sirens_for(Role.SOCIAL_SERVICES_MANAGER))
    ]
