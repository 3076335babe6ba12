"""The second factor (django-otp, ADR 007): who must pass it, where to send them, codes, lockout, session lifetime.

An account holds at most one TOTP device (an authenticator application) and one static device (10 single-use
backup codes). Writes (enrolment, new backup codes, reset) are in services.py.
"""

import base64
import binascii
import secrets
import time
from urllib.parse import urlencode

import segno
from django.conf import settings
from django.core import signing
from django.core.cache import cache
from django.db import transaction
from django.shortcuts import redirect
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django_otp import devices_for_user, user_has_device
from django_otp.oath import TOTP
from django_otp.plugins.otp_static.models import StaticDevice
from django_otp.plugins.otp_totp.models import TOTPDevice

# Set at the password step for an account holding a device it is not obliged to have: it must pass it too.
PENDING_SESSION_KEY = "second_factor_pending"
BACKUP_CODES_COUNT = 10
SECRET_SALT = "mobilisation.accounts.second_factor.enrolment"  # noqa: S105 (a namespace, not a secret)
SECRET_MAX_AGE = 60 * 30  # the enrolment page stays valid half an hour

WRONG_CODE = "Code incorrect ou expiré : saisissez le code à 6 chiffres affiché par votre application, ou un code de secours."
LOCKED = "Trop de codes erronés : la vérification de ce compte est bloquée pendant 15 minutes. Reconnectez-vous ensuite."


def must_pass(request):
    """Whether the signed-in user of `request` must pass the second factor before anything else."""
    user = request.user
    if not user.is_authenticated or user.is_verified():
        return False
    return user.requires_second_factor or bool(request.session.get(PENDING_SESSION_KEY))


def has_device(user):
    return user_has_device(user)


def safe_next(request, target):
    """`target` if it is an address of this site, else the dashboard."""
    if target and url_has_allowed_host_and_scheme(target, allowed_hosts={request.get_host()}, require_https=request.is_secure()):
        return target
    return reverse(settings.LOGIN_REDIRECT_URL)


def redirect_to_second_factor(request, target=None):
    """To the code page when the account has a device, else to enrolment; `target` comes next."""
    target = request.get_full_path() if target is None else target
    name = "accounts:second_factor_verify" if has_device(request.user) else "accounts:second_factor_enrol"
    query = f"?{urlencode({'next': target})}" if target else ""
    return redirect(reverse(name) + query)


def mark_verified(request, device):
    """The session has passed the second factor with `device`; a sensitive account's session is shortened."""
    from django_otp import login as otp_login

    otp_login(request, device)
    request.session.pop(PENDING_SESSION_KEY, None)
    shorten_session(request)


def shorten_session(request):
    if request.user.requires_second_factor:
        request.session.set_expiry(settings.SENSITIVE_SESSION_SECONDS)


# Codes: "123 456", "123-456" and "ABCD EFGH" are typed as shown; backup codes are lower case in the database.


def normalise(code):
    return "".join(code.split()).replace("-", "").lower()


def _failures_key(user):
    return f"second-factor-failures:{user.pk}"


def is_locked(user):
    return cache.get(_failures_key(user), 0) >= settings.SECOND_FACTOR_FAILURE_LIMIT


def _record_failure(user):
    key = _failures_key(user)
    timeout = int(settings.AXES_COOLOFF_TIME * 3600)
    if cache.add(key, 1, timeout):
        return
    try:
        cache.incr(key)
    except ValueError:  # expired between add and incr
        cache.add(key, 1, timeout)


def check_code(user, code):
    """The device that accepts `code` (a TOTP code or a backup code, used up), or None; failures count towards the lock.

    django-otp throttles each device too (a failure doubles the wait before the next try), in the database.
    """
    if is_locked(user):
        return None
    code = normalise(code)
    with transaction.atomic():
        for device in devices_for_user(user, for_verify=True):
            if isinstance(device, TOTPDevice) and not code.isdigit():
                continue  # a backup code is no TOTP failure
            if isinstance(device, StaticDevice) and code.isdigit() and len(code) == 6:
                continue
            if device.verify_token(code):
                cache.delete(_failures_key(user))
                return device
    _record_failure(user)
    return None


# Enrolment: the secret travels signed in the form, so that showing the page writes nothing (GET never writes).


def new_secret():
    return secrets.token_hex(20)


def sign_secret(key_hex, user):
    return signing.dumps({"key": key_hex, "user": user.pk}, salt=SECRET_SALT)


def unsign_secret(value, user):
    """The hex key of a signed secret made for `user` less than half an hour ago, else None."""
    try:
        data = signing.loads(value, salt=SECRET_SALT, max_age=SECRET_MAX_AGE)
    except signing.BadSignature:
        return None
    if not isinstance(data, dict) or data.get("user") != user.pk:
        return None
    key = data.get("key")
    try:
        if not isinstance(key, str) or len(binascii.unhexlify(key)) != 20:
            return None
    except (binascii.Error, ValueError):
        return None
    return key


def base32_of(key_hex):
    return base64.b32encode(binascii.unhexlify(key_hex)).decode()


def grouped(text, size=4):
    """ "ABCDEFGH" → ["ABCD", "EFGH"]: the secret read and typed in blocks."""
    return [text[i : i + size] for i in range(0, len(text), size)]


def provisioning_uri(user, key_hex):
    """The otpauth:// address an authenticator application reads from the QR code."""
    return TOTPDevice(user=user, key=key_hex, name="Application").config_url


def qr_svg(uri):
    """The QR code as inline SVG markup (no script, no style: the CSP is untouched), named for assistive technologies."""
    svg = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#161616", light="#ffffff")
    label = "Code QR à scanner avec votre application d’authentification (la clé est aussi écrite en toutes lettres)"
    return svg.replace("<svg ", f'<svg role="img" aria-label="{label}" focusable="false" ', 1)


def code_matches(key_hex, code, *, at=None):
    """Whether `code` is the TOTP code of `key_hex` now (one step of tolerance either way); returns the step or None."""
    code = normalise(code)
    if not (code.isdigit() and len(code) == 6):
        return None
    totp = TOTP(binascii.unhexlify(key_hex))
    totp.time = time.time() if at is None else at
    return totp.t() if totp.verify(int(code), tolerance=1) else None  # verify() set the drift that matched


def current_code(key_hex, *, at=None):
    """The TOTP code of `key_hex` now, as an application shows it (6 digits)."""
    totp = TOTP(binascii.unhexlify(key_hex))
    totp.time = time.time() if at is None else at
    return f"{totp.token():06d}"
