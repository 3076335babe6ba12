"""Base forms rendered with the DSFR: optional fields are marked, as the design system recommends.

Malformed input is a form error, never a 500 nor a megabyte stored (SECURITY.md 14): a text field left without
`max_length` (a model's TextField, a password) accepts TEXT_MAX_LENGTH characters, and a multiple choice refuses
keys its database column cannot hold.
"""

import re
import uuid
from decimal import Decimal

from django import forms
from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.validators import MaxLengthValidator, MaxValueValidator, MinValueValidator
from django.db import connections, models
from django.utils.html import format_html, format_html_join
from django.utils.safestring import mark_safe
from dsfr.forms import DsfrBaseForm, DsfrDjangoTemplates

from . import page_cache

TEXT_MAX_LENGTH = 10_000

# One renderer for every form. django-dsfr gives each form a new renderer, hence a new template engine whose
# template cache starts empty: every field was parsed from disk again at each render (10 ms a field).
DSFR_RENDERER = DsfrDjangoTemplates()


class ModelMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Django's field, except that a key out of its integer column's range is an invalid choice.

    Django checks the range of a single key but sends a list of keys as it is: SQLite then raises OverflowError.
    """

    def _check_values(self, value):
        meta = self.queryset.model._meta
        key = meta.get_field(self.to_field_name) if self.to_field_name else meta.pk
        if isinstance(key, models.IntegerField) and isinstance(value, list | tuple):
            low, high = connections[self.queryset.db].ops.integer_field_range(key.get_internal_type())
            for item in value:
                try:
                    number = int(item)
                except (TypeError, ValueError):
                    continue  # Django's own check names it
                if (low is not None and number < low) or (high is not None and number > high):
                    raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice", params={"value": item})
        return super()._check_values(value)


def formfield_for(model_field, **kwargs):
    """Model forms build their many-to-many fields with the field above."""
    if isinstance(model_field, models.ManyToManyField):
        kwargs.setdefault("form_class", ModelMultipleChoiceField)
    return model_field.formfield(**kwargs)


class QuickSelect(forms.Select):
    """A select of hundreds of options (the FAQ's entries, the services of a territory) rendered in one pass: Django
    renders a template per option, a third of the call log's time.

    With a `cache_key` (set by the view, on the versions of what the options show: core.page_cache), the options are
    read and rendered once for every user and kept in the cache; only the chosen option is marked at each render."""

    template_name = "core/widgets/quick_select.html"
    cache_key = None

    def render_options(self, optgroups):
        parts = []
        for group_name, options, _index in optgroups:
            html = format_html_join(
                "",
                '<option value="{}"{}>{}</option>',
                ((option["value"], " selected" if option["selected"] else "", option["label"]) for option in options),
            )
            parts.append(format_html('<optgroup label="{}">{}</optgroup>', group_name, html) if group_name else html)
        return format_html_join("", "{}", ((part,) for part in parts))

    def get_context(self, name, value, attrs):
        if not (self.cache_key and page_cache.enabled()):
            context = super().get_context(name, value, attrs)
            context["widget"]["options_html"] = self.render_options(context["widget"]["optgroups"])
            return context
        context = forms.Widget.get_context(self, name, value, attrs)  # the options are not read unless the cache lacks them
        html = cache.get(self.cache_key)
        if html is None:
            html = str(self.render_options(self.optgroups(name, [])))
            cache.set(self.cache_key, html, settings.PAGE_CACHE_SECONDS)
        for chosen in context["widget"]["value"]:
            option = format_html('<option value="{}">', chosen)
            html = html.replace(option, option[:-1] + " selected>", 1)
        context["widget"]["options_html"] = mark_safe(html)  # noqa: S308 - rendered above, every value escaped
        return context


class HoneypotMixin(forms.Form):
    """A field people never see (hidden from screen readers too, templates/includes/honeypot.html) on a public form:
    a robot that fills it is thanked and forgotten. A form for agents deletes the field and is never a robot."""

    website = forms.CharField(label="Ne pas remplir", required=False, max_length=200)

    @property
    def is_robot(self):
        return "website" in self.fields and bool(self.data.get("website"))


class DsfrContextMixin:
    default_renderer = DSFR_RENDERER

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            is_text = isinstance(field, forms.CharField) and not isinstance(field, forms.UUIDField | forms.JSONField)
            if is_text and field.max_length is None:
                field.max_length = TEXT_MAX_LENGTH
                field.validators.append(MaxLengthValidator(TEXT_MAX_LENGTH))
                field.widget.attrs.setdefault("maxlength", str(TEXT_MAX_LENGTH))

    def get_context(self):
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseForm(DsfrContextMixin, DsfrBaseForm):
    pass


class BaseModelForm(DsfrContextMixin, forms.ModelForm, DsfrBaseForm):
    def __init_subclass__(cls, **kwargs):
        # Runs before ModelFormMetaclass builds the fields from Meta: every model form gets formfield_for.
        super().__init_subclass__(**kwargs)
        meta = cls.__dict__.get("Meta")
        if meta is not None and not hasattr(meta, "formfield_callback"):
            meta.formfield_callback = formfield_for


class StaleSaveGuardMixin:
    """Refuse a stale save (SECURITY.md 24): the form carries the `updated_at` of the record it was built from."""

    stale_message = (
        "Cet élément a été modifié par quelqu’un d’autre pendant votre saisie. Vos saisies sont conservées : "
        "rechargez la page pour voir la nouvelle version, puis reportez vos modifications."
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["seen_version"] = forms.CharField(
                widget=forms.HiddenInput, required=False, max_length=40, initial=self.instance.updated_at.isoformat()
            )

    def clean(self):
        cleaned = super().clean()
        if self.instance.pk and cleaned.get("seen_version") != self.instance.updated_at.isoformat():
            raise forms.ValidationError(self.stale_message)
        return cleaned


class SubmitOnceMixin:
    """A creation form carries a token, so that sending it twice creates one record (see core.services.submit_once)."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        instance = getattr(self, "instance", None)
        if instance is None or instance.pk is None:
            self.fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4)


class FrenchDecimalField(forms.DecimalField):
    """A number typed the French way: "1 000,50", "1000.5", "1 000,50 €"; exponents ("1e3") are refused.

    Browsers' number inputs refuse the space and comma French people type: the field is a text input that asks
    mobile keyboards for digits.
    """

    widget = forms.TextInput(attrs={"inputmode": "decimal", "autocomplete": "off"})
    default_error_messages = {
        "invalid": "Saisissez un nombre, par exemple « 1 000,50 ».",
    }
    SPACES = re.compile(r"[\s\u00a0\u202f]")

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        from .formats import number

        # Django writes the limits the English way ("0.01"): say them in French.
        for validator in self.validators:
            if isinstance(validator, MinValueValidator):
                validator.message = f"Saisissez un nombre supérieur ou égal à {number(validator.limit_value)}."
            elif isinstance(validator, MaxValueValidator):
                validator.message = f"Saisissez un nombre inférieur ou égal à {number(validator.limit_value)}."

    PLAIN_NUMBER = re.compile(r"-?[0-9]+(\.[0-9]+)?")

    def to_python(self, value):
        if value in self.empty_values:
            return None
        if isinstance(value, Decimal):
            return value
        text = self.SPACES.sub("", str(value)).removesuffix("€").replace(",", ".")
        if len(text) > 40 or not self.PLAIN_NUMBER.fullmatch(text):
            raise ValidationError(self.error_messages["invalid"], code="invalid")
        return Decimal(text)

    def prepare_value(self, value):
        if isinstance(value, Decimal | int | float) and not isinstance(value, bool):
            from .formats import number

            return number(value).replace("\xa0", " ")
        return value

    def widget_attrs(self, widget):
        # DecimalField would add min, max and step: they belong to number inputs, and the server checks the range.
        return forms.Field.widget_attrs(self, widget)


FILTERABLE_TEMPLATE = "core/fields/filterable_checkboxes.html"


def filterable(field, filter_label):
    """Render a multiple choice as checkboxes with a filter box (static/js/filterable.js): choosing communes among
    sixty or more is a search, not a Ctrl-click list. Without JavaScript it stays a plain list of checkboxes."""
    field.template_name = FILTERABLE_TEMPLATE
    field.filter_label = filter_label
    return field
