"""Funding requests: asked by the coordinator, instructed by the ARS delegation of the CLS's department."""

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.db.models import Count, Min, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import INSTRUCTING_ROLES
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.services import submit_once

from .. import services
from ..enums import FundingStatus
from ..forms import CommentForm, FundingRequestForm, InstructionForm, ReopenForm, UsageReportForm
from ..models import FundingComment, FundingRequest, Plan
from .common import HOME, action_crumbs, action_for, run


@require_http_methods(["GET", "POST"])
def ask(request, action_id):
    action = action_for(request, action_id, editable=True)
    form = FundingRequestForm(request.POST or None, action=action)
    twin = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            funding = services.request_funding(
                action=action,
                funding_line=data["funding_line"],
                amount=data["amount"],
                justification=data["justification"],
                cofunding=data["cofunding"],
                by=request.user,
                submission_token=data["submission_token"],
                confirm_duplicate=data["confirm_duplicate"],
            )
        except services.DuplicateFundingRequest as duplicate:
            twin = duplicate.existing
            form.add_error("confirm_duplicate", duplicate.messages[0] + " Cochez cette case pour en faire une deuxième quand même.")
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Votre demande de financement est transmise à la délégation départementale de l’ARS.")
            return redirect(funding.get_absolute_url())
    context = {
        "form": form,
        "plan": action.plan,
        "twin": twin,
        "title": f"Demander un financement : {action.title}",
        "breadcrumb": [*action_crumbs(action, request.user), (action.title, action.get_absolute_url())],
    }
    return render(request, "plans/funding_form.html", context)


def funding_for(request, public_id, queryset=None):
    queryset = queryset if queryset is not None else FundingRequest.objects.visible_to(request.user)
    return get_object_or_404(
        queryset.select_related("action__plan__cls__department", "funding_line", "decided_by", "requested_by"), public_id=public_id
    )


def funding_page(request, funding, *, instruction_form=None, reopen_form=None):
    plan = funding.action.plan
    can_instruct = FundingRequest.objects.instructable_by(request.user).filter(pk=funding.pk).exists()
    can_report = Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists()
    context = {
        "funding": funding,
        "plan": plan,
        "comments": FundingComment.objects.filter(request=funding).select_related("author"),
        "steps": funding.history.select_related("history_user").order_by("history_date", "history_id"),
        "can_instruct": can_instruct and funding.is_open,
        "can_reopen": can_instruct and funding.is_decided,
        "can_comment": can_instruct or can_report,
        "can_report": can_report and funding.status == FundingStatus.GRANTED,
        "instruction_form": instruction_form or InstructionForm(funding=funding),
        "reopen_form": reopen_form or ReopenForm(),
        "comment_form": CommentForm(),
        "usage_form": UsageReportForm(initial={"report": funding.usage_report}),
        "breadcrumb": [*action_crumbs(funding.action, request.user), (funding.action.title, funding.action.get_absolute_url())],
    }
    return render(request, "plans/funding.html", context)


@require_GET
def detail(request, public_id):
    return funding_page(request, funding_for(request, public_id))


@require_POST
def instruct(request, public_id):
    funding = funding_for(request, public_id, FundingRequest.objects.instructable_by(request.user))
    form = InstructionForm(request.POST, funding=funding)
    if not form.is_valid():
        messages.error(request, "La décision n’est pas enregistrée : corrigez les champs signalés.")
        return funding_page(request, funding, instruction_form=form)
    data = form.cleaned_data
    _, ok = run(
        request,
        services.instruct_funding,
        success="La demande est mise à jour ; la coordination du CLS est prévenue par courriel.",
        funding=funding,
        to=data["status"],
        amount_granted=data["amount_granted"],
        refusal_reason=data["refusal_reason"],
        comment=data["comment"],
        by=request.user,
    )
    return redirect(funding.get_absolute_url())


@require_POST
def reopen(request, public_id):
    funding = funding_for(request, public_id, FundingRequest.objects.instructable_by(request.user))
    form = ReopenForm(request.POST)
    if not form.is_valid():
        messages.error(request, "La décision n’est pas rouverte : indiquez le motif.")
        return funding_page(request, funding, reopen_form=form)
    run(
        request,
        services.reopen_funding,
        success="La décision est rouverte : la demande est de nouveau en instruction ; la coordination du CLS est prévenue.",
        funding=funding,
        reason=form.cleaned_data["reason"],
        by=request.user,
    )
    return redirect(funding.get_absolute_url())


@require_POST
def comment(request, public_id):
    funding = funding_for(request, public_id)
    allowed = (
        FundingRequest.objects.instructable_by(request.user).filter(pk=funding.pk).exists()
        or Plan.objects.editable_by(request.user).filter(pk=funding.action.plan_id).exists()
    )
    form = CommentForm(request.POST)
    if allowed and form.is_valid():

        def write():
            services.comment_funding(funding=funding, body=form.cleaned_data["body"], by=request.user)
            messages.success(request, "Commentaire ajouté.")
            return funding.get_absolute_url()

        submit_once(token=form.cleaned_data.get("submission_token"), user=request.user, write=write)
    elif not allowed:
        messages.error(request, "Seules la coordination du CLS et la délégation de l’ARS commentent une demande.")
    else:
        messages.error(request, "Le commentaire est vide ou trop long : il n’a pas été enregistré.")
    return redirect(funding.get_absolute_url() + "#commentaires")


@require_POST
def report_usage(request, public_id):
    funding = funding_for(request, public_id, FundingRequest.objects.filter(action__plan__in=Plan.objects.editable_by(request.user)))
    form = UsageReportForm(request.POST)
    if form.is_valid():
        run(
            request,
            services.report_funding_usage,
            success="Le compte rendu d’utilisation est enregistré.",
            funding=funding,
            report=form.cleaned_data["report"],
            by=request.user,
        )
    else:
        messages.error(request, "Le compte rendu est vide ou trop long : il n’a pas été enregistré.")
    return redirect(funding.get_absolute_url())


QUEUE_TABS = {
    "a-instruire": ("À instruire", [FundingStatus.RECEIVED]),
    "en-instruction": ("En instruction", [FundingStatus.UNDER_REVIEW]),
    "decidees": ("Décidées", [FundingStatus.GRANTED, FundingStatus.REFUSED]),
}
QUEUE_PER_PAGE = 25
QUEUE_COLUMNS = [
    ("CLS", "action.plan.cls.name"),
    ("Département", "action.plan.cls.department.name"),
    ("Action", "action.title"),
    ("Ligne de financement", "funding_line.title"),
    ("Montant demandé (€)", "amount_requested"),
    ("Montant accordé (€)", "amount_granted"),
    ("État", "get_status_display"),
    ("Demandée le", "created_at"),
    ("Décidée le", "decided_at"),
    ("Âge (jours)", "age_days"),
]

# What a row of the queue shows (funding_queue.html): the plan's and action's long texts are not read.
QUEUE_SHOWN = (
    "public_id",
    "status",
    "amount_requested",
    "amount_granted",
    "created_at",
    "decided_at",
    "action",
    "action__title",
    "action__plan",
    "action__plan__cls",
    "action__plan__cls__name",
    "action__plan__cls__department",
    "action__plan__cls__department__code",
    "funding_line",
    "funding_line__title",
)


@require_GET
@remit(*INSTRUCTING_ROLES)
@rejects_unknown_format
def queue(request):
    """The delegation's funding queue: to instruct, under review, decided; the oldest first, with their age."""
    instructable = FundingRequest.objects.instructable_by(request.user)
    tab = request.GET.get("onglet") if request.GET.get("onglet") in QUEUE_TABS else "a-instruire"
    label, statuses = QUEUE_TABS[tab]
    requests = (
        instructable.filter(status__in=statuses)
        .select_related("action__plan__cls__department", "funding_line")
        .order_by("-decided_at" if tab == "decidees" else "created_at", "pk")
    )
    today = timezone.localdate()
    if fmt := requested_format(request):
        rows = list(requests)
        for row in rows:
            row.age_days = (today - timezone.localdate(row.created_at)).days
        return export_response(rows=rows, columns=QUEUE_COLUMNS, filename=f"financements-{tab}", fmt=fmt)
    counts = instructable.aggregate(
        **{key: Count("pk", filter=Q(status__in=statuses)) for key, (_, statuses) in QUEUE_TABS.items()},
        oldest=Min("created_at", filter=Q(status=FundingStatus.RECEIVED)),
    )
    paginator = Paginator(requests.only(*QUEUE_SHOWN), QUEUE_PER_PAGE)
    paginator.count = counts[tab]  # the tab's count, read with the others: no second count of the queue
    page = paginator.get_page(request.GET.get("page"))
    for row in page.object_list:
        row.age_days = (today - timezone.localdate(row.created_at)).days
    tabs = [
        {"key": key, "label": name, "count": counts[key], "url": f"{reverse('plans:funding_queue')}?onglet={key}", "current": key == tab}
        for key, (name, _) in QUEUE_TABS.items()
    ]
    context = {
        "tab": tab,
        "tab_label": label,
        "tabs": tabs,
        "oldest_days": (today - timezone.localdate(counts["oldest"])).days if counts["oldest"] else None,
        "page_obj": page,
        "export_links": export_links(request),
        "breadcrumb": [HOME, ("Mon espace", "/espace/")],
    }
    return render(request, "plans/funding_queue.html", context)
