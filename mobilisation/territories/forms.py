"""Search form for communes and EPCI."""

from django import forms

from mobilisation.core.forms import BaseForm


class TerritorySearchForm(BaseForm):
    q = forms.CharField(
        label="Commune, code postal ou intercommunalité",
        min_length=2,
        max_length=100,
        help_text="Par exemple : Quimper, 29000 ou Lorient Agglomération.",
        error_messages={
            "required": "Saisissez un nom de commune, un code postal ou un nom d’intercommunalité.",
            "min_length": "Saisissez au moins 2 caractères.",
            "max_length": "Votre recherche est trop longue (100 caractères au plus).",
        },
    )

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise forms.ValidationError("Votre recherche contient un caractère non autorisé.")
        return value
