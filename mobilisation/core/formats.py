"""French display of numbers, amounts and dates: the same text in pages, e-mails, history lines and PDFs.

"1 000,50 €", "1 500", "1er novembre 2026": the thousands are grouped by a no-break space, the decimal separator is
a comma, the first day of a month is "1er". Spreadsheet exports keep typed numbers and dates instead (core.exports).

Written by hand rather than through Django's locale machinery: the words and separators are fixed (the site is
French only), they must not depend on the language active in a background task, and a plan page formats hundreds
of figures and dates (Django's number_format and date_format cost ten times more).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone

NO_BREAK_SPACE = "\xa0"
MONTHS = ("janvier", "février", "mars", "avril", "mai", "juin", "juillet", "août", "septembre", "octobre", "novembre", "décembre")


def _decimal(value):
    if value is None or value == "" or isinstance(value, bool):
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def number(value, decimals=None):
    """A number in French: "1 500", "12,5", "1 000,50" (decimals: fixed count; None: as many as it has, at most 2)."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return ""
    if decimals is None:
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        decimals = max(0, -amount.as_tuple().exponent)
    else:
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    text = f"{amount:,.{decimals}f}"  # "1,000.50": Python's grouping, then the French separators
    return text.replace(",", NO_BREAK_SPACE).replace(".", ",")


def euros(value):
    """An amount in euros: "5 000 €" for whole euros, "1 000,50 €" with cents."""
    amount = _decimal(value)
    if amount is None or not amount.is_finite():
        return ""
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, decimals)}{NO_BREAK_SPACE}€"


def _local(value):
    if isinstance(value, datetime.datetime) and timezone.is_aware(value):
        return timezone.localtime(value)
    return value


def day(value, with_year=True):
    """A date in words: "1er novembre 2026", "15 décembre 2026" (a datetime is shown on its local day)."""
    if not isinstance(value, datetime.date):
        return ""
    value = _local(value)
    first = "1er" if value.day == 1 else str(value.day)
    month = MONTHS[value.month - 1]
    return f"{first} {month} {value.year}" if with_year else f"{first} {month}"


def moment(value):
    """A date and time: "1er novembre 2026 à 14:05"."""
    if not isinstance(value, datetime.datetime):
        return day(value)
    local = _local(value)
    return f"{day(local)} à {local:%H:%M}"


def phone(value):
    """A number stored in E.164: a French one written "02 61 91 00 77", another one left as stored; "" for none."""
    text = str(value or "")
    if text.startswith("+33") and len(text) == 12 and text[1:].isdigit():
        digits = "0" + text[3:]
        return " ".join(digits[i : i + 2] for i in range(0, 10, 2))
    return text
