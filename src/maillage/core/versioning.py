"""No lost updates: every edited row carries a version, and a write from an older version is refused.

The rules, in plain words (ADR 5):

1. A model whose rows people edit inherits `VersionedModel`: a `version` number, 1 when created.
2. Whoever shows a row for editing hands its version along (a hidden form field, the API's `version`);
   the write sets `instance.version` to that number before saving.
3. `save()` of an existing row writes only if the row is still at that version, and increments it in the
   same statement (`UPDATE … SET version = version + 1 WHERE pk = … AND version = …`): of two writes
   from the same version, exactly one wins, on SQLite and PostgreSQL alike.
4. The other raises `StaleWrite`, which names who changed what since (`FieldChange`: then → now),
   from the `VersionLog` each save keeps of the values it replaced. Nothing of the refused write is saved.
5. Append-only rows (consents, objections) are never updated: superseding one is their edit, and the
   unique `supersedes` link refuses a second supersession the same way (`superseded_meanwhile`).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db import models, router, transaction
from django.db.models import F
from django.db.models.signals import post_save, pre_save
from django.utils import formats, timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from maillage.core.models import VersionLog

# Not worth a changed field in the log: they change on every save.
UNLOGGED = frozenset({"version", "updated_at", "updated_by"})


class VersionedModel(models.Model):
    """A row edited by people: saving it checks and increments `version` (see the module's rules).

    `version_subject` names the attribute holding the id of the person whose data the row is, so that
    erasing the person erases the log of its earlier values too.
    """

    version = models.PositiveIntegerField(
        gettext_lazy("version"),
        default=1,
        editable=False,
        help_text=gettext_lazy("Incremented by each change; a change made from an older version is refused."),
    )

    version_subject = "person_id"
    # Fields that change by themselves (activity stamps): not worth telling a writer about.
    version_unlogged: tuple[str, ...] = ()

    class Meta:
        abstract = True

    def save(self, *args: Any, **kwargs: Any) -> None:
        if self._state.adding or kwargs.get("force_insert"):
            super().save(*args, **kwargs)
            return
        # A change keeps Django's save contract: receivers of pre_save/post_save still hear of it.
        model, fields = type(self), kwargs.get("update_fields")
        frozen = None if fields is None else frozenset(fields)
        using = router.db_for_write(model, instance=self)
        pre_save.send(sender=model, instance=self, raw=False, using=using, update_fields=frozen)
        save_versioned(self, fields=fields)
        post_save.send(sender=model, instance=self, created=False, update_fields=frozen, raw=False, using=using)


@dataclass(frozen=True)
class FieldChange:
    """One field someone else changed after the writer read the row: its value then, and now."""

    field: str
    label: str
    then: str
    now: str


class StaleWrite(Exception):
    """The row changed after the writer read it: their write was refused, and this says what changed."""

    def __init__(
        self,
        *,
        read_version: int | None,
        current_version: int | None,
        changes: list[FieldChange],
        changed_by: str = "",
        changed_at: dt.datetime | None = None,
        deleted: bool = False,
    ) -> None:
        self.deleted = deleted
        self.read_version = read_version
        self.current_version = current_version
        self.changes = changes
        self.changed_by = changed_by
        self.changed_at = changed_at
        super().__init__(self.message)

    @property
    def headline(self) -> str:
        """Who changed it and when (or that it is gone)."""
        if self.deleted:
            return _("This was deleted after you opened it: nothing was saved.")
        if self.changed_by and self.changed_at:
            return _("%(who)s changed this on %(when)s, after you opened it.") % {
                "who": self.changed_by,
                "when": formats.date_format(timezone.localtime(self.changed_at), "SHORT_DATETIME_FORMAT"),
            }
        return _("Someone changed this after you opened it.")

    @property
    def message(self) -> str:
        """For a form shown again with what was typed."""
        if self.deleted:
            return self.headline
        return " ".join(
            [self.headline, _("Your changes were not saved and are kept below: check theirs, then save again.")]
        )


def save_versioned(instance: VersionedModel, *, fields: Iterable[str] | None = None) -> None:
    """Save `fields` (all by default) of an existing row if it is still at `instance.version`; else StaleWrite.

    The version check and increment are one UPDATE; the row is locked first (SELECT … FOR UPDATE on
    PostgreSQL; SQLite transactions here start IMMEDIATE) to read the values that the log keeps.
    """
    model = type(instance)
    wanted = None if fields is None else set(fields)
    concrete = [
        f
        for f in model._meta.concrete_fields
        if not f.primary_key and f.name != "version" and (wanted is None or {f.name, f.attname} & wanted)
    ]
    read_version = instance.version
    rows = model._base_manager.using(router.db_for_write(model, instance=instance)).filter(pk=instance.pk)
    with transaction.atomic(using=rows.db):
        before = rows.select_for_update().values("version", *[f.attname for f in concrete]).first()
        if before is None or before["version"] != read_version:
            raise stale_write(instance, read_version=read_version)
        values = {f.attname: f.pre_save(instance, False) for f in concrete}
        if not rows.filter(version=read_version).update(version=F("version") + 1, **values):
            raise stale_write(instance, read_version=read_version)
        changed = {
            f.name: before[f.attname]
            for f in concrete
            if f.name not in UNLOGGED
            and f.name not in instance.version_unlogged
            and f.to_python(before[f.attname]) != f.to_python(values[f.attname])
        }
        instance.version = read_version + 1
        if changed:
            _log(instance, version=instance.version, before=changed)


def _log(instance: VersionedModel, *, version: int, before: dict[str, Any]) -> None:
    now = timezone.now()
    VersionLog.objects.create(
        model=instance._meta.label_lower,
        object_id=instance.pk,
        version=version,
        before=before,
        subject_id=getattr(instance, instance.version_subject, None),
        changed_at=now,
    )
    keep = dt.timedelta(days=getattr(settings, "VERSION_LOG_DAYS", 30))
    VersionLog.objects.filter(changed_at__lt=now - keep).delete()


def stale_write(instance: VersionedModel, *, read_version: int | None) -> StaleWrite:
    """The refusal for a write made from `read_version`: every field changed since, then → now.

    The fields are all of the row's, one category of data: whoever passed the door to edit it may see them.
    """
    model = type(instance)
    current = model._base_manager.filter(pk=instance.pk).first()
    if current is None:
        return StaleWrite(read_version=read_version, current_version=None, changes=[], deleted=True)
    then: dict[str, Any] = {}
    logs = VersionLog.objects.filter(
        model=model._meta.label_lower, object_id=instance.pk, version__gt=read_version or 0
    ).order_by("version")
    for log in logs:
        for name, value in log.before.items():
            then.setdefault(name, value)
    changes = []
    for field in model._meta.concrete_fields:
        name = field.name
        if name not in then:
            continue
        old, now = field.to_python(then[name]), getattr(current, field.attname)
        if old != field.to_python(now):
            changes.append(FieldChange(name, str(field.verbose_name), display(field, old), display(field, now)))
    changed_by = getattr(current, "updated_by", None)
    return StaleWrite(
        read_version=read_version,
        current_version=current.version,
        changes=changes,
        changed_by=changed_by.get_full_name() if changed_by is not None else "",
        changed_at=getattr(current, "updated_at", None),
    )


def display(field: models.Field, value: Any) -> str:
    """A value as a reader sees it: choice labels, names of related rows, dates in the reader's format."""
    if value is None or value == "":
        return _("(empty)")
    if field.choices:
        return str(dict(field.flatchoices).get(value, value))
    if field.is_relation:
        related = field.related_model._base_manager.filter(pk=value).first()
        return str(related) if related is not None else _("(empty)")
    if isinstance(value, bool):
        return _("yes") if value else _("no")
    return str(formats.localize(value))


def superseded_meanwhile(row: models.Model, fields: Iterable[str]) -> StaleWrite:
    """The refusal to supersede an append-only row that another row superseded first: what its head says now."""
    model = type(row)
    head = row
    while (newer := model._base_manager.filter(supersedes=head).first()) is not None:
        head = newer
    changes = []
    for name in fields:
        field = model._meta.get_field(name)
        old, now = getattr(row, field.attname), getattr(head, field.attname)
        if old != now:
            changes.append(FieldChange(name, str(field.verbose_name), display(field, old), display(field, now)))
    recorder = getattr(head, "recorded_by", None)
    return StaleWrite(
        read_version=None,
        current_version=None,
        changes=changes,
        changed_by=recorder.get_full_name() if recorder is not None else "",
        changed_at=getattr(head, "created_at", None),
    )
