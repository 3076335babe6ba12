"""Helpers to read pages as a user would (unescaped text with ordinary spaces) and to find the shared data."""

import html
import re
from pathlib import Path


def page_text(response):
    """The page's HTML, unescaped, with non-breaking and narrow spaces folded into plain spaces."""
    content = response.content.decode() if hasattr(response, "content") else str(response)
    content = html.unescape(content).replace("\u202f", " ").replace("\xa0", " ")
    return re.sub(r"[ \t]+", " ", content)


def shared_data_dir():
    """The shared reference data (shared/data/bretagne) next to the checkout or to its parent (worktrees)."""
    for parent in Path(__file__).resolve().parents:
        if (parent / "shared" / "data" / "bretagne").is_dir():
            return parent / "shared" / "data" / "bretagne"
    return Path(__file__).resolve().parents[2] / "shared" / "data" / "bretagne"


def visible_text(response):
    """What the page says, without its tags: the words a reader sees, on one line."""
    text = re.sub(r"<(script|style)\b.*?</\1>", " ", page_text(response), flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", "", text))


def second_factor_device(user):
    """The user's confirmed TOTP device (one is created on a random key if they have none)."""
    from django_otp.plugins.otp_totp.models import TOTPDevice

    device = TOTPDevice.objects.filter(user=user, confirmed=True).first()
    return device or TOTPDevice.objects.create(user=user, name="Application de test", confirmed=True)


def login_verified(client, user, device=None):
    """Log the test client in as `user`, the session verified by a second factor as after a right code: `device`, or
    the user's TOTP device (created if they have none). Returns the device."""
    from django_otp import DEVICE_ID_SESSION_KEY

    device = device or second_factor_device(user)
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    session = client.session
    session[DEVICE_ID_SESSION_KEY] = device.persistent_id
    session.save()
    return device
