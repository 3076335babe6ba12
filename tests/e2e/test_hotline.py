"""The hotline in the browser (issue 11): an operator logs three calls on the keyboard-first call log (an anonymous
question answered from the FAQ, a call oriented to a service of the directory, a call that sends a request for help,
its missing commune first), the association finds the request in its queue, the coordinator reads the calls in the
linked plan action's indicators."""

import pytest

from .seed import seed_submitted_plans

pytestmark = pytest.mark.django_db(transaction=True)


def computed_indicators(tab):
    """{label: value} of the action page's computed indicators, as shown."""
    table = tab.page.locator("table").filter(has_text="Appels répondus (numéro vert)")
    labels = table.locator("thead th").all_inner_texts()
    values = table.locator("tbody td").all_inner_texts()
    return dict(zip(labels, values, strict=True))


def test_an_operator_logs_three_calls_and_the_plan_counts_them(visit, people):
    from django.urls import reverse

    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership
    from mobilisation.directory.demo import create_demo_services
    from mobilisation.hotline.enums import Referral
    from mobilisation.hotline.models import Call, Line
    from mobilisation.mutualaid.enums import RequestSource
    from mobilisation.mutualaid.models import AidRequest

    plans = seed_submitted_plans(people)
    create_demo_services()
    line = Line.objects.get(pk=Membership.objects.get(user=people.operator, role=Role.HOTLINE_OPERATOR).line_id)
    action = plans.dinan.plan.actions.order_by("pk").first()
    Line.objects.filter(pk=line.pk).update(plan_action=action)

    coordinator = visit("coordinatrice-numero-vert")
    coordinator.log_in(people.coordinator)
    coordinator.goto(action.get_absolute_url())
    assert computed_indicators(coordinator)["Appels répondus (numéro vert)"] == "0"

    operator = visit("ecoutant")
    page = operator.page
    operator.log_in(people.operator)
    operator.click_link("Numéro vert", exact=True)
    operator.check("lignes")
    operator.click_link("Journal d’appels")
    assert operator.path == reverse("hotline:log", args=[line.public_id]) and "Appel en cours" in operator.main_text()
    operator.check("journal vide")

    # 1. An anonymous caller asks about the curfew: no commune, the FAQ's answer read out.
    page.get_by_label("Mesures en vigueur (déplacements, couvre-feu, confinement)").check(force=True)
    page.locator("#id_answer").fill("Attestation dérogatoire expliquée.")
    operator.click_button("Enregistrer l’appel")
    assert "Appel enregistré." in operator.main_text()
    operator.check("premier appel")

    # 2. A caller from Dinan who needs shopping done, oriented to the directory's service; the postcode first.
    page.locator("#id_commune").fill("22100")
    page.get_by_label("Besoin d’aide (courses, repas, médicaments…)").check(force=True)
    page.locator("#id_referral").select_option(Referral.SERVICE)
    operator.click_button("Enregistrer l’appel")
    text = operator.main_text()
    assert "Choisissez le service vers lequel vous orientez l’appelant." in text
    assert "Dinan (22050). Choisissez-en une dans la liste." in text  # 22100 is the postcode of several communes
    assert page.locator("#id_commune").input_value() == "22100"  # nothing typed is lost
    operator.check("orientation sans service")
    page.locator("#id_commune").fill("22050")
    page.locator("#id_service_search").fill("medicaments")  # the accents do not count; the list answers as one types
    page.locator("#id_service_search").press("Enter")  # Entrée in the search refreshes the list, it does not save the call
    choice = page.locator("#service-resultats label").filter(has_text="Courses et médicaments livrés à domicile")
    choice.wait_for()
    operator.check("services trouvés pour la commune")
    page.locator("#" + choice.get_attribute("for")).check(force=True)
    operator.click_button("Enregistrer l’appel")
    assert "Appel enregistré." in operator.main_text()
    assert "Dinan · Besoin d’aide (courses, repas, médicaments…) → Courses et médicaments livrés à domicile" in operator.main_text()

    # 3. A neighbour calls for a man who cannot go out: a request for help, the commune forgotten first.
    page.get_by_label("Isolement, cas contact, quarantaine").check(force=True)
    page.locator("#id_wants_help").check(force=True)
    page.locator("#id_aide-kind_0").check(force=True)  # the first kind of help: shopping
    page.locator("#id_aide-details").fill("Pain et légumes, deux fois par semaine.")
    page.locator("#id_aide-first_name").fill("Yann")
    page.locator("#id_aide-last_name").fill("Le Goff")
    page.locator("#id_aide-phone").fill("02 61 91 00 64")
    page.locator("#id_aide-address").fill("8 rue de l’Horloge")
    page.locator("#id_aide-consent").check(force=True)
    operator.click_button("Enregistrer l’appel")
    assert "Une demande d’aide ou une inscription au registre a besoin de la commune de la personne." in operator.main_text()
    assert page.locator("#id_aide-last_name").input_value() == "Le Goff"
    operator.check("demande sans commune")
    page.locator("#id_commune").fill("Dinan")
    page.locator("#id_aide-consent").check(force=True)
    page.locator("#id_aide-phone").press("Enter")  # Entrée in a field saves the call (the form's default button)
    page.wait_for_load_state()
    assert "Appel enregistré : demande d’aide transmise." in operator.main_text()
    operator.check("trois appels")

    calls = Call.objects.filter(line=line)
    assert calls.count() == 3
    assert calls.filter(commune__isnull=True).count() == 1  # the anonymous caller stays anonymous
    assert calls.get(referral=Referral.SERVICE).service.name == "Courses et médicaments livrés à domicile"
    request = AidRequest.objects.get(last_name="Le Goff")
    assert request.source == RequestSource.HOTLINE and request.commune_id == "22050"

    partner = visit("partenaire-numero-vert")
    partner.log_in(people.partner)
    partner.click_link("Demandes d’aide", exact=True)
    assert "Yann Le Goff" in partner.main_text()
    partner.check("file avec la demande du numéro vert")

    coordinator.page.reload()
    figures = computed_indicators(coordinator)
    # 0 before; three calls and one request now, shown as "< 5" as every count under five above the line's team.
    assert figures["Appels répondus (numéro vert)"] == "< 5"
    assert figures["Demandes d’aide transmises par le numéro vert"] == "< 5"
    text = coordinator.main_text()
    assert "Le Goff" not in text and "02 61 91 00 64" not in text  # counts, never the caller
    coordinator.check("indicateurs de l’action")
