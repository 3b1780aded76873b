"""Forms for recording the person's say over each sharing: consents, legal bases, objections."""

from __future__ import annotations

from django import forms
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.accounts.models import Organisation
from maillage.consent.enums import HowGiven, LegalBasis
from maillage.consent.models import LEGAL_BASIS_HELP
from maillage.consent.selectors import opens_nothing_without_identity
from maillage.core.choices import CollatedModelChoiceField
from maillage.core.forms import GuardedForm

DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class ConfirmsOpeningNothing:
    """For a form with `categories` and a hidden `without_identity` box: a sharing without the identity opens
    nothing (`opens_nothing_without_identity`), so it is shown again with a warning and the box, ticked to
    record it all the same. The professional's and the person's forms say it in their own words."""

    opens_nothing_message: str

    def warn_if_opens_nothing(self, person, *, recipient_organisation) -> None:
        """Call after a valid `is_valid()`, with the chosen recipient (None: the care team)."""
        if self.cleaned_data["without_identity"]:
            return
        if opens_nothing_without_identity(
            person, recipient_organisation=recipient_organisation, categories=self.cleaned_data["categories"]
        ):
            self.fields["without_identity"].widget = forms.CheckboxInput()
            self.add_error("categories", self.opens_nothing_message)  # now invalid: save_once writes nothing


class ConsentForm(ConfirmsOpeningNothing, GuardedForm):
    recipient = CollatedModelChoiceField(
        label=_("Recipient"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("The care team as a whole"),
        help_text=_("The care team: every organisation currently involved with the person."),
    )
    purpose = forms.CharField(
        label=_("Purpose"), max_length=255, help_text=_("What the sharing is for, in words the person understands.")
    )
    categories = forms.MultipleChoiceField(
        label=_("Data categories"), choices=Category.choices, widget=forms.CheckboxSelectMultiple
    )
    legal_basis = forms.ChoiceField(label=_("Legal basis"), choices=LegalBasis, help_text=LEGAL_BASIS_HELP)
    how_given = forms.ChoiceField(label=_("How it was given"), choices=HowGiven)
    starts_at = forms.DateTimeField(label=_("Start"), widget=DATETIME, required=False)
    expires_at = forms.DateTimeField(label=_("Expiry"), widget=DATETIME, required=False)

    without_identity = forms.BooleanField(
        label=_("Record it without the identity all the same"), required=False, widget=forms.HiddenInput
    )

    opens_nothing_message = _(
        "Without the identity, the recipient cannot open the file: these categories would open nothing. "
        "Add the identity, or tick the box below to record it as it is."
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["recipient"].queryset = organisations

    def clean(self) -> dict:
        data = super().clean()
        starts, expires = data.get("starts_at") or timezone.now(), data.get("expires_at")
        if expires and expires <= starts:
            self.add_error("expires_at", _("The expiry must come after the start."))
        if data.get("legal_basis") == LegalBasis.CONSENT and data.get("how_given") == HowGiven.NOT_APPLICABLE:
            self.add_error("how_given", _("Say how the person gave their consent."))
        return data


class ObjectionForm(GuardedForm):
    category = forms.ChoiceField(label=_("Data category"), choices=Category.choices)
    organisation = CollatedModelChoiceField(
        label=_("Organisation"),
        queryset=Organisation.objects.none(),
        required=False,
        empty_label=_("Any organisation"),
    )
    note = forms.CharField(label=_("Note"), required=False, widget=forms.Textarea(attrs={"rows": 2}))

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
