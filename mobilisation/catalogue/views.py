"""The catalogue: public pages of mobilisations and action models, and the ARS region's editing."""

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.db.models import Count, Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods

from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.territories.models import ArsOffice

from .enums import ResourceKind
from .forms import ActionModelForm, CatalogueFilterForm, MobilisationForm, NewMobilisationForm, ResourceForm
from .models import ActionModel, Mobilisation, Resource
from .services import copy_mobilisation, save_action_model

HOME = ("Accueil", "/")
CATALOGUE = ("Catalogue", "/catalogue/")


def can_edit(user, mobilisation):
    return Mobilisation.objects.editable_by(user).filter(pk=mobilisation.pk).exists()


def crumbs(mobilisation=None):
    trail = [HOME, CATALOGUE]
    if mobilisation is not None:
        trail.append((mobilisation.title, mobilisation.get_absolute_url()))
    return trail


@login_not_required
@require_GET
@cached_public_page
def index(request):
    mobilisations = Mobilisation.objects.visible_to(request.user).annotate(actions_total=Count("action_models"))
    context = {
        "mobilisations": mobilisations,
        "can_create": getattr(request.user, "scope", None) is not None and request.user.scope.manages_registry,
        "breadcrumb": [HOME],
    }
    return render(request, "catalogue/index.html", context)


ACTION_MODEL_COLUMNS = [
    ("Axe", "theme.axis.code"),
    ("Thème", "theme.title"),
    ("Action", "title"),
    ("Description", "description"),
    ("Modalités", lambda a: ", ".join(m.label for m in a.modalities.all())),
    ("Publics", lambda a: ", ".join(p.label for p in a.publics.all())),
    ("Partenaires suggérés", lambda a: ", ".join(a.partner_kinds)),
    ("Indicateurs suggérés", lambda a: " ; ".join(f"{i['name']} ({i.get('unit', '')})" for i in a.indicators)),
    ("Alternative en période de confinement", "lockdown_alternative"),
    ("Révision", "revision"),
]


@login_not_required
@require_GET
@rejects_unknown_format
@cached_public_page
def mobilisation_detail(request, slug):
    mobilisation = get_object_or_404(Mobilisation.objects.visible_to(request.user), slug=slug)
    form = CatalogueFilterForm(request.GET or None, mobilisation=mobilisation)
    actions = form.filter(
        ActionModel.objects.visible_to(request.user)
        .filter(mobilisation=mobilisation)
        .select_related("theme__axis")
        .prefetch_related("modalities", "publics")
    )
    if fmt := requested_format(request):
        return export_response(rows=actions, columns=ACTION_MODEL_COLUMNS, filename=f"catalogue-{mobilisation.slug}", fmt=fmt)
    actions = list(actions)
    themes = {}
    if not form.is_searching:  # a search lists by relevance; otherwise the catalogue reads theme by theme
        for action in actions:
            themes.setdefault(action.theme, []).append(action)
    clear_search = form.query_string(without=["q"])
    context = {
        "mobilisation": mobilisation,
        "form": form,
        "actions": actions,
        "themes": themes,
        "clear_search_url": f"{mobilisation.get_absolute_url()}?{clear_search}" if clear_search else mobilisation.get_absolute_url(),
        "has_other_filters": bool(clear_search),
        "actions_total": len(actions),
        "axes": mobilisation.axes.prefetch_related("themes"),
        "resource_counts": {
            ResourceKind(row["kind"]).label: row["total"]
            for row in mobilisation.resources.values("kind").annotate(total=Count("pk")).order_by("kind")
        },
        "offices": ArsOffice.objects.select_related("department"),
        "can_edit": can_edit(request.user, mobilisation),
        "export_links": export_links(request),
        "breadcrumb": [HOME, CATALOGUE],
    }
    return render(request, "catalogue/mobilisation.html", context)


@login_not_required
@require_GET
@cached_public_page
def action_model_detail(request, slug, action_slug):
    action = get_object_or_404(
        ActionModel.objects.visible_to(request.user)
        .select_related("mobilisation", "theme__axis")
        .prefetch_related("modalities", "publics"),
        mobilisation__slug=slug,
        slug=action_slug,
    )
    context = {
        "action": action,
        "mobilisation": action.mobilisation,
        "resources": action.resources.order_by("kind", "order"),
        "can_edit": can_edit(request.user, action.mobilisation),
        "breadcrumb": crumbs(action.mobilisation),
    }
    return render(request, "catalogue/action_model.html", context)


@login_not_required
@require_GET
@cached_public_page
def action_model_history(request, slug, action_slug):
    action = get_object_or_404(
        ActionModel.objects.visible_to(request.user).select_related("mobilisation"), mobilisation__slug=slug, slug=action_slug
    )
    records = list(action.history.order_by("-history_date", "-history_id").select_related("history_user"))
    changes = []
    for newer, older in zip(records, records[1:] + [None], strict=False):
        fields = []
        if older is not None:
            delta = newer.diff_against(older)
            fields = [ActionModel._meta.get_field(change.field).verbose_name for change in delta.changes]
        changes.append({"record": newer, "fields": fields})
    context = {
        "action": action,
        "mobilisation": action.mobilisation,
        "changes": changes,
        "shows_authors": getattr(request.user, "scope", None) is not None and request.user.scope.is_ars,
        "breadcrumb": crumbs(action.mobilisation) + [(action.title, action.get_absolute_url())],
    }
    return render(request, "catalogue/action_model_history.html", context)


@login_not_required
@require_GET
@cached_public_page
def resources(request, slug):
    mobilisation = get_object_or_404(Mobilisation.objects.visible_to(request.user), slug=slug)
    items = (
        Resource.objects.visible_to(request.user)
        .filter(mobilisation=mobilisation)
        .prefetch_related(
            Prefetch("action_models", queryset=ActionModel.objects.only("slug", "title", "mobilisation_id").select_related("mobilisation"))
        )
    )
    by_kind = {label: [r for r in items if r.kind == value] for value, label in ResourceKind.choices}
    context = {
        "mobilisation": mobilisation,
        "by_kind": by_kind,
        "can_edit": can_edit(request.user, mobilisation),
        "breadcrumb": crumbs(mobilisation),
    }
    return render(request, "catalogue/resources.html", context)


@require_http_methods(["GET", "POST"])
def edit_action_model(request, slug, action_slug=None):
    mobilisation = get_object_or_404(Mobilisation.objects.editable_by(request.user), slug=slug)
    action = get_object_or_404(mobilisation.action_models, slug=action_slug) if action_slug else ActionModel(mobilisation=mobilisation)
    form = ActionModelForm(request.POST or None, instance=action, mobilisation=mobilisation)
    if request.method == "POST" and form.is_valid():
        action = save_action_model(
            action_model=form.save(),
            modalities=form.cleaned_data["modalities"],
            publics=form.cleaned_data["publics"],
            resources=form.cleaned_data["resources"],
            by=request.user,
            reason=form.cleaned_data["change_reason"],
        )
        messages.success(request, f"Le modèle d’action « {action.title} » est enregistré (révision {action.revision}).")
        return redirect(action.get_absolute_url())
    title = "Modifier le modèle d’action" if action.pk else "Ajouter un modèle d’action"
    return render(
        request, "catalogue/edit.html", {"form": form, "title": title, "mobilisation": mobilisation, "breadcrumb": crumbs(mobilisation)}
    )


@require_http_methods(["GET", "POST"])
def edit_resource(request, slug, resource_slug=None):
    mobilisation = get_object_or_404(Mobilisation.objects.editable_by(request.user), slug=slug)
    resource = get_object_or_404(mobilisation.resources, slug=resource_slug) if resource_slug else Resource(mobilisation=mobilisation)
    form = ResourceForm(request.POST or None, instance=resource, mobilisation=mobilisation)
    if request.method == "POST" and form.is_valid():
        resource = form.save(commit=False)
        resource._history_user = request.user
        resource.save()
        messages.success(request, f"La ressource « {resource.title} » est enregistrée.")
        return redirect("catalogue:resources", slug=mobilisation.slug)
    title = "Modifier la ressource" if resource.pk else "Ajouter une ressource"
    return render(
        request, "catalogue/edit.html", {"form": form, "title": title, "mobilisation": mobilisation, "breadcrumb": crumbs(mobilisation)}
    )


@require_http_methods(["GET", "POST"])
def edit_mobilisation(request, slug):
    mobilisation = get_object_or_404(Mobilisation.objects.editable_by(request.user), slug=slug)
    form = MobilisationForm(request.POST or None, instance=mobilisation)
    if request.method == "POST" and form.is_valid():
        mobilisation = form.save(commit=False)
        mobilisation._history_user = request.user
        mobilisation.save()
        messages.success(request, "La mobilisation est enregistrée.")
        return redirect(mobilisation.get_absolute_url())
    return render(
        request,
        "catalogue/edit.html",
        {"form": form, "title": "Modifier la mobilisation", "mobilisation": mobilisation, "breadcrumb": crumbs(mobilisation)},
    )


@require_http_methods(["GET", "POST"])
def new_mobilisation(request):
    if not request.user.scope.manages_registry:
        raise Http404("Page introuvable")
    form = NewMobilisationForm(request.POST or None, initial={"copy_of": request.GET.get("copie")})
    form.fields["copy_of"].queryset = Mobilisation.objects.visible_to(request.user)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        if data["copy_of"]:
            mobilisation = copy_mobilisation(
                source=data["copy_of"], slug=data["slug"], title=data["title"], start=data["start"], by=request.user
            )
        else:
            mobilisation = Mobilisation(slug=data["slug"], title=data["title"], start=data["start"], summary="")
            mobilisation._history_user = request.user
            mobilisation.save()
        messages.success(request, f"La mobilisation « {mobilisation.title} » est créée en préparation : elle n’est pas encore publique.")
        return redirect(mobilisation.get_absolute_url())
    return render(request, "catalogue/edit.html", {"form": form, "title": "Lancer une mobilisation", "breadcrumb": [HOME, CATALOGUE]})
