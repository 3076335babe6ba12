"""Template filters for French numbers, amounts and dates (see core.formats)."""

from django import template

from mobilisation.core import formats

register = template.Library()


@register.filter
def nombre(value, decimals=None):
    """{{ value|nombre }} → "1 500" or "12,5"; {{ value|nombre:2 }} → "1 500,00"."""
    return formats.number(value, None if decimals in (None, "") else int(decimals))


@register.filter
def euros(value):
    """{{ value|euros }} → "5 000 €", "1 000,50 €"."""
    return formats.euros(value)


@register.filter
def jour(value):
    """{{ value|jour }} → "1er novembre 2026"."""
    return formats.day(value)


@register.filter
def jour_mois(value):
    """{{ value|jour_mois }} → "1er novembre"."""
    return formats.day(value, with_year=False)


@register.filter
def moment(value):
    """{{ value|moment }} → "1er novembre 2026 à 14:05"."""
    return formats.moment(value)


@register.filter
def telephone(value):
    """A stored phone number the French way: "+33261910077" → "02 61 91 00 77" (other countries as stored)."""
    return formats.phone(value)


@register.filter
def age_on(birth_date, day):
    """Full years on `day`."""
    return day.year - birth_date.year - ((day.month, day.day) < (birth_date.month, birth_date.day))
