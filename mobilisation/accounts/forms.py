"""Login, password, token and people forms in French, rendered with the DSFR."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from mobilisation.contracts.models import Cls
from mobilisation.core import page_cache
from mobilisation.core.forms import BaseForm, QuickSelect, StaleSaveGuardMixin, SubmitOnceMixin
from mobilisation.directory.models import Organisation
from mobilisation.hotline.models import Line
from mobilisation.territories.models import Commune, Department, Epci

from .enums import CLS_ROLES, ORGANISATION_ROLES, ROLE_SCOPE_FIELD, SOCIAL_SERVICES_ROLES, InvitationState, Role
from .models import SCOPE_FIELDS


class LoginForm(auth_forms.AuthenticationForm, BaseForm):
    username = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "email"}),
    )
    password = forms.CharField(
        label="Mot de passe",
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
    )
    error_messages = {
        "invalid_login": "Adresse électronique ou mot de passe incorrect.",
        "inactive": "Adresse électronique ou mot de passe incorrect.",
    }


class PasswordChangeForm(auth_forms.PasswordChangeForm, BaseForm):
    pass


class PasswordResetForm(auth_forms.PasswordResetForm, BaseForm):
    email = forms.EmailField(label="Adresse électronique", max_length=254, widget=forms.EmailInput(attrs={"autocomplete": "email"}))

    def save(self, **kwargs):
        # The e-mail's host is SITE_URL's, never the Host header of the request (password-reset poisoning): Django
        # would otherwise take `domain` and `protocol` from the request.
        site = urlsplit(settings.SITE_URL)
        return super().save(**{**kwargs, "domain_override": site.netloc, "use_https": site.scheme == "https"})


class SetPasswordForm(auth_forms.SetPasswordForm, BaseForm):
    pass


class ApiTokenForm(BaseForm):
    name = forms.CharField(
        label="Nom du jeton", max_length=100, help_text="Pour vous souvenir de son usage, par exemple « tableur de suivi »."
    )
    expires_in_days = forms.TypedChoiceField(
        label="Durée de validité",
        coerce=int,
        choices=[(30, "30 jours"), (90, "90 jours"), (365, "1 an")],
        initial=90,
    )


# People: invitation, memberships, deactivation, the list's filters. The roles and scopes a form offers, and the
# grant it accepts, come from perms.Grants: a forbidden grant is a field error, never a write.

SCOPE_HELP = {
    "department": "Pour une délégation départementale de l’ARS.",
    "cls": "Pour la coordination et les élus référents du CLS.",
    "commune": "Pour un CCAS : code INSEE de la commune, par exemple 22050.",
    "epci": "Pour un CIAS (à la place de la commune).",
    "organisation": "Pour les membres et bénévoles d’une organisation partenaire.",
    "line": "Pour les écoutants d’un numéro vert : ils ne voient que le journal et les rappels de cette ligne.",
}
# The roles each scope field serves (the page shows a field only for its roles, when scripts run).
SCOPE_ROLES = {
    "department": [Role.ARS_DELEGATION],
    "cls": list(CLS_ROLES),
    "commune": list(SOCIAL_SERVICES_ROLES),
    "epci": list(SOCIAL_SERVICES_ROLES),
    "organisation": list(ORGANISATION_ROLES),
    "line": [Role.HOTLINE_OPERATOR],
}
REQUIRED_SCOPE = {
    "department": "Choisissez le département de la délégation.",
    "cls": "Choisissez le CLS.",
    "organisation": "Choisissez l’organisation.",
    "line": "Choisissez la ligne du numéro vert.",
}


class CommuneCodeField(forms.ModelChoiceField):
    """A commune typed by its INSEE code (1,200 options are no list to scroll)."""

    default_error_messages = {"invalid_choice": "Code INSEE inconnu en Bretagne : saisissez ses 5 caractères, par exemple 22050."}
    widget = forms.TextInput(attrs={"inputmode": "numeric", "autocomplete": "off", "maxlength": "5"})

    def to_python(self, value):
        if isinstance(value, str):
            value = value.strip().upper()
            if len(value) > 5:
                raise forms.ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class ScopeFieldsMixin(forms.Form):
    """A role and the scope fields it takes, limited to what `grants` allows; `cleaned_data["scope"]` holds the scope."""

    role = forms.ChoiceField(label="Rôle")
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none(), required=False, empty_label="—")
    cls = forms.ModelChoiceField(label="CLS", queryset=Cls.objects.none(), required=False, empty_label="—")
    commune = CommuneCodeField(
        label="Commune du CCAS (code INSEE)", queryset=Commune.objects.none(), to_field_name="insee_code", required=False
    )
    epci = forms.ModelChoiceField(label="EPCI du CIAS", queryset=Epci.objects.none(), required=False, empty_label="—")
    organisation = forms.ModelChoiceField(
        label="Organisation partenaire", queryset=Organisation.objects.none(), required=False, empty_label="—"
    )
    line = forms.ModelChoiceField(label="Ligne du numéro vert", queryset=Line.objects.none(), required=False, empty_label="—")

    def setup_scope(self, grants):
        self.grants = grants
        self.fields["role"].choices = [("", "Choisir un rôle")] + [(role.value, role.label) for role in grants.roles]
        offered = {}
        for role in grants.roles:
            offered.update(grants.scopes_of(role))
        orderings = {"department": "code", "cls": "name", "commune": "insee_code", "epci": "name", "organisation": "name", "line": "name"}
        for name in SCOPE_FIELDS:
            if name in offered:
                self.fields[name].queryset = offered[name].order_by(orderings[name])
                self.fields[name].help_text = SCOPE_HELP[name]
            else:
                del self.fields[name]

    def scope_fields(self):
        """(bound field, roles it serves) of the scope fields on the form, for the template."""
        return [(self[name], " ".join(SCOPE_ROLES[name])) for name in SCOPE_FIELDS if name in self.fields]

    def clean(self):
        cleaned = super().clean()
        role = cleaned.get("role")
        if not role or any(name in self.errors for name in SCOPE_FIELDS):
            return cleaned
        field = ROLE_SCOPE_FIELD[Role(role)]
        scope = {}
        if field == "commune_or_epci":
            commune, epci = cleaned.get("commune"), cleaned.get("epci")
            if bool(commune) == bool(epci):
                self.add_error("commune", "Indiquez la commune du CCAS ou l’EPCI du CIAS (l’un des deux).")
                return cleaned
            scope = {"commune": commune} if commune else {"epci": epci}
        elif field is not None:
            if not cleaned.get(field):
                self.add_error(field if field in self.fields else "role", REQUIRED_SCOPE[field])
                return cleaned
            scope = {field: cleaned[field]}
        if not self.grants.allows(role, scope):
            self.add_error("role", "Vous ne pouvez pas accorder ce rattachement.")
            return cleaned
        cleaned["scope"] = scope
        return cleaned


class InvitationForm(ScopeFieldsMixin, SubmitOnceMixin, BaseForm):
    email = forms.EmailField(
        label="Adresse électronique",
        max_length=254,
        widget=forms.EmailInput(attrs={"autocomplete": "off"}),
        help_text="Si la personne a déjà un compte, le rattachement y est ajouté : pas de second compte.",
    )
    first_name = forms.CharField(label="Prénom", max_length=150)
    last_name = forms.CharField(label="Nom", max_length=150)

    field_order = ["email", "first_name", "last_name", "role"]

    def __init__(self, data=None, *, grants, initial=None):
        super().__init__(data, initial=initial)
        self.setup_scope(grants)
        if len(grants.coordinated) == 1 and not grants.everything:  # a coordinator's own CLS, chosen already
            self.fields["cls"].initial = next(iter(grants.coordinated))


class MembershipForm(ScopeFieldsMixin, StaleSaveGuardMixin, BaseForm):
    reason = forms.CharField(label="Motif du changement", max_length=100, help_text="Gardé dans l’historique du rattachement.")

    def __init__(self, data=None, *, instance, grants):
        self.instance = instance  # StaleSaveGuardMixin reads it
        initial = {"role": instance.role, **{name: getattr(instance, f"{name}_id") for name in SCOPE_FIELDS}}
        super().__init__(data, initial=initial)
        self.setup_scope(grants)


class ReasonForm(BaseForm):
    reason = forms.CharField(label="Motif", max_length=100, help_text="Gardé dans l’historique, avec votre nom et la date.")


class PeopleFilterForm(BaseForm):
    """Filters of the people list, offering the territories of the manager's scope; invalid filters are ignored."""

    q = forms.CharField(label="Nom ou adresse électronique", max_length=100, required=False)
    role = forms.ChoiceField(label="Rôle", required=False)
    state = forms.ChoiceField(label="État du compte", choices=[("", "Tous"), *InvitationState.choices], required=False)
    department = forms.ModelChoiceField(label="Département", queryset=Department.objects.none(), required=False, empty_label="Tous")
    cls = forms.ModelChoiceField(label="CLS", queryset=Cls.objects.none(), required=False, empty_label="Tous")
    organisation = forms.ModelChoiceField(label="Organisation", queryset=Organisation.objects.none(), required=False, empty_label="Toutes")

    def __init__(self, data, *, grants):
        super().__init__(data)
        if grants.everything:
            roles = list(Role)
            self.fields["department"].queryset = Department.objects.order_by("code")
            self.fields["cls"].queryset = Cls.objects.order_by("name").only("pk", "name")
            # Every CLS of the registry (340 at a national deployment's scale): their options rendered once per change
            # of the public content (core.page_cache), not once per page.
            self.fields["cls"].widget = QuickSelect(attrs=self.fields["cls"].widget.attrs)  # the design system's classes
            self.fields["cls"].widget.cache_key = page_cache.key_of("people-cls-options", *page_cache.versions("public"))
            del self.fields["organisation"]  # thousands of them: the search box finds a person faster
        else:
            roles = [Role.CLS_COORDINATOR, *grants.roles]
            del self.fields["department"]
            self.fields["cls"].queryset = grants.contracts.order_by("name")
            self.fields["organisation"].queryset = grants.organisations.order_by("name")
            if len(grants.coordinated) < 2:
                del self.fields["cls"]
        self.fields["role"].choices = [("", "Tous"), *((role.value, role.label) for role in roles)]

    def summary(self):
        """The valid filters in words, for the audit event of an export (the search text is not repeated: it may be a name)."""
        if not self.is_bound or not self.is_valid():
            return "sans filtre"
        data = self.cleaned_data
        parts = ["recherche par nom ou adresse"] if data["q"] else []
        if data["role"]:
            parts.append(f"rôle : {Role(data['role']).label}")
        if data["state"]:
            parts.append(f"état : {InvitationState(data['state']).label.lower()}")
        for name in ("department", "cls", "organisation"):
            if data.get(name):
                parts.append(f"{self.fields[name].label.lower()} : {data[name]}")
        return "filtre : " + ", ".join(parts) if parts else "sans filtre"

    def filter(self, people, memberships):
        """`people` having one of `memberships` (those the manager sees) that matches the filters."""
        if not self.is_valid():
            return people
        data = self.cleaned_data
        if data["q"]:
            people = people.search(data["q"])
        if data["state"]:
            people = people.in_state(data["state"])
        matching, filtered = memberships, False
        if data["role"]:
            matching, filtered = matching.filter(role=data["role"]), True
        if department := data.get("department"):
            matching, filtered = matching.in_department(department), True
        if cls := data.get("cls"):
            matching, filtered = matching.in_cls(cls), True
        if organisation := data.get("organisation"):
            matching, filtered = matching.filter(organisation=organisation), True
        return people.filter(pk__in=matching.values("user")) if filtered else people


# The second factor (ADR 007).

CODE_WIDGET_ATTRS = {"autocomplete": "one-time-code", "autocapitalize": "none", "spellcheck": "false", "maxlength": "20"}


class SecondFactorForm(BaseForm):
    """The code of the login's second step: a TOTP code, or one of the backup codes (used up)."""

    code = forms.CharField(
        label="Code de vérification",
        max_length=20,
        help_text="Les 6 chiffres affichés par votre application d’authentification, ou l’un de vos codes de secours.",
        widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
        error_messages={"required": "Saisissez le code affiché par votre application, ou un code de secours."},
    )

    def __init__(self, data=None, *, user):
        super().__init__(data)
        self.user = user
        self.device = None

    def clean_code(self):
        from . import second_factor

        if second_factor.is_locked(self.user):
            raise forms.ValidationError(second_factor.LOCKED, code="locked")
        self.device = second_factor.check_code(self.user, self.cleaned_data["code"])
        if self.device is None:
            raise forms.ValidationError(
                second_factor.LOCKED if second_factor.is_locked(self.user) else second_factor.WRONG_CODE, code="invalid"
            )
        return self.cleaned_data["code"]


class EnrolmentForm(BaseForm):
    """Confirm a new application by a code it shows; replacing an application also asks the password and a current code."""

    secret = forms.CharField(widget=forms.HiddenInput, max_length=400)
    code = forms.CharField(
        label="Code affiché par l’application",
        max_length=20,
        help_text="Les 6 chiffres que l’application affiche pour Mobilisation CLS, par exemple 123456.",
        widget=forms.TextInput(attrs={**CODE_WIDGET_ATTRS, "inputmode": "numeric"}),
        error_messages={"required": "Saisissez le code à 6 chiffres affiché par l’application."},
    )

    def __init__(self, data=None, *, user, replacing, initial=None):
        super().__init__(data, initial=initial)
        self.user = user
        self.replacing = replacing
        self.key = None
        self.step = None
        if replacing:
            self.fields["password"] = forms.CharField(
                label="Votre mot de passe",
                strip=False,
                widget=forms.PasswordInput(attrs={"autocomplete": "current-password"}),
                error_messages={"required": "Saisissez votre mot de passe."},
            )
            self.fields["current_code"] = forms.CharField(
                label="Code de l’application actuelle ou code de secours",
                max_length=20,
                help_text="Pour prouver que c’est bien vous : le code de l’ancienne application, ou un code de secours.",
                widget=forms.TextInput(attrs=CODE_WIDGET_ATTRS),
                error_messages={"required": "Saisissez un code de l’application actuelle ou un code de secours."},
            )

    def clean_secret(self):
        from . import second_factor

        self.key = second_factor.unsign_secret(self.cleaned_data["secret"], self.user)
        return self.cleaned_data["secret"]

    def clean_code(self):
        from . import second_factor

        code = self.cleaned_data["code"]
        normalised = second_factor.normalise(code)
        if not (normalised.isdigit() and len(normalised) == 6):
            raise forms.ValidationError("Le code compte 6 chiffres, par exemple 123456.")
        return code

    def clean_password(self):
        if not self.user.check_password(self.cleaned_data["password"]):
            raise forms.ValidationError("Mot de passe incorrect.")
        return self.cleaned_data["password"]

    def clean(self):
        from . import second_factor

        cleaned = super().clean()
        if self.key is None:  # a hidden field: its error is the form's
            self.add_error(None, "Cette page a expiré : une nouvelle clé est affichée ci-dessus, ajoutez-la à l’application.")
        elif "code" in cleaned:
            self.step = second_factor.code_matches(self.key, cleaned["code"])
            if self.step is None:
                self.add_error(
                    "code", "Ce code ne correspond pas : vérifiez que l’heure du téléphone est juste et saisissez le code affiché."
                )
        if (
            self.replacing
            and not self.errors
            and "current_code" in cleaned
            and second_factor.check_code(self.user, cleaned["current_code"]) is None
        ):
            self.add_error("current_code", second_factor.LOCKED if second_factor.is_locked(self.user) else second_factor.WRONG_CODE)
        return cleaned
