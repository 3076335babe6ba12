"""Existing rows in the new model: restrictions keep their territory and get a public id, recorded COPIL meetings were held, messages
know their side, actions get their restriction state."""

from django.db import migrations
from django.db.models import Q


def forwards(apps, schema_editor):
    import uuid

    RestrictionPeriod = apps.get_model("plans", "RestrictionPeriod")
    for period in RestrictionPeriod.objects.filter(public_id__isnull=True):
        period.public_id = uuid.uuid4()
        period.save(update_fields=["public_id"])
    CopilMeeting = apps.get_model("plans", "CopilMeeting")
    PlanMessage = apps.get_model("plans", "PlanMessage")
    Membership = apps.get_model("accounts", "Membership")
    RestrictionPeriod.objects.filter(department__isnull=False).update(scope="departement")
    RestrictionPeriod.objects.filter(department__isnull=True).update(scope="national")
    CopilMeeting.objects.update(status="tenue")
    ars_authors = Membership.objects.filter(Q(role="ars_region") | Q(role="ars_delegation")).values("user")
    PlanMessage.objects.filter(author__in=ars_authors).update(from_ars=True)


def backwards(apps, schema_editor):
    pass  # the old columns are untouched: nothing to undo


def refresh_states(apps, schema_editor):
    # The state is derived data: the service computes it from the restrictions and the actions, as every write does.
    from mobilisation.plans.restriction_states import refresh_all_with  # pure functions of the models given

    refresh_all_with(
        restriction_model=apps.get_model("plans", "RestrictionPeriod"),
        action_model=apps.get_model("plans", "PlannedAction"),
        commune_model=apps.get_model("territories", "Commune"),
        cls_commune_model=apps.get_model("contracts", "Cls").communes.through,
    )


class Migration(migrations.Migration):
    dependencies = [
        ("plans", "0004_restriction_scopes_copil_scheduling_reading_state"),
        ("accounts", "0002_initial"),
        ("contracts", "0001_initial"),
        ("territories", "0001_initial"),
    ]

    operations = [
        migrations.RunPython(forwards, backwards),
        migrations.RunPython(refresh_states, migrations.RunPython.noop),
    ]
