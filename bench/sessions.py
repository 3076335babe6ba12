"""Signed-in clients for the benchmark and the query budgets: a persona's session (verified by a second factor when
the account needs one, as after typing the code) or its personal API token; and the objects the key pages open."""

from django.test import Client


def signed_in(user):
    """A test client logged in as `user`; for an account that needs a second factor, verified by a TOTP device."""
    from django_otp import DEVICE_ID_SESSION_KEY
    from django_otp.plugins.otp_totp.models import TOTPDevice

    client = Client()
    client.force_login(user, backend="django.contrib.auth.backends.ModelBackend")
    if user.requires_second_factor:
        device = TOTPDevice.objects.filter(user=user, confirmed=True).first() or TOTPDevice.objects.create(
            user=user, name="Banc d’essai", confirmed=True
        )
        session = client.session
        session[DEVICE_ID_SESSION_KEY] = device.persistent_id
        session.save()
    return client


def targets():
    """The addresses the endpoints' paths name: the coordinator's plan, a person and the running campaign of the
    social services persona's register."""
    from mobilisation.accounts.models import User
    from mobilisation.followup.models import Campaign, Person
    from mobilisation.plans.models import Plan

    from .dataset.accounts import PERSONAS

    coordinator = User.objects.get(email=PERSONAS["coordinator"])
    agent = User.objects.get(email=PERSONAS["social_services"])
    plan = Plan.objects.filter(cls__memberships__user=coordinator).order_by("pk").first()
    person = Person.objects.visible_to(agent).registered().order_by("pk").first()
    campaign = Campaign.objects.visible_to(agent).running().order_by("pk").first()
    from mobilisation.mutualaid.enums import RequestState
    from mobilisation.mutualaid.models import AidRequest

    partner = User.objects.get(email=PERSONAS["partner"])
    aid_request = (
        AidRequest.objects.visible_to(partner)
        .filter(state=RequestState.QUALIFIED, organisation__in=partner.scope.organisation_ids)
        .order_by("pk")
        .first()
    )
    from mobilisation.hotline.models import Line

    line = Line.objects.filter(cls__memberships__user=coordinator).order_by("pk").first()
    return {
        "line": f"/numero-vert/{line.public_id}" if line else "",
        "aid_request": aid_request.get_absolute_url().rstrip("/") if aid_request else "",
        "plan": plan.get_absolute_url().rstrip("/") if plan else "",
        "person": person.get_absolute_url().rstrip("/") if person else "",
        "campaign": campaign.get_absolute_url().rstrip("/") if campaign else "",
    }
