"""Forms of the plans: diagnosis, actions, indicators, budget, funding, COPIL, messages, restrictions."""

import datetime
import re
import uuid
from decimal import Decimal

from django import forms
from django.db.models import Q

from mobilisation.accounts.enums import Role
from mobilisation.accounts.models import User
from mobilisation.catalogue.models import Modality, Resource, TargetPublic, Theme
from mobilisation.core.formats import euros
from mobilisation.core.forms import BaseForm, BaseModelForm, FrenchDecimalField, ModelMultipleChoiceField, SubmitOnceMixin, filterable
from mobilisation.directory.models import Organisation, OrganisationKind
from mobilisation.territories.models import Commune, Department, Epci

from .enums import DEFAULT_BLOCKED_MODALITIES, FUNDING_TRANSITIONS, FundingStatus, PlanStatus, RestrictionScope
from .models import DiagnosisFigure, ExistingAction, PlannedAction, RestrictionPeriod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TIME = forms.TimeInput(attrs={"type": "time"}, format="%H:%M")
AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("9999999999")}
QUANTITY = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0"), "max_value": Decimal("9999999999")}
STALE_MESSAGE = (
    "Cet élément a été modifié par quelqu’un d’autre pendant votre saisie. Vos saisies sont conservées : "
    "rechargez la page pour voir la nouvelle version, puis reportez vos modifications."
)


class VersionedFormMixin:
    """Refuse a stale save: the form carries the version it was built from (SECURITY.md 24)."""

    stale_message = STALE_MESSAGE

    def add_version_field(self):
        self.fields["version_seen"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=self.instance.version)

    def check_version(self, cleaned):
        if self.instance.pk and cleaned.get("version_seen") != self.instance.version:
            raise forms.ValidationError(self.stale_message)


def set_help_text(form, name, text):
    """A help text decided once the form exists: its bound field, built by the DSFR form, keeps its own copy."""
    form.fields[name].help_text = text
    form[name].help_text = text


PERSON_SEPARATOR = re.compile(r"\s*,\s*|\s+[–—-]\s+")


def letters(text):
    return len(re.findall(r"[^\W\d_]", text))


def people_lines(text, *, field_label):
    """Lines « Name, function » (a comma or a dash between them); raises a French error naming the bad lines."""
    lines = [line.strip() for line in (text or "").splitlines() if line.strip()]
    wrong = []
    for number, line in enumerate(lines, start=1):
        name, function = (PERSON_SEPARATOR.split(line, maxsplit=1) + [""])[:2]
        if letters(name) < 2 or letters(function) < 2:
            wrong.append(str(number))
    if wrong:
        raise forms.ValidationError(
            f"{field_label} : ligne{'s' if len(wrong) > 1 else ''} {', '.join(wrong)} à compléter. Écrivez une personne par ligne, "
            "son nom puis sa fonction séparés par une virgule, par exemple « Anne Le Gall, adjointe au maire de Dinan »."
        )
    return lines


class DiagnosisForm(BaseForm):
    needs = forms.CharField(label="Besoins du territoire", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10000)
    priority_publics = ModelMultipleChoiceField(
        label="Publics prioritaires", queryset=TargetPublic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    priority_communes = ModelMultipleChoiceField(
        label="Communes prioritaires",
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Communes du CLS où agir en priorité.",
    )
    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["priority_communes"].queryset = plan.cls.communes.order_by("name")
        filterable(self.fields["priority_communes"], "Filtrer les communes du CLS")
        if not self.is_bound:
            self.initial.update(
                {
                    "needs": plan.needs,
                    "priority_publics": list(plan.priority_publics.all()),
                    "priority_communes": list(plan.priority_communes.all()),
                    "version_seen": plan.version,
                }
            )

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("version_seen") != self.plan.version:
            raise forms.ValidationError(STALE_MESSAGE)
        return cleaned


class DiagnosisFigureForm(SubmitOnceMixin, BaseModelForm):
    value = FrenchDecimalField(label="Valeur", max_digits=14, decimal_places=2, min_value=Decimal("0"))

    class Meta:
        model = DiagnosisFigure
        fields = ["label", "value", "unit", "source", "as_of"]
        widgets = {"as_of": DATE}

    def clean_as_of(self):
        value = self.cleaned_data["as_of"]
        if value > datetime.date.today():
            raise forms.ValidationError("La date d’un chiffre ne peut pas être dans le futur.")
        return value


class PlannedActionForm(VersionedFormMixin, BaseModelForm):
    new_organisation_name = forms.CharField(
        label="Nom de l’organisation",
        max_length=200,
        required=False,
        help_text="Seulement si elle n’est pas dans les listes ci-dessus : elle sera ajoutée à l’annuaire des partenaires.",
    )
    new_organisation_kind = forms.ChoiceField(
        label="Type d’organisation", choices=[("", "Choisir un type"), *OrganisationKind.choices], required=False
    )
    new_organisation_commune = forms.ModelChoiceField(
        label="Commune où elle est installée", queryset=Commune.objects.none(), required=False, empty_label="Choisir une commune"
    )
    new_organisation_role = forms.ChoiceField(
        label="Son rôle dans l’action",
        choices=[("partner", "Partenaire"), ("lead", "Organisation pilote")],
        initial="partner",
        required=False,
        widget=forms.RadioSelect,
    )
    new_organisation_confirmed = forms.BooleanField(label="Il s’agit bien d’une autre organisation que celles proposées", required=False)

    class Meta:
        model = PlannedAction
        fields = [
            "title",
            "description",
            "theme",
            "publics",
            "communes",
            "lead_organisation",
            "partners",
            "start",
            "end",
            "modalities",
            "resources",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 5}),
            "publics": forms.CheckboxSelectMultiple,
            "modalities": forms.CheckboxSelectMultiple,
            "resources": forms.CheckboxSelectMultiple,
            "communes": forms.CheckboxSelectMultiple,
            "partners": forms.CheckboxSelectMultiple,
            "start": DATE,
            "end": DATE,
        }
        help_texts = {
            "communes": "Aucune commune cochée : tout le territoire du CLS.",
            "start": "Laissez vide si la date n’est pas encore connue : l’action sera « à vérifier » pendant une restriction.",
        }

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.similar_organisations = Organisation.objects.none()
        self.fields["theme"].queryset = Theme.objects.filter(axis__mobilisation=plan.mobilisation).select_related("axis")
        self.fields["resources"].queryset = Resource.objects.filter(mobilisation=plan.mobilisation)
        # Only the CLS's communes are offered (and accepted): a plan acts on its own territory.
        communes = plan.cls.communes.order_by("name")
        self.fields["communes"].queryset = communes
        self.fields["communes"].error_messages["invalid_choice"] = "Commune hors du territoire du CLS (code INSEE %(value)s)."
        filterable(self.fields["communes"], "Filtrer les communes du CLS")
        self.fields["new_organisation_commune"].queryset = communes
        organisations = Organisation.objects.filter(communes__in=plan.cls.communes.all()).distinct().order_by("name")
        self.fields["lead_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations
        filterable(self.fields["partners"], "Filtrer les organisations")
        self.fields["modalities"].queryset = Modality.objects.all()
        self.add_version_field()
        if not self.instance.pk:
            self.fields["submission_token"] = forms.UUIDField(widget=forms.HiddenInput, required=False, initial=uuid.uuid4())

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("start"), cleaned.get("end")
        if start and end and end < start:
            self.add_error("end", "La fin ne peut pas précéder le début.")
        self.check_version(cleaned)
        self.clean_new_organisation(cleaned)
        return cleaned

    def clean_new_organisation(self, cleaned):
        name = (cleaned.get("new_organisation_name") or "").strip()
        if not name:
            return
        if not cleaned.get("new_organisation_kind"):
            self.add_error("new_organisation_kind", "Choisissez le type de la nouvelle organisation.")
        commune = cleaned.get("new_organisation_commune")
        if commune is None:
            self.add_error("new_organisation_commune", "Choisissez la commune où la nouvelle organisation est installée.")
            return
        self.similar_organisations = Organisation.objects.similar_to(name, [commune])
        if self.similar_organisations and not cleaned.get("new_organisation_confirmed"):
            names = " ; ".join(str(o) for o in self.similar_organisations)
            self.add_error(
                "new_organisation_name",
                f"L’annuaire a déjà, à {commune.name} : {names}. Choisissez-la dans les listes ci-dessus, "
                "ou cochez « Il s’agit bien d’une autre organisation » pour la créer quand même.",
            )

    def new_organisation(self):
        """(organisation to create with the action, unsaved; its role "lead" or "partner"; its commune), or Nones."""
        data = self.cleaned_data
        name = (data.get("new_organisation_name") or "").strip()
        if not name:
            return None, None, None
        commune = data["new_organisation_commune"]
        organisation = Organisation(name=name, kind=data["new_organisation_kind"], department_id=commune.department_id)
        return organisation, (data.get("new_organisation_role") or "partner"), commune

    def changed_fields(self):
        return [name for name in self.changed_data if not name.startswith("new_organisation") and name != "version_seen"]


class ExistingActionForm(SubmitOnceMixin, BaseModelForm):
    class Meta:
        model = ExistingAction
        fields = ["reference", "title", "priority", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class IndicatorForm(SubmitOnceMixin, BaseForm):
    name = forms.CharField(label="Indicateur", max_length=200)
    unit = forms.CharField(label="Unité", max_length=50, required=False, help_text="Par exemple « personnes » ou « appels ».")
    target = FrenchDecimalField(label="Cible", required=False, **QUANTITY)


class IndicatorTargetForm(BaseForm):
    target = FrenchDecimalField(label="Cible", required=False, **QUANTITY)


class ProgressForm(BaseForm):
    date = forms.DateField(label="Date", widget=DATE)
    value = FrenchDecimalField(label="Valeur atteinte", **QUANTITY)
    comment = forms.CharField(label="Commentaire", max_length=300, required=False)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > datetime.date.today():
            raise forms.ValidationError("La date d’un point d’avancement ne peut pas être dans le futur.")
        return value


class BudgetLineForm(SubmitOnceMixin, BaseForm):
    kind = forms.ChoiceField(label="Nature", choices=[("depense", "Dépense"), ("cofinancement", "Cofinancement")])
    label = forms.CharField(label="Poste", max_length=200, help_text="Par exemple « Impression des affiches ».")
    amount = FrenchDecimalField(label="Montant (€)", **AMOUNT)


class FundingRequestForm(BaseForm):
    funding_line = forms.ModelChoiceField(label="Ligne de financement", queryset=Resource.objects.none(), empty_label=None)
    amount = FrenchDecimalField(label="Montant demandé (€)", help_text="Par exemple « 2 500 » ou « 1 000,50 ».", **AMOUNT)
    justification = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    cofunding = forms.CharField(
        label="Cofinancements",
        required=False,
        max_length=300,
        help_text="Autres financeurs et montants, par exemple « Commune : 2 000 € ».",
    )
    confirm_duplicate = forms.BooleanField(
        label="Je confirme vouloir une deuxième demande sur cette ligne pour cette action", required=False
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_line"].queryset = Resource.objects.funding_lines().filter(mobilisation=action.plan.mobilisation)
        self.fields["submission_token"].initial = uuid.uuid4()


class InstructionForm(BaseForm):
    """The next states of this request only: the state it is in is never offered."""

    status = forms.ChoiceField(label="Nouvel état", widget=forms.RadioSelect)
    amount_granted = FrenchDecimalField(
        label="Montant accordé (€)", required=False, help_text="À indiquer pour un accord : au plus le montant demandé.", **AMOUNT
    )
    refusal_reason = forms.CharField(label="Motif du refus", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)

    def __init__(self, *args, funding, **kwargs):
        super().__init__(*args, **kwargs)
        self.funding = funding
        allowed = FUNDING_TRANSITIONS.get(FundingStatus(funding.status), set())
        self.fields["status"].choices = [(s.value, s.label) for s in FundingStatus if s in allowed]
        set_help_text(self, "amount_granted", f"À indiquer pour un accord : au plus {euros(funding.amount_requested)}.")

    def clean(self):
        cleaned = super().clean()
        status, amount = cleaned.get("status"), cleaned.get("amount_granted")
        if status == FundingStatus.GRANTED:
            if amount is None and "amount_granted" not in self.errors:
                self.add_error("amount_granted", "Indiquez le montant accordé.")
            elif amount is not None and amount > self.funding.amount_requested:
                self.add_error(
                    "amount_granted",
                    f"Le montant accordé ne peut pas dépasser le montant demandé ({euros(self.funding.amount_requested)}).",
                )
        if status == FundingStatus.REFUSED and not (cleaned.get("refusal_reason") or "").strip():
            self.add_error("refusal_reason", "Indiquez le motif du refus : la coordination du CLS le lira.")
        return cleaned


class ReopenForm(BaseForm):
    reason = forms.CharField(
        label="Motif de la réouverture",
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=2000,
        help_text="Par exemple « erreur sur le montant accordé ». La coordination du CLS le reçoit par courriel.",
    )


class CommentForm(SubmitOnceMixin, BaseForm):
    body = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class UsageReportForm(BaseForm):
    report = forms.CharField(label="Utilisation des fonds", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


def copil_members(plan, also=()):
    """Accounts a COPIL may invite: the CLS's coordinators and elected officials, its delegation, the partners' members
    (and `also`, the people a meeting already invited)."""
    organisations = Organisation.objects.filter(Q(led_actions__plan=plan) | Q(partner_actions__plan=plan)).values("pk")
    members = User.objects.filter(is_active=True, memberships__is_active=True).filter(
        Q(memberships__cls=plan.cls, memberships__role__in=[Role.CLS_COORDINATOR, Role.ELECTED_OFFICIAL])
        | Q(memberships__role=Role.ARS_DELEGATION, memberships__department=plan.cls.department_id)
        | Q(memberships__role=Role.PARTNER_MEMBER, memberships__organisation__in=organisations)
    )
    return User.objects.filter(Q(pk__in=members.values("pk")) | Q(pk__in=list(also))).order_by("last_name", "first_name", "email")


class MemberChoiceField(ModelMultipleChoiceField):
    def label_from_instance(self, user):
        return f"{user.get_full_name() or user.email} ({user.email})"


class CopilScheduleForm(SubmitOnceMixin, BaseForm):
    date = forms.DateField(label="Date de la réunion", widget=DATE)
    time = forms.TimeField(label="Heure", widget=TIME, required=False)
    place = forms.CharField(label="Lieu", max_length=300, required=False, help_text="Adresse et salle, ou lien de la visioconférence.")
    agenda = forms.CharField(label="Ordre du jour", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000, required=False)
    invited_users = MemberChoiceField(
        label="Membres invités",
        queryset=User.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="Ils reçoivent l’invitation par courriel.",
    )
    other_invitees = forms.CharField(
        label="Autres invités",
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=5000,
        required=False,
        help_text="Une personne par ligne : nom, fonction (par exemple « Anne Le Gall, adjointe au maire de Dinan »).",
    )

    def __init__(self, *args, plan, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["invited_users"].queryset = copil_members(plan)
        if meeting is not None and not self.is_bound:
            self.initial.update(
                date=meeting.date,
                time=meeting.time,
                place=meeting.place,
                agenda=meeting.agenda,
                invited_users=list(meeting.invited_users.all()),
                other_invitees=meeting.other_invitees,
            )

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value < datetime.date.today():
            raise forms.ValidationError(
                "Une réunion se prévoit aujourd’hui ou plus tard ; pour une réunion passée, enregistrez ses décisions."
            )
        return value

    def clean_other_invitees(self):
        people_lines(self.cleaned_data["other_invitees"], field_label="Autres invités")
        return self.cleaned_data["other_invitees"]

    def clean(self):
        cleaned = super().clean()
        if not cleaned.get("invited_users") and not (cleaned.get("other_invitees") or "").strip() and not self.errors:
            raise forms.ValidationError("Invitez au moins une personne : un membre de la liste ou une autre personne.")
        return cleaned


class CopilRecordForm(SubmitOnceMixin, BaseForm):
    """The decisions of a held meeting: who attended (at least two real people), the notes and decisions."""

    date = forms.DateField(label="Date de la réunion", widget=DATE)
    present_users = MemberChoiceField(
        label="Membres présents", queryset=User.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    attendees = forms.CharField(
        label="Autres participants",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        required=False,
        help_text="Une personne par ligne : nom, fonction (par exemple « Anne Le Gall, adjointe au maire de Dinan »).",
    )
    notes = forms.CharField(label="Relevé de décisions", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)
    adopt_plan = forms.BooleanField(label="Le COPIL adopte le plan d’action", required=False)
    adopted_actions = ModelMultipleChoiceField(
        label="Actions adoptées", queryset=PlannedAction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    rejected_actions = ModelMultipleChoiceField(
        label="Actions rejetées", queryset=PlannedAction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    MINIMUM_ATTENDEES = 2

    def __init__(self, *args, plan, meeting=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.meeting = meeting
        actions = plan.actions.order_by("title")
        self.fields["adopted_actions"].queryset = actions
        self.fields["rejected_actions"].queryset = actions
        invited = list(meeting.invited_users.values_list("pk", flat=True)) if meeting is not None else []
        if meeting is not None:
            del self.fields["date"]
            if not self.is_bound:
                self.initial.update(attendees=meeting.other_invitees, present_users=list(meeting.invited_users.all()))
        self.fields["present_users"].queryset = copil_members(plan, also=invited).prefetch_related("memberships")
        if plan.status != PlanStatus.SUBMITTED:
            self.fields["adopt_plan"].disabled = True
            set_help_text(self, "adopt_plan", "Le plan doit d’abord être soumis au COPIL.")

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > datetime.date.today():
            raise forms.ValidationError("On enregistre les décisions d’une réunion qui a eu lieu : pour une réunion à venir, prévoyez-la.")
        return value

    def clean(self):
        cleaned = super().clean()
        try:
            typed = people_lines(cleaned.get("attendees"), field_label="Autres participants")
        except forms.ValidationError as error:
            self.add_error("attendees", error)
            return cleaned
        present = [f"{user.get_full_name() or user.email}, {membership_label(user)}" for user in cleaned.get("present_users") or []]
        if len(present) + len(typed) < self.MINIMUM_ATTENDEES and "present_users" not in self.errors:
            self.add_error(
                "attendees",
                f"Un COPIL réunit au moins {self.MINIMUM_ATTENDEES} personnes : cochez les membres présents ou écrivez les autres participants.",
            )
        cleaned["attendee_text"] = "\n".join(present + typed)
        return cleaned


def membership_label(user):
    roles = sorted({m.get_role_display() for m in user.memberships.all() if m.is_active})
    return " ; ".join(roles) or "membre"


class MessageForm(SubmitOnceMixin, BaseForm):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class RestrictionForm(SubmitOnceMixin, BaseModelForm):
    scope = forms.ChoiceField(
        label="Territoire concerné", choices=RestrictionScope.choices, widget=forms.RadioSelect, help_text="Choix obligatoire."
    )
    reason = forms.CharField(
        label="Motif de la correction", max_length=100, required=False, help_text="Gardé dans l’historique de la mesure."
    )

    class Meta:
        model = RestrictionPeriod
        fields = ["kind", "label", "scope", "department", "epcis", "communes", "start", "end", "blocked_modalities"]
        widgets = {
            "start": DATE,
            "end": DATE,
            "blocked_modalities": forms.CheckboxSelectMultiple,
            "epcis": forms.CheckboxSelectMultiple,
            "communes": forms.CheckboxSelectMultiple,
        }
        help_texts = {
            "blocked_modalities": "Par défaut : rassemblements et présentiel pour un confinement, rassemblements pour un couvre-feu.",
            "department": "Pour une mesure départementale.",
            "epcis": "Pour une mesure de une ou plusieurs intercommunalités.",
            "communes": "Pour une mesure de une ou plusieurs communes (centres-villes, par exemple).",
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = "Choisir un département"
        self.fields["department"].queryset = Department.objects.order_by("code")
        self.fields["epcis"].queryset = Epci.objects.filter(communes__isnull=False).distinct().order_by("name")
        self.fields["communes"].queryset = Commune.objects.order_by("name")
        filterable(self.fields["epcis"], "Filtrer les intercommunalités")
        filterable(self.fields["communes"], "Filtrer les communes (nom ou code INSEE)")
        self.fields["blocked_modalities"].required = False
        if self.instance.pk is None:
            del self.fields["reason"]

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "La fin ne peut pas précéder le début.")
        scope = cleaned.get("scope")
        if scope == RestrictionScope.DEPARTMENT and not cleaned.get("department"):
            self.add_error("department", "Choisissez le département de la mesure.")
        if scope == RestrictionScope.EPCI and not cleaned.get("epcis"):
            self.add_error("epcis", "Choisissez au moins une intercommunalité.")
        if scope == RestrictionScope.COMMUNES and not cleaned.get("communes"):
            self.add_error("communes", "Choisissez au moins une commune.")
        # Only the field of the chosen territory counts: the others are emptied, so nothing contradicts the scope.
        if scope != RestrictionScope.DEPARTMENT:
            cleaned["department"] = None
        if scope != RestrictionScope.EPCI:
            cleaned["epcis"] = Epci.objects.none()
        if scope != RestrictionScope.COMMUNES:
            cleaned["communes"] = Commune.objects.none()
        kind = cleaned.get("kind")
        if kind and not cleaned.get("blocked_modalities"):
            defaults = DEFAULT_BLOCKED_MODALITIES.get(kind, [])
            if not defaults:
                self.add_error("blocked_modalities", "Cochez les modalités d’action que cette mesure rend impossibles.")
            cleaned["blocked_modalities"] = Modality.objects.filter(code__in=defaults)
        return cleaned


class LiftRestrictionForm(BaseForm):
    on = forms.DateField(label="Dernier jour d’application", widget=DATE, help_text="La mesure ne s’applique plus le lendemain.")
    reason = forms.CharField(label="Motif", max_length=100, required=False, help_text="Par exemple « décret du 15 décembre ».")


class DeleteRestrictionForm(BaseForm):
    reason = forms.CharField(
        label="Pourquoi supprimer cette période ?",
        max_length=100,
        help_text="Par exemple « saisie en double ». L’historique garde la période supprimée.",
    )


class FollowUpFilterForm(BaseForm):
    """Filters of the ARS follow-up lists; the department choice only lists the departments the user follows."""

    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none(), required=False, empty_label="Tous")
    status = forms.ChoiceField(
        label="Statut du plan", choices=[("", "Tous"), ("non_commence", "Non commencé"), *PlanStatus.choices], required=False
    )

    def __init__(self, data, *, departments, with_status=True):
        super().__init__(data)
        self.fields["department"].queryset = departments
        if not with_status:
            del self.fields["status"]

    def filter(self, plans, prefix=""):
        """Plans (or objects reaching a plan through `prefix`) matching the filters; invalid filters are ignored."""
        if not self.is_valid():
            return plans
        if department := self.cleaned_data.get("department"):
            plans = plans.filter(**{f"{prefix}cls__department": department})
        if (status := self.cleaned_data.get("status")) and status in PlanStatus.values:
            plans = plans.filter(**{f"{prefix}status": status})
        return plans
