"""Re-encrypt every encrypted field with the first key of FIELD_ENCRYPTION_KEYS (the rotation's second step)."""

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from mobilisation.core.crypto import EncryptedTextField

BATCH = 500


class Command(BaseCommand):
    help = (
        "Chiffre à nouveau toutes les données chiffrées avec la première clé de FIELD_ENCRYPTION_KEYS. "
        "Ensuite seulement, retirez l’ancienne clé (voir docs/environnement.md)."
    )

    def handle(self, *args, **options):
        total = 0
        for model in apps.get_models():
            fields = [field.name for field in model._meta.concrete_fields if isinstance(field, EncryptedTextField)]
            if not fields:
                continue
            count = 0
            queryset = model._base_manager.exclude(**{f"{fields[0]}__isnull": True}) if len(fields) == 1 else model._base_manager.all()
            pks = list(queryset.order_by("pk").values_list("pk", flat=True))
            for start in range(0, len(pks), BATCH):
                with transaction.atomic():
                    # Read decrypts with any key; the update encrypts with the first one.
                    for row in model._base_manager.filter(pk__in=pks[start : start + BATCH]).values("pk", *fields):
                        model._base_manager.filter(pk=row.pop("pk")).update(**row)
                        count += 1
            total += count
            self.stdout.write(f"{model._meta.verbose_name_plural} : {count} enregistrement(s) chiffré(s) à nouveau.")
        self.stdout.write(self.style.SUCCESS(f"Rotation terminée : {total} enregistrement(s). L’ancienne clé peut être retirée."))
