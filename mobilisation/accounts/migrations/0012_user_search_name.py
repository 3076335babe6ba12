from django.db import migrations, models

from mobilisation.core.text import search_key


def fold_names(apps, schema_editor):
    User = apps.get_model("accounts", "User")
    users = list(User.objects.only("pk", "first_name", "last_name"))
    for user in users:
        user.search_name = search_key(f"{user.first_name} {user.last_name}")
    User.objects.bulk_update(users, ["search_name"], batch_size=1000)


class Migration(migrations.Migration):
    dependencies = [("accounts", "0011_user_listing_index")]

    operations = [
        migrations.AddField(
            model_name="user",
            name="search_name",
            field=models.CharField(blank=True, editable=False, max_length=301),
        ),
        migrations.RunPython(fold_names, migrations.RunPython.noop, elidable=True),
    ]
