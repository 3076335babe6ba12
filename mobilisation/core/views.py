"""Cross-cutting views: health check and error pages (400, 403, 404, 429, 500, 503 when the database is down).

Under /api/ the 400, 403 and 404 answers are JSON (`{"detail": "…"}`), as DRF's own errors are: a script reading the
API gets an error it can parse, not the site's HTML page, even for a path no route matches.
"""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

API_PATH_PREFIX = "/api/"
API_NOT_FOUND = "Ressource introuvable ou hors de votre périmètre."
API_PERMISSION_DENIED = "Vous n’avez pas le droit de faire cette opération."
API_BAD_REQUEST = "Requête incorrecte : la demande n’a pas pu être comprise."


def is_api_request(request):
    return request.path_info.startswith(API_PATH_PREFIX)


def api_error(detail, status):
    return JsonResponse({"detail": detail}, status=status, json_dumps_params={"ensure_ascii": False, "separators": (",", ":")})


def database_unavailable_response():
    return HttpResponse(render_to_string("503.html"), status=503, headers={"Retry-After": "30"})


@require_GET
@never_cache
def healthz(request):
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return JsonResponse({"status": "error", "database": "error"}, status=503)
    return JsonResponse({"status": "ok", "database": "ok"})


healthz.login_required = False


def server_error(request):
    """500 handler; a database outage gets the 503 page, rendered without touching the database."""
    exc = sys.exception()
    if isinstance(exc, OperationalError | InterfaceError):  # the database is unreachable, not a bad value
        return database_unavailable_response()
    return HttpResponse(render_to_string("500.html"), status=500)


def csrf_failure(request, reason=""):
    if is_api_request(request):
        return api_error(API_PERMISSION_DENIED, 403)
    return HttpResponse(render_to_string("403_csrf.html", request=request), status=403)


def page_not_found(request, exception=None):
    if is_api_request(request):
        return api_error(API_NOT_FOUND, 404)
    return HttpResponse(render_to_string("404.html", request=request), status=404)


def permission_denied(request, exception=None):
    if is_api_request(request):
        return api_error(API_PERMISSION_DENIED, 403)
    return HttpResponse(render_to_string("403.html", request=request), status=403)


def bad_request(request, exception=None, message=None):
    """400 page in French; `message` says what was wrong with the request."""
    if is_api_request(request):
        return api_error(message or API_BAD_REQUEST, 400)
    return HttpResponse(render_to_string("400.html", {"message": message}, request=request), status=400)


def too_many_requests(request, exception=None):
    """429 page of the rate-limited forms (django-ratelimit's RATELIMIT_VIEW); the ceilings count per minute."""
    return HttpResponse(render_to_string("429.html", request=request), status=429, headers={"Retry-After": "60"})
