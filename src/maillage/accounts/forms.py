"""Forms of the accounts pages. They validate input; services do the writes."""

import datetime as dt

from axes.handlers.proxy import AxesProxyHandler
from django import forms
from django.contrib.auth import forms as auth_forms
from django.contrib.auth import password_validation
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from maillage.accounts.enums import ApiScope
from maillage.accounts.models import Organisation, User
from maillage.accounts.services import ORGANISATION_EDITABLE_FIELDS

TOKEN_LIFETIMES = [(7, _("7 days")), (30, _("30 days")), (90, _("90 days")), (180, _("180 days")), (365, _("1 year"))]


def add_service_errors(form: forms.Form, error: ValidationError) -> None:
    """Put a service's ValidationError on the form: on its field when the form has it, else above the form."""
    if hasattr(error, "error_dict"):
        for field, messages in error.message_dict.items():
            form.add_error(field if field in form.fields else None, messages)
    else:
        form.add_error(None, error.messages)


class LoginForm(auth_forms.AuthenticationForm):
    """The login form: an e-mail address, or the username a person chose for their own space."""

    error_messages = {
        **auth_forms.AuthenticationForm.error_messages,
        "invalid_login": _("This login and this password do not match. Check them and try again."),
    }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["username"].label = _("E-mail address or username")
        self.fields["username"].max_length = 254
        self.fields["username"].widget.attrs.update(maxlength=254, autocomplete="username", autocapitalize="none")


class InvitationForm(forms.Form):
    email = forms.EmailField(label=_("E-mail address"), max_length=254)
    role = forms.ChoiceField(label=_("Role"))
    job_title = forms.CharField(label=_("Job title"), max_length=120, required=False)

    def __init__(self, *args, roles: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["role"].choices = roles
        self.fields["email"].widget.attrs.update(autocomplete="off")


class InvitationRegisterForm(forms.Form):
    """A newcomer's account: their name and a password that passes the validators."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150)
    password1 = forms.CharField(
        label=_("Password"),
        strip=False,
        widget=forms.PasswordInput(attrs={"autocomplete": "new-password"}),
        help_text=password_validation.password_validators_help_text_html(),
    )
    password2 = forms.CharField(
        label=_("Password (again)"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "new-password"})
    )

    def __init__(self, *args, email: str, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.email = email
        self.fields["first_name"].widget.attrs.update(autocomplete="given-name")
        self.fields["last_name"].widget.attrs.update(autocomplete="family-name")

    def clean(self) -> dict:
        data = super().clean()
        password1, password2 = data.get("password1"), data.get("password2")
        if password1 and password2 and password1 != password2:
            self.add_error("password2", _("The two passwords differ."))
        elif password1:
            user = User(email=self.email, first_name=data.get("first_name", ""), last_name=data.get("last_name", ""))
            try:
                password_validation.validate_password(password1, user)
            except ValidationError as error:
                self.add_error("password1", error)
        return data


class InvitationLoginForm(forms.Form):
    """An existing user accepts by confirming their password (they may have no active membership left)."""

    password = forms.CharField(
        label=_("Your password"), strip=False, widget=forms.PasswordInput(attrs={"autocomplete": "current-password"})
    )


class OrganisationForm(forms.ModelForm):
    class Meta:
        model = Organisation
        fields = ORGANISATION_EDITABLE_FIELDS
        widgets = {"description": forms.Textarea(attrs={"rows": 4})}


class OrganisationSwitchForm(forms.Form):
    organisation = forms.UUIDField(label=_("Organisation"))
    next = forms.CharField(required=False, max_length=2000)


class ApiTokenForm(forms.Form):
    name = forms.CharField(
        label=_("Name"), max_length=100, help_text=_("What the token is for, e.g. the name of the script.")
    )
    scopes = forms.MultipleChoiceField(
        label=_("Scopes"), choices=ApiScope.choices, widget=forms.CheckboxSelectMultiple, required=False
    )
    lifetime = forms.TypedChoiceField(
        label=_("Valid for"), choices=TOKEN_LIFETIMES, coerce=int, initial=90, widget=forms.RadioSelect
    )

    def expires_at(self, now: dt.datetime) -> dt.datetime:
        return now + dt.timedelta(days=self.cleaned_data["lifetime"])


class PasswordResetForm(auth_forms.PasswordResetForm):
    """The reset page looks nothing up and sends nothing: it enqueues a task with the address typed, and the task
    mails the accounts that have it. The page thus does the same work, and answers in the same time, whether an
    account has this address or not."""

    def save(self, *args, **kwargs) -> None:
        email = self.cleaned_data["email"]
        transaction.on_commit(lambda: _enqueue_password_reset_email(email))


def _enqueue_password_reset_email(email: str) -> None:
    from maillage.accounts.tasks import send_password_reset_email

    send_password_reset_email.enqueue(email)


class PasswordResetSetForm(auth_forms.SetPasswordForm):
    """A new password from a reset link also lifts the login blocks on the account: its owner, who proved they
    hold the mailbox, can log in at once even while someone else keeps failing on it."""

    def save(self, commit: bool = True):
        user = super().save(commit)
        if commit:
            AxesProxyHandler.reset_attempts(username=user.get_username())
        return user


class SecondFactorForm(forms.Form):
    """A code from the authenticator app, or a recovery code (letters and digits, dash optional)."""

    code = forms.CharField(label=_("Code"), max_length=20, strip=True)

    def __init__(self, *args, numeric: bool = False, help_text: str = "", **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["code"].help_text = help_text
        attrs = {"autocomplete": "one-time-code", "autocapitalize": "off", "spellcheck": "false"}
        if numeric:
            attrs["inputmode"] = "numeric"
        self.fields["code"].widget.attrs.update(attrs)
