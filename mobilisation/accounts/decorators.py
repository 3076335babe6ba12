"""Remits: pages that belong to some roles only. Outside a role's remit a page is a 404, like an object out of scope."""

import functools

from django.http import Http404


def remit(*roles):
    """The decorated view answers 404 to anyone holding none of `roles` (superusers excepted)."""

    def decorator(view):
        @functools.wraps(view)
        def wrapper(request, *args, **kwargs):
            user = request.user
            if not (user.is_superuser or user.has_role(*roles)):
                raise Http404("Page introuvable")
            return view(request, *args, **kwargs)

        wrapper.remit = frozenset(roles)
        return wrapper

    return decorator
