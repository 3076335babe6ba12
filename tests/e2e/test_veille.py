"""The veille in the browser: the CCAS agent registers a person by phone with consent to a reason and launches a
campaign linked to the CLS plan's action; the volunteer caller takes calls and records « pas de réponse » three
times; the escalation reaches the contact person; a « besoin d’aide » opens a request; the coordinator sees the
linked action's indicators move and the region reads aggregates with « < 5 ». axe-core at zero on every page."""

import datetime

import pytest
from django.utils import timezone

from mobilisation.followup.models import Campaign, ContactTask, Escalation, Person
from mobilisation.mutualaid.models import AidRequest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def test_the_veille_from_registration_to_the_figures(visit, people):
    plans = seed_submitted_plans(people)
    veille_action = next(a for a in plans.dinan.actions if a.action_model.slug == "visites-contacts-personnes-fragiles")
    volunteer_name = people.volunteer.get_full_name()

    # The agent registers a person called on the phone, who consents to her reason being kept.
    agent = visit("veille-agent")
    page = agent.page
    agent.log_in(people.social)
    agent.click_link("Registre", exact=True)
    assert agent.heading() == "Registre des personnes fragiles"
    agent.check("registre")
    agent.click_link("Inscrire une personne")
    agent.check("inscription vide")
    page.locator("#id_last_name").fill("Le Bihan")
    page.locator("#id_first_name").fill("Germaine")
    page.locator("#id_birth_date").fill("1936-04-18")
    page.locator("#id_category").select_option("65_ans")
    page.locator("#id_address").fill("7 rue de la Lainerie")
    page.locator("#id_phone").fill("02 61 91 09 01")
    page.locator("#id_lives_alone").check(force=True)
    page.locator("#id_provenance").select_option("personne")
    page.locator("#id_contacts-0-name").fill("Yann Le Bihan")
    page.locator("#id_contacts-0-link").fill("neveu")
    page.locator("#id_contacts-0-phone").fill("0261910902")
    page.locator("#id_reason").fill("Insuffisance cardiaque")
    agent.click_button("Enregistrer")
    assert "Sans consentement explicite" in agent.main_text()  # the reason waits for its consent; nothing lost
    assert page.locator("#id_last_name").input_value() == "Le Bihan"
    agent.check("motif sans consentement")
    page.locator("#id_reason_consent").check(force=True)
    page.locator("#id_reason_consent_by").select_option("personne")
    page.locator("#id_reason_consent_channel").select_option("telephone")
    page.locator("#id_reason_consent_at").fill(timezone.localdate().isoformat())
    agent.click_button("Enregistrer")
    assert agent.heading() == "LE BIHAN Germaine"
    assert "Insuffisance cardiaque" in agent.main_text() and "par téléphone" in agent.main_text()
    agent.check("fiche")
    germaine = Person.objects.get(last_name="Le Bihan")
    Person.objects.create(  # a neighbour already in the register, who does not live alone: called after Germaine
        commune_id="22050",
        last_name="Prigent",
        first_name="Odette",
        birth_date=datetime.date(1941, 3, 2),
        category="65_ans",
        address="9 rue de la Lainerie",
        phone="+33261910903",
        provenance="personne",
        request_date=timezone.localdate(),
        acknowledgement_due=timezone.localdate(),
        acknowledged_at=timezone.now(),
    )

    # A campaign over the register, fed into the plan's « visites et contacts » action, with the volunteer as caller.
    agent.goto("/registre/veille/")
    agent.check("campagnes")
    agent.click_link("Préparer une campagne")
    page.locator("#id_name").fill("Veille confinement décembre")
    page.locator("#id_trigger").select_option("manuel")
    page.locator("#id_plan_action").select_option(label=f"{veille_action.title} ({plans.dinan.plan.cls.name})")
    page.locator("#id_max_attempts").fill("3")
    page.locator("#id_retry_minutes").fill("5")
    page.get_by_label(volunteer_name).check(force=True)
    agent.check("campagne a preparer")
    agent.click_button("Enregistrer")
    assert agent.heading() == "Veille confinement décembre"
    agent.click_button("Lancer la campagne")
    campaign = Campaign.objects.get()
    assert campaign.tasks.count() == Person.objects.registered().filter(commune="22050").count()
    agent.check("campagne lancee")

    # The volunteer caller: Germaine lives alone, so she comes first; nothing but her first name and phone.
    caller = visit("veille-benevole")
    call = caller.page
    caller.log_in(people.volunteer)
    caller.click_link("Appels", exact=True)
    caller.check("appels a passer")
    caller.click_button("Prendre l’appel suivant")
    task = ContactTask.objects.get(claimed_by=people.volunteer)
    if task.person != germaine:  # another demo person living alone may come first: give calls back until hers
        ContactTask.objects.filter(pk=task.pk).update(priority=5, claimed_by=None, claimed_until=None)
        ContactTask.objects.filter(person=germaine).update(priority=0)
        caller.goto("/appels/")
        caller.click_button("Prendre l’appel suivant")
    assert caller.heading() == "Appeler Germaine"
    text = caller.main_text()
    assert "02 61 91 09 01" in text and "Premier appel de la veille" in text
    for hidden in ["Le Bihan", "LE BIHAN", "Insuffisance", "Lainerie"]:
        assert hidden not in text
    caller.check("fiche d appel benevole")
    for attempt in range(3):
        call.get_by_label("Pas de réponse").check(force=True)
        caller.click_button("Enregistrer", exact=True)
        assert "Résultat enregistré : Pas de réponse" in caller.main_text()
        if attempt < 2:
            # The retry waits the campaign's delay: the test moves the clock of this one task forward.
            ContactTask.objects.filter(person=germaine).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
            ContactTask.objects.exclude(person=germaine).update(next_attempt_at=timezone.now() + datetime.timedelta(hours=1))
            caller.goto("/appels/")
            caller.click_button("Prendre l’appel suivant")
            assert "Pourquoi j’appelle à nouveau" in caller.main_text() and "pas de réponse" in caller.main_text()
    caller.check("trois essais")
    caller.expect_not_found(
        task.get_absolute_url() if task.person == germaine else ContactTask.objects.filter(person=germaine).first().get_absolute_url(),
        "appel termine",
    )

    # The escalation: the agent calls the contact person, who has seen her.
    escalation = Escalation.objects.get(person=germaine)
    agent.goto("/espace/")
    assert "1 escalade en cours" in agent.main_text()
    agent.click_link("1 escalade en cours")
    agent.check("escalades")
    agent.click_link("LE BIHAN Germaine")
    assert "Yann Le Bihan (neveu)" in agent.main_text() and "02 61 91 09 02" in agent.main_text()
    agent.check("escalade")
    page.get_by_label("La personne va bien").check(force=True)
    agent.click_button("Enregistrer cet échelon")
    escalation.refresh_from_db()
    assert escalation.state == "resolue"

    # Another call: a « besoin d’aide » opens a request to the CCAS.
    ContactTask.objects.exclude(person=germaine).update(next_attempt_at=timezone.now() - datetime.timedelta(seconds=1))
    caller.goto("/appels/")
    caller.click_button("Prendre l’appel suivant")
    call.get_by_label("Joint(e), a besoin d’aide").check(force=True)
    call.get_by_label("Courses").check(force=True)
    caller.click_button("Enregistrer", exact=True)
    assert AidRequest.objects.filter(kind="courses", source="veille").count() == 1
    agent.goto("/entraide/demandes/")
    assert "Courses" in agent.main_text()
    agent.check("demandes d aide")

    # The coordinator reads the action's indicators, computed by the veille.
    coordinator = visit("veille-coordination")
    coordinator.log_in(people.coordinator)
    coordinator.goto(veille_action.get_absolute_url())
    text = coordinator.main_text()
    assert "Calculés par les opérations liées à cette action" in text and "Personnes suivies" in text
    assert "< 5" in text  # one person reached
    assert "Germaine" not in text
    coordinator.check("indicateurs calcules")

    # The region reads aggregates only.
    region = visit("veille-region")
    region.log_in(people.region)
    region.goto("/veille/?departement=22")
    text = region.main_text()
    assert "Dinan (22050)" in text and "Veille confinement décembre" in text and "< 5" in text
    assert "Germaine" not in text and "02 61" not in text
    region.check("chiffres de la veille")


IMPORT_HEADER = "Commune;Nom;Prénom;Date de naissance;Qualité;Adresse;Téléphone;Vit seule;Origine;Date de la demande"


def test_the_agent_imports_a_register_with_an_error_then_fixed(visit, people, tmp_path):
    """A CCAS's spreadsheet register: one row in error reported and nothing written, then the fixed file imported."""
    agent = visit("import-agent")
    page = agent.page
    agent.log_in(people.social)
    agent.goto("/registre/")
    agent.click_link("Importer un registre")
    agent.check("import")
    requested = timezone.localdate().strftime("%d/%m/%Y")
    spreadsheet = tmp_path / "registre-ccas.csv"
    rows = [
        f"22050;Riou;Jeanne;31/02/1938;65 ans et plus;2 rue du Petit Fort;02 61 91 09 10;non;la personne;{requested}",
        f"22050;Guégan;Louis;14/07/1941;65 ans et plus;5 rue de l’Horloge;02 61 91 09 11;oui;Département;{requested}",
    ]
    spreadsheet.write_text("\n".join([IMPORT_HEADER, *rows]) + "\n", encoding="utf-8")
    page.locator("#id_file").set_input_files(str(spreadsheet))
    agent.click_button("Vérifier le fichier")
    text = agent.main_text()
    assert "Le fichier est à corriger : rien n’a été inscrit" in text and "31/02/1938" in text
    assert not Person.objects.filter(last_name__in=["Riou", "Guégan"]).exists()
    agent.check("import a corriger")
    spreadsheet.write_text("\n".join([IMPORT_HEADER, rows[0].replace("31/02/1938", "03/02/1938"), rows[1]]) + "\n", encoding="utf-8")
    page.locator("#id_file").set_input_files(str(spreadsheet))
    agent.click_button("Vérifier le fichier corrigé")
    assert "Le fichier est correct : 2 lignes" in agent.main_text() and "GUÉGAN Louis" in agent.main_text()
    agent.check("apercu de l import")
    agent.click_button("Importer les 2 lignes")
    assert "2 personnes inscrites" in agent.main_text()
    agent.check("import termine")
    agent.click_link("Voir le registre")
    assert "RIOU Jeanne" in agent.main_text() and "GUÉGAN Louis" in agent.main_text()
