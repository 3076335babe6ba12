"""Catalogue writes: ARS edits of action models (revision and history), copying a mobilisation, search texts."""

from django.db import connection, transaction

from . import search
from .enums import MobilisationStatus
from .models import ActionModel, Axis, Mobilisation, Resource, Theme


def _set_search_fields(action, *, publics, modalities):
    action.search_text = search.extra_text(
        lockdown_alternative=action.lockdown_alternative,
        publics=[p.label for p in publics],
        modalities=[m.label for m in modalities],
        partner_kinds=action.partner_kinds,
        indicators=action.indicators,
    )
    action.search_document = search.document(title=action.title, description=action.description, extra=action.search_text)


def index_action_models(*, action_models):
    """Rewrite the search texts of these action models from their current fields, publics and modalities.

    A bulk update: neither the revision nor the history of the models changes, the search texts being derived.
    """
    rows = list(action_models.prefetch_related("publics", "modalities").order_by())
    for action in rows:
        _set_search_fields(action, publics=action.publics.all(), modalities=action.modalities.all())
    ActionModel.objects.bulk_update(rows, ["search_text", "search_document"], batch_size=200)
    _store_vectors([action.pk for action in rows])
    return len(rows)


def _store_vectors(pks):
    """On PostgreSQL, the weighted vector the search matches, computed by the database from the saved texts."""
    if connection.vendor == "postgresql" and pks:
        ActionModel.objects.filter(pk__in=pks).update(search_vector=search.postgresql_vector())


@transaction.atomic
def save_action_model(*, action_model: ActionModel, modalities, publics, resources, by, reason=""):
    """Save an ARS edit: the revision goes up so plans that adopted the model can see what changed."""
    if action_model.pk:
        action_model.revision += 1
    action_model._history_user = by
    action_model._change_reason = reason or ("Création" if not action_model.pk else "Modification")
    _set_search_fields(action_model, publics=publics, modalities=modalities)
    action_model.save()
    action_model.modalities.set(modalities)
    action_model.publics.set(publics)
    action_model.resources.set(resources)
    _store_vectors([action_model.pk])
    return action_model


@transaction.atomic
def copy_mobilisation(*, source: Mobilisation, slug, title, start, by):
    """Start a new mobilisation as a copy of an existing one: same axes, themes, actions and resources, in draft."""
    copy = Mobilisation(
        slug=slug,
        title=title,
        summary=source.summary,
        start=start,
        status=MobilisationStatus.DRAFT,
        source_title=source.source_title,
        source_publisher=source.source_publisher,
        source_date=source.source_date,
        copied_from=source,
    )
    copy._history_user = by
    copy._change_reason = f"Copie de « {source.title} »"
    copy.save()
    resources = {}
    for resource in source.resources.all():
        resources[resource.pk] = Resource.objects.create(
            mobilisation=copy,
            slug=resource.slug,
            kind=resource.kind,
            title=resource.title,
            description=resource.description,
            url=resource.url,
            is_funding_line=resource.is_funding_line,
            order=resource.order,
        )
    for axis in source.axes.prefetch_related("themes"):
        new_axis = Axis.objects.create(mobilisation=copy, code=axis.code, title=axis.title, description=axis.description, order=axis.order)
        for theme in axis.themes.all():
            new_theme = Theme.objects.create(
                axis=new_axis, code=theme.code, title=theme.title, description=theme.description, order=theme.order
            )
            for action in theme.action_models.prefetch_related("modalities", "publics", "resources"):
                new_action = ActionModel.objects.create(
                    mobilisation=copy,
                    theme=new_theme,
                    slug=action.slug,
                    title=action.title,
                    description=action.description,
                    partner_kinds=action.partner_kinds,
                    indicators=action.indicators,
                    lockdown_alternative=action.lockdown_alternative,
                    order=action.order,
                )
                new_action.modalities.set(action.modalities.all())
                new_action.publics.set(action.publics.all())
                new_action.resources.set([resources[r.pk] for r in action.resources.all()])
    index_action_models(action_models=copy.action_models.all())
    return copy
