"""Base forms rendered with the DSFR: optional fields are marked, as the design system recommends."""

from django import forms
from dsfr.forms import DsfrBaseForm


class DsfrContextMixin:
    def get_context(self):
        context = forms.BaseForm.get_context(self)
        context["DSFR_MARK_OPTIONAL_FIELDS"] = True
        return context


class BaseForm(DsfrContextMixin, DsfrBaseForm):
    pass


class BaseModelForm(DsfrContextMixin, forms.ModelForm, DsfrBaseForm):
    pass
