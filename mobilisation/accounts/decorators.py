"""Remits: pages that belong to some roles only. Outside a role's remit a page is a 404, like an object out of scope.
And the second factor, for views that hold personal data (belt and braces behind SecondFactorMiddleware)."""

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


def second_factor_required(view):
    """The decorated view (personal data) is for sessions verified by a second factor only, whoever the user is: an
    unverified one is sent to the code page (or to enrolment when the account has no device yet), nothing is done."""
    from .second_factor import redirect_to_second_factor

    @functools.wraps(view)
    def wrapper(request, *args, **kwargs):
        user = request.user
        if not (user.is_authenticated and user.is_verified()):
            return redirect_to_second_factor(request, request.get_full_path() if request.method == "GET" else "")
        return view(request, *args, **kwargs)

    wrapper.second_factor_required = True
    return wrapper
