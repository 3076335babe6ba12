"""Registry forms: filters of the public list, and the ARS region's create/correct form."""

import datetime

from django import forms
from django.utils import timezone

from mobilisation.core.forms import BaseForm, BaseModelForm, ModelMultipleChoiceField
from mobilisation.territories.models import Commune, Department, Epci

from .enums import ClsStatus
from .models import Cls


class RegistryFilterForm(BaseForm):
    q = forms.CharField(label="Nom ou porteur", max_length=100, required=False)
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.all(), required=False, empty_label="Tous")
    status = forms.ChoiceField(label="Statut", choices=[("", "Tous")] + list(ClsStatus.choices), required=False)

    def filter(self, queryset):
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.filter(name__icontains=data["q"]) | queryset.filter(carrier_name__icontains=data["q"])
        if data["department"]:
            queryset = queryset.filter(department=data["department"])
        if data["status"]:
            queryset = queryset.filter(status=data["status"])
        return queryset


class ClsForm(BaseModelForm):
    epcis = ModelMultipleChoiceField(
        label="EPCI entièrement couverts",
        queryset=Epci.objects.order_by("name"),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 12}),
        help_text="Toutes les communes bretonnes de ces EPCI sont couvertes. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    extra_communes = forms.CharField(
        label="Autres communes couvertes (codes INSEE)",
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Pour un périmètre qui n’est pas un EPCI entier : codes INSEE séparés par des virgules ou des espaces, par exemple 35238, 29155.",
    )
    source_url = forms.URLField(label="Source", max_length=500, required=False, assume_scheme="https")
    source_url_2 = forms.URLField(label="Source complémentaire", max_length=500, required=False, assume_scheme="https")
    version = forms.CharField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = Cls
        fields = [
            "name",
            "slug",
            "carrier_name",
            "carrier_kind",
            "department",
            "status",
            "signature_date",
            "period",
            "coordinator_name",
            "coordinator_email",
            "certainty",
            "perimeter_certainty",
            "source_url",
            "source_url_2",
            "evidence",
            "note",
        ]
        widgets = {
            "signature_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "evidence": forms.Textarea(attrs={"rows": 3}),
            "note": forms.Textarea(attrs={"rows": 3}),
        }
        help_texts = {"slug": "Lettres minuscules, chiffres et tirets ; sert d’adresse à la page publique du CLS."}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.fields["epcis"].initial = list(self.instance.epcis.all())
            whole = set(Commune.objects.filter(epci__in=self.instance.epcis.all()).values_list("insee_code", flat=True))
            extra = [code for code in self.instance.communes.values_list("insee_code", flat=True) if code not in whole]
            self.fields["extra_communes"].initial = ", ".join(sorted(extra))
            self.fields["version"].initial = self.instance.updated_at.isoformat()
            self.fields["slug"].disabled = True

    def clean_signature_date(self):
        value = self.cleaned_data["signature_date"]
        if value and value > timezone.localdate():
            raise forms.ValidationError("La date de signature ne peut pas être dans le futur.")
        if value and value < datetime.date(2009, 7, 21):
            raise forms.ValidationError("Les CLS existent depuis la loi du 21 juillet 2009 : vérifiez la date.")
        return value

    def clean_extra_communes(self):
        raw = self.cleaned_data["extra_communes"].replace(",", " ").split()
        codes = {code.strip().upper() for code in raw if code.strip()}
        communes = list(Commune.objects.filter(insee_code__in=codes))
        unknown = sorted(codes - {c.insee_code for c in communes})
        if unknown:
            raise forms.ValidationError(f"Codes INSEE inconnus en Bretagne : {', '.join(unknown)}.")
        return communes

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("epcis") and not cleaned.get("extra_communes") and "extra_communes" not in self.errors:
            raise forms.ValidationError("Indiquez le périmètre du CLS : au moins un EPCI ou une commune.")
        if self.instance.pk and cleaned.get("version") != self.instance.updated_at.isoformat():
            raise forms.ValidationError(
                "Ce CLS a été modifié par quelqu’un d’autre pendant que vous le corrigiez. "
                "Vos saisies sont conservées ci-dessous : rechargez la page pour voir la nouvelle version, puis reportez vos corrections."
            )
        return cleaned
