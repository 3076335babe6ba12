"""Fixtures of the security tests: two scopes (Dinan, 22; Brest, 29) holding one object of each kind, and clients."""

import datetime
import json
from dataclasses import dataclass

import pytest
from django.core.cache import cache
from rest_framework.test import APIClient

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import ApiToken
from mobilisation.catalogue.models import Mobilisation, Modality
from mobilisation.directory.models import Organisation
from mobilisation.plans import services
from mobilisation.plans.models import RestrictionPeriod

from ..utils import login_verified


@dataclass
class Side:
    """The objects of one CLS scope."""

    cls: object
    plan: object
    action: object
    indicator: object
    funding: object
    organisation: object
    meeting: object
    scheduled: object
    figure: object


def build_side(cls, coordinator, *, department, commune, organisation_name):
    covid = Mobilisation.objects.get(slug="covid19-2020")
    plan = services.start_plan(cls=cls, mobilisation=covid, by=coordinator)
    action, _ = services.adopt_action_model(plan=plan, action_model=covid.action_models.order_by("pk").first(), by=coordinator)
    organisation = Organisation.objects.create(name=organisation_name, kind="association", department_id=department)
    organisation.communes.set([commune])
    action.lead_organisation = organisation  # its members read the action, not the plan
    services.save_planned_action(action=action, m2m={}, by=coordinator)
    line = covid.resources.funding_lines().order_by("pk").first()
    funding = services.request_funding(
        action=action, funding_line=line, amount=1000, justification="Animation", cofunding="", by=coordinator
    )
    meeting = services.record_copil(
        plan=plan,
        date=datetime.date(2026, 1, 15),
        attendees="Hervé Le Gall, président du CLS\nClaire Dinan, coordinatrice",
        notes="",
        adopt_plan=False,
        adopted_actions=[],
        rejected_actions=[],
        by=coordinator,
    )
    scheduled = services.schedule_copil(
        plan=plan,
        date=datetime.date.today() + datetime.timedelta(days=20),
        time=None,
        place="Salle du conseil",
        agenda="Point d’étape",
        invited_users=[coordinator],
        other_invitees="",
        by=coordinator,
    )
    figure = services.add_diagnosis_figure(
        plan=plan,
        label="Bénéficiaires de l’APA",
        value=1200,
        unit="personnes",
        source="Département",
        as_of=datetime.date(2026, 1, 1),
        by=coordinator,
    )
    return Side(cls, plan, action, action.indicators.order_by("pk").first(), funding, organisation, meeting, scheduled, figure)


@pytest.fixture
def world(cls_dinan, cls_brest, coordinator_dinan, coordinator_brest, ars_region):
    """Dinan's and Brest's objects, built through the services as the application builds them, and a restriction."""
    dinan = build_side(cls_dinan, coordinator_dinan, department="22", commune="22050", organisation_name="Association du Pays de Rance")
    brest = build_side(cls_brest, coordinator_brest, department="29", commune="29019", organisation_name="Association de la rade")
    restriction = services.save_restriction(
        period=RestrictionPeriod(
            kind="couvre_feu", label="Couvre-feu du Finistère", scope="departement", department_id="29", start=datetime.date(2026, 1, 1)
        ),
        blocked_modalities=Modality.objects.filter(code="rassemblement"),
        epcis=[],
        communes=[],
        by=ars_region,
    )
    return {
        "dinan": dinan,
        "brest": brest,
        "restriction": restriction,
        "veille": build_veille(),
        "service": build_service(dinan),
        "volunteer": build_volunteer(),
        "aid_request": build_aid_request(),
        "hotline": build_hotline(cls_dinan),
        "housing": build_housing(dinan),
    }


def build_housing(side):
    """An isolation place of Dinan's organisation and a stay asked there."""
    from mobilisation.mutualaid.models import HousingBooking, HousingPlace

    place = HousingPlace.objects.create(
        organisation=side.organisation, name="Gîte du Jerzual", commune_id="22050", address="12 rue du Jerzual", capacity=4
    )
    today = datetime.date.today()
    booking = HousingBooking.objects.create(
        place=place,
        arrival=today,
        departure=today + datetime.timedelta(days=3),
        first_name="Nolwenn",
        last_name="Le Bihan",
        phone="+33261910910",
        source="portail",
        consent_at=datetime.datetime.now(datetime.UTC),
    )
    return {"place": place, "booking": booking}


def build_hotline(cls):
    """Dinan's numéro vert: its line, a missed call to call back, an FAQ entry, a registration proposal."""
    from mobilisation.hotline.models import Callback, FaqEntry, Line, RegistrationProposal

    line = Line.objects.create(name="Numéro vert de Dinan", cls=cls, number="+33261910250", hours="9 h – 19 h")
    callback = Callback.objects.create(line=line, origin="manque", phone="+33261910099")
    entry = FaqEntry.objects.create(
        question="Puis-je sortir ?", answer="Oui.", theme="mesures", state="validee", validated_at=datetime.datetime.now(datetime.UTC)
    )
    proposal = RegistrationProposal.objects.create(
        line=line,
        commune_id="22050",
        first_name="Marcel",
        last_name="Morvan",
        phone="+33261910042",
        consent_at=datetime.datetime.now(datetime.UTC),
    )
    return {"line": line, "callback": callback, "faq": entry, "proposal": proposal}


def build_aid_request():
    """A request for help received at Dinan, waiting for its qualification."""
    from mobilisation.mutualaid.models import AidRequest

    today = datetime.date.today()
    return AidRequest.objects.create(
        kind="courses",
        wanted_from=today,
        wanted_until=today + datetime.timedelta(days=2),
        commune_id="22050",
        first_name="Marie",
        last_name="Jaouen",
        phone="+33261910077",
        address="3 rue de la Poissonnerie",
        source="portail",
        consent_at=datetime.datetime.now(datetime.UTC),
    )


def build_volunteer():
    """A volunteer's sign-up waiting at Dinan: its page and the validators' forms."""
    from mobilisation.mutualaid.models import Volunteer

    volunteer = Volunteer.objects.create(
        first_name="Soizic",
        last_name="Morvan",
        email="soizic.morvan@exemple.invalid",
        phone="+33261910801",
        age_band="50-64",
        home_commune_id="22050",
        skills=1,
        slots=1,
        consent_at=datetime.datetime.now(datetime.UTC),
    )
    volunteer.communes.set(["22050"])
    return volunteer


def build_service(side):
    """A service of Dinan's organisation, open to Dinan: its public page and its edit form."""
    from mobilisation.directory.models import Service

    service = Service.objects.create(
        organisation=side.organisation,
        name="Courses livrées à domicile",
        description="Des bénévoles font vos courses.",
        thematiques=["equipement-et-alimentation--alimentation"],
        publics=["seniors"],
        reception_modes=["a-domicile"],
    )
    service.zone_communes.set(["22050"])
    service.modalities.set(Modality.objects.filter(code="distribution"))
    return service


def build_veille():
    """Dinan's register: a person, a running campaign with her call, an escalation and a help request."""
    from mobilisation.followup import services as followup
    from mobilisation.followup.enums import Category, ImportState, Outcome, Provenance
    from mobilisation.followup.models import Campaign, Person, RegisterImport

    from ..conftest import persona

    agent = persona(Role.SOCIAL_SERVICES, "agent.veille.dinan@exemple.fr", commune_id="22050")
    today = datetime.date.today()
    people = [
        Person.objects.create(
            commune_id="22050",
            last_name=name,
            first_name="Marie",
            birth_date=datetime.date(1940, 1, 1),
            category=Category.AGED_65,
            address="1 rue du Jerzual",
            phone="+33261910100",
            provenance=Provenance.PERSON,
            request_date=today,
            acknowledgement_due=today,
        )
        for name in ["Le Bras", "Le Moal"]
    ]
    campaign = Campaign.objects.create(
        name="Veille de Dinan", commune_id="22050", trigger="manuel", starts_on=today, max_attempts=1, created_by=agent
    )
    followup.start_campaign(campaign=campaign, by=agent)
    task = campaign.tasks.get(person=people[0])
    followup.record_outcome(task=task, outcome=Outcome.NOT_REACHED, by=agent)
    escalation = people[0].escalations.get()
    followup.record_outcome(task=campaign.tasks.get(person=people[1]), outcome=Outcome.NEEDS_HELP, needs=["courses"], by=agent)
    followup.make_round(campaign=campaign)
    register_import = RegisterImport.objects.create(
        created_by=agent,
        file_name="registre.csv",
        file_format="csv",
        state=ImportState.READY,
        report=json.dumps({"preview": [], "duplicates": []}),
    )
    return {
        "import": register_import,
        "person": people[0],
        "campaign": campaign,
        "task": campaign.tasks.open().first(),
        "escalation": escalation,
    }


@pytest.fixture
def dinan_side_members(world):
    """A member and a volunteer of the organisation that leads Dinan's action."""
    from ..conftest import persona

    organisation = world["dinan"].organisation
    return {
        "partner_dinan": persona(Role.PARTNER_MEMBER, "membre.rance@exemple.fr", organisation=organisation),
        "volunteer_dinan": persona(Role.VOLUNTEER, "benevole.rance@exemple.fr", organisation=organisation),
    }


@pytest.fixture
def personas(
    coordinator_dinan,
    coordinator_brest,
    elected_dinan,
    delegation_22,
    delegation_56,
    ars_region,
    resource_pole,
    social_services_dinan,
    dinan_side_members,
):
    """Every role of the matrix, named as in tests/conftest.py; "anon" is the anonymous visitor."""
    return {
        "coord_dinan": coordinator_dinan,
        "coord_brest": coordinator_brest,
        "elected_dinan": elected_dinan,
        "dd22": delegation_22,
        "dd56": delegation_56,
        "ars": ars_region,
        "pole": resource_pole,
        "ccas_dinan": social_services_dinan,
        **dinan_side_members,
        "anon": None,
    }


def api_client_for(user):
    """An API client authenticated by a fresh personal token of `user` (anonymous when None).

    An account that must use a second factor gets no working token (ADR 007, tests/security/test_second_factor.py):
    its client uses the API the only way it can, through a session verified by the second factor.
    """
    if user is None:
        return APIClient()
    if type(user).objects.get(pk=user.pk).requires_second_factor:
        client = APIClient()
        login_verified(client, user)
        return client
    _, key = ApiToken.issue(user=user, name="tests de sécurité")
    return APIClient(HTTP_AUTHORIZATION=f"Token {key}")


@pytest.fixture
def api_for():
    return api_client_for


@pytest.fixture
def clean_cache():
    """Rate-limit counters live in the cache: start and end each test that counts with an empty one."""
    cache.clear()
    yield cache
    cache.clear()
