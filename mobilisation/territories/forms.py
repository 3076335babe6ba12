"""Search form for communes and EPCI."""

from django import forms

from mobilisation.core.forms import BaseForm


def search_box(*, label, help_text, required):
    """A search box for a place: 2 to 100 characters, French messages."""
    return forms.CharField(
        label=label,
        min_length=2,
        max_length=100,
        help_text=help_text,
        error_messages={
            "required": required,
            "min_length": "Saisissez au moins 2 caractères.",
            "max_length": "Votre recherche est trop longue (100 caractères au plus).",
        },
    )


class TerritorySearchForm(BaseForm):
    q = search_box(
        label="Commune, code postal ou intercommunalité",
        help_text="Par exemple : Quimper, 29000 ou Lorient Agglomération.",
        required="Saisissez un nom de commune, un code postal ou un nom d’intercommunalité.",
    )

    def clean_q(self):
        value = self.cleaned_data["q"].strip()
        if "\x00" in value:
            raise forms.ValidationError("Votre recherche contient un caractère non autorisé.")
        return value
