"""Password rule: mix character classes, in addition to Django's length and common-password checks."""

from django.core.exceptions import ValidationError


class CharacterClassesValidator:
    min_classes = 3

    def validate(self, password, user=None):
        classes = [
            any(c.islower() for c in password),
            any(c.isupper() for c in password),
            any(c.isdigit() for c in password),
            any(not c.isalnum() for c in password),
        ]
        if sum(classes) < self.min_classes:
            raise ValidationError(
                "Le mot de passe doit mêler au moins trois types de caractères parmi : minuscules, majuscules, chiffres et caractères spéciaux.",
                code="password_too_simple",
            )

    def get_help_text(self):
        return "Votre mot de passe doit mêler au moins trois types de caractères parmi : minuscules, majuscules, chiffres et caractères spéciaux."
