"""Catalogue forms: public filters, and the ARS region's edit forms."""

from urllib.parse import urlencode

from django import forms

from mobilisation.core.forms import BaseForm, BaseModelForm, StaleSaveGuardMixin
from mobilisation.core.text import unique_slug

from .models import ActionModel, Axis, Mobilisation, Modality, Resource, TargetPublic, Theme
from .search import is_meaningful

GATHERING_CODES = {"presentiel", "rassemblement"}


SEARCH_HELP = (
    "Cherche dans l’intitulé, la description, l’alternative en période de confinement, les publics, partenaires, "
    "modalités et indicateurs ; accents, majuscules et pluriel indifférents."
)


class CatalogueFilterForm(BaseForm):
    q = forms.CharField(label="Mots-clés", max_length=100, required=False, help_text=SEARCH_HELP)
    axis = forms.ModelChoiceField(label="Axe", queryset=Axis.objects.none(), required=False, empty_label="Tous les axes")
    theme = forms.ModelChoiceField(label="Thème", queryset=Theme.objects.none(), required=False, empty_label="Tous les thèmes")
    public = forms.ModelChoiceField(
        label="Public", queryset=TargetPublic.objects.all(), required=False, empty_label="Tous les publics", to_field_name="code"
    )
    modality = forms.ModelChoiceField(
        label="Modalité", queryset=Modality.objects.all(), required=False, empty_label="Toutes", to_field_name="code"
    )

    def __init__(self, *args, mobilisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["axis"].queryset = mobilisation.axes.all()
        self.fields["axis"].to_field_name = "code"
        self.fields["theme"].queryset = Theme.objects.filter(axis__mobilisation=mobilisation)
        self.fields["theme"].to_field_name = "code"

    @property
    def query(self):
        """The search as typed, once valid ("" without one)."""
        return self.cleaned_data.get("q", "") if self.is_valid() else ""

    @property
    def is_searching(self):
        """A search with at least one meaningful word: the results come ranked by relevance."""
        return is_meaningful(self.query)

    @property
    def search_ignored(self):
        """A search of stop words or punctuation only: it filters nothing, and the page says so."""
        return bool(self.query.strip()) and not self.is_searching

    def query_string(self, *, without=()):
        """The valid filters as sent, as a query string ("axis=B&q=masques"), for links and redirects."""
        if not self.is_bound or not self.is_valid():
            return ""
        params = {name: self.data[name] for name in self.fields if name not in without and self.cleaned_data.get(name)}
        return urlencode(params)

    def filter(self, queryset):
        """The action models matching the filters: ranked by relevance for a search, in catalogue order otherwise."""
        if not self.is_valid():
            return queryset
        data = self.cleaned_data
        if data["q"]:
            queryset = queryset.search(data["q"])
        if data["axis"]:
            queryset = queryset.filter(theme__axis=data["axis"])
        if data["theme"]:
            queryset = queryset.filter(theme=data["theme"])
        if data["public"]:
            queryset = queryset.filter(publics=data["public"])
        if data["modality"]:
            queryset = queryset.filter(modalities=data["modality"])
        return queryset.distinct()


class TextLinesMixin:
    """Check the raw text (null characters, total length) before it is split into a list."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.validators = []  # Django's CharField validators would see the list, not the text

    def raw_text(self, value):
        value = value or ""
        if "\x00" in value:
            raise forms.ValidationError("Le texte contient un caractère non autorisé.")
        if self.max_length and len(value) > self.max_length:
            raise forms.ValidationError(f"Le texte est trop long ({self.max_length} caractères au plus).")
        return value


class LinesField(TextLinesMixin, forms.CharField):
    """One item per line."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        return "\n".join(value) if isinstance(value, list) else value

    def to_python(self, value):
        return [line.strip()[:200] for line in self.raw_text(value).splitlines() if line.strip()]


class IndicatorsField(TextLinesMixin, forms.CharField):
    """One indicator per line, written « name | unit »."""

    widget = forms.Textarea(attrs={"rows": 3})

    def prepare_value(self, value):
        if isinstance(value, list):
            return "\n".join(f"{item['name']} | {item.get('unit', '')}".rstrip(" |") for item in value)
        return value

    def to_python(self, value):
        indicators = []
        for line in self.raw_text(value).splitlines():
            if not line.strip():
                continue
            name, _, unit = line.partition("|")
            if not name.strip():
                raise forms.ValidationError("Chaque ligne doit commencer par le nom de l’indicateur.")
            indicators.append({"name": name.strip()[:200], "unit": unit.strip()[:50]})
        return indicators


class ActionModelForm(BaseModelForm):
    partner_kinds = LinesField(label="Partenaires suggérés", required=False, help_text="Un type de partenaire par ligne.", max_length=3000)
    indicators = IndicatorsField(
        label="Indicateurs suggérés", required=False, help_text="Un indicateur par ligne, sous la forme « nom | unité ».", max_length=3000
    )
    change_reason = forms.CharField(
        label="Motif de la modification",
        max_length=200,
        required=False,
        help_text="Il apparaîtra dans l’historique et aux CLS qui ont adopté l’action.",
    )
    revision_seen = forms.IntegerField(widget=forms.HiddenInput, required=False)

    class Meta:
        model = ActionModel
        fields = [
            "title",
            "theme",
            "description",
            "modalities",
            "publics",
            "partner_kinds",
            "indicators",
            "lockdown_alternative",
            "resources",
        ]
        widgets = {
            "modalities": forms.CheckboxSelectMultiple,
            "publics": forms.CheckboxSelectMultiple,
            "resources": forms.CheckboxSelectMultiple,
            "description": forms.Textarea(attrs={"rows": 5}),
            "lockdown_alternative": forms.Textarea(attrs={"rows": 3}),
        }

    def __init__(self, *args, mobilisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.mobilisation = mobilisation
        self.fields["theme"].queryset = Theme.objects.filter(axis__mobilisation=mobilisation).select_related("axis")
        self.fields["resources"].queryset = mobilisation.resources.all()
        if self.instance.pk:
            self.fields["revision_seen"].initial = self.instance.revision

    def clean(self):
        cleaned = super().clean()
        codes = {m.code for m in cleaned.get("modalities") or []}
        if codes & GATHERING_CODES and not (cleaned.get("lockdown_alternative") or "").strip():
            self.add_error(
                "lockdown_alternative", "Cette action suppose une présence physique : indiquez comment la mener pendant un confinement."
            )
        if self.instance.pk and cleaned.get("revision_seen") != self.instance.revision:
            raise forms.ValidationError(
                "Ce modèle d’action a été modifié par quelqu’un d’autre pendant votre saisie. Vos saisies sont conservées : "
                "rechargez la page pour voir la nouvelle version, puis reportez vos modifications."
            )
        return cleaned

    def save(self, commit=False):
        action = super().save(commit=False)
        action.mobilisation = self.mobilisation
        if not action.slug:
            action.slug = unique_slug(ActionModel.objects.filter(mobilisation=self.mobilisation), action.title, fallback="action")
        return action


class ResourceForm(StaleSaveGuardMixin, BaseModelForm):
    url = forms.URLField(label="Lien", max_length=500, required=False, assume_scheme="https")

    class Meta:
        model = Resource
        fields = ["kind", "title", "description", "url", "is_funding_line"]
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}

    def __init__(self, *args, mobilisation, **kwargs):
        super().__init__(*args, **kwargs)
        self.mobilisation = mobilisation

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("is_funding_line") and cleaned.get("kind") != "financier":
            self.add_error("is_funding_line", "Seule une ressource financière peut être une ligne de financement.")
        return cleaned

    def save(self, commit=True):
        resource = super().save(commit=False)
        resource.mobilisation = self.mobilisation
        if not resource.slug:
            resource.slug = unique_slug(Resource.objects.filter(mobilisation=self.mobilisation), resource.title, fallback="ressource")
        if commit:
            resource.save()
        return resource


class MobilisationForm(StaleSaveGuardMixin, BaseModelForm):
    class Meta:
        model = Mobilisation
        fields = ["title", "summary", "start", "end", "status", "source_title", "source_publisher", "source_date"]
        widgets = {
            "start": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "end": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "source_date": forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d"),
            "summary": forms.Textarea(attrs={"rows": 5}),
        }

    def clean(self):
        cleaned = super().clean()
        if cleaned.get("start") and cleaned.get("end") and cleaned["end"] < cleaned["start"]:
            self.add_error("end", "La fin ne peut pas précéder le début.")
        return cleaned


class NewMobilisationForm(BaseForm):
    title = forms.CharField(label="Titre", max_length=200, help_text="Par exemple : « Canicule 2027 : mobilisation des CLS ».")
    slug = forms.SlugField(
        label="Identifiant court", max_length=80, help_text="Lettres minuscules, chiffres et tirets ; il sert d’adresse."
    )
    start = forms.DateField(label="Début", widget=forms.DateInput(attrs={"type": "date"}))
    copy_of = forms.ModelChoiceField(
        label="Partir d’une mobilisation existante",
        queryset=Mobilisation.objects.all(),
        required=False,
        empty_label="Non, partir d’un catalogue vide",
        help_text="Ses axes, thèmes, modèles d’action et ressources seront copiés ; vous pourrez les adapter.",
    )

    def clean_slug(self):
        slug = self.cleaned_data["slug"]
        if Mobilisation.objects.filter(slug=slug).exists():
            raise forms.ValidationError("Cet identifiant est déjà pris par une autre mobilisation.")
        return slug
