"""The second factor's wall: a signed-in account that must pass it reaches nothing else until it has (ADR 007)."""

from django.conf import settings
from django.http import JsonResponse
from django.urls import Resolver404, resolve

from .second_factor import must_pass, redirect_to_second_factor

# What an account on its way through the second factor may still open: leave, the second factor's own pages, the
# legal pages of the footer and the health check (static files are served before any of this).
EXEMPT_URL_NAMES = frozenset(
    {
        "accounts:logout",
        "accounts:second_factor_verify",
        "accounts:second_factor_enrol",
        "portal:accessibility",
        "portal:legal",
        "portal:privacy",
        "healthz",
    }
)
NOT_VERIFIED = "Double authentification requise : connectez-vous au site et saisissez votre code avant d’utiliser l’API."


def is_exempt(path):
    if path.startswith(settings.STATIC_URL):
        return True
    try:
        match = resolve(path)
    except Resolver404:
        return False
    return match.view_name in EXEMPT_URL_NAMES


class SecondFactorMiddleware:
    """After OTPMiddleware: every other page redirects (any method, nothing done) to the code page or to enrolment;
    the API answers a French 403. Token requests are checked by api.authentication (a token is no second factor)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if must_pass(request) and not is_exempt(request.path_info):
            if request.path_info.startswith("/api/"):
                return JsonResponse({"detail": NOT_VERIFIED}, status=403)
            return redirect_to_second_factor(request, request.get_full_path() if request.method == "GET" else "")
        return self.get_response(request)
