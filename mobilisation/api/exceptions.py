"""The API's errors in French: one handler for every DRF exception, and the errors the API itself raises.

DRF's messages are English, or translated unevenly ("Pas trouvé.", « token »), and a missing object's 404 names
the model ("No Plan matches the given query."). Each error a client meets gets a French detail here; a 404 names
nothing, so that an object out of the user's scope reads exactly as one that does not exist. Validation errors keep
their per-field messages (Django's and django-filter's, in French), as do errors raised with `FrenchDetail`.
"""

from django.core.exceptions import PermissionDenied as DjangoPermissionDenied
from django.http import Http404
from rest_framework import exceptions, views
from rest_framework.exceptions import ErrorDetail

from mobilisation.core.views import API_NOT_FOUND, API_PERMISSION_DENIED

NOT_FOUND = API_NOT_FOUND
NOT_AUTHENTICATED = "Authentification requise : envoyez votre jeton personnel dans l’en-tête « Authorization: Token <jeton> »."
AUTHENTICATION_FAILED = "Jeton invalide, expiré ou révoqué. L’en-tête s’écrit « Authorization: Token <jeton> »."
PERMISSION_DENIED = API_PERMISSION_DENIED
METHOD_NOT_ALLOWED = "La méthode {method} n’est pas acceptée à cette adresse, qui se lit seulement (GET) : voir l’en-tête Allow."
NOT_ACCEPTABLE = "Format de réponse impossible : l’API répond en JSON (Accept: application/json)."
UNSUPPORTED_MEDIA_TYPE = "Type de contenu non pris en charge : l’API lit du JSON."
PARSE_ERROR = "Corps de la requête illisible : JSON mal formé."

# By status: 400, 401, 401, 403, 404, 405, 406, 415 (throttling, 429, has its own class below).
MESSAGES = [
    (exceptions.ParseError, PARSE_ERROR),
    (exceptions.NotAuthenticated, NOT_AUTHENTICATED),
    (exceptions.AuthenticationFailed, AUTHENTICATION_FAILED),
    (exceptions.PermissionDenied, PERMISSION_DENIED),
    (exceptions.NotFound, NOT_FOUND),
    (exceptions.MethodNotAllowed, METHOD_NOT_ALLOWED),
    (exceptions.NotAcceptable, NOT_ACCEPTABLE),
    (exceptions.UnsupportedMediaType, UNSUPPORTED_MEDIA_TYPE),
]


class FrenchDetail:
    """An error raised by this API with its own French detail, which the handler keeps."""


class PageNotFound(FrenchDetail, exceptions.NotFound):
    pass


class SecondFactorAccountToken(FrenchDetail, exceptions.AuthenticationFailed):
    """The token of an account that must use a second factor: a token is a single factor (ADR 007)."""

    default_detail = (
        "Les jetons d’API ne valent pas pour les comptes soumis à la double authentification : "
        "connectez-vous au site avec votre code pour utiliser l’API."
    )


class TooManyRequests(FrenchDetail, exceptions.Throttled):
    default_detail = "Trop de requêtes : la limite de l’API est atteinte."
    extra_detail_singular = "Réessayez dans {wait} seconde."
    extra_detail_plural = "Réessayez dans {wait} secondes."


def exception_handler(exc, context):
    """DRF's handler (status, WWW-Authenticate and Retry-After headers), with the French details above."""
    if isinstance(exc, Http404):
        exc = exceptions.NotFound()
    elif isinstance(exc, DjangoPermissionDenied):
        exc = exceptions.PermissionDenied()
    if isinstance(exc, exceptions.Throttled) and not isinstance(exc, TooManyRequests):
        exc = TooManyRequests(wait=exc.wait)
    elif isinstance(exc, exceptions.APIException) and not isinstance(exc, FrenchDetail | exceptions.ValidationError):
        for exception_class, message in MESSAGES:
            if isinstance(exc, exception_class):
                request = context.get("request")
                exc.detail = ErrorDetail(message.format(method=getattr(request, "method", "")), code=exc.default_code)
                break
    return views.exception_handler(exc, context)
