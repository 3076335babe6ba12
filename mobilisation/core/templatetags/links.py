"""Template filters for links: addresses users typed (only http and https become a link), the site's own in e-mails."""

from urllib.parse import urlsplit

from django import template

from mobilisation.core.site import absolute_url as site_absolute_url

register = template.Library()


@register.filter
def web_url(value):
    """The address if it is an http(s) URL, else "" (a javascript: or data: address is shown as text, never linked)."""
    text = str(value or "").strip()
    try:
        scheme = urlsplit(text).scheme.lower()
    except ValueError:
        return ""
    return text if scheme in {"http", "https"} else ""


@register.filter
def absolute_url(path):
    """{{ path|absolute_url }} → the full address on SITE_URL, for e-mails (never the request's host)."""
    return site_absolute_url(str(path))
