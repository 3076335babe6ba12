"""Organisation form: a coordinator may only name communes of their own CLS."""

from django import forms

from mobilisation.core.forms import BaseModelForm, StaleSaveGuardMixin, SubmitOnceMixin
from mobilisation.territories.models import Commune, Department

from .models import Organisation


class OrganisationForm(SubmitOnceMixin, StaleSaveGuardMixin, BaseModelForm):
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https", max_length=200)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "department", "communes", "email", "phone", "website"]
        widgets = {"communes": forms.SelectMultiple(attrs={"size": 10})}
        help_texts = {"communes": "Communes où l’organisation intervient. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs."}

    def __init__(self, *args, allowed_communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = allowed_communes.order_by("name")
        self.fields["communes"].required = True
        self.fields["department"].queryset = Department.objects.filter(communes__in=allowed_communes).distinct()

    def clean_phone(self):
        phone = self.cleaned_data["phone"].strip()
        digits = phone.replace(" ", "").replace(".", "").replace("+33", "0")
        if phone and (not digits.isdigit() or len(digits) != 10):
            raise forms.ValidationError("Saisissez un numéro de téléphone à 10 chiffres, par exemple 02 96 00 00 00.")
        return phone


def allowed_communes_for(user):
    scope = user.scope
    if scope.manages_registry:
        return Commune.objects.all()
    from mobilisation.accounts.enums import Role

    return Commune.objects.filter(contracts__in=scope.cls_ids_for(Role.CLS_COORDINATOR)).distinct()
