"""The veille's requests for help now live in the mutual-aid module (mutualaid 0003 copies them there first)."""

from django.db import migrations


class Migration(migrations.Migration):
    dependencies = [
        ("followup", "0004_task_assigned_visits"),
        ("mutualaid", "0003_veille_hand_off"),
    ]

    operations = [
        migrations.DeleteModel(name="HelpRequest"),
    ]
