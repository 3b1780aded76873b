"""The readable project: the current personalised project told to the person, in plain words, for a page to
print and a PDF to download (`core.documents`).

How it is written, in plain words:
1. It speaks to the person ("you"), in short sentences, in one language: the reader's, or one they chose.
2. The person's words come first: each objective opens with what the person said, in a box; the
   professionals' reformulation, when there is one, comes after and says whose it is.
3. Who does what: the person's own actions first, then their relatives', then the organisations'.
4. Where the project stands: the version, whether the person agreed (and how), the next review, the views
   that differ (the person's first), and the team with how to reach them.
5. It carries the person's first name and nothing else of their identity; the file's name and the PDF's
   metadata carry no name at all.
Built from rows the caller loaded through the door (`selectors.project_for` and the other selectors).
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.conf import settings
from django.utils import formats, translation
from django.utils.translation import gettext as _

from maillage.core.documents import PlainDocument
from maillage.people.team import TeamMember
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
    ReviewStatus,
)

LANGUAGES = dict(settings.LANGUAGES)
PDF_FILE_NAME = {"fr": "projet-personnalise.pdf", "en": "personal-project.pdf"}


def document_language(requested: str | None, default: str) -> str:
    """The language asked for (`?lang=`) when Maillage speaks it, else `default` (the reader's)."""
    if requested in LANGUAGES:
        return str(requested)
    return default if default in LANGUAGES else settings.LANGUAGE_CODE


def _date(value: dt.date | dt.datetime | None) -> str:
    if value is None:
        return ""
    if isinstance(value, dt.datetime):
        value = value.date()
    return formats.date_format(value, "DATE_FORMAT")


@dataclass(frozen=True)
class ReadableAction:
    who: str
    what: str
    when: str
    means: str
    status: str
    done: bool
    by_person: bool


@dataclass(frozen=True)
class ReadableObjective:
    number: int
    own_words: str
    reformulation: str
    domain: str
    priority: str
    indicator: str
    target: str
    by_when: str
    status: str
    is_open: bool
    progress: str
    person_rating: str
    actions: tuple[ReadableAction, ...]


@dataclass(frozen=True)
class ReadableView:
    holder: str
    view: str
    is_person: bool


@dataclass(frozen=True)
class ReadableDivergence:
    objective: str
    topic: str
    views: tuple[ReadableView, ...]


@dataclass
class ReadableProject:
    """The project told to the person (rule 1), in `language`."""

    language: str
    first_name: str
    title: str
    exists: bool
    version_line: str = ""
    agreement_line: str = ""
    review_line: str = ""
    objectives: list[ReadableObjective] = field(default_factory=list)
    closed_objectives: list[ReadableObjective] = field(default_factory=list)
    divergences: list[ReadableDivergence] = field(default_factory=list)
    team: list[TeamMember] = field(default_factory=list)

    @property
    def language_name(self) -> str:
        return str(LANGUAGES.get(self.language, self.language))


def _when(action: Any) -> str:
    parts = []
    if action.frequency and action.frequency not in (Frequency.ONCE, ""):
        parts.append(str(Frequency(action.frequency).label).lower())
    if action.starts_on and action.ends_on:
        parts.append(_("from %(start)s to %(end)s") % {"start": _date(action.starts_on), "end": _date(action.ends_on)})
    elif action.starts_on:
        parts.append(_("from %(start)s") % {"start": _date(action.starts_on)})
    elif action.ends_on:
        parts.append(_("before %(end)s") % {"end": _date(action.ends_on)})
    return ", ".join(parts)


def _who(action: Any) -> str:
    if action.carrier == Carrier.PERSON:
        return _("You")
    if action.carrier == Carrier.RELATION and action.relation is not None:
        return action.relation.name
    if action.organisation is not None:
        return action.organisation.name
    return str(Carrier(action.carrier).label)


ACTION_STATUS_WORDS = {
    ActionStatus.PLANNED: lambda: _("to do"),
    ActionStatus.IN_PROGRESS: lambda: _("under way"),
    ActionStatus.DONE: lambda: _("done"),
    ActionStatus.STOPPED: lambda: _("stopped"),
}
HOW_WORDS = {
    AgreementHow.IN_OWN_SPACE: lambda: _("in your own space"),
    AgreementHow.ON_PAPER: lambda: _("on paper, signed"),
    AgreementHow.ORALLY_IN_MEETING: lambda: _("orally, in a meeting"),
}
PRIORITY_WORDS = {
    Priority.HIGH: lambda: _("very important for you"),
    Priority.MEDIUM: lambda: _("important for you"),
    Priority.LOW: lambda: _("less urgent for you"),
}


def _action(action: Any) -> ReadableAction:
    words = ACTION_STATUS_WORDS.get(action.status)
    return ReadableAction(
        who=_who(action),
        what=action.what,
        when=_when(action),
        means=action.means or (action.service.name if getattr(action, "service", None) else ""),
        status=words() if words else "",
        done=action.status == ActionStatus.DONE,
        by_person=action.carrier == Carrier.PERSON,
    )


def _ratings(reviews: list[Any]) -> dict[int, tuple[int | None, int | None]]:
    """{objective pk: (professionals' progress, the person's rating)} from the latest review that has them."""
    found: dict[int, list[int | None]] = {}
    for review in sorted(reviews, key=lambda r: (r.held_on or r.planned_on, r.pk)):
        if review.status == ReviewStatus.CANCELLED:
            continue
        for entry in review.entries.all():
            current = found.setdefault(entry.objective_id, [None, None])
            if entry.progress is not None:
                current[0] = entry.progress
            if entry.person_rating is not None:
                current[1] = entry.person_rating
    return {pk: (values[0], values[1]) for pk, values in found.items()}


def _objective(number: int, objective: Any, ratings: tuple[int | None, int | None]) -> ReadableObjective:
    progress, rating = ratings
    priority = PRIORITY_WORDS.get(objective.priority)
    if objective.status == ObjectiveStatus.REACHED:
        status = _("Reached. Well done!")
    elif objective.status == ObjectiveStatus.DROPPED:
        status = _("Stopped.")
    else:
        status = _("We are working on it.")
    return ReadableObjective(
        number=number,
        own_words=objective.own_words,
        reformulation=objective.reformulation,
        domain=objective.life_domain.name if objective.life_domain_id else "",
        priority=priority() if priority else "",
        indicator=objective.indicator,
        target=objective.target,
        by_when=_date(objective.target_date),
        status=status,
        is_open=objective.status == ObjectiveStatus.ACTIVE,
        progress=str(Progress(progress).label) if progress is not None else "",
        person_rating=str(Progress(rating).label) if rating is not None else "",
        actions=tuple(_action(a) for a in getattr(objective, "sorted_actions", objective.actions.all())),
    )


def _version_lines(versions: list[Any]) -> tuple[str, str]:
    if not versions:
        return _("This project has not been proposed to you yet."), ""
    latest = max(versions, key=lambda v: v.number)
    version = _("Version %(number)s, proposed on %(date)s.") % {
        "number": latest.number,
        "date": _date(latest.created_at),
    }
    if not latest.answer:
        return version, _("You have not given your answer yet. Tell us what you think.")
    how = HOW_WORDS[latest.answer_how]() if latest.answer_how in HOW_WORDS else ""
    words = {
        AgreementAnswer.AGREED: _("You agreed to it on %(date)s (%(how)s)."),
        AgreementAnswer.AGREED_WITH_RESERVATIONS: _("You agreed to it, with reservations, on %(date)s (%(how)s)."),
        AgreementAnswer.DISAGREED: _("You did not agree to it, on %(date)s (%(how)s)."),
    }[latest.answer]
    return version, words % {"date": _date(latest.answered_at), "how": how}


def _review_line(reviews: list[Any], today: dt.date) -> str:
    planned = sorted(
        (r for r in reviews if r.status == ReviewStatus.PLANNED and r.planned_on >= today), key=lambda r: r.planned_on
    )
    if planned:
        return _("Your next review is planned on %(date)s.") % {"date": _date(planned[0].planned_on)}
    return _("No review is planned yet.")


def _divergence(divergence: Any) -> ReadableDivergence:
    views = []
    for view in divergence.views.all():
        if view.holder == Holder.PERSON:
            holder = _("You")
        elif view.holder == Holder.RELATION and view.relation is not None:
            holder = view.relation.name
        elif view.organisation is not None:
            holder = view.organisation.name
        else:
            holder = str(Holder(view.holder).label)
        views.append(ReadableView(holder=holder, view=view.view, is_person=view.holder == Holder.PERSON))
    views.sort(key=lambda v: not v.is_person)  # rule 2: the person's view first
    return ReadableDivergence(objective=divergence.objective.own_words, topic=divergence.topic, views=tuple(views))


def readable_project(
    person: Any,
    project: Any | None,
    *,
    language: str,
    objectives: list[Any] = (),
    versions: list[Any] = (),
    reviews: list[Any] = (),
    divergences: list[Any] = (),
    team: list[TeamMember] = (),
    today: dt.date | None = None,
) -> ReadableProject:
    """The readable project of `person` (rows loaded by the caller through the door), in `language`."""
    from django.utils import timezone

    today = today or timezone.localdate()
    with translation.override(language):
        if project is None:
            return ReadableProject(
                language=language,
                first_name=person.first_name,
                title=_("Your project"),
                exists=False,
                version_line=_("No project has been started with you yet. Talk about it with your referent."),
                team=list(team),
            )
        ratings = _ratings(list(reviews))
        readable = [_objective(0, o, ratings.get(o.pk, (None, None))) for o in objectives]
        open_ones = [r for r in readable if r.is_open]
        closed = [r for r in readable if not r.is_open]
        open_ones = [_renumber(r, index) for index, r in enumerate(open_ones, start=1)]
        closed = [_renumber(r, index) for index, r in enumerate(closed, start=len(open_ones) + 1)]
        version_line, agreement_line = _version_lines(list(versions))
        return ReadableProject(
            language=language,
            first_name=person.first_name,
            title=project.title or _("Your project"),
            exists=True,
            version_line=version_line,
            agreement_line=agreement_line,
            review_line=_review_line(list(reviews), today),
            objectives=open_ones,
            closed_objectives=closed,
            divergences=[_divergence(d) for d in divergences if d.is_open],
            team=list(team),
        )


def _renumber(objective: ReadableObjective, number: int) -> ReadableObjective:
    from dataclasses import replace

    return replace(objective, number=number)


def project_pdf(readable: ReadableProject) -> bytes:
    """The readable project as a PDF in its language (`core.documents`): large type, the person's words first."""
    with translation.override(readable.language):
        document = PlainDocument(
            title=readable.title,
            subtitle=_("The project of %(name)s") % {"name": readable.first_name} if readable.first_name else "",
            language=readable.language,
            file_title=_("Personalised project"),
        )
        document.text(readable.version_line, strong=True).text(readable.agreement_line)
        if readable.exists:
            document.heading(_("What you want to work on"))
            if not readable.objectives:
                document.text(_("No objective is being worked on now."))
            for objective in readable.objectives:
                _objective_blocks(document, objective)
            if readable.review_line:
                document.heading(_("When we look at it together again")).text(readable.review_line)
            if readable.divergences:
                document.heading(_("Where views differ"))
                document.text(_("Everyone does not see things the same way. It is written down here, openly."))
                for divergence in readable.divergences:
                    document.heading(divergence.topic, level=2)
                    document.text(_("About: %(objective)s") % {"objective": divergence.objective}, muted=True)
                    for view in divergence.views:
                        document.facts([(_("%(who)s:") % {"who": view.holder}, view.view)])
            if readable.closed_objectives:
                document.heading(_("Objectives already closed"))
                document.bullets(f"{o.own_words} — {o.status}" for o in readable.closed_objectives)
        if readable.team:
            document.heading(_("The people who support you"))
            document.bullets(_team_line(member) for member in readable.team)
        return document.pdf()


def _objective_blocks(document: PlainDocument, objective: ReadableObjective) -> None:
    heading = _("Objective %(number)s") % {"number": objective.number}
    if objective.domain:
        heading += f" — {objective.domain}"
    document.heading(heading, level=2)
    document.quote(objective.own_words, by=_("In your words"))
    if objective.reformulation:
        document.text(_("Your professionals wrote it this way: %(text)s") % {"text": objective.reformulation})
    document.facts(
        [
            (_("How important:"), objective.priority),
            (_("How we will see progress:"), objective.indicator),
            (_("The goal:"), objective.target),
            (_("By when:"), objective.by_when),
            (_("Where you are, for you:"), objective.person_rating),
            (_("Where you are, for your professionals:"), objective.progress),
        ]
    )
    if objective.actions:
        document.text(_("Who does what:"), strong=True)
        document.bullets(_action_line(action) for action in objective.actions)


def _action_line(action: ReadableAction) -> str:
    line = _("%(who)s: %(what)s") % {"who": action.who, "what": action.what}
    if action.when:
        line += f" ({action.when})"
    if action.means:
        line += " — " + _("with: %(means)s") % {"means": action.means}
    if action.status:
        line += f" — {action.status}"
    return line


def _team_line(member: TeamMember) -> str:
    line = member.name
    if member.professional:
        line += f", {member.organisation}"
    if member.is_referent:
        line += " — " + _("your referent")
    contact = " · ".join(part for part in (member.phone, member.email) if part)
    return f"{line} — {contact}" if contact else line
