"""Cross-cutting views: health check and error pages (404, 403, 429, 500, 503 when the database is down)."""

import sys

from django.db import DatabaseError, InterfaceError, OperationalError, connection
from django.http import HttpResponse, JsonResponse
from django.template.loader import render_to_string
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET


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
    return HttpResponse(render_to_string("403_csrf.html", request=request), status=403)


def page_not_found(request, exception=None):
    return HttpResponse(render_to_string("404.html", request=request), status=404)


def permission_denied(request, exception=None):
    return HttpResponse(render_to_string("403.html", request=request), status=403)


def bad_request(request, exception=None, message=None):
    """400 page in French; `message` says what was wrong with the request."""
    return HttpResponse(render_to_string("400.html", {"message": message}, request=request), status=400)


def too_many_requests(request, exception=None):
    """429 page of the rate-limited forms (django-ratelimit's RATELIMIT_VIEW); the ceilings count per minute."""
    return HttpResponse(render_to_string("429.html", request=request), status=429, headers={"Retry-After": "60"})
