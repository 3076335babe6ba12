"""Existing accounts and memberships get their public identifier (a UUID, before it becomes unique), and each
existing membership a first line of history, so that its later changes read from a known state."""

import uuid

from django.db import migrations

REASON = "Rattachement antérieur à l’historique"


def fill(apps, schema_editor):
    for name in ["User", "Membership"]:
        model = apps.get_model("accounts", name)
        for pk in model.objects.filter(public_id__isnull=True).values_list("pk", flat=True).iterator():
            model.objects.filter(pk=pk).update(public_id=uuid.uuid4())
    Membership = apps.get_model("accounts", "Membership")
    HistoricalMembership = apps.get_model("accounts", "HistoricalMembership")
    HistoricalMembership.objects.bulk_create(
        [
            HistoricalMembership(
                id=membership.pk,
                public_id=membership.public_id,
                user_id=membership.user_id,
                role=membership.role,
                department_id=membership.department_id,
                cls_id=membership.cls_id,
                commune_id=membership.commune_id,
                epci_id=membership.epci_id,
                organisation_id=membership.organisation_id,
                is_active=membership.is_active,
                history_date=membership.created_at,
                history_type="+",
                history_change_reason=REASON,
            )
            for membership in Membership.objects.iterator()
        ],
        batch_size=500,
    )


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_people_management")]

    operations = [migrations.RunPython(fill, migrations.RunPython.noop)]
