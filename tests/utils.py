"""Helpers to read pages as a user would: unescaped text with ordinary spaces."""

import html
import re


def page_text(response):
    """The page's HTML, unescaped, with non-breaking and narrow spaces folded into plain spaces."""
    content = response.content.decode() if hasattr(response, "content") else str(response)
    content = html.unescape(content).replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", content)
