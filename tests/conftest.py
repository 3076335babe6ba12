"""Shared fixtures: reference data loaded once per test database, and the named personas of the suite."""

import pytest
from django.core.management import call_command
from django.test import Client

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership
from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation

from .factories import PASSWORD, UserFactory


def load_reference_data():
    call_command("load_territories", verbosity=0)
    call_command("load_cls", verbosity=0)
    call_command("load_catalogue", verbosity=0)


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        load_reference_data()


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
def partner_organisation_dinan(db):
    """An association serving Dinan (22050), a commune of Dinan Agglomération's CLS."""
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
def login():
    """Return a test client logged in as the given user (None: anonymous)."""

    def make(user=None):
        client = Client()
        if user is not None:
            client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
        return client

    return make


@pytest.fixture
def password():
    return PASSWORD
