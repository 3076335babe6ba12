"""French display of numbers, amounts and dates: the same text in pages, e-mails, history lines and PDFs.

"1 000,50 €", "1 500", "1er novembre 2026": the thousands are grouped by a no-break space, the decimal separator is
a comma, the first day of a month is "1er". Spreadsheet exports keep typed numbers and dates instead (core.exports).
"""

import datetime
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from django.utils import timezone, translation
from django.utils.formats import date_format, number_format

NO_BREAK_SPACE = "\xa0"


def _decimal(value):
    if value is None or value == "":
        return None
    try:
        return value if isinstance(value, Decimal) else Decimal(str(value))
    except InvalidOperation:
        return None


def number(value, decimals=None):
    """A number in French: "1 500", "12,5", "1 000,50" (decimals: fixed count; None: as many as it has, at most 2)."""
    amount = _decimal(value)
    if amount is None:
        return ""
    if decimals is None:
        amount = amount.quantize(Decimal("0.01"), rounding=ROUND_HALF_UP).normalize()
        decimals = max(0, -amount.as_tuple().exponent)
    else:  # Django's number_format cuts the extra decimals: round them first
        amount = amount.quantize(Decimal(1).scaleb(-decimals), rounding=ROUND_HALF_UP)
    with translation.override("fr"):  # e-mails and history lines are French outside a request too
        return number_format(amount, decimal_pos=decimals, use_l10n=True, force_grouping=True)


def euros(value):
    """An amount in euros: "5 000 €" for whole euros, "1 000,50 €" with cents."""
    amount = _decimal(value)
    if amount is None:
        return ""
    decimals = 0 if amount == amount.to_integral_value() else 2
    return f"{number(amount, decimals)}{NO_BREAK_SPACE}€"


def day(value, with_year=True):
    """A date in words: "1er novembre 2026", "15 décembre 2026" (a datetime is shown on its local day)."""
    if value is None or value == "":
        return ""
    if isinstance(value, datetime.datetime):
        value = timezone.localtime(value) if timezone.is_aware(value) else value
    with translation.override("fr"):
        text = date_format(value, "F Y" if with_year else "F")
    first = "1er" if value.day == 1 else str(value.day)
    return f"{first} {text}"


def moment(value):
    """A date and time: "1er novembre 2026 à 14:05"."""
    if value is None or value == "":
        return ""
    local = timezone.localtime(value) if timezone.is_aware(value) else value
    return f"{day(local)} à {local:%H:%M}"
