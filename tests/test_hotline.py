"""The numéro vert (issue 11): lines and who opens them, the operator role scoped to a line, the call log (anonymous
calls, the caller's commune typed, bad input kept), what a call leads to (a callback, a request for help, a proposal
of registration to the CCAS), the callbacks queue (exactly one operator takes a number: SECURITY.md 26; numbers erased
when closed), the FAQ validated by the ARS (validity dates, variants under the measures in force, search without
accents, the public page), the figures and the plan's indicators."""

import datetime
import re
from urllib.parse import urlencode

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from mobilisation.accounts.enums import Role
from mobilisation.accounts.perms import Grants
from mobilisation.hotline import services
from mobilisation.hotline.enums import CallbackOrigin, CallbackOutcome, CallbackState, FaqState, ProposalState, Reason, reason_bits
from mobilisation.hotline.models import Call, Callback, FaqEntry, FaqVariant, Line, RegistrationProposal
from mobilisation.mutualaid.enums import RequestSource
from mobilisation.mutualaid.models import AidRequest
from mobilisation.plans.enums import RestrictionKind, RestrictionScope
from mobilisation.plans.models import RestrictionPeriod

from .conftest import persona
from .utils import page_text

pytestmark = pytest.mark.django_db

DINAN, QUEVERT, BREST = "22050", "22259", "29019"
TODAY = timezone.localdate()


@pytest.fixture
def line(cls_dinan):
    return Line.objects.create(name="Numéro vert du Pays de Dinan", cls=cls_dinan, number="+33261910250", hours="De 9 h à 19 h")


@pytest.fixture
def line_brest(cls_brest):
    return Line.objects.create(name="Numéro vert du Pays de Brest", cls=cls_brest, number="+33261910290", hours="De 9 h à 18 h")


@pytest.fixture
def operator(line):
    return persona(Role.HOTLINE_OPERATOR, "ecoutant.dinan@exemple.fr", line=line)


@pytest.fixture
def other_operator(line):
    return persona(Role.HOTLINE_OPERATOR, "ecoutante2.dinan@exemple.fr", line=line)


@pytest.fixture
def operator_brest(line_brest):
    return persona(Role.HOTLINE_OPERATOR, "ecoutant.brest@exemple.fr", line=line_brest)


def call_data(**changes):
    data = {
        "commune": "Dinan (22050)",
        "caller_kind": "personne",
        "reasons": ["mesures"],
        "referral": "aucune",
        "answer": "Attestation expliquée.",
    }
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def log_url(line):
    return reverse("hotline:log", args=[line.public_id])


def faq_entry(question="Puis-je sortir le soir ?", answer="Oui, pour aider un proche.", **fields):
    values = {
        "theme": Reason.MEASURES,
        "state": FaqState.VALIDATED,
        "validated_at": timezone.now(),
        "valid_from": TODAY - datetime.timedelta(days=3),
    }
    values.update(fields)
    entry = FaqEntry.objects.create(question=question, answer=answer, **values)
    entry.refresh_search_text()
    FaqEntry.objects.filter(pk=entry.pk).update(search_text=entry.search_text)
    return entry


# Lines and who opens them.


def test_a_coordinator_opens_a_line_for_their_cls_only(login, coordinator_dinan, cls_dinan, cls_brest):
    client = login(coordinator_dinan)
    page = client.get(reverse("hotline:line_create"))
    assert page.status_code == 200 and cls_dinan.name in page_text(page) and cls_brest.name not in page_text(page)
    data = {
        "name": "Ligne d’écoute",
        "territory": f"cls:{cls_brest.pk}",
        "number": "0800 35 35 35",
        "hours": "9 h – 19 h",
        "is_active": "on",
        "callback_attempts": "3",
    }
    refused = client.post(reverse("hotline:line_create"), data)
    assert refused.status_code == 400 and "n’est pas dans votre périmètre" in page_text(refused) and not Line.objects.exists()
    bad_number = client.post(reverse("hotline:line_create"), {**data, "territory": f"cls:{cls_dinan.pk}", "number": "12"})
    assert bad_number.status_code == 400 and "Saisissez un numéro valide" in page_text(bad_number)
    client.post(reverse("hotline:line_create"), {**data, "territory": f"cls:{cls_dinan.pk}"})
    line = Line.objects.get()
    assert line.cls == cls_dinan and line.commune is None and line.number.as_e164 == "+33800353535"


def test_a_ccas_manager_opens_a_line_for_their_commune(login, manager_dinan):
    client = login(manager_dinan)
    data = {
        "name": "Écoute du CCAS",
        "territory": f"commune:{DINAN}",
        "number": "02 61 91 00 50",
        "hours": "9 h – 12 h",
        "callback_attempts": "2",
    }
    assert client.post(reverse("hotline:line_create"), data).status_code == 302
    assert Line.objects.get().commune_id == DINAN


def test_elected_officials_and_operators_open_no_line(login, elected_dinan, operator, line):
    for user in (elected_dinan, operator):
        assert login(user).get(reverse("hotline:line_create")).status_code == 404
        assert login(user).get(reverse("hotline:line_edit", args=[line.public_id])).status_code == 404


def test_the_coordinator_grants_the_operator_role_on_their_lines_only(coordinator_dinan, manager_brest, line, line_brest):
    grants = Grants(coordinator_dinan)
    assert Role.HOTLINE_OPERATOR in grants.roles
    assert grants.allows(Role.HOTLINE_OPERATOR, {"line": line})
    assert not grants.allows(Role.HOTLINE_OPERATOR, {"line": line_brest})
    assert not Grants(manager_brest).allows(Role.HOTLINE_OPERATOR, {"line": line})


def test_an_operator_must_pass_a_second_factor(operator):
    assert operator.requires_second_factor


# Who reads what.


def test_the_log_is_for_the_line_s_operators_only(login, line, operator, operator_brest, coordinator_dinan, social_services_dinan):
    assert login(operator).get(log_url(line)).status_code == 200
    for user in (operator_brest, coordinator_dinan, social_services_dinan):
        assert login(user).get(log_url(line)).status_code == 404
        assert login(user).get(reverse("hotline:callbacks", args=[line.public_id])).status_code == 404


def test_figures_are_read_by_the_cls_team_and_the_ars_not_by_another_cls(
    login, line, coordinator_dinan, elected_dinan, delegation_22, delegation_56, coordinator_brest, ars_region
):
    url = reverse("hotline:figures", args=[line.public_id])
    for user in (coordinator_dinan, elected_dinan, delegation_22, ars_region):
        assert login(user).get(url).status_code == 200
    for user in (coordinator_brest, delegation_56):
        assert login(user).get(url).status_code == 404


def test_a_deactivated_operator_loses_the_log_at_once(login, line, operator):
    client = login(operator)
    assert client.get(log_url(line)).status_code == 200
    operator.memberships.update(is_active=False)
    assert client.get(log_url(line)).status_code == 404


def test_a_closed_line_keeps_no_log(login, line, operator):
    Line.objects.filter(pk=line.pk).update(is_active=False)
    assert login(operator).get(log_url(line)).status_code == 404


# The call log.


def test_an_anonymous_call_is_logged_with_no_identity(login, line, operator):
    response = login(operator).post(log_url(line), call_data(), follow=True)
    assert "Appel enregistré." in page_text(response)
    call = Call.objects.get()
    assert call.commune_id == DINAN and call.operator == operator and call.reasons == reason_bits([Reason.MEASURES])
    assert not Callback.objects.exists() and not AidRequest.objects.exists() and not RegistrationProposal.objects.exists()
    identity = {field.name for field in Call._meta.get_fields()} & {"phone", "first_name", "last_name", "name", "address", "email"}
    assert identity == set()


@pytest.mark.parametrize(
    ("typed", "expected"),
    [("Quévert", QUEVERT), ("quevert", QUEVERT), (QUEVERT, QUEVERT), ("Brest (29019)", BREST), ("", None)],
)
def test_the_caller_s_commune_is_typed_as_it_comes(login, line, operator, typed, expected):
    assert login(operator).post(log_url(line), call_data(commune=typed)).status_code == 302
    assert Call.objects.get().commune_id == expected


def test_bad_input_is_explained_and_kept(login, line, operator):
    client = login(operator)
    ambiguous = client.post(log_url(line), call_data(commune="22100", answer="Réponse gardée"))
    assert (
        ambiguous.status_code == 400
        and "Plusieurs communes correspondent" in page_text(ambiguous)
        and "Réponse gardée" in page_text(ambiguous)
    )
    unknown = client.post(log_url(line), call_data(commune="Paris"))
    assert unknown.status_code == 400 and "Commune inconnue en Bretagne" in page_text(unknown)
    no_reason = client.post(log_url(line), call_data(reasons=None))
    assert no_reason.status_code == 400 and "Cochez au moins un motif." in page_text(no_reason)
    assert "Cet accord est nécessaire" not in page_text(no_reason)  # the parts not ticked are not checked
    too_long = client.post(log_url(line), call_data(answer="x" * 1001))
    assert too_long.status_code == 400
    no_service = client.post(log_url(line), call_data(referral="service"))
    assert no_service.status_code == 400 and "Choisissez le service" in page_text(no_service)
    script = client.post(log_url(line), call_data(commune="<script>alert(1)</script>"))
    assert script.status_code == 400 and "<script>alert(1)</script>" not in script.content.decode()
    assert not Call.objects.exists()


def test_a_double_submitted_call_is_logged_once(login, line, operator):
    client = login(operator)
    token = "7d3c1f0e-2b9a-4c55-8e1d-0f6a2b3c4d5e"
    for _ in range(2):
        assert client.post(log_url(line), call_data(submission_token=token)).status_code == 302
    assert Call.objects.count() == 1


def service_of(organisation, name, *communes):
    from mobilisation.directory.models import Service

    item = Service.objects.create(organisation=organisation, name=name, description="Des colis chaque semaine.")
    item.zone_communes.set(communes or [DINAN])
    return item


@pytest.fixture
def grocery():
    from mobilisation.directory.models import Organisation, OrganisationKind

    return Organisation.objects.create(name="Épicerie solidaire", kind=OrganisationKind.ASSOCIATION, department_id="22")


def panel_url(line, **params):
    return reverse("hotline:service_panel", args=[line.public_id]) + "?" + urlencode(params)


def radios(response):
    """{value: label} of the service radios a page or fragment offers."""
    html = response.content.decode()
    labels = dict(re.findall(r'<label class="fr-label" for="service-([^"]+)">([^<]+)</label>', html))
    return {value: labels[key] for key, value in re.findall(r'id="service-([^"]+)" name="service" value="([^"]*)"', html)}


def test_a_call_oriented_to_a_service_of_the_line_s_area(login, line, operator, grocery):
    here = service_of(grocery, "Colis alimentaires")
    away = service_of(grocery, "Colis à Brest", BREST)
    client = login(operator)
    page = client.get(log_url(line))
    assert "1 service de l’annuaire sert le territoire de la ligne" in page_text(page)
    assert radios(page) == {"": "Aucun"}  # nothing listed before a search
    found = client.get(panel_url(line, q="colis"))
    assert radios(found) == {"": "Aucun", str(here.pk): "Colis alimentaires (Épicerie solidaire)"}  # Brest is not the line's
    refused = client.post(log_url(line), call_data(referral="service", service=str(away.pk)))
    assert refused.status_code == 400 and "ne sert pas le territoire" in page_text(refused)
    client.post(log_url(line), call_data(referral="service", service=str(here.pk)))
    assert Call.objects.get().service == here


def test_the_services_offered_are_those_of_the_caller_s_commune_matching_the_words_typed(login, line, operator, grocery):
    from mobilisation.directory.models.services import ServiceStatus

    in_dinan = service_of(grocery, "Épicerie à domicile", DINAN)
    in_quevert = service_of(grocery, "Portage de repas", QUEVERT)
    closed = service_of(grocery, "Épicerie fermée", DINAN)
    closed.status = ServiceStatus.CLOSED
    closed.save()
    client = login(operator)
    assert set(radios(client.get(panel_url(line, commune="Dinan (22050)")))) == {"", str(in_dinan.pk)}
    assert set(radios(client.get(panel_url(line, commune="22259")))) == {"", str(in_quevert.pk)}
    accents = client.get(panel_url(line, q="EPICERIE domicile"))
    assert set(radios(accents)) == {"", str(in_dinan.pk)} and "1 service correspond." in page_text(accents)
    by_organisation = client.get(panel_url(line, q="solidaires"))  # a word of the organisation, a plural's s
    assert set(radios(by_organisation)) == {"", str(in_dinan.pk), str(in_quevert.pk)}
    none = client.get(panel_url(line, q="piscine", commune="Dinan"))
    assert radios(none) == {"": "Aucun"} and "Aucun service de la ligne ne correspond pour Dinan" in page_text(none)
    chosen = client.get(panel_url(line, q="piscine", service=str(in_quevert.pk)))  # the service chosen stays offered
    html = chosen.content.decode()
    assert set(radios(chosen)) == {"", str(in_quevert.pk)} and f'value="{in_quevert.pk}" checked' in html
    for junk in ({"commune": "<script>", "service": "abc"}, {"q": "x" * 500, "service": "99999999"}):
        assert client.get(panel_url(line, **junk)).status_code == 200


def test_the_services_offered_are_at_most_twenty_and_say_how_many_match(login, line, operator, grocery):
    for index in range(25):
        service_of(grocery, f"Colis numéro {index:02d}")
    client = login(operator)
    with CaptureQueriesContext(connection) as queries:
        page = client.get(panel_url(line, q="colis", commune="Dinan"))
    assert len(radios(page)) == 21 and "25 services correspondent pour Dinan : les 20 premiers sont affichés" in page_text(page)
    for index in range(25, 60):
        service_of(grocery, f"Colis numéro {index:02d}")
    with CaptureQueriesContext(connection) as more:
        client.get(panel_url(line, q="colis", commune="Dinan"))
    assert len(more) == len(queries)


def test_the_service_panel_is_for_the_line_s_operators_only(login, client, line, operator_brest, coordinator_dinan):
    for user in (operator_brest, coordinator_dinan):
        assert login(user).get(panel_url(line, q="colis")).status_code == 404
    client.logout()
    assert client.get(panel_url(line, q="colis")).status_code == 302


def test_searching_services_without_scripts_keeps_the_call_and_saves_nothing(login, line, operator, grocery):
    parcels = service_of(grocery, "Colis alimentaires")
    client = login(operator)
    data = call_data(reasons=None, answer="Réponse en cours", service_search="colis", chercher_service="1")
    page = client.post(log_url(line), data)
    assert page.status_code == 200 and str(parcels.pk) in radios(page)
    text = page_text(page)
    assert "Réponse en cours" in text and "Cochez au moins un motif." not in text and "n’est pas enregistré" not in text
    assert not Call.objects.exists()
    client.post(log_url(line), call_data(service=str(parcels.pk)))  # chosen, the orientation left at « aucune »
    call = Call.objects.get()
    assert call.service == parcels and call.referral == "service"


def test_the_log_s_services_and_answers_are_read_once_per_change(login, line, operator, settings, grocery):
    """Thousands of services at a crisis's height: they are read from the cache as the operator searches, a new
    service or answer shows at once, and the service chosen stays chosen when the call is refused."""
    settings.PAGE_CACHE_SECONDS = 3600
    parcels = service_of(grocery, "Colis alimentaires")
    client = login(operator)
    client.get(log_url(line))
    client.get(panel_url(line, q="colis"))
    with CaptureQueriesContext(connection) as queries:
        page = client.get(log_url(line)).content.decode()
        found = client.get(panel_url(line, q="colis"))
    assert str(parcels.pk) in radios(found)
    assert not [query for query in queries if 'FROM "directory_service"' in query["sql"]]  # (the recent calls join it)
    tokens = {
        re.search(r'name="submission_token" value="([^"]+)"', html).group(1) for html in (page, client.get(log_url(line)).content.decode())
    }
    assert len(tokens) == 2  # the fields come from the cache, each form keeps its own submission token
    meals = service_of(grocery, "Repas livrés")
    entry = faq_entry(question="Les marchés sont-ils ouverts ?")
    assert radios(client.get(panel_url(line, q="repas"))) == {"": "Aucun", str(meals.pk): "Repas livrés (Épicerie solidaire)"}
    assert f'<option value="{entry.pk}">Les marchés sont-ils ouverts ?' in client.get(log_url(line)).content.decode()
    refused = client.post(log_url(line), call_data(referral="service", service=str(meals.pk), reasons=None))
    assert refused.status_code == 400 and "Cochez au moins un motif." in page_text(refused)
    assert f'value="{meals.pk}" checked' in refused.content.decode()
    assert not Call.objects.exists()


def help_data(**changes):
    data = call_data(
        reasons=["aide"],
        wants_help="on",
        **{
            "aide-kind": "courses",
            "aide-urgency": "48h",
            "aide-periods": ["0"],
            "aide-requester": "la-personne",
            "aide-first_name": "Marie",
            "aide-last_name": "Jaouen",
            "aide-phone": "02 61 91 00 77",
            "aide-address": "3 rue de la Poissonnerie",
            "aide-consent": "on",
        },
    )
    data.update(changes)
    return {key: value for key, value in data.items() if value is not None}


def test_a_call_creates_a_request_for_help_with_the_caller_s_consent(login, line, operator):
    client = login(operator)
    refused = client.post(log_url(line), help_data(**{"aide-consent": None}))
    assert refused.status_code == 400 and "Cet accord est nécessaire" in page_text(refused)
    assert not Call.objects.exists() and not AidRequest.objects.exists()
    no_commune = client.post(log_url(line), help_data(commune=""))
    assert no_commune.status_code == 400 and "a besoin de la commune" in page_text(no_commune)
    response = client.post(log_url(line), help_data(), follow=True)
    assert "demande d’aide transmise" in page_text(response)
    request = AidRequest.objects.get()
    assert request.source == RequestSource.HOTLINE and request.commune_id == DINAN and request.created_by == operator
    assert Call.objects.get().aid_request == request


def test_help_parts_not_ticked_are_not_read(login, line, operator):
    """A request's fields half filled, its box unticked: the call is logged, nothing else."""
    assert login(operator).post(log_url(line), help_data(wants_help=None, **{"aide-phone": "12"})).status_code == 302
    assert Call.objects.count() == 1 and not AidRequest.objects.exists()


def proposal_data(**changes):
    data = call_data(
        wants_registration="on",
        **{
            "registre-first_name": "Marcel",
            "registre-last_name": "Morvan",
            "registre-birth_date": "1940-02-11",
            "registre-phone": "02 61 91 00 42",
            "registre-address": "3 place Du Guesclin",
            "registre-consent": "on",
        },
    )
    data.update(changes)
    return data


def test_a_proposal_of_registration_goes_to_the_ccas_of_the_commune_only(
    login, line, operator, social_services_dinan, social_services_brest, coordinator_dinan, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        assert login(operator).post(log_url(line), proposal_data()).status_code == 302
    proposal = RegistrationProposal.objects.get()
    assert proposal.commune_id == DINAN and proposal.last_name == "Morvan" and proposal.state == ProposalState.NEW
    told = [message for message in mail.outbox if "proposition d’inscription" in message.subject]
    assert told and social_services_dinan.email in told[0].to and "Morvan" not in told[0].body
    url = reverse("hotline:proposal", args=[proposal.public_id])
    assert login(social_services_dinan).get(url).status_code == 200
    for user in (social_services_brest, coordinator_dinan, operator):
        assert login(user).get(url).status_code == 404


def test_a_declined_proposal_is_erased(login, line, operator, social_services_dinan):
    login(operator).post(log_url(line), proposal_data())
    proposal = RegistrationProposal.objects.get()
    client = login(social_services_dinan)
    client.post(reverse("hotline:proposal", args=[proposal.public_id]), {"action": "decline"})
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.DECLINED and proposal.decided_by == social_services_dinan
    assert (proposal.first_name, proposal.last_name, proposal.birth_date, str(proposal.phone), proposal.address) == ("", "", None, "", "")
    again = client.post(reverse("hotline:proposal", args=[proposal.public_id]), {"action": "decline"}, follow=True)
    assert "déjà été traitée" in page_text(again)


def test_registering_a_proposal_prefills_the_register_and_closes_it(login, line, operator, social_services_dinan):
    from mobilisation.followup.models import Person

    from .test_followup_register import form_data

    login(operator).post(log_url(line), proposal_data())
    proposal = RegistrationProposal.objects.get()
    client = login(social_services_dinan)
    url = reverse("followup:create") + f"?proposition={proposal.public_id}"
    page = client.get(url)
    assert page.status_code == 200 and 'value="Morvan"' in page.content.decode() and "Proposition du numéro vert" in page_text(page)
    assert client.post(url, form_data()).status_code == 302
    assert Person.objects.filter(last_name="Morvan").exists()
    proposal.refresh_from_db()
    assert proposal.state == ProposalState.REGISTERED and proposal.last_name == ""
    assert client.get(url).status_code == 404  # nothing left to register from


# Callbacks.


def test_a_missed_call_waits_in_the_queue_its_number_hidden_until_taken(login, line, operator):
    client = login(operator)
    bad = client.post(reverse("hotline:missed", args=[line.public_id]), {"phone": "12"})
    assert bad.status_code == 400 and "numéro de téléphone valide" in page_text(bad)
    client.post(reverse("hotline:missed", args=[line.public_id]), {"phone": "02 61 91 00 99", "first_name": "Madame K"})
    callback = Callback.objects.get()
    assert callback.origin == CallbackOrigin.MISSED and callback.state == CallbackState.OPEN
    queue = client.get(reverse("hotline:callbacks", args=[line.public_id]))
    assert "Madame K" in page_text(queue) and "02 61 91 00 99" not in page_text(queue)
    detail = client.post(callback.get_absolute_url(), {"action": "take"}, follow=True)
    assert "02 61 91 00 99" in page_text(detail)


def test_of_two_operators_taking_one_callback_exactly_one_gets_it(login, line, operator, other_operator):
    callback = services.record_missed(line=line, by=operator, phone="+33261910099")
    assert services.claim(callback=callback, by=operator) is True
    assert services.claim(callback=callback, by=other_operator) is False
    second = login(other_operator).get(callback.get_absolute_url())
    assert "Un autre écoutant a pris ce rappel" in page_text(second) and "02 61 91 00 99" not in page_text(second)
    later = timezone.now() + datetime.timedelta(minutes=16)
    assert services.claim(callback=callback, by=other_operator, now=later) is True  # the first claim has expired


def test_a_callback_not_answered_is_tried_again_then_closed_and_erased(line, operator):
    callback = services.record_missed(line=line, by=operator, phone="+33261910099", first_name="K")
    now = timezone.now()
    for attempt in range(1, 4):
        assert services.claim(callback=callback, by=operator, now=now)
        done = services.callback_outcome(callback=callback, by=operator, outcome=CallbackOutcome.NO_ANSWER, now=now)
        assert done.attempts == attempt
        now = done.due_at if done.state == CallbackState.OPEN else now
    assert done.state == CallbackState.UNREACHED and str(done.phone) == "" and done.first_name == ""


def test_an_outcome_without_the_claim_changes_nothing(login, line, operator, other_operator):
    callback = services.record_missed(line=line, by=operator, phone="+33261910099")
    services.claim(callback=callback, by=operator)
    response = login(other_operator).post(callback.get_absolute_url(), {"action": "outcome", "outcome": "faux-numero"}, follow=True)
    assert "n’est plus le vôtre" in page_text(response)
    callback.refresh_from_db()
    assert callback.state == CallbackState.OPEN and callback.phone.as_e164 == "+33261910099"


def test_calling_back_logs_a_call_and_closes_the_callback(login, line, operator):
    callback = services.record_missed(line=line, by=operator, phone="+33261910099", note="Question sur le couvre-feu")
    client = login(operator)
    client.post(callback.get_absolute_url(), {"action": "take"})
    page = client.get(log_url(line) + f"?rappel={callback.public_id}")
    assert "Vous rappelez" in page_text(page) and "Question sur le couvre-feu" in page_text(page)
    client.post(log_url(line), {**call_data(), "rappel_de": str(callback.public_id)})
    callback.refresh_from_db()
    assert callback.state == CallbackState.DONE and str(callback.phone) == "" and callback.note == ""
    assert Call.objects.get().callback_of == callback


def test_a_call_may_promise_a_callback(login, line, operator):
    data = call_data(wants_callback="on", **{"rappel-phone": "02 61 91 00 11", "rappel-note": "Rappeler avec l’adresse du centre"})
    assert login(operator).post(log_url(line), data).status_code == 302
    callback = Callback.objects.get()
    assert callback.origin == CallbackOrigin.PROMISED and callback.call == Call.objects.get()


def test_callbacks_left_open_a_week_are_closed_and_erased(line, operator):
    old = services.record_missed(line=line, by=operator, phone="+33261910099", at=timezone.now() - datetime.timedelta(days=8))
    fresh = services.record_missed(line=line, by=operator, phone="+33261910098")
    assert services.close_stale_callbacks() == 1
    old.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == CallbackState.UNREACHED and str(old.phone) == "" and fresh.state == CallbackState.OPEN


# The FAQ.


def faq_form(**changes):
    data = {
        "question": "Puis-je rendre visite à ma mère en EHPAD ?",
        "theme": "mesures",
        "answer": "Oui, sur rendez-vous, masqué.",
        "keywords": "visite établissement",
        "valid_from": TODAY.isoformat(),
        "valid_until": "",
        "variantes-TOTAL_FORMS": "2",
        "variantes-INITIAL_FORMS": "0",
        "variantes-MIN_NUM_FORMS": "0",
        "variantes-MAX_NUM_FORMS": "3",
        "variantes-0-kind": "confinement",
        "variantes-0-answer": "Pendant le confinement, les visites sont suspendues sauf fin de vie.",
        "variantes-1-kind": "",
        "variantes-1-answer": "",
    }
    data.update(changes)
    return data


def test_the_ars_writes_and_validates_an_operator_proposes(login, ars_region, operator):
    login(ars_region).post(reverse("hotline:faq_create"), faq_form())
    entry = FaqEntry.objects.get()
    assert entry.state == FaqState.VALIDATED and entry.validated_by == ars_region and entry.variants.count() == 1
    login(operator).post(reverse("hotline:faq_create"), faq_form(question="Les marchés sont-ils ouverts ?"))
    proposed = FaqEntry.objects.get(question="Les marchés sont-ils ouverts ?")
    assert proposed.state == FaqState.PROPOSED and proposed.proposed_by == operator and proposed.validated_at is None
    assert proposed not in FaqEntry.objects.in_force()
    assert login(operator).get(reverse("hotline:faq_edit", args=[entry.public_id])).status_code == 404
    assert login(operator).post(reverse("hotline:faq_state", args=[proposed.public_id]), {"state": "validee"}).status_code == 404
    login(ars_region).post(reverse("hotline:faq_state", args=[proposed.public_id]), {"state": "validee"})
    proposed.refresh_from_db()
    assert proposed.state == FaqState.VALIDATED and proposed in FaqEntry.objects.in_force()


def test_faq_bad_input(login, ars_region):
    client = login(ars_region)
    backwards = client.post(reverse("hotline:faq_create"), faq_form(valid_until=(TODAY - datetime.timedelta(days=1)).isoformat()))
    assert backwards.status_code == 400 and "La fin de validité suit son début." in page_text(backwards)
    twice = client.post(reverse("hotline:faq_create"), faq_form(**{"variantes-1-kind": "confinement", "variantes-1-answer": "Autre."}))
    assert twice.status_code == 400
    assert not FaqEntry.objects.exists()


def test_answers_in_force_keep_to_their_dates(db):
    current = faq_entry()
    expired = faq_entry("Ancienne règle ?", valid_until=TODAY - datetime.timedelta(days=1))
    coming = faq_entry("Règle à venir ?", valid_from=TODAY + datetime.timedelta(days=2))
    withdrawn = faq_entry("Règle retirée ?", state=FaqState.WITHDRAWN)
    assert set(FaqEntry.objects.in_force()) == {current}
    assert {expired, coming, withdrawn}.isdisjoint(FaqEntry.objects.in_force())


def test_search_ignores_accents_case_and_plurals(db):
    fever = faq_entry("J’ai de la fièvre : que faire ?", "Appelez votre médecin traitant.", theme=Reason.SYMPTOMS)
    curfew = faq_entry("Les horaires du couvre-feu ?", "De 20 h à 6 h.", keywords="soir nuit")
    assert list(FaqEntry.objects.search("FIEVRE")) == [fever]
    assert list(FaqEntry.objects.search("medecins")) == [fever]
    assert list(FaqEntry.objects.search("Couvre feu le soir")) == [curfew]
    assert not FaqEntry.objects.search("vaccin").exists()


def test_the_variant_of_the_measure_in_force_is_read_where_it_applies(client, line, operator, login):
    entry = faq_entry(answer="Réponse générale.")
    FaqVariant.objects.create(entry=entry, kind=RestrictionKind.CURFEW, answer="Réponse sous couvre-feu.")
    measure = RestrictionPeriod.objects.create(
        kind=RestrictionKind.CURFEW,
        label="Couvre-feu des Côtes-d’Armor",
        scope=RestrictionScope.DEPARTMENT,
        department_id="22",
        start=TODAY,
    )
    public = reverse("hotline:public_faq")
    assert "Réponse sous couvre-feu." in page_text(client.get(public + f"?commune={DINAN}"))
    assert "Réponse générale." in page_text(client.get(public + f"?commune={BREST}"))
    assert "Réponse générale." in page_text(client.get(public))
    panel = login(operator).get(reverse("hotline:faq_panel", args=[line.public_id]) + "?fragment=1&commune=Brest (29019)")
    assert "Réponse générale." in page_text(panel)
    in_log = login(operator).get(log_url(line))
    assert "Réponse sous couvre-feu." in page_text(in_log)  # a line of the Côtes-d’Armor: its department's measures
    RestrictionPeriod.objects.filter(pk=measure.pk).update(end=TODAY - datetime.timedelta(days=1), start=TODAY - datetime.timedelta(days=5))
    assert "Réponse générale." in page_text(login(operator).get(log_url(line)))


def test_the_public_faq_shows_validated_answers_only(client, db):
    faq_entry("Question validée ?")
    faq_entry("Question proposée ?", state=FaqState.PROPOSED, validated_at=None)
    page = page_text(client.get(reverse("hotline:public_faq")))
    assert "Question validée ?" in page and "Question proposée ?" not in page
    searched = page_text(client.get(reverse("hotline:public_faq") + "?q=validee"))
    assert "Question validée ?" in searched


def test_a_proposal_is_not_read_by_other_operators(login, operator, other_operator):
    proposed = faq_entry("Question de l’écoutant ?", state=FaqState.PROPOSED, validated_at=None, proposed_by=operator)
    assert login(operator).get(proposed.get_absolute_url()).status_code == 200
    assert login(other_operator).get(proposed.get_absolute_url()).status_code == 404


# The portal, the figures, the plan.


def test_the_help_page_gives_the_line_s_number_and_hours(client, line):
    page = page_text(client.get(reverse("portal:help_commune", args=[DINAN])))
    assert "Numéro vert du Pays de Dinan" in page and "02 61 91 02 50" in page and "de 9 h à 19 h" in page
    assert "Numéro vert du Pays de Dinan" not in page_text(client.get(reverse("portal:help_commune", args=[BREST])))


def test_the_help_page_follows_a_line_closed(client, line):
    url = reverse("portal:help_commune", args=[DINAN])
    assert "02 61 91 02 50" in page_text(client.get(url))
    line.is_active = False
    line.save()
    assert "02 61 91 02 50" not in page_text(client.get(url))


def test_calls_count_into_the_linked_plan_action(line, operator, adopted):
    from mobilisation.core.indicators import computed_for

    line.plan_action = adopted
    line.save()
    for _ in range(6):
        services.log_call(line=line, operator=operator, call={"reasons": reason_bits([Reason.OTHER])})
    figures = dict(computed_for([adopted])[adopted.pk])
    assert str(figures["Appels répondus (numéro vert)"]) == "6"
    assert str(figures["Demandes d’aide transmises par le numéro vert"]) == "0"


def test_small_counts_by_commune_are_hidden_on_the_figures(login, line, operator, coordinator_dinan):
    services.log_call(line=line, operator=operator, call={"reasons": reason_bits([Reason.OTHER]), "commune_id": QUEVERT})
    page = page_text(login(coordinator_dinan).get(reverse("hotline:figures", args=[line.public_id])))
    assert "Quévert" in page and "< 5" in page


def test_the_pages_run_a_constant_number_of_queries(login, line, operator):
    client = login(operator)

    def count(url):
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        return len(queries)

    def add(index):
        services.log_call(line=line, operator=operator, call={"reasons": reason_bits([Reason.MEASURES]), "commune_id": DINAN})
        services.record_missed(line=line, by=operator, phone=f"+332619101{index:02d}")
        faq_entry(f"Question {index} ?")

    urls = [log_url(line), reverse("hotline:callbacks", args=[line.public_id]), reverse("hotline:figures", args=[line.public_id])]
    add(99)
    before = [count(url) for url in urls]
    for index in range(12):
        add(index)
    assert [count(url) for url in urls] == before
