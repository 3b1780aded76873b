from django.contrib.auth import views as auth_views
from django.urls import path, reverse_lazy
from django.views.i18n import JavaScriptCatalog

from maillage.accounts import views, views_mfa
from maillage.accounts.forms import LoginForm, PasswordResetForm, PasswordResetSetForm
from maillage.accounts.mfa import MfaState, mfa_step

app_name = "accounts"

urlpatterns = [
    path(
        "login/",
        auth_views.LoginView.as_view(redirect_authenticated_user=True, authentication_form=LoginForm),
        name="login",
    ),
    path("logout/", mfa_step(MfaState.ENROL, MfaState.VERIFY)(auth_views.LogoutView.as_view()), name="logout"),
    path("mfa/", views_mfa.security, name="mfa"),
    path("mfa/enrol/", views_mfa.enrol, name="mfa_enrol"),
    path("mfa/verify/", views_mfa.verify, name="mfa_verify"),
    path("mfa/recovery-codes/", views_mfa.recovery_codes_create, name="mfa_recovery_codes"),
    path("mfa/passkeys/<int:pk>/remove/", views_mfa.passkey_remove, name="mfa_passkey_remove"),
    path("members/<uuid:user_id>/reset-mfa/", views_mfa.member_reset, name="member_mfa_reset"),
    path(
        "password/reset/",
        auth_views.PasswordResetView.as_view(
            template_name="accounts/password_reset_form.html",
            form_class=PasswordResetForm,  # the e-mail leaves from a task (see the form)
            success_url=reverse_lazy("accounts:password_reset_done"),
        ),
        name="password_reset",
    ),
    path(
        "password/reset/sent/",
        auth_views.PasswordResetDoneView.as_view(template_name="accounts/password_reset_done.html"),
        name="password_reset_done",
    ),
    path(
        "password/reset/<uidb64>/<token>/",
        auth_views.PasswordResetConfirmView.as_view(
            template_name="accounts/password_reset_confirm.html",
            form_class=PasswordResetSetForm,
            success_url=reverse_lazy("accounts:password_reset_complete"),
        ),
        name="password_reset_confirm",
    ),
    path(
        "password/reset/done/",
        auth_views.PasswordResetCompleteView.as_view(template_name="accounts/password_reset_complete.html"),
        name="password_reset_complete",
    ),
    path(
        "password/change/",
        auth_views.PasswordChangeView.as_view(
            template_name="accounts/password_change_form.html",
            success_url=reverse_lazy("accounts:password_change_done"),
        ),
        name="password_change",
    ),
    path(
        "password/change/done/",
        auth_views.PasswordChangeDoneView.as_view(template_name="accounts/password_change_done.html"),
        name="password_change_done",
    ),
    path("organisation/switch/", views.organisation_switch, name="organisation_switch"),
    path("organisation/", views.organisation_detail, name="organisation_detail"),
    path("organisation/edit/", views.organisation_edit, name="organisation_edit"),
    path("members/", views.members, name="members"),
    path("members/invite/", views.invitation_create, name="invitation_create"),
    path("members/<uuid:user_id>/deactivate/", views.membership_deactivate, name="membership_deactivate"),
    path("members/<uuid:user_id>/reactivate/", views.membership_reactivate, name="membership_reactivate"),
    path("invitations/<uuid:public_id>/revoke/", views.invitation_revoke, name="invitation_revoke"),
    path("invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("tokens/", views.tokens, name="tokens"),
    path("tokens/<uuid:public_id>/revoke/", views.token_revoke, name="token_revoke"),
]

# django-otp-webauthn's endpoints, under the namespace its template tags expect.
webauthn_urlpatterns = [
    path(
        "registration/begin/",
        views_mfa.webauthn_view(views_mfa.BeginCredentialRegistrationView, MfaState.ENROL),
        name="credential-registration-begin",
    ),
    path(
        "registration/complete/",
        views_mfa.webauthn_view(views_mfa.CompleteCredentialRegistrationView, MfaState.ENROL),
        name="credential-registration-complete",
    ),
    path(
        "authentication/begin/",
        views_mfa.webauthn_view(views_mfa.BeginCredentialAuthenticationView, MfaState.VERIFY),
        name="credential-authentication-begin",
    ),
    path(
        "authentication/complete/",
        views_mfa.webauthn_view(views_mfa.CompleteCredentialAuthenticationView, MfaState.VERIFY),
        name="credential-authentication-complete",
    ),
    path(
        "jsi18n/",
        mfa_step(MfaState.ENROL, MfaState.VERIFY)(JavaScriptCatalog.as_view(packages=["django_otp_webauthn"])),
        name="js-i18n-catalog",
    ),
]
