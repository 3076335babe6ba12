"""The numéro vert's pages: its lines, the call log (one screen, keyboard first), the callbacks queue, the figures,
the FAQ (written and validated by the ARS, read by the operators and the public), the CCAS's registration proposals."""

import datetime

from django.contrib import messages
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Q
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.safestring import mark_safe
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import ARS_ROLES, CLS_ROLES, SOCIAL_SERVICES_ROLES, Role
from mobilisation.accounts.perms import Grants
from mobilisation.audit.enums import AuditAction
from mobilisation.audit.services import record as audit
from mobilisation.core import formats, page_cache
from mobilisation.core.page_cache import public_page as cached_public_page
from mobilisation.core.services import submit_once
from mobilisation.core.text import search_key
from mobilisation.directory.models import Service
from mobilisation.plans.enums import RestrictionScope
from mobilisation.plans.models import PlannedAction, RestrictionPeriod
from mobilisation.territories.models import Commune

from . import figures, services
from .enums import CallbackState, FaqState, ProposalState, Reason
from .forms import (
    CallbackOutcomeForm,
    CallForm,
    CommuneInputField,
    FaqEntryForm,
    FaqSearchForm,
    FaqVariantFormSet,
    LineForm,
    MissedCallForm,
)
from .models import Call, Callback, FaqEntry, Line, RegistrationProposal, faq_writers, search_words

HOME = ("Accueil", "/")
LINES = ("Numéro vert", "/numero-vert/")
FAQ = ("Questions et réponses", "/numero-vert/faq/")
READERS = (Role.HOTLINE_OPERATOR, *CLS_ROLES, *SOCIAL_SERVICES_ROLES, *ARS_ROLES)
FAQ_READERS = (*READERS, Role.PARTNER_MEMBER)
RECENT = 10
FAQ_RESULTS = 8
SERVICE_RESULTS = 20


def line_visible(request, public_id):
    return get_object_or_404(Line.objects.visible_to(request.user).select_related("cls", "commune"), public_id=public_id)


def line_operated(request, public_id):
    """The line whose log `request.user` keeps (an operator of it): 404 for anyone else, its managers included."""
    return get_object_or_404(Line.objects.operated_by(request.user).select_related("cls", "commune"), public_id=public_id)


def managed_territories(user):
    """The CLS and the communes a user may open a line for (their Grants: coordinator, CCAS/CIAS manager, ARS)."""
    from mobilisation.contracts.models import Cls

    grants = Grants(user)
    if grants.everything:
        return Cls.objects.order_by("name"), Commune.objects.none()
    communes = Commune.objects.filter(Q(pk__in=grants.managed_communes) | Q(epci__in=grants.managed_epcis)).order_by("name")
    return Cls.objects.filter(pk__in=grants.coordinated).order_by("name"), communes


def kinds_in_force(*, commune=None, line=None, day=None):
    """The restriction kinds in force where the caller lives (their commune; the line's own territory when the call
    does not say), for the FAQ's variants."""
    day = day or timezone.localdate()
    measures = RestrictionPeriod.objects.in_force_on(day)
    commune = commune or (line.commune if line is not None and line.commune_id else None)
    if commune is not None:
        measures = measures.covering(commune)
    elif line is not None:
        measures = measures.filter(Q(scope=RestrictionScope.NATIONAL) | Q(scope=RestrictionScope.DEPARTMENT, department=line.department_id))
    else:
        measures = measures.filter(scope=RestrictionScope.NATIONAL)
    return set(measures.values_list("kind", flat=True))


def faq_answers(entries, kinds):
    """[(entry, answer in force, variant or None)] for entries whose variants are prefetched."""
    return [(entry, *entry.answer_under(kinds)) for entry in entries]


# Lines.


@remit(*READERS)
@require_GET
def index(request):
    user = request.user
    lines = list(Line.objects.visible_to(user).select_related("cls", "commune").order_by("name"))
    since = timezone.make_aware(datetime.datetime.combine(timezone.localdate(), datetime.time.min))
    today = figures.line_counts(lines, since=since)
    operated = set(user.scope.line_ids)
    managed = set(Line.objects.managed_by(user).filter(pk__in=[line.pk for line in lines]).values_list("pk", flat=True))
    rows = [{"line": line, "today": today[line.pk], "operated": line.pk in operated, "managed": line.pk in managed} for line in lines]
    contracts, communes = managed_territories(user)
    context = {
        "rows": rows,
        "can_open": contracts.exists() or communes.exists(),
        "proposals_waiting": RegistrationProposal.objects.visible_to(user).waiting().count(),
        "breadcrumb": [HOME],
    }
    return render(request, "hotline/index.html", context)


@require_http_methods(["GET", "POST"])
def line_edit(request, public_id=None):
    user = request.user
    contracts, communes = managed_territories(user)
    if public_id is None:
        if not (contracts.exists() or communes.exists()):
            raise Http404("Page introuvable")
        item = Line()
    else:
        item = get_object_or_404(Line.objects.managed_by(user), public_id=public_id)
    area = Commune.objects.filter(Q(contracts__in=contracts) | Q(pk__in=communes.values("pk")))
    if item.pk:
        area = area | item.communes()
    plan_actions = (
        PlannedAction.objects.filter(plan__cls__communes__in=area)
        .distinct()
        .select_related("plan__cls")
        .order_by("plan__cls__name", "title")
    )
    form = LineForm(request.POST or None, instance=item, contracts=contracts, communes=communes, plan_actions=plan_actions)
    if item.pk and "territory" in form.fields:
        form.fields["territory"].disabled = True
        form.fields["territory"].choices = [(form.initial["territory"], str(item.territory))]
    if request.method == "POST" and form.is_valid():
        created = item.pk is None
        line = form.save()
        if created:
            messages.success(
                request, f"La ligne « {line.name} » est ouverte. Invitez ses écoutants : rôle « {Role.HOTLINE_OPERATOR.label} »."
            )
        else:
            messages.success(request, "La ligne est enregistrée.")
        return redirect("hotline:figures", public_id=line.public_id)
    title = f"Modifier la ligne « {item.name} »" if item.pk else "Ouvrir une ligne de numéro vert"
    context = {"form": form, "title": title, "line": item, "breadcrumb": [HOME, LINES]}
    return render(request, "hotline/line_edit.html", context, status=400 if request.method == "POST" else 200)


@require_GET
def line_figures(request, public_id):
    line = line_visible(request, public_id)
    user = request.user
    context = {
        "line": line,
        "figures": figures.line_dashboard(line),
        "operated": line.pk in user.scope.line_ids,
        "managed": Line.objects.managed_by(user).filter(pk=line.pk).exists(),
        "operators": line.memberships.active().filter(role=Role.HOTLINE_OPERATOR).count(),
        "breadcrumb": [HOME, LINES],
    }
    return render(request, "hotline/figures.html", context)


# The call log.


def call_form_for(line, data=None, **kwargs):
    communes = list(line.communes().only("insee_code", "name").order_by("name"))
    services_qs = Service.objects.listed().serving_area(line.communes())  # what a service chosen is checked against
    entries = FaqEntry.objects.in_force().only("pk", "question", "theme").order_by("question")
    form = CallForm(data, line=line, communes=communes, services=services_qs, faq_entries=entries, **kwargs)
    versions = (*page_cache.versions("public", "help"), timezone.localdate())
    form.fields["faq_entry"].widget.cache_key = page_cache.key_of("faq-entries", *versions)
    return form, communes


def caller_commune(line, text):
    """The commune a caller gave, as typed in the call log (name, postcode, INSEE code, suggestion), or None while it
    is not one commune (the call's own validation says why)."""
    text = text.strip()[:80]
    if not text:
        return None
    try:
        return CommuneInputField(preferred=set(line.communes().values_list("pk", flat=True))).clean(text)
    except ValidationError:
        return None


def line_services(line):
    """The directory's services serving the line's territory, as (pk, label, search key) rows in name order: read
    once per change of the directory (thousands at a crisis's height), searched in memory as the operator types."""

    def read():
        rows = Service.objects.listed().serving_area(line.communes()).order_by("name", "pk").values_list("pk", "name", "organisation__name")
        return [(pk, f"{name} ({organisation})", search_key(f"{name} {organisation}")) for pk, name, organisation in rows]

    key = page_cache.key_of("line-services", line.pk, *page_cache.versions("public", "help"), timezone.localdate())
    return page_cache.value(key, read)


def service_choices(line, *, commune=None, text="", chosen=None):
    """What the call log offers to orient a caller: the service already chosen first, then at most SERVICE_RESULTS
    of the line's services serving the caller's commune and holding every word typed (accents ignored)."""
    rows = line_services(line)
    chosen_row = next((row for row in rows if row[0] == chosen), None) if chosen else None
    words = search_words(text)
    searched = bool(words or commune)
    found = []
    if searched:
        serving = set(Service.objects.listed().serving(commune).values_list("pk", flat=True)) if commune else None
        found = [row for row in rows if (serving is None or row[0] in serving) and all(word in row[2] for word in words)]
    shown = [row for row in found if row is not chosen_row][:SERVICE_RESULTS]
    where = f" pour {commune.name}" if commune else ""
    if not searched:
        summary = (
            f"{counted(len(rows), 'service')} de l’annuaire {'servent' if len(rows) > 1 else 'sert'} le territoire de la "
            "ligne : saisissez la commune de l’appelant ou un mot du service pour les trouver."
        )
    elif not found:
        summary = f"Aucun service de la ligne ne correspond{where} : essayez un autre mot."
    elif len(found) > len(shown) + (chosen_row in found):
        summary = f"{counted(len(found), 'service')} correspondent{where} : les {len(shown)} premiers sont affichés, précisez la recherche."
    else:
        summary = f"{counted(len(found), 'service')} correspond{'ent' if len(found) > 1 else ''}{where}."
    choices = ([chosen_row] if chosen_row else []) + shown
    return {"choices": [(pk, label) for pk, label, _key in choices], "chosen": chosen_row[0] if chosen_row else None, "summary": summary}


def counted(count, noun):
    return f"{formats.number(count)} {noun}{'s' if count > 1 else ''}"


def chosen_service(value):
    value = (value or "").strip()
    return int(value) if value.isdigit() else None


@require_GET
def service_panel(request, public_id):
    """The services beside the call under way, searched as the operator types (the call log asks for this fragment;
    without scripts, its « Chercher » button submits the call form to show them, nothing saved)."""
    line = line_operated(request, public_id)
    services_offered = service_choices(
        line,
        commune=caller_commune(line, request.GET.get("commune", "")),
        text=request.GET.get("q", "")[:100],
        chosen=chosen_service(request.GET.get("service")),
    )
    return render(request, "hotline/_service_choices.html", {"services": services_offered})


@require_http_methods(["GET", "POST"])
def log(request, public_id):
    """The call log: the form of the call under way, the FAQ at hand, the operator's last calls of the day."""
    line = line_operated(request, public_id)
    user = request.user
    callback_of = None
    if key := (request.POST.get("rappel_de") or request.GET.get("rappel")):
        try:
            callback_of = Callback.objects.visible_to(user).filter(line=line, state=CallbackState.OPEN).get(public_id=key)
        except (Callback.DoesNotExist, ValidationError):
            callback_of = None
    form, communes = call_form_for(line, request.POST or None)
    searching = form.searching()
    if request.method == "POST" and not searching and form.is_valid():

        def write():
            services.log_call(
                line=line,
                operator=user,
                call=form.call_data(),
                callback=form.callback_data(),
                aid_request=form.aid_request_data(),
                proposal=form.proposal_data(),
                callback_of=callback_of,
            )
            return reverse("hotline:log", args=[line.public_id])

        address = submit_once(token=form.cleaned_data.get("submission_token"), user=user, write=write)
        done = [
            label
            for flag, label in (
                ("wants_callback", "rappel noté"),
                ("wants_help", "demande d’aide transmise"),
                ("wants_registration", "proposition envoyée au CCAS"),
            )
            if form.cleaned_data.get(flag)
        ]
        messages.success(request, "Appel enregistré" + (f" : {', '.join(done)}." if done else "."))
        return redirect(address)
    context = {"form": form, "communes": communes, "line": line}
    if form.is_bound:
        context["services"] = service_choices(
            line,
            commune=caller_commune(line, form.data.get("commune", "")),
            text=form.data.get("service_search", "")[:100],
            chosen=chosen_service(form.data.get("service")),
        )
        call_fields = render_to_string("hotline/_call_fields.html", context, request=request)
    else:
        # Forty fields and three sub-forms rendered by the design system's templates: once per line and change of
        # the directory, the FAQ or the territories (the submission token and the CSRF token stay out of it).
        key = page_cache.key_of("call-fields", line.pk, *page_cache.versions("public", "help"), timezone.localdate())

        def render_fields(_csrf):
            return render_to_string("hotline/_call_fields.html", {**context, "services": service_choices(line)})

        call_fields = page_cache.fragment(key, render_fields)
    today = Call.objects.visible_to(user).filter(line=line).on_day(timezone.localdate())
    recent = (
        today.filter(operator=user)
        .select_related("commune", "service", "faq_entry")
        .only("at", "reasons", "referral", "commune__name", "service__name", "faq_entry__question", "aid_request_id", "callback_of_id")
        .order_by("-at")[:RECENT]
    )
    context = {
        "line": line,
        "form": form,
        "call_fields": mark_safe(call_fields),  # noqa: S308 - our template, its values escaped
        "callback_of": callback_of,
        "recent": recent,
        "today_count": today.count(),
        "waiting": Callback.objects.visible_to(user).filter(line=line).waiting().count(),
        "missed_form": MissedCallForm(),
        "faq": faq_results(line, None, ""),
        "search_form": FaqSearchForm(),
        "breadcrumb": [HOME, LINES],
    }
    return render(request, "hotline/log.html", context, status=400 if request.method == "POST" and not searching else 200)


def faq_results(line, commune, text, theme=""):
    kinds = kinds_in_force(commune=commune, line=line)
    entries = FaqEntry.objects.in_force().prefetch_related("variants")
    if text:
        entries = entries.search(text)
    if theme:
        entries = entries.filter(theme=theme)
    entries = list(entries.order_by("theme", "question")[:FAQ_RESULTS])
    return {"answers": faq_answers(entries, kinds), "kinds": sorted(kinds), "searched": bool(text or theme), "commune": commune}


@require_GET
def faq_panel(request, public_id):
    """The FAQ beside the call log: answers in force for the caller's commune, searched as the operator types (the
    page asks for this fragment; without scripts, the search is this page)."""
    line = line_operated(request, public_id)
    form = FaqSearchForm(request.GET or None)
    text = theme = ""
    if form.is_valid():
        text, theme = form.cleaned_data["q"], form.cleaned_data["theme"]
    commune = caller_commune(line, request.GET.get("commune", ""))
    context = {"line": line, "faq": faq_results(line, commune, text, theme), "search_form": form}
    template = "hotline/_faq_panel.html" if request.GET.get("fragment") else "hotline/faq_panel.html"
    context["breadcrumb"] = [HOME, LINES, (line.name, reverse("hotline:log", args=[line.public_id]))]
    return render(request, template, context)


@require_POST
def missed(request, public_id):
    line = line_operated(request, public_id)
    form = MissedCallForm(request.POST)
    if form.is_valid():

        def write():
            data = form.cleaned_data
            services.record_missed(
                line=line, by=request.user, phone=data["phone"], first_name=data["first_name"].strip(), note=data["note"].strip()
            )
            return reverse("hotline:callbacks", args=[line.public_id])

        address = submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
        messages.success(request, "Appel manqué noté : il est dans la file des rappels.")
        return redirect(address)
    context = {"line": line, "missed_form": form, "breadcrumb": [HOME, LINES, (line.name, reverse("hotline:log", args=[line.public_id]))]}
    return render(request, "hotline/missed.html", context, status=400)


# Callbacks.


@require_GET
def callbacks(request, public_id):
    """The queue: open callbacks by due time, missed calls first at equal time; the numbers show only once taken."""
    line = line_operated(request, public_id)
    now = timezone.now()
    queue = (
        Callback.objects.visible_to(request.user)
        .filter(line=line)
        .waiting()
        .select_related("claimed_by")
        .only(
            "public_id",
            "origin",
            "first_name",
            "note",
            "due_at",
            "attempts",
            "claimed_by__first_name",
            "claimed_by__last_name",
            "claimed_until",
            "created_at",
            "line_id",
        )
        .order_by("due_at", "pk")
    )
    page = Paginator(queue, 50).get_page(request.GET.get("page"))
    context = {
        "line": line,
        "page_obj": page,
        "now": now,
        "missed_form": MissedCallForm(),
        "breadcrumb": [HOME, LINES, (line.name, reverse("hotline:log", args=[line.public_id]))],
    }
    return render(request, "hotline/callbacks.html", context)


@require_http_methods(["GET", "POST"])
def callback(request, public_id, callback_id):
    line = line_operated(request, public_id)
    user = request.user
    item = get_object_or_404(Callback.objects.visible_to(user).filter(line=line), public_id=callback_id)
    form = CallbackOutcomeForm(request.POST if request.POST.get("action") == "outcome" else None)
    if request.method == "POST":
        action = request.POST.get("action")
        if action == "take":
            if services.claim(callback=item, by=user):
                audit(request, AuditAction.READ, target=item, summary="numéro à rappeler affiché")
                messages.success(request, "Ce rappel est à vous pour 15 minutes : appelez.")
            else:
                messages.error(request, services.TAKEN if item.state == CallbackState.OPEN else "Ce rappel est clos.")
            return redirect(item)
        if action == "release":
            services.release(callback=item, by=user)
            messages.success(request, "Rappel rendu à la file.")
            return redirect("hotline:callbacks", public_id=line.public_id)
        if action == "outcome" and form.is_valid():
            try:
                done = services.callback_outcome(callback=item, by=user, outcome=form.cleaned_data["outcome"])
            except ValidationError as error:
                messages.error(request, error.messages[0])
                return redirect(item)
            if done.state == CallbackState.OPEN:
                messages.success(request, f"Essai {done.attempts} noté : le rappel revient dans la file dans une heure.")
            else:
                messages.success(request, f"Rappel clos ({done.get_state_display().lower()}) : son numéro est effacé.")
            return redirect("hotline:callbacks", public_id=line.public_id)
    item.refresh_from_db()
    held = item.held_by(user)
    context = {
        "line": line,
        "item": item,
        "held": held,
        "taken_by_other": item.taken_by_other(user),
        "form": form,
        "breadcrumb": [
            HOME,
            LINES,
            (line.name, reverse("hotline:log", args=[line.public_id])),
            ("Rappels", reverse("hotline:callbacks", args=[line.public_id])),
        ],
    }
    return render(request, "hotline/callback.html", context, status=400 if form.errors else 200)


# The FAQ.


@remit(*FAQ_READERS)
@require_GET
def faq_index(request):
    user = request.user
    writer = faq_writers(user)
    form = FaqSearchForm(request.GET or None)
    entries = FaqEntry.objects.visible_to(user).select_related("validated_by")
    state = request.GET.get("etat", "")
    if writer and state in FaqState.values:
        entries = entries.filter(state=state)
    elif not writer:
        entries = entries.filter(Q(pk__in=FaqEntry.objects.in_force().values("pk")) | Q(proposed_by=user))
    if form.is_valid():
        if form.cleaned_data["q"]:
            entries = entries.search(form.cleaned_data["q"])
        if form.cleaned_data["theme"]:
            entries = entries.filter(theme=form.cleaned_data["theme"])
    page = Paginator(entries.order_by("theme", "question", "pk"), 30).get_page(request.GET.get("page"))
    counts = dict(FaqEntry.objects.values_list("state").annotate(n=Count("pk")).order_by()) if writer else {}
    context = {
        "form": form,
        "page_obj": page,
        "writer": writer,
        "state": state,
        "states": [(key, label, counts.get(key, 0)) for key, label in FaqState.choices],
        "today": timezone.localdate(),
        "breadcrumb": [HOME],
    }
    return render(request, "hotline/faq_index.html", context)


@remit(*FAQ_READERS)
@require_GET
def faq_entry(request, public_id):
    entry = get_object_or_404(FaqEntry.objects.visible_to(request.user).prefetch_related("variants"), public_id=public_id)
    history = entry.history.select_related("history_user").order_by("-history_date")[:20] if faq_writers(request.user) else []
    context = {
        "entry": entry,
        "writer": faq_writers(request.user),
        "history": history,
        "today": timezone.localdate(),
        "breadcrumb": [HOME, FAQ],
    }
    return render(request, "hotline/faq_entry.html", context)


@remit(*FAQ_READERS)
@require_http_methods(["GET", "POST"])
def faq_edit(request, public_id=None):
    """The ARS writes (and so validates) entries; an operator, a coordinator or a CCAS proposes new ones."""
    user = request.user
    writer = faq_writers(user)
    if public_id is None:
        entry = FaqEntry()
    else:
        if not writer:
            raise Http404("Page introuvable")
        entry = get_object_or_404(FaqEntry, public_id=public_id)
    form = FaqEntryForm(request.POST or None, instance=entry)
    variants = FaqVariantFormSet(request.POST or None, instance=entry, prefix="variantes")
    if request.method == "POST" and form.is_valid() and variants.is_valid():
        saved = services.save_faq_entry(form=form, variants=variants, by=user)
        if saved.state == FaqState.VALIDATED:
            messages.success(request, "La réponse est validée : les écoutants et le portail la lisent dès maintenant.")
        else:
            messages.success(request, "Merci : votre proposition est transmise à l’ARS, qui la validera ou non.")
        return redirect(saved)
    title = f"Modifier « {entry.question} »" if entry.pk else ("Ajouter une question" if writer else "Proposer une question")
    context = {"form": form, "variants": variants, "entry": entry, "writer": writer, "title": title, "breadcrumb": [HOME, FAQ]}
    return render(request, "hotline/faq_edit.html", context, status=400 if request.method == "POST" else 200)


@require_POST
def faq_state(request, public_id):
    if not faq_writers(request.user):
        raise Http404("Page introuvable")
    entry = get_object_or_404(FaqEntry, public_id=public_id)
    state = request.POST.get("state")
    if state not in (FaqState.VALIDATED, FaqState.WITHDRAWN):
        messages.error(request, "Action inconnue : rien n’a été modifié.")
        return redirect(entry)
    services.set_faq_state(entry=entry, state=state, by=request.user)
    messages.success(request, "Réponse validée." if state == FaqState.VALIDATED else "Réponse retirée : elle n’est plus lue.")
    return redirect(entry)


@login_not_required
@require_GET
@cached_public_page(on=("help",))
def public_faq(request):
    """The same answers as the hotline's, for the public: in force today, the variant of the measures in force in the
    visitor's commune when they give it."""
    form = FaqSearchForm(request.GET or None)
    text = theme = ""
    if form.is_valid():
        text, theme = form.cleaned_data["q"], form.cleaned_data["theme"]
    commune = None
    if code := request.GET.get("commune", "").strip()[:5]:
        commune = Commune.objects.filter(insee_code=code).select_related("epci").first()
    kinds = kinds_in_force(commune=commune)
    entries = FaqEntry.objects.in_force().prefetch_related("variants")
    if text:
        entries = entries.search(text)
    if theme:
        entries = entries.filter(theme=theme)
    page = Paginator(entries.order_by("theme", "question", "pk"), 30).get_page(request.GET.get("page"))
    context = {
        "form": form,
        "page_obj": page,
        "answers": faq_answers(page.object_list, kinds),
        "commune": commune,
        "themes": Reason,
        "breadcrumb": [HOME, ("Trouver de l’aide", reverse("portal:help_search"))],
    }
    return render(request, "hotline/public_faq.html", context)


# Registration proposals (the CCAS's side).


@remit(*SOCIAL_SERVICES_ROLES)
@require_GET
def proposals(request):
    waiting = RegistrationProposal.objects.visible_to(request.user).waiting().select_related("commune", "line").order_by("created_at")
    page = Paginator(waiting, 50).get_page(request.GET.get("page"))
    return render(request, "hotline/proposals.html", {"page_obj": page, "breadcrumb": [HOME]})


@remit(*SOCIAL_SERVICES_ROLES)
@require_http_methods(["GET", "POST"])
def proposal(request, public_id):
    item = get_object_or_404(RegistrationProposal.objects.visible_to(request.user).select_related("commune", "line"), public_id=public_id)
    if request.method == "POST":
        if request.POST.get("action") != "decline":
            messages.error(request, "Action inconnue : rien n’a été modifié.")
            return redirect(item)
        try:
            services.decide_proposal(proposal=item, state=ProposalState.DECLINED, by=request.user)
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect(item)
        messages.success(request, "Proposition écartée : ses coordonnées sont effacées.")
        return redirect("hotline:proposals")
    if item.state == ProposalState.NEW:
        audit(request, AuditAction.READ, target=item, commune=item.commune_id, summary="proposition d’inscription du numéro vert")
    context = {"item": item, "breadcrumb": [HOME, ("Propositions d’inscription", reverse("hotline:proposals"))]}
    return render(request, "hotline/proposal.html", context)
