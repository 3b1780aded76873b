"""The referral forms: sending (or redirecting after a decline), the person's refusal, the external partner's
answer. Each is a `GuardedForm` (sent once); the services decide and say why when they refuse."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.core.forms import GuardedForm
from maillage.referrals.enums import Agreement, ContactPreference, DeclineReason, Urgency

SEND = "send"
DRAFT = "draft"


class ReferralForm(GuardedForm):
    """What the sender states. `shareable` is the categories the person's consent lets the sender share with
    this receiver (`referral_door.why_not_shareable`): only those are choices, so a forged POST of another is an
    invalid choice before the service refuses it too."""

    expected = forms.CharField(
        label=_("What you expect from the partner"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
    )
    urgency = forms.ChoiceField(label=_("Urgency"), choices=Urgency.choices, initial=Urgency.NORMAL)
    eligibility = forms.CharField(
        label=_("Eligibility facts"),
        required=False,
        max_length=1000,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text=_("What the receiver needs to decide (age, place, situation), without naming the person."),
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("Shared with the partner once it accepts"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Only what the person's consent allows can be picked; the rest is shown below with why."),
    )
    contact_preference = forms.ChoiceField(
        label=_("How the person wants to be contacted"),
        choices=ContactPreference.choices,
        initial=ContactPreference.THROUGH_REFERENT,
        widget=forms.RadioSelect,
    )
    show_decline_reason_to_person = forms.BooleanField(
        label=_("If the partner declines, show the person why"), required=False, initial=True
    )
    agreement = forms.ChoiceField(
        label=_("How the person agreed to this referral"),
        choices=[(Agreement.ORALLY, Agreement.ORALLY.label), (Agreement.ON_PAPER, Agreement.ON_PAPER.label)],
        widget=forms.RadioSelect,
        error_messages={
            "required": _("Record how the person agreed to this referral. Without their agreement, do not send it.")
        },
    )

    receiver_email = forms.EmailField(
        label=_("E-mail address of the partner"),
        required=False,
        help_text=_(
            "This organisation is not on Maillage yet: it gets, at this address, a link to read the referral and "
            "answer it without an account. Its own address when left empty."
        ),
    )

    def __init__(self, *args: Any, shareable: list[str] | None = None, external: bool = False, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        allowed = set(shareable or ())
        self.fields["shared_categories"].choices = [(c.value, c.label) for c in Category if c.value in allowed]
        if not external:
            del self.fields["receiver_email"]


class RefuseForm(GuardedForm):
    """The person refuses a referral not yet taken up: a reason in their words, and a confirmation."""

    reason = forms.CharField(
        label=_("Why you refuse it (the sender reads this)"),
        widget=forms.Textarea(attrs={"rows": 2}),
        max_length=1000,
    )
    confirm = forms.BooleanField(
        label=_("Yes, I refuse this referral. The organisation will not contact me about it."),
        error_messages={"required": _("Tick the box to confirm that you refuse this referral.")},
    )


class ExternalAnswerForm(GuardedForm):
    """A partner not on Maillage answers through its link (`links`): accept, or decline with a reason (the
    machine's), from the referral's version the page showed."""

    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[("ACCEPTED", _("We accept this referral")), ("DECLINED", _("We decline this referral"))],
        widget=forms.RadioSelect,
        error_messages={"required": _("Say whether you accept or decline this referral.")},
    )
    decline_reason = forms.ChoiceField(
        label=_("If you decline, why"), choices=[("", "—"), *DeclineReason.choices], required=False
    )
    decline_detail = forms.CharField(
        label=_("In a few words"), required=False, max_length=1000, widget=forms.Textarea(attrs={"rows": 2})
    )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if data.get("answer") == "DECLINED" and not data.get("decline_reason"):
            self.add_error("decline_reason", _("Say why you decline."))
        return data


class LinkRenewForm(GuardedForm):
    """The sender renews the link of a partner not on Maillage: the old link stops working at once."""

    email = forms.EmailField(
        label=_("Send the new link to"),
        required=False,
        help_text=_("Leave empty to send it to the same address."),
    )
    confirm = forms.BooleanField(
        label=_("Yes, send a new link. The link sent before stops working."),
        error_messages={"required": _("Tick the box to confirm that the link sent before stops working.")},
    )


class NetworkDelaysForm(GuardedForm):
    remind_after_days = forms.IntegerField(
        label=_("Remind the receiver after (days without a move)"),
        min_value=1,
        max_value=90,
        help_text=_("Each further period escalates: to the person's referent, then to the network's coordinators."),
    )
    expire_after_days = forms.IntegerField(
        label=_("Expire a referral left unanswered after (days)"), min_value=2, max_value=365
    )
