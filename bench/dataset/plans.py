"""Each CLS of the run gets its plan for the COVID-19 mobilisation: diagnosis, fiches, actions and their follow-up."""

import datetime
from decimal import Decimal

from mobilisation.catalogue.models import ActionModel, Modality, Resource, TargetPublic, Theme
from mobilisation.core.formats import euros
from mobilisation.plans.enums import ActionOrigin, ActionStatus, CopilDecisionKind, CopilStatus, CopilVerdict, FundingStatus, PlanStatus
from mobilisation.plans.models import (
    BudgetLine,
    CopilDecision,
    CopilMeeting,
    ExistingAction,
    FundingComment,
    FundingRequest,
    Indicator,
    Plan,
    PlanEvent,
    PlanMessage,
    PlannedAction,
    ProgressEntry,
)

from . import texts
from .context import CRISIS_END, CRISIS_START, backdating
from .people import full_name

PLAN_STATUSES = [
    (PlanStatus.DRAFT, 10),
    (PlanStatus.SUBMITTED, 12),
    (PlanStatus.ADOPTED, 18),
    (PlanStatus.IN_PROGRESS, 52),
    (PlanStatus.CLOSED, 8),
]
ACTION_STATUSES = {
    PlanStatus.DRAFT: [(ActionStatus.PLANNED, 1)],
    PlanStatus.SUBMITTED: [(ActionStatus.PLANNED, 1)],
    PlanStatus.ADOPTED: [(ActionStatus.PLANNED, 70), (ActionStatus.IN_PROGRESS, 25), (ActionStatus.SUSPENDED, 5)],
    PlanStatus.IN_PROGRESS: [
        (ActionStatus.PLANNED, 15),
        (ActionStatus.IN_PROGRESS, 45),
        (ActionStatus.DONE, 25),
        (ActionStatus.SUSPENDED, 8),
        (ActionStatus.ABANDONED, 7),
    ],
    PlanStatus.CLOSED: [(ActionStatus.DONE, 80), (ActionStatus.ABANDONED, 20)],
}
FUNDING_STATUSES = [
    (FundingStatus.RECEIVED, 15),
    (FundingStatus.UNDER_REVIEW, 20),
    (FundingStatus.GRANTED, 50),
    (FundingStatus.REFUSED, 15),
]
ACTIONS_PER_PLAN = (12, 40)
PERSONA_PLAN_ACTIONS = 40  # the plan the benchmarks open is a large one
FUNDING_SHARE = 0.3  # share of actions of a submitted plan with a funding request
DECIDED = {PlanStatus.ADOPTED, PlanStatus.IN_PROGRESS, PlanStatus.CLOSED}
STARTED = {ActionStatus.IN_PROGRESS, ActionStatus.DONE, ActionStatus.SUSPENDED, ActionStatus.ABANDONED}

BACKDATED = (Plan, PlanEvent, ExistingAction, PlannedAction, ProgressEntry, FundingRequest, FundingComment, CopilMeeting, PlanMessage)


def is_money(description):
    """History lines about money are read by the plan team only, as the application writes them."""
    return description.startswith(("Demande de financement", "Budget de"))


def days(n):
    return datetime.timedelta(days=n)


def draw_timeline(ctx):
    """When the plan was created, submitted, adopted by its COPIL, launched and (if so) closed."""
    created = ctx.day(CRISIS_START, CRISIS_START + days(20))
    timeline = {"created": created, "submitted": created + days(ctx.rng.randint(10, 30))}
    timeline["copil"] = timeline["submitted"] + days(ctx.rng.randint(5, 20))
    timeline["launched"] = timeline["copil"] + days(ctx.rng.randint(1, 10))
    timeline["closed"] = CRISIS_END - days(ctx.rng.randint(0, 30))
    return timeline


class Catalogue:
    """The mobilisation's catalogue, read once: what adopted actions copy and new actions draw from."""

    def __init__(self, mobilisation):
        self.models = list(
            ActionModel.objects.filter(mobilisation=mobilisation)
            .select_related("theme")
            .prefetch_related("modalities", "publics", "resources")
        )
        self.themes = list(Theme.objects.filter(axis__mobilisation=mobilisation))
        self.modalities = list(Modality.objects.values_list("pk", flat=True))
        self.publics = list(TargetPublic.objects.values_list("pk", flat=True))
        resources = list(Resource.objects.filter(mobilisation=mobilisation))
        self.resources = [r.pk for r in resources]
        self.funding_lines = [r.pk for r in resources if r.is_funding_line]
        self.model_links = {
            m.pk: ([x.pk for x in m.modalities.all()], [x.pk for x in m.publics.all()], [x.pk for x in m.resources.all()])
            for m in self.models
        }


class PlanWriter:
    """Collects the rows of many plans, then writes each table in one bulk insert (parents before children)."""

    def __init__(self, ctx, catalogue):
        self.ctx = ctx
        self.catalogue = catalogue
        self.plans, self.fiches, self.actions, self.events, self.messages, self.meetings = [], [], [], [], [], []
        self.plan_links = {"priority_publics": [], "priority_communes": []}
        self.action_links = {"communes": [], "modalities": [], "publics": [], "partners": [], "resources": []}
        self.indicators, self.budget_lines, self.funding, self.comments, self.decisions = [], [], [], [], []

    # One plan --------------------------------------------------------------------------------------
    def add_plan(self, cls, *, team, delegation, organisations, communes, size=None):
        ctx = self.ctx
        status = ctx.weighted(PLAN_STATUSES) if size is None else PlanStatus.IN_PROGRESS
        timeline = draw_timeline(ctx)
        coordinator = team["coordinators"][0]
        plan = Plan(
            public_id=ctx.uuid(),
            cls_id=cls.pk,
            mobilisation_id=ctx.data["mobilisation"].pk,
            status=status,
            needs=" ".join(ctx.pick(texts.NEEDS, 2)),
            version=1 + ctx.rng.randint(1, 12),
            created_at=ctx.moment(timeline["created"]),
            updated_at=ctx.moment(timeline["closed"] if status == PlanStatus.CLOSED else timeline["launched"]),
        )
        self.plans.append(plan)
        draft = {"plan": plan, "status": status, "timeline": timeline, "coordinator": coordinator, "delegation": delegation}
        created = timeline["created"]
        draft["events"] = [(created, coordinator, "Plan créé"), (created + days(2), coordinator, "Diagnostic mis à jour")]
        self.plan_links["priority_publics"] += [(plan, p) for p in ctx.pick(self.catalogue.publics, ctx.rng.randint(2, 4))]
        self.plan_links["priority_communes"] += [(plan, c[0]) for c in ctx.pick(communes, ctx.rng.randint(3, 8))]
        fiches = []
        for number, (priority, title) in enumerate(ctx.pick(texts.FICHES, ctx.rng.randint(6, 12)), start=1):
            fiche = ExistingAction(
                cls_id=cls.pk, reference=f"{number}.{ctx.rng.randint(1, 4)}", title=title, priority=priority, created_at=plan.created_at
            )
            fiche.updated_at = fiche.created_at
            fiches.append(fiche)
        self.fiches += fiches
        self.add_actions(draft, size or ctx.rng.randint(*ACTIONS_PER_PLAN), communes, organisations, fiches)
        self.add_lifecycle(draft, team)
        return plan

    def add_actions(self, draft, total, communes, organisations, fiches, models=None):
        """About 60 % adopted from the catalogue, 10 % adapted from the CLS's fiches, the rest new."""
        ctx = self.ctx
        models = self.catalogue.models if models is None else models
        adopted = min(len(models), round(total * ctx.rng.uniform(0.5, 0.7)))
        adapted = min(len(fiches), round(total * 0.1))
        for model in ctx.pick(models, adopted):
            self.add_action(draft, ActionOrigin.ADOPTED, communes, organisations, model=model)
        for fiche in ctx.pick(fiches, adapted):
            self.add_action(draft, ActionOrigin.ADAPTED, communes, organisations, fiche=fiche)
        for _ in range(total - adopted - adapted):
            self.add_action(draft, ActionOrigin.NEW, communes, organisations)

    def add_action(self, draft, origin, communes, organisations, *, model=None, fiche=None):
        ctx, plan, plan_status = self.ctx, draft["plan"], draft["status"]
        timeline = draft["timeline"]
        status = ctx.weighted(ACTION_STATUSES[plan_status])
        verdict = CopilVerdict.PENDING
        if plan_status in DECIDED:
            verdict = CopilVerdict.REJECTED if ctx.chance(0.06) else CopilVerdict.ADOPTED
            if verdict == CopilVerdict.REJECTED:
                status = ActionStatus.ABANDONED
        start = ctx.day(timeline["created"], CRISIS_END - days(30)) if ctx.chance(0.9) else None
        end = min(start + days(ctx.rng.randint(14, 120)), CRISIS_END) if start and ctx.chance(0.85) else None
        commune = ctx.rng.choice(communes)
        if origin == ActionOrigin.ADOPTED:
            title, description, theme_id = model.title, model.description, model.theme_id
            modalities, publics, resources = self.catalogue.model_links[model.pk]
        else:
            if origin == ActionOrigin.ADAPTED:
                title = ctx.rng.choice(texts.ADAPTATIONS).format(fiche=fiche.title)
            else:
                title = ctx.rng.choice(texts.NEW_ACTIONS).format(commune=commune[1])
            description = f"Action conduite par le CLS avec ses partenaires à partir de {commune[1]}."
            theme_id = ctx.rng.choice(self.catalogue.themes).pk
            modalities = ctx.pick(self.catalogue.modalities, ctx.rng.randint(1, 2))
            publics = ctx.pick(self.catalogue.publics, ctx.rng.randint(1, 3))
            resources = ctx.pick(self.catalogue.resources, ctx.rng.randint(0, 2))
        lead = ctx.rng.choice(organisations) if organisations and ctx.chance(0.7) else None
        moment = ctx.moment(timeline["created"] + days(ctx.rng.randint(0, 10)))
        action = PlannedAction(
            public_id=ctx.uuid(),
            plan=plan,
            origin=origin,
            action_model=model,
            model_revision=model.revision if model else None,
            existing_action=fiche,
            title=title[:250],
            description=description,
            theme_id=theme_id,
            lead_organisation=lead,
            start=start,
            end=end,
            status=status,
            copil_verdict=verdict,
            version=1 + ctx.rng.randint(0, 4),
            created_at=moment,
            updated_at=moment,
        )
        action.recorder = draft["coordinator"]
        self.actions.append(action)
        links = self.action_links
        links["communes"] += [(action, c[0]) for c in ctx.pick(communes, ctx.rng.randint(1, 6))]
        links["modalities"] += [(action, m) for m in modalities]
        links["publics"] += [(action, p) for p in publics]
        links["resources"] += [(action, r) for r in resources]
        links["partners"] += [(action, o) for o in ctx.pick(organisations, ctx.rng.randint(0, 4))]
        verb = {
            ActionOrigin.ADOPTED: "Action adoptée du catalogue",
            ActionOrigin.ADAPTED: "Action adaptée",
            ActionOrigin.NEW: "Action créée",
        }
        draft["events"].append((moment.date(), draft["coordinator"], f"{verb[origin]} : {title}"))
        draft.setdefault("actions", []).append(action)
        self.add_indicators(draft, action, model)
        for _ in range(ctx.rng.choice((0, 1, 1, 2, 3))):
            kind, label = ctx.rng.choice(texts.BUDGET_LINES)
            self.budget_lines.append(BudgetLine(action=action, kind=kind, label=label, amount=Decimal(ctx.rng.randrange(100, 8000, 50))))
        if plan_status != PlanStatus.DRAFT and ctx.chance(FUNDING_SHARE):
            self.add_funding(draft, action)

    def add_indicators(self, draft, action, model):
        ctx = self.ctx
        if model is not None and model.indicators:
            wanted = [(i["name"], i.get("unit", "")) for i in model.indicators]
        else:
            wanted = ctx.pick(texts.GENERIC_INDICATORS, ctx.rng.randint(1, 3))
        for name, unit in wanted:
            target = ctx.rng.randrange(20, 2000, 10) if ctx.chance(0.6) else None
            indicator = Indicator(action=action, name=name[:200], unit=unit[:50], target=Decimal(target) if target else None)
            indicator.readings = []
            if action.status in STARTED and action.start:
                last = min(action.end or CRISIS_END, CRISIS_END)
                value, day = 0, action.start + days(7)
                goal = target or ctx.rng.randrange(50, 1500, 10)
                weeks = max(1, (last - action.start).days // 7)
                while day <= last and len(indicator.readings) < 35:
                    value += max(0, round(goal / weeks * ctx.rng.uniform(0.3, 1.5)))
                    indicator.readings.append((day, value))
                    day += days(7)
            self.indicators.append(indicator)

    def add_funding(self, draft, action):
        ctx = self.ctx
        status = ctx.weighted(FUNDING_STATUSES)
        asked = ctx.rng.randrange(500, 40000, 100)
        asked_on = draft["timeline"]["submitted"] + days(ctx.rng.randint(0, 60))
        decided_on = asked_on + days(ctx.rng.randint(5, 40))
        granted = None
        if status == FundingStatus.GRANTED:
            granted = round(asked * ctx.rng.choice((1, 1, 1, 0.8, 0.5)), -2)
        agent = ctx.rng.choice(draft["delegation"]) if draft["delegation"] else None
        decided = status in (FundingStatus.GRANTED, FundingStatus.REFUSED)
        request = FundingRequest(
            public_id=ctx.uuid(),
            action=action,
            funding_line_id=ctx.rng.choice(self.catalogue.funding_lines),
            amount_requested=Decimal(asked),
            justification=ctx.rng.choice(texts.FUNDING_JUSTIFICATIONS),
            cofunding="Intercommunalité : 20 %" if ctx.chance(0.4) else "",
            status=status,
            amount_granted=Decimal(granted) if granted is not None else None,
            refusal_reason=ctx.rng.choice(texts.REFUSAL_REASONS) if status == FundingStatus.REFUSED else "",
            decided_by=agent if decided else None,
            decided_at=ctx.moment(decided_on) if decided else None,
            requested_by=draft["coordinator"],
            usage_report="Fonds utilisés comme prévu ; bilan joint." if granted and draft["status"] == PlanStatus.CLOSED else "",
            usage_reported_at=ctx.moment(draft["timeline"]["closed"]) if granted and draft["status"] == PlanStatus.CLOSED else None,
            created_at=ctx.moment(asked_on),
            updated_at=ctx.moment(decided_on if decided else asked_on),
        )
        self.comments += [
            FundingComment(
                request=request,
                body=text,
                author=agent if index % 2 == 0 else draft["coordinator"],
                created_at=ctx.moment(asked_on + days(index + 1)),
            )
            for index, text in enumerate(ctx.pick(texts.FUNDING_COMMENTS, ctx.rng.randint(0, 3)))
        ]
        self.funding.append(request)
        line = f"Demande de financement de {euros(asked)} pour « {action.title} »"
        draft["events"].append((asked_on, draft["coordinator"], line[:300]))

    def add_lifecycle(self, draft, team):
        """Status moves, COPIL meetings and decisions, and the exchange with the delegation."""
        ctx, plan, status, timeline = self.ctx, draft["plan"], draft["status"], draft["timeline"]
        coordinator = draft["coordinator"]
        events = draft["events"]
        if status != PlanStatus.DRAFT:
            events.append((timeline["submitted"], coordinator, "Statut : Brouillon → Soumis au COPIL"))
        if status in DECIDED:
            events.append((timeline["copil"], coordinator, "Statut : Soumis au COPIL → Adopté (décision du COPIL)"))
            meeting_days = [timeline["copil"]] + sorted(ctx.day(timeline["copil"], CRISIS_END) for _ in range(ctx.rng.randint(0, 3)))
            for index, day in enumerate(meeting_days):
                attendees = [f"{' '.join(full_name(ctx))}, élu(e) référent(e)" for _ in range(ctx.rng.randint(2, 5))]
                attendees.append(f"{coordinator.first_name} {coordinator.last_name}, coordination du CLS")
                meeting = CopilMeeting(
                    public_id=ctx.uuid(),
                    plan=plan,
                    status=CopilStatus.HELD,
                    date=day,
                    attendees="\n".join(attendees),
                    notes="Point d’étape sur les actions et les financements." if index else "Adoption du plan d’action COVID-19.",
                    recorded_by=ctx.rng.choice(team["coordinators"] + team["elected"]),
                    created_at=ctx.moment(day),
                    updated_at=ctx.moment(day),
                )
                if index == 0:
                    self.decisions.append(CopilDecision(meeting=meeting, kind=CopilDecisionKind.ADOPT_PLAN))
                    for action in draft.get("actions", []):
                        kind = (
                            CopilDecisionKind.ADOPT_ACTION
                            if action.copil_verdict == CopilVerdict.ADOPTED
                            else CopilDecisionKind.REJECT_ACTION
                        )
                        self.decisions.append(CopilDecision(meeting=meeting, kind=kind, action=action))
                self.meetings.append(meeting)
        if status in (PlanStatus.IN_PROGRESS, PlanStatus.CLOSED):
            events.append((timeline["launched"], coordinator, "Statut : Adopté → En cours"))
        if status == PlanStatus.CLOSED:
            events.append((timeline["closed"], coordinator, "Statut : En cours → Clos"))
        for day, by, description in events:
            self.events.append(
                PlanEvent(plan=plan, at=ctx.moment(day), by=by, description=description[:300], team_only=is_money(description))
            )
        for index in range(ctx.rng.randint(0, 12)):
            from_ars = index % 2 == 1 and draft["delegation"]
            author = ctx.rng.choice(draft["delegation"]) if from_ars else coordinator
            body = ctx.rng.choice(texts.ARS_MESSAGES if from_ars else texts.COORDINATOR_MESSAGES)
            moment = ctx.moment(ctx.day(timeline["created"]))
            self.messages.append(PlanMessage(plan=plan, author=author, from_ars=bool(from_ars), body=body, created_at=moment))

    # Writing -----------------------------------------------------------------------------------------
    def save(self):
        """Parents before children: Django fills each foreign key from its parent's new primary key."""
        ctx = self.ctx
        with backdating(*BACKDATED):
            ctx.insert(self.plans)
            for field, pairs in self.plan_links.items():
                ctx.link(Plan._meta.get_field(field), [(plan.pk, target) for plan, target in pairs])
            ctx.insert(self.fiches)
            ctx.insert(self.actions)
            for field, pairs in self.action_links.items():
                ctx.link(
                    PlannedAction._meta.get_field(field),
                    [(action.pk, getattr(target, "pk", target)) for action, target in pairs],
                )
            ctx.insert(self.indicators)
            ctx.insert(
                ProgressEntry(
                    indicator=indicator, date=day, value=Decimal(value), recorded_by=indicator.action.recorder, recorded_at=ctx.moment(day)
                )
                for indicator in self.indicators
                for day, value in indicator.readings
            )
            ctx.insert(self.budget_lines)
            ctx.insert(self.funding)
            ctx.insert(self.comments)
            ctx.insert(self.meetings)
            ctx.insert(self.decisions)
            ctx.insert(self.events)
            ctx.insert(self.messages)


def build(ctx):
    catalogue = Catalogue(ctx.data["mobilisation"])
    writer = PlanWriter(ctx, catalogue)
    persona_cls = ctx.data.get("persona_cls")
    for cls in ctx.data["contracts"]:
        communes = ctx.data["communes"].get(cls.pk)
        if not communes:
            continue
        team = ctx.data["team"][cls.pk]
        writer.add_plan(
            cls,
            team=team,
            delegation=ctx.data["delegations"].get(cls.department_id, []),
            organisations=ctx.data["organisations"].get(cls.pk, []),
            communes=communes,
            size=PERSONA_PLAN_ACTIONS if cls is persona_cls else None,
        )
    writer.save()


def grow(ctx, plan, *, actions):
    """Add `actions` actions, with their indicators, progress, budget and funding, to a plan already written.

    The query budgets use it to grow a page's own rows between two measures.
    """
    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import User
    from mobilisation.directory.models import Organisation

    from .directory import communes_of_contracts

    cls = plan.cls
    writer = PlanWriter(ctx, Catalogue(plan.mobilisation))
    team = User.objects.filter(memberships__cls=cls, memberships__role=Role.CLS_COORDINATOR).order_by("pk")
    delegation = list(User.objects.filter(memberships__role=Role.ARS_DELEGATION, memberships__department=cls.department_id))
    draft = {
        "plan": plan,
        "status": plan.status,
        "timeline": draw_timeline(ctx),
        "coordinator": team.first(),
        "delegation": delegation,
        "events": [],
    }
    adopted = set(plan.actions.exclude(action_model=None).values_list("action_model", flat=True))
    writer.add_actions(
        draft,
        actions,
        communes_of_contracts([cls])[cls.pk],
        list(Organisation.objects.filter(communes__contracts=cls).distinct()),
        list(ExistingAction.objects.filter(cls=cls)),
        models=[m for m in writer.catalogue.models if m.pk not in adopted],
    )
    for day, by, description in draft["events"]:
        writer.events.append(
            PlanEvent(plan=plan, at=ctx.moment(day), by=by, description=description[:300], team_only=is_money(description))
        )
    writer.save()
    ctx.writer.finish()
