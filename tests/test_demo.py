"""Demo accounts: one per role on real territories, only when DEMO is on."""

import pytest
from django.core.management import CommandError, call_command

from mobilisation.accounts.demo import DEMO_ACCOUNTS
from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import Membership, User

pytestmark = pytest.mark.django_db


def test_one_demo_account_per_role_with_a_cls_per_department(settings, client):
    settings.DEMO = True
    call_command("load_demo", verbosity=0)
    assert {m.role for m in Membership.objects.all()} == set(Role.values)
    departments = set(Membership.objects.filter(role=Role.CLS_COORDINATOR).values_list("cls__department_id", flat=True))
    assert departments == {"22", "29", "35", "56"}
    assert User.objects.count() == len(DEMO_ACCOUNTS)
    call_command("load_demo", verbosity=0)
    assert User.objects.count() == len(DEMO_ACCOUNTS)  # idempotent
    response = client.post(
        "/compte/connexion/", {"username": "coordination.brest@demo.mobilisation-cls.fr", "password": settings.DEMO_PASSWORD}
    )
    assert response.status_code == 302


def test_demo_accounts_are_refused_without_demo(settings):
    settings.DEMO = False
    with pytest.raises(CommandError, match="désactivés"):
        call_command("load_demo", verbosity=0)
    assert not User.objects.exists()


def test_production_settings_never_enable_demo():
    from pathlib import Path

    source = (Path(__file__).resolve().parent.parent / "config" / "settings" / "production.py").read_text()
    assert "DEMO = False" in source


def test_the_demo_shows_help_near_home_in_dinan(settings, client):
    """« Trouver de l'aide » at work in the demo: the association's and the CCAS's services, once however often it loads."""
    from mobilisation.directory.models import Service

    settings.DEMO = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Service.objects.count() == 3
    page = client.get("/aide/22050/").content.decode()
    assert "Courses et médicaments livrés à domicile" in page and "CCAS de Dinan (démonstration)" in page
    assert all(service.phone.as_e164.startswith("+3326191") for service in Service.objects.all())  # the fiction range


def test_the_demo_has_volunteers_waiting_and_one_validated(settings, login):
    """The demo association sees three sign-ups waiting at Dinan; the demo volunteer has her space; loaded once."""
    from mobilisation.accounts.models import User
    from mobilisation.mutualaid.models import Volunteer

    settings.DEMO = True
    call_command("load_demo", verbosity=0)
    call_command("load_demo", verbosity=0)
    assert Volunteer.objects.pending().count() == 3 and Volunteer.objects.validated().count() == 1
    assert all(v.email.endswith("@exemple.invalid") or v.user_id for v in Volunteer.objects.all())
    assert all(v.phone.as_e164.startswith("+3326191") for v in Volunteer.objects.all())
    partner = User.objects.get(email__startswith="partenaire@")
    assert "3 inscriptions à valider" in login(partner).get("/benevoles/").content.decode()
    volunteer = User.objects.get(email__startswith="benevole@")
    assert "Mes disponibilités" in login(volunteer).get("/benevoles/mon-espace/").content.decode()
    from mobilisation.mutualaid.models import AidRequest

    assert AidRequest.objects.filter(source="portail").count() == 3 and AidRequest.objects.filter(source="veille").count() == 1
    missions = login(volunteer).get("/entraide/missions/").content.decode()
    assert missions.count(">Je m’en charge<") == 2 and "Jaouen" not in missions  # no name before taking a request
