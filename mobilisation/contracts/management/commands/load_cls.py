"""Load the sourced CLS list into the registry (missing CLS only)."""

from django.core.management.base import BaseCommand

from mobilisation.contracts.loaders import load_cls


class Command(BaseCommand):
    help = "Charge les CLS de data/bretagne/cls.csv absents du registre (sans écraser les corrections)."

    def handle(self, *args, **options):
        created, kept = load_cls()
        self.stdout.write(self.style.SUCCESS(f"CLS : {created} créé(s), {kept} déjà présent(s) conservé(s)."))
