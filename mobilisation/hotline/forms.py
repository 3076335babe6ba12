"""The hotline's forms: a line's settings, the call log entry (and what it may lead to), a missed call, a callback's
outcome, an FAQ entry with its variants, a proposal's decision."""

import datetime
import re

from django import forms
from django.forms.utils import ErrorDict
from django.utils import timezone
from phonenumber_field.formfields import PhoneNumberField

from mobilisation.core.forms import BaseForm, BaseModelForm, QuickSelect, SubmitOnceMixin
from mobilisation.core.text import search_key
from mobilisation.directory.models import Service
from mobilisation.mutualaid.forms import PHONE_MESSAGE, AidRequestForm
from mobilisation.territories.models import Commune

from .enums import CallbackOutcome, CallerKind, Reason, Referral, reason_bits
from .models import FaqEntry, FaqVariant, Line

CODE_IN_LABEL = re.compile(r"\((\w{5})\)\s*$")


class LineForm(BaseModelForm):
    territory = forms.ChoiceField(label="Territoire de la ligne", help_text="Un CLS, ou une commune pour la ligne d’un CCAS.")

    class Meta:
        model = Line
        fields = ["name", "number", "hours", "is_active", "callback_attempts", "plan_action"]

    def __init__(self, *args, contracts, communes, plan_actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["number"].error_messages["invalid"] = "Saisissez un numéro valide, par exemple 0 800 35 35 35."
        self.territories = {f"cls:{cls.pk}": ("cls", cls) for cls in contracts}
        self.territories.update({f"commune:{commune.pk}": ("commune", commune) for commune in communes})
        self.fields["territory"].choices = [("", "Choisir"), *((key, str(value)) for key, (_kind, value) in self.territories.items())]
        self.fields["territory"].error_messages["invalid_choice"] = "Ce territoire n’est pas dans votre périmètre."
        if self.instance.pk:
            self.initial["territory"] = f"cls:{self.instance.cls_id}" if self.instance.cls_id else f"commune:{self.instance.commune_id}"
        self.fields["plan_action"].queryset = plan_actions
        self.fields["plan_action"].label_from_instance = lambda action: f"{action.title} ({action.plan.cls.name})"
        self.fields["plan_action"].empty_label = "Aucune"
        self.order_fields(["name", "territory"])

    def clean(self):
        cleaned = super().clean()
        if key := cleaned.get("territory"):
            kind, value = self.territories[key]
            self.instance.cls = value if kind == "cls" else None
            self.instance.commune = value if kind == "commune" else None
        return cleaned


class CommuneInputField(forms.CharField):
    """The caller's commune, typed: a name, a postcode, an INSEE code, or a choice of the list the page suggests
    (« Dinan (22050) »). Empty when the caller does not say."""

    def __init__(self, *, preferred, **kwargs):
        self.preferred = preferred  # the line's communes: where a name shared by two communes is looked for first
        super().__init__(max_length=80, required=False, **kwargs)

    def clean(self, value):
        value = super().clean(value).strip()
        if not value:
            return None
        if match := CODE_IN_LABEL.search(value):
            value = match.group(1)
        candidates = list(Commune.objects.search(value).only("insee_code", "name", "postal_codes")[:20])
        exact = [commune for commune in candidates if commune.insee_code == value.upper() or search_key(commune.name) == search_key(value)]
        if exact:
            candidates = exact
        if len(candidates) > 1:
            nearby = [commune for commune in candidates if commune.pk in self.preferred]
            candidates = nearby or candidates
        if not candidates:
            raise forms.ValidationError("Commune inconnue en Bretagne : saisissez son nom, son code postal ou son code INSEE.")
        if len(candidates) > 1:
            names = ", ".join(f"{commune.name} ({commune.insee_code})" for commune in candidates[:5])
            raise forms.ValidationError(f"Plusieurs communes correspondent : {names}. Choisissez-en une dans la liste.")
        return candidates[0]


class CallForm(SubmitOnceMixin, BaseForm):
    """One call, typed while it happens: the keyboard goes down the form, nothing is required but the reasons."""

    commune = CommuneInputField(
        preferred=frozenset(),  # the line's communes, set by __init__
        label="Commune de l’appelant (facultatif)",
        help_text="Nom, code postal ou code INSEE. Vide si l’appelant ne la donne pas.",
        widget=forms.TextInput(attrs={"list": "communes-de-la-ligne", "autocomplete": "off", "autofocus": True}),
    )
    caller_kind = forms.ChoiceField(label="Qui appelle ?", choices=CallerKind.choices, initial=CallerKind.PERSON, widget=forms.RadioSelect)
    reasons = forms.MultipleChoiceField(
        label="Motifs de l’appel",
        choices=Reason.choices,
        widget=forms.CheckboxSelectMultiple,
        error_messages={"required": "Cochez au moins un motif."},
    )
    faq_entry = forms.ModelChoiceField(
        label="Fiche de la FAQ lue (facultatif)",
        queryset=FaqEntry.objects.none(),
        required=False,
        empty_label="Aucune",
        widget=QuickSelect,
        error_messages={"invalid_choice": "Cette fiche n’est plus en vigueur : choisissez-en une autre."},
    )
    answer = forms.CharField(
        label="Réponse donnée (facultatif)",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Ce que vous avez répondu, en quelques mots. Ni nom ni information de santé de l’appelant.",
    )
    referral = forms.ChoiceField(label="Orientation", choices=Referral.choices, initial=Referral.NONE)
    service_search = forms.CharField(
        label="Chercher un service de l’annuaire",
        max_length=100,
        required=False,
        help_text="Un mot du nom du service ou de son organisation ; les services de la commune de l’appelant d’abord. Les accents ne comptent pas.",
        widget=forms.TextInput(attrs={"type": "search", "autocomplete": "off"}),
    )
    service = forms.ModelChoiceField(  # rendered as the radios of the search's results (hotline/_service_choices.html)
        label="Service de l’annuaire",
        queryset=Service.objects.none(),
        required=False,
        error_messages={"invalid_choice": "Ce service ne sert pas le territoire de la ligne."},
    )
    duration_minutes = forms.IntegerField(
        label="Durée en minutes (facultatif)",
        min_value=0,
        max_value=240,
        required=False,
        widget=forms.NumberInput(attrs={"inputmode": "numeric"}),
    )
    wants_callback = forms.BooleanField(label="Rappel à faire", required=False)
    wants_help = forms.BooleanField(label="Demande d’aide (avec l’accord de l’appelant)", required=False)
    wants_registration = forms.BooleanField(
        label="Proposer une inscription au registre du CCAS (avec l’accord de la personne)", required=False
    )

    def __init__(self, data=None, *, line, communes, services, faq_entries, **kwargs):
        super().__init__(data, **kwargs)
        self.line = line
        self.fields["commune"].preferred = {commune.pk for commune in communes}
        self.fields["service"].queryset = services
        self.fields["faq_entry"].queryset = faq_entries
        prefix = {"data": data}
        self.callback_form = CallbackForm(**prefix, prefix="rappel")
        self.help_form = HotlineAidForm(**prefix, prefix="aide")
        self.registration_form = ProposalForm(**prefix, prefix="registre")

    def searching(self):
        """Whether the operator asked for the directory's services (the « Chercher » button, without scripts): the
        call is shown again as typed, neither checked nor saved."""
        if not (self.is_bound and "chercher_service" in self.data):
            return False
        for form in (self, *(sub for _flag, sub in self.sub_forms())):
            form._errors, form.cleaned_data = ErrorDict(), {}
        return True

    def sub_forms(self):
        return [("wants_callback", self.callback_form), ("wants_help", self.help_form), ("wants_registration", self.registration_form)]

    def is_valid(self):
        """The call and each part the operator ticked (a part not ticked is not read)."""
        valid = super().is_valid()
        if not self.is_bound:
            return False
        for flag, form in self.sub_forms():
            if self.cleaned_data.get(flag):
                valid = form.is_valid() and valid
            else:  # shown again with what was typed, without errors: it is not part of this call
                form._errors, form.cleaned_data = ErrorDict(), {}
        return valid

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("service") and cleaned.get("referral") == Referral.NONE:
            cleaned["referral"] = Referral.SERVICE  # a service chosen is the call's orientation
        if cleaned.get("referral") == Referral.SERVICE and not cleaned.get("service") and "service" not in self.errors:
            self.add_error("service", "Choisissez le service vers lequel vous orientez l’appelant.")
        if cleaned.get("referral") != Referral.SERVICE:
            cleaned["service"] = None
        needs_commune = cleaned.get("wants_help") or cleaned.get("wants_registration")
        if needs_commune and not cleaned.get("commune") and "commune" not in self.errors:
            self.add_error("commune", "Une demande d’aide ou une inscription au registre a besoin de la commune de la personne.")
        return cleaned

    def call_data(self):
        data = self.cleaned_data
        return {
            "commune": data["commune"],
            "caller_kind": data["caller_kind"],
            "reasons": reason_bits(data["reasons"]),
            "faq_entry": data["faq_entry"],
            "answer": data["answer"].strip(),
            "referral": data["referral"],
            "service": data["service"],
            "duration_minutes": data["duration_minutes"],
        }

    def callback_data(self):
        return self.callback_form.callback_data() if self.cleaned_data.get("wants_callback") else None

    def aid_request_data(self):
        if not self.cleaned_data.get("wants_help"):
            return None
        return {**self.help_form.request_data(), "commune": self.cleaned_data["commune"]}

    def proposal_data(self):
        if not self.cleaned_data.get("wants_registration"):
            return None
        return {**self.registration_form.proposal_data(), "commune": self.cleaned_data["commune"]}


class CallbackForm(BaseForm):
    phone = PhoneNumberField(
        label="Numéro à rappeler",
        region="FR",
        error_messages={"invalid": PHONE_MESSAGE, "required": "Saisissez le numéro à rappeler."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom ou nom donné (facultatif)", max_length=60, required=False)
    note = forms.CharField(label="Objet du rappel (facultatif)", max_length=200, required=False, help_text="Sans information de santé.")
    due_at = forms.DateTimeField(
        label="À rappeler à partir de (facultatif)",
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"invalid": "Saisissez une date et une heure, par exemple 03/12/2026 14:30."},
        help_text="Vide : dès que possible.",
    )

    def clean_due_at(self):
        due = self.cleaned_data["due_at"]
        if due and due > timezone.now() + datetime.timedelta(days=30):
            raise forms.ValidationError("Un rappel se fait dans les 30 jours.")
        return due

    def callback_data(self):
        data = self.cleaned_data
        return {
            "phone": data["phone"],
            "first_name": data["first_name"].strip(),
            "note": data["note"].strip(),
            "due_at": data["due_at"] or timezone.now(),
        }


class HotlineAidForm(AidRequestForm):
    """A request for help taken on the phone: the portal's request, without the robot trap; the commune is the call's."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["kind"].label = "Aide demandée"
        self.fields["urgency"].label = "Pour quand ?"
        self.fields["requester"].label = "Qui demande ?"
        self.fields["requester_name"].label = "Nom du proche qui appelle (facultatif)"
        self.fields["phone"].required = False
        self.fields["phone"].help_text = "Facultatif si la personne n’a pas de téléphone : précisez alors comment la joindre."
        self.fields[
            "consent"
        ].label = "L’appelant accepte que ces informations soient transmises à l’association ou au CCAS qui organise l’aide."


class ProposalForm(BaseForm):
    by_relative = forms.BooleanField(label="C’est un proche qui appelle pour la personne", required=False)
    first_name = forms.CharField(label="Prénom de la personne", max_length=100)
    last_name = forms.CharField(label="Nom de la personne", max_length=100)
    birth_date = forms.DateField(
        label="Date de naissance (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date, par exemple 14/07/1940."},
    )
    phone = PhoneNumberField(
        label="Téléphone de la personne",
        region="FR",
        error_messages={"invalid": PHONE_MESSAGE, "required": "Saisissez le téléphone de la personne."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    address = forms.CharField(label="Adresse (facultatif)", max_length=200, required=False)
    consent = forms.BooleanField(
        label="La personne (ou son proche, elle ne s’y opposant pas) accepte que le CCAS de sa commune la contacte pour l’inscrire au registre.",
        error_messages={"required": "Sans cet accord, rien n’est transmis au CCAS."},
    )

    def clean_birth_date(self):
        born = self.cleaned_data["birth_date"]
        if born and not (datetime.date(1900, 1, 1) <= born <= timezone.localdate()):
            raise forms.ValidationError("Cette date de naissance n’est pas plausible.")
        return born

    def proposal_data(self):
        data = self.cleaned_data
        return {
            "by_relative": data["by_relative"],
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "birth_date": data["birth_date"],
            "phone": data["phone"],
            "address": data["address"].strip(),
        }


class MissedCallForm(SubmitOnceMixin, BaseForm):
    phone = PhoneNumberField(
        label="Numéro de l’appel manqué",
        region="FR",
        error_messages={"invalid": PHONE_MESSAGE, "required": "Saisissez le numéro affiché ou laissé sur le répondeur."},
        widget=forms.TextInput(attrs={"inputmode": "tel", "autocomplete": "off"}),
    )
    first_name = forms.CharField(label="Prénom ou nom laissé (facultatif)", max_length=60, required=False)
    note = forms.CharField(label="Message laissé (facultatif)", max_length=200, required=False, help_text="Sans information de santé.")


class CallbackOutcomeForm(BaseForm):
    outcome = forms.ChoiceField(label="Résultat", choices=CallbackOutcome.choices, widget=forms.RadioSelect)


class FaqEntryForm(BaseModelForm):
    class Meta:
        model = FaqEntry
        fields = ["question", "theme", "answer", "keywords", "valid_from", "valid_until"]
        widgets = {
            "answer": forms.Textarea(attrs={"rows": 6}),
            "valid_from": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "valid_until": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        }

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("valid_from"), cleaned.get("valid_until")
        if start and end and end < start:
            self.add_error("valid_until", "La fin de validité suit son début.")
        return cleaned


class FaqVariantForm(BaseModelForm):
    class Meta:
        model = FaqVariant
        fields = ["kind", "answer"]
        widgets = {"answer": forms.Textarea(attrs={"rows": 4})}


FaqVariantFormSet = forms.inlineformset_factory(
    FaqEntry, FaqVariant, form=FaqVariantForm, extra=2, max_num=3, validate_max=True, can_delete=True
)


class FaqSearchForm(BaseForm):
    q = forms.CharField(label="Chercher dans la FAQ", max_length=100, required=False, help_text="Les accents ne comptent pas.")
    theme = forms.ChoiceField(label="Thème", choices=[("", "Tous"), *Reason.choices], required=False)
