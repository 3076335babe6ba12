"""Template filters for links to addresses users typed: only http and https ever become a link."""

from urllib.parse import urlsplit

from django import template

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
