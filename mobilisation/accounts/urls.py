from django.urls import path

from .views import auth, people, second_factor

app_name = "accounts"

urlpatterns = [
    path("connexion/", auth.LoginView.as_view(), name="login"),
    path("deconnexion/", auth.LogoutView.as_view(), name="logout"),
    path("mot-de-passe/", auth.PasswordChangeView.as_view(), name="password_change"),
    path("mot-de-passe/oubli/", auth.PasswordResetView.as_view(), name="password_reset"),
    path("mot-de-passe/oubli/envoye/", auth.PasswordResetDoneView.as_view(), name="password_reset_done"),
    path("mot-de-passe/nouveau/<uidb64>/<token>/", auth.PasswordResetConfirmView.as_view(), name="password_reset_confirm"),
    path("mot-de-passe/nouveau/termine/", auth.PasswordResetCompleteView.as_view(), name="password_reset_complete"),
    path("double-authentification/", second_factor.overview, name="second_factor"),
    path("double-authentification/configurer/", second_factor.enrol, name="second_factor_enrol"),
    path("double-authentification/verification/", second_factor.verify, name="second_factor_verify"),
    path("double-authentification/codes-de-secours/", second_factor.regenerate_backup_codes, name="second_factor_backup_codes"),
    path("jetons/", auth.tokens, name="tokens"),
    path("jetons/<uuid:public_id>/revoquer/", auth.revoke_token, name="revoke_token"),
]

# The "Personnes" section (/personnes/, namespace "people"): managers handle people; invited people choose a password.
people_urlpatterns = [
    path("", people.index, name="index"),
    path("inviter/", people.invite, name="invite"),
    path("<uuid:public_id>/", people.person, name="person"),
    path("<uuid:public_id>/renvoyer-invitation/", people.resend, name="resend"),
    path("<uuid:public_id>/desactiver/", people.set_account_active, {"active": False}, name="deactivate"),
    path("<uuid:public_id>/reactiver/", people.set_account_active, {"active": True}, name="reactivate"),
    path("<uuid:public_id>/double-authentification/", people.reset_second_factor, name="reset_second_factor"),
    path("rattachements/<uuid:public_id>/modifier/", people.change_membership, name="change_membership"),
    path("rattachements/<uuid:public_id>/desactiver/", people.set_membership_active, {"active": False}, name="deactivate_membership"),
    path("rattachements/<uuid:public_id>/reactiver/", people.set_membership_active, {"active": True}, name="reactivate_membership"),
    path("invitation/<uuid:public_id>/<str:token>/", people.accept_invitation, name="accept_invitation"),
]
