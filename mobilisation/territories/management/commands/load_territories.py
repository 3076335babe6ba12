"""Load or refresh the reference territories of Brittany from data/."""

from django.core.management.base import BaseCommand

from mobilisation.core.page_cache import public_content_changed
from mobilisation.territories.loaders import load_territories


class Command(BaseCommand):
    help = "Charge les territoires de Bretagne (région, départements, EPCI, communes, contours, ARS)."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recharger même si les fichiers n’ont pas changé.")

    def handle(self, *args, force=False, **options):
        report = load_territories(force=force)
        public_content_changed()  # bulk writes send no signal: the cached public pages are told here
        if report.skipped:
            self.stdout.write("Territoires déjà à jour (fichiers inchangés).")
            return
        for label, count in report.loaded.items():
            self.stdout.write(f"  {label} : {count}")
        self.stdout.write(self.style.SUCCESS("Territoires chargés."))
