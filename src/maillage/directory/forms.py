"""Forms of the directory: the public search (GET) and the members' editing forms."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from maillage.core.choices import CollatedModelChoiceField
from maillage.core.widgets import InlineSelect
from maillage.directory.enums import (
    CapacityStatus,
    DeliveryMode,
    Fees,
    MobilisationMeans,
    Mobiliser,
    ServiceKind,
    Situation,
)
from maillage.directory.models import Location, Service, TaxonomyTerm
from maillage.directory.search import MAX_RADIUS_KM, SORT_DISTANCE, ServiceQuery, opening_hours_valid
from maillage.directory.selectors import attachable_organisations, builtin_terms, need_choices

LANGUAGE_CHOICES = [
    ("fr", _("French")),
    ("nl", _("Dutch")),
    ("de", _("German")),
    ("en", _("English")),
    ("ar", _("Arabic")),
    ("es", _("Spanish")),
    ("tr", _("Turkish")),
    ("uk", _("Ukrainian")),
    ("ru", _("Russian")),
    ("sgn", _("Sign language")),
]


class SearchForm(forms.Form):
    """The public search. Invalid values are reported and ignored, never an error page."""

    q = forms.CharField(label=_("What are you looking for?"), required=False, max_length=10_000)
    need = forms.ChoiceField(label=_("Need"), required=False, widget=InlineSelect)
    place = forms.CharField(
        label=_("Commune or postcode"), required=False, max_length=150, help_text=_("e.g. Libramont or 6800")
    )
    commune = forms.IntegerField(required=False, widget=forms.HiddenInput, min_value=1)
    lat = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-90, max_value=90)
    lon = forms.FloatField(required=False, widget=forms.HiddenInput, min_value=-180, max_value=180)
    radius = forms.FloatField(
        label=_("Within (km)"), required=False, min_value=0.5, max_value=MAX_RADIUS_KM, widget=forms.NumberInput()
    )
    age = forms.IntegerField(label=_("Age"), required=False, min_value=0, max_value=130)
    situation = forms.ChoiceField(
        label=_("Situation"),
        required=False,
        choices=[("", _("Any situation")), *Situation.choices],
        widget=InlineSelect,
    )
    kind = forms.ChoiceField(
        label=_("Kind of service"),
        required=False,
        choices=[("", _("Any kind")), *ServiceKind.choices],
        widget=InlineSelect,
    )
    fees = forms.ChoiceField(
        label=_("Fees"), required=False, choices=[("", _("Free or paying")), *Fees.choices], widget=InlineSelect
    )
    mode = forms.ChoiceField(
        label=_("On site or remotely"),
        required=False,
        choices=[("", _("On site or remotely")), *DeliveryMode.choices],
        widget=InlineSelect,
    )
    open_now = forms.BooleanField(label=_("Open now"), required=False)
    self_referral = forms.BooleanField(label=_("The person can go on their own"), required=False)
    available = forms.BooleanField(label=_("Places available"), required=False)
    page = forms.IntegerField(required=False, min_value=1, max_value=10_000, widget=forms.HiddenInput)
    sort = forms.ChoiceField(
        label=_("Order"),
        required=False,
        choices=[("", _("Best match first")), (SORT_DISTANCE, _("Nearest first"))],
        widget=forms.HiddenInput,
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["need"].choices = [("", _("Any need")), *need_choices()]

    def count_choices(self, counts: dict[str, dict[str, int]]) -> None:
        """Show in each filter's options how many services it would find (`search.facet_counts`)."""
        for name, by_value in counts.items():
            field = self.fields[name]
            field.choices = [
                (value, label if not value else f"{label} ({by_value.get(value, 0)})")
                for value, label in field.choices
            ]

    def to_query(self) -> ServiceQuery:
        data = (
            self.cleaned_data
            if self.is_valid()
            else {name: value for name, value in getattr(self, "cleaned_data", {}).items() if name not in self.errors}
        )
        return ServiceQuery(
            text=data.get("q") or "",
            need=data.get("need") or "",
            commune_id=data.get("commune"),
            place=data.get("place") or "",
            latitude=data.get("lat"),
            longitude=data.get("lon"),
            radius_km=data.get("radius"),
            age=data.get("age"),
            situation=data.get("situation") or "",
            kind=data.get("kind") or "",
            fees=data.get("fees") or "",
            mode=data.get("mode") or "",
            open_now=bool(data.get("open_now")),
            self_referral=bool(data.get("self_referral")),
            capacity_available=bool(data.get("available")),
            page=data.get("page") or 1,
            sort=data.get("sort") or "",
        )


class SavedSearchForm(forms.Form):
    name = forms.CharField(
        label=_("Name of this search"),
        max_length=120,
        help_text=_("e.g. Emergency shelter near Libramont. Never a person's name: the search is about services."),
    )


class OpeningHoursField(forms.CharField):
    def validate(self, value: str) -> None:
        super().validate(value)
        if value and not opening_hours_valid(value):
            raise ValidationError(
                _('These opening hours are not in the OpenStreetMap format, e.g. "Mo-Fr 09:00-12:00,13:30-17:00".'),
                code="opening_hours",
            )


class ServiceForm(forms.ModelForm):
    needs = forms.ModelMultipleChoiceField(
        label=_("Needs it answers"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )
    situations = forms.MultipleChoiceField(
        label=_("Meant for (leave empty for everyone)"),
        choices=Situation.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    languages = forms.MultipleChoiceField(
        label=_("Languages"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )
    kinds = forms.MultipleChoiceField(
        label=_("Kind of service"), choices=ServiceKind.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    mobilisable_by = forms.MultipleChoiceField(
        label=_("Who can ask for it"), choices=Mobiliser.choices, required=False, widget=forms.CheckboxSelectMultiple
    )
    mobilisation_means = forms.MultipleChoiceField(
        label=_("How to ask for it"),
        choices=MobilisationMeans.choices,
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    opening_hours = OpeningHoursField(
        label=_("Opening hours"),
        required=False,
        max_length=500,
        help_text=_('OpenStreetMap format, e.g. "Mo-Fr 09:00-12:00,13:30-17:00; Sa 10:00-12:00".'),
    )
    locations = forms.ModelMultipleChoiceField(
        label=_("Where"), queryset=Location.objects.none(), required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Service
        fields = [
            "name",
            "alternate_name",
            "description",
            "status",
            "kinds",
            "on_site",
            "remote",
            "needs",
            "situations",
            "minimum_age",
            "maximum_age",
            "residence_required",
            "eligibility_description",
            "self_referral",
            "professional_referral",
            "appointment_required",
            "mobilisable_by",
            "mobilisation_means",
            "mobilisation_link",
            "application_process",
            "opening_hours",
            "languages",
            "fees_description",
            "is_free",
            "capacity_status",
            "waiting_time_days",
            "url",
            "email",
        ]
        widgets = {
            "description": forms.Textarea(attrs={"rows": 4}),
            "eligibility_description": forms.Textarea(attrs={"rows": 3}),
            "application_process": forms.Textarea(attrs={"rows": 3}),
            "fees_description": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, organisation, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["needs"].queryset = builtin_terms()
        self.fields["locations"].queryset = Location.objects.filter(organisation=organisation).order_by("name")
        if self.instance.pk:
            self.fields["locations"].initial = list(self.instance.at_locations.values_list("location_id", flat=True))

    def clean(self) -> dict:
        data = super().clean()
        minimum, maximum = data.get("minimum_age"), data.get("maximum_age")
        if minimum is not None and maximum is not None and minimum > maximum:
            self.add_error("maximum_age", _("The maximum age must be at least the minimum age."))
        return data


class CapacityForm(forms.Form):
    capacity_status = forms.ChoiceField(label=_("Capacity"), choices=CapacityStatus.choices)
    waiting_time_days = forms.IntegerField(label=_("Waiting time (days)"), required=False, min_value=0, max_value=3650)


class LocationAttachForm(forms.Form):
    organisation = CollatedModelChoiceField(
        label=_("Organisation"),
        queryset=attachable_organisations(),
        to_field_name="public_id",
        empty_label=_("Choose the organisation"),
        error_messages={"invalid_choice": _("Choose an organisation of the list.")},
    )


class LocationForm(forms.ModelForm):
    opening_hours = OpeningHoursField(label=_("Opening hours"), required=False, max_length=500)
    languages = forms.MultipleChoiceField(
        label=_("Languages spoken"), choices=LANGUAGE_CHOICES, required=False, widget=forms.CheckboxSelectMultiple
    )

    class Meta:
        model = Location
        fields = [
            "name",
            "address_1",
            "address_2",
            "postcode",
            "city",
            "state_province",
            "region",
            "commune",
            "latitude",
            "longitude",
            "opening_hours",
            "accessibility",
            "wheelchair_accessible",
            "transportation",
            "languages",
        ]
        widgets = {
            "accessibility": forms.Textarea(attrs={"rows": 2}),
            "transportation": forms.Textarea(attrs={"rows": 2}),
        }

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        from maillage.territories.models import Level, Territory

        self.fields["commune"].queryset = Territory.objects.filter(level=Level.COMMUNE).order_by("name")
        # A language an import brought stays a choice, so that saving the form keeps it.
        known = {code for code, _label in LANGUAGE_CHOICES}
        kept = [(code, code) for code in (self.instance.languages or []) if code not in known]
        self.fields["languages"].choices = [*LANGUAGE_CHOICES, *kept]

    def clean(self) -> dict:
        data = super().clean()
        if (data.get("latitude") is None) != (data.get("longitude") is None):
            raise ValidationError(_("Give both the latitude and the longitude, or neither."))
        latitude, longitude = data.get("latitude"), data.get("longitude")
        if latitude is not None and not -90 <= latitude <= 90:
            self.add_error("latitude", _("A latitude is between -90 and 90."))
        if longitude is not None and not -180 <= longitude <= 180:
            self.add_error("longitude", _("A longitude is between -180 and 180."))
        return data
