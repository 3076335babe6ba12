"""The "Personnes" section: who manages whom (role × action matrix), the list, a person's page, changes and history."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from mobilisation.accounts.enums import InvitationState, Role
from mobilisation.accounts.models import AccountEvent, ApiToken, Membership, User
from mobilisation.accounts.perms import Grants
from mobilisation.directory.models import Organisation

from .conftest import persona
from .security.helpers import csv_rows, data_writes
from .utils import page_text

pytestmark = pytest.mark.django_db


@pytest.fixture
def people(
    ars_region,
    coordinator_dinan,
    coordinator_brest,
    delegation_22,
    elected_dinan,
    social_services_dinan,
    partner_dinan,
    volunteer_dinan,
):
    """Every persona of the matrix; "anon" is the anonymous visitor."""
    return {
        "region": ars_region,
        "coord_dinan": coordinator_dinan,
        "coord_brest": coordinator_brest,
        "delegation": delegation_22,
        "elected": elected_dinan,
        "ccas": social_services_dinan,
        "partner": partner_dinan,
        "volunteer": volunteer_dinan,
        "anon": None,
    }


MANAGERS = {"region", "coord_dinan", "coord_brest"}  # the section exists for them only


def expected(persona, allowed):
    if persona == "anon":
        return 302
    return 200 if persona in allowed else 404


# The rules themselves.


def test_grants_of_each_role(people, cls_dinan, partner_organisation_dinan):
    region, dinan = Grants(people["region"]), Grants(people["coord_dinan"])
    assert region.everything and set(region.roles) == set(Role)
    assert dinan.roles == [Role.ELECTED_OFFICIAL, Role.PARTNER_MEMBER, Role.VOLUNTEER, Role.HOTLINE_OPERATOR]
    assert dinan.allows(Role.ELECTED_OFFICIAL, {"cls": cls_dinan})
    assert dinan.allows(Role.VOLUNTEER, {"organisation": partner_organisation_dinan})
    assert not dinan.allows(Role.CLS_COORDINATOR, {"cls": cls_dinan})
    assert not dinan.allows(Role.ELECTED_OFFICIAL, {"organisation": partner_organisation_dinan})  # the wrong scope field
    assert not Grants(people["coord_brest"]).allows(Role.ELECTED_OFFICIAL, {"cls": cls_dinan})
    for name in ["delegation", "elected", "ccas", "partner", "volunteer"]:
        assert not Grants(people[name]).any, name


def test_an_organisation_shared_by_two_cls_is_managed_by_both_coordinators(people):
    shared = Organisation.objects.create(name="Réseau partagé", kind="association", department_id="22")
    shared.communes.set(["22050", "29019"])  # Dinan and Brest
    elsewhere = Organisation.objects.create(name="Association de Lorient", kind="association", department_id="56")
    elsewhere.communes.set(["56121"])
    member = persona(Role.PARTNER_MEMBER, "membre.partage@exemple.fr", organisation=shared)
    for name in ["coord_dinan", "coord_brest", "region"]:
        assert Membership.objects.manageable_by(people[name]).filter(user=member).exists(), name
    assert set(Grants(people["coord_dinan"]).organisations) == {shared, people["partner"].memberships.get().organisation}
    assert elsewhere not in Grants(people["coord_brest"]).organisations


def test_nobody_manages_themselves_and_only_a_superuser_touches_a_superuser(people):
    root = User.objects.create_superuser("racine@exemple.fr", "Racine-Tres-Secrete-42!")
    Membership.objects.create(user=root, role=Role.ARS_REGION)
    region = people["region"]
    assert not User.objects.editable_by(region).filter(pk__in=[region.pk, root.pk]).exists()
    assert not Membership.objects.manageable_by(region).filter(user__in=[region, root]).exists()
    assert not User.objects.listed_for(region).filter(pk=root.pk).exists()
    assert User.objects.manageable_by(root).filter(pk=region.pk).exists()


def test_a_coordinator_manages_an_account_only_if_all_its_memberships_are_theirs(people, cls_dinan, partner_organisation_dinan):
    coordinator, elected = people["coord_dinan"], people["elected"]
    assert User.objects.manageable_by(coordinator).filter(pk=elected.pk).exists()
    Membership.objects.create(user=elected, role=Role.SOCIAL_SERVICES, commune_id="22050")  # also a CCAS agent
    assert User.objects.editable_by(coordinator).filter(pk=elected.pk).exists()  # still invited to more, still changed…
    assert not User.objects.manageable_by(coordinator).filter(pk=elected.pk).exists()  # …but not deactivated as a whole
    assert User.objects.manageable_by(people["region"]).filter(pk=elected.pk).exists()


# The role × action matrix: list, detail, invite, change, deactivate. Out of scope is a 404; anonymous goes to login.


def test_list_and_detail_matrix(login, people):
    target = people["partner"]  # a member of a partner organisation of Dinan's CLS
    for name, user in people.items():
        client = login(user)
        assert client.get(reverse("people:index")).status_code == expected(name, MANAGERS), name
        assert client.get(target.get_absolute_url()).status_code == expected(name, {"region", "coord_dinan"}), name
        assert client.get(reverse("people:invite")).status_code == expected(name, MANAGERS), name


def invite_elected_of_dinan(client, cls, email):
    return client.post(
        reverse("people:invite"),
        {"email": email, "first_name": "Maïwenn", "last_name": "Le Bihan", "role": "elected_official", "cls": cls.pk},
    )


def test_invite_matrix(login, people, cls_dinan):
    for name, user in people.items():
        email, client = f"invitee.{name}@exemple.fr", login(user)
        with CaptureQueriesContext(connection) as queries:
            response = invite_elected_of_dinan(client, cls_dinan, email)
        created = Membership.objects.filter(user__email=email, role=Role.ELECTED_OFFICIAL, cls=cls_dinan).exists()
        if name in {"region", "coord_dinan"}:
            assert response.status_code == 302 and created, name
        elif name == "coord_brest":  # a forbidden grant: the CLS is not offered, a field error, nothing written
            assert response.status_code == 200 and "Sélectionnez un choix valide" in page_text(response), name
            assert not created and data_writes(queries) == [], name
        else:
            assert response.status_code == expected(name, set()) and not created, name
            assert data_writes(queries) == [], name


def test_change_and_deactivate_matrix(login, people):
    membership = people["volunteer"].memberships.get()
    for name, user in people.items():
        client = login(user)
        Membership.objects.filter(pk=membership.pk).update(role=Role.VOLUNTEER, is_active=True)
        membership.refresh_from_db()
        changed = client.post(
            reverse("people:change_membership", args=[membership.public_id]),
            {
                "role": "partner_member",
                "organisation": membership.organisation_id,
                "reason": f"par {name}",
                "seen_version": membership.updated_at.isoformat(),
            },
        )
        deactivated = client.post(reverse("people:deactivate_membership", args=[membership.public_id]), {"reason": "départ"})
        account = client.post(reverse("people:deactivate", args=[people["volunteer"].public_id]), {"reason": "départ"})
        membership.refresh_from_db()
        people["volunteer"].refresh_from_db()
        if name in {"region", "coord_dinan"}:
            assert changed.status_code == deactivated.status_code == account.status_code == 302, name
            assert membership.role == Role.PARTNER_MEMBER and not membership.is_active and not people["volunteer"].is_active, name
            User.objects.filter(pk=people["volunteer"].pk).update(is_active=True)
        else:
            want = expected(name, set())
            assert changed.status_code == deactivated.status_code == account.status_code == want, name
            assert membership.role == Role.VOLUNTEER and membership.is_active and people["volunteer"].is_active, name


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"role": "cls_coordinator", "cls": "dinan"}, "role"),  # no coordinators
        ({"role": "ars_region"}, "role"),  # no ARS roles
        ({"role": "ars_delegation", "department": "22"}, "role"),
        ({"role": "social_services", "commune": "22050"}, "role"),  # no social services
        ({"role": "elected_official", "cls": "brest"}, "cls"),  # another CLS
        ({"role": "volunteer", "organisation": "lorient"}, "organisation"),  # an organisation outside the CLS
        ({"role": "volunteer"}, "organisation"),  # the scope is missing
        ({"role": "elected_official", "cls": "", "organisation": "rance"}, "cls"),  # the wrong scope field
    ],
)
def test_forbidden_grants_of_a_coordinator_are_field_errors_and_write_nothing(
    login, people, cls_dinan, cls_brest, partner_organisation_dinan, data, field
):
    lorient = Organisation.objects.create(name="Association de Lorient", kind="association", department_id="56")
    lorient.communes.set(["56121"])
    values = {"dinan": cls_dinan.pk, "brest": cls_brest.pk, "lorient": lorient.pk, "rance": partner_organisation_dinan.pk}
    posted = {"email": "nouvelle.personne@exemple.fr", "first_name": "Rozenn", "last_name": "Kerjean"}
    posted.update({key: values.get(value, value) for key, value in data.items()})
    client = login(people["coord_dinan"])
    with CaptureQueriesContext(connection) as queries:
        response = client.post(reverse("people:invite"), posted)
    assert response.status_code == 200
    form = response.context["form"]
    assert field in form.errors or (field in {"department", "commune"} and "role" in form.errors), form.errors
    assert "Rien n’a été enregistré" in page_text(response)
    assert data_writes(queries) == [] and not User.objects.filter(email="nouvelle.personne@exemple.fr").exists()


def main_of(response):
    page = page_text(response)
    return page[page.index("<main") : page.index("</main>")]


def test_the_invitation_form_offers_only_what_the_inviter_grants(login, people, cls_dinan, partner_organisation_dinan):
    page = main_of(login(people["coord_dinan"]).get(reverse("people:invite")))
    assert "Élue ou élu référent du CLS" in page and "Bénévole" in page and partner_organisation_dinan.name in page
    assert "Coordinatrice ou coordinateur de CLS" not in page and "ARS Bretagne" not in page and "CLS du Pays de Brest" not in page
    assert 'name="department"' not in page and 'name="commune"' not in page
    region = main_of(login(people["region"]).get(reverse("people:invite")))
    assert "Coordinatrice ou coordinateur de CLS" in region and 'name="commune"' in region and "CLS du Pays de Brest" in region


def test_a_coordinator_cannot_deactivate_an_account_holding_memberships_elsewhere(login, people):
    elected = people["elected"]
    elsewhere = Membership.objects.create(user=elected, role=Role.SOCIAL_SERVICES, commune_id="22050")
    client = login(people["coord_dinan"])
    assert client.post(reverse("people:deactivate", args=[elected.public_id]), {"reason": "départ"}).status_code == 404
    elected.refresh_from_db()
    assert elected.is_active
    page = page_text(client.get(elected.get_absolute_url()))
    assert "Désactiver le compte" not in page and "Agent des services sociaux" not in page  # not theirs, not even shown
    ours = elected.memberships.get(role=Role.ELECTED_OFFICIAL)
    assert client.post(reverse("people:deactivate_membership", args=[ours.public_id]), {"reason": "fin de mandat"}).status_code == 302
    ours.refresh_from_db()
    elsewhere.refresh_from_db()
    assert not ours.is_active and elsewhere.is_active
    assert client.post(reverse("people:deactivate_membership", args=[elsewhere.public_id]), {"reason": "x"}).status_code == 404


# The list: search, filters, scope, pagination, exports, query count.


def test_a_coordinator_lists_their_cls_team_and_partners_only(login, people):
    page = page_text(login(people["coord_dinan"]).get(reverse("people:index")))
    for name in ["coord_dinan", "elected", "partner", "volunteer"]:
        assert people[name].email in page, name
    for name in ["coord_brest", "region", "delegation", "ccas"]:
        assert people[name].email not in page, name


def test_the_region_searches_and_filters_the_list(login, people, cls_brest):
    client = login(people["region"])

    def emails(**query):
        response = client.get(reverse("people:index"), query)
        assert response.status_code == 200
        return {person.email for person in response.context["page_obj"]}

    assert emails() >= {user.email for user in people.values() if user}
    partner = people["partner"]
    partner.first_name, partner.last_name = "Maëlle", "Bègue"  # names of the test's own, not Faker's: an accent always
    partner.save()
    for typed in ["Bègue", "begue", "BÈGUE", "BEGUE", "maelle bègue", "MAËLLE"]:
        assert emails(q=typed) == {partner.email}, typed  # case and accents ignored, on SQLite as on PostgreSQL
    assert emails(q="benevole.dinan@") == {people["volunteer"].email}
    assert emails(q=f"{partner.first_name} {partner.last_name}") == {partner.email}
    assert emails(q="Bègue Brest") == set()  # every word must be found
    assert emails(role="ars_delegation") == {people["delegation"].email}
    assert emails(department="29") == {people["coord_brest"].email}
    assert emails(cls=cls_brest.pk) == {people["coord_brest"].email}
    dinan = emails(cls=people["coord_dinan"].memberships.get().cls_id)
    assert dinan == {people[name].email for name in ["coord_dinan", "elected", "ccas", "partner", "volunteer"]}
    User.objects.filter(pk=people["volunteer"].pk).update(is_active=False)
    assert emails(state=InvitationState.DEACTIVATED) == {people["volunteer"].email}
    assert people["volunteer"].email not in emails(state=InvitationState.ACTIVE)


def test_a_filter_naming_another_scope_keeps_to_the_coordinators_own(login, people, cls_brest):
    brest_org = Organisation.objects.create(name="Association de la rade", kind="association", department_id="29")
    brest_org.communes.set(["29019"])
    persona(Role.VOLUNTEER, "benevole.brest@exemple.fr", organisation=brest_org)
    client = login(people["coord_dinan"])
    for query in [{"organisation": brest_org.pk}, {"cls": cls_brest.pk}, {"department": "29"}, {"q": "brest"}]:
        response = client.get(reverse("people:index"), {**query, "format": "csv"})
        emails = {row[2] for row in csv_rows(response)[1:]}
        assert "benevole.brest@exemple.fr" not in emails and people["coord_brest"].email not in emails, query


def test_the_list_is_paginated_with_a_constant_query_count(login, people, partner_organisation_dinan, django_assert_max_num_queries):
    def queries_for_the_list():
        client = login(people["coord_dinan"])
        client.get(reverse("people:index"))
        with CaptureQueriesContext(connection) as queries:
            response = client.get(reverse("people:index"))
        assert response.status_code == 200
        return len(queries), response

    few, _ = queries_for_the_list()
    for n in range(60):
        volunteer = persona(Role.VOLUNTEER, f"benevole{n:02d}@exemple.fr", organisation=partner_organisation_dinan)
        Membership.objects.create(user=volunteer, role=Role.PARTNER_MEMBER, organisation=partner_organisation_dinan)
    many, response = queries_for_the_list()
    assert many == few, (few, many)
    assert len(response.context["page_obj"]) == 50 and response.context["page_obj"].paginator.count == 64
    region = login(people["region"])
    region.get(reverse("people:index"))
    with django_assert_max_num_queries(8):
        region.get(reverse("people:index"), {"page": 2})


@pytest.mark.parametrize("fmt", ["csv", "xlsx", "ods"])
def test_the_list_exports_without_passwords(login, people, fmt):
    response = login(people["coord_dinan"]).get(reverse("people:index"), {"format": fmt})
    assert response.status_code == 200 and response["Content-Disposition"].startswith('attachment; filename="personnes.')
    if fmt == "csv":
        rows = csv_rows(response)
        assert rows[0] == [
            "Nom",
            "Prénom",
            "Adresse électronique",
            "Rattachements",
            "État du compte",
            "Invitation envoyée le",
            "Dernière connexion",
            "Inscrit le",
        ]
        partner = next(row for row in rows if row[2] == people["partner"].email)
        assert partner[3] == "Membre d’une organisation partenaire – Association Solidarité Rance" and partner[4] == "Active"
        assert not any(people["partner"].password in cell for row in rows for cell in row)


# A person's page, changes, history.


def test_a_persons_page_shows_what_the_viewer_may_change_and_the_history(login, people, cls_dinan):
    elected = people["elected"]
    Membership.objects.create(user=elected, role=Role.SOCIAL_SERVICES, commune_id="22050")
    ours = elected.memberships.get(role=Role.ELECTED_OFFICIAL)
    region = login(people["region"])
    response = region.post(reverse("people:deactivate_membership", args=[ours.public_id]), {"reason": "Fin de mandat"})
    assert response.status_code == 302 and response["Location"] == elected.get_absolute_url()
    region.post(reverse("people:reactivate_membership", args=[ours.public_id]), {"reason": "Réélu"})
    page = page_text(region.get(elected.get_absolute_url()))
    assert "Agent des services sociaux (CCAS/CIAS)" in page and "Réactiver le compte" not in page and "Désactiver le compte" in page
    region_name = str(people["region"])
    assert (
        f"Rattachement désactivé : Élue ou élu référent du CLS – CLS de Dinan Agglomération</td><td>{region_name}</td><td>Fin de mandat"
        in page
    )
    assert f"Rattachement réactivé : Élue ou élu référent du CLS – CLS de Dinan Agglomération</td><td>{region_name}</td><td>Réélu" in page
    coordinator = page_text(login(people["coord_dinan"]).get(elected.get_absolute_url()))
    assert "Agent des services sociaux" not in coordinator  # another scope's membership, and its history, stay hidden
    assert coordinator.count("Modifier<span") == 1 and "Désactiver le compte" not in coordinator
    assert "Dernière connexion" in coordinator and "jamais" in coordinator


def test_a_change_of_membership_is_recorded_with_who_and_why(login, people, cls_dinan, cls_brest):
    membership = people["elected"].memberships.get()
    response = login(people["region"]).post(
        reverse("people:change_membership", args=[membership.public_id]),
        {"role": "cls_coordinator", "cls": cls_brest.pk, "reason": "Mutation à Brest", "seen_version": membership.updated_at.isoformat()},
    )
    assert response.status_code == 302
    membership.refresh_from_db()
    assert (membership.role, membership.cls) == (Role.CLS_COORDINATOR, cls_brest)
    record = membership.history.first()
    assert (record.history_user, record.history_change_reason) == (people["region"], "Mutation à Brest")
    page = page_text(login(people["region"]).get(people["elected"].get_absolute_url()))
    assert (
        "Rattachement modifié : Élue ou élu référent du CLS – CLS de Dinan Agglomération → "
        "Coordinatrice ou coordinateur de CLS – CLS du Pays de Brest" in page
    )


def test_a_stale_or_duplicate_change_is_refused_and_writes_nothing(login, people, cls_dinan):
    membership = people["elected"].memberships.get()
    Membership.objects.create(user=people["elected"], role=Role.CLS_COORDINATOR, cls=cls_dinan)
    client = login(people["region"])
    url = reverse("people:change_membership", args=[membership.public_id])
    data = {"role": "cls_coordinator", "cls": cls_dinan.pk, "reason": "doublon", "seen_version": membership.updated_at.isoformat()}
    with CaptureQueriesContext(connection) as queries:
        duplicate = client.post(url, data)
    assert "Cette personne a déjà ce rattachement." in page_text(duplicate) and data_writes(queries) == []
    stale = client.post(url, {**data, "role": "elected_official", "seen_version": "2020-01-01T00:00:00+00:00"})
    assert "modifié par quelqu’un d’autre" in page_text(stale)
    membership.refresh_from_db()
    assert membership.role == Role.ELECTED_OFFICIAL and membership.history.count() == 1


def test_deactivating_an_account_revokes_its_tokens_and_is_recorded(login, people):
    partner = people["partner"]
    token, _ = ApiToken.issue(user=partner, name="tableur")
    client = login(people["coord_dinan"])
    form = client.get(reverse("people:deactivate", args=[partner.public_id]))
    assert "L’effet est immédiat" in page_text(form)
    missing = client.post(reverse("people:deactivate", args=[partner.public_id]), {"reason": ""})
    assert "Ce champ est obligatoire" in page_text(missing)
    assert client.post(reverse("people:deactivate", args=[partner.public_id]), {"reason": "A quitté l’association"}).status_code == 302
    partner.refresh_from_db()
    token.refresh_from_db()
    assert not partner.is_active and token.revoked_at is not None
    event = AccountEvent.objects.get(user=partner, kind="desactivation")
    assert (event.by, event.reason) == (people["coord_dinan"], "A quitté l’association")
    page = page_text(client.get(partner.get_absolute_url()))
    assert "Désactivée" in page and "Réactiver le compte" in page and "A quitté l’association" in page
    assert client.post(reverse("people:reactivate", args=[partner.public_id]), {"reason": "Retour"}).status_code == 302
    partner.refresh_from_db()
    assert partner.is_active and partner.invitation_state == InvitationState.ACTIVE
    assert User.objects.filter(pk=partner.pk).exists()  # never deleted


def test_navigation_and_dashboard_offer_people_to_managers_only(login, people):
    for name, user in people.items():
        if user is None:
            continue
        page = page_text(login(user).get(reverse("portal:dashboard")))
        manages = name in MANAGERS
        assert ('href="/personnes/"' in page) is manages, name
        assert ("Inviter une personne" in page) is manages, name


def test_the_admin_is_read_only_for_the_region(login, people):
    client = login(people["region"], verified=True)
    target = people["partner"]
    page = client.get(f"/admin/accounts/user/{target.pk}/change/")
    assert page.status_code == 200 and "rubrique « Personnes »" in page_text(page)
    assert 'name="email"' not in page.content.decode()  # shown, not editable
    assert client.get(f"/admin/accounts/user/{target.pk}/password/").status_code == 403
    assert client.get("/admin/accounts/user/add/").status_code == 403
    client.post(f"/admin/accounts/user/{target.pk}/change/", {"email": "pirate@exemple.fr", "is_active": ""})
    target.refresh_from_db()
    assert target.email == "partenaire.dinan@exemple.fr" and target.is_active
    root = User.objects.create_superuser("racine@exemple.fr", "Racine-Tres-Secrete-42!")
    assert login(root).get(f"/admin/accounts/user/{target.pk}/password/").status_code == 200  # Django's own rights


def test_the_list_s_total_is_kept_until_an_account_or_membership_changes(login, people, settings):
    """The total of 80,000 accounts is counted once per change (core.page_cache "people"), never stale after a write."""
    from mobilisation.core import page_cache

    settings.PAGE_CACHE_SECONDS = 3600
    client = login(people["region"])

    def caption(**query):
        response = client.get(reverse("people:index"), query)
        return response.context["page_obj"].paginator.count

    total = caption()
    assert total == User.objects.filter(is_superuser=False).count()
    version = page_cache.versions("people")
    User.objects.filter(pk=people["region"].pk).first().save(update_fields=["last_login"])  # a login changes no count
    assert page_cache.versions("people") == version
    persona(Role.VOLUNTEER, "nouveau.benevole@exemple.fr", organisation=people["partner"].memberships.get().organisation)
    assert caption() == total + 1
    deactivated = caption(state=InvitationState.DEACTIVATED)
    volunteer = User.objects.get(pk=people["volunteer"].pk)
    volunteer.is_active = False
    volunteer.save()
    assert caption(state=InvitationState.DEACTIVATED) == deactivated + 1
    membership = Membership.objects.filter(user=people["volunteer"]).first()
    membership.delete()
    assert caption(role=Role.VOLUNTEER) == User.objects.filter(memberships__role=Role.VOLUNTEER).distinct().count()
