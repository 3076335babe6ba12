"""Pages of a register import: deposit, progress, report of the errors, preview and merge choices, outcome.

Only the agent who deposited a file sees its import (RegisterImportQuerySet.visible_to); the report names people,
so reading it is audited like a list of the register.
"""

from django.conf import settings
from django.contrib import messages
from django.http import JsonResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.audit.enums import AuditAction
from mobilisation.core.exports import LABELS as FORMAT_LABELS
from mobilisation.core.exports import export_response, rejects_unknown_format, requested_format
from mobilisation.core.middleware import accepts_body_up_to

from .. import importing, services
from ..enums import ImportState
from ..forms import DuplicateChoicesForm, ImportForm
from ..models import RegisterImport
from ..services import imports
from .register import HOME, REGISTER, register_page, register_tags

IMPORTS = ("Importer un registre", "/registre/import/")
# The request carries the file and a few fields: the file's ceiling plus room for the multipart envelope.
ENVELOPE_BYTES = 64 * 1024


def import_for(request, public_id):
    return get_object_or_404(RegisterImport.objects.visible_to(request.user), public_id=public_id)


@require_http_methods(["GET", "POST"])
@accepts_body_up_to(settings.IMPORT_MAX_BYTES + ENVELOPE_BYTES)
@register_page()
def index(request):
    posted = request.method == "POST"
    form = ImportForm(request.POST if posted else None, request.FILES if posted else None, max_bytes=settings.IMPORT_MAX_BYTES)
    if posted and form.is_valid():
        upload = form.cleaned_data["file"]
        item = imports.start_import(data=upload.read(), file_name=upload.name, by=request.user)
        return redirect(item)
    context = {
        "form": form,
        "imports": RegisterImport.objects.visible_to(request.user)[:10],
        "columns": importing.COLUMNS,
        "template_links": [(fmt, label) for fmt, label in FORMAT_LABELS.items()],
        "max_megabytes": settings.IMPORT_MAX_BYTES // (1024 * 1024),
        "breadcrumb": [HOME, REGISTER],
    }
    return render(request, "followup/imports.html", context, status=400 if posted else 200)


@require_GET
@rejects_unknown_format
@register_page()
def template(request):
    """The columns to fill, with one fictitious example row, in the format asked."""
    header, example = importing.template_rows()
    columns = [(label, lambda row, i=i: row[i]) for i, label in enumerate(header)]
    return export_response(rows=[example], columns=columns, filename="modele-registre", fmt=requested_format(request) or "xlsx")


@require_GET
@register_page()
def detail(request, public_id):
    item = import_for(request, public_id)
    report = item.report_data()
    form = DuplicateChoicesForm(duplicates=report.get("duplicates", [])) if item.state == ImportState.READY else None
    if report:
        services.audit(
            AuditAction.READ,
            by=request.user,
            request=request,
            summary=f"rapport de l’import {item.public_id}",
            row_count=len(report.get("errors", [])) + len(report.get("preview", [])) + len(report.get("duplicates", [])),
            **register_tags(request.user),
        )
    return render(request, "followup/import.html", _context(request, item, report, form))


def _context(request, item, report, form):
    return {
        "item": item,
        "report": report,
        "form": form,
        "upload_form": ImportForm(max_bytes=settings.IMPORT_MAX_BYTES) if item.state == ImportState.TO_FIX else None,
        "errors_hidden": max(item.error_count - len(report.get("errors", [])) - len(report.get("file_problems", [])), 0),
        "breadcrumb": [HOME, REGISTER, IMPORTS],
    }


@require_GET
@register_page()
def progress(request, public_id):
    """The state of an import as the progress bar reads it (no personal data)."""
    item = import_for(request, public_id)
    return JsonResponse(
        {
            "state": item.state,
            "label": item.get_state_display(),
            "checked": item.checked_rows,
            "total": item.total_rows,
            "percent": item.percent,
        }
    )


@require_POST
@register_page()
def confirm(request, public_id):
    item = import_for(request, public_id)
    report = item.report_data()
    form = DuplicateChoicesForm(request.POST, duplicates=report.get("duplicates", []))
    if item.state != ImportState.READY:
        messages.info(request, "Cet import n’attend plus de confirmation.")
        return redirect(item)
    if not form.is_valid():
        return render(request, "followup/import.html", _context(request, item, report, form), status=400)
    if imports.confirm_import(item=item, decisions=form.decisions()):
        messages.success(request, "L’import est lancé : la page se met à jour quand il est terminé.")
    return redirect(item)


@require_POST
@register_page()
def cancel(request, public_id):
    item = import_for(request, public_id)
    if imports.cancel_import(item=item):
        messages.info(request, "L’import est abandonné : le fichier et son rapport sont effacés.")
    else:
        messages.info(request, "Cet import ne peut plus être abandonné.")
    return redirect("followup:imports")
