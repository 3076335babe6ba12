"""The volunteer's sign-up and availability, and the validators' decision."""

import datetime

from django import forms
from django.utils import timezone
from phonenumber_field.formfields import PhoneNumberField

from mobilisation.core.forms import BaseForm, HoneypotMixin, ModelMultipleChoiceField, SubmitOnceMixin
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune

from .enums import DAYS, PERIODS, AgeBand, Fulfilment, HelpKind, Language, RefusalReason, Requester, Transport, Urgency, slot_bit
from .models import MAX_COMMUNES, Volunteer

PHONE_MESSAGE = "Saisissez un numéro de téléphone valide, par exemple 02 96 39 00 00 ou 06 12 34 56 78."


def communes_near(commune):
    """The communes a volunteer living in `commune` may choose: those of its EPCI (itself alone without one)."""
    if commune.epci_id:
        return Commune.objects.filter(epci=commune.epci_id).order_by("name")
    return Commune.objects.filter(pk=commune.pk)


class AvailabilityMixin:
    """Skills, weekly slots (a 7 × 3 grid of boxes), communes, languages, means of transport."""

    def add_availability_fields(self, commune):
        self.fields["skills"] = forms.MultipleChoiceField(
            label="L’aide que vous pouvez apporter",
            choices=HelpKind.choices,
            widget=forms.CheckboxSelectMultiple,
            error_messages={"required": "Cochez au moins une aide que vous pouvez apporter."},
        )
        self.fields["communes"] = ModelMultipleChoiceField(
            label="Les communes où vous pouvez agir",
            queryset=communes_near(commune),
            widget=forms.CheckboxSelectMultiple,
            help_text=f"Au plus {MAX_COMMUNES}. Les associations et le CCAS de ces communes verront votre inscription.",
            error_messages={"required": "Cochez au moins une commune.", "invalid_choice": "Cette commune n’est pas proposée."},
        )
        self.fields["languages"] = forms.MultipleChoiceField(
            label="Les langues que vous parlez", choices=Language.choices, widget=forms.CheckboxSelectMultiple, required=False
        )
        self.fields["transports"] = forms.MultipleChoiceField(
            label="Vos moyens de déplacement", choices=Transport.choices, widget=forms.CheckboxSelectMultiple, required=False
        )
        for day in range(len(DAYS)):
            for period, (_code, label) in enumerate(PERIODS):
                self.fields[f"slot_{day}_{period}"] = forms.BooleanField(label=f"{DAYS[day]}, {label.lower()}", required=False)

    @property
    def slot_rows(self):
        """[(day label, [bound field of each period])]: the grid as the template draws it."""
        return [(label, [self[f"slot_{day}_{period}"] for period in range(len(PERIODS))]) for day, label in enumerate(DAYS)]

    slot_periods = [label for _code, label in PERIODS]

    def clean_communes(self):
        communes = self.cleaned_data["communes"]
        if len(communes) > MAX_COMMUNES:
            raise forms.ValidationError(f"Cochez au plus {MAX_COMMUNES} communes.")
        return communes

    def clean_availability(self, cleaned):
        slots = sum(
            slot_bit(day, period) for day in range(len(DAYS)) for period in range(len(PERIODS)) if cleaned.get(f"slot_{day}_{period}")
        )
        if not slots:
            self.add_error(None, "Cochez au moins un moment de la semaine où vous êtes disponible.")
        cleaned["slots"] = slots
        return cleaned

    def initial_availability(self, volunteer):
        self.initial.update(
            skills=[kind.value for kind in volunteer.skill_list],
            languages=volunteer.languages,
            transports=volunteer.transports,
            communes=list(volunteer.communes.values_list("pk", flat=True)),
        )
        for day in range(len(DAYS)):
            for period in range(len(PERIODS)):
                self.initial[f"slot_{day}_{period}"] = bool(volunteer.slots & slot_bit(day, period))


class SignUpForm(HoneypotMixin, AvailabilityMixin, BaseForm):
    """The public sign-up of a volunteer living in `commune` (no account)."""

    first_name = forms.CharField(label="Prénom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "given-name"}))
    last_name = forms.CharField(label="Nom", max_length=100, widget=forms.TextInput(attrs={"autocomplete": "family-name"}))
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        help_text="Format attendu : nom@domaine.fr. Nous vous y écrirons quand votre inscription sera validée.",
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr."},
    )
    phone = PhoneNumberField(
        label="Téléphone",
        region="FR",
        help_text="Par exemple 06 12 34 56 78.",
        error_messages={"invalid": PHONE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    age_band = forms.ChoiceField(
        label="Votre âge",
        choices=[("", "Choisir")] + AgeBand.choices,
        help_text="Le bénévolat est ouvert dès 16 ans, avec l’accord d’un parent avant 18 ans.",
    )
    preferred_organisation = forms.ModelChoiceField(
        label="L’organisation que vous souhaitez rejoindre",
        queryset=Organisation.objects.none(),
        required=False,
        empty_label="Peu importe",
        error_messages={"invalid_choice": "Cette organisation n’est pas proposée."},
    )
    message = forms.CharField(
        label="Un mot pour l’organisation",
        max_length=1000,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Votre expérience, vos contraintes. Ne parlez pas ici de la santé de quelqu’un.",
    )
    consent = forms.BooleanField(
        label="J’accepte que ces informations soient transmises aux associations et au CCAS des communes cochées, pour "
        "organiser l’entraide. Elles sont effacées 30 jours après mon départ ou une réponse négative.",
        error_messages={"required": "Votre accord est nécessaire pour que nous puissions vous proposer des missions."},
    )
    charter = forms.BooleanField(
        label="Je m’engage à respecter la confidentialité des personnes aidées et à ne rien leur demander en échange.",
        error_messages={"required": "Cet engagement est demandé à chaque bénévole."},
    )

    def __init__(self, *args, commune, **kwargs):
        super().__init__(*args, **kwargs)
        self.commune = commune
        self.add_availability_fields(commune)
        self.initial.setdefault("communes", [commune.pk])
        self.fields["preferred_organisation"].queryset = Organisation.objects.filter(
            pk__in=Organisation.objects.filter(communes=commune).values("pk")
        ).order_by("name")
        self.order_fields(
            ["first_name", "last_name", "email", "phone", "age_band", "skills", "communes", "languages", "transports"]
            + ["preferred_organisation", "message", "consent", "charter"]
        )

    @property
    def identity_fields(self):
        return [self[name] for name in ["first_name", "last_name", "email", "phone", "age_band"]]

    @property
    def closing_fields(self):
        return [self[name] for name in ["preferred_organisation", "message", "consent", "charter"]]

    def clean(self):
        return self.clean_availability(super().clean())


class AvailabilityForm(AvailabilityMixin, BaseForm):
    """A validated volunteer changes what they can do, when and where."""

    def __init__(self, *args, volunteer, **kwargs):
        super().__init__(*args, **kwargs)
        self.add_availability_fields(volunteer.home_commune)
        self.initial_availability(volunteer)

    def clean(self):
        return self.clean_availability(super().clean())


class PauseForm(BaseForm):
    until = forms.DateField(
        label="Jusqu’au (facultatif)",
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        help_text="Sans date, la pause dure jusqu’à ce que vous la leviez.",
        error_messages={"invalid": "Saisissez une date valide, par exemple 24/12/2026."},
    )

    def clean_until(self):
        until = self.cleaned_data["until"]
        if until and until <= timezone.localdate():
            raise forms.ValidationError("Choisissez une date à venir.")
        return until


class ValidationForm(BaseForm):
    organisation = forms.ModelChoiceField(
        label="Organisation qui accueille ce bénévole",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"required": "Choisissez l’organisation.", "invalid_choice": "Cette organisation n’est pas proposée."},
    )

    def __init__(self, *args, organisations, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations


class RefusalForm(BaseForm):
    reason = forms.ChoiceField(
        label="Motif, dit au bénévole",
        choices=[("", "Choisir")] + RefusalReason.choices,
        error_messages={"required": "Choisissez le motif."},
    )


# Requests for help ------------------------------------------------------------------------------------------------

URGENCY_DAYS = {Urgency.TODAY: 0, Urgency.SOON: 2, Urgency.WEEK: 7}


def periods_field():
    return forms.MultipleChoiceField(
        label="À quel moment de la journée ?",
        choices=[(str(index), label) for index, (_code, label) in enumerate(PERIODS)],
        widget=forms.CheckboxSelectMultiple,
        required=False,
        help_text="Sans case cochée : à tout moment.",
    )


def periods_bits(values):
    return sum(1 << int(value) for value in values)


class AidRequestForm(HoneypotMixin, BaseForm):
    """A request for help, from the person or a relative (the portal), or typed by an agent."""

    kind = forms.ChoiceField(label="De quelle aide avez-vous besoin ?", choices=HelpKind.choices, widget=forms.RadioSelect)
    details = forms.CharField(
        label="Précisions (facultatif)",
        max_length=500,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text="Par exemple : la liste des courses, la pharmacie habituelle. N’écrivez rien sur l’état de santé.",
    )
    urgency = forms.ChoiceField(label="Pour quand ?", choices=Urgency.choices, widget=forms.RadioSelect, initial=Urgency.SOON)
    periods = periods_field()
    requester = forms.ChoiceField(
        label="Qui fait la demande ?", choices=Requester.choices, widget=forms.RadioSelect, initial=Requester.SELF
    )
    requester_name = forms.CharField(label="Votre nom, si vous êtes un proche (facultatif)", max_length=100, required=False)
    first_name = forms.CharField(label="Prénom de la personne à aider", max_length=100)
    last_name = forms.CharField(label="Nom de la personne à aider", max_length=100)
    phone = PhoneNumberField(
        label="Téléphone pour la joindre",
        region="FR",
        help_text="Par exemple 02 96 39 00 00.",
        error_messages={"invalid": PHONE_MESSAGE},
        widget=forms.TextInput(attrs={"autocomplete": "tel", "inputmode": "tel"}),
    )
    address = forms.CharField(
        label="Adresse",
        max_length=200,
        help_text="Numéro, rue, et complément utile (étage, code).",
        widget=forms.TextInput(attrs={"autocomplete": "street-address"}),
    )
    email = forms.EmailField(
        label="Adresse électronique pour être prévenu (facultatif)",
        max_length=254,
        required=False,
        error_messages={"invalid": "Saisissez une adresse électronique valide, par exemple nom@domaine.fr."},
    )
    consent = forms.BooleanField(
        label="La personne à aider accepte que ces informations soient transmises à l’association ou au CCAS qui organise "
        "l’aide, et au bénévole qui s’en charge le temps de la mission.",
        error_messages={"required": "Cet accord est nécessaire pour organiser l’aide."},
    )

    def request_data(self, today=None):
        """The fields of the AidRequest to create."""
        today = today or timezone.localdate()
        data = self.cleaned_data
        return {
            "kind": data["kind"],
            "details": data["details"].strip(),
            "urgency": data["urgency"],
            "wanted_from": today,
            "wanted_until": today + datetime.timedelta(days=URGENCY_DAYS[data["urgency"]]),
            "periods": periods_bits(data["periods"]),
            "requester": data["requester"],
            "requester_name": data["requester_name"].strip(),
            "first_name": data["first_name"].strip(),
            "last_name": data["last_name"].strip(),
            "phone": data["phone"] or "",
            "address": data["address"].strip(),
            "email": data["email"].strip().lower(),
        }


class QualifyForm(BaseForm):
    organisation = forms.ModelChoiceField(
        label="Organisation qui organise l’aide",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Cette organisation n’est pas proposée."},
    )
    urgency = forms.ChoiceField(label="Urgence", choices=Urgency.choices)
    wanted_from = forms.DateField(
        label="À partir du",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    wanted_until = forms.DateField(
        label="Au plus tard le",
        widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
        error_messages={"invalid": "Saisissez une date valide."},
    )
    periods = periods_field()
    details = forms.CharField(label="Précisions pour le bénévole", max_length=500, required=False, widget=forms.Textarea(attrs={"rows": 3}))

    def __init__(self, *args, organisations, request, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.initial.update(
            organisation=request.organisation_id or organisations.values_list("pk", flat=True).first(),
            urgency=request.urgency,
            wanted_from=request.wanted_from,
            wanted_until=request.wanted_until,
            periods=[str(index) for index in range(len(PERIODS)) if request.periods & (1 << index)],
            details=request.details,
        )

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("wanted_from"), cleaned.get("wanted_until")
        if start and end and end < start:
            self.add_error("wanted_until", "La date limite précède la date de début.")
        return cleaned


class AssignForm(BaseForm):
    volunteer = forms.ModelChoiceField(
        label="Bénévole",
        queryset=Volunteer.objects.none(),
        error_messages={"required": "Choisissez un bénévole.", "invalid_choice": "Ce bénévole n’est pas disponible pour cette demande."},
    )

    def __init__(self, *args, volunteers, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["volunteer"].queryset = volunteers


class CancelForm(BaseForm):
    reason = forms.CharField(
        label="Motif de l’annulation", max_length=200, error_messages={"required": "Indiquez le motif de l’annulation."}
    )


class DeliveryForm(BaseForm):
    fulfilment = forms.ChoiceField(
        label="L’aide a été apportée", choices=Fulfilment.choices, widget=forms.RadioSelect, initial=Fulfilment.FULL
    )
    note = forms.CharField(
        label="Ce que vous avez fait",
        max_length=300,
        help_text="Par exemple : courses livrées, 32 € avancés et remboursés. Rien sur la santé de la personne.",
        error_messages={"required": "Dites en quelques mots ce que vous avez fait."},
    )
    done_at = forms.DateTimeField(
        label="Quand",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        input_formats=["%Y-%m-%dT%H:%M", "%d/%m/%Y %H:%M"],
        error_messages={"required": "Indiquez quand l’aide a été apportée.", "invalid": "Saisissez une date et une heure valides."},
    )


class ReleaseForm(BaseForm):
    reason = forms.CharField(label="Pourquoi (facultatif, dit à l’organisation)", max_length=200, required=False)


class AgentAidRequestForm(SubmitOnceMixin, AidRequestForm):
    """A request taken by an agent of the organisation or the CCAS, on the phone or at the desk, in one of its communes."""

    commune = forms.ModelChoiceField(
        label="Commune de la personne",
        queryset=Commune.objects.none(),
        error_messages={"required": "Choisissez la commune.", "invalid_choice": "Cette commune n’est pas dans votre périmètre."},
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        del self.fields["website"]
        self.fields["commune"].queryset = communes
        self.fields["consent"].label = "La personne (ou son proche) accepte que ces informations servent à organiser l’aide."
        self.fields["phone"].required = False
        self.fields["phone"].help_text = "Facultatif si la personne n’a pas de téléphone : précisez alors comment la joindre."
        self.order_fields(["commune"])


class AidPoolForm(BaseForm):
    """Count an organisation's mutual aid in an action of a plan covering its communes."""

    organisation = forms.ModelChoiceField(
        label="Organisation",
        queryset=Organisation.objects.none(),
        empty_label=None,
        error_messages={"invalid_choice": "Vous n’agissez pas pour cette organisation."},
    )
    plan_action = forms.ModelChoiceField(
        label="Action du plan",
        queryset=None,
        error_messages={"required": "Choisissez une action.", "invalid_choice": "Cette action n’est pas proposée."},
    )

    def __init__(self, *args, organisations, plan_actions, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["plan_action"].queryset = plan_actions
        self.fields["plan_action"].label_from_instance = lambda action: f"{action.title} ({action.plan.cls.name})"

    def clean(self):
        from .models import AidPool

        cleaned = super().clean()
        organisation, action = cleaned.get("organisation"), cleaned.get("plan_action")
        if organisation and action:
            if not action.plan.cls.communes.filter(pk__in=organisation.communes.values("pk")).exists():
                self.add_error("plan_action", "Le CLS de cette action ne couvre aucune commune que sert l’organisation.")
            elif AidPool.objects.filter(organisation=organisation, plan_action=action).exists():
                self.add_error("plan_action", "L’entraide de cette organisation compte déjà dans cette action.")
        return cleaned
