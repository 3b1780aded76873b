"""Page forms that write: sent once (a one-time token), and refused if what they edit changed meanwhile.

A form that writes person data inherits `GuardedForm`; an edit form also gets the `version` of the row
it shows (`Form(..., version=row.version)`). The view hands the write to `save_once`, which:
- runs it once per token: a second click or a reload after sending shows "already saved" and the result;
- on `StaleWrite`, shows the form again with what was typed, a clear message and the fields changed
  meanwhile (`form.stale`), with the current version so that saving again is a deliberate choice;
- on `ValidationError`, shows the form again with the errors next to the fields.
`templates/core/_stale.html` renders what changed; `people/_fields.html` includes it after the errors.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from typing import Any

from django import forms
from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.utils.text import capfirst
from django.utils.translation import gettext as _

from maillage.core.idempotency import (
    Previous,
    fingerprint,
    submission_claim,
    submission_complete,
    submission_release,
    submission_wait,
)
from maillage.core.versioning import StaleWrite

# Not part of what the user submitted: a new token or version does not make a different request.
_NOT_SUBMITTED = {"csrfmiddlewaretoken", "form_token", "version"}


def new_form_token() -> str:
    return secrets.token_urlsafe(24)


class GuardedForm(forms.Form):
    """A form sent once (`form_token`) and, for an edit, from the version it was read at (`version`)."""

    form_token = forms.CharField(widget=forms.HiddenInput, required=False, max_length=64)
    version = forms.IntegerField(widget=forms.HiddenInput, required=False, min_value=0)

    def __init__(self, *args: Any, version: int | None = None, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.current_version = version
        self.initial["form_token"] = new_form_token()
        if version is not None:
            self.initial["version"] = version
        self.stale: StaleWrite | None = None

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        missing_version = self.current_version is not None and data.get("version") is None
        if not data.get("form_token") or missing_version:
            # An old page, or a form not sent from Maillage: show it again, ready to be sent once.
            self.add_error(None, _("This form had expired. Check what you entered, then send it again."))
            self.renew(version=self.current_version)
        return data

    @property
    def values(self) -> dict[str, Any]:
        """What the user entered (`cleaned_data` without the token and version)."""
        return {k: v for k, v in self.cleaned_data.items() if k not in ("form_token", "version")}

    @property
    def read_version(self) -> int | None:
        """The version of the row this form was read at (None for a create)."""
        return self.cleaned_data.get("version") if hasattr(self, "cleaned_data") else None

    def renew(self, *, version: int | None = None) -> None:
        """Give the re-shown form a fresh token (and the current version): sending it is a new request."""
        if not self.is_bound:
            return
        self.data = self.data.copy()
        self.data["form_token"] = new_form_token()
        if version is not None:
            self.data["version"] = str(version)

    def show_stale(self, stale: StaleWrite) -> None:
        self.stale = stale
        self.add_error(None, stale.message)
        self.renew(version=stale.current_version)


def form_errors_from(form: forms.Form, error: ValidationError) -> None:
    """Attach a service's ValidationError to the form, so the page shows it next to the field."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error.messages)


def refusal_text(error: ValidationError | StaleWrite) -> str:
    """A refused write in one message (for a button without a form page): why, and what changed meanwhile."""
    if isinstance(error, StaleWrite):
        changes = [
            _("%(field)s: %(then)s → %(now)s.") % {"field": capfirst(c.label), "then": c.then, "now": c.now}
            for c in error.changes
        ]
        return " ".join([error.headline, _("Nothing was saved."), *changes])
    return " ".join(error.messages)


def save_once(
    request: HttpRequest, form: GuardedForm, write: Callable[[], str], *, success: str | Callable[[], str]
) -> HttpResponse | None:
    """On a valid POST, run `write` (which returns the address to go to) once for the form's token.

    `success` is the message shown after the write (or a function that words it once the write is done).
    Returns the redirect, or None when the page is to be shown (a GET, or the form again with its errors).
    A replay of the same form goes to the first result without writing.
    """
    if request.method != "POST" or not form.is_valid():
        return None
    submitted = sorted((k, v) for k, v in request.POST.lists() if k not in _NOT_SUBMITTED)
    claim = submission_claim(
        scope=f"form:{request.user.pk}",
        key=form.cleaned_data["form_token"],
        fingerprint=fingerprint(request.path, submitted),
    )
    if isinstance(claim, Previous):
        previous = claim if claim.done else submission_wait(claim)
        if previous.done and previous.same_request:
            messages.info(request, _("This form was already saved: it was not saved a second time."))
            return redirect(previous.submission.result_url)
        if previous.done:
            form.add_error(None, _("This form was already sent once. To save what is below too, send it again."))
        else:
            form.add_error(None, _("This form is still being saved. Wait a moment, then check the result."))
        form.renew(version=form.read_version)
        return None
    try:
        url = write()
    except StaleWrite as stale:
        submission_release(claim)
        form.show_stale(stale)
        return None
    except ValidationError as error:
        submission_release(claim)
        form_errors_from(form, error)
        return None
    except PermissionDenied as error:  # a change that is not the actor's to make: the service says why
        submission_release(claim)
        form.add_error(None, str(error))
        return None
    except BaseException:
        submission_release(claim)
        raise
    submission_complete(claim, result_url=url)
    messages.success(request, success() if callable(success) else success)
    return redirect(url)
