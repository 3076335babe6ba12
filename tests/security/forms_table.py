"""Every form of the application, with data its user would send successfully and the kind of each field.

tests/security/test_input.py replaces one field at a time by malformed values of its kind (SECURITY.md 14).
"""

import datetime
from dataclasses import dataclass, field
from typing import Any

from django.contrib.auth.tokens import default_token_generator
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

from mobilisation.accounts import services as people
from mobilisation.accounts.tokens import invitation_token
from mobilisation.catalogue.models import Mobilisation, Modality, TargetPublic
from mobilisation.plans import services
from mobilisation.plans.models import CopilMeeting

from ..conftest import submittable
from ..factories import PASSWORD
from ..utils import second_factor_device

HUGE = "a" * 1_000_000  # 1 MB, under Django's 2.5 MB request ceiling: the form itself must refuse it
NUL = "Dinan\x00"
TOO_BIG_INT = "9" * 40

BAD_VALUES = {
    "text": [HUGE, NUL],
    "email": [HUGE, NUL, "pas-une-adresse"],
    "url": [HUGE, NUL, "javascript:alert(1)"],
    "date": ["2026-02-30", "31/02/2026", "99999-01-01", NUL],
    "amount": ["abc", "1e400", "NaN", "-Infinity", TOO_BIG_INT, NUL],
    "choice": ["inconnu", NUL, HUGE],
    "pk": [TOO_BIG_INT, "abc", "-1", NUL],
    "pks": [["abc"], [NUL], [TOO_BIG_INT]],
    "code": ["99", NUL, HUGE],
    "codes": [["99999"], [NUL]],
    "uuid": ["pas-un-uuid", NUL, HUGE],
    "int": ["abc", TOO_BIG_INT, NUL],
}


ENROLMENT_KEY = "3132333435363738393031323334353637383930"  # any 20 bytes: the page would offer a random key


def enrolment_data(user):
    """What the enrolment page sends: its signed key and the code an application shows for it now."""
    from mobilisation.accounts.second_factor import current_code, sign_secret

    return {"secret": sign_secret(ENROLMENT_KEY, user), "code": current_code(ENROLMENT_KEY)}


@dataclass
class FormCase:
    name: str
    persona: str
    url: Any  # world -> address of the form
    data: Any  # world -> data its user sends successfully
    fields: dict = field(default_factory=dict)  # field name -> kind of BAD_VALUES
    accepted: str = "writes"  # how a valid submission shows: "writes" (the database) or "mail"
    setup: Any = None  # world -> None, run once before the submissions
    prepare: Any = None  # (client, world) -> address to post to, when the form's address is reached by a redirect
    prefix: Any = None  # world -> the prefix of the form's field names, for the small forms of a page that holds several


def covid():
    return Mobilisation.objects.get(slug="covid19-2020")


def theme_b(world):
    return world["dinan"].plan.mobilisation.axes.get(code="B").themes.order_by("order").first()


def reset_confirm_url(world):
    user = world["users"]["coord_dinan"]
    return reverse(
        "accounts:password_reset_confirm", args=[urlsafe_base64_encode(force_bytes(user.pk)), default_token_generator.make_token(user)]
    )


def reset_form_url(client, world):
    """The link of the e-mail puts its token in the session and redirects to the form's own address."""
    response = client.get(reset_confirm_url(world))
    assert response.status_code == 302
    return response["Location"]


def cls_data(cls):
    return {
        "name": cls.name,
        "slug": cls.slug,
        "carrier_name": cls.carrier_name,
        "carrier_kind": cls.carrier_kind,
        "department": cls.department_id,
        "status": cls.status,
        "signature_date": cls.signature_date.isoformat() if cls.signature_date else "",
        "period": cls.period,
        "coordinator_name": "Claire Le Gall",
        "coordinator_email": "claire.legall@exemple.fr",
        "certainty": cls.certainty,
        "perimeter_certainty": cls.perimeter_certainty,
        "source_url": cls.source_url,
        "source_url_2": cls.source_url_2,
        "evidence": cls.evidence,
        "note": "Corrigé",
        "epcis": list(cls.epcis.values_list("siren", flat=True)),
        "extra_communes": "",
        "version": cls.updated_at.isoformat(),
    }


def fresh_cls(world):
    world["dinan"].cls.refresh_from_db()
    return world["dinan"].cls


def action_model_data(model):
    model.refresh_from_db()
    return {
        "title": model.title,
        "theme": model.theme_id,
        "description": model.description + " Précisé.",
        "modalities": [m.pk for m in model.modalities.all()],
        "publics": [p.pk for p in model.publics.all()],
        "partner_kinds": "\n".join(model.partner_kinds),
        "indicators": "\n".join(f"{i['name']} | {i.get('unit', '')}" for i in model.indicators),
        "lockdown_alternative": model.lockdown_alternative or "À distance.",
        "resources": [r.pk for r in model.resources.all()],
        "change_reason": "Précision",
        "revision_seen": model.revision,
    }


def mobilisation_data(mobilisation):
    mobilisation.refresh_from_db()
    return {
        "title": mobilisation.title,
        "summary": mobilisation.summary + " Mis à jour.",
        "start": mobilisation.start.isoformat(),
        "end": mobilisation.end.isoformat() if mobilisation.end else "",
        "status": mobilisation.status,
        "source_title": mobilisation.source_title,
        "source_publisher": mobilisation.source_publisher,
        "source_date": mobilisation.source_date.isoformat() if mobilisation.source_date else "",
        "seen_version": mobilisation.updated_at.isoformat(),
    }


def resource_data(resource):
    resource.refresh_from_db()
    return {
        "kind": resource.kind,
        "title": resource.title + " (mise à jour)",
        "description": resource.description,
        "url": resource.url,
        "is_funding_line": "on" if resource.is_funding_line else "",
        "seen_version": resource.updated_at.isoformat(),
    }


def action_data(world, **extra):
    side = world["dinan"]
    data = {
        "title": "Tournées solidaires",
        "description": "Visites des personnes isolées.",
        "theme": theme_b(world).pk,
        "publics": [TargetPublic.objects.order_by("pk").first().pk],
        "communes": ["22050"],
        "lead_organisation": side.organisation.pk,
        "start": "2026-12-01",
        "end": "2026-12-20",
        "modalities": [Modality.objects.get(code="presentiel").pk],
    }
    data.update(extra)
    return data


def edited_action_data(world):
    action = world["dinan"].action
    action.refresh_from_db()
    return action_data(world, title="Action précisée", version_seen=action.version)


def service_data(world, **extra):
    data = {
        "name": "Portage de repas",
        "description": "Un repas chaud livré chaque midi.",
        "status": "ouvert",
        "thematiques": ["equipement-et-alimentation--alimentation"],
        "publics": ["seniors"],
        "fee": "gratuit",
        "reception_modes": ["a-domicile"],
        "modalities": [Modality.objects.get(code="distribution").pk],
        "zone_communes": ["22050"],
        "phone": "02 61 91 02 10",
        "email": "repas@exemple.fr",
        "link": "https://exemple.fr/repas",
        "checked_on": datetime.date.today().isoformat(),
        "hours_0_0_start": "11:00",
        "hours_0_0_end": "13:00",
    }
    data.update(extra)
    return data


def organisation_data(world, **extra):
    data = {
        "name": "Association Bien vieillir en Rance",
        "kind": "association",
        "department": "22",
        "communes": ["22050"],
        "email": "contact@exemple.fr",
        "phone": "02 96 00 00 00",
        "website": "https://exemple.fr/",
    }
    data.update(extra)
    return data


def edited_organisation_data(world):
    organisation = world["dinan"].organisation
    organisation.refresh_from_db()
    return organisation_data(world, name="Association renommée", seen_version=organisation.updated_at.isoformat())


def grant(world):
    side = world["dinan"]
    services.instruct_funding(funding=side.funding, to="accordee", amount_granted=500, by=world["users"]["dd22"])


def plan_url(name):
    return lambda world: reverse(name, args=[world["dinan"].plan.public_id])


def action_url(name):
    return lambda world: reverse(name, args=[world["dinan"].action.public_id])


def funding_url(name):
    return lambda world: reverse(name, args=[world["dinan"].funding.public_id])


def indicator_url(name):
    return lambda world: reverse(name, args=[world["dinan"].action.public_id, world["dinan"].indicator.pk])


def elected_membership(world):
    membership = world["users"]["elected_dinan"].memberships.get()
    membership.refresh_from_db()
    return membership


def invited(world):
    """An account invited by Dinan's coordinator, whose link is the form's address."""
    invitation = people.invite_person(
        by=world["users"]["coord_dinan"],
        email="invitee@exemple.fr",
        first_name="Rozenn",
        last_name="Kerjean",
        role="elected_official",
        scope={"cls": world["dinan"].cls},
    )
    world["invited"] = invitation.user


def invitation_url(world):
    user = world["invited"]
    user.refresh_from_db()
    return reverse("people:accept_invitation", args=[user.public_id, invitation_token.make_token(user)])


TEXT = "text"
STAY_KINDS = {
    "place": "pk",
    "arrival": "date",
    "departure": "date",
    "people": "int",
    "requester": "choice",
    "first_name": TEXT,
    "last_name": TEXT,
    "phone": TEXT,
    "email": "email",
}


def stay_data(w):
    today = datetime.date.today()
    return {
        "place": w["housing"]["place"].pk,
        "arrival": today.isoformat(),
        "departure": (today + datetime.timedelta(days=5)).isoformat(),
        "people": "2",
        "requester": "la-personne",
        "first_name": "Erwan",
        "last_name": "Cadiou",
        "phone": "02 61 91 00 91",
        "consent": "on",
    }


FORMS = [
    FormCase(
        "connexion",
        "anon",
        lambda w: reverse("accounts:login"),
        lambda w: {"username": "coordination.dinan@exemple.fr", "password": PASSWORD},
        {"username": "email", "password": TEXT},
    ),
    FormCase(
        "mot de passe oublié",
        "anon",
        lambda w: reverse("accounts:password_reset"),
        lambda w: {"email": "coordination.dinan@exemple.fr"},
        {"email": "email"},
        accepted="mail",
    ),
    FormCase(
        "nouveau mot de passe",
        "anon",
        reset_confirm_url,
        lambda w: {"new_password1": "Nouveau-Mot-de-passe-2026", "new_password2": "Nouveau-Mot-de-passe-2026"},
        {"new_password1": TEXT, "new_password2": TEXT},
        prepare=reset_form_url,
    ),
    FormCase(
        "changer de mot de passe",
        "coord_dinan",
        lambda w: reverse("accounts:password_change"),
        lambda w: {"old_password": PASSWORD, "new_password1": "Nouveau-Mot-de-passe-2026", "new_password2": "Nouveau-Mot-de-passe-2026"},
        {"old_password": TEXT, "new_password1": TEXT},
    ),
    FormCase(
        "jeton d’API",
        "coord_dinan",
        lambda w: reverse("accounts:tokens"),
        lambda w: {"name": "tableur", "expires_in_days": "30"},
        {"name": TEXT, "expires_in_days": "choice"},
    ),
    FormCase(
        "ajouter un CLS",
        "ars",
        lambda w: reverse("contracts:create"),
        lambda w: {
            "name": "CLS de Lannion-Trégor Communauté",
            "slug": "lannion-tregor",
            "carrier_name": "Lannion-Trégor Communauté",
            "carrier_kind": "epci",
            "department": "22",
            "status": "en_elaboration",
            "signature_date": "2024-03-01",
            "certainty": "probable",
            "perimeter_certainty": "explicite",
            "epcis": ["200065928"],
            "extra_communes": "22016",
            "evidence": "Délibération",
        },
        {
            "name": TEXT,
            "slug": "text",
            "carrier_kind": "choice",
            "department": "code",
            "signature_date": "date",
            "coordinator_email": "email",
            "source_url": "url",
            "evidence": TEXT,
            "note": TEXT,
            "epcis": "codes",
            "extra_communes": TEXT,
        },
    ),
    FormCase(
        "corriger un CLS",
        "ars",
        lambda w: reverse("contracts:edit", args=[w["dinan"].cls.public_id]),
        lambda w: cls_data(fresh_cls(w)),
        {"name": TEXT, "status": "choice", "department": "code", "signature_date": "date", "evidence": TEXT, "note": TEXT, "version": TEXT},
    ),
    FormCase(
        "lancer une mobilisation",
        "ars",
        lambda w: reverse("catalogue:new_mobilisation"),
        lambda w: {"title": "Canicule 2027", "slug": "canicule-2027", "start": "2027-06-01", "copy_of": ""},
        {"title": TEXT, "slug": TEXT, "start": "date", "copy_of": "pk"},
    ),
    FormCase(
        "modifier une mobilisation",
        "ars",
        lambda w: reverse("catalogue:edit_mobilisation", args=["covid19-2020"]),
        lambda w: mobilisation_data(covid()),
        {"title": TEXT, "summary": TEXT, "start": "date", "end": "date", "status": "choice", "seen_version": TEXT},
    ),
    FormCase(
        "ajouter une ressource",
        "ars",
        lambda w: reverse("catalogue:new_resource", args=["covid19-2020"]),
        lambda w: {"kind": "humain", "title": "Réserve sanitaire", "description": "Renforts.", "url": "https://exemple.fr/"},
        {"kind": "choice", "title": TEXT, "description": TEXT, "url": "url"},
    ),
    FormCase(
        "modifier une ressource",
        "ars",
        lambda w: reverse("catalogue:edit_resource", args=["covid19-2020", w["dinan"].funding.funding_line.slug]),
        lambda w: resource_data(w["dinan"].funding.funding_line),
        {"title": TEXT, "description": TEXT, "url": "url", "seen_version": TEXT},
    ),
    FormCase(
        "ajouter un modèle d’action",
        "ars",
        lambda w: reverse("catalogue:new_action_model", args=["covid19-2020"]),
        lambda w: {
            "title": "Ligne d’écoute des aidants",
            "theme": theme_b(w).pk,
            "description": "Écoute.",
            "indicators": "Appels | appels",
        },
        {"title": TEXT, "theme": "pk", "description": TEXT, "modalities": "pks", "partner_kinds": TEXT, "indicators": TEXT},
    ),
    FormCase(
        "modifier un modèle d’action",
        "ars",
        lambda w: reverse("catalogue:edit_action_model", args=["covid19-2020", w["dinan"].action.action_model.slug]),
        lambda w: action_model_data(w["dinan"].action.action_model),
        {"description": TEXT, "lockdown_alternative": TEXT, "publics": "pks", "resources": "pks", "revision_seen": "int"},
    ),
    FormCase(
        "diagnostic",
        "coord_dinan",
        plan_url("plans:diagnosis"),
        lambda w: {"needs": "Isolement des aînés.", "priority_communes": ["22050"], "version_seen": w["dinan"].plan.version},
        {"needs": TEXT, "priority_publics": "pks", "priority_communes": "codes", "version_seen": "int"},
        setup=lambda w: w["dinan"].plan.refresh_from_db(),
    ),
    FormCase(
        "statut du plan",
        "coord_dinan",
        plan_url("plans:move"),
        lambda w: {"status": "soumis"},
        {"status": "choice"},
        setup=lambda w: submittable(w["dinan"].plan, w["users"]["coord_dinan"]),
    ),
    FormCase(
        "chiffre du diagnostic",
        "coord_dinan",
        plan_url("plans:add_figure"),
        lambda w: {
            "label": "Bénéficiaires de la PCH",
            "value": "1 250",
            "unit": "personnes",
            "source": "Département",
            "as_of": "2026-01-01",
        },
        {"label": TEXT, "value": "amount", "unit": TEXT, "source": TEXT, "as_of": "date"},
    ),
    FormCase(
        "fiche action du CLS",
        "coord_dinan",
        plan_url("plans:existing_actions"),
        lambda w: {"reference": "2.3", "title": "Prévention des chutes", "priority": "Axe 2", "description": "Ateliers."},
        {"reference": TEXT, "title": TEXT, "description": TEXT},
    ),
    FormCase(
        "réunion du COPIL",
        "coord_dinan",
        plan_url("plans:copil"),
        lambda w: {
            "date": "2026-01-20",
            "attendees": "Hervé Le Gall, président\nClaire Dinan, coordinatrice",
            "notes": "Relevé",
            "adopted_actions": [w["dinan"].action.pk],
        },
        {"date": "date", "attendees": TEXT, "notes": TEXT, "adopted_actions": "pks", "present_users": "pks"},
    ),
    FormCase(
        "prévoir un COPIL",
        "coord_dinan",
        plan_url("plans:schedule_copil"),
        lambda w: {
            "date": "2099-03-01",
            "time": "18:00",
            "place": "Mairie",
            "agenda": "Bilan",
            "invited_users": [w["users"]["elected_dinan"].pk],
        },
        {"date": "date", "time": "date", "place": TEXT, "agenda": TEXT, "invited_users": "pks", "other_invitees": TEXT},
    ),
    FormCase(
        "décisions d’un COPIL prévu",
        "coord_dinan",
        lambda w: reverse("plans:hold_copil", args=[w["dinan"].plan.public_id, w["dinan"].scheduled.public_id]),
        lambda w: {"present_users": [w["users"]["coord_dinan"].pk], "attendees": "Hervé Le Gall, président", "notes": "Relevé"},
        {"present_users": "pks", "attendees": TEXT, "notes": TEXT, "rejected_actions": "pks"},
        setup=lambda w: CopilMeeting.objects.filter(pk=w["dinan"].scheduled.pk).update(date=datetime.date.today()),
    ),
    FormCase("message à l’ARS", "coord_dinan", plan_url("plans:post_message"), lambda w: {"body": "Pouvez-vous relire ?"}, {"body": TEXT}),
    FormCase(
        "créer une action",
        "coord_dinan",
        plan_url("plans:new_action"),
        action_data,
        {
            "title": TEXT,
            "description": TEXT,
            "theme": "pk",
            "communes": "codes",
            "lead_organisation": "pk",
            "start": "date",
            "end": "date",
            "modalities": "pks",
            "submission_token": "uuid",
        },
    ),
    FormCase(
        "modifier une action",
        "coord_dinan",
        action_url("plans:edit_action"),
        edited_action_data,
        {"title": TEXT, "partners": "pks", "end": "date", "version_seen": "int"},
    ),
    FormCase("état de l’action", "coord_dinan", action_url("plans:move_action"), lambda w: {"status": "en_cours"}, {"status": "choice"}),
    FormCase(
        "indicateur",
        "coord_dinan",
        action_url("plans:add_indicator"),
        lambda w: {"name": "Personnes appelées", "unit": "personnes", "target": "120"},
        {"name": TEXT, "unit": TEXT, "target": "amount"},
        prefix=lambda w: "indicateur-",
    ),
    FormCase(
        "point d’avancement",
        "coord_dinan",
        indicator_url("plans:add_progress"),
        lambda w: {"date": "2026-01-20", "value": "12", "comment": "Premier mois"},
        {"date": "date", "value": "amount", "comment": TEXT},
        prefix=lambda w: f"avancement-{w['dinan'].indicator.pk}-",
    ),
    FormCase(
        "cible d’indicateur",
        "coord_dinan",
        indicator_url("plans:set_target"),
        lambda w: {"target": "250"},
        {"target": "amount"},
        prefix=lambda w: f"cible-{w['dinan'].indicator.pk}-",
    ),
    FormCase(
        "ligne de budget",
        "coord_dinan",
        action_url("plans:add_budget_line"),
        lambda w: {"kind": "depense", "label": "Vacations", "amount": "450,50"},
        {"kind": "choice", "label": TEXT, "amount": "amount"},
        prefix=lambda w: "budget-",
    ),
    FormCase(
        "demande de financement",
        "coord_dinan",
        action_url("plans:ask_funding"),
        lambda w: {
            "funding_line": w["dinan"].funding.funding_line_id,
            "amount": "300",
            "justification": "Animateurs",
            "cofunding": "",
            "confirm_duplicate": "on",
        },
        {"funding_line": "pk", "amount": "amount", "justification": TEXT, "cofunding": TEXT, "submission_token": "uuid"},
    ),
    FormCase(
        "instruction d’une demande",
        "dd22",
        funding_url("plans:instruct_funding"),
        lambda w: {"status": "accordee", "amount_granted": "800", "comment": "Accord partiel"},
        {"status": "choice", "amount_granted": "amount", "refusal_reason": TEXT, "comment": TEXT},
    ),
    FormCase(
        "réouverture d’une décision",
        "dd22",
        funding_url("plans:reopen_funding"),
        lambda w: {"reason": "Erreur sur le montant"},
        {"reason": TEXT},
        setup=grant,
    ),
    FormCase("commentaire d’instruction", "dd22", funding_url("plans:comment_funding"), lambda w: {"body": "Pièce reçue."}, {"body": TEXT}),
    FormCase(
        "compte rendu d’utilisation",
        "coord_dinan",
        funding_url("plans:report_funding_usage"),
        lambda w: {"report": "200 heures d’animation."},
        {"report": TEXT},
        setup=grant,
    ),
    FormCase(
        "période de restriction",
        "ars",
        lambda w: reverse("plans:new_restriction"),
        lambda w: {
            "kind": "confinement",
            "label": "Confinement",
            "scope": "departement",
            "department": "22",
            "start": "2026-02-01",
            "end": "2026-02-28",
        },
        {
            "kind": "choice",
            "label": TEXT,
            "scope": "choice",
            "department": "code",
            "start": "date",
            "end": "date",
            "blocked_modalities": "pks",
        },
    ),
    FormCase(
        "mesure de communes",
        "ars",
        lambda w: reverse("plans:new_restriction"),
        lambda w: {"kind": "couvre_feu", "label": "Couvre-feu de Dinan", "scope": "communes", "communes": ["22050"], "start": "2026-02-01"},
        {"communes": "codes", "epcis": "codes", "scope": "choice"},
    ),
    FormCase(
        "corriger une période de restriction",
        "ars",
        lambda w: reverse("plans:edit_restriction", args=[w["restriction"].public_id]),
        lambda w: {
            "kind": "couvre_feu",
            "label": "Couvre-feu à 20 h",
            "scope": "departement",
            "department": "29",
            "start": "2026-01-01",
            "reason": "Précision",
        },
        {"label": TEXT, "reason": TEXT, "end": "date"},
    ),
    FormCase(
        "lever une mesure",
        "ars",
        lambda w: reverse("plans:lift_restriction", args=[w["restriction"].public_id]),
        lambda w: {"on": "2026-01-31", "reason": "Décret"},
        {"on": "date", "reason": TEXT},
    ),
    FormCase(
        "supprimer une période de restriction",
        "ars",
        lambda w: reverse("plans:delete_restriction", args=[w["restriction"].public_id]),
        lambda w: {"reason": "Saisie en double"},
        {"reason": TEXT},
    ),
    FormCase(
        "ajouter une organisation",
        "coord_dinan",
        lambda w: reverse("directory:create"),
        organisation_data,
        {"name": TEXT, "kind": "choice", "department": "code", "communes": "codes", "email": "email", "phone": TEXT, "website": "url"},
    ),
    FormCase(
        "modifier une organisation",
        "coord_dinan",
        lambda w: reverse("directory:edit", args=[w["dinan"].organisation.public_id]),
        edited_organisation_data,
        {"name": TEXT, "department": "code", "website": "url", "seen_version": TEXT},
    ),
    FormCase(
        "ajouter un service",
        "coord_dinan",
        lambda w: reverse("directory:service_create", args=[w["dinan"].organisation.public_id]),
        service_data,
        {
            "name": TEXT,
            "description": TEXT,
            "status": "choice",
            "thematiques": "codes",
            "publics": "codes",
            "fee": "choice",
            "modalities": "pks",
            "zone_communes": "codes",
            "zone_epcis": "codes",
            "commune": "code",
            "postal_code": TEXT,
            "latitude": "amount",
            "email": "email",
            "link": "url",
            "checked_on": "date",
            "hours_0_0_start": TEXT,
        },
    ),
    FormCase(
        "inviter une personne",
        "coord_dinan",
        lambda w: reverse("people:invite"),
        lambda w: {
            "email": "nouvelle.elue@exemple.fr",
            "first_name": "Annaïg",
            "last_name": "Le Meur",
            "role": "elected_official",
            "cls": w["dinan"].cls.pk,
        },
        {
            "email": "email",
            "first_name": TEXT,
            "last_name": TEXT,
            "role": "choice",
            "cls": "pk",
            "organisation": "pk",
            "submission_token": "uuid",
        },
        accepted="mail",
    ),
    FormCase(
        "inviter une personne (région)",
        "ars",
        lambda w: reverse("people:invite"),
        lambda w: {
            "email": "agent.ccas@exemple.fr",
            "first_name": "Loïc",
            "last_name": "Tanguy",
            "role": "social_services",
            "commune": "22050",
        },
        {"commune": "code", "epci": "code", "department": "code", "role": "choice"},
        accepted="mail",
    ),
    FormCase(
        "modifier un rattachement",
        "ars",
        lambda w: reverse("people:change_membership", args=[elected_membership(w).public_id]),
        lambda w: {
            "role": "cls_coordinator",
            "cls": w["dinan"].cls.pk,
            "reason": "Nouvelle coordinatrice",
            "seen_version": elected_membership(w).updated_at.isoformat(),
        },
        {"role": "choice", "cls": "pk", "reason": TEXT, "seen_version": TEXT},
    ),
    FormCase(
        "désactiver un rattachement",
        "coord_dinan",
        lambda w: reverse("people:deactivate_membership", args=[elected_membership(w).public_id]),
        lambda w: {"reason": "Fin de mandat"},
        {"reason": TEXT},
    ),
    FormCase(
        "désactiver un compte",
        "ars",
        lambda w: reverse("people:deactivate", args=[w["users"]["elected_dinan"].public_id]),
        lambda w: {"reason": "Départ"},
        {"reason": TEXT},
    ),
    FormCase(
        "mot de passe d’une invitation",
        "anon",
        invitation_url,
        lambda w: {"new_password1": "Nouveau-Mot-de-passe-2026", "new_password2": "Nouveau-Mot-de-passe-2026"},
        {"new_password1": TEXT, "new_password2": TEXT},
        setup=invited,
    ),
    FormCase(
        "configurer la double authentification",
        "coord_dinan",
        lambda w: reverse("accounts:second_factor_enrol"),
        lambda w: enrolment_data(w["users"]["coord_dinan"]),
        {"code": TEXT, "secret": TEXT},
    ),
    FormCase(
        "réinitialiser la double authentification",
        "ars",
        lambda w: reverse("people:reset_second_factor", args=[w["users"]["elected_dinan"].public_id]),
        lambda w: {"reason": "Téléphone perdu"},
        {"reason": TEXT},
        setup=lambda w: second_factor_device(w["users"]["elected_dinan"]),
    ),
    FormCase(
        "s’inscrire comme bénévole",
        "anon",
        lambda w: reverse("volunteers:sign_up", args=["22050"]),
        lambda w: {
            "first_name": "Yann",
            "last_name": "Le Gall",
            "email": "yann.legall@exemple.invalid",
            "phone": "02 61 91 00 01",
            "age_band": "18-29",
            "skills": ["courses"],
            "communes": ["22050"],
            "slot_0_1": "on",
            "message": "Disponible le soir.",
            "consent": "on",
            "charter": "on",
        },
        {
            "first_name": TEXT,
            "email": "email",
            "phone": TEXT,
            "age_band": "choice",
            "skills": "pks",
            "communes": "codes",
            "preferred_organisation": "pk",
            "message": TEXT,
        },
    ),
    FormCase(
        "demander de l’aide",
        "anon",
        lambda w: reverse("aid:ask", args=["22050"]),
        lambda w: {
            "kind": "courses",
            "urgency": "48h",
            "requester": "la-personne",
            "first_name": "Marie",
            "last_name": "Jaouen",
            "phone": "02 61 91 00 77",
            "address": "3 rue de la Poissonnerie",
            "details": "Pain et lait.",
            "consent": "on",
        },
        {
            "kind": "choice",
            "urgency": "choice",
            "periods": "pks",
            "requester": "choice",
            "first_name": TEXT,
            "phone": TEXT,
            "address": TEXT,
            "details": TEXT,
            "email": "email",
        },
    ),
    FormCase(
        "saisir une demande d’aide",
        "partner_dinan",
        lambda w: reverse("aid:new_request"),
        lambda w: {
            "commune": "22050",
            "kind": "repas",
            "urgency": "semaine",
            "requester": "la-personne",
            "first_name": "Jean",
            "last_name": "Le Bihan",
            "address": "12 place des Cordeliers",
            "consent": "on",
        },
        {"commune": "code", "kind": "choice", "first_name": TEXT, "address": TEXT, "phone": TEXT, "details": TEXT},
    ),
    FormCase(
        "demander un hébergement d’isolement",
        "anon",
        lambda w: reverse("housing:ask", args=["22050"]),
        lambda w: stay_data(w),
        STAY_KINDS,
    ),
    FormCase(
        "saisir une demande d’hébergement",
        "partner_dinan",
        lambda w: reverse("housing:new_stay", args=[w["housing"]["place"].public_id]),
        lambda w: stay_data(w),
        STAY_KINDS,
    ),
    FormCase(
        "compter l’entraide dans une action du plan",
        "partner_dinan",
        lambda w: reverse("aid:pools"),
        lambda w: {"organisation": w["dinan"].organisation.pk, "plan_action": w["dinan"].action.pk},
        {"organisation": "pk", "plan_action": "pk"},
    ),
    FormCase(
        "offrir un lieu d’hébergement",
        "partner_dinan",
        lambda w: reverse("housing:place_new"),
        lambda w: {
            "organisation": w["dinan"].organisation.pk,
            "name": "Studios des Tilleuls",
            "kind": "residence",
            "commune": "22050",
            "address": "5 avenue des Tilleuls",
            "capacity": "6",
            "is_active": "on",
        },
        {
            "organisation": "pk",
            "name": TEXT,
            "kind": "choice",
            "commune": "code",
            "address": TEXT,
            "capacity": "int",
            "conditions": TEXT,
            "phone": TEXT,
            "plan_action": "pk",
        },
    ),
    FormCase(
        "qualifier une demande d’aide",
        "partner_dinan",
        lambda w: reverse("aid:qualify", args=[w["aid_request"].public_id]),
        lambda w: {
            "organisation": w["dinan"].organisation.pk,
            "urgency": "48h",
            "wanted_from": datetime.date.today().isoformat(),
            "wanted_until": (datetime.date.today() + datetime.timedelta(days=2)).isoformat(),
            "details": "Sonner deux fois.",
        },
        {"organisation": "pk", "urgency": "choice", "wanted_from": "date", "wanted_until": "date", "periods": "pks", "details": TEXT},
    ),
    FormCase(
        "annuler une demande d’aide",
        "partner_dinan",
        lambda w: reverse("aid:cancel", args=[w["aid_request"].public_id]),
        lambda w: {"reason": "Aidée par sa fille"},
        {"reason": TEXT},
    ),
    FormCase(
        "valider un bénévole",
        "partner_dinan",
        lambda w: reverse("volunteers:validate", args=[w["volunteer"].public_id]),
        lambda w: {"organisation": w["dinan"].organisation.pk},
        {"organisation": "pk"},
    ),
    FormCase(
        "décliner un bénévole",
        "partner_dinan",
        lambda w: reverse("volunteers:refuse", args=[w["volunteer"].public_id]),
        lambda w: {"reason": "pas-de-besoin"},
        {"reason": "choice"},
    ),
]
