"""Login, password and token forms in French, rendered with the DSFR."""

from urllib.parse import urlsplit

from django import forms
from django.conf import settings
from django.contrib.auth import forms as auth_forms

from mobilisation.core.forms import BaseForm


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
