"""The national schema of the inclusion offer (data·inclusion, PyPI `data-inclusion-schema`, licence Etalab 2.0).

Its closed lists are read from the package, never copied: a new version of the schema is a version bump. The export
(`as_data_inclusion`) writes each service as the schema's `Service` and validates it with the package's own model.
"""

import pydantic
from data_inclusion.schema import v1

SOURCE = "mobilisation-cls-bretagne"
REQUIRED = {name for name, field in v1.Service.model_fields.items() if field.is_required()}
VERSION = "1.0"

# Thématiques: the schema's sub-themes (« Accès aux soins »), each under its category (« Santé », the value's prefix).
CATEGORY_LABELS = {category.value: category.label for category in v1.Categorie}
THEMATIQUE_LABELS = {thematique.value: thematique.label for thematique in v1.Thematique}
THEMATIQUES = list(THEMATIQUE_LABELS)
PUBLIC_LABELS = {public.value: public.label for public in v1.Public}
PUBLICS = list(PUBLIC_LABELS)
FEE_CHOICES = [(fee.value, fee.label) for fee in v1.Frais]
MOBILISATION_LABELS = {mode.value: mode.label for mode in v1.ModeMobilisation}
MOBILISATION_MODES = list(MOBILISATION_LABELS)


def thematique_choices():
    """[(category label, [(value, label), …]), …]: the sub-themes under their category, for a grouped select."""
    groups = []
    for category, label in CATEGORY_LABELS.items():
        items = [(value, text) for value, text in THEMATIQUE_LABELS.items() if value.startswith(f"{category}--")]
        if items:
            groups.append((label, items))
    return groups


def public_choices():
    return list(PUBLIC_LABELS.items())


def mobilisation_choices():
    return list(MOBILISATION_LABELS.items())


def as_data_inclusion(service):
    """The service as the schema's `Service` (a dict ready for JSON), validated by the package's model: a service the
    schema refuses raises pydantic.ValidationError (the model's own rules keep that from happening).

    Reads prefetched zone_communes, zone_epcis and zone_departments, and the organisation and commune."""
    from .models.services import ReceptionMode

    modes = service.reception_modes or []
    at_home = "Le service se déplace au domicile des personnes." if ReceptionMode.AT_HOME in modes else ""
    details = " ".join(part for part in (service.mobilisation_details, at_home) if part)
    data = {
        "source": SOURCE,
        "structure_id": f"{SOURCE}--{service.organisation.public_id}",
        "id": f"{SOURCE}--{service.public_id}",
        "nom": service.name,
        "description": service.description,
        "date_maj": service.checked_on,
        "thematiques": service.thematiques or None,
        "frais": service.fee or None,
        "frais_precisions": service.fee_details or None,
        "publics": service.publics or None,
        "publics_precisions": service.publics_details or None,
        "conditions_acces": service.access_conditions or None,
        "commune": service.commune.name if service.commune else None,
        "code_insee": service.commune_id or None,
        "code_postal": service.postal_code or None,
        "adresse": service.address or None,
        "complement_adresse": service.address_complement or None,
        "latitude": float(service.latitude) if service.latitude is not None else None,
        "longitude": float(service.longitude) if service.longitude is not None else None,
        "telephone": service.phone.as_e164 if service.phone else None,
        "courriel": service.email or None,
        "modes_accueil": [mode for mode in modes if mode != ReceptionMode.AT_HOME] or None,
        "zone_eligibilite": service.zone_codes() or None,
        "lien_mobilisation": service.link or None,
        "modes_mobilisation": service.mobilisation_modes or None,
        "mobilisable_par": ["usagers"],
        "mobilisation_precisions": details or None,
        "horaires_accueil": service.opening_hours or None,
    }
    try:
        valid = v1.Service.model_validate(data)
    except pydantic.ValidationError as error:
        # As data·inclusion itself does with a value it refuses (an e-mail address of a reserved domain, say): the
        # optional field is left out. A required field refused still raises: the model's rules keep it valid.
        refused = {problem["loc"][0] for problem in error.errors() if problem["loc"]}
        if refused & REQUIRED:
            raise
        valid = v1.Service.model_validate({**data, **dict.fromkeys(refused)})
    return valid.model_dump(mode="json", exclude_none=True)
