"""The "Personnes" section: managers list, invite and deactivate people; invited people choose their password.

Who may do what is perms.Grants, through the querysets: `User.objects.listed_for` (the section), `editable_by`
(invite, re-send), `manageable_by` (the whole account), `Membership.objects.manageable_by` (one membership).
Out of scope is a 404.
"""

from django.contrib import messages
from django.contrib.auth import login, password_validation
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import ValidationError
from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.views.decorators.http import require_GET, require_http_methods, require_POST
from django_otp import user_has_device

from mobilisation.audit import services as audit
from mobilisation.audit.enums import AuditAction
from mobilisation.core import page_cache
from mobilisation.core.exports import export_links, export_response, rejects_unknown_format, requested_format
from mobilisation.core.limits import per_client_limit
from mobilisation.core.services import submit_once

from .. import services, tasks
from ..enums import AccountEventKind, InvitationState
from ..forms import InvitationForm, MembershipForm, PeopleFilterForm, ReasonForm, SetPasswordForm
from ..history import person_history
from ..models import Membership, User
from ..perms import Grants
from ..tokens import invitation_token

HOME = ("Accueil", "/")
PEOPLE = ("Personnes", "/personnes/")
PER_PAGE = 50


def memberships_label(person):
    return " ; ".join(
        f"{m.get_role_display()} – {m.scope_label}" + ("" if m.is_active else " (désactivé)") for m in person.shown_memberships
    )


COLUMNS = [
    ("Nom", "last_name"),
    ("Prénom", "first_name"),
    ("Adresse électronique", "email"),
    ("Rattachements", memberships_label),
    ("État du compte", lambda person: person.invitation_state.label),
    ("Invitation envoyée le", "invited_at"),
    ("Dernière connexion", "last_login"),
    ("Inscrit le", "date_joined"),
]


def section(request):
    """Grants of a user who manages someone; a 404 for everyone else (the section does not exist for them)."""
    grants = Grants(request.user)
    if not grants.any:
        raise Http404("Page introuvable")
    return grants


@require_GET
@rejects_unknown_format
def index(request):
    grants = section(request)
    visible = Membership.objects.visible_to(request.user)
    form = PeopleFilterForm(request.GET or None, grants=grants)
    people = (
        form.filter(User.objects.listed_for(request.user), visible)
        .prefetch_related(
            Prefetch("memberships", queryset=visible.with_scope_labels().order_by("-is_active", "role"), to_attr="shown_memberships")
        )
        .order_by("last_name", "first_name", "email")
    )
    if fmt := requested_format(request):
        rows = list(people)
        # SECURITY.md 18: the names and e-mails of accounts leave the site; the one write a GET makes (SECURITY.md 21).
        audit.record(request, AuditAction.EXPORT, object_type=User._meta.label_lower, summary=form.summary(), row_count=len(rows))
        return export_response(rows=rows, columns=COLUMNS, filename="personnes", fmt=fmt)
    context = {
        "form": form,
        "page_obj": page_cache.CountedPaginator(people, PER_PAGE, count_key=count_key(request, form)).get_page(request.GET.get("page")),
        "export_links": export_links(request),
        "breadcrumb": [HOME],
    }
    return render(request, "accounts/people/index.html", context)


def count_key(request, form):
    """The cache key of the list's total: who looks (their own scope), the filters applied, the people's version.
    None for the invitation states that time changes without a write (an invitation lapses after 7 days)."""
    filters = sorted((name, str(value)) for name, value in form.cleaned_data.items()) if form.is_bound and form.is_valid() else []
    if dict(filters).get("state") in (InvitationState.INVITED, InvitationState.AWAITING):
        return None
    return page_cache.key_of("people-count", request.user.pk, filters, *page_cache.versions("people"))


@require_GET
def person(request, public_id):
    section(request)
    user = request.user
    shown = get_object_or_404(User.objects.listed_for(user), public_id=public_id)
    memberships = list(Membership.objects.visible_to(user).filter(user=shown).with_scope().order_by("-is_active", "role"))
    manageable = set(Membership.objects.manageable_by(user).filter(user=shown).values_list("pk", flat=True))
    editable = User.objects.editable_by(user).filter(pk=shown.pk).exists()
    context = {
        "person": shown,
        "memberships": [(membership, membership.pk in manageable) for membership in memberships],
        "can_invite": editable,
        "can_resend": editable and shown.invitation_state in (InvitationState.INVITED, InvitationState.AWAITING),
        "invitation_mail_trouble": tasks.invitation_mail_trouble(shown) if editable else None,
        "can_manage_account": User.objects.manageable_by(user).filter(pk=shown.pk).exists(),
        "has_second_factor": user_has_device(shown),
        "history": person_history(shown, memberships=[membership.pk for membership in memberships]),
        "States": InvitationState,
        "breadcrumb": [HOME, PEOPLE],
    }
    return render(request, "accounts/people/person.html", context)


@require_http_methods(["GET", "POST"])
def invite(request):
    grants = section(request)
    initial = {"email": request.GET.get("email", "")[:254]} if request.method == "GET" else None
    form = InvitationForm(request.POST or None, grants=grants, initial=initial)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data

        def write():
            try:
                invitation = services.invite_person(
                    by=request.user,
                    email=data["email"],
                    first_name=data["first_name"],
                    last_name=data["last_name"],
                    role=data["role"],
                    scope=data["scope"],
                )
            except ValidationError as error:
                form.add_error("email" if error.message == services.NOT_YOURS else None, error)
                return None
            told = (
                "L’invitation est envoyée"
                if invitation.new_account
                else "Le rattachement est ajouté à son compte et la personne est prévenue"
            )
            if not invitation.user.is_active:
                messages.warning(
                    request,
                    "Ce compte est désactivé : le rattachement est enregistré, mais il ne donnera accès qu’une fois le compte "
                    "réactivé ; la personne n’a pas été prévenue.",
                )
            elif invitation.mailed:
                messages.success(request, f"{told} ({invitation.user.email}).")
            else:
                messages.warning(
                    request, "Le rattachement est enregistré mais le courriel n’a pas pu partir : renvoyez l’invitation plus tard."
                )
            return invitation.user.get_absolute_url()

        address = submit_once(token=data.get("submission_token"), user=request.user, write=write)
        if address:
            return redirect(address)
    return render(request, "accounts/people/invite.html", {"form": form, "breadcrumb": [HOME, PEOPLE]})


@require_POST
def resend(request, public_id):
    section(request)
    shown = get_object_or_404(User.objects.editable_by(request.user), public_id=public_id)
    try:
        mailed = services.resend_invitation(user=shown, by=request.user)
    except ValidationError as error:
        messages.error(request, error.message)
    else:
        if mailed:
            messages.success(request, f"Une nouvelle invitation est envoyée à {shown.email} ; le lien précédent ne sert plus.")
        else:
            messages.warning(request, "Le courriel n’a pas pu partir : réessayez plus tard.")
    return redirect(shown.get_absolute_url())


def membership_for(request, public_id):
    section(request)
    return get_object_or_404(Membership.objects.manageable_by(request.user).with_scope().select_related("user"), public_id=public_id)


@require_http_methods(["GET", "POST"])
def change_membership(request, public_id):
    membership = membership_for(request, public_id)
    form = MembershipForm(request.POST or None, instance=membership, grants=Grants(request.user))
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            services.change_membership(
                membership=membership, by=request.user, role=data["role"], scope=data["scope"], reason=data["reason"]
            )
        except ValidationError as error:
            form.add_error(None, error)
        else:
            messages.success(request, "Le rattachement est modifié.")
            return redirect(membership.user.get_absolute_url())
    context = {
        "form": form,
        "membership": membership,
        "person": membership.user,
        "breadcrumb": [HOME, PEOPLE, person_crumb(membership.user)],
    }
    return render(request, "accounts/people/membership.html", context)


def person_crumb(user):
    return (str(user), user.get_absolute_url())


def confirm(request, *, person, active, template_context, do):
    """The page asking the reason of a deactivation or reactivation, then the change."""
    form = ReasonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        do(reason=form.cleaned_data["reason"])
        return redirect(person.get_absolute_url())
    context = {"form": form, "person": person, "active": active, "breadcrumb": [HOME, PEOPLE, person_crumb(person)], **template_context}
    return render(request, "accounts/people/confirm.html", context)


@require_http_methods(["GET", "POST"])
def set_membership_active(request, public_id, active):
    membership = membership_for(request, public_id)
    label = f"{membership.get_role_display()} – {membership.scope_label}"

    def do(reason):
        services.set_membership_active(membership=membership, by=request.user, active=active, reason=reason)
        messages.success(request, f"Le rattachement « {label} » est {'réactivé' if active else 'désactivé'}.")

    what = {"title": ("Réactiver" if active else "Désactiver") + " un rattachement", "what": label}
    return confirm(request, person=membership.user, active=active, template_context=what, do=do)


@require_http_methods(["GET", "POST"])
def set_account_active(request, public_id, active):
    section(request)
    shown = get_object_or_404(User.objects.manageable_by(request.user), public_id=public_id)

    def do(reason):
        services.set_account_active(user=shown, by=request.user, active=active, reason=reason)
        messages.success(request, f"Le compte de {shown} est {'réactivé' if active else 'désactivé'}.")

    what = {"title": ("Réactiver" if active else "Désactiver") + " le compte", "what": f"{shown} ({shown.email})", "account": True}
    return confirm(request, person=shown, active=active, template_context=what, do=do)


@require_http_methods(["GET", "POST"])
def reset_second_factor(request, public_id):
    """A lost phone: whoever manages the account removes its application and backup codes, with a reason."""
    section(request)
    shown = get_object_or_404(User.objects.manageable_by(request.user), public_id=public_id)

    def do(reason):
        services.reset_second_factor(user=shown, by=request.user, reason=reason)
        messages.success(
            request,
            f"La double authentification de {shown} est réinitialisée : la personne en configurera une nouvelle à sa prochaine connexion.",
        )

    what = {"title": "Réinitialiser la double authentification", "what": f"{shown} ({shown.email})", "second_factor": True}
    return confirm(request, person=shown, active=False, template_context=what, do=do)


@login_not_required
@per_client_limit("invitation", rate_setting="RATE_LIMIT_PASSWORD_RESET", method="POST")
@require_http_methods(["GET", "POST"])
def accept_invitation(request, public_id, token):
    """The link of the invitation e-mail: choose a password, then land in one's space, logged in.

    The token stays in the address (Django's reset view moves it to the session): pages load nothing from other
    sites (CSP) and send no referrer outside this one, so it cannot leak.
    """
    invited = User.objects.filter(public_id=public_id).first()
    status = invitation_token.status(invited, token)
    if status != "valid" or not invited.is_active:
        inviter = None
        if status == "expired" and invited.is_active:
            event = (
                invited.account_events.filter(kind__in=[AccountEventKind.INVITED, AccountEventKind.REINVITED]).select_related("by").first()
            )
            inviter = event.by if event else None
        return render(request, "accounts/people/invitation_invalid.html", {"status": status, "inviter": inviter})
    form = SetPasswordForm(invited, request.POST or None)
    if request.method == "POST" and form.is_valid():
        services.accept_invitation(user=invited, password=form.cleaned_data["new_password1"])
        login(request, invited, backend="django.contrib.auth.backends.ModelBackend")
        messages.success(request, "Bienvenue ! Votre mot de passe est enregistré : vous êtes connecté à votre espace.")
        return redirect("portal:dashboard")
    context = {"form": form, "invited": invited, "help": password_validation.password_validators_help_texts()}
    return render(request, "accounts/people/invitation.html", context)
