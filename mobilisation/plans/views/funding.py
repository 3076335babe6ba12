"""Funding requests: asked by the coordinator, instructed by the ARS delegation of the CLS's department."""

from django.contrib import messages
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mobilisation.core.services import submit_once

from .. import services
from ..forms import CommentForm, FundingRequestForm, InstructionForm, UsageReportForm
from ..models import FundingRequest, Plan
from .common import action_crumbs, action_for, run


@require_http_methods(["GET", "POST"])
def ask(request, action_id):
    action = action_for(request, action_id, editable=True)
    form = FundingRequestForm(request.POST or None, action=action)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        funding, ok = run(
            request,
            services.request_funding,
            action=action,
            funding_line=data["funding_line"],
            amount=data["amount"],
            justification=data["justification"],
            cofunding=data["cofunding"],
            by=request.user,
            submission_token=data["submission_token"],
        )
        if ok:
            messages.success(request, "Votre demande de financement est transmise à la délégation départementale de l’ARS.")
            return redirect(funding.get_absolute_url())
    return render(
        request,
        "plans/form.html",
        {"form": form, "plan": action.plan, "title": f"Demander un financement : {action.title}", "breadcrumb": action_crumbs(action)},
    )


def funding_for(request, public_id, queryset=None):
    queryset = queryset if queryset is not None else FundingRequest.objects.visible_to(request.user)
    return get_object_or_404(
        queryset.select_related("action__plan__cls__department", "funding_line", "decided_by", "requested_by"), public_id=public_id
    )


@require_http_methods(["GET"])
def detail(request, public_id):
    funding = funding_for(request, public_id)
    plan = funding.action.plan
    can_instruct = FundingRequest.objects.instructable_by(request.user).filter(pk=funding.pk).exists()
    can_report = Plan.objects.editable_by(request.user).filter(pk=plan.pk).exists()
    context = {
        "funding": funding,
        "plan": plan,
        "comments": funding.comments.select_related("author"),
        "can_instruct": can_instruct and funding.status in {"recue", "en_instruction"},
        "can_comment": can_instruct or can_report,
        "can_report": can_report and funding.status == "accordee",
        "instruction_form": InstructionForm(initial={"amount_granted": funding.amount_requested}),
        "comment_form": CommentForm(),
        "usage_form": UsageReportForm(initial={"report": funding.usage_report}),
        "breadcrumb": action_crumbs(funding.action) + [(funding.action.title, funding.action.get_absolute_url())],
    }
    return render(request, "plans/funding.html", context)


@require_POST
def instruct(request, public_id):
    funding = funding_for(request, public_id, FundingRequest.objects.instructable_by(request.user))
    form = InstructionForm(request.POST)
    if form.is_valid():
        data = form.cleaned_data
        run(
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
    else:
        for field, errors in form.errors.items():
            for error in errors:
                messages.error(request, f"{form.fields[field].label} : {error}" if field in form.fields else error)
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
