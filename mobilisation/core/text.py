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
