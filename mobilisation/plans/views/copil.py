"""COPIL meetings: schedule one ahead (and change or cancel it), then record who attended and what it decided."""

from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_http_methods, require_POST

from mobilisation.core.services import submit_once

from .. import services
from ..enums import CopilStatus
from ..forms import CopilRecordForm, CopilScheduleForm
from ..models import CopilMeeting, Plan
from .common import plan_crumbs, run


def copil_plan(request, public_id):
    return get_object_or_404(Plan.objects.copil_recordable_by(request.user).select_related("cls", "mobilisation"), public_id=public_id)


def meeting_of(plan, meeting_id):
    return get_object_or_404(CopilMeeting.objects.filter(plan=plan), public_id=meeting_id)


def render_form(request, plan, form, title, meeting=None):
    context = {"form": form, "plan": plan, "meeting": meeting, "title": title, "breadcrumb": plan_crumbs(plan)}
    return render(request, "plans/copil_form.html", context)


@require_http_methods(["GET", "POST"])
def schedule(request, public_id, meeting_id=None):
    plan = copil_plan(request, public_id)
    meeting = meeting_of(plan, meeting_id) if meeting_id else None
    if meeting is not None and meeting.status != CopilStatus.SCHEDULED:
        return redirect(plan.get_absolute_url() + "#copil")
    form = CopilScheduleForm(request.POST or None, plan=plan, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            _, ok = run(
                request,
                services.schedule_copil,
                success="La réunion du COPIL est prévue ; les membres invités sont prévenus par courriel.",
                plan=plan,
                meeting=meeting,
                date=data["date"],
                time=data["time"],
                place=data["place"],
                agenda=data["agenda"],
                invited_users=list(data["invited_users"]),
                other_invitees=data["other_invitees"],
                by=request.user,
            )
            return plan.get_absolute_url() + "#copil" if ok else None

        if address := submit_once(token=data.get("submission_token"), user=request.user, write=write):
            return redirect(address)
    title = "Modifier la réunion du COPIL" if meeting else "Prévoir une réunion du COPIL"
    return render_form(request, plan, form, title, meeting)


@require_POST
def cancel(request, public_id, meeting_id):
    plan = copil_plan(request, public_id)
    meeting = meeting_of(plan, meeting_id)
    run(
        request,
        services.cancel_copil,
        success="La réunion est annulée ; les membres invités sont prévenus.",
        meeting=meeting,
        by=request.user,
    )
    return redirect(plan.get_absolute_url() + "#copil")


@require_http_methods(["GET", "POST"])
def record(request, public_id, meeting_id=None):
    """The decisions of a meeting: a scheduled one whose day has come, or a past one recorded afterwards."""
    plan = copil_plan(request, public_id)
    meeting = meeting_of(plan, meeting_id) if meeting_id else None
    if meeting is not None and not meeting.may_be_held:
        return redirect(plan.get_absolute_url() + "#copil")
    form = CopilRecordForm(request.POST or None, plan=plan, meeting=meeting)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            _, ok = run(
                request,
                services.record_copil,
                success="La réunion du COPIL et ses décisions sont enregistrées.",
                plan=plan,
                meeting=meeting,
                date=meeting.date if meeting else data["date"],
                attendees=data["attendee_text"],
                notes=data["notes"],
                adopt_plan=data["adopt_plan"],
                adopted_actions=list(data["adopted_actions"]),
                rejected_actions=list(data["rejected_actions"]),
                by=request.user,
            )
            return plan.get_absolute_url() + "#copil" if ok else None

        if address := submit_once(token=data.get("submission_token"), user=request.user, write=write):
            return redirect(address)
    title = f"Décisions du {meeting}" if meeting else "Enregistrer une réunion du COPIL passée"
    return render_form(request, plan, form, title, meeting)
