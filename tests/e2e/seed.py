"""Data the browser journeys and the crawl start from, written through the same services as the pages use.

Each function seeds one part of the story and returns what a test needs to find it again. `seed_everything` puts
every kind of object on the platform, so that the crawl reaches every page a role may open: a later issue that adds
pages adds its own seed function here and calls it from `seed_everything`.
"""

import datetime
from types import SimpleNamespace

from django.utils import timezone

from mobilisation.accounts import services as people_services
from mobilisation.accounts.models import ApiToken
from mobilisation.catalogue.models import Mobilisation, Resource, TargetPublic
from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation
from mobilisation.plans import services
from mobilisation.plans.enums import FundingStatus, PlanStatus
from mobilisation.plans.models import ExistingAction, PlannedAction, RestrictionPeriod
from mobilisation.territories.models import Department

MOBILISATION = "covid19-2020"
# Adopted into Dinan's plan: a distance action, a gathering one (stopped by a lockdown, with an alternative), a
# support one (axis B).
DINAN_MODELS = ["relayer-messages-prevention", "conferences-ateliers-debats", "visites-contacts-personnes-fragiles"]
BREST_MODELS = ["distribuer-gel-masques", "soutien-psychologique"]
# December of the current year: after today's COPIL (dates of meetings cannot be in the future), still in the crisis.
ACTION_START = datetime.date(timezone.localdate().year, 12, 1)
ACTION_END = datetime.date(timezone.localdate().year, 12, 15)


def covid():
    return Mobilisation.objects.get(slug=MOBILISATION)


def funding_line():
    return Resource.objects.funding_lines().filter(mobilisation=covid()).order_by("title").first()


def seed_plan(*, cls_slug, by, models, submit=False):
    """A CLS plan with the given catalogue actions adopted (dated in December), optionally submitted to the COPIL."""
    mobilisation = covid()
    plan = services.start_plan(cls=Cls.objects.get(slug=cls_slug), mobilisation=mobilisation, by=by)
    actions = []
    for slug in models:
        action, _ = services.adopt_action_model(plan=plan, action_model=mobilisation.action_models.get(slug=slug), by=by)
        action.start, action.end = ACTION_START, ACTION_END
        actions.append(services.save_planned_action(action=action, m2m={}, by=by, changed=["start", "end"]))
    if submit:
        services.save_diagnosis(
            plan=plan,
            needs="Isolement des personnes âgées dans les communes rurales ; faible couverture numérique.",
            priority_publics=TargetPublic.objects.filter(code__in=["personnes_agees", "personnes_isolees"]),
            priority_communes=[],
            by=by,
        )
        plan = services.move_plan(plan=plan, to=PlanStatus.SUBMITTED, by=by)
    return SimpleNamespace(plan=plan, actions=actions)


def seed_submitted_plans(people):
    """Dinan's plan (22) submitted to its COPIL with a funding request waiting for the delegation; Brest's (29) draft."""
    dinan = seed_plan(cls_slug="dinan", by=people.coordinator, models=DINAN_MODELS, submit=True)
    dinan.funding = services.request_funding(
        action=dinan.actions[0],
        funding_line=funding_line(),
        amount=5000,
        justification="Impression et diffusion des affiches dans les 64 communes.",
        cofunding="Dinan Agglomération : 1 000 €",
        by=people.coordinator,
    )
    brest = seed_plan(cls_slug="pays-de-brest", by=people.coordinator_brest, models=BREST_MODELS)
    return SimpleNamespace(dinan=dinan, brest=brest)


def seed_plan_follow_up(people, plans):
    """What happens after submission: a COPIL, a granted funding, progress, budget, a message, a fiche action."""
    dinan = plans.dinan
    today = timezone.localdate()
    services.record_copil(
        plan=dinan.plan,
        date=today,
        attendees="Hervé Élu, vice-président santé\nClaire Dinan, coordinatrice",
        notes="Le COPIL examine les premières actions.",
        adopt_plan=False,
        adopted_actions=dinan.actions[:1],
        rejected_actions=[],
        by=people.elected,
    )
    granted = services.request_funding(
        action=dinan.actions[2],
        funding_line=funding_line(),
        amount=3000,
        justification="Vacations pour les appels aux personnes isolées.",
        cofunding="",
        by=people.coordinator,
    )
    services.instruct_funding(funding=granted, to=FundingStatus.GRANTED, amount_granted=2500, by=people.delegation)
    indicator = dinan.actions[2].indicators.first()
    services.add_progress(indicator=indicator, date=today, value=42, comment="Premières semaines", by=people.coordinator)
    services.add_budget_line(action=dinan.actions[2], kind="depense", label="Vacations d’écoutants", amount=3500, by=people.coordinator)
    services.post_message(plan=dinan.plan, body="Pouvez-vous préciser le calendrier des visites ?", by=people.delegation)
    fiche = ExistingAction.objects.create(
        cls=dinan.plan.cls, reference="2.3", title="Prévention de la perte d’autonomie", priority="Axe 2 – bien vieillir"
    )
    organisation = Organisation.objects.get(name__startswith="Association de démonstration")
    adapted = PlannedAction(plan=dinan.plan, origin="adaptee", existing_action=fiche, theme=dinan.actions[2].theme)
    adapted.title, adapted.lead_organisation = "Prévention de la perte d’autonomie (adaptation COVID-19)", organisation
    services.save_planned_action(action=adapted, m2m={"partners": [organisation]}, by=people.coordinator)
    return SimpleNamespace(granted=granted, fiche=fiche, adapted=adapted)


def seed_restriction(*, by, department_code="22"):
    """A lockdown over the first days of the December actions: gatherings and face-to-face become impossible."""
    from mobilisation.catalogue.models import Modality

    return services.save_restriction(
        period=RestrictionPeriod(
            kind="confinement",
            label="Confinement de décembre",
            scope="departement",
            department=Department.objects.get(code=department_code),
            start=ACTION_START - datetime.timedelta(days=3),
            end=ACTION_START + datetime.timedelta(days=9),
        ),
        blocked_modalities=Modality.objects.filter(code__in=["rassemblement", "presentiel"]),
        epcis=[],
        communes=[],
        by=by,
    )


def seed_copil_meeting(people, plans):
    """A COPIL meeting of Dinan scheduled in two weeks, the elected official and the coordinator invited."""
    return services.schedule_copil(
        plan=plans.dinan.plan,
        date=timezone.localdate() + datetime.timedelta(days=14),
        time=datetime.time(18, 0),
        place="Salle du conseil communautaire, Dinan",
        agenda="Adoption du plan d’action COVID-19",
        invited_users=[people.elected, people.coordinator],
        other_invitees="Anne Le Gall, adjointe au maire de Dinan",
        by=people.coordinator,
    )


def seed_people(people):
    """An invited elected official of Dinan who has not chosen a password yet, and a volunteer who left (deactivated)."""
    dinan = Cls.objects.get(slug="dinan")
    invited = people_services.invite_person(
        by=people.coordinator,
        email="gwenaelle.riou@exemple.fr",
        first_name="Gwenaëlle",
        last_name="Riou",
        role="elected_official",
        scope={"cls": dinan},
    )
    left = people_services.invite_person(
        by=people.coordinator,
        email="yannick.morvan@exemple.fr",
        first_name="Yannick",
        last_name="Morvan",
        role="volunteer",
        scope={"organisation": people.volunteer.memberships.get().organisation},
    )
    people_services.set_membership_active(membership=left.membership, by=people.coordinator, active=False, reason="Fin de la mission")
    return SimpleNamespace(invited=invited.user, left=left.user)


def seed_access_log(people):
    """Events of the journal of Dinan's CCAS: what its agent read and exported (the followup app will write them)."""
    from mobilisation.audit.enums import AuditAction
    from mobilisation.audit.services import record_as

    record_as(people.social, AuditAction.READ, object_type="accounts.user", object_id=str(people.social.public_id), commune="22050")
    record_as(people.social, AuditAction.EXPORT, object_type="accounts.user", commune="22050", summary="sans filtre", row_count=3)


def seed_everything(people):
    """Every kind of object a page shows, so that each page of each role exists for the crawl."""
    plans = seed_submitted_plans(people)
    follow_up = seed_plan_follow_up(people, plans)
    restriction = seed_restriction(by=people.region)
    meeting = seed_copil_meeting(people, plans)
    services.add_diagnosis_figure(
        plan=plans.dinan.plan,
        label="Bénéficiaires de l’APA à domicile",
        value=1850,
        unit="personnes",
        source="Conseil départemental des Côtes-d’Armor",
        as_of=datetime.date(timezone.localdate().year, 1, 1),
        by=people.coordinator,
    )
    ApiToken.issue(user=people.coordinator, name="Tableur du CLS")
    people_seed = seed_people(people)
    seed_access_log(people)
    from mobilisation.directory.demo import create_demo_services

    create_demo_services()  # « Trouver de l'aide » at Dinan: three services, one of them at a place suspended by the lockdown
    from mobilisation.mutualaid.demo import create_demo_housing, create_demo_requests, create_demo_volunteers

    create_demo_volunteers()  # sign-ups waiting at Dinan, the demo volunteer's record
    create_demo_requests()  # requests for help at Dinan: one to qualify, two to fill
    create_demo_housing()  # two isolation places at Dinan, a stay under way, a request to answer
    return SimpleNamespace(plans=plans, follow_up=follow_up, restriction=restriction, meeting=meeting, people=people_seed)
