"""The site's public address, from one setting (SITE_URL): every link sent by e-mail or written in a document."""

from django.conf import settings


def absolute_url(path):
    """`path` ("/plans/…") as a full address on the configured site, e.g. https://mobilisation-cls.bzh/plans/…."""
    return f"{settings.SITE_URL.rstrip('/')}/{path.lstrip('/')}"
