"""Fill the search texts (and, on PostgreSQL, the vectors) of the action models already in the database."""

from django.db import migrations

from mobilisation.catalogue import search


def fill(apps, schema_editor):
    ActionModel = apps.get_model("catalogue", "ActionModel")
    rows = list(ActionModel.objects.using(schema_editor.connection.alias).prefetch_related("publics", "modalities"))
    for action in rows:
        action.search_text = search.extra_text(
            lockdown_alternative=action.lockdown_alternative,
            publics=[p.label for p in action.publics.all()],
            modalities=[m.label for m in action.modalities.all()],
            partner_kinds=action.partner_kinds,
            indicators=action.indicators,
        )
        action.search_document = search.document(title=action.title, description=action.description, extra=action.search_text)
    ActionModel.objects.using(schema_editor.connection.alias).bulk_update(rows, ["search_text", "search_document"], batch_size=200)
    if schema_editor.connection.vendor == "postgresql":
        ActionModel.objects.using(schema_editor.connection.alias).update(search_vector=search.postgresql_vector())


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0002_action_model_search"),
    ]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
