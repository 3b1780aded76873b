"""Forms of the person pages: each one answers a clear, translated error and keeps what was typed."""

from __future__ import annotations

from typing import Any

from django import forms
from django.conf import settings
from django.db.models import QuerySet
from django.forms.models import ModelChoiceIterator
from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.accounts.models import Organisation
from maillage.core.choices import CollatedModelChoiceField
from maillage.core.forms import GuardedForm
from maillage.core.text import fold
from maillage.directory.models import TaxonomyTerm
from maillage.people.enums import (
    NEED_WEIGHTS,
    InformationMethod,
    InvolvementEndReason,
    InvolvementRole,
    NeedStatus,
    PersonAgreement,
    RelationKind,
    RelationQuality,
    RelationStrength,
    SupportDirection,
)
from maillage.territories.models import Level, Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


class PersonSearchForm(forms.Form):
    q = forms.CharField(label=_("Search by name"), required=False, max_length=100)


class _FrenchOrder(ModelChoiceIterator):
    def __iter__(self):
        if self.field.empty_label is not None:
            yield ("", self.field.empty_label)
        for commune in sorted(self.queryset, key=lambda commune: (fold(commune.name), commune.name, commune.pk)):
            yield self.choice(commune)


class CommuneField(forms.ModelChoiceField):
    """The communes, in French alphabetical order (accents and case do not count): "Écaussinnes" after "Durbuy"."""

    iterator = _FrenchOrder

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(queryset=Territory.objects.filter(level=Level.COMMUNE), **kwargs)


class PersonIdentityForm(GuardedForm):
    """The person's identity, contact details and commune: what a professional may correct later."""

    first_name = forms.CharField(label=_("First name"), max_length=150)
    last_name = forms.CharField(label=_("Last name"), max_length=150, required=False)
    birth_date = forms.DateField(label=_("Birth date"), required=False, widget=DATE)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)
    preferred_language = forms.ChoiceField(
        label=_("Preferred language"), choices=settings.LANGUAGES, initial=settings.LANGUAGE_CODE
    )
    commune = CommuneField(
        label=_("Commune"), required=False, help_text=_("Where the person lives, to find services near them.")
    )


class PersonCreateForm(PersonIdentityForm):
    """A new file: minimal identity, and the record that the person was informed (prior information)."""

    is_referent = forms.BooleanField(
        label=_("My organisation is the referent, chosen with the person"),
        required=False,
        initial=True,
        help_text=_("The referent is the one professional the person chose as main contact."),
    )
    informed = forms.BooleanField(
        label=_("The person was informed of how their data is kept and shared, and of their right to object"),
        help_text=_("Prior information is required before anything is shared with the care team."),
    )
    information_method = forms.ChoiceField(label=_("How the person was informed"), choices=InformationMethod)
    information_note = forms.CharField(
        label=_("Note on the information"), required=False, widget=forms.Textarea(attrs={"rows": 2})
    )
    shared_categories = forms.MultipleChoiceField(
        label=_("What may be shared within the care team"),
        choices=Category.choices,
        widget=forms.CheckboxSelectMultiple,
        initial=[Category.IDENTITY, Category.SOCIAL, Category.PROJECT, Category.COORDINATION],
        help_text=_(
            "Care-team sharing: the person was informed and did not object. Leave out what they object to. "
            "Health data goes only to care providers unless the person consents."
        ),
    )

    open_anyway = forms.BooleanField(
        label=_("I checked: this is another person, open a new file"), required=False, widget=forms.HiddenInput
    )

    def ask_to_confirm(self) -> None:
        """A file may already exist: the next sending must say, with a ticked box, that it is another person."""
        self.fields["open_anyway"].widget = forms.CheckboxInput()
        self.add_error("open_anyway", _("Tick this box to open a new file all the same."))

    def clean_shared_categories(self) -> list[str]:
        chosen = self.cleaned_data["shared_categories"]
        if Category.IDENTITY not in chosen:
            raise forms.ValidationError(
                _(
                    "The care team needs at least the identity to work together. "
                    "If the person objects, do not open a file."
                )
            )
        return chosen


class NeedForm(GuardedForm):
    term = forms.ModelChoiceField(label=_("Life domain"), queryset=TaxonomyTerm.objects.none())
    own_words = forms.CharField(
        label=_("The need, in the person's own words"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    status = forms.ChoiceField(label=_("Status"), choices=NeedStatus, initial=NeedStatus.OPEN)
    weight = forms.TypedChoiceField(
        label=_("How heavy it is for the person"),
        coerce=int,
        choices=[(n, format_lazy("{} ({})", n, words)) for n, words in NEED_WEIGHTS.items()],
        initial=3,
        help_text=_("From 1 (light) to 5 (very heavy), assessed with the person."),
    )

    def __init__(self, *args, terms: QuerySet[TaxonomyTerm], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["term"].queryset = terms


class RelationForm(GuardedForm):
    name = forms.CharField(label=_("Name"), max_length=150, help_text=_("A first name or a nickname is enough."))
    kind = forms.ChoiceField(label=_("Kind of relation"), choices=RelationKind)
    kind_detail = forms.CharField(
        label=_("Detail"), max_length=120, required=False, help_text=_("For example: mother, eldest son.")
    )
    quality = forms.ChoiceField(label=_("Supports or stresses"), choices=RelationQuality)
    strength = forms.TypedChoiceField(
        label=_("Strength of the tie"), coerce=int, choices=RelationStrength, initial=RelationStrength.MEDIUM
    )
    support_direction = forms.ChoiceField(label=_("Direction of support"), choices=SupportDirection)
    takes_part = forms.BooleanField(label=_("Takes part (invited to meetings, holds an action)"), required=False)
    keep_contact = forms.BooleanField(label=_("The person wants the contact details kept"), required=False)
    phone = forms.CharField(label=_("Phone"), max_length=40, required=False)
    email = forms.EmailField(label=_("E-mail"), required=False)

    def clean(self) -> dict:
        data = super().clean()
        if not data.get("keep_contact"):
            data["phone"], data["email"] = "", ""
        return data


def organisation_choices(organisations: QuerySet[Organisation]) -> list[tuple[str | int, str]]:
    """The organisations as choices in French alphabetical order (accents and case do not move a name)."""
    ordered = sorted(organisations, key=lambda organisation: (fold(organisation.name), organisation.name))
    return [("", "---------"), *((organisation.pk, organisation.name) for organisation in ordered)]


class InvolvementForm(GuardedForm):
    """A professional adds an organisation: only those not involved yet are offered (door rule 8c)."""

    organisation = CollatedModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    agreement = forms.ChoiceField(
        label=_("How the person agreed"),
        choices=[(v, label) for v, label in PersonAgreement.choices if v != PersonAgreement.IN_OWN_SPACE],
        widget=forms.RadioSelect,
        help_text=_("Add an organisation only with the person's agreement. The person and their referent are told."),
        error_messages={"required": _("Record how the person agreed: without their agreement, do not add it.")},
    )
    role = forms.ChoiceField(
        label=_("Role"),
        choices=[(v, label) for v, label in InvolvementRole.choices if v != InvolvementRole.REFERENT],
        help_text=_("The referent is chosen with the person on the page 'Change the referent'."),
    )
    life_domains = forms.ModelMultipleChoiceField(
        label=_("Life domains covered"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    started_on = forms.DateField(label=_("Start"), widget=DATE)

    def __init__(self, *args, organisations: QuerySet[Organisation], terms: QuerySet[TaxonomyTerm], **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].choices = organisation_choices(organisations)
        self.fields["life_domains"].queryset = terms


class InvolvementEndForm(GuardedForm):
    ended_on = forms.DateField(label=_("End"), widget=DATE)
    end_reason = forms.ChoiceField(label=_("Reason for ending"), choices=InvolvementEndReason)
    end_detail = forms.CharField(label=_("Detail"), max_length=255, required=False)


class EndProposalForm(GuardedForm):
    """The referent proposes to end another organisation's involvement (door rule 8b)."""

    reason = forms.ChoiceField(label=_("Reason for ending"), choices=InvolvementEndReason)
    detail = forms.CharField(
        label=_("Your proposal, in a few words"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The organisation reads it in the file, and so does the person."),
        error_messages={"required": _("Explain the proposal to the organisation in a few words.")},
    )

    def clean_detail(self) -> str:
        detail = self.cleaned_data["detail"].strip()
        if not detail:
            raise forms.ValidationError(_("Explain the proposal to the organisation in a few words."))
        return detail


class EndAnswerForm(GuardedForm):
    """The affected organisation answers the referent's proposal: agree, or object with a comment."""

    AGREE, OBJECT = "agree", "object"
    answer = forms.ChoiceField(
        label=_("Your organisation's answer"),
        choices=[
            (AGREE, _("We agree: our involvement ends now")),
            (OBJECT, _("We disagree: our involvement stays open")),
        ],
        widget=forms.RadioSelect,
    )
    comment = forms.CharField(
        label=_("Comment"),
        required=False,
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Required if you disagree. The referent and the person read it."),
    )

    def clean(self) -> dict:
        data = super().clean()
        data["comment"] = (data.get("comment") or "").strip()
        if data.get("answer") == self.OBJECT and not data["comment"]:
            self.add_error("comment", _("Say why your organisation disagrees: the referent and the person read it."))
        return data


class ReferentForm(GuardedForm):
    organisation = CollatedModelChoiceField(
        label=_("New referent organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("An organisation already involved with the person."),
    )
    reason = forms.CharField(
        label=_("Reason for the change"), widget=forms.Textarea(attrs={"rows": 3}), max_length=2000
    )
    chosen_with_person = forms.BooleanField(label=_("Chosen with the person"), required=False, initial=True)

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if not reason:
            raise forms.ValidationError(_("Say why the referent changes."))
        return reason


class BreakGlassForm(forms.Form):
    reason = forms.CharField(
        label=_("Why do you need emergency access?"),
        widget=forms.Textarea(attrs={"rows": 3}),
        max_length=2000,
        help_text=_(
            "Required. The referent and the person are told, this access stands out in the audit, and the network "
            "coordinator reviews the reason: describe the situation without naming the person."
        ),
    )

    def clean_reason(self) -> str:
        reason = self.cleaned_data["reason"].strip()
        if len(reason) < 10:
            raise forms.ValidationError(_("Give the reason in a full sentence (at least 10 characters)."))
        return reason


class InviteForm(forms.Form):
    METHOD_EMAIL = "email"
    METHOD_CODE = "code"
    method = forms.ChoiceField(
        label=_("How to send the invitation"),
        choices=[(METHOD_EMAIL, _("By e-mail")), (METHOD_CODE, _("A code printed on paper"))],
        widget=forms.RadioSelect,
        initial=METHOD_EMAIL,
    )


CATEGORY_FIELD_HELP = _("Choose at least one.")


def category_field(label: str) -> forms.MultipleChoiceField:
    return forms.MultipleChoiceField(
        label=label, choices=Category.choices, widget=forms.CheckboxSelectMultiple, help_text=CATEGORY_FIELD_HELP
    )


class SpaceAddForm(forms.Form):
    """The person adds an organisation to their network from their own space (door rule 8d)."""

    prefix = "network-add"  # the own space holds other forms with an "organisation" field

    organisation = CollatedModelChoiceField(
        label=_("Which organisation"),
        queryset=Organisation.objects.none(),
        help_text=_("It will see your file as your agreements allow. Your referent is told."),
    )

    def __init__(self, *args, organisations: QuerySet[Organisation], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = organisations
        self.fields["organisation"].choices = organisation_choices(organisations)


class SpaceEndForm(forms.Form):
    """The person ends an organisation's involvement from their own space, after confirming (door rule 8d)."""

    prefix = "network-end"

    involvement = forms.ChoiceField(label=_("Which organisation should stop"))
    detail = forms.CharField(label=_("Why, if you wish"), required=False, max_length=255)
    confirm = forms.BooleanField(
        label=_("I understand: this organisation will no longer see my file"),
        error_messages={"required": _("Tick the box to confirm: this cannot be undone from here.")},
    )

    def __init__(self, *args, involvements: list, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["involvement"].choices = [("", "---------")] + [
            (str(i.public_id), i.organisation.name)
            for i in sorted(involvements, key=lambda i: (fold(i.organisation.name), i.organisation.name))
        ]


class JoinRequestForm(GuardedForm):
    """A professional outside the network asks the referent to let their organisation join it."""

    reason = forms.CharField(
        label=_("Why your organisation would join the network"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("The referent reads it and talks it over with the person. Write only what is needed."),
    )


class JoinAnswerForm(GuardedForm):
    """The referent answers a request to join: accept (recording how the person agreed) or decline."""

    ACCEPT, DECLINE = "accept", "decline"
    answer = forms.ChoiceField(
        label=_("Your answer"),
        choices=[(ACCEPT, _("The person agrees: the organisation joins the network")), (DECLINE, _("Decline"))],
        widget=forms.RadioSelect,
    )
    agreement = forms.ChoiceField(
        label=_("How the person agreed"),
        required=False,
        choices=[
            ("", "—"),
            (PersonAgreement.ON_PAPER, PersonAgreement.ON_PAPER.label),
            (PersonAgreement.ORALLY, PersonAgreement.ORALLY.label),
        ],
        help_text=_("Required to accept: without the person's agreement, decline."),
    )

    def clean(self) -> dict:
        data = super().clean()
        if data.get("answer") == self.ACCEPT and not data.get("agreement"):
            self.add_error("agreement", _("Record how the person agreed, or decline."))
        return data


class SpaceMessageForm(GuardedForm):
    """The person writes to their referent, in their own words."""

    body = forms.CharField(
        label=_("Your message"),
        max_length=2000,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("Only your referent reads it. For an emergency, call 112."),
    )
