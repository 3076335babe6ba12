"""Text helpers: accent- and case-insensitive search keys."""

import re
import unicodedata


def search_key(value: str) -> str:
    """Fold a name for matching: no accents, lower case, hyphens and apostrophes as spaces."""
    decomposed = unicodedata.normalize("NFKD", value or "")
    ascii_text = "".join(ch for ch in decomposed if not unicodedata.combining(ch))
    ascii_text = ascii_text.lower().replace("œ", "oe").replace("æ", "ae")
    ascii_text = re.sub(r"[^a-z0-9]+", " ", ascii_text)
    return ascii_text.strip()


def unique_slug(queryset, title, *, fallback, max_length=70):
    """A slug of `title` not yet used in `queryset` (suffixed -2, -3… when taken)."""
    from django.utils.text import slugify

    base = slugify(title)[:max_length] or fallback
    slug, n = base, 1
    while queryset.filter(slug=slug).exists():
        n += 1
        slug = f"{base}-{n}"
    return slug
