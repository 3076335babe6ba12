"""Login, logout, password change and reset, personal API tokens."""

import datetime

from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_not_required
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse_lazy
from django.utils import timezone
from django.utils.decorators import method_decorator
from django.views.decorators.http import require_http_methods, require_POST

from mobilisation.core.limits import per_client_limit

from .. import second_factor
from ..forms import ApiTokenForm, LoginForm, PasswordChangeForm, PasswordResetForm, SetPasswordForm
from ..models import ApiToken


@method_decorator(login_not_required, name="dispatch")
@method_decorator(per_client_limit("login", rate_setting="RATE_LIMIT_LOGIN", method="POST"), name="dispatch")
class LoginView(auth_views.LoginView):
    template_name = "accounts/login.html"
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def form_valid(self, form):
        """The password is right: an account holding a second factor (or obliged to have one) goes on to it."""
        response = super().form_valid(form)
        user = form.get_user()
        if user.requires_second_factor or second_factor.has_device(user):
            if not user.requires_second_factor:
                self.request.session[second_factor.PENDING_SESSION_KEY] = True
            second_factor.shorten_session(self.request)
            return second_factor.redirect_to_second_factor(self.request, self.get_success_url())
        return response


class LogoutView(auth_views.LogoutView):
    http_method_names = ["post", "options"]


class PasswordChangeView(auth_views.PasswordChangeView):
    template_name = "accounts/password_change.html"
    form_class = PasswordChangeForm
    success_url = reverse_lazy("portal:dashboard")

    def form_valid(self, form):
        messages.success(self.request, "Votre mot de passe a été modifié.")
        return super().form_valid(form)


@method_decorator(login_not_required, name="dispatch")
@method_decorator(per_client_limit("password-reset", rate_setting="RATE_LIMIT_PASSWORD_RESET", method="POST"), name="dispatch")
class PasswordResetView(auth_views.PasswordResetView):
    template_name = "accounts/password_reset.html"
    form_class = PasswordResetForm
    email_template_name = "accounts/email/password_reset.txt"
    subject_template_name = "accounts/email/password_reset_subject.txt"
    success_url = reverse_lazy("accounts:password_reset_done")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetDoneView(auth_views.PasswordResetDoneView):
    template_name = "accounts/password_reset_done.html"


@method_decorator(login_not_required, name="dispatch")
class PasswordResetConfirmView(auth_views.PasswordResetConfirmView):
    template_name = "accounts/password_reset_confirm.html"
    form_class = SetPasswordForm
    success_url = reverse_lazy("accounts:password_reset_complete")


@method_decorator(login_not_required, name="dispatch")
class PasswordResetCompleteView(auth_views.PasswordResetCompleteView):
    template_name = "accounts/password_reset_complete.html"


TOKENS_REFUSED = (
    "Votre compte est soumis à la double authentification : un jeton d’API, qui vaut à lui seul connexion, ne lui est pas "
    "délivré. Utilisez l’API depuis votre session connectée au site."
)


@require_http_methods(["GET", "POST"])
def tokens(request):
    form = ApiTokenForm(request.POST or None)
    new_key = None
    # A token is a single factor: accounts that must use a second one use the API through their verified session.
    refused = request.user.requires_second_factor
    if request.method == "POST" and refused:
        messages.error(request, TOKENS_REFUSED)
        return redirect("accounts:tokens")
    if request.method == "POST" and form.is_valid():
        expires_at = timezone.now() + datetime.timedelta(days=form.cleaned_data["expires_in_days"])
        _, new_key = ApiToken.issue(user=request.user, name=form.cleaned_data["name"], expires_at=expires_at)
        form = ApiTokenForm()
    return render(
        request,
        "accounts/tokens.html",
        {"form": form, "new_key": new_key, "tokens": ApiToken.objects.visible_to(request.user), "refused": refused},
    )


@require_POST
def revoke_token(request, public_id):
    token = get_object_or_404(ApiToken.objects.visible_to(request.user), public_id=public_id)
    if token.revoke():
        messages.success(request, f"Le jeton « {token.name} » est révoqué.")
    return redirect("accounts:tokens")
