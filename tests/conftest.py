"""Shared fixtures: reference data loaded once per test database, and the named personas of the suite."""

import contextlib

import pytest
from django.core.management import call_command
from django.test import Client

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership
from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation

from .factories import PASSWORD, UserFactory
from .utils import login_verified


def load_reference_data():
    call_command("load_territories", verbosity=0)
    call_command("load_statistics", verbosity=0)
    call_command("load_cls", verbosity=0)
    call_command("load_catalogue", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


@pytest.fixture(scope="session", autouse=True)
def flush_through_the_audit_triggers():
    """The database refuses to empty the access log (audit migration 0002), as it must in production; the test
    database is emptied after each transactional test (the browser journeys), so the triggers are lifted around
    that flush alone, and put back as they were."""
    from django.db import connection

    operations = type(connection.ops)
    original = operations.execute_sql_flush

    def execute_sql_flush(self, sql_list):
        with lifted_audit_triggers(self.connection):
            return original(self, sql_list)

    operations.execute_sql_flush = execute_sql_flush
    yield
    operations.execute_sql_flush = original


@contextlib.contextmanager
def lifted_audit_triggers(connection):
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql":
            cursor.execute("ALTER TABLE audit_auditevent DISABLE TRIGGER USER")
            try:
                yield
            finally:
                cursor.execute("ALTER TABLE audit_auditevent ENABLE TRIGGER USER")
        else:
            cursor.execute("SELECT name, sql FROM sqlite_master WHERE type = 'trigger' AND tbl_name = 'audit_auditevent'")
            triggers = cursor.fetchall()
            for name, _ in triggers:
                cursor.execute(f'DROP TRIGGER "{name}"')
            try:
                yield
            finally:
                for _, sql in triggers:
                    cursor.execute(sql)


@pytest.fixture(autouse=True)
def same_fake_names_each_run(request):
    """Faker's names (tests/factories.py) seeded from the test's own name: a test sees the same names on every run and
    in every worker, so that none passes or fails by the draw of a name (an accent, an apostrophe)."""
    import zlib

    import factory.random

    factory.random.reseed_random(zlib.crc32(request.node.nodeid.encode()))


@pytest.fixture(autouse=True)
def empty_cache():
    """Each test starts with an empty cache: the database is rolled back between tests, cached pages are not."""
    from django.core.cache import cache

    cache.clear()
    yield


def pytest_collection_modifyitems(config, items):
    # Browser tests use a live server and flush the database when they end: run them last.
    items.sort(key=lambda item: "/e2e/" in str(item.path).replace("\\", "/"))
    for item in items:
        if "/e2e/" in str(item.path).replace("\\", "/"):
            item.add_marker(pytest.mark.e2e)


def persona(role, email, **scope):
    user = UserFactory(email=email)
    Membership.objects.create(user=user, role=role, **scope)
    return user


@pytest.fixture
def cls_dinan(db):
    return Cls.objects.get(slug="dinan")  # Côtes-d'Armor (22)


@pytest.fixture
def cls_brest(db):
    return Cls.objects.get(slug="pays-de-brest")  # Finistère (29)


@pytest.fixture
def coordinator_dinan(cls_dinan):
    return persona(Role.CLS_COORDINATOR, "coordination.dinan@exemple.fr", cls=cls_dinan)


@pytest.fixture
def coordinator_brest(cls_brest):
    return persona(Role.CLS_COORDINATOR, "coordination.brest@exemple.fr", cls=cls_brest)


@pytest.fixture
def elected_dinan(cls_dinan):
    return persona(Role.ELECTED_OFFICIAL, "elu.dinan@exemple.fr", cls=cls_dinan)


@pytest.fixture
def delegation_22(db):
    return persona(Role.ARS_DELEGATION, "ars.dd22@exemple.fr", department_id="22")


@pytest.fixture
def delegation_56(db):
    """A delegation agent of a department where neither Dinan (22) nor Brest (29) sits."""
    return persona(Role.ARS_DELEGATION, "ars.dd56@exemple.fr", department_id="56")


@pytest.fixture
def ars_region(db):
    return persona(Role.ARS_REGION, "ars.region@exemple.fr")


@pytest.fixture
def resource_pole(db):
    return persona(Role.RESOURCE_POLE, "pole@exemple.fr")


@pytest.fixture
def social_services_dinan(db):
    return persona(Role.SOCIAL_SERVICES, "ccas.dinan@exemple.fr", commune_id="22050")


@pytest.fixture
def social_services_brest(db):
    return persona(Role.SOCIAL_SERVICES, "ccas.brest@exemple.fr", commune_id="29019")


@pytest.fixture
def cias_dinan_agglomeration(db):
    """The CIAS of Dinan Agglomération (EPCI 200068989): the register of all its communes."""
    return persona(Role.SOCIAL_SERVICES, "cias.dinan@exemple.fr", epci_id="200068989")


@pytest.fixture
def manager_dinan(db):
    """The manager of Dinan's CCAS (22050): reads the access log of its register."""
    return persona(Role.SOCIAL_SERVICES_MANAGER, "responsable.ccas.dinan@exemple.fr", commune_id="22050")


@pytest.fixture
def manager_brest(db):
    """The manager of Brest's CCAS (29019)."""
    return persona(Role.SOCIAL_SERVICES_MANAGER, "responsable.ccas.brest@exemple.fr", commune_id="29019")


@pytest.fixture
def partner_organisation_dinan(db):
    """An association serving Dinan (22050), a commune of Dinan Agglomération's CLS: its member and volunteer are
    personas below."""
    organisation = Organisation.objects.create(name="Association Solidarité Rance", kind="association", department_id="22")
    organisation.communes.set(["22050"])
    return organisation


@pytest.fixture
def partner_dinan(partner_organisation_dinan):
    return persona(Role.PARTNER_MEMBER, "partenaire.dinan@exemple.fr", organisation=partner_organisation_dinan)


@pytest.fixture
def volunteer_dinan(partner_organisation_dinan):
    return persona(Role.VOLUNTEER, "benevole.dinan@exemple.fr", organisation=partner_organisation_dinan)


@pytest.fixture
def covid(db):
    from mobilisation.catalogue.models import Mobilisation

    return Mobilisation.objects.get(slug="covid19-2020")


@pytest.fixture
def plan(cls_dinan, covid, coordinator_dinan):
    """Dinan's plan for the COVID-19 mobilisation, a draft."""
    from mobilisation.plans import services

    return services.start_plan(cls=cls_dinan, mobilisation=covid, by=coordinator_dinan)


@pytest.fixture
def gathering_model(covid):
    """A catalogue action held as a gathering, with a lockdown alternative."""
    return covid.action_models.filter(modalities__code="rassemblement").exclude(lockdown_alternative="").order_by("pk").first()


@pytest.fixture
def adopted(plan, gathering_model, coordinator_dinan):
    """The gathering action adopted into Dinan's plan, its dates still « à préciser »."""
    from mobilisation.plans import services

    action, _ = services.adopt_action_model(plan=plan, action_model=gathering_model, by=coordinator_dinan)
    return action


def submittable(plan, by):
    """Give a plan what its submission needs: a diagnosis and an action."""
    from mobilisation.catalogue.models import TargetPublic
    from mobilisation.plans import services

    services.save_diagnosis(
        plan=plan, needs="Personnes âgées isolées.", priority_publics=[TargetPublic.objects.first()], priority_communes=[], by=by
    )
    if not plan.actions.exists():
        services.adopt_action_model(plan=plan, action_model=plan.mobilisation.action_models.order_by("pk").first(), by=by)
    plan.refresh_from_db()
    return plan


@pytest.fixture
def submitted_plan(plan, adopted, coordinator_dinan):
    """Dinan's plan with its diagnosis and an action, submitted to its COPIL."""
    from mobilisation.plans import services

    submittable(plan, coordinator_dinan)
    return services.move_plan(plan=plan, to="soumis", by=coordinator_dinan)


@pytest.fixture
def login():
    """Return a test client logged in as the given user (None: anonymous).

    The session of an account that must pass a second factor is verified, as after the code step
    (tests/utils.login_verified); `verified=False` leaves it at the password step, `verified=True` verifies any account
    (the ARS region needs it for the admin).
    """

    def make(user=None, *, verified=None):
        client = Client()
        if user is None:
            return client
        if verified is None:
            fresh = type(user).objects.get(pk=user.pk)  # leaves the caller's instance (and its cached scope) alone
            verified = fresh.requires_second_factor
        if verified:
            login_verified(client, user)
        else:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD
