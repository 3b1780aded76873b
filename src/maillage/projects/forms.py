"""Forms of the project pages. Every one is a `GuardedForm` built with the project's version: the project's
one version guards every write to it (creates of objectives, actions, reviews included), and a form is sent
once. Each offers only the choices the actor can take (their own organisation's involvements unless they
are the referent; the person's own relatives; the care team's organisations)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.choices import CollatedModelChoiceField
from maillage.core.forms import GuardedForm
from maillage.directory.models import Service, TaxonomyTerm
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    Frequency,
    Holder,
    ObjectiveStatus,
    Priority,
    Progress,
    ReviewDecision,
)

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
TEXT = {"rows": 3}


class ProjectStartForm(GuardedForm):
    title = forms.CharField(
        label=_("Title"),
        max_length=200,
        required=False,
        help_text=_("In the person's words if they wish, e.g. 'My new start'."),
    )


class ObjectiveForm(GuardedForm):
    own_words = forms.CharField(
        label=_("The objective, in the person's own words"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        error_messages={"required": _("Write the objective as the person says it.")},
    )
    reformulation = forms.CharField(
        label=_("Professionals' reformulation"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        required=False,
        help_text=_("Only if needed: it is shown beside the person's words, never instead of them."),
    )
    life_domain = CollatedModelChoiceField(
        label=_("Life domain"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    priority = forms.TypedChoiceField(
        label=_("The person's priority"), choices=Priority, coerce=int, initial=Priority.MEDIUM
    )
    indicator = forms.CharField(
        label=_("What will show progress"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        help_text=_("Something everyone can observe, e.g. 'the rent is paid on time'."),
        error_messages={"required": _("Say what will show progress, so that it can be evaluated.")},
    )
    target = forms.CharField(
        label=_("Target"), max_length=300, required=False, help_text=_("e.g. 'three months in a row'.")
    )
    target_date = forms.DateField(label=_("By when"), widget=DATE, required=False)

    def __init__(self, *args: Any, terms: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["life_domain"].queryset = terms

    def clean_target_date(self):
        value = self.cleaned_data.get("target_date")
        if value is not None and value < timezone.localdate() and "target_date" in self.changed_data:
            raise ValidationError(_("The date is in the past: choose today or a later date."))
        return value


class CloseObjectiveForm(GuardedForm):
    status = forms.ChoiceField(
        label=_("The objective is"),
        choices=[(v, label) for v, label in ObjectiveStatus.choices if v != ObjectiveStatus.ACTIVE],
        widget=forms.RadioSelect,
        error_messages={"required": _("Choose whether the objective was reached or dropped.")},
    )
    reason = forms.CharField(label=_("Why, in a few words"), widget=forms.Textarea(attrs=TEXT), max_length=1000)


class InvolvementChoice(forms.ModelChoiceField):
    def label_from_instance(self, obj: Any) -> str:
        if obj.professional_id:
            return f"{obj.organisation.name} ({obj.professional.get_full_name()})"
        return obj.organisation.name


class ActionForm(GuardedForm):
    carrier = forms.ChoiceField(
        label=_("Who carries it"),
        choices=Carrier,
        widget=forms.RadioSelect,
        initial=Carrier.PERSON,
        help_text=_("What the person does themselves comes first."),
    )
    relation = CollatedModelChoiceField(
        label=_("Which relative"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    involvement = InvolvementChoice(
        label=_("Which organisation of the care team"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    what = forms.CharField(
        label=_("What"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        error_messages={"required": _("Say what will be done.")},
    )
    starts_on = forms.DateField(label=_("From"), widget=DATE, required=False)
    ends_on = forms.DateField(label=_("Until"), widget=DATE, required=False)
    frequency = forms.ChoiceField(label=_("How often"), choices=Frequency, initial=Frequency.ONCE)
    means = forms.CharField(label=_("With which means"), widget=forms.Textarea(attrs=TEXT), required=False)
    service = CollatedModelChoiceField(
        label=_("A service of the directory"),
        queryset=Service.objects.none(),
        required=False,
        help_text=_("The services of the organisations of the care team."),
    )
    status = forms.ChoiceField(label=_("Status"), choices=ActionStatus, initial=ActionStatus.PLANNED)

    def __init__(self, *args: Any, relatives: Any, involvements: Any, services: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["relation"].queryset = relatives
        self.fields["involvement"].queryset = involvements
        self.fields["service"].queryset = services
        choices = list(Carrier.choices)
        if not relatives.exists():
            choices = [c for c in choices if c[0] != Carrier.RELATION]
            del self.fields["relation"]
        if not involvements.exists():
            choices = [c for c in choices if c[0] != Carrier.ORGANISATION]
            del self.fields["involvement"]
        self.fields["carrier"].choices = choices

    def clean(self) -> dict:
        data = super().clean()
        carrier = data.get("carrier")
        if carrier == Carrier.RELATION and not data.get("relation"):
            self.add_error("relation", _("Choose who, among the person's relatives, carries this action."))
        if carrier == Carrier.ORGANISATION and not data.get("involvement"):
            self.add_error("involvement", _("Choose which organisation of the care team carries this action."))
        if carrier != Carrier.RELATION:
            data["relation"] = None
        if carrier != Carrier.ORGANISATION:
            data["involvement"] = None
        starts, ends = data.get("starts_on"), data.get("ends_on")
        if starts and ends and ends < starts:
            self.add_error("ends_on", _("The end date is before the start date."))
        data.setdefault("relation", None)
        data.setdefault("involvement", None)
        return data


class VersionProposeForm(GuardedForm):
    note = forms.CharField(
        label=_("What changed, in words"),
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        max_length=2000,
        help_text=_("For the person: what this version changes compared with the previous one."),
    )


class AgreementForm(GuardedForm):
    answer = forms.ChoiceField(
        label=_("The person's answer"),
        choices=AgreementAnswer,
        widget=forms.RadioSelect,
        error_messages={"required": _("Record the person's answer.")},
    )
    how = forms.ChoiceField(
        label=_("How the person gave it"),
        choices=[(v, label) for v, label in AgreementHow.choices if v != AgreementHow.IN_OWN_SPACE],
        widget=forms.RadioSelect,
        help_text=_("An answer given in the person's own space is recorded by the person themselves."),
        error_messages={"required": _("Say how the person gave their answer.")},
    )
    comment = forms.CharField(
        label=_("The person's comment, in their words"),
        widget=forms.Textarea(attrs=TEXT),
        required=False,
        max_length=2000,
    )


class ReviewPlanForm(GuardedForm):
    planned_on = forms.DateField(
        label=_("Date of the review"),
        widget=DATE,
        error_messages={"required": _("Give the date of the review.")},
    )
    person_takes_part = forms.BooleanField(label=_("The person takes part"), required=False, initial=True)
    organisations = forms.ModelMultipleChoiceField(
        label=_("Organisations taking part"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    relations = forms.ModelMultipleChoiceField(
        label=_("Relatives taking part"),
        queryset=TaxonomyTerm.objects.none(),
        required=False,
        widget=forms.CheckboxSelectMultiple,
    )
    note = forms.CharField(label=_("Note"), widget=forms.Textarea(attrs=TEXT), required=False, max_length=2000)

    def __init__(self, *args: Any, organisations: Any, relatives: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organisations"].queryset = organisations
        self.fields["relations"].queryset = relatives
        if not relatives.exists():
            del self.fields["relations"]

    def clean_planned_on(self):
        value = self.cleaned_data.get("planned_on")
        if value is not None and value < timezone.localdate():
            raise ValidationError(_("A review is planned today or later."))
        return value


SCALE = [("", _("Not assessed"))] + [(str(v), label) for v, label in Progress.choices]


class ReviewRecordForm(GuardedForm):
    """One group of fields per objective being worked on (prefix `o<pk>-`), then the date and a summary."""

    held_on = forms.DateField(
        label=_("Held on"), widget=DATE, error_messages={"required": _("Give the date the review was held.")}
    )
    summary = forms.CharField(label=_("Summary"), widget=forms.Textarea(attrs=TEXT), required=False, max_length=4000)

    def __init__(self, *args: Any, objectives: list[Any], **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = objectives
        for objective in objectives:
            key = f"o{objective.pk}"
            self.fields[f"{key}-progress"] = forms.TypedChoiceField(
                label=_("Professionals' assessment"), choices=SCALE, coerce=int, empty_value=None, required=False
            )
            self.fields[f"{key}-comment"] = forms.CharField(
                label=_("Professionals' comment"), widget=forms.Textarea(attrs={"rows": 2}), required=False
            )
            self.fields[f"{key}-person_rating"] = forms.TypedChoiceField(
                label=_("The person's own rating"), choices=SCALE, coerce=int, empty_value=None, required=False
            )
            self.fields[f"{key}-person_comment"] = forms.CharField(
                label=_("The person's comment, in their words"),
                widget=forms.Textarea(attrs={"rows": 2}),
                required=False,
            )
            self.fields[f"{key}-decision"] = forms.ChoiceField(
                label=_("Decision"), choices=ReviewDecision, initial=ReviewDecision.KEPT
            )

    def clean_held_on(self):
        value = self.cleaned_data.get("held_on")
        if value is not None and value > timezone.localdate():
            raise ValidationError(_("A review cannot have been held in the future."))
        return value

    def groups(self) -> list[tuple[Any, list[Any]]]:
        """(objective, its bound fields) for the template."""
        names = ("progress", "comment", "person_rating", "person_comment", "decision")
        return [(o, [self[f"o{o.pk}-{name}"] for name in names]) for o in self.objectives]

    def entries(self) -> list[dict[str, Any]]:
        data = self.cleaned_data
        return [
            {
                "objective": o,
                "progress": data.get(f"o{o.pk}-progress"),
                "comment": data.get(f"o{o.pk}-comment", ""),
                "person_rating": data.get(f"o{o.pk}-person_rating"),
                "person_comment": data.get(f"o{o.pk}-person_comment", ""),
                "decision": data.get(f"o{o.pk}-decision") or ReviewDecision.KEPT,
            }
            for o in self.objectives
        ]

    @property
    def closes_objectives(self) -> bool:
        return any(e["decision"] in (ReviewDecision.REACHED, ReviewDecision.DROPPED) for e in self.entries())


class DivergenceForm(GuardedForm):
    topic = forms.CharField(
        label=_("What the views differ on"),
        max_length=300,
        error_messages={"required": _("Say what the views differ on.")},
    )
    holder = forms.ChoiceField(label=_("Whose view"), choices=Holder, widget=forms.RadioSelect)
    relation = CollatedModelChoiceField(
        label=_("Which relative"), queryset=TaxonomyTerm.objects.none(), required=False
    )
    view = forms.CharField(
        label=_("The view"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        error_messages={"required": _("Write the view in a few words.")},
    )

    def __init__(self, *args: Any, relatives: Any, organisation_name: str = "", with_topic: bool = True, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["relation"].queryset = relatives
        choices = []
        if organisation_name:
            choices.append((Holder.ORGANISATION, _("My organisation (%(name)s)") % {"name": organisation_name}))
        choices.append((Holder.PERSON, _("The person, as they said it")))
        if relatives.exists():
            choices.append((Holder.RELATION, _("A relative of the person, as they said it")))
        else:
            del self.fields["relation"]
        self.fields["holder"].choices = choices
        self.fields["holder"].initial = choices[0][0]
        if not with_topic:
            del self.fields["topic"]

    def clean(self) -> dict:
        data = super().clean()
        if data.get("holder") == Holder.RELATION and not data.get("relation"):
            self.add_error("relation", _("Choose whose view it is, among the person's relatives."))
        data.setdefault("relation", None)
        return data


class ResolveForm(GuardedForm):
    resolution = forms.CharField(
        label=_("Resolution"),
        widget=forms.Textarea(attrs=TEXT),
        max_length=2000,
        help_text=_("How the views were reconciled, or what was decided, and by whom."),
        error_messages={"required": _("Say how the views were reconciled, or what was decided.")},
    )


class ConfirmedForm(GuardedForm):
    """A guarded button (cancel a review, close the project) with an optional reason."""

    reason = forms.CharField(label=_("Why, in a few words"), widget=forms.Textarea(attrs=TEXT), required=False)
