"""Organisation form: a coordinator may only name communes of their own CLS."""

from django import forms

from mobilisation.core.forms import BaseModelForm, StaleSaveGuardMixin, SubmitOnceMixin, filterable
from mobilisation.territories.models import Commune, Department

from .models import Organisation


class OrganisationForm(SubmitOnceMixin, StaleSaveGuardMixin, BaseModelForm):
    website = forms.URLField(label="Site internet", required=False, assume_scheme="https", max_length=200)
    confirm_distinct = forms.BooleanField(label="Il s’agit bien d’une autre organisation que celles proposées", required=False)

    class Meta:
        model = Organisation
        fields = ["name", "kind", "department", "communes", "email", "phone", "website"]
        widgets = {"communes": forms.CheckboxSelectMultiple}
        help_texts = {"communes": "Communes où l’organisation intervient."}

    def __init__(self, *args, allowed_communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["communes"].queryset = allowed_communes.order_by("name")
        self.fields["communes"].required = True
        filterable(self.fields["communes"], "Filtrer les communes (nom ou code INSEE)")
        self.fields["department"].queryset = Department.objects.filter(communes__in=allowed_communes).distinct()
        self.similar = Organisation.objects.none()

    def clean(self):
        cleaned = super().clean()
        name, communes = cleaned.get("name"), cleaned.get("communes")
        if name and communes:
            # A second « CCAS de Dinan » is most often a mistake: offer the one the directory has before creating it.
            self.similar = Organisation.objects.similar_to(name, communes).exclude(pk=self.instance.pk)
            if self.similar and not cleaned.get("confirm_distinct"):
                names = " ; ".join(o.name for o in self.similar)
                self.add_error(
                    "name",
                    f"L’annuaire a déjà une organisation de ce nom dans ces communes : {names}. Ouvrez-la plutôt, "
                    "ou cochez « Il s’agit bien d’une autre organisation » pour l’ajouter quand même.",
                )
        return cleaned

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
