"""Forms of the register: a person, their contacts, the consented reason, the register's filters."""

import datetime

from django import forms
from django.utils import timezone

from mobilisation.core.forms import BaseForm, BaseModelForm, StaleSaveGuardMixin, SubmitOnceMixin, filterable

from .enums import (
    CampaignTrigger,
    Category,
    ConsentChannel,
    ConsentGiver,
    DuplicateChoice,
    Need,
    Outcome,
    Provenance,
    RegistrationState,
    StepOutcome,
)
from .models import Campaign, ContactPerson, Person, register_communes, register_scope

PHONE_MESSAGE = "Saisissez un numéro de téléphone valide, par exemple 02 96 39 00 00 ou 06 12 34 56 78."


def french_phone(field):
    field.error_messages["invalid"] = PHONE_MESSAGE
    field.widget.attrs.update({"inputmode": "tel", "autocomplete": "off"})
    return field


class PersonForm(SubmitOnceMixin, StaleSaveGuardMixin, BaseModelForm):
    """Registration and correction of a person; the reason only with the consent's who, how and when."""

    reason_consent = forms.BooleanField(
        label="La personne, ou son représentant légal, consent explicitement à l’enregistrement de ce motif",
        required=False,
    )
    confirm_distinct = forms.BooleanField(label="Il s’agit bien d’une autre personne que celle déjà inscrite", required=False)

    class Meta:
        model = Person
        fields = [
            "commune",
            "last_name",
            "first_name",
            "birth_date",
            "category",
            "address",
            "address_complement",
            "phone",
            "phone_2",
            "lives_alone",
            "home_care_service",
            "home_care_phone",
            "provenance",
            "requester_name",
            "request_date",
            "reason",
            "reason_consent_by",
            "reason_consent_channel",
            "reason_consent_at",
        ]
        widgets = {
            "birth_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "request_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason_consent_at": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "reason": forms.Textarea(attrs={"rows": 2}),
        }
        labels = {"reason": "Motif de fragilité ou de santé (facultatif)"}
        help_texts = {
            "reason": "À ne saisir qu’avec le consentement explicite de la personne : il est chiffré et n’est lu que par les agents du registre.",
            "request_date": "Le jour où la demande ou la transmission est arrivée : l’accusé de réception est dû sous 8 jours.",
        }

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["commune"].queryset = communes.order_by("name")
        self.fields["commune"].empty_label = None if communes.count() == 1 else "Choisissez la commune"
        self.fields["commune"].label_from_instance = lambda commune: f"{commune.name} ({commune.insee_code})"
        for name in ["last_name", "first_name", "birth_date", "category", "address", "phone", "provenance", "request_date"]:
            self.fields[name].required = True
        for name in ["phone", "phone_2", "home_care_phone"]:
            french_phone(self.fields[name])
        self.fields["category"].choices = Category.choices
        self.fields["provenance"].choices = [("", "Choisissez l’origine"), *Provenance.choices]
        self.fields["reason_consent_by"].choices = [("", "—"), *ConsentGiver.choices]
        self.fields["reason_consent_channel"].choices = [("", "—"), *ConsentChannel.choices]
        if not self.instance.pk:
            self.initial["request_date"] = timezone.localdate()  # the instance's empty date would win over the field's
        else:
            self.fields["reason_consent"].initial = bool(self.instance.reason)
        self.similar = Person.objects.none()

    def clean_birth_date(self):
        birth_date = self.cleaned_data["birth_date"]
        today = timezone.localdate()
        if birth_date and (birth_date > today or birth_date.year < today.year - 120):
            raise forms.ValidationError("Saisissez une date de naissance passée, de moins de 120 ans.")
        return birth_date

    def clean_request_date(self):
        request_date = self.cleaned_data["request_date"]
        if request_date and request_date > timezone.localdate():
            raise forms.ValidationError("La date de la demande ne peut pas être dans le futur.")
        return request_date

    def clean_reason_consent_at(self):
        consent_at = self.cleaned_data["reason_consent_at"]
        if consent_at and consent_at > timezone.localdate():
            raise forms.ValidationError("La date du consentement ne peut pas être dans le futur.")
        return consent_at

    def clean(self):
        cleaned = super().clean()
        if (cleaned.get("reason") or "").strip():
            if not cleaned.get("reason_consent"):
                self.add_error(
                    "reason_consent",
                    "Sans consentement explicite, le motif ne peut pas être enregistré : cochez la case ou videz le motif.",
                )
            for name, message in [
                ("reason_consent_by", "Dites qui a donné son consentement."),
                ("reason_consent_channel", "Dites comment le consentement a été recueilli."),
                ("reason_consent_at", "Donnez la date du consentement."),
            ]:
                if not cleaned.get(name):
                    self.add_error(name, message)
        else:
            cleaned["reason"] = None
            cleaned["reason_consent_by"] = cleaned["reason_consent_channel"] = ""
            cleaned["reason_consent_at"] = None
        provenance = cleaned.get("provenance")
        if provenance and Provenance(provenance).names_requester and not cleaned.get("requester_name", "").strip():
            self.add_error("requester_name", "Donnez le nom du représentant légal ou du tiers qui a fait la demande.")
        if all(cleaned.get(name) for name in ["last_name", "first_name", "birth_date", "commune"]):
            self.similar = (
                Person.objects.same_person(
                    last_name=cleaned["last_name"],
                    first_name=cleaned["first_name"],
                    birth_date=cleaned["birth_date"],
                    commune=cleaned["commune"],
                )
                .exclude(pk=self.instance.pk)
                .order_by("pk")
            )
            if self.similar and not cleaned.get("confirm_distinct"):
                objected = any(p.state == RegistrationState.OBJECTED for p in self.similar)
                self.add_error(
                    "last_name",
                    "Cette personne s’est opposée à son inscription : ne l’inscrivez que si elle le demande elle-même maintenant, "
                    "et cochez « Il s’agit bien d’une autre personne » pour confirmer."
                    if objected
                    else "Une personne de même nom, prénom et date de naissance est déjà inscrite dans cette commune : ouvrez sa fiche "
                    "plutôt, ou cochez « Il s’agit bien d’une autre personne ».",
                )
        return cleaned

    @property
    def changed_labels(self):
        """The labels of the fields this form changes (the audit says which fields, never their values)."""
        ignored = {"reason_consent", "confirm_distinct", "seen_version", "submission_token"}
        return [str(self.fields[name].label) for name in self.changed_data if name not in ignored]


class ContactForm(BaseModelForm):
    class Meta:
        model = ContactPerson
        fields = ["name", "link", "phone"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        french_phone(self.fields["phone"])


ContactFormSet = forms.inlineformset_factory(
    Person, ContactPerson, form=ContactForm, extra=2, max_num=3, validate_max=True, can_delete=True
)


class RegisterFilterForm(BaseForm):
    q = forms.CharField(label="Rechercher (nom, prénom ou téléphone)", required=False, max_length=100)
    category = forms.ChoiceField(label="Qualité", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)
    state = forms.ChoiceField(
        label="État",
        required=False,
        choices=[("", "Inscrites"), (RegistrationState.OBJECTED, "Opposées à l’inscription")],
    )

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Toutes"), *Category.choices]
        self.communes = list(communes.order_by("name").values_list("insee_code", "name"))
        self.fields["commune"].choices = [("", "Toutes"), *((code, f"{name} ({code})") for code, name in self.communes)]

    def filter(self, people):
        if not self.is_valid():
            return people.registered()
        data = self.cleaned_data
        people = people.filter(state=data["state"] or RegistrationState.REGISTERED)
        if data["category"]:
            people = people.filter(category=data["category"])
        if data["commune"]:
            people = people.filter(commune=data["commune"])
        if data["q"].strip():
            people = people.search(data["q"].strip())
        return people

    def summary(self):
        """The filter in words, for the audit (no value typed in the search box: it may be a name)."""
        if not self.is_valid():
            return "registre complet"
        data = self.cleaned_data
        parts = []
        if data["state"]:
            parts.append("personnes opposées")
        if data["category"]:
            parts.append(f"qualité : {Category(data['category']).label}")
        if data["commune"]:
            parts.append(f"commune {data['commune']}")
        if data["q"].strip():
            parts.append("recherche par nom ou téléphone")
        return ", ".join(parts) or "registre complet"


class PrefectExportForm(BaseForm):
    """The export to the préfet when the alert plan is triggered (CASF R121-10)."""

    category = forms.ChoiceField(label="Qualité", required=False)
    commune = forms.ChoiceField(label="Commune", required=False)

    def __init__(self, *args, communes, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["category"].choices = [("", "Toutes"), *Category.choices]
        self.fields["commune"].choices = [
            ("", "Toutes"),
            *((code, f"{name} ({code})") for code, name in communes.order_by("name").values_list("insee_code", "name")),
        ]


class ConfirmForm(BaseForm):
    """A confirmation with the date the person's request arrived (objection, removal)."""

    date = forms.DateField(label="Date de la demande de la personne", widget=forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"))

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["date"].initial = timezone.localdate()

    def clean_date(self):
        date = self.cleaned_data["date"]
        if date > timezone.localdate():
            raise forms.ValidationError("La date ne peut pas être dans le futur.")
        return date


# The veille


DEFAULT_SCRIPT = (
    "Bonjour, je suis [votre prénom], du CCAS. Je vous appelle, comme prévu, pour prendre de vos nouvelles.\n"
    "Comment allez-vous ? Avez-vous pu manger, prendre vos médicaments ? Quelqu’un passe-t-il vous voir ?\n"
    "Avez-vous besoin de courses, de médicaments, d’un repas, d’une visite ?\n"
    "En cas d’urgence : le 15. Nous vous rappellerons au prochain tour."
)


class CampaignForm(StaleSaveGuardMixin, BaseModelForm):
    """A campaign over the user's register: targets, rhythm, attempts, script, callers, the plan action it feeds."""

    register = forms.ChoiceField(label="Registre", required=True)
    categories = forms.MultipleChoiceField(
        label="Qualités visées",
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Aucune cochée : toutes les personnes inscrites.",
    )

    class Meta:
        model = Campaign
        fields = [
            "name",
            "trigger",
            "restriction",
            "categories",
            "target_communes",
            "starts_on",
            "ends_on",
            "interval_days",
            "call_time",
            "max_attempts",
            "retry_minutes",
            "script",
            "callers",
            "plan_action",
        ]
        widgets = {
            "starts_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "ends_on": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "call_time": forms.TimeInput(attrs={"type": "time"}, format="%H:%M"),
            "target_communes": forms.CheckboxSelectMultiple,
            "callers": forms.CheckboxSelectMultiple,
            "script": forms.Textarea(attrs={"rows": 5}),
        }

    def __init__(self, *args, user, **kwargs):
        super().__init__(*args, **kwargs)
        from mobilisation.plans.models import PlannedAction, RestrictionPeriod

        self.registers = registers_of(user)
        self.fields["register"].choices = [(key, label) for key, label, _ in self.registers]
        if self.instance.pk:
            self.fields["register"].initial = register_key(self.instance)
            self.fields["register"].disabled = True
        if len(self.registers) == 1:
            self.fields["register"].initial = self.registers[0][0]
            self.fields["register"].widget = forms.HiddenInput()
        communes = register_communes(user)
        self.fields["target_communes"].queryset = communes.order_by("name")
        if communes.count() <= 1:
            del self.fields["target_communes"]
        else:
            filterable(self.fields["target_communes"], "Filtrer les communes (nom ou code INSEE)")
        self.fields["categories"].choices = Category.choices
        today = timezone.localdate()
        self.fields["restriction"].queryset = RestrictionPeriod.objects.current_or_coming(today - datetime.timedelta(days=30))
        self.fields["restriction"].empty_label = "Aucune"
        self.fields["callers"].queryset = callers_for(communes).order_by("last_name", "first_name")
        self.fields[
            "callers"
        ].help_text = "Bénévoles des associations de vos communes : ils ne verront que le prénom et le téléphone de la personne à appeler, le temps de l’appel."
        self.fields["plan_action"].queryset = (
            PlannedAction.objects.filter(plan__cls__communes__in=communes)
            .distinct()
            .select_related("plan__cls")
            .order_by("plan__cls__name", "title")
        )
        self.fields["plan_action"].label_from_instance = lambda action: f"{action.title} ({action.plan.cls.name})"
        self.fields["plan_action"].empty_label = "Aucune"
        if not self.instance.pk:
            self.initial["starts_on"] = today
            self.initial["script"] = DEFAULT_SCRIPT

    def clean(self):
        cleaned = super().clean()
        starts_on, ends_on = cleaned.get("starts_on"), cleaned.get("ends_on")
        if starts_on and ends_on and ends_on < starts_on:
            self.add_error("ends_on", "Le dernier jour ne peut pas précéder le premier.")
        if cleaned.get("trigger") == CampaignTrigger.RESTRICTION and not cleaned.get("restriction"):
            self.add_error("restriction", "Choisissez la période de restriction qui déclenche la veille.")
        return cleaned

    def save(self, commit=True):
        campaign = super().save(commit=False)
        if not campaign.pk:
            kind, code = self.cleaned_data["register"].split(":")
            campaign.commune_id, campaign.epci_id = (code, None) if kind == "commune" else (None, code)
        if commit:
            campaign.save()
            self.save_m2m()
        return campaign


def register_key(campaign):
    return f"commune:{campaign.commune_id}" if campaign.commune_id else f"epci:{campaign.epci_id}"


def registers_of(user):
    """The registers the user holds: ("commune:22050", "CCAS de Dinan", Commune) or ("epci:…", "CIAS de …", Epci)."""
    from mobilisation.territories.models import Commune, Epci

    communes, epcis = register_scope(user)
    items = [(f"commune:{c.pk}", f"CCAS de {c.name}", c) for c in Commune.objects.filter(pk__in=communes).order_by("name")]
    items += [(f"epci:{e.pk}", f"CIAS de {e.name}", e) for e in Epci.objects.filter(pk__in=epcis).order_by("name")]
    return items


def callers_for(communes):
    """Volunteers of the organisations serving the register's communes: the callers a campaign may name."""
    from mobilisation.accounts.enums import Role
    from mobilisation.accounts.models import Membership, User

    memberships = Membership.objects.active().filter(role=Role.VOLUNTEER, organisation__communes__in=communes)
    return User.objects.filter(is_active=True, pk__in=memberships.values("user"))


class OutcomeForm(BaseForm):
    """What a call or a home visit found (`visit`: no « numéro erroné », a visit has no number to correct)."""

    outcome = forms.ChoiceField(label="Résultat", choices=Outcome.choices, widget=forms.RadioSelect)
    needs = forms.MultipleChoiceField(
        label="Besoins exprimés",
        choices=Need.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Si la personne a besoin d’aide.",
    )
    distress = forms.BooleanField(
        label="La personne est en détresse (malaise, danger, grande angoisse) : le responsable du CCAS est alerté à l’instant",
        required=False,
    )

    def __init__(self, *args, visit=False, **kwargs):
        super().__init__(*args, **kwargs)
        if visit:
            self.fields["outcome"].choices = [(value, label) for value, label in Outcome.choices if value != Outcome.WRONG_NUMBER]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("outcome") == Outcome.NEEDS_HELP and not cleaned.get("needs"):
            self.add_error("needs", "Cochez au moins un besoin exprimé.")
        if cleaned.get("outcome") != Outcome.NEEDS_HELP:
            if cleaned.get("needs"):
                self.add_error("needs", "Les besoins ne se cochent que si la personne a besoin d’aide.")
            if cleaned.get("distress"):
                self.add_error("distress", "La détresse se signale avec le résultat « a besoin d’aide ».")
        return cleaned


class StepForm(BaseForm):
    outcome = forms.ChoiceField(label="Ce que cet échelon a donné", choices=StepOutcome.choices, widget=forms.RadioSelect)


# A visit at the CCAS's rung is urgent: it is given for the coming days, not for next month.
VISIT_WITHIN_DAYS = 7


class VisitForm(BaseForm):
    """Who goes to the person's home (an agent of the register, a volunteer caller of the campaign) and from when."""

    visitor = forms.ChoiceField(
        label="Qui fait la visite",
        error_messages={
            "required": "Choisissez qui fait la visite.",
            "invalid_choice": "Choisissez un agent du registre ou un bénévole appelant de la campagne.",
        },
    )
    due_at = forms.DateTimeField(
        label="À partir du",
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M"),
        error_messages={"required": "Donnez le jour et l’heure de la visite.", "invalid": "Saisissez un jour et une heure valides."},
        help_text=f"Aujourd’hui ou dans les {VISIT_WITHIN_DAYS} jours qui viennent.",
    )

    def __init__(self, *args, campaign, visit=None, **kwargs):
        super().__init__(*args, **kwargs)
        agents = list(campaign.register_agents().order_by("last_name", "first_name", "email"))
        agent_ids = {user.pk for user in agents}
        volunteers = [user for user in campaign.active_callers().order_by("last_name", "first_name", "email") if user.pk not in agent_ids]
        self.visitors = {str(user.public_id): user for user in [*agents, *volunteers]}
        groups = [(f"Agents du {campaign.register_label}", agents), ("Bénévoles appelants de la campagne", volunteers)]
        self.fields["visitor"].choices = [
            ("", "Choisissez la personne"),
            *((label, [(str(user.public_id), str(user)) for user in users]) for label, users in groups if users),
        ]
        if visit is not None and visit.assigned_to_id:
            self.fields["visitor"].initial = next((key for key, user in self.visitors.items() if user.pk == visit.assigned_to_id), None)
            self.fields["due_at"].initial = timezone.localtime(visit.due_at)
        else:
            self.fields["due_at"].initial = timezone.localtime().replace(second=0, microsecond=0)

    def clean_visitor(self):
        return self.visitors[self.cleaned_data["visitor"]]

    def clean_due_at(self):
        due_at = self.cleaned_data["due_at"]
        today = timezone.localdate()
        day = timezone.localtime(due_at).date()
        if day < today:
            raise forms.ValidationError("La visite ne peut pas être prévue dans le passé.")
        if day > today + datetime.timedelta(days=VISIT_WITHIN_DAYS):
            raise forms.ValidationError(f"Une visite d’escalade est urgente : prévoyez-la dans les {VISIT_WITHIN_DAYS} jours.")
        return due_at


class PaperOutcomeForm(BaseForm):
    """One line of a paper call list typed back: the task, and its outcome (empty: not called)."""

    task = forms.UUIDField(widget=forms.HiddenInput)
    outcome = forms.ChoiceField(label="Résultat", required=False, choices=[("", "Non appelé"), *Outcome.choices])


PaperFormSet = forms.formset_factory(PaperOutcomeForm, extra=0, max_num=1000, validate_max=True)


class ImportForm(BaseForm):
    """The deposit of a register file; its content is checked by the background task, its type and size here."""

    file = forms.FileField(
        label="Fichier du registre",
        help_text="CSV, XLSX (Excel) ou ODS (LibreOffice), une ligne par personne, la première ligne donnant les colonnes du modèle.",
        error_messages={"required": "Choisissez le fichier à importer.", "empty": "Le fichier est vide."},
    )

    def __init__(self, *args, max_bytes, **kwargs):
        super().__init__(*args, **kwargs)
        self.max_bytes = max_bytes
        self.fields["file"].widget.attrs["accept"] = ".csv,.xlsx,.ods"

    def clean_file(self):
        from .importing import UnreadableFile, format_of

        upload = self.cleaned_data["file"]
        if upload.size > self.max_bytes:
            raise forms.ValidationError(f"Le fichier dépasse {self.max_bytes // (1024 * 1024)} Mo : découpez-le par commune.")
        try:
            format_of(upload.name)
        except UnreadableFile as error:
            raise forms.ValidationError(str(error)) from None
        return upload


class DuplicateChoicesForm(BaseForm):
    """One choice per row whose person is already registered: complete their record, skip the row, or register."""

    def __init__(self, *args, duplicates, **kwargs):
        super().__init__(*args, **kwargs)
        from .services.imports import default_choice

        self.rows = []
        for duplicate in duplicates:
            name = f"ligne-{duplicate['row']}"
            self.fields[name] = forms.ChoiceField(
                label=f"Ligne {duplicate['row']} : {duplicate['name']} ({duplicate['birth_date']}, {duplicate['commune_name']})",
                choices=DuplicateChoice.choices,
                initial=default_choice(duplicate),
                widget=forms.RadioSelect,
            )
            self.rows.append((self[name], duplicate))

    def decisions(self):
        return {name.removeprefix("ligne-"): value for name, value in self.cleaned_data.items()}
