"""Personal API tokens: `Authorization: Token <key>`; only the key's digest is stored. Accounts that must use a second
factor get no token (ADR 007): theirs are refused, the session of a verified login serves them."""

from django.utils import timezone
from rest_framework import authentication, exceptions

from mobilisation.accounts.models import ApiToken


class PersonalTokenAuthentication(authentication.TokenAuthentication):
    keyword = "Token"

    def authenticate_credentials(self, key):
        token = ApiToken.objects.usable().select_related("user").filter(digest=ApiToken.hash_key(key)).first()
        if token is None:
            raise exceptions.AuthenticationFailed()  # the French message: api.exceptions
        if token.user.requires_second_factor:
            from .exceptions import SecondFactorAccountToken  # here: api.exceptions loads DRF, whose settings load this module

            # Checked at each request: an account given a sensitive role later loses its tokens' use at once.
            raise SecondFactorAccountToken()
        if token.last_used_at is None or (timezone.now() - token.last_used_at).total_seconds() > 60:
            ApiToken.objects.filter(pk=token.pk).update(last_used_at=timezone.now())
        return token.user, token
