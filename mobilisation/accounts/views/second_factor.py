"""The second factor's pages (ADR 007): its state, enrolment of an application, backup codes, the code at login."""

from django.contrib import messages
from django.shortcuts import redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp.plugins.otp_static.models import StaticToken
from django_otp.plugins.otp_totp.models import TOTPDevice

from mobilisation.core.limits import per_client_limit

from .. import second_factor, services
from ..forms import EnrolmentForm, SecondFactorForm

HOME = ("Accueil", "/")
OVERVIEW = ("Double authentification", "/compte/double-authentification/")


def _next(request):
    return second_factor.safe_next(request, request.POST.get("next") or request.GET.get("next", ""))


@require_GET
def overview(request):
    user = request.user
    application = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    context = {
        "application": application,
        "backup_codes_left": StaticToken.objects.filter(device__user=user, device__confirmed=True).count(),
        "required": user.requires_second_factor,
        "breadcrumb": [HOME],
    }
    return render(request, "accounts/second_factor/overview.html", context)


@per_client_limit("second-factor-enrol", rate_setting="RATE_LIMIT_SECOND_FACTOR", method="POST")
@require_http_methods(["GET", "POST"])
def enrol(request):
    """Add (or replace) the authenticator application: a fresh key, its QR code and its text; confirmed by a code."""
    user = request.user
    replacing = second_factor.has_device(user)
    if replacing and not user.is_verified():
        return second_factor.redirect_to_second_factor(request, _next(request))  # a code first, then a replacement
    form = EnrolmentForm(request.POST or None, user=user, replacing=replacing)
    if request.method == "POST" and form.is_valid():
        device, codes = services.enrol_second_factor(user=user, key=form.key, last_t=form.step)
        second_factor.mark_verified(request, device)
        messages.success(request, "La double authentification est configurée : notez vos codes de secours.")
        return render(request, "accounts/second_factor/backup_codes.html", backup_codes_context(request, codes, first=True))
    # A new key at each display (showing the page writes nothing); a refused code keeps the key the person typed in.
    key = form.key if form.is_bound and form.key else second_factor.new_secret()
    if form.is_bound:
        form.data = form.data.copy()
        form.data["secret"] = second_factor.sign_secret(key, user)
    else:
        form.initial["secret"] = second_factor.sign_secret(key, user)
    uri = second_factor.provisioning_uri(user, key)
    context = {
        "form": form,
        "replacing": replacing,
        "required": user.requires_second_factor,
        "qr_svg": second_factor.qr_svg(uri),
        "secret_blocks": second_factor.grouped(second_factor.base32_of(key)),
        "next": _next(request),
        "breadcrumb": [HOME, OVERVIEW],
    }
    return render(request, "accounts/second_factor/enrol.html", context)


def backup_codes_context(request, codes, *, first=False):
    return {"codes": codes, "first": first, "next": _next(request), "breadcrumb": [HOME, OVERVIEW]}


@require_POST
def regenerate_backup_codes(request):
    """New backup codes, shown once; the previous ones stop working."""
    if not TOTPDevice.objects.filter(user=request.user, confirmed=True).exists():
        messages.error(request, "Configurez d’abord une application d’authentification.")
        return redirect("accounts:second_factor")
    codes = services.regenerate_backup_codes(user=request.user)
    messages.success(request, "Vos nouveaux codes de secours sont prêts : les précédents ne fonctionnent plus.")
    return render(request, "accounts/second_factor/backup_codes.html", backup_codes_context(request, codes))


@per_client_limit("second-factor", rate_setting="RATE_LIMIT_SECOND_FACTOR", method="POST")
@require_http_methods(["GET", "POST"])
def verify(request):
    """The login's second step: the code of the application, or a backup code."""
    user = request.user
    target = _next(request)
    if user.is_verified():
        return redirect(target)
    if not second_factor.has_device(user):
        request.session.pop(second_factor.PENDING_SESSION_KEY, None)  # a reset device: nothing to pass, maybe to add
        return second_factor.redirect_to_second_factor(request, target)
    form = SecondFactorForm(request.POST or None, user=user)
    if request.method == "POST" and form.is_valid():
        second_factor.mark_verified(request, form.device)
        if form.device.persistent_id.startswith("otp_static"):
            left = StaticToken.objects.filter(device__user=user).count()
            messages.warning(
                request,
                f"Vous vous êtes connecté avec un code de secours : il en reste {left}. Générez-en de nouveaux depuis la page "
                "« Double authentification » de votre compte.",
            )
        return redirect(target)
    status = 429 if form.is_bound and second_factor.is_locked(user) else 200
    return render(request, "accounts/second_factor/verify.html", {"form": form, "next": target}, status=status)
