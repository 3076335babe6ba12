"""The directory of partner organisations: list within the user's scope, create and correct."""

from django.contrib import messages
from django.core.paginator import Paginator
from django.db.models import Count
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.services import submit_once

from .forms import OrganisationForm, allowed_communes_for
from .models import Organisation, OrganisationKind

HOME = ("Accueil", "/")
PER_PAGE = 50
DIRECTORY = ("Annuaire des partenaires", "/annuaire/")
COLUMNS = [
    ("Organisation", "name"),
    ("Type", "get_kind_display"),
    ("Département", "department.name"),
    ("Adresse électronique", "email"),
    ("Téléphone", "phone"),
    ("Site internet", "website"),
    ("Communes desservies", lambda o: ", ".join(c.name for c in o.communes.all())),
]


@require_GET
@rejects_unknown_format
def index(request):
    organisations = Organisation.objects.visible_to(request.user).select_related("department").order_by("name", "pk")
    kind = request.GET.get("type", "")
    if kind in OrganisationKind.values:
        organisations = organisations.filter(kind=kind)
    if fmt := requested_format(request):
        return export_response(
            rows=organisations.prefetch_related("communes"), columns=COLUMNS, filename="annuaire-des-partenaires", fmt=fmt
        )
    page = Paginator(organisations, PER_PAGE).get_page(request.GET.get("page"))
    served = dict(
        Organisation.communes.through.objects.filter(organisation__in=[o.pk for o in page.object_list])
        .values_list("organisation")
        .annotate(n=Count("pk"))
        .order_by()
    )
    for organisation in page.object_list:
        organisation.communes_total = served.get(organisation.pk, 0)
    context = {
        "page_obj": page,
        "kinds": OrganisationKind.choices,
        "kind": kind,
        "can_create": allowed_communes_for(request.user).exists(),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "directory/index.html", context)


@require_GET
def organisation(request, public_id):
    item = get_object_or_404(Organisation.objects.visible_to(request.user).select_related("department"), public_id=public_id)
    context = {
        "organisation": item,
        "can_edit": Organisation.objects.editable_by(request.user).filter(pk=item.pk).exists(),
        "led_actions": item.led_actions.filter(plan__in=_visible_plans(request.user)).select_related("plan__cls"),
        "breadcrumb": [HOME, DIRECTORY],
    }
    return render(request, "directory/organisation.html", context)


def _visible_plans(user):
    from mobilisation.plans.models import Plan

    return Plan.objects.visible_to(user)


@require_http_methods(["GET", "POST"])
def edit(request, public_id=None):
    allowed = allowed_communes_for(request.user)
    if public_id is None:
        if not allowed.exists():
            raise Http404("Page introuvable")
        item = Organisation()
    else:
        item = get_object_or_404(Organisation.objects.editable_by(request.user), public_id=public_id)
    form = OrganisationForm(request.POST or None, instance=item, allowed_communes=allowed)
    if request.method == "POST" and form.is_valid():

        def write():
            saved = form.save()
            messages.success(request, f"L’organisation « {saved.name} » est enregistrée.")
            return saved.get_absolute_url()

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    title = "Modifier l’organisation" if item.pk else "Ajouter une organisation partenaire"
    return render(request, "directory/edit.html", {"form": form, "title": title, "breadcrumb": [HOME, DIRECTORY]})
