"""The filters of the access log page."""

from django import forms
from django.core.exceptions import ValidationError

from mobilisation.accounts.models import User
from mobilisation.core.forms import BaseForm

from .enums import AuditAction

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class JournalFilterForm(BaseForm):
    start = forms.DateField(label="Du", required=False, widget=DATE)
    end = forms.DateField(label="Au", required=False, widget=DATE)
    # Not "action": a field of that name would hide the form's own `action` property from the page's scripts.
    kind = forms.ChoiceField(label="Action", choices=[("", "Toutes"), *AuditAction.choices], required=False)
    actor = forms.ModelChoiceField(
        label="Agent", queryset=User.objects.none(), to_field_name="public_id", required=False, empty_label="Tous"
    )
    object_id = forms.CharField(label="Identifiant de l’objet", max_length=64, required=False, strip=True)

    def __init__(self, data, *, events):
        super().__init__(data)
        # The agents who appear in the events the manager reads, and nobody else.
        self.fields["actor"].queryset = User.objects.filter(pk__in=events.exclude(actor=None).values("actor")).order_by(
            "last_name", "first_name", "email"
        )
        self.fields["actor"].label_from_instance = lambda user: (
            f"{user.get_full_name()} ({user.email})" if user.get_full_name() else user.email
        )

    def clean(self):
        data = super().clean()
        if data.get("start") and data.get("end") and data["start"] > data["end"]:
            raise ValidationError("La date de début doit précéder la date de fin.")
        return data

    def filter(self, events):
        """`events` narrowed to the valid filters (the page shows the errors of the others)."""
        if not self.is_bound or not self.is_valid():
            return events
        data = self.cleaned_data
        events = events.between(data["start"], data["end"])
        if data["kind"]:
            events = events.filter(action=data["kind"])
        if data["actor"]:
            events = events.filter(actor=data["actor"])
        if data["object_id"]:
            events = events.filter(object_id=data["object_id"])
        return events

    def summary(self):
        """The filters, in words, for the EXPORT event of the log itself (no value of a person followed)."""
        if not self.is_bound or not self.is_valid():
            return "sans filtre"
        data = self.cleaned_data
        parts = []
        if data["start"]:
            parts.append(f"du {data['start']:%d/%m/%Y}")
        if data["end"]:
            parts.append(f"au {data['end']:%d/%m/%Y}")
        if data["kind"]:
            parts.append(f"action : {AuditAction(data['kind']).label.lower()}")
        if data["actor"]:
            parts.append(f"agent : {data['actor'].email}")
        if data["object_id"]:
            parts.append(f"objet : {data['object_id']}")
        return "filtre : " + ", ".join(parts) if parts else "sans filtre"
