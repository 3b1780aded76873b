"""Abstract bases shared by the domain apps."""

import uuid

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class PublicIdModel(models.Model):
    """URLs and API payloads carry this random id, never the database pk."""

    public_id = models.UUIDField(_("public id"), default=uuid.uuid4, unique=True, editable=False)

    class Meta:
        abstract = True


class TrackedModel(PublicIdModel):
    """A record that keeps when it was created and who last updated it, and when."""

    created_at = models.DateTimeField(_("created at"), auto_now_add=True)
    updated_at = models.DateTimeField(_("updated at"), auto_now=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("updated by"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        abstract = True


class VersionLog(models.Model):
    """What a versioned row held before one change: the values shown to whoever writes from an older version.

    One row per saved change (`maillage.core.versioning`), with only the fields that changed. It is a copy
    of personal data: `subject_id` names the person it belongs to, so erasure removes it, and rows older
    than `VERSION_LOG_DAYS` are pruned on the next change.
    """

    model = models.CharField(_("model"), max_length=100)
    object_id = models.BigIntegerField(_("object id"))
    version = models.PositiveIntegerField(_("version produced"))
    before = models.JSONField(_("values before"), encoder=DjangoJSONEncoder)
    subject_id = models.BigIntegerField(_("person id"), null=True, blank=True, db_index=True)
    changed_at = models.DateTimeField(_("changed at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("version log entry")
        verbose_name_plural = _("version log entries")
        constraints = [
            models.UniqueConstraint(fields=["model", "object_id", "version"], name="core_versionlog_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.object_id} v{self.version}"


class Submission(models.Model):
    """One form or API create, by its one-time key: a replay answers the first result and creates nothing.

    `scope` keeps keys apart per user or API token; `fingerprint` (SHA-256 of the request) tells a replay
    from a different request reusing the key; `done` is False while the first request is still running.
    Rows expire after `SUBMISSION_HOURS`; `subject_id` lets erasure remove a stored answer at once.
    """

    scope = models.CharField(_("scope"), max_length=100)
    key = models.CharField(_("key"), max_length=255)
    fingerprint = models.CharField(_("fingerprint"), max_length=64)
    done = models.BooleanField(_("done"), default=False)
    status_code = models.PositiveSmallIntegerField(_("status code"), null=True, blank=True)
    response = models.JSONField(_("response"), null=True, blank=True, encoder=DjangoJSONEncoder)
    result_url = models.CharField(_("result address"), max_length=500, blank=True)
    subject_id = models.BigIntegerField(_("person id"), null=True, blank=True, db_index=True)
    created_at = models.DateTimeField(_("created at"), default=timezone.now, db_index=True)

    class Meta:
        verbose_name = _("submission")
        verbose_name_plural = _("submissions")
        constraints = [models.UniqueConstraint(fields=["scope", "key"], name="core_submission_unique_key")]

    def __str__(self) -> str:
        return f"{self.scope} {self.created_at:%Y-%m-%d %H:%M}"


class PeriodicRun(models.Model):
    """One periodic job's run for one period (`2026-12-06`, `2026-W49`, `2026-12-06T07`): the row is the claim.

    Every worker host runs the scheduler (`manage.py periodic --loop`); the first to insert the row for a period
    enqueues the job, in the same transaction, and the unique constraint refuses the others: the job runs once
    per period whatever the number of workers (maillage.core.periodic).
    """

    job = models.CharField(_("job"), max_length=64)
    period = models.CharField(_("period"), max_length=16)
    claimed_at = models.DateTimeField(_("claimed at"), default=timezone.now)
    worker = models.CharField(_("worker"), max_length=128, blank=True)

    class Meta:
        verbose_name = _("periodic run")
        verbose_name_plural = _("periodic runs")
        constraints = [models.UniqueConstraint(fields=["job", "period"], name="core_periodicrun_once_per_period")]

    def __str__(self) -> str:
        return f"{self.job} {self.period}"
