"""API throttles (DRF's own classes, rates read from settings at each request) and their French 429 answer."""

from django.conf import settings
from rest_framework import exceptions, throttling, views

from mobilisation.core.limits import client_ip


class AnonThrottle(throttling.AnonRateThrottle):
    """Anonymous requests, per client address: API_THROTTLE_ANON."""

    def get_rate(self):
        return settings.API_THROTTLE_ANON

    def get_ident(self, request):
        return client_ip(request)


class UserThrottle(throttling.UserRateThrottle):
    """Requests of one account, by token or session: API_THROTTLE_USER."""

    def get_rate(self):
        return settings.API_THROTTLE_USER

    def get_ident(self, request):
        return client_ip(request)


class TooManyRequests(exceptions.Throttled):
    default_detail = "Trop de requêtes : la limite de l’API est atteinte."
    extra_detail_singular = "Réessayez dans {wait} seconde."
    extra_detail_plural = "Réessayez dans {wait} secondes."


def exception_handler(exc, context):
    """DRF's handler, with the throttling message in plain French (DRF's own reads « Requête ralentie »)."""
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, TooManyRequests):
        exc = TooManyRequests(wait=exc.wait)
    return views.exception_handler(exc, context)
