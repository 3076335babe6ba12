"""Rewrite the search texts of every action model (after an upgrade of the stemmer or a change of catalogue/search.py)."""

from django.core.management.base import BaseCommand

from mobilisation.catalogue.models import ActionModel
from mobilisation.catalogue.services import index_action_models
from mobilisation.core.page_cache import public_content_changed


class Command(BaseCommand):
    help = "Recalcule les textes de recherche de tous les modèles d’action (après une mise à jour de la recherche)."

    def handle(self, *args, **options):
        total = index_action_models(action_models=ActionModel.objects.all())
        public_content_changed()
        self.stdout.write(f"Recherche du catalogue : {total} modèle{'s' if total > 1 else ''} d’action indexé{'s' if total > 1 else ''}.")
