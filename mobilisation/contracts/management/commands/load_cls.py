"""Load the sourced CLS list into the registry (missing CLS only)."""

from django.core.management.base import BaseCommand

from mobilisation.contracts.loaders import load_cls
from mobilisation.core.page_cache import public_content_changed


class Command(BaseCommand):
    help = "Charge les CLS de data/bretagne/cls.csv absents du registre (sans écraser les corrections)."

    def handle(self, *args, **options):
        created, kept = load_cls()
        public_content_changed()  # bulk writes send no signal: the cached public pages are told here
        self.stdout.write(self.style.SUCCESS(f"CLS : {created} créé(s), {kept} déjà présent(s) conservé(s)."))
