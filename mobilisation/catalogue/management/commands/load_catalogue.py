"""Load the mobilisations described in data/catalogue/*.yaml (missing ones only)."""

from django.core.management.base import BaseCommand

from mobilisation.catalogue.loaders import load_all_catalogues
from mobilisation.catalogue.models import Theme
from mobilisation.core.page_cache import public_content_changed


class Command(BaseCommand):
    help = "Charge les mobilisations et leur catalogue depuis data/catalogue/ (sans écraser les modifications faites dans l’application)."

    def handle(self, *args, **options):
        loaded = load_all_catalogues()
        public_content_changed()  # bulk writes send no signal: the cached public pages are told here
        for mobilisation, created in loaded:
            state = "chargée" if created else "déjà présente, conservée"
            themes = Theme.objects.filter(axis__mobilisation=mobilisation).count()
            self.stdout.write(
                f"{mobilisation.title} : {state} ({mobilisation.axes.count()} axes, {themes} thèmes, "
                f"{mobilisation.action_models.count()} modèles d’action, {mobilisation.resources.count()} ressources)."
            )
