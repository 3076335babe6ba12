"""Writes on the directory that cross models: an organisation created with the communes it serves."""

from django.db import transaction


@transaction.atomic
def create_organisation(*, organisation, communes, by):
    """Save a new organisation (e.g. named in an action's form) and the communes it serves."""
    organisation.save()
    organisation.communes.set(communes)
    return organisation
