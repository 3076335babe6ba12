"""Replay on a restored database the removals and objections made since its backup, read from the logs."""

import re
import uuid

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from mobilisation.followup import services
from mobilisation.followup.enums import RegistrationState
from mobilisation.followup.models import Person

LINE = re.compile(r"\b(radiation|opposition) ([0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}) (\d{4}-\d{2}-\d{2})\b")


class Command(BaseCommand):
    help = (
        "Rejoue les radiations et oppositions trouvées dans un extrait des journaux (lignes « radiation <identifiant> "
        "<date> » du journal mobilisation.erasures), après la restauration d’une sauvegarde plus ancienne qu’elles."
    )

    def add_arguments(self, parser):
        parser.add_argument("fichier", help="Extrait des journaux de l’application (texte).")

    def handle(self, *args, fichier, **options):
        try:
            with open(fichier, encoding="utf-8") as source:
                found = [LINE.search(line) for line in source]
        except OSError as error:
            raise CommandError(f"Lecture impossible de « {fichier} » : {error.strerror}.") from None
        replayed = 0
        for match in filter(None, found):
            kind, public_id, day = match.groups()
            person = Person.objects.filter(public_id=uuid.UUID(public_id)).select_related("commune").first()
            if person is None:
                continue
            date = timezone.datetime.fromisoformat(day).date()
            if kind == "radiation" and person.state != RegistrationState.REMOVED:
                services.erase_person(person=person, date=date, by=None)
                replayed += 1
            elif kind == "opposition" and person.state == RegistrationState.REGISTERED:
                services.record_objection(person=person, date=date, by=None)
                replayed += 1
        self.stdout.write(self.style.SUCCESS(f"{replayed} radiation(s) ou opposition(s) rejouée(s)."))
