"""Demo accounts: one per role, on real territories (a CLS per department). Never loaded in production."""

import base64

from django.conf import settings
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.contracts.models import Cls
from mobilisation.directory.models import Organisation, OrganisationKind
from mobilisation.territories.models import Commune, Department

from .enums import Role
from .models import Membership, User

DOMAIN = "demo.mobilisation-cls.fr"
DEMO_ORGANISATION = "Association de démonstration – solidarité Pays de Dinan"
# The second factor of the demo accounts that must have one (and of the ARS region, for the admin): one public secret,
# written in the README, to add to any authenticator application; `manage.py code_demo <email>` prints the code.
# Demo only: create_demo_accounts refuses to run without DEMO, and production never sets it.
DEMO_TOTP_SECRET = "DEMOMOBILISATIONCLSBRETAGNE22222"  # noqa: S105 (public on purpose, demo only)
DEMO_TOTP_KEY = base64.b32decode(DEMO_TOTP_SECRET).hex()
DEMO_DEVICE_NAME = "Application de démonstration"

DEMO_ACCOUNTS = [
    {
        "email": f"ars.region@{DOMAIN}",
        "first_name": "Anne",
        "last_name": "Région",
        "role": Role.ARS_REGION,
        "label": "ARS Bretagne, coordination régionale des CLS",
    },
    {
        "email": f"ars.dd22@{DOMAIN}",
        "first_name": "Yann",
        "last_name": "Armor",
        "role": Role.ARS_DELEGATION,
        "department": "22",
        "label": "ARS, délégation des Côtes-d’Armor",
    },
    {
        "email": f"ars.dd29@{DOMAIN}",
        "first_name": "Gwen",
        "last_name": "Finistère",
        "role": Role.ARS_DELEGATION,
        "department": "29",
        "label": "ARS, délégation du Finistère",
    },
    {
        "email": f"ars.dd35@{DOMAIN}",
        "first_name": "Loïc",
        "last_name": "Vilaine",
        "role": Role.ARS_DELEGATION,
        "department": "35",
        "label": "ARS, délégation d’Ille-et-Vilaine",
    },
    {
        "email": f"ars.dd56@{DOMAIN}",
        "first_name": "Maïwenn",
        "last_name": "Morbihan",
        "role": Role.ARS_DELEGATION,
        "department": "56",
        "label": "ARS, délégation du Morbihan",
    },
    {
        "email": f"pole.ressources@{DOMAIN}",
        "first_name": "Paul",
        "last_name": "Ressources",
        "role": Role.RESOURCE_POLE,
        "label": "Pôle ressources en promotion de la santé",
    },
    {
        "email": f"coordination.dinan@{DOMAIN}",
        "first_name": "Claire",
        "last_name": "Dinan",
        "role": Role.CLS_COORDINATOR,
        "cls": "dinan",
        "label": "Coordinatrice du CLS de Dinan Agglomération (22)",
    },
    {
        "email": f"coordination.brest@{DOMAIN}",
        "first_name": "Erwan",
        "last_name": "Brest",
        "role": Role.CLS_COORDINATOR,
        "cls": "pays-de-brest",
        "label": "Coordinateur du CLS du Pays de Brest (29)",
    },
    {
        "email": f"coordination.saint-malo@{DOMAIN}",
        "first_name": "Soizic",
        "last_name": "Malo",
        "role": Role.CLS_COORDINATOR,
        "cls": "pays-de-saint-malo",
        "label": "Coordinatrice du CLS du Pays de Saint-Malo (35)",
    },
    {
        "email": f"coordination.pontivy@{DOMAIN}",
        "first_name": "Tristan",
        "last_name": "Pontivy",
        "role": Role.CLS_COORDINATOR,
        "cls": "pontivy",
        "label": "Coordinateur du CLS de Pontivy Communauté (56)",
    },
    {
        "email": f"elu.dinan@{DOMAIN}",
        "first_name": "Hervé",
        "last_name": "Élu",
        "role": Role.ELECTED_OFFICIAL,
        "cls": "dinan",
        "label": "Élu référent du CLS de Dinan Agglomération",
    },
    {
        "email": f"ccas.dinan@{DOMAIN}",
        "first_name": "Nolwenn",
        "last_name": "Ccas",
        "role": Role.SOCIAL_SERVICES,
        "commune": "22050",
        "label": "Agent du CCAS de Dinan",
    },
    {
        "email": f"ccas.responsable.dinan@{DOMAIN}",
        "first_name": "Morgane",
        "last_name": "Responsable",
        "role": Role.SOCIAL_SERVICES_MANAGER,
        "commune": "22050",
        "label": "Responsable du CCAS de Dinan",
    },
    {
        "email": f"partenaire@{DOMAIN}",
        "first_name": "Marc",
        "last_name": "Partenaire",
        "role": Role.PARTNER_MEMBER,
        "organisation": True,
        "label": "Membre d’une association partenaire (démonstration)",
    },
    {
        "email": f"benevole@{DOMAIN}",
        "first_name": "Lena",
        "last_name": "Bénévole",
        "role": Role.VOLUNTEER,
        "organisation": True,
        "label": "Bénévole de l’association (démonstration)",
    },
    {
        "email": f"ecoutant.dinan@{DOMAIN}",
        "first_name": "Gaël",
        "last_name": "Écoutant",
        "role": Role.HOTLINE_OPERATOR,
        "line": True,
        "label": "Écoutant du numéro vert du Pays de Dinan (démonstration)",
    },
]


def demo_organisation():
    organisation, created = Organisation.objects.get_or_create(
        name=DEMO_ORGANISATION,
        defaults={"kind": OrganisationKind.ASSOCIATION, "department": Department.objects.get(code="22")},
    )
    if created:
        organisation.communes.set(Commune.objects.filter(epci__siren="200068989"))
    return organisation


def give_demo_device(user):
    """A confirmed TOTP device on the demo secret, for a demo account that must pass a second factor (or uses the admin)."""
    assert settings.DEMO, "demo devices are for DEMO=1 only"
    if (user.requires_second_factor or user.can_use_admin) and not TOTPDevice.objects.filter(user=user).exists():
        TOTPDevice.objects.create(user=user, key=DEMO_TOTP_KEY, name=DEMO_DEVICE_NAME, confirmed=True)


def create_demo_accounts(*, password):
    """Idempotent: existing demo accounts are left as they are (a missing demo device is added). Returns how many
    were created."""
    assert settings.DEMO, "demo accounts are for DEMO=1 only"
    organisation = demo_organisation()
    created = 0
    for account in DEMO_ACCOUNTS:
        user = User.objects.filter(email=account["email"]).first()
        if user is not None:
            give_demo_device(user)
            continue
        user = User.objects.create_user(account["email"], password, first_name=account["first_name"], last_name=account["last_name"])
        scope = {}
        if "department" in account:
            scope["department_id"] = account["department"]
        if "cls" in account:
            scope["cls"] = Cls.objects.get(slug=account["cls"])
        if "commune" in account:
            scope["commune_id"] = account["commune"]
        if account.get("organisation"):
            scope["organisation"] = organisation
        if account.get("line"):
            from mobilisation.hotline.demo import demo_line

            scope["line"] = demo_line()
        Membership.objects.create(user=user, role=account["role"], **scope)
        give_demo_device(User.objects.get(pk=user.pk))  # a fresh instance: the scope is computed with the membership
        created += 1
    return created
