"""The forms of isolation housing: a place offered, a stay asked (portal or desk), a decision's reason."""

import datetime

from django import forms
from django.utils import timezone
from dsfr.utils import dsfr_input_class_attr
from phonenumber_field.formfields import PhoneNumberField

from mobilisation.core.forms import BaseForm, BaseModelForm, HoneypotMixin, QuickSelect, StaleSaveGuardMixin, SubmitOnceMixin
from mobilisation.territories.models import Commune

from .enums import Requester
from .forms import PHONE_MESSAGE
from .models import MAX_PLACE_CAPACITY, MAX_STAY_NIGHTS, HousingPlace

BOOK_AHEAD_DAYS = 60
# Up to this many places are offered as radios; beyond, a list grouped by commune, the person's own first (a CLS of
# the crisis dataset offers 140 places around Dinan: radios the visitor would scroll through, rendered one by one).
RADIO_PLACES = 10
DATE_WIDGET = {
    "widget": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
    "error_messages": {"invalid": "Saisissez une date valide."},
}


class PlaceForm(SubmitOnceMixin, StaleSaveGuardMixin, BaseModelForm):
    commune = forms.ModelChoiceField(
        label="Commune",
        queryset=Commune.objects.none(),
        to_field_name="insee_code",
        widget=QuickSelect,
        error_messages={
            "required": "Choisissez la commune du lieu.",
            "invalid_choice": "Cette commune n’est pas servie par l’organisation.",
        },
    )
    capacity = forms.IntegerField(
        label="Places (personnes accueillies en même temps)",
        min_value=1,
        max_value=MAX_PLACE_CAPACITY,
        error_messages={
            "required": "Indiquez le nombre de places.",
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Un lieu offre au moins une place.",
            "max_value": f"Au plus {MAX_PLACE_CAPACITY} places par lieu : décrivez un grand site en plusieurs lieux.",
        },
    )
    phone = PhoneNumberField(
        label="Téléphone des réservations (facultatif)", region="FR", required=False, error_messages={"invalid": PHONE_MESSAGE}
    )

    class Meta:
        model = HousingPlace
        fields = [
            "organisation",
            "name",
            "kind",
            "commune",
            "address",
            "capacity",
            "accessible",
            "accessibility",
            "conditions",
            "phone",
            "is_active",
            "plan_action",
        ]

    def __init__(self, *args, organisations, plan_actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].empty_label = None
        self.fields["organisation"].error_messages["invalid_choice"] = "Vous n’agissez pas pour cette organisation."
        if self.instance.pk:
            self.fields["organisation"].disabled = True
        self.fields["commune"].queryset = Commune.objects.filter(organisations__in=organisations).distinct().order_by("name")
        self.fields["plan_action"].queryset = plan_actions
        self.fields["plan_action"].label_from_instance = lambda action: f"{action.title} ({action.plan.cls.name})"
        self.fields["plan_action"].empty_label = "Aucune"
        self.fields["plan_action"].error_messages["invalid_choice"] = "Cette action n’est pas proposée."

    def clean(self):
        cleaned = super().clean()
        organisation, commune = cleaned.get("organisation"), cleaned.get("commune")
        if organisation and commune and not organisation.communes.filter(pk=commune.pk).exists():
            self.add_error("commune", "Cette commune n’est pas servie par l’organisation choisie.")
        return cleaned


class StayForm(HoneypotMixin, BaseForm):
    """A stay asked by the person or a relative (the portal), or typed at the desk of the organisation."""

    place = forms.ModelChoiceField(
        label="Lieu",
        queryset=HousingPlace.objects.none(),
        widget=forms.RadioSelect,
        empty_label=None,
        error_messages={"required": "Choisissez un lieu.", "invalid_choice": "Ce lieu n’est pas ouvert aux habitants de la commune."},
    )
    arrival = forms.DateField(label="Arrivée le", **DATE_WIDGET)
    departure = forms.DateField(label="Départ le", help_text="Le matin du départ : la dernière nuit est la veille.", **DATE_WIDGET)
    people = forms.IntegerField(
        label="Nombre de personnes",
        min_value=1,
        max_value=MAX_PLACE_CAPACITY,
        initial=1,
        error_messages={
            "invalid": "Saisissez un nombre entier.",
            "min_value": "Au moins une personne.",
            "max_value": f"Saisissez au plus {MAX_PLACE_CAPACITY} personnes.",
        },
    )
    requester = forms.ChoiceField(
        label="Qui fait la demande ?", choices=Requester.choices, widget=forms.RadioSelect, initial=Requester.SELF
    )
    requester_name = forms.CharField(label="Votre nom, si vous êtes un proche (facultatif)", max_length=100, required=False)
    first_name = forms.CharField(label="Prénom de la personne à héberger", max_length=100)
    last_name = forms.CharField(label="Nom de la personne à héberger", max_length=100)
    phone = PhoneNumberField(
        label="Téléphone pour la joindre",
        region="FR",
        help_text="Par exemple 06 12 34 56 78.",
        error_messages={"invalid": PHONE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    email = forms.EmailField(
        label="Adresse électronique pour recevoir la réponse et l’adresse du lieu (facultatif)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr."},
    )
    needs_accessible = forms.BooleanField(label="Une personne se déplace en fauteuil roulant", required=False)
    consent = forms.BooleanField(
        label="La personne à héberger accepte que ces informations soient transmises à l’organisation qui offre le lieu. "
        "Rien n’est demandé sur sa santé.",
        error_messages={"required": "Cet accord est nécessaire pour traiter la demande."},
    )

    def __init__(self, *args, places, near=None, today=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.today = today or timezone.localdate()
        field = self.fields["place"]
        field.queryset = places  # what is accepted; the choices shown are read once below
        field.label_from_instance = self.place_label
        self.offered = list(places)
        if len(self.offered) > RADIO_PLACES:
            field.widget = QuickSelect()
            field.choices = [("", "Choisissez un lieu"), *self.grouped_choices(self.offered, near)]
            dsfr_input_class_attr(self["place"])  # the design system's class, as for the fields of the form
        self.initial.setdefault("arrival", self.today)
        self.initial.setdefault("departure", self.today + datetime.timedelta(days=7))

    @classmethod
    def grouped_choices(cls, places, near):
        """[(commune name, [(place id, label), …]), …]: the commune `near` first, then the others by name."""
        groups = {}
        for place in sorted(places, key=lambda place: (place.commune_id != getattr(near, "pk", None), place.commune.name)):
            groups.setdefault(place.commune.name, []).append((place.pk, cls.place_label(place)))
        return list(groups.items())

    @staticmethod
    def place_label(place):
        details = [place.get_kind_display(), place.commune.name, f"{place.capacity} place{'s' if place.capacity > 1 else ''}"]
        if place.accessible:
            details.append("accessible en fauteuil roulant")
        return f"{place.name} ({', '.join(details)})"

    def clean(self):
        cleaned = super().clean()
        place, arrival, departure, people = (cleaned.get(key) for key in ("place", "arrival", "departure", "people"))
        if arrival and arrival < self.today:
            self.add_error("arrival", "L’arrivée ne peut pas être passée.")
        elif arrival and arrival > self.today + datetime.timedelta(days=BOOK_AHEAD_DAYS):
            self.add_error("arrival", f"Les demandes se font au plus {BOOK_AHEAD_DAYS} jours à l’avance.")
        if arrival and departure:
            if departure <= arrival:
                self.add_error("departure", "Le départ suit l’arrivée d’au moins une nuit.")
            elif (departure - arrival).days > MAX_STAY_NIGHTS:
                self.add_error("departure", f"Un séjour dure au plus {MAX_STAY_NIGHTS} nuits.")
        if place and people and people > place.capacity:
            self.add_error("people", f"Ce lieu accueille au plus {place.capacity} personne{'s' if place.capacity > 1 else ''}.")
        if place and cleaned.get("needs_accessible") and not place.accessible:
            self.add_error("place", "Ce lieu n’est pas accessible en fauteuil roulant : choisissez-en un autre.")
        return cleaned

    def stay_data(self):
        data = self.cleaned_data
        return {
            "arrival": data["arrival"],
            "departure": data["departure"],
            "people": data["people"],
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "phone": data["phone"],
            "email": data["email"].strip().lower(),
            "requester": data["requester"],
            "requester_name": data["requester_name"].strip(),
            "needs_accessible": data["needs_accessible"],
        }


class AgentStayForm(SubmitOnceMixin, StayForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]


class DecisionNoteForm(BaseForm):
    note = forms.CharField(label="Motif (dit à la personne)", max_length=200, error_messages={"required": "Indiquez le motif."})
