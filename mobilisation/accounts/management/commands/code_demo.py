"""Print the current second factor code of a demo account, so that nobody needs a phone to try the demo. DEMO only."""

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.accounts.demo import DEMO_TOTP_KEY, DEMO_TOTP_SECRET
from mobilisation.accounts.second_factor import current_code


class Command(BaseCommand):
    help = "Affiche le code de double authentification actuel d’un compte de démonstration. Uniquement quand DEMO=1."

    def add_arguments(self, parser):
        parser.add_argument("email", help="adresse d’un compte de démonstration, par exemple ccas.dinan@demo.mobilisation-cls.fr")

    def handle(self, *args, email, **options):
        if not settings.DEMO:
            raise CommandError("Les comptes de démonstration sont désactivés (DEMO=0 ou réglages de production).")
        # Only the demo secret: never the code of a real person's application, even on a development database.
        if not TOTPDevice.objects.filter(user__email__iexact=email.strip(), key=DEMO_TOTP_KEY, confirmed=True).exists():
            raise CommandError(
                f"« {email} » n’a pas l’application de démonstration (clé {DEMO_TOTP_SECRET}) : "
                "est-ce un compte de démonstration soumis à la double authentification ?"
            )
        self.stdout.write(current_code(DEMO_TOTP_KEY))
