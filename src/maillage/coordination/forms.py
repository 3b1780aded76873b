"""Coordination forms: each offers only the choices that can be taken (the person's network, the categories the
writer may use), and is sent once (`GuardedForm`); an edit carries the version it was read at."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any
from zoneinfo import ZoneInfo

from django import forms
from django.core.exceptions import ValidationError
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _

from maillage.access.enums import Category
from maillage.coordination.attachments import check_upload
from maillage.coordination.enums import MEETING_TIME_ZONES, Attendance, ContactKind, CrisisKind
from maillage.core.forms import GuardedForm
from maillage.core.text import collation_key
from maillage.projects.enums import Carrier

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
DATETIME = forms.DateTimeInput(attrs={"type": "datetime-local"}, format="%Y-%m-%dT%H:%M")
DATETIME_FORMATS = ["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M", "%d/%m/%Y %H:%M"]
MAX_FILES = 5


def _when(meeting: Any) -> str:
    """A meeting's start in the page's language and order, in the meeting's own time zone."""
    local = timezone.localtime(meeting.starts_at, ZoneInfo(meeting.time_zone))
    return formats.date_format(local, "SHORT_DATETIME_FORMAT")


def _sorted(choices: Iterable[tuple[Any, str]]) -> list[tuple[str, str]]:
    return sorted(((str(value), str(label)) for value, label in choices), key=lambda c: collation_key(c[1]))


class Carriers:
    """Who may carry a decision or an action, as choices: the person, their relatives, the care team's
    organisations (with their professional); `of(key)` gives the carrier arguments of the project service."""

    def __init__(self, relatives: Iterable[Any] = (), involvements: Iterable[Any] = ()) -> None:
        self.relatives = {f"relation-{r.pk}": r for r in relatives}
        self.involvements = {f"involvement-{i.pk}": i for i in involvements}

    def choices(self) -> list[tuple[str, str]]:
        who = [("person", str(_("The person")))]
        who += _sorted((key, f"{r.name} ({_('relative')})") for key, r in self.relatives.items())
        who += _sorted(
            (
                key,
                f"{i.organisation.name} ({i.professional.get_full_name()})"
                if i.professional_id
                else i.organisation.name,
            )
            for key, i in self.involvements.items()
        )
        return who

    def of(self, key: str) -> dict[str, Any]:
        if key in self.relatives:
            return {"carrier": Carrier.RELATION, "relation": self.relatives[key]}
        if key in self.involvements:
            return {"carrier": Carrier.ORGANISATION, "involvement": self.involvements[key]}
        return {"carrier": Carrier.PERSON}

    @staticmethod
    def key(carrier: str, relation_id: int | None, involvement_id: int | None) -> str:
        """The choice of a recorded carrier ("" when none was named)."""
        if carrier == Carrier.RELATION and relation_id:
            return f"relation-{relation_id}"
        if carrier == Carrier.ORGANISATION and involvement_id:
            return f"involvement-{involvement_id}"
        return "person" if carrier == Carrier.PERSON else ""


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one field; each is checked by content in `clean` (attachments.check_upload)."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data: Any, initial: Any = None) -> list[Any]:
        files = data if isinstance(data, list | tuple) else ([data] if data else [])
        if len(files) > MAX_FILES:
            raise ValidationError(_("Attach %(count)d files at most.") % {"count": MAX_FILES})
        checked, errors = [], []
        for upload in files:
            try:
                checked.append(check_upload(upload))
            except ValidationError as error:
                errors.extend(error.messages)
        if errors:
            raise ValidationError(errors)
        return checked


class NoteForm(GuardedForm):
    body = forms.CharField(label=_("Note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(
        label=_("Data category"),
        help_text=_("Who reads it: only the partners with whom the person shares this category."),
    )
    audience = forms.MultipleChoiceField(
        label=_("Only for these organisations"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("Leave empty for every partner who may read the category."),
    )
    mentions = forms.MultipleChoiceField(
        label=_("Mention"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They are told by e-mail that a note waits for them (without its text)."),
    )
    answer_by = forms.DateField(
        label=_("Answer wanted by"),
        required=False,
        widget=DATE,
        help_text=_("A question with a deadline: often enough instead of a meeting."),
    )
    files = MultipleFileField(
        label=_("Attachments"),
        required=False,
        help_text=_("PDF, images or office documents, 10 MB each at most."),
    )

    def __init__(
        self,
        *args: Any,
        categories: Iterable[str] = (),
        organisations: Iterable[Any] = (),
        professionals: Iterable[Any] = (),
        for_person: bool = False,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Category.choices)
        self.fields["category"].choices = [(c, labels[c]) for c in Category if c in set(categories)]
        self.initial.setdefault("category", Category.COORDINATION)
        self.fields["audience"].choices = _sorted((o.pk, o.name) for o in organisations)
        self.fields["mentions"].choices = _sorted(
            (i.professional_id, f"{i.professional.get_full_name()} ({i.organisation.name})") for i in professionals
        )
        if for_person:
            for name in ("audience", "mentions", "answer_by", "category"):
                del self.fields[name]


class NoteCorrectForm(GuardedForm):
    body = forms.CharField(label=_("Corrected note"), max_length=4000, widget=forms.Textarea(attrs={"rows": 4}))
    category = forms.ChoiceField(label=_("Data category"))

    def __init__(self, *args: Any, categories: Iterable[str] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        labels = dict(Category.choices)
        self.fields["category"].choices = [(c, labels[c]) for c in Category if c in set(categories)]


class ContactForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Kind of contact"), choices=ContactKind.choices, widget=forms.RadioSelect)
    happened_at = forms.DateTimeField(
        label=_("When"),
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now."),
    )
    with_whom = forms.CharField(
        label=_("With whom"),
        required=False,
        max_length=150,
        help_text=_("For example: the person and her mother. No content is needed."),
    )


class CrisisOpenForm(GuardedForm):
    kind = forms.ChoiceField(label=_("Kind of crisis"), choices=CrisisKind.choices)
    started_at = forms.DateTimeField(
        label=_("Started at"),
        required=False,
        widget=DATETIME,
        input_formats=DATETIME_FORMATS,
        help_text=_("Leave empty for now."),
    )


class CrisisCloseForm(GuardedForm):
    pass


class MeetingForm(GuardedForm):
    purpose = forms.CharField(
        label=_("Purpose"),
        max_length=200,
        help_text=_("Sent to every invitee with the invitation: no health detail, no name."),
    )
    agenda = forms.CharField(
        label=_("Agenda"), required=False, max_length=4000, widget=forms.Textarea(attrs={"rows": 4})
    )
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=MEETING_TIME_ZONES, initial="Europe/Brussels")
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=480, initial=60)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")
    professionals = forms.MultipleChoiceField(
        label=_("Professionals invited"), required=False, widget=forms.CheckboxSelectMultiple
    )
    invite_person = forms.BooleanField(
        label=_("Invite the person"),
        required=False,
        initial=True,
        help_text=_("A meeting about the person is held with them, unless there is a reason not to."),
    )
    relations = forms.MultipleChoiceField(
        label=_("Members of the primary network invited"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("They receive the invitation at the address recorded in the primary network."),
    )
    interpreter_name = forms.CharField(label=_("Interpreter"), required=False, max_length=150)
    interpreter_email = forms.EmailField(label=_("Interpreter's e-mail"), required=False)

    def __init__(
        self, *args: Any, professionals: Iterable[Any] = (), relations: Iterable[Any] = (), **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self.fields["professionals"].choices = _sorted(
            (i.professional_id, f"{i.professional.get_full_name()} ({i.organisation.name})") for i in professionals
        )
        self.fields["relations"].choices = _sorted(
            (
                r.pk,
                relation_label(r),
            )
            for r in relations
        )

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        if not data.get("place") and not data.get("video_url") and "place" not in self.errors:
            self.add_error("place", _("Give a place or a video link."))
        return data


class RescheduleForm(GuardedForm):
    starts_at = forms.DateTimeField(label=_("Date and time"), widget=DATETIME, input_formats=DATETIME_FORMATS)
    time_zone = forms.ChoiceField(label=_("Time zone"), choices=MEETING_TIME_ZONES)
    duration_minutes = forms.IntegerField(label=_("Duration (minutes)"), min_value=15, max_value=480)
    place = forms.CharField(label=_("Place"), required=False, max_length=200)
    video_url = forms.URLField(label=_("Video link"), required=False, assume_scheme="https")


class CancelForm(GuardedForm):
    pass


DECISION_ROWS = 4


class MinutesForm(GuardedForm):
    """Attendance, minutes, what the person said, up to `DECISION_ROWS` decisions each with who carries it and by
    when (both optional, checked: a carrier or a date needs its decision, a date is not before the meeting)."""

    minutes = forms.CharField(
        label=_("Minutes"), required=False, max_length=10000, widget=forms.Textarea(attrs={"rows": 6})
    )
    person_said = forms.CharField(
        label=_("What the person said"),
        required=False,
        max_length=4000,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("In their own words, as they want it written."),
    )
    next_meeting = forms.ChoiceField(label=_("Next meeting"), required=False)

    def __init__(
        self,
        *args: Any,
        participants: Iterable[Any] = (),
        later: Iterable[Any] = (),
        relatives: Iterable[Any] = (),
        involvements: Iterable[Any] = (),
        meeting_day: dt.date | None = None,
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.participants = list(participants)
        self.meeting_day = meeting_day
        self.carriers = Carriers(relatives, involvements)
        next_meeting = self.fields.pop("next_meeting")
        for participant in self.participants:
            field = forms.ChoiceField(
                label=participant_label(participant), choices=Attendance.choices, initial=participant.attendance
            )
            self.fields[f"attendance_{participant.pk}"] = field
        who = [("", _("Not said")), *self.carriers.choices()]
        for row in range(1, DECISION_ROWS + 1):
            self.fields[f"decision_{row}"] = forms.CharField(
                label=_("Decision %(number)d") % {"number": row}, required=False, max_length=500
            )
            self.fields[f"decision_{row}_who"] = forms.ChoiceField(
                label=_("Who carries decision %(number)d") % {"number": row}, required=False, choices=who
            )
            self.fields[f"decision_{row}_due"] = forms.DateField(
                label=_("Decision %(number)d to be done by") % {"number": row}, required=False, widget=DATE
            )
        next_meeting.choices = [("", "—")] + [(str(m.public_id), f"{_when(m)} — {m.purpose}") for m in later]
        self.fields["next_meeting"] = next_meeting

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        for row in range(1, DECISION_ROWS + 1):
            text = (data.get(f"decision_{row}") or "").strip()
            who, due = data.get(f"decision_{row}_who"), data.get(f"decision_{row}_due")
            if not text and (who or due):
                self.add_error(f"decision_{row}", _("Write the decision that is carried or dated."))
            if due and self.meeting_day and due < self.meeting_day:
                self.add_error(f"decision_{row}_due", _("A decision is done after the meeting, not before it."))
        return data

    @property
    def attendance(self) -> dict[int, str]:
        return {p.pk: self.cleaned_data[f"attendance_{p.pk}"] for p in self.participants}

    @property
    def decision_rows(self) -> list[dict[str, Any]]:
        """Each decision written, with its carrier arguments (when one was named) and its date."""
        rows = []
        for row in range(1, DECISION_ROWS + 1):
            text = (self.cleaned_data.get(f"decision_{row}") or "").strip()
            if not text:
                continue
            who = self.cleaned_data.get(f"decision_{row}_who") or ""
            rows.append(
                {
                    "text": text,
                    "due_on": self.cleaned_data.get(f"decision_{row}_due"),
                    **(self.carriers.of(who) if who else {}),
                }
            )
        return rows


def relation_label(relation: Any) -> str:
    label = f"{relation.name} — {relation.kind_detail}" if relation.kind_detail else relation.name
    return label if relation.email else f"{label} · {_('no e-mail')}"


def participant_label(participant: Any) -> str:
    kind = participant.get_kind_display()
    if participant.name:
        return f"{participant.name} ({kind})"
    return str(kind)


class AgendaPointForm(GuardedForm):
    text = forms.CharField(label=_("A point I want to talk about"), max_length=500)


class MediationForm(GuardedForm):
    subject = forms.CharField(label=_("What the disagreement is about"), max_length=300)
    parties = forms.MultipleChoiceField(
        label=_("Organisations concerned"), required=False, widget=forms.CheckboxSelectMultiple
    )
    person_is_party = forms.BooleanField(label=_("The person is one of the sides"), required=False)

    def __init__(self, *args: Any, organisations: Iterable[Any] = (), **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.fields["parties"].choices = _sorted((o.pk, o.name) for o in organisations)


class MediationFollowForm(GuardedForm):
    text = forms.CharField(label=_("Follow-up"), max_length=2000, widget=forms.Textarea(attrs={"rows": 3}))


class MediationCloseForm(GuardedForm):
    resolution = forms.CharField(label=_("Resolution"), max_length=4000, widget=forms.Textarea(attrs={"rows": 3}))


class PeriodForm(forms.Form):
    """The calendar's period: a week or a month around a day (GET: only a date and a scope, no name)."""

    day = forms.DateField(required=False, widget=DATE)
    span = forms.ChoiceField(required=False, choices=[("week", _("Week")), ("month", _("Month"))])
    scope = forms.ChoiceField(
        required=False, choices=[("mine", _("My meetings")), ("organisation", _("My organisation"))]
    )

    def period(self) -> tuple[dt.date, str, str]:
        data = self.cleaned_data if self.is_valid() else {}
        return data.get("day") or dt.date.today(), data.get("span") or "week", data.get("scope") or "mine"  # noqa: DTZ011


class DecisionActionForm(GuardedForm):
    """A meeting's decision turned into an action of the personalised project, in one step: under which open
    objective, carried by whom (the person, a relative, an organisation of the care team), by when. Carries the
    project's version: the project's own rules (one version, each organisation changes only its own) apply."""

    what = forms.CharField(label=_("What"), max_length=2000, widget=forms.Textarea(attrs={"rows": 2}))
    objective = forms.ChoiceField(label=_("Under which objective of the project"))
    who = forms.ChoiceField(label=_("Who carries it"), widget=forms.RadioSelect)
    ends_on = forms.DateField(label=_("By"), required=False, widget=DATE)

    def __init__(
        self,
        *args: Any,
        objectives: Iterable[Any] = (),
        relatives: Iterable[Any] = (),
        involvements: Iterable[Any] = (),
        **kwargs: Any,
    ) -> None:
        super().__init__(*args, **kwargs)
        self.objectives = {str(o.public_id): o for o in objectives}
        self.carriers = Carriers(relatives, involvements)
        self.fields["objective"].choices = [(key, str(o)) for key, o in self.objectives.items()]
        if len(self.objectives) == 1:
            self.initial.setdefault("objective", next(iter(self.objectives)))
        self.fields["who"].choices = self.carriers.choices()

    def carrier(self) -> dict[str, Any]:
        """The project service's carrier arguments for the choice made."""
        return self.carriers.of(self.cleaned_data["who"])

    @property
    def chosen_objective(self) -> Any:
        return self.objectives[self.cleaned_data["objective"]]
