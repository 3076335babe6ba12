"""The invitation link: signed, valid 7 days, used once (choosing the password ends it), replaced by a re-send."""

import datetime

from django.contrib.auth.tokens import PasswordResetTokenGenerator
from django.utils.crypto import constant_time_compare
from django.utils.http import base36_to_int

INVITATION_VALIDITY = datetime.timedelta(days=7)


class InvitationTokenGenerator(PasswordResetTokenGenerator):
    """Django's password-reset tokens with their own salt, a 7-day validity and the invitation date in the hash.

    The hash holds the password (choosing one ends the link), the date of the last invitation (a re-sent invitation
    replaces the previous link) and the active flag (a deactivated account's link is dead).
    """

    key_salt = "mobilisation.accounts.tokens.InvitationTokenGenerator"

    def _make_hash_value(self, user, timestamp):
        invited = "" if user.invited_at is None else repr(user.invited_at.timestamp())  # to the microsecond
        return f"{user.pk}{user.password}{invited}{user.is_active}{timestamp}{user.email}"

    def status(self, user, token):
        """ "valid", "expired" (signed for this account but older than 7 days) or "invalid" (used, replaced, forged)."""
        if not (user and token) or not isinstance(token, str):
            return "invalid"
        try:
            ts_b36, _ = token.split("-")
            timestamp = base36_to_int(ts_b36)
        except ValueError:
            return "invalid"
        if not any(
            constant_time_compare(self._make_token_with_timestamp(user, timestamp, secret), token)
            for secret in [self.secret, *self.secret_fallbacks]
        ):
            return "invalid"
        if self._num_seconds(self._now()) - timestamp > INVITATION_VALIDITY.total_seconds():
            return "expired"
        return "valid"

    def check_token(self, user, token):
        return self.status(user, token) == "valid"


invitation_token = InvitationTokenGenerator()
