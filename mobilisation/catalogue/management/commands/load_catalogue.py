"""Load the mobilisations described in data/catalogue/*.yaml (missing ones only)."""

from django.core.management.base import BaseCommand

from mobilisation.catalogue.loaders import load_all_catalogues
from mobilisation.catalogue.models import Theme


class Command(BaseCommand):
    help = "Charge les mobilisations et leur catalogue depuis data/catalogue/ (sans écraser les modifications faites dans l’application)."

    def handle(self, *args, **options):
        for mobilisation, created in load_all_catalogues():
            state = "chargée" if created else "déjà présente, conservée"
            themes = Theme.objects.filter(axis__mobilisation=mobilisation).count()
            self.stdout.write(
                f"{mobilisation.title} : {state} ({mobilisation.axes.count()} axes, {themes} thèmes, "
                f"{mobilisation.action_models.count()} modèles d’action, {mobilisation.resources.count()} ressources)."
            )
