"""Writes of the veille: campaigns' lives, rounds, claims, outcomes, escalation steps, home visits and help requests.

Concurrency (SECURITY.md 26): a call is claimed by a conditional UPDATE (claimed by nobody, or a lapsed claim), so of
two callers pressing « appel suivant » at once exactly one gets each task; the database's unique constraint keeps one
open task per person; an outcome is recorded under a row lock on its task, once. Around a home visit the rows are
locked in one order, the escalation before its visit task (assign_visit, record_step, record_outcome), so that a
visitor recording while an agent reassigns or climbs the ladder waits instead of deadlocking.
"""

import datetime

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.db.models import Q
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.audit.enums import AuditAction
from mobilisation.core.site import absolute_url
from mobilisation.jobs.effects import once
from mobilisation.jobs.mail import send_later

from ..enums import (
    CampaignState,
    EscalationLevel,
    EscalationReason,
    EscalationState,
    FinalStatus,
    Outcome,
    StepOutcome,
    TaskKind,
    TaskState,
)
from ..models import CallAttempt, Campaign, ContactTask, Escalation, EscalationStep, FollowedPerson
from ..models.veille import CLAIM_MINUTES
from .register import audit

# Final statuses after which a person gets no more tasks in the campaign.
ENDED = (FinalStatus.STOPPED, FinalStatus.DECEASED, FinalStatus.HOSPITALISED)

# What an escalation's home visit found, as the step of its rung. A death is left to an agent, who records the step
# by hand; « numéro erroné » means nothing for a visit and is refused.
VISIT_STEPS = {
    Outcome.FINE: StepOutcome.SEEN_FINE,
    Outcome.REFUSED: StepOutcome.SEEN_FINE,
    Outcome.NEEDS_HELP: StepOutcome.SEEN_HELPED,
    Outcome.HOSPITALISED: StepOutcome.SEEN_HELPED,
    Outcome.NOT_REACHED: StepOutcome.NO_NEWS,
}


def figures_changed(campaign):
    """The plan page of the action a campaign feeds shows its figures: it renders afresh (core.page_cache)."""
    if campaign.plan_action_id:
        from mobilisation.core import page_cache
        from mobilisation.plans.models import PlannedAction

        plan_id = PlannedAction.objects.filter(pk=campaign.plan_action_id).values_list("plan_id", flat=True).first()
        if plan_id:
            page_cache.bump(f"plan:{plan_id}")


def _campaign_tags(campaign):
    return {"commune": campaign.commune_id or "", "epci": campaign.epci_id or ""}


@transaction.atomic
def start_campaign(*, campaign, by, request=None, now=None):
    """Draft or paused → running; the first round is made at once when the campaign has begun."""
    now = now or timezone.now()
    if campaign.state not in (CampaignState.DRAFT, CampaignState.PAUSED):
        raise ValidationError("Seule une campagne en brouillon ou suspendue peut être lancée.")
    campaign.state = CampaignState.RUNNING
    today = timezone.localdate(now)
    if campaign.next_round_on is None or campaign.next_round_on < today:
        campaign.next_round_on = max(campaign.starts_on, today)
    campaign.save(update_fields=["state", "next_round_on", "updated_at"])
    audit(AuditAction.UPDATE, by=by, request=request, summary=f"campagne « {campaign.name} » lancée", **_campaign_tags(campaign))
    if campaign.next_round_on <= today:
        make_round(campaign=campaign, now=now)
    return campaign


@transaction.atomic
def pause_campaign(*, campaign, by, request=None):
    """Running → paused: no new round, the open tasks stay (they are taken again when it resumes)."""
    if campaign.state != CampaignState.RUNNING:
        raise ValidationError("Seule une campagne en cours peut être suspendue.")
    campaign.state = CampaignState.PAUSED
    campaign.save(update_fields=["state", "updated_at"])
    audit(AuditAction.UPDATE, by=by, request=request, summary=f"campagne « {campaign.name} » suspendue", **_campaign_tags(campaign))


@transaction.atomic
def close_campaign(*, campaign, by, request=None, now=None):
    """Closed for good: its open tasks are cancelled (stopping a follow-up stops its tasks), each person gets a final status."""
    now = now or timezone.now()
    # The campaign's row before its tasks', the order make_round and assign_visit keep.
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
    if campaign.state == CampaignState.CLOSED:
        return campaign
    # Visitors of the campaign's visits still open are told not to go (their address is gone from their list at once).
    withdrawn = _emails_of(campaign.tasks.open().visits().values_list("assigned_to", flat=True))
    campaign.tasks.open().update(state=TaskState.CANCELLED, claimed_by=None, claimed_until=None, updated_at=now)
    if withdrawn:
        label = campaign.register_label
        transaction.on_commit(lambda: _tell_withdrawn(emails=withdrawn, register_label=label))
    in_progress = campaign.followed.filter(final_status=FinalStatus.IN_PROGRESS)
    lost = Q(unreached_last_round=True) | Q(person__escalations__campaign=campaign, person__escalations__state=EscalationState.OPEN)
    in_progress.filter(pk__in=in_progress.filter(lost).values("pk")).update(final_status=FinalStatus.LOST, changed_at=now)
    in_progress.update(final_status=FinalStatus.COMPLETED, changed_at=now)
    campaign.state = CampaignState.CLOSED
    campaign.next_round_on = None
    campaign.save(update_fields=["state", "next_round_on", "updated_at"])
    audit(AuditAction.UPDATE, by=by, request=request, summary=f"campagne « {campaign.name} » close", **_campaign_tags(campaign))
    return campaign


def stop_following(*, person, now=None):
    """The person has left the register (objection, removal on request): nothing more is done for them.

    Their open call or visit is cancelled (a visitor is told not to go), their open escalation is resolved (the audit
    of the erasure says why), and in every campaign where their follow-up was in progress it ends as stopped at their
    request. Called by the register's services inside their transaction, before the personal fields are erased.
    """
    now = now or timezone.now()
    tasks = ContactTask.objects.open().filter(person=person)  # one at most (the database's rule)
    visit = tasks.visits().filter(assigned_to__isnull=False).select_related("campaign", "assigned_to").first()
    tasks.update(state=TaskState.CANCELLED, claimed_by=None, claimed_until=None, updated_at=now)
    if visit is not None:
        emails, label = [visit.assigned_to.email], visit.campaign.register_label
        transaction.on_commit(lambda: _tell_withdrawn(emails=emails, register_label=label))
    Escalation.objects.filter(person=person, state=EscalationState.OPEN).update(state=EscalationState.RESOLVED, resolved_at=now)
    followed = FollowedPerson.objects.filter(person=person, final_status=FinalStatus.IN_PROGRESS)
    campaigns = list(Campaign.objects.filter(pk__in=followed.values("campaign")))
    followed.update(final_status=FinalStatus.STOPPED, changed_at=now)
    for campaign in campaigns:
        figures_changed(campaign)


def make_round(*, campaign, now=None, at_call_time=False):
    """One round: a contact task for each targeted person still followed, unreached ones and people alone first.

    A round made by hand (launching the campaign, « lancer un tour maintenant ») is due at once; the scheduled ones
    (make_due_rounds) at the campaign's call time.

    Idempotent per round (jobs.effects.once): a retried or doubled round job makes its tasks once. The previous
    round's calls still open are cancelled (the person counts as unreached last round and comes first); a home visit
    is an escalation's, not a round's: it stays, and its person gets no call while it is open.
    Returns the number of tasks made.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    with transaction.atomic():
        campaign = Campaign.objects.select_for_update(no_key=True).get(pk=campaign.pk)
        if not campaign.is_running or (campaign.ends_on and today > campaign.ends_on):
            return 0
        number = campaign.rounds_made + 1
        with once(f"followup:round:{campaign.pk}:{number}", task="make_round") as first:
            if not first:
                return 0
            stale = campaign.tasks.open().filter(kind=TaskKind.CALL)
            unreached_ids = set(stale.values_list("person_id", flat=True))
            stale.update(state=TaskState.CANCELLED, claimed_by=None, claimed_until=None, updated_at=now)
            FollowedPerson.objects.filter(campaign=campaign, person_id__in=unreached_ids).update(unreached_last_round=True)
            people = list(campaign.targeted_people().values_list("pk", "lives_alone"))
            followed = dict(FollowedPerson.objects.filter(campaign=campaign).values_list("person_id", "final_status"))
            FollowedPerson.objects.bulk_create(
                [FollowedPerson(campaign=campaign, person_id=pk, changed_at=now) for pk, _ in people if pk not in followed]
            )
            unreached = unreached_ids | set(
                FollowedPerson.objects.filter(campaign=campaign, unreached_last_round=True).values_list("person_id", flat=True)
            )
            busy = set(ContactTask.objects.open().filter(person_id__in=[pk for pk, _ in people]).values_list("person_id", flat=True))
            due_at = max(now, campaign.round_due_at(today)) if at_call_time else now
            tasks = [
                ContactTask(
                    campaign=campaign,
                    person_id=pk,
                    round_number=number,
                    priority=(0 if pk in unreached else 2) + (0 if alone else 1),
                    due_at=due_at,
                    next_attempt_at=due_at,
                )
                for pk, alone in people
                if pk not in busy and followed.get(pk) not in ENDED
            ]
            ContactTask.objects.bulk_create(tasks, batch_size=1000)
            campaign.rounds_made = number
            campaign.next_round_on = today + datetime.timedelta(days=campaign.interval_days)
            if campaign.ends_on and campaign.next_round_on > campaign.ends_on:
                campaign.next_round_on = None
            campaign.save(update_fields=["rounds_made", "next_round_on", "updated_at"])
            figures_changed(campaign)
            return len(tasks)


def make_due_rounds(*, now=None):
    """The rounds due today of every running campaign (the periodic job calls this). Returns how many were made."""
    now = now or timezone.now()
    due = Campaign.objects.running().filter(next_round_on__lte=timezone.localdate(now)).values_list("pk", flat=True)
    made = 0
    for pk in list(due):
        make_round(campaign=Campaign(pk=pk), now=now, at_call_time=True)
        made += 1
    return made


def claim_next(*, by, campaign=None, request=None, now=None):
    """The next call for `by`: the one they already hold, else the first claimable in calling order. None if none."""
    now = now or timezone.now()
    tasks = ContactTask.objects.visible_to(by).filter(kind=TaskKind.CALL)
    if campaign is not None:
        tasks = tasks.filter(campaign=campaign)
    held = tasks.open().filter(claimed_by=by, claimed_until__gte=now).order_by("claimed_until").first()
    if held is not None:
        return held
    until = now + datetime.timedelta(minutes=CLAIM_MINUTES)
    # The running campaigns named by their ids: the planner then knows how many calls each holds and walks the calling
    # order's index to the first one, instead of sorting a register's thousands of calls at every claim.
    running = list(Campaign.objects.visible_to(by).running().values_list("pk", flat=True))
    claimable = tasks.claimable(now).filter(campaign__in=running).in_calling_order()
    for _ in range(5):  # a few tries: another caller may take the same call at this very moment
        with transaction.atomic():
            # PostgreSQL: the first call no other caller is taking right now (SKIP LOCKED), instead of every caller
            # queuing on the same first row (SQLite, which writes one at a time, ignores the lock).
            pk = claimable.select_for_update(of=("self",), skip_locked=True).values_list("pk", flat=True).first()
            if pk is None:
                return None
            # Conditional update: claimed only if still claimable at the moment of writing, due time included: a call
            # another caller has just recorded "not reached" is open and unclaimed again, but not due before its retry.
            won = ContactTask.objects.filter(pk=pk).claimable(now).update(claimed_by=by, claimed_until=until, updated_at=now)
            if won:  # the claim and its trace in the access log, one commit
                task = ContactTask.objects.select_related("campaign", "person__commune").get(pk=pk)
                audit(
                    AuditAction.READ, by=by, request=request, person=task.person, summary=f"appel pris (campagne « {task.campaign.name} »)"
                )
                return task
    return None


def release_claim(*, task, by):
    """Give a claimed call back to the list (the caller stops)."""
    return bool(ContactTask.objects.filter(pk=task.pk, claimed_by=by, state=TaskState.OPEN).update(claimed_by=None, claimed_until=None))


def _followed(task):
    followed, _ = FollowedPerson.objects.get_or_create(campaign=task.campaign, person=task.person)
    return followed


def _escalate(task, reason, *, now, level=EscalationLevel.CONTACTS):
    """Open the person's escalation (one open per person: an existing one is kept)."""
    try:
        with transaction.atomic():
            return Escalation.objects.create(campaign=task.campaign, person=task.person, reason=reason, level=level, opened_at=now)
    except IntegrityError:
        return Escalation.objects.open().get(person=task.person)


def alert_manager(escalation):
    """A person in distress: the managers of the register are told at once by e-mail (the page shows it too)."""
    from mobilisation.accounts.models import Membership

    campaign = escalation.campaign
    managers = Membership.objects.active().filter(role=Role.SOCIAL_SERVICES_MANAGER, user__is_active=True)
    managers = managers.filter(commune=campaign.commune_id) if campaign.commune_id else managers.filter(epci=campaign.epci_id)
    # No name in the e-mail (SECURITY.md 20): the link leads to the page, behind the second factor.
    body = render_to_string(
        "followup/email/distress.txt", {"campaign": campaign, "link": absolute_url(escalation.get_absolute_url()), "escalation": escalation}
    )
    send_later(recipients=managers.values_list("user__email", flat=True), subject=f"Personne en détresse – {campaign.name}", body=body)


@transaction.atomic
def record_outcome(*, task, outcome, by, needs=(), distress=False, channel=CallAttempt.Channel.PHONE, request=None, now=None):
    """Record what a call (or visit) found, and what follows: done, retried later, escalated, a help request.

    The caller must hold the task's claim, unless they are an agent of its register typing back a paper list or a
    visit. A home visit tied to an escalation is not retried: its outcome is the step of the escalation's rung
    (VISIT_STEPS, by record_step: seen → resolved, not reached → the next rung), its visitor the step's owner.
    Returns the CallAttempt.
    """
    now = now or timezone.now()
    # An escalation's visit never changes escalation: lock the escalation first, the order assign_visit keeps.
    escalation = Escalation.objects.select_for_update().get(pk=task.escalation_id) if task.escalation_id else None
    # The task's row and its person's, not its campaign's nor its commune's: every caller of a campaign records at once,
    # and they would queue on those shared rows (69 calls a second for 8 callers). The campaign is locked without its
    # key (no_key: close_campaign, make_round, assign_visit), so the key-share lock of this attempt's foreign key waits
    # for none of them.
    task = ContactTask.objects.select_for_update(of=("self", "person")).select_related("campaign", "person__commune").get(pk=task.pk)
    if task.state != TaskState.OPEN:
        raise ValidationError("Ce contact est déjà enregistré : rien n’a été ajouté.")
    if task.claimed_by_someone_else(by, now):
        raise ValidationError("Quelqu’un d’autre a pris cet appel entre-temps : rien n’a été enregistré.")
    outcome = Outcome(outcome)
    if escalation is not None and outcome == Outcome.WRONG_NUMBER:
        raise ValidationError("Une visite n’a pas de numéro à corriger : dites ce que la visite a trouvé.")
    needs = sorted(set(needs)) if outcome == Outcome.NEEDS_HELP else []
    if outcome == Outcome.NEEDS_HELP and not needs:
        raise ValidationError("Dites de quoi la personne a besoin.")
    attempt = CallAttempt.objects.create(
        task=task,
        campaign=task.campaign,
        person=task.person,
        round_number=task.round_number,
        by=by,
        at=now,
        channel=channel,
        outcome=outcome,
        needs=needs,
    )
    task.attempts += 1
    task.last_outcome = outcome
    task.claimed_by, task.claimed_until = None, None
    followed = _followed(task)
    finished = True
    if outcome == Outcome.NOT_REACHED and escalation is None and task.attempts < task.campaign.max_attempts:
        task.next_attempt_at = now + datetime.timedelta(minutes=task.campaign.retry_minutes)
        finished = False
    elif outcome == Outcome.NOT_REACHED:
        followed.unreached_last_round = True
        if escalation is None:
            _escalate(task, EscalationReason.UNREACHED, now=now)
    elif outcome == Outcome.WRONG_NUMBER:
        _escalate(task, EscalationReason.WRONG_NUMBER, now=now)
    else:
        followed.unreached_last_round = False
        final = {
            Outcome.REFUSED: FinalStatus.STOPPED,
            Outcome.HOSPITALISED: FinalStatus.HOSPITALISED,
            Outcome.DECEASED: FinalStatus.DECEASED,
        }
        if outcome in final:
            followed.final_status = final[outcome]
            followed.changed_at = now
    if finished:
        task.state = TaskState.DONE
        task.done_at = now
    task.save()
    followed.save()
    if escalation is not None and escalation.state == EscalationState.OPEN and outcome in VISIT_STEPS:
        record_step(escalation=escalation, outcome=VISIT_STEPS[outcome], by=by, request=request, now=now)
    if outcome == Outcome.NEEDS_HELP:
        open_help_request(person=task.person, campaign=task.campaign, needs=needs, by=by, now=now)
        if distress:
            # After the visit's step: distress found at the door opens a new escalation and alerts, as on a call.
            in_distress = _escalate(task, EscalationReason.DISTRESS, now=now, level=EscalationLevel.CCAS_VISIT)
            transaction.on_commit(lambda: alert_manager(in_distress))
    figures_changed(task.campaign)
    audit(
        AuditAction.CREATE,
        by=by,
        request=request,
        person=task.person,
        summary=f"résultat d’{'une visite' if channel == CallAttempt.Channel.VISIT else 'un appel'} : {outcome.label}"
        + (" (liste papier)" if channel == CallAttempt.Channel.PAPER else ""),
    )
    return attempt


def open_help_request(*, person, campaign, needs, by, now=None):
    """The needs a call found become requests for help of the mutual-aid module, for the CCAS: the one hand-off."""
    from mobilisation.mutualaid.help_requests import from_veille

    return from_veille(person=person, campaign=campaign, needs=needs, by=by, now=now)


@transaction.atomic
def record_step(*, escalation, outcome, by, request=None, now=None):
    """One rung of the ladder done: seen (resolved) or no news (the next rung; the last one stays until seen).

    By hand on the escalation page, or by record_outcome when the rung's home visit is recorded (`by`: the visitor).
    """
    now = now or timezone.now()
    escalation = (
        Escalation.objects.select_for_update(of=("self", "person")).select_related("person__commune", "campaign").get(pk=escalation.pk)
    )
    if escalation.state != EscalationState.OPEN:
        raise ValidationError("Cette escalade est déjà résolue : rien n’a été ajouté.")
    outcome = StepOutcome(outcome)
    step = EscalationStep.objects.create(escalation=escalation, level=escalation.level, owner=by, outcome=outcome, at=now)
    # The rung is done (resolved or climbed): a visit still open for it is no longer to be made, and its visitor
    # loses the address at once (SECURITY.md 5). A visit recorded by its visitor is already done here.
    _withdraw_visits(escalation, now=now)
    if outcome == StepOutcome.NO_NEWS:
        escalation.level = min(escalation.level + 1, EscalationLevel.EMERGENCY)
    else:
        escalation.state = EscalationState.RESOLVED
        escalation.resolved_at = now
        FollowedPerson.objects.filter(campaign=escalation.campaign, person=escalation.person).update(unreached_last_round=False)
    escalation.save()
    audit(
        AuditAction.UPDATE,
        by=by,
        request=request,
        person=escalation.person,
        summary=f"escalade, {EscalationLevel(step.level).label.lower()} : {outcome.label.lower()}",
    )
    return step


# Home visits: the CCAS's rung of the ladder


@transaction.atomic
def assign_visit(*, escalation, to, due_at, by, request=None, now=None):
    """Give the home visit of an escalation at the CCAS's rung to `to`, from `due_at`; again: to someone else, or later.

    `to` must be an agent of the campaign's register or one of its active volunteer callers (Campaign.visitors): the
    view's form checks it, and so does this function. The visit is a contact task (kind VISIT, tied to the
    escalation) assigned to `to`, who alone of the volunteers reaches it, and only while it is open.

    One open task per person (the database's rule): the person's open call, if nobody is on it now, is cancelled and
    the visit takes its place (the person is to be seen, not rung again); if someone is on the phone with them, the
    visit waits and the agent is told. The escalation's open visit is handed over, not doubled. The same visit sent
    twice (double click) writes nothing. The visitor is e-mailed through the task queue, without any name, address or
    reason; a visitor replaced is told the visit is no longer theirs. Returns the visit task.
    """
    now = now or timezone.now()
    escalation = Escalation.objects.select_for_update(of=("self", "person")).select_related("person__commune").get(pk=escalation.pk)
    # The campaign's row too, as make_round takes it: a round made meanwhile sees the visit and calls nobody twice.
    campaign = Campaign.objects.select_for_update(no_key=True).get(pk=escalation.campaign_id)
    if not escalation.awaits_visit:
        raise ValidationError("La visite à domicile se confie à l’échelon « visite à domicile par le CCAS » d’une escalade en cours.")
    if campaign.state == CampaignState.CLOSED:
        raise ValidationError("La campagne est close : enregistrez l’échelon vous-même après la visite.")
    if not campaign.visitors().filter(pk=to.pk).exists():
        raise ValidationError("Choisissez un agent du registre ou un bénévole appelant de la campagne.")
    current = ContactTask.objects.select_for_update().filter(person=escalation.person, state=TaskState.OPEN).first()
    replaced = None
    if current is not None and current.escalation_id == escalation.pk:
        if current.assigned_to_id == to.pk and current.due_at == due_at:
            return current  # sent twice: nothing changes, nobody is e-mailed twice
        replaced = current.assigned_to_id if current.assigned_to_id != to.pk else None
        current.assigned_to, current.due_at, current.next_attempt_at = to, due_at, due_at
        current.save(update_fields=["assigned_to", "due_at", "next_attempt_at", "updated_at"])
        visit = current
    else:
        if current is not None:
            if current.kind != TaskKind.CALL:
                raise ValidationError("Une autre visite est en cours pour cette personne : rien n’a été enregistré.")
            if current.claimed_by_someone_else(by, now):
                raise ValidationError("Quelqu’un est au téléphone avec cette personne : réessayez dans quelques minutes.")
            current.state, current.claimed_by, current.claimed_until = TaskState.CANCELLED, None, None
            current.save(update_fields=["state", "claimed_by", "claimed_until", "updated_at"])
        visit = ContactTask.objects.create(
            campaign=campaign,
            person=escalation.person,
            escalation=escalation,
            round_number=max(campaign.rounds_made, 1),
            kind=TaskKind.VISIT,
            priority=0,
            due_at=due_at,
            next_attempt_at=due_at,
            assigned_to=to,
        )
    audit(
        AuditAction.UPDATE if visit is current else AuditAction.CREATE,
        by=by,
        request=request,
        person=escalation.person,
        summary=f"visite à domicile confiée à {to} à partir du {timezone.localtime(due_at):%d/%m/%Y %H:%M}",
    )
    register_label, email, withdrawn = campaign.register_label, to.email, _emails_of([replaced])
    transaction.on_commit(lambda: _tell_visitor(email=email, register_label=register_label, due_at=due_at))
    if withdrawn:
        transaction.on_commit(lambda: _tell_withdrawn(emails=withdrawn, register_label=register_label))
    return visit


def _withdraw_visits(escalation, *, now):
    """Cancel the escalation's open visits (its rung is done); their visitors are told not to go."""
    visits = ContactTask.objects.filter(escalation=escalation, state=TaskState.OPEN)
    emails = _emails_of(visits.values_list("assigned_to", flat=True))
    if visits.update(state=TaskState.CANCELLED, updated_at=now) and emails:
        label = escalation.campaign.register_label
        transaction.on_commit(lambda: _tell_withdrawn(emails=emails, register_label=label))


def _emails_of(user_ids):
    from mobilisation.accounts.models import User

    ids = [pk for pk in user_ids if pk]
    return list(User.objects.filter(pk__in=ids).values_list("email", flat=True)) if ids else []


def _tell_visitor(*, email, register_label, due_at):
    # No name, address or reason in the e-mail (SECURITY.md 20): the call list, behind the second factor, has them.
    body = render_to_string(
        "followup/email/visit.txt",
        {"register_label": register_label, "due_at": timezone.localtime(due_at), "link": absolute_url(reverse("calls:index"))},
    )
    send_later(recipients=[email], subject="Une visite à domicile vous est confiée", body=body)


def _tell_withdrawn(*, emails, register_label):
    body = render_to_string("followup/email/visit_withdrawn.txt", {"register_label": register_label})
    send_later(recipients=emails, subject="La visite à domicile n’est plus à faire", body=body)
