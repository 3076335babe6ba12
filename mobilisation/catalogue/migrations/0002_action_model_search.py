"""Search texts of the action models; on PostgreSQL, the unaccent extension, the french_unaccent configuration
and the stored vector (a column that stays empty on SQLite)."""

import django.contrib.postgres.search
from django.contrib.postgres.operations import UnaccentExtension
from django.db import migrations, models

# The French configuration, with accents removed before stemming ("bénévoles" and "benevole" meet).
CREATE_CONFIG = """
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_ts_config WHERE cfgname = 'french_unaccent') THEN
        CREATE TEXT SEARCH CONFIGURATION french_unaccent (COPY = french);
        ALTER TEXT SEARCH CONFIGURATION french_unaccent
            ALTER MAPPING FOR hword, hword_part, word WITH unaccent, french_stem;
    END IF;
END
$$;
"""
DROP_CONFIG = "DROP TEXT SEARCH CONFIGURATION IF EXISTS french_unaccent;"


class KeptUnaccentExtension(UnaccentExtension):
    """Created if missing (on PostgreSQL only), never dropped when unapplied: a DBA may have created it, others use it.

    Django's own reverse would also query pg_extension on SQLite.
    """

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        pass


class PostgreSQLOnly(migrations.RunSQL):
    """RunSQL that does nothing on another database (SQLite searches a stored document instead)."""

    def database_forwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_forwards(app_label, schema_editor, from_state, to_state)

    def database_backwards(self, app_label, schema_editor, from_state, to_state):
        if schema_editor.connection.vendor == "postgresql":
            super().database_backwards(app_label, schema_editor, from_state, to_state)


class Migration(migrations.Migration):
    dependencies = [
        ("catalogue", "0001_initial"),
    ]

    operations = [
        # Created here when the database role may; otherwise a DBA creates it beforehand (docs/deploiement.md).
        KeptUnaccentExtension(),
        PostgreSQLOnly(CREATE_CONFIG, reverse_sql=DROP_CONFIG),
        migrations.AddField(
            model_name="actionmodel",
            name="search_document",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Mots sans accents ni terminaisons, pondérés par champ.",
                verbose_name="document de recherche",
            ),
        ),
        migrations.AddField(
            model_name="actionmodel",
            name="search_text",
            field=models.TextField(
                blank=True,
                editable=False,
                help_text="Alternative en période de confinement, publics, partenaires, modalités et indicateurs, en un texte.",
                verbose_name="texte de recherche complémentaire",
            ),
        ),
        migrations.AddField(
            model_name="actionmodel",
            name="search_vector",
            field=django.contrib.postgres.search.SearchVectorField(editable=False, null=True, verbose_name="vecteur de recherche"),
        ),
    ]
