"""Fields encrypted at rest with keys of their own (FIELD_ENCRYPTION_KEYS), never SECRET_KEY, and their rotation.

PyCA's `cryptography` (Fernet: AES-128-CBC with an HMAC-SHA256, a timestamp and a version byte; MultiFernet for
several keys) does the cryptography; this module only puts it between a model field and the database (ADR 007).
The first key encrypts, every key decrypts: rotating is putting a new key first, running
`manage.py rotate_field_keys` (every value re-encrypted with the new key), then removing the old one.
"""

from functools import cache

from cryptography.fernet import Fernet, InvalidToken, MultiFernet
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured
from django.db import models


@cache
def _fernet(keys):
    if not keys:
        raise ImproperlyConfigured("FIELD_ENCRYPTION_KEYS est vide : aucune clé pour chiffrer les données sensibles.")
    return MultiFernet([Fernet(key) for key in keys])


def fernet():
    """The MultiFernet of the configured keys (cached per set of keys, so that settings overrides take effect)."""
    return _fernet(tuple(settings.FIELD_ENCRYPTION_KEYS))


def encrypt(text):
    return fernet().encrypt(text.encode()).decode("ascii")


def decrypt(token):
    try:
        return fernet().decrypt(token.encode("ascii")).decode()
    except InvalidToken:
        # Never the value in the message (SECURITY.md 20): a key is missing from FIELD_ENCRYPTION_KEYS.
        raise ImproperlyConfigured(
            "Une donnée chiffrée ne se déchiffre avec aucune des clés de FIELD_ENCRYPTION_KEYS : une ancienne clé a été retirée trop tôt."
        ) from None


def rotate(token):
    """The token re-encrypted with the first key (MultiFernet.rotate keeps the original timestamp)."""
    return fernet().rotate(token.encode("ascii")).decode("ascii")


class EncryptedTextField(models.TextField):
    """A text stored as a Fernet token: the database, its dumps and its backups never see the text.

    Empty values are stored as NULL (nothing to hide, and a check constraint can tell "no reason" from a reason). An
    encrypted column can be neither searched nor sorted: it is for values one reads on one record.
    """

    description = "Texte chiffré"

    def __init__(self, *args, **kwargs):
        kwargs["null"] = True
        kwargs["blank"] = True
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs.pop("null", None)
        kwargs.pop("blank", None)
        return name, path, args, kwargs

    def get_prep_value(self, value):
        value = super().get_prep_value(value)
        if value is None or value == "":
            return None
        return encrypt(value)

    def from_db_value(self, value, expression, connection):
        return None if value is None else decrypt(value)

    def to_python(self, value):
        return value

    def get_internal_type(self):
        return "TextField"
