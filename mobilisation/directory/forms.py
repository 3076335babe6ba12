"""Organisation form: a coordinator may only name communes of their own CLS."""

from django import forms

from mobilisation.core.forms import BaseModelForm, StaleSaveGuardMixin, SubmitOnceMixin, filterable
from mobilisation.territories.models import Commune, Department, Epci

from . import opening_hours, schema
from .models import Organisation, Service
from .models.services import ReceptionMode


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


TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class ServiceForm(SubmitOnceMixin, StaleSaveGuardMixin, BaseModelForm):
    """A service of an organisation: the data·inclusion fields, its eligibility area, its hours as a grid of the week."""

    thematiques = forms.MultipleChoiceField(label="Thématiques", widget=forms.CheckboxSelectMultiple)
    publics = forms.MultipleChoiceField(label="Publics", widget=forms.CheckboxSelectMultiple)
    reception_modes = forms.MultipleChoiceField(label="Modes d’accueil", widget=forms.CheckboxSelectMultiple)
    mobilisation_modes = forms.MultipleChoiceField(label="Comment le demander", widget=forms.CheckboxSelectMultiple)
    link = forms.URLField(label="Lien pour demander le service", required=False, assume_scheme="https", max_length=200)
    holidays_closed = forms.BooleanField(label="Fermé les jours fériés", required=False)

    class Meta:
        model = Service
        fields = [
            "name",
            "description",
            "status",
            "status_details",
            "thematiques",
            "publics",
            "publics_details",
            "access_conditions",
            "fee",
            "fee_details",
            "reception_modes",
            "modalities",
            "zone_departments",
            "zone_epcis",
            "zone_communes",
            "commune",
            "address",
            "address_complement",
            "postal_code",
            "latitude",
            "longitude",
            "phone",
            "email",
            "link",
            "mobilisation_modes",
            "mobilisation_details",
            "checked_on",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "modalities": forms.CheckboxSelectMultiple,
            "zone_departments": forms.CheckboxSelectMultiple,
            "zone_epcis": forms.CheckboxSelectMultiple,
            "zone_communes": forms.CheckboxSelectMultiple,
            "checked_on": DATE,
        }
        help_texts = {
            "zone_communes": "Le service est ouvert aux habitants de ces communes, de ces EPCI ou de ces départements : donnez au moins l’un d’eux.",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["thematiques"].choices = [
            (value, f"{group} – {label}") for group, items in schema.thematique_choices() for value, label in items
        ]
        filterable(self.fields["thematiques"], "Filtrer les thématiques")
        self.fields["publics"].choices = schema.public_choices()
        self.fields["reception_modes"].choices = ReceptionMode.choices
        self.fields["mobilisation_modes"].choices = schema.mobilisation_choices()
        self.fields["mobilisation_modes"].required = False
        self.fields["zone_communes"].queryset = Commune.objects.order_by("name")
        filterable(self.fields["zone_communes"], "Filtrer les communes (nom ou code INSEE)")
        self.fields["zone_epcis"].queryset = Epci.objects.order_by("name")
        filterable(self.fields["zone_epcis"], "Filtrer les EPCI")
        self.fields["commune"].queryset = Commune.objects.order_by("name")
        self.fields["modalities"].required = True
        week = None
        if self.instance.opening_hours:
            try:
                week = opening_hours.parse(self.instance.opening_hours)
            except opening_hours.OpeningHoursError:
                week = None
        self.initial.setdefault("holidays_closed", bool(week and week.holidays_closed))
        self.hour_rows = []
        for day, name in enumerate(opening_hours.DAY_NAMES):
            ranges = week.days.get(day, ()) if week else ()
            row = []
            for index in range(opening_hours.RANGES_PER_DAY):
                start, end = ranges[index] if index < len(ranges) else (None, None)
                for edge, value, label in (("start", start, "de"), ("end", end, "à")):
                    key = f"hours_{day}_{index}_{edge}"
                    self.fields[key] = forms.TimeField(
                        label=f"{name.capitalize()}, plage {index + 1} : {label}", required=False, widget=TIME, initial=value
                    )
                    row.append(key)
            self.hour_rows.append((name, row))

    def hour_fields(self):
        """[(day name, [bound fields: start 1, end 1, start 2, end 2]), …] for the week's grid."""
        return [(name, [self[key] for key in keys]) for name, keys in self.hour_rows]

    def visible_fields(self):
        hours = {key for _, keys in getattr(self, "hour_rows", []) for key in keys} | {"holidays_closed"}
        return [field for field in super().visible_fields() if field.name not in hours]

    def clean_postal_code(self):
        code = self.cleaned_data["postal_code"].strip()
        if code and not (code.isdigit() and len(code) == 5):
            raise forms.ValidationError("Un code postal a 5 chiffres, par exemple 22100.")
        return code

    def clean(self):
        cleaned = super().clean()
        if not (cleaned.get("zone_communes") or cleaned.get("zone_epcis") or cleaned.get("zone_departments")):
            self.add_error("zone_communes", "Dites à qui le service est ouvert : au moins une commune, un EPCI ou un département.")
        modes = cleaned.get("reception_modes") or []
        if ReceptionMode.IN_PERSON in modes and not (cleaned.get("commune") and cleaned.get("address")):
            self.add_error("address", "Un service sur place a une adresse et une commune : où les personnes viennent-elles ?")
        days = {}
        for day, (name, keys) in enumerate(self.hour_rows):
            ranges = []
            for index in range(opening_hours.RANGES_PER_DAY):
                start_key, end_key = keys[2 * index], keys[2 * index + 1]
                start, end = cleaned.get(start_key), cleaned.get(end_key)
                if start is None and end is None:
                    continue
                if start is None or end is None:
                    self.add_error(start_key if start is None else end_key, f"Le {name}, donnez le début et la fin de la plage.")
                    continue
                ranges.append((start, end))
            if ranges:
                try:
                    days[day] = opening_hours.check_ranges(ranges)
                except opening_hours.OpeningHoursError as error:
                    self.add_error(keys[0], f"Le {name} : {error}")
        self.instance.opening_hours = opening_hours.Week(days=days, holidays_closed=bool(cleaned.get("holidays_closed"))).to_osm()
        return cleaned
