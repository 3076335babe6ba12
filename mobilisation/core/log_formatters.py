"""Log formatting without personal data (SECURITY.md 20).

An exception's message may quote what a user typed: PostgreSQL's « DETAIL: Key (email)=(…) already exists »,
a refused recipient's address, a validation error. Logged tracebacks keep their frames (file, line, function) and
the exception's class, never its message.
"""

import logging
import traceback


class PrivacyFormatter(logging.Formatter):
    def formatException(self, exc_info):
        exc_type, _, tb = exc_info
        frames = "".join(traceback.format_tb(tb))
        return f"Traceback (most recent call last):\n{frames}{exc_type.__module__}.{exc_type.__qualname__} (message omis)"
