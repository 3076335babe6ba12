"""Forms of the plans: diagnosis, actions, indicators, budget, funding, COPIL, messages, restrictions."""

import datetime
import uuid
from decimal import Decimal

from django import forms

from mobilisation.catalogue.models import Modality, Resource, TargetPublic, Theme
from mobilisation.core.forms import BaseForm, BaseModelForm, ModelMultipleChoiceField, SubmitOnceMixin
from mobilisation.directory.models import Organisation
from mobilisation.territories.models import Commune, Department

from .enums import DEFAULT_BLOCKED_MODALITIES, FundingStatus, PlanStatus
from .models import BudgetLine, ExistingAction, Indicator, PlannedAction, RestrictionPeriod

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
AMOUNT = {"max_digits": 12, "decimal_places": 2, "min_value": Decimal("0.01"), "max_value": Decimal("9999999999")}


class VersionedFormMixin:
    """Refuse a stale save: the form carries the version it was built from (SECURITY.md 24)."""

    stale_message = "Cet élément a été modifié par quelqu’un d’autre pendant votre saisie. Vos saisies sont conservées : rechargez la page pour voir la nouvelle version, puis reportez vos modifications."

    def add_version_field(self):
        self.fields["version_seen"] = forms.IntegerField(widget=forms.HiddenInput, required=False, initial=self.instance.version)

    def check_version(self, cleaned):
        if self.instance.pk and cleaned.get("version_seen") != self.instance.version:
            raise forms.ValidationError(self.stale_message)


class DiagnosisForm(BaseForm):
    needs = forms.CharField(label="Besoins du territoire", widget=forms.Textarea(attrs={"rows": 6}), required=False, max_length=10000)
    priority_publics = ModelMultipleChoiceField(
        label="Publics prioritaires", queryset=TargetPublic.objects.all(), required=False, widget=forms.CheckboxSelectMultiple
    )
    priority_communes = ModelMultipleChoiceField(
        label="Communes prioritaires",
        queryset=Commune.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
        help_text="Communes du CLS où agir en priorité. Maintenez Ctrl (ou Cmd) pour en choisir plusieurs.",
    )
    version_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["priority_communes"].queryset = plan.cls.communes.order_by("name")
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
            raise forms.ValidationError(VersionedFormMixin.stale_message)
        return cleaned


class PlannedActionForm(VersionedFormMixin, BaseModelForm):
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
            "communes": forms.SelectMultiple(attrs={"size": 8}),
            "partners": forms.SelectMultiple(attrs={"size": 6}),
            "start": DATE,
            "end": DATE,
        }
        help_texts = {"communes": "Vide : tout le territoire du CLS."}

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        self.plan = plan
        self.fields["theme"].queryset = Theme.objects.filter(axis__mobilisation=plan.mobilisation).select_related("axis")
        self.fields["resources"].queryset = Resource.objects.filter(mobilisation=plan.mobilisation)
        # Only the CLS's communes are offered (and accepted): a plan acts on its own territory.
        self.fields["communes"].queryset = plan.cls.communes.order_by("name")
        self.fields["communes"].error_messages["invalid_choice"] = "Commune hors du territoire du CLS (code INSEE %(value)s)."
        organisations = Organisation.objects.filter(communes__in=plan.cls.communes.all()).distinct().order_by("name")
        self.fields["lead_organisation"].queryset = organisations
        self.fields["partners"].queryset = organisations
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
        return cleaned


class ExistingActionForm(SubmitOnceMixin, BaseModelForm):
    class Meta:
        model = ExistingAction
        fields = ["reference", "title", "priority", "description"]
        widgets = {"description": forms.Textarea(attrs={"rows": 3})}


class ActionStatusForm(BaseForm):
    status = forms.CharField(max_length=20)


class IndicatorForm(SubmitOnceMixin, BaseModelForm):
    target = forms.DecimalField(label="Cible", max_digits=12, decimal_places=2, min_value=0, required=False)

    class Meta:
        model = Indicator
        fields = ["name", "unit", "target"]


class IndicatorTargetForm(BaseForm):
    target = forms.DecimalField(label="Cible", max_digits=12, decimal_places=2, min_value=0, required=False)


class ProgressForm(BaseForm):
    date = forms.DateField(label="Date", widget=DATE, initial=datetime.date.today)
    value = forms.DecimalField(label="Valeur atteinte à cette date", max_digits=12, decimal_places=2, min_value=0)
    comment = forms.CharField(label="Commentaire", max_length=300, required=False)

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > datetime.date.today():
            raise forms.ValidationError("La date d’un point d’avancement ne peut pas être dans le futur.")
        return value


class BudgetLineForm(SubmitOnceMixin, BaseModelForm):
    amount = forms.DecimalField(label="Montant (€)", **AMOUNT)

    class Meta:
        model = BudgetLine
        fields = ["kind", "label", "amount"]


class FundingRequestForm(BaseForm):
    funding_line = forms.ModelChoiceField(label="Ligne de financement", queryset=Resource.objects.none(), empty_label=None)
    amount = forms.DecimalField(label="Montant demandé (€)", **AMOUNT)
    justification = forms.CharField(label="Justification", widget=forms.Textarea(attrs={"rows": 4}), max_length=5000)
    cofunding = forms.CharField(
        label="Cofinancements",
        required=False,
        max_length=300,
        help_text="Autres financeurs et montants, par exemple « Commune : 2 000 € ».",
    )
    submission_token = forms.UUIDField(widget=forms.HiddenInput, required=False)

    def __init__(self, *args, action, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["funding_line"].queryset = Resource.objects.funding_lines().filter(mobilisation=action.plan.mobilisation)
        self.fields["submission_token"].initial = uuid.uuid4()


class InstructionForm(BaseForm):
    status = forms.ChoiceField(label="Nouvel état", choices=[(s.value, s.label) for s in FundingStatus if s != FundingStatus.RECEIVED])
    amount_granted = forms.DecimalField(
        label="Montant accordé (€)", required=False, max_digits=12, decimal_places=2, min_value=Decimal("0.01")
    )
    refusal_reason = forms.CharField(label="Motif du refus", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)
    comment = forms.CharField(label="Commentaire", required=False, widget=forms.Textarea(attrs={"rows": 2}), max_length=2000)


class CommentForm(SubmitOnceMixin, BaseForm):
    body = forms.CharField(label="Commentaire", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class UsageReportForm(BaseForm):
    report = forms.CharField(label="Utilisation des fonds", widget=forms.Textarea(attrs={"rows": 4}), max_length=10000)


class CopilForm(SubmitOnceMixin, BaseForm):
    date = forms.DateField(label="Date de la réunion", widget=DATE)
    attendees = forms.CharField(
        label="Participants",
        widget=forms.Textarea(attrs={"rows": 4}),
        max_length=5000,
        help_text="Un participant par ligne (nom et fonction).",
    )
    notes = forms.CharField(label="Relevé de décisions", widget=forms.Textarea(attrs={"rows": 4}), required=False, max_length=10000)
    adopt_plan = forms.BooleanField(label="Le COPIL adopte le plan d’action", required=False)
    adopted_actions = ModelMultipleChoiceField(
        label="Actions adoptées", queryset=PlannedAction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )
    rejected_actions = ModelMultipleChoiceField(
        label="Actions rejetées", queryset=PlannedAction.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    def __init__(self, *args, plan, **kwargs):
        super().__init__(*args, **kwargs)
        actions = plan.actions.order_by("title")
        self.fields["adopted_actions"].queryset = actions
        self.fields["rejected_actions"].queryset = actions

    def clean_date(self):
        value = self.cleaned_data["date"]
        if value > datetime.date.today():
            raise forms.ValidationError("On enregistre les décisions d’une réunion qui a eu lieu : la date ne peut pas être dans le futur.")
        return value


class MessageForm(SubmitOnceMixin, BaseForm):
    body = forms.CharField(label="Votre message", widget=forms.Textarea(attrs={"rows": 3}), max_length=5000)


class RestrictionForm(SubmitOnceMixin, BaseModelForm):
    class Meta:
        model = RestrictionPeriod
        fields = ["kind", "label", "department", "start", "end", "blocked_modalities"]
        widgets = {"start": DATE, "end": DATE, "blocked_modalities": forms.CheckboxSelectMultiple}
        help_texts = {
            "blocked_modalities": "Par défaut : rassemblements et présentiel pour un confinement, rassemblements pour un couvre-feu."
        }

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["department"].empty_label = "Toute la France (mesure nationale)"
        self.fields["blocked_modalities"].required = False

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "La fin ne peut pas précéder le début.")
        if cleaned.get("kind") and not cleaned.get("blocked_modalities"):
            cleaned["blocked_modalities"] = Modality.objects.filter(code__in=DEFAULT_BLOCKED_MODALITIES[cleaned["kind"]])
        return cleaned


class FollowUpFilterForm(BaseForm):
    """Filters of the ARS follow-up lists; the department choice only lists the departments the user follows."""

    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none(), required=False, empty_label="Tous")
    status = forms.ChoiceField(label="Statut du plan", choices=[("", "Tous"), *PlanStatus.choices], required=False)

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
        if status := self.cleaned_data.get("status"):
            plans = plans.filter(**{f"{prefix}status": status})
        return plans
