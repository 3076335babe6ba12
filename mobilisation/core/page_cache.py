"""Rendered pages kept in the cache, keyed on versions that the writes which change their content bump.

A page read far more often than it changes (a public page, a plan, a follow-up) is rendered once per change instead of
once per view. Its key holds the *versions* of what it shows: a version is a token in the cache, replaced by every
write that changes that content (`bump`), so the next view renders afresh. Nothing expires by guesswork, and a cache
emptied or evicted only costs a render.

- "public": the reference and public content (territories, statistics, CLS registry, catalogue). Bumped by saves of
  those models (`PUBLIC_CONTENT_MODELS`, connected in CoreConfig.ready()) and by the loaders, which write in bulk.
- "help": the local help (the directory's organisations and services, the restriction periods, the hotline's lines
  and FAQ): the portal's pages of help near a commune and its questions and answers. Bumped by saves of `HELP_CONTENT_MODELS`.
- "housing": the capacity figures of isolation housing (places and bookings, `HOUSING_MODELS`).
- "people": the accounts and their memberships (`PEOPLE_MODELS`): the counts of the "Personnes" list. A login, which
  only writes last_login, changes no count and bumps nothing.
- "plan:<id>": one plan's page; bumped by every plans service (plans.services.common.record) and by the restriction
  state refresh. "plans": every plan at once, for the follow-ups that add them up.

What differs between two users of one version (the CSRF token of their session, the CSP nonce of the request) is
written into the cached HTML as a placeholder and put back at each view (`personalise`). The cache must be shared by
every process that serves the site (CACHE_URL, docs/environnement.md), as it already must be for the rate limits.
"""

import functools
import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.core.paginator import Paginator
from django.db import transaction
from django.http import HttpResponse
from django.middleware.csrf import get_token
from django.utils import timezone

# The models whose saves change public pages; the loaders bump "public" themselves (bulk writes send no signal).
PUBLIC_CONTENT_MODELS = [
    "territories.Region",
    "territories.Department",
    "territories.Epci",
    "territories.Commune",
    "territories.FormerCommune",
    "territories.ArsOffice",
    "territories.Boundary",
    "territories.DataSource",
    "territories.CommuneStatistics",
    "contracts.Cls",
    "catalogue.Mobilisation",
    "catalogue.Axis",
    "catalogue.Theme",
    "catalogue.ActionModel",
    "catalogue.Resource",
    "catalogue.Modality",
    "catalogue.TargetPublic",
]
# The models whose saves change the pages of local help (the portal's "near me", a service's page): bumped as "help".
HELP_CONTENT_MODELS = [
    "directory.Organisation",
    "directory.Service",
    "plans.RestrictionPeriod",
    "hotline.Line",
    "hotline.FaqEntry",
    "hotline.FaqVariant",
    "mutualaid.HousingPlace",
]
# The models whose writes change the capacity figures of isolation housing (free places tonight and this week).
HOUSING_MODELS = ["mutualaid.HousingPlace", "mutualaid.HousingBooking"]
# The models whose writes change who is listed in "Personnes", and in which state.
PEOPLE_MODELS = ["accounts.User", "accounts.Membership"]
CSRF_PLACEHOLDER = "csrf-3f0c9a7e5b2d4e61a8f9c0d1e2b3a4c5"
VERSION_TIMEOUT = None  # a version lives until it is replaced


def _version_key(name):
    return f"page-version:{name}"


def version(name):
    """The current token of `name`; a missing one is created (so an emptied cache renders everything afresh)."""
    key = _version_key(name)
    token = cache.get(key)
    if token is None:
        cache.add(key, uuid.uuid4().hex, VERSION_TIMEOUT)
        token = cache.get(key)
    return token


def versions(*names):
    keys = [_version_key(name) for name in names]
    found = cache.get_many(keys)
    return [found.get(key) or version(name) for key, name in zip(keys, names, strict=True)]


def bump(*names):
    """The content behind these versions changed: every page keyed on them renders afresh.

    Bumped at once, and again once the transaction commits: a page rendered by another request between the write
    and its commit (from the data of before) would otherwise stay cached under the new version.
    """
    if not names:
        return

    def replace():
        cache.set_many({_version_key(name): uuid.uuid4().hex for name in names}, VERSION_TIMEOUT)

    replace()
    transaction.on_commit(replace)


def public_content_changed(**kwargs):
    """Signal receiver (and loaders' call): a public model was written."""
    bump("public")


def help_content_changed(**kwargs):
    """Signal receiver: a model of the local help pages was written."""
    bump("help")


def housing_changed(**kwargs):
    """Signal receiver: a place or a booking was written, the capacity figures are computed afresh."""
    bump("housing")


def people_changed(update_fields=None, **kwargs):
    """Signal receiver: an account or a membership was written (a login's last_login alone changes no list)."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    bump("people")


def plans_changed(plan_ids):
    """These plans' pages, and the follow-ups that add plans up, render afresh."""
    bump("plans", *(f"plan:{pk}" for pk in set(plan_ids)))


def key_of(prefix, *parts):
    """A cache key for these parts (hashed: parts may be long, e.g. a query string)."""
    digest = hashlib.sha256(repr(parts).encode()).hexdigest()[:40]
    return f"page:{prefix}:{settings.PAGE_CACHE_RELEASE}:{digest}"


def enabled():
    return settings.PAGE_CACHE_SECONDS > 0


def personalise(html, request):
    """Cached HTML (text, or a response's bytes) for this request: its own CSRF token where the placeholder stands
    (get_token also has the CSRF middleware set the cookie that goes with it)."""
    placeholder = CSRF_PLACEHOLDER if isinstance(html, str) else CSRF_PLACEHOLDER.encode()
    if placeholder in html:
        token = get_token(request)
        html = html.replace(placeholder, token if isinstance(html, str) else token.encode())
    return html


def placeholder_token(request):
    """The CSRF token a template renders for this request: the placeholder while `public_page` renders a page to
    store (the site context processor passes it), else None (Django's own lazy token)."""
    return CSRF_PLACEHOLDER if getattr(request, "renders_placeholder", False) else None


def value(key, compute):
    """The value `compute()` returns, from the cache when it holds it (a count, figures: anything picklable)."""
    if not enabled():
        return compute()
    found = cache.get(key)
    if found is None:
        found = compute()
        cache.set(key, found, settings.PAGE_CACHE_SECONDS)
    return found


def fragment(key, render):
    """The HTML `render()` returns, from the cache when it holds it. `render` is given the CSRF placeholder to use as
    the context's csrf_token, so that the stored HTML holds no user's token."""
    if not enabled():
        return render(None)
    html = cache.get(key)
    if html is None:
        html = render(CSRF_PLACEHOLDER)
        cache.set(key, html, settings.PAGE_CACHE_SECONDS)
    return html


def public_page(view=None, *, on=("public",)):
    """Serve an anonymous visitor's GET from the cache while the public content has not changed.

    `@public_page` keys the page on the "public" version; `@public_page(on=("public", "help"))` on others as well.

    Only anonymous requests without pending messages are cached (a signed-in user's page shows their name and
    menu); only HTML answers of 200 that set no cookie are stored (an export, a redirect are not). The stored body
    keeps the CSP nonce it was rendered with: it is replaced by this request's. A page carrying a form (a public
    sign-up) is rendered with the CSRF placeholder as its token (`renders_placeholder`, read by the site context
    processor) and each visitor gets their own token put back, with the CSRF cookie that goes with it.
    """

    if view is None:
        return functools.partial(public_page, on=on)

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        cacheable = (
            enabled()
            and request.method in ("GET", "HEAD")
            and not request.user.is_authenticated
            and "messages" not in request.COOKIES
            and "format" not in request.GET
        )
        if not cacheable:
            return view(request, *args, **kwargs)
        key = key_of("public", request.get_full_path(), *versions(*on), timezone.localdate())
        nonce = request.csp_nonce
        hit = cache.get(key)
        if hit is not None:
            body, content_type, old_nonce = hit
            return HttpResponse(personalise(body.replace(old_nonce.encode(), nonce.encode()), request), content_type=content_type)
        request.renders_placeholder = True
        try:
            response = view(request, *args, **kwargs)
        finally:
            del request.renders_placeholder
        storable = (
            response.status_code == 200
            and not response.streaming
            and not response.cookies
            and response.get("Content-Type", "").startswith("text/html")
            and not request.META.get("CSRF_COOKIE_NEEDS_UPDATE")  # a token of this visitor's made it into the page
        )
        if storable:
            cache.set(key, (response.content, response["Content-Type"], nonce), settings.PAGE_CACHE_SECONDS)
        if not response.streaming:
            response.content = personalise(response.content, request)
        return response

    return wrapper


class CountedPaginator(Paginator):
    """A Paginator whose total comes from the cache under `count_key` (which must hold the versions of what the
    count depends on; None: counted at each page): counting 80,000 accounts at every page of a list costs more than
    the page itself."""

    def __init__(self, object_list, per_page, *, count_key, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.count_key = count_key

    @functools.cached_property
    def count(self):
        if self.count_key is None:
            return Paginator.count.func(self)
        return value(self.count_key, lambda: Paginator.count.func(self))
