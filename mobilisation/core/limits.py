"""Rate limits: the client address, and the per-address ceilings of public forms (django-ratelimit).

Rates are setting names read at each request, so the environment (and a test) can change them without a restart
of the decorator. Past a ceiling, django-ratelimit's middleware answers with RATELIMIT_VIEW (a French 429 page).
"""

import ipaddress

from django.conf import settings
from django_ratelimit.decorators import ratelimit


def client_ip(request):
    """The client's address: REMOTE_ADDR, or the one the outermost of NUM_PROXIES trusted proxies saw."""
    remote = request.META.get("REMOTE_ADDR", "")
    if settings.NUM_PROXIES:
        forwarded = [part.strip() for part in request.headers.get("x-forwarded-for", "").split(",") if part.strip()]
        if len(forwarded) >= settings.NUM_PROXIES:  # fewer entries: the request did not come through every proxy
            candidate = forwarded[-settings.NUM_PROXIES]
            try:
                return str(ipaddress.ip_address(candidate))
            except ValueError:
                pass
    return remote


def rate_from(setting_name):
    def rate(group, request):
        return getattr(settings, setting_name)

    return rate


def per_client_limit(group, *, rate_setting, method):
    """At most `rate_setting` requests of `method` per client address for the decorated view."""
    return ratelimit(group=group, key="ip", rate=rate_from(rate_setting), method=method)
