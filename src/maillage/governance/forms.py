"""Forms of the network's life. Every write is a GuardedForm (sent once, from the version it was read at)."""

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.accounts.enums import OrganisationStatus, Sector
from maillage.accounts.models import Organisation, User
from maillage.core.choices import CollatedModelChoiceField
from maillage.core.forms import GuardedForm
from maillage.directory.selectors import life_domains
from maillage.governance import indicators
from maillage.governance.enums import BodyKind, College, EventKind, MemberStatus, ReviewKind, SeatRole
from maillage.governance.models import NetworkMember
from maillage.territories.models import Level, Territory

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")


class MemberChoiceField(CollatedModelChoiceField):
    def label_from_instance(self, obj: NetworkMember) -> str:
        return obj.organisation.name


class NetworkForm(GuardedForm):
    name = forms.CharField(label=_("Name"), max_length=255)
    mission = forms.CharField(label=_("Mission"), widget=forms.Textarea(attrs={"rows": 5}))
    openness = forms.CharField(
        label=_("Openness to non-professional members"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who besides professionals may join (local officials, residents, associations), and why."),
    )
    founded_on = forms.DateField(label=_("Founded on"), required=False, widget=DATE)
    territories = forms.ModelMultipleChoiceField(
        label=_("Territory"),
        queryset=Territory.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 8}),
        help_text=_("The provinces, regions or districts the network covers (hold Ctrl to choose several)."),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["territories"].queryset = Territory.objects.filter(level__lte=Level.DISTRICT).order_by(
            "level", "name"
        )


class NetworkCreateForm(NetworkForm):
    """Set up a network: its coordinating organisation is a validated network-coordination organisation that
    does not run a network yet."""

    organisation = CollatedModelChoiceField(label=_("Coordinating organisation"), queryset=Organisation.objects.none())

    field_order = ["organisation", "name", "mission", "openness", "founded_on", "territories"]

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisation"].queryset = Organisation.objects.filter(
            sector=Sector.NETWORK, status=OrganisationStatus.VALIDATED, coordinated_network__isnull=True
        )


class CollegeRightsForm(GuardedForm):
    may_comment = forms.BooleanField(label=_("Comments on drafts during consultations"), required=False)
    may_sign = forms.BooleanField(label=_("Signs the charter"), required=False)
    may_sit = forms.BooleanField(label=_("Sits on the network's bodies"), required=False)
    may_attend_events = forms.BooleanField(label=_("Takes part in meet-a-partner events"), required=False)


class RenewalForm(GuardedForm):
    """`read_ends_on` is the end date the page showed: a renewal made from an outdated page is refused."""

    ends_on = forms.DateField(label=_("New end date"), widget=DATE)
    read_ends_on = forms.DateField(widget=forms.HiddenInput, required=False)


class MemberAddForm(GuardedForm):
    organisation = CollatedModelChoiceField(label=_("Organisation"), queryset=Organisation.objects.none())
    college = forms.ChoiceField(label=_("College"), choices=College.choices)
    joined_on = forms.DateField(label=_("Member since"), widget=DATE, initial=timezone.localdate)

    def __init__(self, *args, network=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        already = network.members.values("organisation_id") if network is not None else []
        self.fields["organisation"].queryset = Organisation.objects.filter(
            status=OrganisationStatus.VALIDATED
        ).exclude(pk__in=already)


class MemberEditForm(GuardedForm):
    college = forms.ChoiceField(label=_("College"), choices=College.choices)
    status = forms.ChoiceField(label=_("Status"), choices=MemberStatus.choices)
    joined_on = forms.DateField(label=_("Member since"), widget=DATE)
    left_on = forms.DateField(label=_("Left on"), required=False, widget=DATE)


class SignatoryForm(GuardedForm):
    signatory = CollatedModelChoiceField(
        label=_("Authorised to sign for the organisation"),
        queryset=User.objects.none(),
        required=False,
        empty_label=_("— the organisation's admins —"),
    )

    def __init__(self, *args, organisation=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["signatory"].queryset = User.objects.filter(
            memberships__organisation=organisation, memberships__is_active=True, is_active=True
        ).distinct()


class PresentationForm(GuardedForm):
    who_we_are = forms.CharField(label=_("Who we are"), widget=forms.Textarea(attrs={"rows": 4}))
    what_we_do = forms.CharField(label=_("What we can do"), widget=forms.Textarea(attrs={"rows": 4}))
    what_we_do_not = forms.CharField(
        label=_("What we cannot do"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )
    admission_criteria = forms.CharField(
        label=_("Our admission criteria, explained"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Who you can take on and why: partners orient better when they know your criteria."),
    )
    how_to_reach = forms.CharField(label=_("How to reach us"), widget=forms.Textarea(attrs={"rows": 3}))


class AgreementForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    scope = forms.CharField(label=_("Scope"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    text = forms.CharField(
        label=_("Text of the first version"),
        widget=forms.Textarea(attrs={"rows": 14}),
        help_text=_("Separate paragraphs with an empty line: versions are compared paragraph by paragraph."),
    )


class ConventionForm(AgreementForm):
    parties = forms.ModelMultipleChoiceField(
        label=_("Parties"), queryset=NetworkMember.objects.none(), widget=forms.CheckboxSelectMultiple
    )
    starts_on = forms.DateField(label=_("Starts on"), widget=DATE)
    ends_on = forms.DateField(label=_("Ends on"), widget=DATE)
    renewal_notice_days = forms.IntegerField(
        label=_("Remind the parties this many days before the end"), min_value=1, max_value=365, initial=60
    )

    def __init__(self, *args, network=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        field = self.fields["parties"]
        field.queryset = network.members.current().select_related("organisation")
        field.label_from_instance = lambda member: member.organisation.name


class VersionTextForm(GuardedForm):
    text = forms.CharField(
        label=_("Text"),
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_("Separate paragraphs with an empty line: versions are compared paragraph by paragraph."),
    )
    changes_summary = forms.CharField(
        label=_("What changes, in a few words"), required=False, widget=forms.Textarea(attrs={"rows": 3})
    )


class ConsultationForm(GuardedForm):
    ends_on = forms.DateField(label=_("Comments close on"), widget=DATE)


class AdoptionForm(GuardedForm):
    adopted_on = forms.DateField(label=_("Adopted on"), widget=DATE, initial=timezone.localdate)
    adoption_record = forms.CharField(
        label=_("How it was adopted"),
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("Which body adopted it, and how (e.g. steering committee, unanimous)."),
    )


class CommentForm(GuardedForm):
    text = forms.CharField(label=_("Your organisation's comment"), widget=forms.Textarea(attrs={"rows": 4}))


class SignForm(GuardedForm):
    pass


class BodyForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=BodyKind.choices)
    name = forms.CharField(label=_("Name"), max_length=255)
    purpose = forms.CharField(label=_("Purpose"), required=False, widget=forms.Textarea(attrs={"rows": 3}))


class MandateForm(GuardedForm):
    member = MemberChoiceField(label=_("Member organisation"), queryset=NetworkMember.objects.none())
    role = forms.ChoiceField(label=_("Role"), choices=SeatRole.choices, initial=SeatRole.MEMBER)
    starts_on = forms.DateField(label=_("From"), widget=DATE, initial=timezone.localdate)
    ends_on = forms.DateField(label=_("Until"), required=False, widget=DATE)

    def __init__(self, *args, network=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["member"].queryset = network.members.current().select_related("organisation")


class MeetingForm(GuardedForm):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=255, required=False)
    hosted_by = MemberChoiceField(
        label=_("Hosted by"), queryset=NetworkMember.objects.none(), required=False, empty_label=_("—")
    )
    present = forms.ModelMultipleChoiceField(
        label=_("Members present"),
        queryset=NetworkMember.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    agenda = forms.CharField(label=_("Agenda"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    record = forms.CharField(label=_("Record"), required=False, widget=forms.Textarea(attrs={"rows": 5}))
    decisions = forms.CharField(
        label=_("Decisions"),
        required=False,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("One decision per line."),
    )

    def __init__(self, *args, network=None, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        members = network.members.current().select_related("organisation")
        self.fields["hosted_by"].queryset = members
        self.fields["present"].queryset = members
        self.fields["present"].label_from_instance = lambda member: member.organisation.name


class ObjectiveForm(GuardedForm):
    title = forms.CharField(label=_("Objective"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    indicator_key = forms.ChoiceField(label=_("Indicator measured by Maillage"), required=False)
    indicator_label = forms.CharField(
        label=_("Or an indicator you measure yourselves"), max_length=255, required=False
    )
    baseline = forms.DecimalField(label=_("Baseline"), max_digits=12, decimal_places=2)
    baseline_on = forms.DateField(label=_("Baseline measured on"), widget=DATE)
    target = forms.DecimalField(label=_("Target"), max_digits=12, decimal_places=2)
    target_on = forms.DateField(label=_("To reach by"), widget=DATE)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["indicator_key"].choices = [("", _("— none: entered by hand —"))] + [
            (indicator.key, indicator.label) for indicator in indicators.all_indicators()
        ]


class MeasurementForm(GuardedForm):
    on = forms.DateField(label=_("Measured on"), widget=DATE, initial=timezone.localdate)
    value = forms.DecimalField(label=_("Value"), max_digits=12, decimal_places=2)
    note = forms.CharField(label=_("Note"), max_length=255, required=False)


class ReviewForm(GuardedForm):
    kind = forms.ChoiceField(label=_("After"), choices=ReviewKind.choices, widget=forms.RadioSelect)
    title = forms.CharField(label=_("Title"), max_length=255)
    what_happened = forms.CharField(
        label=_("What happened"),
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "Describe the situation without any personal data: no names, no birth dates, no address, nothing "
            "that lets someone recognise the person. Say “a man in his forties”, “the service”, “the family”."
        ),
    )
    what_we_learnt = forms.CharField(label=_("What we learnt"), widget=forms.Textarea(attrs={"rows": 5}))


class ShareForm(GuardedForm):
    flags_checked = forms.BooleanField(
        label=_("I checked what was flagged: it is not about a person (a place, a service, a word)."),
        required=False,
    )


class SheetForm(GuardedForm):
    title = forms.CharField(label=_("Title"), max_length=255)
    domains = forms.ModelMultipleChoiceField(
        label=_("Life domains"), queryset=None, required=False, widget=forms.CheckboxSelectMultiple
    )
    text = forms.CharField(label=_("The practice"), widget=forms.Textarea(attrs={"rows": 12}))
    changes_summary = forms.CharField(label=_("What changes, in a few words"), max_length=255, required=False)

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["domains"].queryset = life_domains()


class EventForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Kind"), choices=EventKind.choices)
    title = forms.CharField(label=_("Title"), max_length=255)
    description = forms.CharField(label=_("Description"), required=False, widget=forms.Textarea(attrs={"rows": 3}))
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME)
    place = forms.CharField(label=_("Place"), max_length=255)
    capacity = forms.IntegerField(label=_("Places"), min_value=1, max_value=500, initial=8)


class RegisterForm(GuardedForm):
    pass
