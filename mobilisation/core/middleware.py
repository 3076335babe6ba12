"""Request limits (URL length, body size) and the privacy headers of every response.

RequestLimitsMiddleware answers an over-long URL (414) and an oversized body (413) with a French page before
anything reads them (SECURITY.md 14). It sits before the session and CSRF middleware: its `process_view` runs before
CsrfViewMiddleware's, which reads the body of a POST to find the token. A view that must take a bigger body (a file
import) says so with `@accepts_body_up_to(...)`; nothing else does.

PrivacyHeadersMiddleware:
- `Cache-Control: no-store` on every response to a signed-in user (or to a request carrying an `Authorization`
  header): pages, exports, PDFs and API answers hold what only that user may read, and must not stay in a shared
  browser's cache or a proxy. A view that marks its response `public` (reference boundaries, the same for everyone)
  keeps its cache. Anonymous public pages are left alone, and so are static files: WhiteNoise answers them before
  the authentication middleware, so they never carry a user.
- `Permissions-Policy` denying the powerful browser features the site never uses (camera, microphone,
  geolocation, payment, USB…): a script injected despite the CSP, or a page framing the site, cannot ask for them.
  It sits before WhiteNoise so that static files carry the header too.
"""

from django.conf import settings
from django.http import HttpResponse
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers, get_max_age

from .views import api_error, is_api_request

# Features of the Permissions-Policy specification that Chromium knows (it prints a console warning for a name it
# does not; other browsers ignore what they lack); "()" is the empty allowlist: off for the site and every frame.
DENIED_FEATURES = (
    "accelerometer",
    "autoplay",
    "camera",
    "display-capture",
    "encrypted-media",
    "geolocation",
    "gyroscope",
    "hid",
    "idle-detection",
    "magnetometer",
    "microphone",
    "midi",
    "payment",
    "publickey-credentials-get",
    "screen-wake-lock",
    "serial",
    "usb",
    "xr-spatial-tracking",
)
PERMISSIONS_POLICY = ", ".join(f"{feature}=()" for feature in DENIED_FEATURES)


def accepts_body_up_to(max_bytes):
    """Let a view take request bodies up to `max_bytes` instead of REQUEST_BODY_MAX_BYTES (e.g. a file import)."""

    def decorate(view):
        view.request_body_max_bytes = max_bytes
        return view

    return decorate


def body_max_bytes(view_func):
    return getattr(view_func, "request_body_max_bytes", settings.REQUEST_BODY_MAX_BYTES)


class RequestLimitsMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        # PATH_INFO is already decoded and QUERY_STRING is not: their sum is what the user typed, give or take escapes.
        length = len(request.META.get("PATH_INFO", "")) + len(request.META.get("QUERY_STRING", ""))
        if length > settings.URL_MAX_LENGTH:
            return limit_response(
                request,
                414,
                "L’adresse demandée est trop longue.",
                f"Le site accepte des adresses de {settings.URL_MAX_LENGTH} caractères au plus.",
            )
        return self.get_response(request)

    def process_view(self, request, view_func, view_args, view_kwargs):
        try:
            length = int(request.META.get("CONTENT_LENGTH") or 0)
        except ValueError:
            length = 0  # Django reads no body it cannot measure
        limit = body_max_bytes(view_func)
        if length > limit:
            return limit_response(
                request,
                413,
                "Les données envoyées sont trop volumineuses.",
                f"Ce formulaire accepte {size_in_words(limit)} au plus ; rien n’a été enregistré.",
            )
        return None


def size_in_words(count):
    """1048576 → "1 Mio", 500000 → "488 Kio": the unit a person reads, rounded down."""
    for unit, size in (("Mio", 1024 * 1024), ("Kio", 1024)):
        if count >= size:
            return f"{count // size}\xa0{unit}"
    return f"{count}\xa0octets"


def limit_response(request, status, title, detail):
    if is_api_request(request):
        return api_error(f"{title} {detail}", status)
    context = {"title": title, "detail": detail, "status": status}
    return HttpResponse(render_to_string(f"{status}.html", context, request=request), status=status)


class PrivacyHeadersMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        user = getattr(request, "user", None)  # unset when WhiteNoise answered (static files)
        if user is not None and (user.is_authenticated or "authorization" in request.headers) and not is_public(response):
            add_never_cache_headers(response)
        return response


def is_public(response):
    cache_control = response.get("Cache-Control", "")
    return "public" in [part.strip().split("=")[0] for part in cache_control.split(",")] and bool(get_max_age(response))
