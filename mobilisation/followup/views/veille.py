"""Pages of the veille: campaigns (social services), the callers' call list and call card (agents and volunteer
callers), escalations with their home visit, and help requests (social services).

A volunteer caller reaches only the call list of their running campaigns and the card of the call they hold: the
person's first name and phone, the script, the previous outcome and when; never the reason, never the address
(unless a visit is assigned to them), nothing once the call or visit is recorded (SECURITY.md 5).
"""

import uuid

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.db.models import Count, Q
from django.http import Http404, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import second_factor_required
from mobilisation.audit.enums import AuditAction

from .. import figures, services
from ..enums import CampaignState, EscalationState, Outcome, TaskKind, TaskState
from ..forms import CampaignForm, OutcomeForm, PaperFormSet, StepForm, VisitForm
from ..models import CallAttempt, Campaign, ContactTask, Escalation, register_scope
from .register import HOME, REGISTER, register_page

CAMPAIGNS = ("Veille", "/registre/veille/")
# The letters a caller circles on the paper list, one per outcome.
PAPER_CODES = [(outcome.value, outcome.label, letter) for outcome, letter in zip(Outcome, "BANRHDE", strict=True)]
CALLS = ("Appels à passer", "/appels/")


# Open escalations and help requests a campaign's dashboard lists (the oldest first); the rest on their own pages.
DASHBOARD_ROWS = 10


def campaign_for(request, public_id):
    campaign = get_object_or_404(Campaign.objects.visible_to(request.user).select_related("commune", "epci"), public_id=public_id)
    if not any(register_scope(request.user)):
        raise Http404("Page introuvable")  # a volunteer caller reads the call list, not the campaign
    return campaign


def campaign_tags(campaign):
    return {"commune": campaign.commune_id or "", "epci": campaign.epci_id or ""}


@require_GET
@register_page()
def campaigns(request):
    rows = (
        Campaign.objects.visible_to(request.user)
        .select_related("commune", "epci")
        .annotate(
            followed_total=Count("followed", distinct=True),
            open_total=Count("tasks", filter=Q(tasks__state=TaskState.OPEN), distinct=True),
            escalations_open=Count("escalations", filter=Q(escalations__state=EscalationState.OPEN), distinct=True),
        )
        .order_by("state", "-starts_on", "pk")
    )
    context = {"campaigns": rows, "breadcrumb": [HOME, REGISTER]}
    return render(request, "followup/campaigns.html", context)


@require_http_methods(["GET", "POST"])
@register_page()
def campaign_edit(request, public_id=None):
    item = campaign_for(request, public_id) if public_id else Campaign(created_by=request.user)
    if item.state == CampaignState.CLOSED:
        raise Http404("Page introuvable")
    form = CampaignForm(request.POST or None, instance=item, user=request.user)
    if request.method == "POST" and form.is_valid():
        saved = form.save()
        services.audit(
            AuditAction.UPDATE if public_id else AuditAction.CREATE,
            by=request.user,
            request=request,
            summary=f"campagne « {saved.name} » {'modifiée' if public_id else 'créée'}",
            **campaign_tags(saved),
        )
        messages.success(
            request, f"La campagne « {saved.name} » est enregistrée." + ("" if public_id else " Lancez-la quand l’alerte est là.")
        )
        return redirect(saved)
    title = f"Modifier « {item.name} »" if item.pk else "Préparer une campagne de veille"
    context = {"form": form, "title": title, "campaign": item, "breadcrumb": [HOME, REGISTER, CAMPAIGNS]}
    return render(request, "followup/campaign_form.html", context, status=400 if request.method == "POST" else 200)


@require_GET
@register_page()
def campaign(request, public_id):
    item = campaign_for(request, public_id)
    # The oldest first, a screenful each: the full lists have their pages (one row more tells whether there are more).
    # Only the columns shown: a person's phones and encrypted reason are not parsed nor decrypted for a link.
    person = ("person__public_id", "person__state", "person__last_name", "person__first_name")
    escalations = list(
        item.escalations.open()
        .select_related("person")
        .only("campaign", "public_id", "reason", "level", "opened_at", *person)
        .order_by("opened_at")[: DASHBOARD_ROWS + 1]
    )
    help_requests = list(
        item.aid_requests.open()
        .select_related("followup_person")
        .only(
            "followup_campaign",
            "public_id",
            "kind",
            "state",
            "created_at",
            "followup_person__public_id",
            "followup_person__state",
            "followup_person__last_name",
            "followup_person__first_name",
        )
        .order_by("created_at", "pk")[: DASHBOARD_ROWS + 1]
    )
    context = {
        "campaign": item,
        "progress": figures.campaign_progress(item),
        "escalations": escalations[:DASHBOARD_ROWS],
        "more_escalations": len(escalations) > DASHBOARD_ROWS,
        "help_requests": help_requests[:DASHBOARD_ROWS],
        "more_help_requests": len(help_requests) > DASHBOARD_ROWS,
        "breadcrumb": [HOME, REGISTER, CAMPAIGNS],
    }
    return render(request, "followup/campaign.html", context)


@require_POST
@register_page()
def campaign_transition(request, public_id, transition):
    item = campaign_for(request, public_id)
    action = {"lancer": services.start_campaign, "suspendre": services.pause_campaign, "clore": services.close_campaign}.get(transition)
    if action is None:
        raise Http404("Page introuvable")
    try:
        action(campaign=item, by=request.user, request=request)
    except ValidationError as error:
        messages.error(request, error.messages[0])
        return redirect(item)
    done = {
        "lancer": "La campagne est lancée : les appels du tour sont dans la liste.",
        "suspendre": "La campagne est suspendue.",
        "clore": "La campagne est close : ses appels en attente sont annulés.",
    }
    messages.success(request, done[transition])
    return redirect(item)


@require_POST
@register_page()
def campaign_round(request, public_id):
    """A round now, by hand (a heatwave alert at noon does not wait for tomorrow's round)."""
    item = campaign_for(request, public_id)
    if not item.is_running:
        messages.error(request, "Lancez d’abord la campagne.")
        return redirect(item)
    made = services.make_round(campaign=item)
    messages.success(request, f"Nouveau tour : {made} appel{'s' if made > 1 else ''} à passer.")
    return redirect(item)


@require_GET
@register_page()
def call_list_pdf(request, public_id):
    """The round's open calls on paper, for when the network or the power fails: the legal minimum per person."""
    item = campaign_for(request, public_id)
    tasks = list(
        item.tasks.open().select_related("person").prefetch_related("person__contacts").order_by("priority", "person__search_name", "pk")
    )
    services.audit(
        AuditAction.CALL_LIST,
        by=request.user,
        request=request,
        summary=f"liste d’appels papier « {item.name} »",
        row_count=len(tasks),
        **campaign_tags(item),
    )
    from mobilisation.plans.views.document import render_pdf

    html = render_to_string(
        "followup/call_list_pdf.html", {"campaign": item, "tasks": tasks, "now": timezone.localtime(), "outcomes": PAPER_CODES}
    )
    response = HttpResponse(render_pdf(html), content_type="application/pdf")
    response["Content-Disposition"] = 'inline; filename="liste-d-appels.pdf"'
    return response


@require_http_methods(["GET", "POST"])
@register_page()
def paper_entry(request, public_id):
    """The outcomes of a paper call list typed back afterwards, all at once."""
    item = campaign_for(request, public_id)
    tasks = {
        str(task.public_id): task for task in item.tasks.open().select_related("person").order_by("priority", "person__search_name", "pk")
    }
    initial = [{"task": public_id} for public_id in tasks]
    formset = PaperFormSet(request.POST or None, initial=initial, prefix="papier")
    if request.method == "POST" and formset.is_valid():
        recorded, refused = 0, 0
        for form in formset:
            task = tasks.get(str(form.cleaned_data.get("task")))
            outcome = form.cleaned_data.get("outcome")
            if task is None or not outcome:
                continue
            if outcome == Outcome.NEEDS_HELP:
                refused += 1  # the needs are asked on the call card: a help request needs them
                continue
            try:
                services.record_outcome(task=task, outcome=outcome, by=request.user, channel=CallAttempt.Channel.PAPER, request=request)
                recorded += 1
            except ValidationError:
                refused += 1
        messages.success(request, f"{recorded} résultat{'s' if recorded > 1 else ''} enregistré{'s' if recorded > 1 else ''}.")
        if refused:
            messages.warning(
                request,
                f"{refused} ligne{'s' if refused > 1 else ''} à saisir depuis la fiche d’appel (besoin d’aide, ou appel déjà enregistré).",
            )
        return redirect(item)
    if request.method == "GET":
        services.audit(
            AuditAction.CALL_LIST,
            by=request.user,
            request=request,
            summary=f"saisie d’une liste papier « {item.name} »",
            row_count=len(tasks),
            **campaign_tags(item),
        )
    rows = [(form, tasks.get(str(form["task"].value()))) for form in formset]
    context = {
        "campaign": item,
        "formset": formset,
        "rows": rows,
        "breadcrumb": [HOME, REGISTER, CAMPAIGNS, (item.name, item.get_absolute_url())],
    }
    return render(request, "followup/paper_entry.html", context, status=400 if request.method == "POST" else 200)


# Calls: agents and volunteer callers


def is_caller(user):
    """Social services of a register, a volunteer named caller of a running campaign, or one given a home visit."""
    return (
        any(register_scope(user))
        or Campaign.objects.visible_to(user).running().exists()
        or ContactTask.objects.visible_to(user).open().visits().filter(assigned_to=user).exists()
    )


@require_GET
@second_factor_required
def calls(request):
    if not is_caller(request.user):
        raise Http404("Page introuvable")
    now = timezone.now()
    running = list(Campaign.objects.visible_to(request.user).running().select_related("commune", "epci").order_by("name"))
    # The campaigns are the user's already (visible_to): their tasks are counted by campaign alone, without the joins.
    waiting = dict(
        ContactTask.objects.filter(campaign__in=[campaign.pk for campaign in running])
        .claimable(now)
        .values_list("campaign")
        .annotate(n=Count("pk"))
        .order_by()
    )
    held = ContactTask.objects.visible_to(request.user).held_by(request.user, now).first()
    visits = ContactTask.objects.visible_to(request.user).open().visits().filter(assigned_to=request.user)
    visits = visits.select_related("person").order_by("due_at")
    context = {
        "campaigns": [(campaign, waiting.get(campaign.pk, 0)) for campaign in running],
        "held": held,
        "visits": visits,
        "breadcrumb": [HOME],
    }
    return render(request, "followup/calls.html", context)


@require_POST
@second_factor_required
def take_next(request):
    if not is_caller(request.user):
        raise Http404("Page introuvable")
    campaign = None
    if chosen := request.POST.get("campagne"):
        campaign = Campaign.objects.visible_to(request.user).filter(public_id=chosen).first() if _is_uuid(chosen) else None
        if campaign is None:
            raise Http404("Page introuvable")
    task = services.claim_next(by=request.user, campaign=campaign, request=request)
    if task is None:
        messages.info(request, "Aucun appel n’attend pour l’instant : revenez plus tard ou choisissez une autre campagne.")
        return redirect("calls:index")
    return redirect(task)


def _is_uuid(value):
    try:
        uuid.UUID(str(value))
    except ValueError:
        return False
    return True


def task_for_caller(request, public_id):
    """The task a caller may see now (ContactTaskQuerySet.in_hand_of); anything else, or a task done, is a 404."""
    task = get_object_or_404(
        ContactTask.objects.in_hand_of(request.user).select_related("campaign", "person__commune"), public_id=public_id
    )
    return task, any(register_scope(request.user))


@require_http_methods(["GET", "POST"])
@second_factor_required
def call(request, public_id):
    task, agent = task_for_caller(request, public_id)
    visit = task.kind == TaskKind.VISIT
    form = OutcomeForm(request.POST or None, visit=visit)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_outcome(
                task=task,
                outcome=form.cleaned_data["outcome"],
                needs=form.cleaned_data["needs"],
                distress=form.cleaned_data["distress"],
                by=request.user,
                channel=CallAttempt.Channel.VISIT if visit else CallAttempt.Channel.PHONE,
                request=request,
            )
        except ValidationError as error:
            messages.error(request, error.messages[0])
            return redirect("calls:index")
        messages.success(request, f"Résultat enregistré : {Outcome(form.cleaned_data['outcome']).label}.")
        if request.POST.get("suivant"):
            following = services.claim_next(by=request.user, campaign=task.campaign, request=request)
            if following is not None:
                return redirect(following)
        return redirect("calls:index")
    if request.method == "GET":
        services.audit(AuditAction.READ, by=request.user, request=request, person=task.person, summary="fiche d’appel")
    previous = CallAttempt.objects.filter(person=task.person).select_related("campaign").order_by("-at", "-pk").first()
    context = {
        "task": task,
        "person": task.person,
        "agent": agent,
        "visit": visit,
        "shows_address": agent or (visit and task.assigned_to_id == request.user.pk),
        "contacts": task.person.contacts.all() if agent else [],
        "previous": previous,
        "form": form,
        "breadcrumb": [HOME, CALLS],
    }
    return render(request, "followup/call.html", context, status=400 if request.method == "POST" else 200)


@require_POST
@second_factor_required
def release(request, public_id):
    task, _ = task_for_caller(request, public_id)
    services.release_claim(task=task, by=request.user)
    messages.info(request, "L’appel est rendu à la liste.")
    return redirect("calls:index")


# Escalations and help requests: social services


@require_GET
@register_page()
def escalations(request):
    rows = Escalation.objects.visible_to(request.user).open().select_related("person", "campaign").order_by("-reason", "opened_at")
    return render(request, "followup/escalations.html", {"escalations": rows, "breadcrumb": [HOME, REGISTER]})


def escalation_for(request, public_id):
    return get_object_or_404(Escalation.objects.visible_to(request.user).select_related("person__commune", "campaign"), public_id=public_id)


def escalation_page(request, item, *, form=None, visit_form=None, status=200):
    """The escalation, its rung's instructions and step form, its home visits (and the form giving one), its trace."""
    visits = list(item.visits.select_related("assigned_to").order_by("-created_at", "-pk"))
    open_visit = next((visit for visit in visits if visit.state == TaskState.OPEN), None)
    if visit_form is None and item.awaits_visit and item.campaign.state != CampaignState.CLOSED:
        visit_form = VisitForm(campaign=item.campaign, visit=open_visit)
    context = {
        "escalation": item,
        "person": item.person,
        "contacts": item.person.contacts.all(),
        "steps": item.steps.select_related("owner"),
        "attempts": item.person.call_attempts.filter(campaign=item.campaign).select_related("by")[:10],
        "visits": visits,
        "open_visit": open_visit,
        "form": form or StepForm(),
        "visit_form": visit_form,
        "breadcrumb": [HOME, REGISTER, ("Escalades", "/registre/escalades/")],
    }
    return render(request, "followup/escalation.html", context, status=status)


@require_http_methods(["GET", "POST"])
@register_page()
def escalation(request, public_id):
    item = escalation_for(request, public_id)
    form = StepForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.record_step(escalation=item, outcome=form.cleaned_data["outcome"], by=request.user, request=request)
        except ValidationError as error:
            messages.error(request, error.messages[0])
        else:
            messages.success(request, "L’échelon est enregistré.")
        return redirect(item)
    if request.method == "GET":
        services.audit(AuditAction.READ, by=request.user, request=request, person=item.person, summary="escalade")
    return escalation_page(request, item, form=form, status=400 if request.method == "POST" else 200)


@require_POST
@register_page()
def escalation_visit(request, public_id):
    """Give the home visit of the CCAS's rung to an agent of the register or a volunteer caller, or to someone else."""
    item = escalation_for(request, public_id)
    form = VisitForm(request.POST, campaign=item.campaign)
    if form.is_valid():
        visitor = form.cleaned_data["visitor"]
        try:
            services.assign_visit(escalation=item, to=visitor, due_at=form.cleaned_data["due_at"], by=request.user, request=request)
        except ValidationError as error:  # the escalation moved on meanwhile, or someone is on the phone with the person
            messages.error(request, error.messages[0])
        else:
            messages.success(request, f"La visite à domicile est confiée à {visitor} : un courriel l’en avertit.")
        return redirect(item)
    return escalation_page(request, item, visit_form=form, status=400)
