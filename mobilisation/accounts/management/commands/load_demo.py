"""Create the demo accounts (one per role, scoped on real territories). Refused unless DEMO is on."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from mobilisation.accounts.demo import DEMO_ACCOUNTS, DEMO_TOTP_SECRET, create_demo_accounts
from mobilisation.directory.demo import create_demo_services
from mobilisation.followup.demo import DEMO_PEOPLE, create_demo_campaign, create_demo_people
from mobilisation.hotline.demo import create_demo_hotline
from mobilisation.mutualaid.demo import create_demo_housing, create_demo_requests, create_demo_volunteers


class Command(BaseCommand):
    help = "Crée les comptes de démonstration (un par rôle). Uniquement quand DEMO=1."

    def handle(self, *args, **options):
        if not settings.DEMO:
            raise CommandError("Les comptes de démonstration sont désactivés (DEMO=0 ou réglages de production).")
        with transaction.atomic():
            created = create_demo_accounts(password=settings.DEMO_PASSWORD)
            people = create_demo_people()
            create_demo_campaign()
            services = create_demo_services()
            volunteers = create_demo_volunteers()
            requests = create_demo_requests()
            stays = create_demo_housing()
            calls = create_demo_hotline()
        self.stdout.write(
            self.style.SUCCESS(f"Comptes de démonstration : {created} créé(s), {len(DEMO_ACCOUNTS) - created} déjà présent(s).")
        )
        self.stdout.write(f"Registre de démonstration du CCAS de Dinan : {people} personne(s) fictive(s) créée(s) sur {DEMO_PEOPLE}.")
        self.stdout.write(f"Services de démonstration au Pays de Dinan (« Trouver de l’aide ») : {services} créé(s).")
        self.stdout.write(f"Bénévoles de démonstration (une bénévole validée, des inscriptions à valider à Dinan) : {volunteers} créé(s).")
        self.stdout.write(f"Demandes d’aide de démonstration à Dinan (une à qualifier, deux à pourvoir) : {requests} créée(s).")
        self.stdout.write(
            f"Hébergement d’isolement de démonstration à Dinan (deux lieux, un séjour en cours, une demande) : {stays} séjour(s) créé(s)."
        )
        self.stdout.write(
            f"Numéro vert de démonstration du Pays de Dinan (FAQ validée, appels du matin, un rappel) : {calls} appel(s) créé(s)."
        )
        self.stdout.write(f"Mot de passe commun : valeur de DEMO_PASSWORD (par défaut « {settings.DEMO_PASSWORD} » si non défini).")
        for account in DEMO_ACCOUNTS:
            self.stdout.write(f"  {account['email']:<42} {account['label']}")
        self.stdout.write(
            f"Double authentification (CCAS, bénévole, écoutant, ARS région pour l’administration) : clé {DEMO_TOTP_SECRET} "
            "dans une application d’authentification, ou « make code-demo EMAIL=<adresse> » pour le code du moment."
        )
