"""Delete the access-log events older than AUDIT_RETENTION_DAYS (run daily by the scheduler)."""

from django.core.management.base import BaseCommand

from mobilisation.audit.services import purge_expired


class Command(BaseCommand):
    help = "Supprime les évènements du journal des accès plus anciens que AUDIT_RETENTION_DAYS jours."

    def handle(self, *args, **options):
        deleted = purge_expired()
        self.stdout.write(f"{deleted} évènement{'s' if deleted > 1 else ''} du journal des accès supprimé{'s' if deleted > 1 else ''}.")
