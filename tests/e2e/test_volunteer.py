"""The volunteer's journey: a dashboard with its association; no directory, no API, no plan."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_volunteer_sees_its_association_and_nothing_more(visit, people):
    plans = seed_submitted_plans(people)
    tab = visit("benevole")
    page = tab.page
    tab.log_in(people.volunteer)
    assert tab.heading() == "Bonjour Lena"
    assert "Bénévole – Association de démonstration – solidarité Pays de Dinan" in tab.main_text()
    navigation = page.locator("#navigation-principale")
    for name in ["Annuaire", "API", "Suivi des plans"]:
        assert navigation.get_by_role("link", name=name, exact=True).count() == 0
    assert page.get_by_role("link", name="Mes jetons d’accès à l’API").count() == 0
    tab.check("mon espace")

    tab.click_link("Changer mon mot de passe")
    assert tab.heading().startswith("Changer")
    tab.check("mot de passe")

    tab.expect_not_found(plans.dinan.plan.get_absolute_url(), "pas de plan")


def test_a_visitor_signs_up_as_volunteer_the_association_validates_and_a_volunteer_pauses(visit, people):
    """The volunteering journey (issue 11): the public sign-up and its error, the association's validation into an
    account, and a validated volunteer's own space (availability, pause)."""
    from django.core import mail

    from mobilisation.mutualaid.demo import create_demo_volunteers
    from mobilisation.mutualaid.models import Volunteer

    create_demo_volunteers()
    visitor = visit("visiteur-benevole")
    page = visitor.page
    visitor.goto("/aide/22050/")
    visitor.click_link("Devenir bénévole à Dinan")
    assert visitor.heading() == "Devenir bénévole à Dinan"
    page.locator("#id_first_name").fill("Gwenaëlle")
    page.locator("#id_last_name").fill("Riou")
    page.locator("#id_email").fill("gwenaelle.riou@exemple.invalid")
    page.locator("#id_phone").fill("02 61 91 00 42")
    page.locator("#id_age_band").select_option("30-49")
    page.get_by_label("Courses").check(force=True)
    page.get_by_label("Aide numérique").check(force=True)
    page.get_by_label("J’accepte que ces informations").check(force=True)
    page.get_by_label("Je m’engage à respecter").check(force=True)
    visitor.check("inscription")
    visitor.click_button("Envoyer mon inscription")
    assert "Cochez au moins un moment de la semaine où vous êtes disponible." in visitor.main_text()
    assert page.locator("#id_first_name").input_value() == "Gwenaëlle"  # nothing typed is lost
    visitor.check("inscription erreur")
    page.get_by_label("Mercredi, soir (18 h – 21 h)").check(force=True)
    page.get_by_label("Samedi, matin (8 h – 12 h)").check(force=True)
    visitor.click_button("Envoyer mon inscription")
    assert visitor.heading() == "Merci, votre inscription est reçue"
    visitor.check("inscription reçue")
    assert Volunteer.objects.get(email="gwenaelle.riou@exemple.invalid").slot_summary == "Mercredi soir ; Samedi matin"

    partner = visit("partenaire-benevoles")
    partner.log_in(people.partner)
    assert "inscription" in partner.main_text() and "à valider" in partner.main_text()
    partner.click_link("Bénévoles", exact=True)
    assert partner.heading() == "Bénévoles"
    assert "4 inscriptions à valider" in partner.main_text()  # three demo sign-ups and hers
    partner.check("liste")
    partner.click_link("Gwenaëlle Riou")
    assert "Mercredi soir ; Samedi matin" in partner.main_text()
    partner.check("inscription")
    partner.click_button("Valider l’inscription")
    assert "Gwenaëlle Riou est validé(e) et reçoit par courriel un lien pour créer son compte." in partner.main_text()
    assert partner.badge() == "Disponible"
    partner.check("validée")
    assert mail.outbox[-1].to == ["gwenaelle.riou@exemple.invalid"] and "/personnes/invitation/" in mail.outbox[-1].body

    volunteer = visit("benevole-espace")
    volunteer.log_in(people.volunteer)
    volunteer.click_link("Mon engagement", exact=True)
    assert volunteer.heading() == "Mon engagement bénévole"
    volunteer.check("espace")
    volunteer.page.get_by_label("Jusqu’au (facultatif)").fill("2020-01-01")
    volunteer.click_button("Me mettre en pause")
    assert "Choisissez une date à venir." in volunteer.main_text()
    volunteer.click_button("Me mettre en pause")
    assert "Vous êtes en pause" in volunteer.main_text()
    volunteer.check("en pause")
    volunteer.click_button("Reprendre mes missions")
    assert "Votre pause est levée" in volunteer.main_text()


def test_a_visitor_asks_for_shopping_a_volunteer_takes_it_before_another_and_delivers(visit, people):
    """Mutual aid in the browser (issue 11): the public request and its error, the association's qualification and
    suggestions, two volunteers claiming it (the second fails cleanly), the contact shown once taken, the delivery."""
    from django.utils import timezone

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership, User
    from mobilisation.mutualaid.demo import create_demo_volunteers
    from mobilisation.mutualaid.enums import VolunteerState
    from mobilisation.mutualaid.models import AidRequest, Volunteer

    from ..factories import PASSWORD
    from ..utils import second_factor_device

    create_demo_volunteers()
    lena = Volunteer.objects.get(user=people.volunteer)
    other_user = User.objects.create_user("erwan.benevole@exemple.invalid", PASSWORD, first_name="Erwan", last_name="Tanguy")
    Membership.objects.create(user=other_user, role=Role.VOLUNTEER, organisation=lena.organisation)
    second_factor_device(other_user)
    erwan = Volunteer.objects.create(
        first_name="Erwan",
        last_name="Tanguy",
        email=other_user.email,
        phone="+33261910830",
        age_band="30-49",
        home_commune_id="22050",
        skills=1,
        slots=lena.slots,
        consent_at=timezone.now(),
        state=VolunteerState.VALIDATED,
        organisation=lena.organisation,
        validated_at=timezone.now(),
        user=other_user,
    )
    erwan.communes.set(["22050"])

    visitor = visit("visiteur-demande")
    page = visitor.page
    visitor.goto("/aide/22050/")
    visitor.click_link("Demander de l’aide en ligne")
    assert visitor.heading() == "Demander de l’aide à Dinan"
    page.get_by_label("Courses", exact=True).check(force=True)
    page.locator("#id_details").fill("Pain, lait, fruits.")
    page.get_by_label("Un proche (famille, voisin)").check(force=True)
    page.locator("#id_requester_name").fill("Anne Jaouen")
    page.locator("#id_first_name").fill("Marie")
    page.locator("#id_last_name").fill("Jaouen")
    page.locator("#id_address").fill("3 rue de la Poissonnerie")
    page.get_by_label("La personne à aider accepte").check(force=True)
    visitor.check("demande")
    visitor.click_button("Envoyer la demande")
    assert "Ce champ est obligatoire." in visitor.main_text() and page.locator("#id_first_name").input_value() == "Marie"
    visitor.check("demande erreur")
    page.locator("#id_phone").fill("02 61 91 00 77")
    visitor.click_button("Envoyer la demande")
    assert visitor.heading() == "Votre demande d’aide est envoyée"
    visitor.check("demande envoyee")

    partner = visit("partenaire-demandes")
    partner.log_in(people.partner)
    partner.click_link("Demandes d’aide", exact=True)
    assert "Marie Jaouen" in partner.main_text()
    partner.check("file")
    partner.click_link("Courses")
    partner.check("demande nouvelle")
    partner.click_button("Mettre à pourvoir")
    assert "La demande est à pourvoir" in partner.main_text()
    text = partner.main_text()
    assert "Lena Bénévole" in text and "Erwan Tanguy" in text and "agit dans la commune" in text
    partner.check("suggestions")

    first, second = visit("benevole-mission"), visit("autre-benevole")
    first.log_in(people.volunteer)
    second.log_in(other_user)
    for tab in (first, second):
        tab.click_link("Missions d’entraide", exact=True)
        assert "Courses" in tab.main_text() and "Jaouen" not in tab.main_text()  # no name before taking it
    first.check("missions")
    first.click_button("Je m’en charge : courses à Dinan")
    assert "3 rue de la Poissonnerie" in first.main_text() and "02 61 91 00 77" in first.main_text()
    first.check("mission prise")
    second.click_button("Je m’en charge : courses à Dinan")
    assert "Une autre personne vient de prendre cette demande" in second.main_text()
    second.check("prise refusee")
    first.click_button("Je commence")
    first.page.locator("#id_note").fill("Courses livrées, 18 € remboursés.")
    first.click_button("C’est fait")
    assert "L’aide est enregistrée comme faite" in first.main_text()
    first.check("mission faite")
    assert AidRequest.objects.get(last_name="Jaouen").state == "faite"
    partner.page.reload()
    assert partner.badge() == "Faite" and "Courses livrées, 18 € remboursés." in partner.main_text()
    partner.check("demande faite")
