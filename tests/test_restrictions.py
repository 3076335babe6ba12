"""Restriction periods: their territory (nation, department, EPCI, communes), the actions they hit, dated or not,
and the ARS region's edit, lift and delete with history."""

import datetime

import pytest
from django.urls import reverse

from mobilisation.catalogue.models import Modality
from mobilisation.plans import services
from mobilisation.plans.enums import RestrictionState
from mobilisation.plans.models import PlannedAction, RestrictionPeriod

from .utils import page_text

pytestmark = pytest.mark.django_db

D = datetime.date
TODAY = datetime.date.today()


def record(by, *, scope="national", kind="confinement", start=None, end=None, department=None, epcis=(), communes=(), label="Mesure"):
    period = RestrictionPeriod(kind=kind, label=label, scope=scope, department_id=department, start=start or TODAY, end=end)
    codes = {"confinement": ["rassemblement", "presentiel"], "couvre_feu": ["rassemblement"]}[kind]
    return services.save_restriction(
        period=period, blocked_modalities=Modality.objects.filter(code__in=codes), epcis=list(epcis), communes=list(communes), by=by
    )


def dated(action, start, end, by):
    action.start, action.end = start, end
    return services.save_planned_action(action=action, m2m={}, by=by, changed=["start", "end"])


def state(action):
    action.refresh_from_db()
    return action.restriction_flag()


def test_a_dated_action_is_restricted_while_the_dates_meet_the_measure(adopted, coordinator_dinan, ars_region, login):
    dated(adopted, D(2026, 12, 1), D(2026, 12, 10), coordinator_dinan)
    record(ars_region, start=D(2026, 11, 25), end=D(2026, 12, 5))
    assert state(adopted) == RestrictionState.RESTRICTED
    assert PlannedAction.objects.restricted().filter(pk=adopted.pk).exists()
    page = page_text(login(coordinator_dinan).get(adopted.get_absolute_url()))
    assert "Restriction en vigueur pendant cette action" in page and adopted.action_model.lockdown_alternative[:40] in page
    assert "restriction en vigueur" in page_text(login(coordinator_dinan).get(adopted.plan.get_absolute_url()))
    dated(adopted, D(2026, 12, 6), D(2026, 12, 10), coordinator_dinan)  # after the lockdown
    assert state(adopted) == RestrictionState.NONE
    assert "Restriction en vigueur" not in page_text(login(coordinator_dinan).get(adopted.get_absolute_url()))


def test_an_undated_action_is_to_check_while_a_measure_blocking_it_is_in_force(adopted, coordinator_dinan, ars_region, login):
    assert adopted.start is None
    lockdown = record(ars_region, start=TODAY - datetime.timedelta(days=3))  # until further notice
    assert state(adopted) == RestrictionState.TO_CHECK
    page = page_text(login(coordinator_dinan).get(adopted.plan.get_absolute_url()))
    assert "à vérifier" in page and "1 action sans dates à vérifier" in page
    action_page = page_text(login(coordinator_dinan).get(adopted.get_absolute_url()))
    assert "À vérifier : une mesure en vigueur bloquerait cette action" in action_page
    assert adopted.action_model.lockdown_alternative[:40] in action_page and lockdown.label in action_page
    assert adopted.title in page_text(login(ars_region).get(reverse("plans:restricted_actions")))
    # Lifting the measure ends the flag; dating the action makes it a dated check.
    services.lift_restriction(period=lockdown, on=TODAY - datetime.timedelta(days=1), by=ars_region)
    assert state(adopted) == RestrictionState.NONE


def test_an_undated_action_stops_being_flagged_the_day_after_the_measure_ends_without_a_write(adopted, ars_region):
    record(ars_region, start=TODAY, end=TODAY + datetime.timedelta(days=2))
    adopted.refresh_from_db()
    assert adopted.restriction_state == RestrictionState.TO_CHECK and adopted.restriction_until == TODAY + datetime.timedelta(days=2)
    assert adopted.restriction_flag(day=TODAY + datetime.timedelta(days=2)) == RestrictionState.TO_CHECK
    assert adopted.restriction_flag(day=TODAY + datetime.timedelta(days=3)) == RestrictionState.NONE
    assert not PlannedAction.objects.to_check(day=TODAY + datetime.timedelta(days=3)).exists()


def test_a_measure_that_blocks_none_of_the_modalities_flags_nothing(plan, coordinator_dinan, ars_region):
    distance = plan.mobilisation.action_models.exclude(modalities__code__in=["rassemblement", "presentiel"]).first()
    action, _ = services.adopt_action_model(plan=plan, action_model=distance, by=coordinator_dinan)
    record(ars_region)
    assert state(action) == RestrictionState.NONE


@pytest.mark.parametrize(
    ("scope", "where", "hits"),
    [
        ("departement", {"department": "29"}, False),
        ("departement", {"department": "22"}, True),
        ("epci", {"epcis": ["200068989"]}, True),  # Dinan Agglomération
        ("epci", {"epcis": ["242900314"]}, False),  # Brest métropole
        ("communes", {"communes": ["22050"]}, True),  # Dinan, in the CLS
        ("communes", {"communes": ["29019"]}, False),  # Brest
    ],
)
def test_a_local_measure_hits_the_actions_of_its_territory_only(adopted, coordinator_dinan, ars_region, scope, where, hits):
    dated(adopted, D(2026, 12, 1), None, coordinator_dinan)
    record(ars_region, scope=scope, kind="couvre_feu", start=D(2026, 11, 1), **where)
    assert state(adopted) == (RestrictionState.RESTRICTED if hits else RestrictionState.NONE)


def test_an_action_naming_its_communes_is_hit_only_by_measures_on_them(adopted, coordinator_dinan, ars_region):
    dated(adopted, D(2026, 12, 1), D(2026, 12, 2), coordinator_dinan)
    services.save_planned_action(action=adopted, m2m={"communes": ["22339"]}, by=coordinator_dinan, changed=["communes"])  # Taden
    record(ars_region, scope="communes", communes=["22050"], start=D(2026, 11, 1))  # masks in Dinan's centre
    assert state(adopted) == RestrictionState.NONE
    services.save_planned_action(action=adopted, m2m={"communes": ["22050", "22339"]}, by=coordinator_dinan, changed=["communes"])
    assert state(adopted) == RestrictionState.RESTRICTED


def restriction_data(**changes):
    data = {"kind": "confinement", "label": "Troisième confinement", "scope": "national", "start": "2026-12-01"}
    data.update(changes)
    return data


def test_the_region_records_a_period_only_with_a_deliberate_territory(login, ars_region):
    client = login(ars_region)
    missing = client.post(reverse("plans:new_restriction"), restriction_data(scope=""))
    assert missing.status_code == 200 and "Ce champ est obligatoire" in page_text(missing)
    no_department = client.post(reverse("plans:new_restriction"), restriction_data(scope="departement"))
    assert "Choisissez le département de la mesure." in page_text(no_department)
    no_commune = client.post(reverse("plans:new_restriction"), restriction_data(scope="communes"))
    assert "Choisissez au moins une commune." in page_text(no_commune)
    assert not RestrictionPeriod.objects.exists()
    response = client.post(reverse("plans:new_restriction"), restriction_data(scope="departement", department="22"))
    period = RestrictionPeriod.objects.get()
    assert response["Location"] == period.get_absolute_url()
    assert (period.scope, period.department_id) == ("departement", "22")
    assert set(period.blocked_modalities.values_list("code", flat=True)) == {"rassemblement", "presentiel"}
    assert {(r.history_type, r.history_user) for r in period.history.all()} <= {("+", ars_region), ("~", ars_region)}


def test_a_commune_measure_keeps_only_its_communes(login, ars_region):
    login(ars_region).post(
        reverse("plans:new_restriction"),
        restriction_data(
            kind="mesure_locale",
            label="Masque en centre-ville",
            scope="communes",
            communes=["22050"],
            department="29",
            epcis=["200068989"],
            blocked_modalities=[Modality.objects.get(code="rassemblement").pk],
        ),
    )
    period = RestrictionPeriod.objects.get()
    assert period.department is None and not period.epcis.exists()
    assert list(period.communes.values_list("insee_code", flat=True)) == ["22050"]
    assert "1 commune : Dinan" in page_text(login(ars_region).get(reverse("plans:restrictions")))


def test_a_local_measure_needs_its_modalities(login, ars_region):
    response = login(ars_region).post(reverse("plans:new_restriction"), restriction_data(kind="mesure_locale"))
    assert "Cochez les modalités d’action que cette mesure rend impossibles." in page_text(response)


def test_the_region_corrects_lifts_and_deletes_a_period_with_history(login, ars_region, coordinator_dinan, adopted):
    client = login(ars_region)
    period = record(ars_region, start=TODAY - datetime.timedelta(days=10), label="Couvre-feu jusqu’à nouvel ordre")
    assert state(adopted) == RestrictionState.TO_CHECK
    edited = client.post(
        reverse("plans:edit_restriction", args=[period.public_id]),
        restriction_data(label="Couvre-feu à 20 h", start=str(period.start), reason="Heure précisée par le décret"),
    )
    assert edited.status_code == 302
    period.refresh_from_db()
    assert period.label == "Couvre-feu à 20 h"
    bad = client.post(reverse("plans:lift_restriction", args=[period.public_id]), {"on": str(period.start - datetime.timedelta(days=1))})
    assert "ne peut pas être levée avant" in page_text(bad)
    lifted = client.post(
        reverse("plans:lift_restriction", args=[period.public_id]), {"on": str(TODAY - datetime.timedelta(days=1))}, follow=True
    )
    assert "est levée" in page_text(lifted)
    period.refresh_from_db()
    assert period.end == TODAY - datetime.timedelta(days=1)
    assert state(adopted) == RestrictionState.NONE
    page = page_text(client.get(period.get_absolute_url()))
    assert "Heure précisée par le décret" in page and "Mesure levée au" in page
    refused = client.post(reverse("plans:delete_restriction", args=[period.public_id]), {"reason": ""})
    assert "indiquez pourquoi" in page_text(refused).lower() and RestrictionPeriod.objects.filter(pk=period.pk).exists()
    deleted = client.post(reverse("plans:delete_restriction", args=[period.public_id]), {"reason": "Saisie en double"}, follow=True)
    assert not RestrictionPeriod.objects.exists()
    assert "Saisie en double" in page_text(deleted) and "supprimée" in page_text(deleted)
    assert RestrictionPeriod.history.filter(history_type="-", history_user=ars_region).exists()


def test_only_the_region_writes_restrictions(login, coordinator_dinan, delegation_22, ars_region):
    period = record(ars_region)
    for user in [coordinator_dinan, delegation_22]:
        client = login(user)
        assert client.get(reverse("plans:new_restriction")).status_code == 404
        assert client.post(reverse("plans:new_restriction"), restriction_data()).status_code == 404
        assert client.post(reverse("plans:edit_restriction", args=[period.public_id]), restriction_data(label="x")).status_code == 404
        assert client.post(reverse("plans:lift_restriction", args=[period.public_id]), {"on": str(TODAY)}).status_code == 404
        assert client.post(reverse("plans:delete_restriction", args=[period.public_id]), {"reason": "x"}).status_code == 404
        page = page_text(client.get(period.get_absolute_url()))
        assert "Lever la mesure" not in page and "Supprimer la période" not in page
    period.refresh_from_db()
    assert (period.label, period.end, RestrictionPeriod.objects.count()) == ("Mesure", None, 1)


def test_restriction_pages_belong_to_the_roles_that_need_them(
    login, partner_dinan, volunteer_dinan, social_services_dinan, elected_dinan, ars_region
):
    period = record(ars_region)
    for user in [partner_dinan, volunteer_dinan]:
        assert login(user).get(reverse("plans:restrictions")).status_code == 404
        assert login(user).get(period.get_absolute_url()).status_code == 404
    for user in [social_services_dinan, elected_dinan]:
        assert login(user).get(reverse("plans:restrictions")).status_code == 200
    crumbs = page_text(login(elected_dinan).get(reverse("plans:restrictions")))
    assert "Mon espace" in crumbs and "Suivi des plans" not in crumbs


def test_restrictions_export_neutralises_formulas(login, ars_region):
    record(ars_region, label="=cmd|' /C calc'!A0")
    export = login(ars_region).get(reverse("plans:restrictions"), {"format": "csv"}).content.decode("utf-8-sig")
    assert "'=cmd" in export and "national" in export
