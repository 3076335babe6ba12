"""Load a mobilisation and its catalogue from a versioned YAML file of data/catalogue/."""

from pathlib import Path

import yaml
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q

from mobilisation.territories.models import ArsOffice

from .enums import MobilisationStatus
from .models import ActionModel, Axis, Mobilisation, Modality, Resource, TargetPublic, Theme
from .services import index_action_models

CATALOGUE_DIR = settings.BASE_DIR / "data" / "catalogue"


def read(path: Path):
    with path.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def check_contacts(contacts):
    """The note's contacts must be those of the ARS offices of the territories reference data."""
    for contact in contacts:
        office = ArsOffice.objects.filter(kind=contact["kind"], department_id=contact["department"]).first()
        if office is None or office.email.lower() != contact["email"].lower():
            raise ValidationError(f"Contact de l’ARS incohérent avec data/ars/implantations.csv : {contact['email']}")


@transaction.atomic
def load_catalogue(path: Path):
    """Create the mobilisation of the file if it is not there yet. Returns (mobilisation, created).

    An existing mobilisation is left untouched: once loaded, the ARS edits its catalogue in the application.
    """
    data = read(path)
    old_labels = {
        Modality: dict(Modality.objects.values_list("code", "label")),
        TargetPublic: dict(TargetPublic.objects.values_list("code", "label")),
    }
    for order, row in enumerate(data["modalities"]):
        Modality.objects.update_or_create(
            code=row["code"], defaults={"label": row["label"], "description": row.get("description", ""), "order": order}
        )
    for order, row in enumerate(data["publics"]):
        TargetPublic.objects.update_or_create(code=row["code"], defaults={"label": row["label"], "order": order})
    check_contacts(data.get("contacts", []))
    relabelled = {
        "modalities": [r["code"] for r in data["modalities"] if old_labels[Modality].get(r["code"], r["label"]) != r["label"]],
        "publics": [r["code"] for r in data["publics"] if old_labels[TargetPublic].get(r["code"], r["label"]) != r["label"]],
    }
    if relabelled["modalities"] or relabelled["publics"]:  # the search reads these labels
        index_action_models(
            action_models=ActionModel.objects.filter(
                Q(modalities__code__in=relabelled["modalities"]) | Q(publics__code__in=relabelled["publics"])
            ).distinct()
        )

    spec = data["mobilisation"]
    existing = Mobilisation.objects.filter(slug=spec["slug"]).first()
    if existing is not None:
        return existing, False
    mobilisation = Mobilisation(
        slug=spec["slug"],
        title=spec["title"],
        summary=spec["summary"],
        start=spec["start"],
        end=spec.get("end"),
        status=MobilisationStatus.ACTIVE,
        source_title=spec.get("source_title", ""),
        source_publisher=spec.get("source_publisher", ""),
        source_date=spec.get("source_date"),
    )
    mobilisation._change_reason = f"Chargement initial depuis data/catalogue/{path.name}"
    mobilisation.save()

    resources = {}
    for order, row in enumerate(data["resources"]):
        resources[row["slug"]] = Resource.objects.create(
            mobilisation=mobilisation,
            slug=row["slug"],
            kind=row["kind"],
            title=row["title"],
            description=row.get("description") or "",
            url=row.get("url") or "",
            is_funding_line=bool(row.get("is_funding_line")),
            order=order,
        )
    modalities = {m.code: m for m in Modality.objects.all()}
    publics = {p.code: p for p in TargetPublic.objects.all()}
    for axis_order, axis_row in enumerate(data["axes"]):
        axis = Axis.objects.create(
            mobilisation=mobilisation,
            code=axis_row["code"],
            title=axis_row["title"],
            description=axis_row.get("description") or "",
            order=axis_order,
        )
        for theme_order, theme_row in enumerate(axis_row["themes"]):
            theme = Theme.objects.create(
                axis=axis,
                code=theme_row["code"],
                title=theme_row["title"],
                description=theme_row.get("description") or "",
                order=theme_order,
            )
            for action_order, row in enumerate(theme_row["actions"]):
                action = ActionModel.objects.create(
                    mobilisation=mobilisation,
                    theme=theme,
                    slug=row["slug"],
                    title=row["title"],
                    description=row["description"],
                    partner_kinds=row.get("partner_kinds") or [],
                    indicators=row.get("indicators") or [],
                    lockdown_alternative=row.get("lockdown_alternative") or "",
                    order=action_order,
                )
                action.modalities.set([modalities[code] for code in row.get("modalities") or []])
                action.publics.set([publics[code] for code in row.get("publics") or []])
                action.resources.set([resources[slug] for slug in row.get("resources") or []])
    index_action_models(action_models=mobilisation.action_models.all())
    return mobilisation, True


def load_all_catalogues():
    return [load_catalogue(path) for path in sorted(CATALOGUE_DIR.glob("*.yaml"))]
