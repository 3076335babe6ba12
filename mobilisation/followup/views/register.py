"""Pages of the register of vulnerable people, for the social services agents of a CCAS or CIAS.

Every page is `register_page`: outside the social services it is a 404 (the register does not exist for others),
and it needs a verified second factor. Every page that shows a name writes an audit event (SECURITY.md 21): the one
exception to "GET never writes", required by the audit itself.
"""

import functools

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.html import format_html_join
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import second_factor_required
from mobilisation.accounts.enums import SOCIAL_SERVICES_ROLES, Role
from mobilisation.audit.enums import AuditAction
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.formats import phone as phone_text
from mobilisation.core.services import submit_once

from .. import services
from ..enums import Category
from ..forms import ConfirmForm, ContactFormSet, PersonForm, PrefectExportForm, RegisterFilterForm
from ..models import Person, register_communes, register_scope

HOME = ("Accueil", "/")
REGISTER = ("Registre des personnes fragiles", "/registre/")
PER_PAGE = 50

# The legal columns of the préfet export (CASF R121-3): identity, capacity, address, phones, home care, contacts.
PREFECT_COLUMNS = [
    ("Commune", "commune.name"),
    ("Code INSEE", "commune_id"),
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Date de naissance", "birth_date"),
    ("Qualité", "get_category_display"),
    ("Adresse", "address"),
    ("Complément d’adresse", "address_complement"),
    ("Téléphone", lambda p: p.phone.as_national if p.phone else ""),
    ("Autre téléphone", lambda p: p.phone_2.as_national if p.phone_2 else ""),
    ("Service intervenant à domicile", "home_care_service"),
    ("Téléphone du service", lambda p: p.home_care_phone.as_national if p.home_care_phone else ""),
    ("Personnes à prévenir", lambda p: " ; ".join(f"{c.name} ({c.link}) {c.phone.as_national}" for c in p.contacts.all())),
    ("Date de la demande", "request_date"),
]


def register_page(*roles):
    """A page of the register: social services only (404 for anyone else, superusers included), second factor verified."""
    roles = roles or SOCIAL_SERVICES_ROLES

    def decorator(view):
        @second_factor_required
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            communes, epcis = register_scope(request.user, *roles)
            if not (communes or epcis):
                raise Http404("Page introuvable")
            return view(request, *args, **kwargs)

        return wrapper

    return decorator


def person_for(request, public_id):
    return get_object_or_404(Person.objects.visible_to(request.user).select_related("commune"), public_id=public_id)


def register_tags(user):
    """The commune or EPCI an event about a whole register belongs to (the first register the user holds)."""
    communes, epcis = register_scope(user)
    return {"commune": min(communes) if communes else "", "epci": "" if communes else min(epcis)}


def register_rows(people, *, several_communes, today):
    """The rows of the register's table, written here rather than by the template engine: 50 rows of 8 cells cost
    7 ms a page through it, a third of the page's time (bench.profile register, PostgreSQL at scale 10)."""

    def age(birth_date):
        if birth_date is None:
            return ""
        years = today.year - birth_date.year - ((today.month, today.day) < (birth_date.month, birth_date.day))
        return f"{years} ans"

    commune = "<td>{}</td>" if several_communes else "{}"
    return format_html_join(
        "\n",
        '<tr><td><a href="{}">{}</a></td><td>{}</td><td>{}</td>' + commune + "<td>{}</td><td>{}</td></tr>",
        (
            (
                person.get_absolute_url(),
                str(person),
                age(person.birth_date),
                person.get_category_display(),
                person.commune.name if several_communes else "",
                phone_text(person.phone_text),
                "Oui" if person.lives_alone else "Non",
            )
            for person in people
        ),
    )


@require_GET
@register_page()
def index(request):
    communes = register_communes(request.user)
    form = RegisterFilterForm(request.GET or None, communes=communes)
    people = form.filter(Person.objects.visible_to(request.user)).for_list().order_by("search_name", "pk")
    page = Paginator(people, PER_PAGE).get_page(request.GET.get("page"))
    services.audit(
        AuditAction.READ,
        by=request.user,
        request=request,
        summary=f"liste du registre ({form.summary()}), page {page.number}",
        row_count=len(page.object_list),
        **register_tags(request.user),
    )
    # The letters owed: the ten most urgent, and their number (a separate COUNT: a window over every letter owed would
    # read them all, 6 ms on the largest register of the bench at scale 10, where the COUNT reads an index).
    due = Person.objects.visible_to(request.user).acknowledgement_due()
    due_total = due.count()
    due = list(
        due.select_related("commune").only("public_id", "state", "last_name", "first_name", "acknowledgement_due", "commune__name")[:10]
    )
    several_communes = len(form.communes) > 1
    context = {
        "form": form,
        "page_obj": page,
        "rows": register_rows(page.object_list, several_communes=several_communes, today=timezone.localdate()),
        "several_communes": several_communes,
        "due": due,
        "due_total": due_total,
        "today": timezone.localdate(),
        "is_manager": any(register_scope(request.user, Role.SOCIAL_SERVICES_MANAGER)),
        "breadcrumb": [HOME],
    }
    return render(request, "followup/index.html", context)


@require_GET
@register_page()
def person(request, public_id):
    shown = person_for(request, public_id)
    services.audit(AuditAction.READ, by=request.user, request=request, person=shown, summary="fiche")
    context = {"person": shown, "contacts": shown.contacts.all(), "today": timezone.localdate(), "breadcrumb": [HOME, REGISTER]}
    return render(request, "followup/person.html", context)


@require_http_methods(["GET", "POST"])
@register_page()
def edit(request, public_id=None):
    communes = register_communes(request.user)
    if public_id is None:
        item = Person()
    else:
        item = person_for(request, public_id)
        if not item.is_registered:
            raise Http404("Page introuvable")
    proposal = hotline_proposal(request) if public_id is None else None
    initial = proposal_initial(proposal) if proposal is not None else None
    form = PersonForm(request.POST or None, instance=item, communes=communes, initial=initial)
    contacts = ContactFormSet(request.POST or None, instance=item, prefix="contacts")
    if request.method == "POST" and form.is_valid() and contacts.is_valid():
        if item.pk:
            saved = services.update_person(form=form, contacts=contacts, by=request.user, request=request)
            messages.success(request, f"La fiche de {saved.first_name} {saved.last_name} est enregistrée.")
            return redirect(saved)

        def write():
            saved = services.register_person(form=form, contacts=contacts, by=request.user, request=request)
            if proposal is not None:
                from mobilisation.hotline.services import close_registered_proposal

                close_registered_proposal(proposal=proposal, by=request.user)
            messages.success(
                request,
                f"{saved.first_name} {saved.last_name} est inscrite au registre. L’accusé de réception est à envoyer "
                f"avant le {saved.acknowledgement_due:%d/%m/%Y}.",
            )
            return saved.get_absolute_url()

        return redirect(submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write))
    if item.pk and request.method == "GET":
        services.audit(AuditAction.READ, by=request.user, request=request, person=item, summary="formulaire de correction")
    title = f"Corriger la fiche de {item.first_name} {item.last_name}" if item.pk else "Inscrire une personne au registre"
    context = {"form": form, "contacts": contacts, "title": title, "person": item, "proposal": proposal, "breadcrumb": [HOME, REGISTER]}
    return render(request, "followup/edit.html", context, status=400 if request.method == "POST" else 200)


def hotline_proposal(request):
    """The numéro vert's proposal this registration answers (?proposition=), if it is one of the agent's communes'
    and still waits; None otherwise."""
    from mobilisation.hotline.models import RegistrationProposal

    key = request.GET.get("proposition")
    if not key:
        return None
    try:
        return RegistrationProposal.objects.visible_to(request.user).waiting().get(public_id=key)
    except (RegistrationProposal.DoesNotExist, ValidationError):
        raise Http404("Page introuvable") from None


def proposal_initial(proposal):
    from ..enums import Provenance

    return {
        "commune": proposal.commune_id,
        "first_name": proposal.first_name,
        "last_name": proposal.last_name,
        "birth_date": proposal.birth_date,
        "phone": proposal.phone,
        "address": proposal.address,
        "provenance": Provenance.THIRD_PARTY if proposal.by_relative else Provenance.PERSON,
        "request_date": timezone.localdate(),
    }


@require_GET
@register_page()
def acknowledgement_letter(request, public_id):
    """The letter owed within 8 days: an acknowledgement, or for a transmission the notice of the right to object."""
    shown = person_for(request, public_id)
    if not shown.is_registered:
        raise Http404("Page introuvable")
    from mobilisation.plans.views.document import render_pdf

    services.audit(AuditAction.PRINT, by=request.user, request=request, person=shown, summary="courrier d’accusé de réception")
    html = render_to_string(
        "followup/acknowledgement_letter.html", {"person": shown, "today": timezone.localdate(), "agent": request.user}, request=request
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="accuse-de-reception.pdf"'
    return response


@require_POST
@register_page()
def acknowledge(request, public_id):
    shown = person_for(request, public_id)
    if not shown.is_registered:
        raise Http404("Page introuvable")
    if services.mark_acknowledged(person=shown, by=request.user, request=request):
        messages.success(request, "L’accusé de réception est noté comme envoyé.")
    else:
        messages.info(request, "L’accusé de réception était déjà noté comme envoyé.")
    return redirect(shown)


def _confirm(request, public_id, *, action, template_title, done):
    shown = person_for(request, public_id)
    if not shown.is_registered:
        raise Http404("Page introuvable")
    form = ConfirmForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        action(person=shown, date=form.cleaned_data["date"], by=request.user, request=request)
        messages.success(request, done)
        return redirect("followup:index")
    context = {"person": shown, "form": form, "title": template_title, "breadcrumb": [HOME, REGISTER]}
    return render(request, "followup/confirm.html", context, status=400 if request.method == "POST" else 200)


@require_http_methods(["GET", "POST"])
@register_page()
def objection(request, public_id):
    return _confirm(
        request,
        public_id,
        action=services.record_objection,
        template_title="Enregistrer l’opposition à l’inscription",
        done="L’opposition est enregistrée : la personne n’est plus au registre, seule son identité est gardée pour ne pas la réinscrire.",
    )


@require_http_methods(["GET", "POST"])
@register_page()
def erase(request, public_id):
    return _confirm(
        request,
        public_id,
        action=services.erase_person,
        template_title="Radier la personne du registre",
        done="La personne est radiée : ses données sont effacées.",
    )


@require_GET
@rejects_unknown_format
@register_page(Role.SOCIAL_SERVICES_MANAGER)
def prefect_export(request):
    """The register for the préfet when the alert plan is triggered: the legal columns, the export itself audited."""
    communes = register_communes(request.user, Role.SOCIAL_SERVICES_MANAGER)
    form = PrefectExportForm(request.GET or None, communes=communes)
    fmt = requested_format(request)
    if fmt and form.is_valid():
        people = Person.objects.managed_by(request.user).registered().select_related("commune").prefetch_related("contacts")
        filters = []
        if category := form.cleaned_data["category"]:
            people = people.filter(category=category)
            filters.append(f"qualité : {Category(category).label}")
        if commune := form.cleaned_data["commune"]:
            people = people.filter(commune=commune)
            filters.append(f"commune {commune}")
        people = people.order_by("commune__name", "search_name", "pk")
        total = people.count()
        services.audit(
            AuditAction.EXPORT,
            by=request.user,
            request=request,
            summary=f"export pour le préfet ({fmt.upper()}, {', '.join(filters) or 'registre complet'})",
            row_count=total,
            **register_tags(request.user),
        )
        stamp = timezone.localdate().isoformat()
        return export_response(rows=people, columns=PREFECT_COLUMNS, filename=f"registre-personnes-fragiles-{stamp}", fmt=fmt)
    context = {
        "form": form,
        "export_links": export_links(request),
        "total": Person.objects.managed_by(request.user).registered().count(),
        "breadcrumb": [HOME, REGISTER],
    }
    return render(request, "followup/prefect_export.html", context, status=400 if fmt else 200)
