"""API throttles: DRF's own classes, rates read from settings at each request (the French 429: api.exceptions)."""

from django.conf import settings
from rest_framework import throttling

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
