"""The page « Tâches de fond » of the ARS region: jobs by state, the failed ones, and « Relancer »."""

import datetime

from django.contrib import messages
from django.db.models import Count, Q
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.views.decorators.http import require_GET, require_POST

from mobilisation.accounts.decorators import remit
from mobilisation.accounts.enums import Role

from . import services
from .enums import JobState
from .models import Job

HOME = ("Accueil", "/")
FAILED_SHOWN = 100


def counts(now=None):
    since = (now or timezone.now()) - datetime.timedelta(hours=24)
    return Job.objects.aggregate(
        waiting=Count("pk", filter=Q(state=JobState.WAITING)),
        running=Count("pk", filter=Q(state=JobState.RUNNING)),
        succeeded=Count("pk", filter=Q(state=JobState.SUCCEEDED, finished_at__gte=since)),
        failed=Count("pk", filter=Q(state=JobState.FAILED)),
    )


@require_GET
@remit(Role.ARS_REGION)
def index(request):
    failed = Job.objects.failed().order_by("-finished_at", "-pk")
    context = {"counts": counts(), "failed": failed[:FAILED_SHOWN], "breadcrumb": [HOME]}
    return render(request, "jobs/index.html", context)


@require_POST
@remit(Role.ARS_REGION)
def relaunch(request, public_id):
    job = get_object_or_404(Job, public_id=public_id)
    if services.relaunch_job(job=job):
        messages.success(request, f"La tâche « {job.label} » est relancée ; ce qu’elle avait déjà fait ne sera pas refait.")
    else:
        messages.info(request, "Cette tâche n’est plus en échec : rien à relancer.")
    return redirect("jobs:index")
