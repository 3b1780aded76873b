"""The personalised project (projet personnalisé) of a person: objectives, actions, versions the person agrees
to, reviews, divergent views, and the timeline of it all.

Every row is PROJECT data of one person (`person`), read and written through the access door by
`maillage.projects.selectors` and `maillage.projects.services`; other apps never import these models.

One version number guards the whole project (ADR 5): `Project.version` is checked and incremented by every
write to the project or any of its children (`services._guard`), so two professionals editing the same
project cannot silently overwrite each other, even when they edit different objectives. The children carry
no version of their own.

`ProjectVersion` is something else: a numbered, agreed (or not) snapshot of the objectives and actions, the
"version 2 of the project" that the person said yes to.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from maillage.core.models import TrackedModel
from maillage.core.versioning import VersionedModel
from maillage.projects.enums import (
    ActionStatus,
    AgreementAnswer,
    AgreementHow,
    Carrier,
    EventKind,
    Frequency,
    Holder,
    ObjectiveStatus,
    Priority,
    Progress,
    ProjectStatus,
    ReviewDecision,
    ReviewStatus,
)

USER = settings.AUTH_USER_MODEL


def _user(verbose_name, related_name="+") -> models.ForeignKey:
    return models.ForeignKey(
        USER, verbose_name=verbose_name, null=True, blank=True, on_delete=models.SET_NULL, related_name=related_name
    )


def _organisation(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        "accounts.Organisation",
        verbose_name=verbose_name,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )


class ProjectQuerySet(models.QuerySet["Project"]):
    def active(self) -> ProjectQuerySet:
        return self.filter(status=ProjectStatus.ACTIVE)


class Project(TrackedModel, VersionedModel):
    """The person's personalised project: at most one active per person (a closed one stays readable).

    `version` guards every write to the project and its children. `last_change` says in words what the
    last write did: a writer refused for a stale version is told what changed (with the timeline since).
    """

    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    title = models.CharField(_("title"), max_length=200, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ProjectStatus, default=ProjectStatus.ACTIVE)
    started_on = models.DateField(_("started on"), default=timezone.localdate)
    closed_on = models.DateField(_("closed on"), null=True, blank=True)
    last_change = models.CharField(_("last change"), max_length=300, blank=True)
    created_by = _user(_("started by"))
    created_by_organisation = _organisation(_("organisation that started it"))

    objects = ProjectQuerySet.as_manager()

    class Meta:
        verbose_name = _("personalised project")
        verbose_name_plural = _("personalised projects")
        ordering = ["-started_on", "-pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["person"],
                condition=models.Q(status="ACTIVE"),
                name="projects_project_one_active",
                violation_error_message=_("The person already has an active project."),
            ),
        ]

    def __str__(self) -> str:
        return self.title or str(_("Personalised project"))

    @property
    def is_active(self) -> bool:
        return self.status == ProjectStatus.ACTIVE


class Objective(TrackedModel):
    """What is to be worked on, in the person's own words (and, if needed, the professionals' reformulation),
    in one life domain of the directory's taxonomy, with the person's priority and an expected result in
    evaluable terms: what will show progress, the target, and by when."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="objectives"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    own_words = models.TextField(_("in the person's own words"))
    reformulation = models.TextField(
        _("professionals' reformulation"), blank=True, help_text=_("Only if needed, beside the person's words.")
    )
    life_domain = models.ForeignKey(
        "directory.TaxonomyTerm",
        verbose_name=_("life domain"),
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="+",
    )
    priority = models.PositiveSmallIntegerField(_("the person's priority"), choices=Priority, default=Priority.MEDIUM)
    indicator = models.TextField(
        _("what will show progress"), help_text=_("Something everyone can observe, e.g. 'rent paid on time'.")
    )
    target = models.CharField(_("target"), max_length=300, blank=True, help_text=_("e.g. 'three months in a row'."))
    target_date = models.DateField(_("by when"), null=True, blank=True)
    status = models.CharField(_("status"), max_length=20, choices=ObjectiveStatus, default=ObjectiveStatus.ACTIVE)
    status_reason = models.TextField(_("why it was closed"), blank=True)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("objective")
        verbose_name_plural = _("objectives")
        ordering = ["priority", "position", "pk"]

    def __str__(self) -> str:
        return self.own_words[:80]

    @property
    def is_open(self) -> bool:
        return self.status == ObjectiveStatus.ACTIVE

    def clean(self) -> None:
        super().clean()
        if not (self.own_words or "").strip():
            raise ValidationError({"own_words": _("Write the objective as the person says it.")})
        if not (self.indicator or "").strip():
            raise ValidationError({"indicator": _("Say what will show progress, so that it can be evaluated.")})


class ProjectAction(TrackedModel):
    """Something done for an objective: who carries it (the person, someone of their primary network, or an
    organisation of the care team through its active involvement), what, when or how often, with which means
    (a directory service can be linked). An organisation's action is changed only by that organisation or the
    referent (`services`)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="actions")
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="actions"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    carrier = models.CharField(_("carried by"), max_length=20, choices=Carrier, default=Carrier.PERSON)
    relation = models.ForeignKey(
        "people.Relation",
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    involvement = models.ForeignKey(
        "people.Involvement",
        verbose_name=_("involvement"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    organisation = _organisation(_("organisation"))
    what = models.TextField(_("what"))
    starts_on = models.DateField(_("starts on"), null=True, blank=True)
    ends_on = models.DateField(_("ends on"), null=True, blank=True)
    frequency = models.CharField(_("how often"), max_length=20, choices=Frequency, default=Frequency.ONCE)
    means = models.TextField(_("with which means"), blank=True)
    service = models.ForeignKey(
        "directory.Service",
        verbose_name=_("directory service"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    status = models.CharField(_("status"), max_length=20, choices=ActionStatus, default=ActionStatus.PLANNED)
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        verbose_name = _("action")
        verbose_name_plural = _("actions")
        ordering = ["objective_id", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=(
                    models.Q(carrier="PERSON", relation__isnull=True, involvement__isnull=True)
                    | models.Q(carrier="RELATION", relation__isnull=False, involvement__isnull=True)
                    | models.Q(carrier="ORGANISATION", relation__isnull=True, organisation__isnull=False)
                ),
                name="projects_action_one_carrier",
                violation_error_message=_("An action is carried by the person, one relative or one organisation."),
            ),
        ]

    def __str__(self) -> str:
        return self.what[:80]

    @property
    def is_open(self) -> bool:
        return self.status in (ActionStatus.PLANNED, ActionStatus.IN_PROGRESS)

    def clean(self) -> None:
        super().clean()
        errors = {}
        if not (self.what or "").strip():
            errors["what"] = _("Say what will be done.")
        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            errors["ends_on"] = _("The end date is before the start date.")
        if self.carrier == Carrier.RELATION and self.relation_id is None:
            errors["relation"] = _("Choose who, among the person's relatives, carries this action.")
        if self.carrier == Carrier.ORGANISATION and self.organisation_id is None:
            errors["involvement"] = _("Choose which organisation of the care team carries this action.")
        if errors:
            raise ValidationError(errors)


class ProjectVersion(models.Model):
    """A numbered snapshot of the objectives and actions, proposed to the person, and their answer.

    Rows are never changed except to record the person's answer once (who recorded it and how is kept:
    only the person records IN_OWN_SPACE; a professional records ON_PAPER or ORALLY_IN_MEETING).
    """

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="versions")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    number = models.PositiveIntegerField(_("version number"))
    snapshot = models.JSONField(_("snapshot"), encoder=DjangoJSONEncoder)
    note = models.TextField(_("what changed, in words"), blank=True)
    created_at = models.DateTimeField(_("proposed at"), default=timezone.now)
    created_by = _user(_("proposed by"))
    created_by_organisation = _organisation(_("proposing organisation"))
    answer = models.CharField(_("the person's answer"), max_length=30, choices=AgreementAnswer, blank=True)
    answer_how = models.CharField(_("how the person answered"), max_length=30, choices=AgreementHow, blank=True)
    answer_comment = models.TextField(_("the person's comment"), blank=True)
    answered_at = models.DateTimeField(_("answer recorded at"), null=True, blank=True)
    answer_recorded_by = _user(_("answer recorded by"))
    answer_recorded_by_organisation = _organisation(_("organisation that recorded the answer"))

    class Meta:
        verbose_name = _("project version")
        verbose_name_plural = _("project versions")
        ordering = ["project", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["project", "number"], name="projects_version_unique_number"),
        ]

    def __str__(self) -> str:
        return f"v{self.number}"

    @property
    def is_answered(self) -> bool:
        return bool(self.answer)

    @property
    def is_agreed(self) -> bool:
        return self.answer in (AgreementAnswer.AGREED, AgreementAnswer.AGREED_WITH_RESERVATIONS)


class Review(TrackedModel):
    """An evaluation of the project: planned (a date, who takes part), then held (progress per objective)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="reviews")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    planned_on = models.DateField(_("planned on"))
    status = models.CharField(_("status"), max_length=20, choices=ReviewStatus, default=ReviewStatus.PLANNED)
    held_on = models.DateField(_("held on"), null=True, blank=True)
    person_takes_part = models.BooleanField(_("the person takes part"), default=True)
    organisations = models.ManyToManyField(
        "accounts.Organisation", verbose_name=_("organisations taking part"), blank=True, related_name="+"
    )
    relations = models.ManyToManyField(
        "people.Relation", verbose_name=_("relatives taking part"), blank=True, related_name="+"
    )
    note = models.TextField(_("note"), blank=True)
    summary = models.TextField(_("summary"), blank=True)
    planned_by = _user(_("planned by"))
    held_recorded_by = _user(_("recorded by"))

    class Meta:
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        ordering = ["planned_on", "pk"]

    def __str__(self) -> str:
        return f"{self.planned_on:%Y-%m-%d} ({self.get_status_display()})"

    def clean(self) -> None:
        super().clean()
        if self.held_on and self.held_on > timezone.localdate():
            raise ValidationError({"held_on": _("A review cannot have been held in the future.")})


class ObjectiveReview(models.Model):
    """One objective at one review: the professionals' assessment and the person's own rating, side by side,
    each on the same simple scale with a comment, and the decision taken."""

    review = models.ForeignKey(Review, verbose_name=_("review"), on_delete=models.CASCADE, related_name="entries")
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="reviews"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    progress = models.PositiveSmallIntegerField(
        _("professionals' assessment"), choices=Progress, null=True, blank=True
    )
    comment = models.TextField(_("professionals' comment"), blank=True)
    person_rating = models.PositiveSmallIntegerField(_("the person's rating"), choices=Progress, null=True, blank=True)
    person_comment = models.TextField(_("the person's comment"), blank=True)
    decision = models.CharField(_("decision"), max_length=20, choices=ReviewDecision, default=ReviewDecision.KEPT)

    class Meta:
        verbose_name = _("objective review")
        verbose_name_plural = _("objective reviews")
        ordering = ["review", "objective__priority", "objective__position", "objective_id"]
        constraints = [
            models.UniqueConstraint(fields=["review", "objective"], name="projects_objectivereview_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.review_id}/{self.objective_id}"


class Divergence(TrackedModel):
    """Partners (and the person) see an objective differently: their views side by side, visible until the
    divergence is resolved, and then kept with the resolution."""

    project = models.ForeignKey(
        Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="divergences"
    )
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), on_delete=models.CASCADE, related_name="divergences"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    topic = models.CharField(_("what the views differ on"), max_length=300)
    resolved_at = models.DateTimeField(_("resolved at"), null=True, blank=True)
    resolution = models.TextField(_("resolution"), blank=True)
    resolved_by = _user(_("resolved by"))
    opened_by = _user(_("recorded by"))

    class Meta:
        verbose_name = _("divergence")
        verbose_name_plural = _("divergences")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.topic

    @property
    def is_open(self) -> bool:
        return self.resolved_at is None


class DivergentView(models.Model):
    """One party's view in a divergence: the person's, a relative's, or an organisation's (recorded by that
    organisation: an organisation states only its own view)."""

    divergence = models.ForeignKey(
        Divergence, verbose_name=_("divergence"), on_delete=models.CASCADE, related_name="views"
    )
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    holder = models.CharField(_("whose view"), max_length=20, choices=Holder)
    organisation = _organisation(_("organisation"))
    relation = models.ForeignKey(
        "people.Relation",
        verbose_name=_("relative"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    view = models.TextField(_("view"))
    recorded_at = models.DateTimeField(_("recorded at"), default=timezone.now)
    recorded_by = _user(_("recorded by"))

    class Meta:
        verbose_name = _("divergent view")
        verbose_name_plural = _("divergent views")
        ordering = ["recorded_at", "pk"]

    def __str__(self) -> str:
        return f"{self.get_holder_display()}: {self.view[:60]}"


class ProjectEvent(models.Model):
    """One entry of the project's timeline (append-only): what happened, in words, by whom, and the project
    version it produced (a writer refused for a stale version is shown the entries after theirs)."""

    project = models.ForeignKey(Project, verbose_name=_("project"), on_delete=models.CASCADE, related_name="events")
    person = models.ForeignKey("people.Person", verbose_name=_("person"), on_delete=models.CASCADE, related_name="+")
    kind = models.CharField(_("what happened"), max_length=30, choices=EventKind)
    summary = models.CharField(_("summary"), max_length=300, blank=True)
    at = models.DateTimeField(_("when"), default=timezone.now, db_index=True)
    actor = _user(_("by"))
    organisation = _organisation(_("organisation"))
    project_version = models.PositiveIntegerField(_("project version after the change"))
    objective = models.ForeignKey(
        Objective, verbose_name=_("objective"), null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    detail = models.JSONField(_("detail"), default=dict, blank=True, encoder=DjangoJSONEncoder)

    class Meta:
        verbose_name = _("project event")
        verbose_name_plural = _("project events")
        ordering = ["-at", "-pk"]
        indexes = [models.Index(fields=["project", "project_version"], name="projects_event_version_idx")]

    def __str__(self) -> str:
        return f"{self.kind} v{self.project_version}"
