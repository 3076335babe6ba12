"""Load or refresh the INSEE figures of the communes (census 2022, Filosofi 2021) from data/bretagne/insee/."""

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from mobilisation.core.page_cache import public_content_changed
from mobilisation.territories.loaders import INSEE, ReferenceDataError, load_statistics


class Command(BaseCommand):
    help = "Charge les statistiques INSEE des communes (population par âge, ménages, taux de pauvreté). Après load_territories."

    def add_arguments(self, parser):
        parser.add_argument("--force", action="store_true", help="Recharger même si les fichiers n’ont pas changé.")
        parser.add_argument("--directory", default=str(INSEE), help="Dossier des fichiers INSEE (par défaut data/bretagne/insee).")

    def handle(self, *args, force=False, directory=None, **options):
        try:
            report = load_statistics(directory=Path(directory or INSEE), force=force)
            public_content_changed()  # bulk writes send no signal: the cached public pages are told here
        except ReferenceDataError as error:
            raise CommandError(str(error)) from error
        if report.skipped:
            self.stdout.write("Statistiques déjà à jour (fichiers inchangés).")
            return
        self.stdout.write("Communes ayant chaque donnée :")
        for label, count in report.loaded.items():
            self.stdout.write(f"  {label} : {count}")
        self.stdout.write(self.style.SUCCESS("Statistiques chargées."))
